"""scikit-learn autologging: ``jt.sklearn.autolog()`` (or ``jt.autolog()``).

Patches the ``fit`` of every scikit-learn estimator (``sklearn.utils.all_estimators``, plus
Pipeline and the parameter searches) so that a fit, as ``mlflow.sklearn.autolog``
records it, logs:

- params: ``get_params(deep=True)`` (``deep=False`` for a parameter search, plus
  ``best_<param>``), keys and values truncated as MLflow truncates them;
- tags ``estimator_name`` and ``estimator_class``;
- training metrics on the fit's data: ``training_score`` (``estimator.score``), and for a
  classifier ``training_{precision,recall,f1}_score`` (weighted), ``training_accuracy_score``,
  ``training_log_loss`` and ``training_roc_auc`` (with ``predict_proba``); for a regressor
  ``training_{mean_squared_error,root_mean_squared_error,mean_absolute_error,r2_score}``;
- the fitted estimator as logged model ``model`` (``jt.sklearn.log_model``);
- GridSearchCV / RandomizedSearchCV: ``best_cv_score`` on the run, and a child run per
  candidate (the ``max_tuning_runs`` best, by rank) with its params and the numeric
  ``cv_results_`` columns (``mean_test_score``, ``std_test_score``, ``rank_test_score``,
  fit and score times).

Only the outermost fit logs (a Pipeline's steps and a search's candidate fits do not). A
fit with no active run starts one and ends it (FAILED if the fit raised). Metrics go through
jt's buffered path; a failure to log is a warning, never the fit's failure.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
from numbers import Number

import jupyterlab_tracker as jt

from ..domain.limits import MAX_KEY_LENGTH, MAX_PARAM_VALUE_LENGTH, MAX_PARAMS_PER_BATCH
from ..errors import invalid
from . import DEFAULT_MAX_TUNING_RUNS

log = logging.getLogger(__name__)

FLAVOR = "sklearn"
TRAINING_PREFIX = "training_"  # MLflow's _TRAINING_PREFIX
MODEL_NAME = "model"
# cv_results_ columns not logged on the child runs (MLflow's excluded_metric_prefixes).
EXCLUDED_RESULT_PREFIXES = ("param", "split")


class _Config:
    def __init__(self) -> None:
        self.enabled = False
        self.log_models = True
        self.max_tuning_runs: int | None = DEFAULT_MAX_TUNING_RUNS
        self.originals: dict[type, object] = {}  # class -> the fit in its own __dict__


_config = _Config()
# Held during an autologged fit: the fits it makes (a Pipeline's steps, a search's
# candidates, on this thread or on joblib's threads) run unlogged. Process-wide, so fits
# started on other threads during one are not logged either.
_outer_fit = threading.Lock()


def autolog(
    disable: bool = False,
    log_models: bool = True,
    max_tuning_runs: int | None = DEFAULT_MAX_TUNING_RUNS,
) -> None:
    """Log every scikit-learn fit from now on (``disable=True``: undo the patches)."""
    if disable:
        _unpatch()
        _config.enabled = False
        return
    if max_tuning_runs is not None and max_tuning_runs < 0:
        raise invalid(f"max_tuning_runs must be 0 or more, got {max_tuning_runs}")
    _config.log_models = log_models
    _config.max_tuning_runs = max_tuning_runs
    if not _config.enabled:
        _patch()
        _config.enabled = True


def is_enabled() -> bool:
    return _config.enabled


def estimator_classes() -> list[type]:
    """The classes whose own ``fit`` is patched: for each estimator, the class of its MRO
    that defines the ``fit`` it runs (GridSearchCV's is BaseSearchCV's)."""
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.utils import all_estimators

    estimators = {cls for _, cls in all_estimators()} | {Pipeline, GridSearchCV, RandomizedSearchCV}
    owners = {
        next((owner for owner in cls.__mro__ if "fit" in vars(owner)), None) for cls in estimators
    }
    return sorted(
        (cls for cls in owners if cls is not None and cls.__module__.startswith("sklearn.")),
        key=lambda cls: (cls.__module__, cls.__qualname__),
    )


def _patch() -> None:
    for cls in estimator_classes():
        original = vars(cls)["fit"]
        _config.originals[cls] = original
        cls.fit = _patched_fit(original)  # type: ignore[attr-defined]


def _unpatch() -> None:
    for cls, original in _config.originals.items():
        cls.fit = original  # type: ignore[attr-defined]
    _config.originals.clear()


def _patched_fit(original):
    @functools.wraps(original)
    def fit(self, *args, **kwargs):
        if not _config.enabled or not _outer_fit.acquire(blocking=False):
            return original(self, *args, **kwargs)  # inside an autologged fit: no logging
        try:
            return _logged_fit(original, self, args, kwargs)
        finally:
            _outer_fit.release()

    return fit


def _logged_fit(original, estimator, args, kwargs):
    started = jt.active_run() is None
    if started:
        jt.start_run()
    try:
        result = original(estimator, *args, **kwargs)
    except BaseException:
        if started:
            jt.end_run("FAILED")
        raise
    try:
        _log_fit(estimator, *_fit_data(original, estimator, args, kwargs))
    except Exception as exc:  # as MLflow: logging never fails the user's fit
        log.warning("jupyterlab_tracker: autologging the %s fit failed: %s", type(estimator), exc)
    finally:
        if started:
            jt.end_run("FINISHED")
    return result


def _fit_data(original, estimator, args, kwargs):
    """(X, y, sample_weight) of the fit call: its first two arguments after ``self``."""
    try:
        bound = inspect.signature(original).bind(estimator, *args, **kwargs)
    except TypeError:
        return None, None, None
    values = list(bound.arguments.values())[1:]
    X = values[0] if values else None
    y = values[1] if len(values) > 1 else None
    return X, y, bound.arguments.get("sample_weight")


def _log_fit(estimator, X, y, sample_weight) -> None:
    search = is_parameter_search(estimator)
    params = dict(estimator.get_params(deep=not search))
    if search and hasattr(estimator, "best_params_"):
        params.update({f"best_{k}": v for k, v in estimator.best_params_.items()})
    log_params_truncated(params)
    jt.set_tags(estimator_tags(estimator))
    metrics = training_metrics(estimator, X, y, sample_weight) if X is not None else {}
    if search and hasattr(estimator, "best_score_"):
        metrics["best_cv_score"] = float(estimator.best_score_)
    if metrics:
        jt.log_metrics(metrics)
    if search and hasattr(estimator, "cv_results_"):
        _log_child_runs(estimator)
    if _config.log_models:
        jt.sklearn.log_model(estimator, name=MODEL_NAME)


def is_parameter_search(estimator) -> bool:
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

    return isinstance(estimator, (GridSearchCV, RandomizedSearchCV))


def estimator_tags(estimator) -> dict[str, str]:
    cls = type(estimator)
    return {"estimator_name": cls.__name__, "estimator_class": f"{cls.__module__}.{cls.__name__}"}


def truncate(params: dict) -> dict[str, str]:
    """Keys over 250 and values over 6000 characters cut with "...", as MLflow's
    ``_truncate_dict`` cuts what autologging logs."""
    return {
        _ellipsize(str(key), MAX_KEY_LENGTH): _ellipsize(str(value), MAX_PARAM_VALUE_LENGTH)
        for key, value in params.items()
    }


def _ellipsize(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def log_params_truncated(params: dict) -> None:
    items = list(truncate(params).items())
    for i in range(0, len(items), MAX_PARAMS_PER_BATCH):
        jt.log_params(dict(items[i : i + MAX_PARAMS_PER_BATCH]))


def training_metrics(estimator, X, y, sample_weight) -> dict[str, float]:
    """MLflow's training metrics of a fitted estimator (each one that can be computed)."""
    from sklearn.base import is_classifier, is_regressor

    metrics: dict[str, float] = {}
    if y is None:
        return metrics
    if hasattr(estimator, "score"):
        _compute(metrics, "score", lambda: estimator.score(X, y, **_weights(sample_weight)))
    target = getattr(estimator, "best_estimator_", estimator)
    if is_classifier(target):
        metrics.update(_classifier_metrics(estimator, X, y, sample_weight))
    elif is_regressor(target):
        metrics.update(_regressor_metrics(estimator, X, y, sample_weight))
    return metrics


def _weights(sample_weight) -> dict:
    return {} if sample_weight is None else {"sample_weight": sample_weight}


def _compute(metrics: dict, name: str, compute) -> None:
    try:
        value = compute()
    except Exception as exc:  # a metric this estimator or target does not support
        log.debug("jupyterlab_tracker: %s%s not logged: %s", TRAINING_PREFIX, name, exc)
        return
    if isinstance(value, Number):
        metrics[TRAINING_PREFIX + name] = float(value)  # type: ignore[arg-type]


def _classifier_metrics(estimator, X, y, sample_weight) -> dict[str, float]:
    from sklearn import metrics as sk

    metrics: dict[str, float] = {}
    y_pred = estimator.predict(X)
    w = _weights(sample_weight)
    for name, fn in (
        ("precision_score", sk.precision_score),
        ("recall_score", sk.recall_score),
        ("f1_score", sk.f1_score),
    ):
        _compute(metrics, name, lambda fn=fn: fn(y, y_pred, average="weighted", **w))
    _compute(metrics, "accuracy_score", lambda: sk.accuracy_score(y, y_pred, normalize=True, **w))
    if hasattr(estimator, "predict_proba"):
        try:
            proba = estimator.predict_proba(X)
        except Exception as exc:  # e.g. SVC(probability=False) has the method but raises
            log.debug("jupyterlab_tracker: no predict_proba metrics: %s", exc)
            return metrics
        _compute(metrics, "log_loss", lambda: sk.log_loss(y, proba, **w))
        score = proba[:, 1] if proba.shape[1] == 2 else proba
        _compute(
            metrics,
            "roc_auc",
            lambda: sk.roc_auc_score(y, score, average="weighted", multi_class="ovo", **w),
        )
    return metrics


def _regressor_metrics(estimator, X, y, sample_weight) -> dict[str, float]:
    from sklearn import metrics as sk

    metrics: dict[str, float] = {}
    y_pred = estimator.predict(X)
    w = _weights(sample_weight)
    _compute(metrics, "mean_squared_error", lambda: sk.mean_squared_error(y, y_pred, **w))
    _compute(metrics, "mean_absolute_error", lambda: sk.mean_absolute_error(y, y_pred, **w))
    _compute(metrics, "r2_score", lambda: sk.r2_score(y, y_pred, **w))
    if TRAINING_PREFIX + "mean_squared_error" in metrics:
        mse = metrics[TRAINING_PREFIX + "mean_squared_error"]
        metrics[TRAINING_PREFIX + "root_mean_squared_error"] = mse**0.5
    return metrics


def _log_child_runs(search) -> None:
    """A child run per candidate (the ``max_tuning_runs`` best by rank), as MLflow's
    ``_create_child_runs_for_parameter_search``."""
    import pandas as pd

    results = pd.DataFrame(search.cv_results_)
    rank_column = next((c for c in results.columns if c.startswith("rank_test_")), None)
    limit = _config.max_tuning_runs
    if limit is not None and rank_column is not None:
        results = results.nsmallest(limit, rank_column)
    elif limit is not None:
        results = results.head(limit)
    base_params = search.estimator.get_params(deep=True)
    tags = estimator_tags(search.estimator)
    for _, row in results.iterrows():
        with jt.start_run(nested=True, tags=tags):
            log_params_truncated({**base_params, **row.get("params", {})})
            jt.log_metrics(
                {
                    key: float(value)  # type: ignore[arg-type]  # a Number, checked below
                    for key, value in row.items()
                    if not str(key).startswith(EXCLUDED_RESULT_PREFIXES)
                    and isinstance(value, Number)
                }
            )
