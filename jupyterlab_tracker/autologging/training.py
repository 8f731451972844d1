"""What the training-loop integrations (XGBoost, LightGBM, transformers) share: the run a
training call logs into, its params, and the "only the outermost fit logs" rule of the
scikit-learn integration. Imports no ML library.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import logging
import threading

import jupyterlab_tracker as jt

from ..client.fluent import _client
from ..domain.limits import MAX_PARAMS_PER_BATCH
from .sklearn import _outer_fit, truncate

log = logging.getLogger(__name__)


@contextlib.contextmanager
def managed_run(run_name: str | None = None):
    """The active run, or one started for the training call and ended when it returns
    (FAILED if it raised), as MLflow's ``manage_run=True`` patches do. Yields its id."""
    active = jt.active_run()
    if active is not None:
        yield active.info.run_id
        return
    run = jt.start_run(run_name=run_name)
    try:
        yield run.info.run_id
    except BaseException:
        jt.end_run("FAILED")
        raise
    jt.end_run("FINISHED")


@contextlib.contextmanager
def outermost():
    """True while this is the outermost autologged training call: a fit inside a
    scikit-learn Pipeline or parameter search that autologging logs (or inside another
    autologged fit) yields False and logs nothing of its own."""
    if not _outer_fit.acquire(blocking=False):
        yield False
        return
    try:
        yield True
    finally:
        _outer_fit.release()


def call_params(fn, args: tuple, kwargs: dict, unlogged: tuple[str, ...]) -> dict:
    """The arguments of a call to ``fn`` by name, defaults included, less ``unlogged``:
    MLflow's ``get_mlflow_run_params_for_fn_args``."""
    parameters = [p for p in inspect.signature(fn).parameters.values() if p.name != "self"]
    params = {p.name: value for p, value in zip(parameters, args, strict=False)}
    params.update(kwargs)
    params.update({p.name: p.default for p in parameters[len(args) :] if p.name not in kwargs})
    return {key: value for key, value in params.items() if key not in unlogged}


def log_params(run_id: str, params: dict) -> None:
    """Log ``params`` into ``run_id``, cut as MLflow cuts autologged params (100 a call);
    a failure is a warning (as in MLflow, logging never fails training)."""
    items = list(truncate(params).items())
    try:
        for i in range(0, len(items), MAX_PARAMS_PER_BATCH):
            _client().log_params(run_id, dict(items[i : i + MAX_PARAMS_PER_BATCH]))
    except Exception as exc:
        log.warning("jupyterlab_tracker: logging the training params failed: %s", exc)


def log_metrics(run_id: str, metrics: dict[str, float], step: int) -> None:
    """Append the points to jt's buffer (no write here: the buffer's thread writes)."""
    _client().log_metrics(run_id, metrics, step=step)


def log_json(run_id: str, content, artifact_file: str) -> None:
    _client().log_dict(run_id, content, artifact_file)


def metric_key(name: str) -> str:
    """A metric name as mlflow.xgboost and mlflow.lightgbm log it: ``@`` (``ndcg@3``) is
    not allowed in a key and becomes ``_at_``."""
    return name.replace("@", "_at_")


def with_callback(fn, args: tuple, kwargs: dict, callback) -> tuple[tuple, dict]:
    """The arguments of a call to ``fn`` with ``callback`` added to its ``callbacks``."""
    bound = inspect.signature(fn).bind_partial(*args, **kwargs)
    bound.arguments["callbacks"] = [*(bound.arguments.get("callbacks") or ()), callback]
    return bound.args, bound.kwargs


class BoostingPatches:
    """``autolog`` for a boosting library (XGBoost, LightGBM), as MLflow patches them: its
    ``train``, the ``train`` its scikit-learn API's ``fit`` calls, and those ``fit``.

    ``make_callback(log_models, params, run_id)`` makes the library's callback, whose
    ``log_end(model)`` logs what comes at the end (called here once ``train`` returns).
    ``log_model(run_id, model)`` logs a fitted scikit-learn API estimator."""

    def __init__(self, library: str, unlogged: tuple[str, ...], make_callback, log_model):
        self.library = library
        self.unlogged = unlogged
        self.make_callback = make_callback
        self.log_model = log_model
        self.enabled = False
        self.log_models = True
        self.originals: list[tuple[object, str, object]] = []  # (owner, attribute, original)
        self._fit = threading.local()  # .run_id: the run of this thread's autologged fit

    def enable(self, log_models: bool, train_owner, sklearn_module, estimator_classes) -> None:
        self.log_models = log_models
        if self.enabled:
            return
        self._patch(train_owner, "train", self._train)
        self._patch(sklearn_module, "train", self._sklearn_train)
        for cls in estimator_classes:
            self._patch(cls, "fit", self._estimator_fit)
        self.enabled = True

    def disable(self) -> None:
        for owner, attribute, original in reversed(self.originals):
            setattr(owner, attribute, original)
        self.originals.clear()
        self.enabled = False

    def _patch(self, owner, attribute: str, make_patch) -> None:
        original = vars(owner)[attribute]
        self.originals.append((owner, attribute, original))
        setattr(owner, attribute, functools.wraps(original)(make_patch(original)))

    def _train_with_callback(self, original, args, kwargs, run_id: str, log_models: bool):
        booster_params = args[0] if args else kwargs.get("params")
        params = {
            **dict(booster_params or {}),
            **call_params(original, args, kwargs, self.unlogged),
        }
        callback = self.make_callback(log_models, params, run_id)
        args, kwargs = with_callback(original, args, kwargs, callback)
        model = original(*args, **kwargs)
        try:
            callback.log_end(model)
        except Exception as exc:  # as MLflow: logging never fails training
            log.warning(
                "jupyterlab_tracker: logging the end of %s training failed: %s", self.library, exc
            )
        return model

    def _train(self, original):
        def train(*args, **kwargs):
            if not self.enabled:
                return original(*args, **kwargs)
            with outermost() as outer:
                if not outer:
                    return original(*args, **kwargs)
                with managed_run() as run_id:
                    return self._train_with_callback(
                        original, args, kwargs, run_id, self.log_models
                    )

        return train

    def _sklearn_train(self, original):
        """Logs only inside an autologged ``fit``, and leaves the model to it (the
        estimator is logged, not its Booster)."""

        def train(*args, **kwargs):
            run_id = getattr(self._fit, "run_id", None)
            if run_id is None:
                return original(*args, **kwargs)
            self._fit.run_id = None  # one training per fit
            return self._train_with_callback(original, args, kwargs, run_id, False)

        return train

    def _estimator_fit(self, original):
        def fit(estimator, *args, **kwargs):
            if not self.enabled:
                return original(estimator, *args, **kwargs)
            with outermost() as outer:
                if not outer:
                    return original(estimator, *args, **kwargs)
                with managed_run() as run_id:
                    self._fit.run_id = run_id
                    try:
                        result = original(estimator, *args, **kwargs)
                    finally:
                        self._fit.run_id = None
                    if self.log_models:
                        try:
                            self.log_model(run_id, estimator)
                        except Exception as exc:
                            log.warning(
                                "jupyterlab_tracker: logging the %s model failed: %s",
                                self.library,
                                exc,
                            )
                    return result

        return fit


class TrainingRun:
    """What a boosting callback keeps: the run it logs into (the active run, ``run_id``,
    or one it starts and ends itself) and the metrics of each iteration."""

    def __init__(
        self,
        log_models: bool,
        params: dict | None,
        run_id: str | None,
        log_end_in_training: bool,
    ):
        self.log_models = log_models
        self.params = params
        self.run_id = run_id
        self.log_end_in_training = log_end_in_training
        self.history: list[dict[str, float]] = []  # the metrics of each iteration
        self._started = False

    def begin(self, params: dict | None) -> None:
        self.history = []
        if self.run_id is None:
            active = jt.active_run()
            self._started = active is None
            self.run_id = (active or jt.start_run()).info.run_id
        if params:
            log_params(self.run_id, params)

    def record(self, metrics: dict[str, float], step: int) -> None:
        self.history.append(metrics)
        if metrics:
            log_metrics(str(self.run_id), metrics, step=step)

    def log_best(self, stopped_iteration: int, best_iteration: int, best_index: int) -> None:
        """Early stopping, as MLflow logs it: ``stopped_iteration`` and ``best_iteration``,
        then the best iteration's metrics (``history[best_index]``) at the step after the
        last."""
        run_id = str(self.run_id)
        log_metrics(
            run_id,
            {"stopped_iteration": stopped_iteration, "best_iteration": best_iteration},
            step=0,
        )
        if 0 <= best_index < len(self.history):
            log_metrics(run_id, self.history[best_index], step=len(self.history))

    def end(self, model, log_end) -> None:
        """At the end of training: ``log_end(model)`` when this callback owns the end (a
        failure is a warning), then end the run it started."""
        try:
            if self.log_end_in_training:
                log_end(model)
        except Exception as exc:  # as MLflow: logging never fails training
            log.warning("jupyterlab_tracker: logging the end of training failed: %s", exc)
        finally:
            if self._started:
                self._started = False
                jt.end_run("FINISHED")
