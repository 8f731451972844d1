"""The fluent API for artifacts, models and the registry (``jt.log_artifact``, ``jt.log_model``,
``jt.load_model``, ``jt.register_model``, ...), shaped like MLflow's.

Like the rest of the fluent API (``fluent.py``), logging with no active run starts one.
"""

from __future__ import annotations

from ..entities import FileInfo, LoggedModel, ModelVersion
from .fluent import _active_run_id, _client, _context_tags


def log_artifact(local_path: str, artifact_path: str | None = None) -> None:
    """Upload a local file (or directory) to the active run's artifacts."""
    _client().log_artifact(_active_run_id(), local_path, artifact_path)


def log_artifacts(local_dir: str, artifact_path: str | None = None) -> None:
    _client().log_artifacts(_active_run_id(), local_dir, artifact_path)


def log_text(text: str, artifact_file: str) -> None:
    _client().log_text(_active_run_id(), text, artifact_file)


def log_dict(dictionary: dict, artifact_file: str) -> None:
    """JSON, or YAML when ``artifact_file`` ends in .yaml / .yml."""
    _client().log_dict(_active_run_id(), dictionary, artifact_file)


def log_figure(figure, artifact_file: str, *, save_kwargs: dict | None = None) -> None:
    _client().log_figure(_active_run_id(), figure, artifact_file, save_kwargs=save_kwargs)


def log_image(image, artifact_file: str) -> None:
    _client().log_image(_active_run_id(), image, artifact_file)


def log_table(data, artifact_file: str) -> None:
    _client().log_table(_active_run_id(), data, artifact_file)


def list_artifacts(run_id: str, path: str | None = None) -> list[FileInfo]:
    return _client().list_artifacts(run_id, path)


def download_artifacts(run_id: str, path: str = "", dst_path: str | None = None) -> str:
    return _client().download_artifacts(run_id, path, dst_path)


def get_artifact_uri(artifact_path: str | None = None) -> str:
    """Where the active run's artifacts (or ``artifact_path`` among them) are stored."""
    return _client().get_artifact_uri(_active_run_id(), artifact_path)


def log_model(
    model, name: str, input_example=None, registered_model_name: str | None = None
) -> LoggedModel:
    """Log ``model`` from the active run, in MLflow's model format (``mlflow.pyfunc``,
    ``mlflow.<flavor>.load_model`` and ``mlflow models serve`` take it);
    ``runs:/<run_id>/<name>`` then refers to it."""
    return _client().log_model(
        _active_run_id(), model, name, input_example, registered_model_name, tags=_context_tags()
    )


def load_model(model_uri: str):
    """``runs:/<run_id>/<name>``, ``models:/<name>/<version|stage>``, ``models:/<name>@<alias>``
    or ``models:/m-<id>``, loaded and ready to ``predict``: one that jt or MLflow 3 wrote
    (sklearn, PyTorch; other ``python_function`` models through ``mlflow.pyfunc``).

    **Loading a model runs code**: it is unpickled, which executes whatever its files say,
    with your rights. Load only models you trust, exactly as with MLflow (details:
    ``TrackerClient.load_model``)."""
    return _client().load_model(model_uri)


def register_model(model_uri: str, name: str, tags: dict | None = None) -> ModelVersion:
    return _client().register_model(model_uri, name, tags)
