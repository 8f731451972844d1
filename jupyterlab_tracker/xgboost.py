"""``jt.xgboost``: ``Callback``, ``autolog``, ``log_model`` and ``load_model``, as
``mlflow.xgboost`` spells them. Importing it imports no XGBoost: ``Callback`` (an
``xgboost.callback.TrainingCallback``) loads it when first used. ``log_model`` writes a
Booster or a scikit-learn API model (``XGBClassifier``, ...) in MLflow's xgboost flavor;
``load_model`` gives back the class it was saved from.
What is logged: ``autologging/xgboost.py``, docs/autologging.md.
"""

from __future__ import annotations

from .client.fluent_models import load_model, log_model

DEFAULT_IMPORTANCE_TYPES = ("weight",)  # mlflow.xgboost.autolog's default

__all__ = ["autolog", "load_model", "log_model"]  # and Callback, loaded on first use


def autolog(
    disable: bool = False, log_models: bool = True, importance_types=DEFAULT_IMPORTANCE_TYPES
) -> None:
    """Log every ``xgboost.train`` and scikit-learn API ``fit`` (params, every evaluation
    metric per iteration, feature importance, the model), as ``mlflow.xgboost.autolog``;
    ``disable=True`` undoes it."""
    from .autologging import xgboost as xgboost_autologging  # imports xgboost

    xgboost_autologging.autolog(
        disable=disable, log_models=log_models, importance_types=importance_types
    )


def __getattr__(name: str):
    if name == "Callback":
        from .autologging.xgboost import Callback

        return Callback
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
