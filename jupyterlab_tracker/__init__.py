"""jupyterlab_tracker: experiment tracking and a model registry inside JupyterLab.

``import jupyterlab_tracker as jt`` gives the fluent logging API. Importing this package
stays cheap: the server extension and the SQL store load only when they are used.
"""

try:
    from ._version import __version__
except ImportError:  # a source checkout that was never built
    __version__ = "0.0.0.dev0"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab_tracker"}]


def _jupyter_server_extension_points():
    # The server module is imported only by Jupyter Server, never by `import jt`.
    return [{"module": "jupyterlab_tracker.server"}]
