"""LightGBM autologging: ``jt.lightgbm.Callback()`` and ``jt.lightgbm.autolog()`` (or
``jt.autolog()``). Logs what ``mlflow.lightgbm.autolog`` logs:

- params: the params given to ``lightgbm.train`` and its other arguments
  (``num_boost_round``, ``keep_training_booster``; defaults included), cut as MLflow cuts
  them (the callback alone: the params LightGBM hands its callbacks);
- every evaluation metric at every iteration, as ``<data name>-<metric>`` (``@`` becomes
  ``_at_``) with the iteration as its step;
- with early stopping: ``best_iteration`` and ``stopped_iteration``, and every evaluation
  metric of the best iteration again at the step after the last;
- feature importance ``split`` and ``gain`` as ``feature_importance_split.json`` and
  ``feature_importance_gain.json``;
- the trained model as logged model ``model`` in MLflow's ``lightgbm`` flavor: the Booster
  from ``lightgbm.train``, the estimator (``LGBMClassifier``, ...) from a scikit-learn API fit.

LightGBM gives a callback no end of training: the callback alone logs the end (importance,
model) at the last scheduled iteration, so an early-stopped training ends only through
``autolog`` (or ``callback.log_end(booster)`` after ``train``). Metric points are appended
to jt's buffer: an iteration makes no write of its own.
"""

from __future__ import annotations

import lightgbm

from ..client.fluent import _client, _context_tags
from . import training

IMPORTANCE_TYPES = ("split", "gain")  # what mlflow.lightgbm logs
MODEL_NAME = "model"
# lightgbm.train's arguments not logged as params (mlflow.lightgbm's unlogged_params).
UNLOGGED = (
    "params",
    "train_set",
    "valid_sets",
    "valid_names",
    "fobj",
    "feval",
    "init_model",
    "learning_rates",
    "callbacks",
)


class Callback(training.TrainingRun):
    """Log a LightGBM training into jt: ``lightgbm.train(..., callbacks=[jt.lightgbm.Callback()])``
    or ``LGBMClassifier().fit(X, y, callbacks=[jt.lightgbm.Callback()])``.

    Logs into the active run (or ``run_id``); with none, it starts one and ends it after
    the last scheduled iteration. ``params``: logged at the first iteration (by default
    the params LightGBM passes to callbacks)."""

    def __init__(
        self,
        log_models: bool = True,
        params: dict | None = None,
        run_id: str | None = None,
        *,
        log_end_in_training: bool = True,
    ):
        super().__init__(log_models, params, run_id, log_end_in_training)
        self._begun = False

    def __call__(self, env) -> None:
        if not self._begun:
            self._begun = True
            self.begin(self.params if self.params is not None else env.params)
        metrics = {
            training.metric_key(f"{result[0]}-{result[1]}"): float(result[2])
            for result in env.evaluation_result_list or ()
        }
        self.record(metrics, step=env.iteration)
        if env.iteration == env.end_iteration - 1:
            self._begun = False
            self.end(env.model, self.log_end)

    def log_end(self, model) -> None:
        """The best iteration's metrics, feature importance and the model."""
        best = int(getattr(model, "best_iteration", 0) or 0)
        if best > 0 and self.history:  # early stopping; LightGBM counts from 1
            self.log_best(len(self.history), best, best - 1)
        features = model.feature_name()
        for importance_type in IMPORTANCE_TYPES:
            importance = model.feature_importance(importance_type=importance_type)
            training.log_json(
                str(self.run_id),
                dict(zip(features, importance.tolist(), strict=True)),
                f"feature_importance_{importance_type}.json",
            )
        if self.log_models:
            log_model(str(self.run_id), model)


def log_model(run_id: str, model) -> None:
    _client().log_model(run_id, model, MODEL_NAME, tags=_context_tags())


# -- autolog: the patches ---------------------------------------------------------------


def _make_callback(log_models: bool, params: dict, run_id: str) -> Callback:
    return Callback(log_models, params=params, run_id=run_id, log_end_in_training=False)


_patches = training.BoostingPatches("LightGBM", UNLOGGED, _make_callback, log_model)


def autolog(disable: bool = False, log_models: bool = True) -> None:
    """Log every ``lightgbm.train`` and scikit-learn API ``fit`` (``disable=True``: undo)."""
    if disable:
        _patches.disable()
        return
    _patches.enable(log_models, lightgbm, lightgbm.sklearn, estimator_classes())


def is_enabled() -> bool:
    return _patches.enabled


def estimator_classes() -> list[type]:
    """The scikit-learn API classes that define their own ``fit``."""
    return [
        cls
        for cls in vars(lightgbm.sklearn).values()
        if isinstance(cls, type) and issubclass(cls, lightgbm.LGBMModel) and "fit" in vars(cls)
    ]
