"""jupyterlab_tracker: experiment tracking and a model registry inside JupyterLab.

``import jupyterlab_tracker as jt`` gives the fluent logging API. Importing this package
stays cheap: the server extension and the SQL store load only when they are used.
"""

try:
    from ._version import __version__
except ImportError:  # a source checkout that was never built
    __version__ = "0.0.0.dev0"

# The fluent API. These modules import nothing heavy: a backend (SQLAlchemy or requests)
# loads only when the first call needs it.
# mlflow.sklearn's log_model and load_model as jt.sklearn's (imports no sklearn);
# jt.lightning.Logger and jt.keras.Callback (import no Lightning or Keras until used).
from . import keras, lightning, sklearn  # noqa: E402
from .client.fluent import (  # noqa: E402
    ActiveRun,
    active_run,
    create_experiment,
    delete_tag,
    disable_system_metrics_logging,
    enable_system_metrics_logging,
    end_run,
    flush,
    get_experiment,
    get_experiment_by_name,
    get_metric_history,
    get_run,
    get_tracking_uri,
    last_active_run,
    log_input,
    log_metric,
    log_metrics,
    log_param,
    log_params,
    sample_metric_history,
    search_runs,
    set_experiment,
    set_system_metrics_sampling_interval,
    set_tag,
    set_tags,
    set_tracking_uri,
    start_run,
    system_metrics_logging_enabled,
)
from .client.fluent_models import (  # noqa: E402
    download_artifacts,
    get_artifact_uri,
    list_artifacts,
    load_model,
    log_artifact,
    log_artifacts,
    log_dict,
    log_figure,
    log_image,
    log_model,
    log_table,
    log_text,
    register_model,
)
from .client.tracker_client import TrackerClient  # noqa: E402


def load_ipython_extension(ipython):
    """``%load_ext jupyterlab_tracker``: register the magics (IPython loads only now)."""
    from .magics import TrackerMagics

    ipython.register_magics(TrackerMagics)


def autolog(disable: bool = False, exclude=None, log_models: bool = True) -> list[str]:
    """Autolog every integration whose library is importable (scikit-learn, Lightning,
    Keras), except
    ``exclude``'s; ``disable=True`` undoes it. Returns the integrations switched.
    What each logs: docs/autologging.md."""
    from .autologging import autolog as switch

    return switch(disable=disable, exclude=exclude, log_models=log_models)


def live(*metrics: str, **kwargs):
    """Show a chart of the active run's ``metrics`` that redraws while the cell trains
    (every metric if none are named). Returns the ``LiveMetrics``; ``.stop()`` ends it."""
    from .views.live import live as show_live

    return show_live(*metrics, **kwargs)


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyterlab_tracker"}]


def _jupyter_server_extension_points():
    # The server module is imported only by Jupyter Server, never by `import jt`.
    return [{"module": "jupyterlab_tracker.server"}]


__all__ = [
    "download_artifacts",
    "get_artifact_uri",
    "list_artifacts",
    "load_model",
    "log_artifact",
    "log_artifacts",
    "log_dict",
    "log_figure",
    "log_image",
    "log_model",
    "log_table",
    "log_text",
    "register_model",
    "ActiveRun",
    "active_run",
    "autolog",
    "disable_system_metrics_logging",
    "enable_system_metrics_logging",
    "set_system_metrics_sampling_interval",
    "create_experiment",
    "delete_tag",
    "end_run",
    "flush",
    "get_experiment",
    "get_experiment_by_name",
    "get_metric_history",
    "get_run",
    "get_tracking_uri",
    "last_active_run",
    "live",
    "log_input",
    "log_metric",
    "log_metrics",
    "log_param",
    "log_params",
    "sample_metric_history",
    "search_runs",
    "set_experiment",
    "set_tag",
    "set_tags",
    "set_tracking_uri",
    "sklearn",
    "keras",
    "lightning",
    "start_run",
    "system_metrics_logging_enabled",
    "TrackerClient",
]
