"""The Jupyter Server extension: tracking and registry APIs under ``<base_url>tracker/``."""


def _jupyter_server_extension_points():
    return [{"module": "jupyterlab_tracker.server"}]


def _load_jupyter_server_extension(serverapp):
    from .extension import load_extension

    load_extension(serverapp)
