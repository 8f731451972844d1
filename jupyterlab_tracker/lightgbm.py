"""``jt.lightgbm``: ``Callback``, ``autolog``, ``log_model`` and ``load_model``, as
``mlflow.lightgbm`` spells them. Importing it imports no LightGBM: ``Callback`` loads it
when first used. ``log_model`` writes a Booster or a scikit-learn API model
(``LGBMClassifier``, ...) in MLflow's lightgbm flavor; ``load_model`` gives it back.
What is logged: ``autologging/lightgbm.py``, docs/autologging.md.
"""

from __future__ import annotations

from .client.fluent_models import load_model, log_model

__all__ = ["autolog", "load_model", "log_model"]  # and Callback, loaded on first use


def autolog(disable: bool = False, log_models: bool = True) -> None:
    """Log every ``lightgbm.train`` and scikit-learn API ``fit`` (params, every evaluation
    metric per iteration, feature importance, the model), as ``mlflow.lightgbm.autolog``;
    ``disable=True`` undoes it."""
    from .autologging import lightgbm as lightgbm_autologging  # imports lightgbm

    lightgbm_autologging.autolog(disable=disable, log_models=log_models)


def __getattr__(name: str):
    if name == "Callback":
        from .autologging.lightgbm import Callback

        return Callback
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
