"""Keras 3 autologging: ``jt.keras.Callback`` and ``jt.keras.autolog()``.

``model.fit(..., callbacks=[jt.keras.Callback()])`` logs one fit; ``jt.autolog()`` (or
``jt.keras.autolog()``) adds one to every ``keras.Model.fit``, as ``mlflow.keras.autolog``
patches it. On any Keras backend (tested: torch). A fit logs:

- params, as ``mlflow.keras.autolog``: ``batch_size`` (given, or Keras's default of 32 for
  arrays, or the dataset's), the other arguments of ``fit`` with their defaults (``epochs``,
  ``shuffle``, ``validation_split``, ``initial_epoch``, ...; not ``x``, ``y``,
  ``callbacks``, ``validation_data``, ``verbose``, nor arrays), and the optimizer's config
  as ``optimizer_<key>`` (``optimizer_name``, ``optimizer_learning_rate``, ...);
- metrics: Keras's epoch logs (``loss``, compiled metrics, ``val_...``) at step = epoch;
  with ``log_every_n_steps=n``, the batch logs every n optimizer steps instead, at step =
  the optimizer's iteration. Only appended to jt's buffer;
- artifacts: ``model_summary.txt`` (``model.summary()``);
- the model, when the fit succeeded: logged model ``model`` in MLflow's keras flavor
  (``data/model.keras``; ``mlflow.keras.load_model`` and ``jt.load_model`` load it).

A fit with no active run starts one and ends it (FAILED if the fit raised); a fit inside a
run logs into it. A failure to log is a warning, never the fit's failure.
"""

from __future__ import annotations

import functools
import inspect
import logging
import weakref
from typing import TYPE_CHECKING, Any

import jupyterlab_tracker as jt

from ..client import fluent
from ..errors import invalid
from .runs import MODEL_NAME, SUMMARY_FILE, fit_run, safely
from .sklearn import log_params_truncated

if TYPE_CHECKING:
    from ..client.tracker_client import TrackerClient

log = logging.getLogger(__name__)

# fit's arguments not logged as params (MLflow's unlogged_params; batch_size on its own).
UNLOGGED_ARGUMENTS = ("self", "x", "y", "callbacks", "validation_data", "verbose", "batch_size")
DEFAULT_BATCH_SIZE = 32  # what Keras's fit uses for arrays when batch_size is None


class _State:
    def __init__(self) -> None:
        self.enabled = False
        self.log_models = True
        self.log_every_n_steps: int | None = None
        self.original = None  # keras.Model.fit
        self.had_own_fit = False  # whether keras.Model defined it (not its backend's base)
        self.callbacks: weakref.WeakSet = weakref.WeakSet()  # jt Callbacks made by hand


_state = _State()


def autolog(
    disable: bool = False, log_models: bool = True, log_every_n_steps: int | None = None
) -> None:
    """Log every ``keras.Model.fit`` from now on (``disable=True``: stop)."""
    if disable:
        _state.enabled = False
        if not _state.callbacks:
            unpatch()
        return
    try:
        import keras  # noqa: F401
    except ImportError as exc:  # e.g. its default backend (TensorFlow) is not installed
        log.warning("jupyterlab_tracker: Keras autologging is off: importing keras failed: %s", exc)
        return
    _state.log_models = log_models
    _state.log_every_n_steps = _checked_steps(log_every_n_steps)
    _patch()
    _state.enabled = True


def is_enabled() -> bool:
    return _state.enabled


def _checked_steps(log_every_n_steps: int | None) -> int | None:
    if log_every_n_steps is not None and (
        not isinstance(log_every_n_steps, int) or log_every_n_steps < 1
    ):
        raise invalid(f"log_every_n_steps must be a positive integer, got {log_every_n_steps!r}")
    return log_every_n_steps


class TrackerCallbackLogic:
    """What ``jt.keras.Callback`` does, as a mixin over ``keras.callbacks.Callback``."""

    model: Any  # set by Keras: the model being fit, and fit's params
    params: dict

    def __init__(self, log_every_n_steps: int | None = None, log_models: bool = True) -> None:
        super().__init__()
        self.log_every_n_steps = _checked_steps(log_every_n_steps)
        self.log_models = log_models
        self.fit_params: dict = {}  # fit's arguments, from the patched fit
        self._run_id: str | None = None
        self._client: TrackerClient | None = None
        _patch()  # fit hands the callback its arguments and manages the run
        _state.callbacks.add(self)

    def on_train_begin(self, logs=None) -> None:
        self._run_id = fluent._active_run_id()
        self._client = fluent._client()
        safely("the Keras params", self._log_params)
        safely("the Keras model summary", self._log_summary)

    def _log_params(self) -> None:
        params = dict(self.fit_params) or {"epochs": self.params.get("epochs")}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None:
            params.update({f"optimizer_{k}": v for k, v in optimizer.get_config().items()})
        log_params_truncated(params)

    def _log_summary(self) -> None:
        lines: list[str] = []
        self.model.summary(print_fn=lambda line, *args, **kwargs: lines.append(line))
        jt.log_text("\n".join(lines), SUMMARY_FILE)

    def on_epoch_end(self, epoch, logs=None) -> None:
        if self.log_every_n_steps is None and logs:
            self._log(logs, epoch)

    def on_train_batch_end(self, batch, logs=None) -> None:
        if self.log_every_n_steps is None or not logs:
            return
        iteration = int(self.model.optimizer.iterations.numpy())
        if iteration % self.log_every_n_steps == 0:
            self._log(logs, iteration)

    def _log(self, logs: dict, step: int) -> None:
        # The hot path: one buffer append per point (no write, no HTTP).
        try:
            self._client.log_metrics(self._run_id, logs, None, step)  # type: ignore[union-attr,arg-type]
        except Exception as exc:
            log.warning("jupyterlab_tracker: autologging Keras's metrics failed: %s", exc)


_callback_class: type | None = None


def callback_class() -> type:
    """``jt.keras.Callback``: a subclass of ``keras.callbacks.Callback``."""
    global _callback_class
    if _callback_class is None:
        import keras

        _callback_class = type(
            "Callback",
            (TrackerCallbackLogic, keras.callbacks.Callback),
            {
                "__module__": "jupyterlab_tracker.keras",
                "__doc__": "Keras's Callback for jt: ``model.fit(..., callbacks=[jt.keras."
                "Callback()])``. What it logs: ``jupyterlab_tracker/autologging/keras.py``.",
            },
        )
    return _callback_class


# -- patching keras.Model.fit ----------------------------------------------------------


def _patch() -> None:
    import keras

    if _state.original is None:
        # Model.fit is the backend's trainer's (TorchTrainer.fit, ...), inherited.
        _state.original = keras.Model.fit
        _state.had_own_fit = "fit" in vars(keras.Model)
        keras.Model.fit = _patched_fit(_state.original)


def unpatch() -> None:
    if _state.original is not None:
        import keras

        if _state.had_own_fit:
            keras.Model.fit = _state.original
        else:
            del keras.Model.fit  # inherited again
        _state.original = None


def fit_params(arguments: dict) -> dict:
    """fit's arguments (bound, with defaults) as MLflow logs them: ``batch_size``, then
    the rest."""
    batch_size = arguments.get("batch_size")
    if batch_size is None:
        x = arguments.get("x")
        batch_size = getattr(x, "batch_size", None) or getattr(x, "_batch_size", None)
        if batch_size is None and hasattr(x, "shape"):
            batch_size = DEFAULT_BATCH_SIZE  # an array: Keras's default
    params = {} if batch_size is None else {"batch_size": batch_size}
    for name, value in arguments.items():
        if name not in UNLOGGED_ARGUMENTS and name != "kwargs" and not hasattr(value, "shape"):
            params[name] = value
    return params


def _patched_fit(original):
    signature = inspect.signature(original)

    @functools.wraps(original)
    def fit(model, *args, **kwargs):
        try:
            bound = signature.bind(model, *args, **kwargs)
        except TypeError:
            return original(model, *args, **kwargs)  # raises as fit raises
        callbacks = list(bound.arguments.get("callbacks") or [])
        ours = [each for each in callbacks if isinstance(each, TrackerCallbackLogic)]
        if not ours and not _state.enabled:
            return original(model, *args, **kwargs)
        if not ours:  # autologging: a callback of ours beside the user's
            ours = [callback_class()(_state.log_every_n_steps, _state.log_models)]
            _state.callbacks.discard(ours[0])  # not one made by hand
            bound.arguments["callbacks"] = [*callbacks, ours[0]]
        callback = ours[0]
        bound.apply_defaults()
        callback.fit_params = fit_params(dict(bound.arguments))
        with fit_run():
            result = original(*bound.args, **bound.kwargs)
            if callback.log_models:
                safely("the Keras model", jt.log_model, model, MODEL_NAME)
        return result

    return fit


__all__ = ["autolog", "callback_class", "fit_params", "is_enabled", "unpatch"]
