"""``jt.sklearn.log_model``, ``jt.sklearn.load_model`` and ``jt.sklearn.autolog``:
``mlflow.sklearn``'s fluent calls, so that code written for ``mlflow.sklearn`` runs with
``jt`` in its place.

They are ``jt.log_model`` and ``jt.load_model`` under mlflow.sklearn's argument names. jt
serialises with cloudpickle (MLflow 3's default is skops): ``serialization_format`` takes
only "cloudpickle" (docs/mlflow-compatibility.md, "jt.sklearn").
"""

from __future__ import annotations

from .autologging import DEFAULT_MAX_TUNING_RUNS
from .client.fluent_models import load_model as _load_model
from .client.fluent_models import log_model as _log_model
from .entities import LoggedModel
from .errors import invalid

SERIALIZATION_FORMAT_CLOUDPICKLE = "cloudpickle"  # mlflow.sklearn's name for it


def log_model(
    sk_model,
    artifact_path: str | None = None,
    *,
    name: str | None = None,
    input_example=None,
    registered_model_name: str | None = None,
    serialization_format: str | None = None,
) -> LoggedModel:
    """Log scikit-learn estimator ``sk_model`` from the active run as logged model ``name``
    (``artifact_path`` is MLflow's deprecated spelling of it); returns the ``LoggedModel``,
    whose ``model_uri`` loads it back."""
    if serialization_format not in (None, SERIALIZATION_FORMAT_CLOUDPICKLE):
        raise invalid(
            f"jt writes scikit-learn models with cloudpickle, not {serialization_format!r}: "
            "pass serialization_format='cloudpickle' or leave it out (mlflow.sklearn "
            "writes the other formats; jt.load_model reads them)"
        )
    given = [each for each in (name, artifact_path) if each is not None]
    if len(given) != 1:
        raise invalid("Give the model's name (name=...)")
    return _log_model(sk_model, given[0], input_example, registered_model_name)


def load_model(model_uri: str):
    """The scikit-learn model at ``model_uri`` (``runs:/``, ``models:/``), as
    ``jt.load_model`` loads it (MLflow's skops, cloudpickle and pickle files too)."""
    return _load_model(model_uri)


def autolog(
    disable: bool = False,
    log_models: bool = True,
    max_tuning_runs: int | None = DEFAULT_MAX_TUNING_RUNS,
) -> None:
    """Log every scikit-learn fit (params, training metrics, the model; a parameter search
    with a child run per candidate), as ``mlflow.sklearn.autolog``; ``disable=True`` undoes
    it. What is logged: ``jupyterlab_tracker/autologging/sklearn.py``, docs/autologging.md."""
    from .autologging import sklearn as sklearn_autologging  # imports scikit-learn

    sklearn_autologging.autolog(
        disable=disable, log_models=log_models, max_tuning_runs=max_tuning_runs
    )
