"""XGBoost autologging: ``jt.xgboost.Callback()`` and ``jt.xgboost.autolog()`` (or
``jt.autolog()``). Logs what ``mlflow.xgboost.autolog`` logs:

- params: the booster params given to ``xgboost.train`` and its other arguments
  (``num_boost_round``, ``early_stopping_rounds``, ``maximize``, ``verbose_eval``,
  ``custom_metric``; defaults included), cut as MLflow cuts them;
- every evaluation metric at every iteration, as ``<eval name>-<metric>`` (``@`` becomes
  ``_at_``) with the iteration as its step;
- with early stopping: ``best_iteration`` and ``stopped_iteration``, and every evaluation
  metric of the best iteration again at the step after the last;
- feature importance per importance type (``weight`` by default) as
  ``feature_importance_<type>.json``;
- the trained model as logged model ``model`` in MLflow's ``xgboost`` flavor: the Booster
  from ``xgboost.train``, the estimator (``XGBClassifier``, ...) from a scikit-learn API fit.

The callback does the logging; the patches (``xgboost.train``, the scikit-learn API's
``fit`` and the ``train`` it calls) only add it, start a run when none is active (ended
FAILED if training raised) and log the params. Metric points are appended to jt's buffer:
an iteration makes no write of its own.
"""

from __future__ import annotations

import xgboost
from xgboost.callback import TrainingCallback

from ..client.fluent import _client, _context_tags
from ..xgboost import DEFAULT_IMPORTANCE_TYPES
from . import training

MODEL_NAME = "model"
# xgboost.train's arguments not logged as params (mlflow.xgboost's unlogged_params).
UNLOGGED = (
    "params",
    "dtrain",
    "evals",
    "obj",
    "feval",
    "evals_result",
    "xgb_model",
    "callbacks",
    "learning_rates",
)


class Callback(TrainingCallback, training.TrainingRun):
    """Log an XGBoost training into jt: ``xgboost.train(..., callbacks=[jt.xgboost.Callback()])``
    or ``XGBClassifier(callbacks=[jt.xgboost.Callback()])``.

    Logs into the active run (or ``run_id``); with none, it starts one and ends it when
    training ends. ``params``: logged when training starts (the patched ``xgboost.train``
    passes its arguments). At the end: the best iteration's metrics, feature importance of
    each of ``importance_types``, and the Booster as logged model ``model`` unless
    ``log_models=False``."""

    def __init__(
        self,
        log_models: bool = True,
        importance_types=DEFAULT_IMPORTANCE_TYPES,
        params: dict | None = None,
        run_id: str | None = None,
        *,
        log_end_in_training: bool = True,
    ):
        TrainingCallback.__init__(self)
        training.TrainingRun.__init__(self, log_models, params, run_id, log_end_in_training)
        self.importance_types = tuple(importance_types or ())

    def before_training(self, model):
        self.begin(self.params)
        return model

    def after_iteration(self, model, epoch: int, evals_log) -> bool:
        metrics = {
            training.metric_key(f"{data}-{name}"): _last(values)
            for data, by_metric in evals_log.items()
            for name, values in by_metric.items()
        }
        self.record(metrics, step=epoch)
        return False  # never stops training

    def after_training(self, model):
        self.end(model, self.log_end)
        return model

    def log_end(self, model) -> None:
        """The best iteration's metrics, feature importance and the model."""
        best = model.attr("best_iteration")  # set by early stopping
        if best is not None and self.history:
            self.log_best(len(self.history) - 1, int(best), int(best))
        for importance_type in self.importance_types:
            importance = model.get_score(importance_type=importance_type)
            training.log_json(
                str(self.run_id), importance, f"feature_importance_{importance_type}.json"
            )
        if self.log_models:
            log_model(str(self.run_id), model)


def _last(values) -> float:
    """The current iteration's value (``xgboost.cv`` gives (mean, std): the mean)."""
    value = values[-1]
    return float(value[0] if isinstance(value, tuple) else value)


def log_model(run_id: str, model) -> None:
    _client().log_model(run_id, model, MODEL_NAME, tags=_context_tags())


# -- autolog: the patches ---------------------------------------------------------------


def _make_callback(log_models: bool, params: dict, run_id: str) -> Callback:
    return Callback(
        log_models,
        _options["importance_types"],
        params=params,
        run_id=run_id,
        log_end_in_training=False,
    )


_patches = training.BoostingPatches("XGBoost", UNLOGGED, _make_callback, log_model)
_options: dict[str, tuple[str, ...]] = {"importance_types": DEFAULT_IMPORTANCE_TYPES}


def autolog(
    disable: bool = False,
    log_models: bool = True,
    importance_types=DEFAULT_IMPORTANCE_TYPES,
) -> None:
    """Log every ``xgboost.train`` and scikit-learn API ``fit`` (``disable=True``: undo)."""
    if disable:
        _patches.disable()
        return
    _options["importance_types"] = tuple(importance_types or ())
    _patches.enable(log_models, xgboost, xgboost.sklearn, estimator_classes())


def is_enabled() -> bool:
    return _patches.enabled


def estimator_classes() -> list[type]:
    """The scikit-learn API classes that define their own ``fit``."""
    return [
        cls
        for cls in vars(xgboost.sklearn).values()
        if isinstance(cls, type) and issubclass(cls, xgboost.XGBModel) and "fit" in vars(cls)
    ]
