"""The Jupyter Server extension: tracking and registry APIs under ``<base_url>tracker/``."""


def _jupyter_server_extension_points():
    return [{"module": "jupyterlab_tracker.server"}]


def _load_jupyter_server_extension(serverapp):
    from .extension import load_extension

    load_extension(serverapp)


async def _start_jupyter_server_extension(serverapp):
    # Runs once the event loop is up: background tasks belong here, not in the loader.
    from .extension import Tracker
    from .reaper import start_run_reaper

    settings = Tracker(parent=serverapp)
    start_run_reaper(
        serverapp.web_app.settings["tracker"].service,
        timeout=settings.heartbeat_timeout,
        interval=settings.reap_interval,
        log=serverapp.log,
    )
