"""PyTorch Lightning autologging: ``jt.lightning.Logger`` and ``jt.lightning.autolog()``.

``Trainer(logger=jt.lightning.Logger())`` logs a fit into jt; ``jt.autolog()`` (or
``jt.lightning.autolog()``) adds one to every ``Trainer.fit``, as ``mlflow.pytorch.autolog``
patches it. Both namespaces are handled: ``lightning.pytorch`` and ``pytorch_lightning``,
whichever are importable. A fit logs:

- params: the hyperparameters Lightning hands its loggers (``save_hyperparameters``, the
  datamodule's; nested keys flattened with ``/``), and at the start of training, as MLflow:
  ``epochs`` (``max_epochs``), ``optimizer_name`` and the first optimizer's ``defaults``
  (``lr``, ``momentum``, ``betas``, ...);
- metrics: every one Lightning logs (``self.log``), with Lightning's step (every
  ``log_every_n_steps`` training steps, and at epoch ends; ``epoch`` as Lightning adds it).
  Only appended to jt's buffer: no write per step;
- artifacts: ``model_summary.txt`` (Lightning's ``ModelSummary``);
- the model, when the fit succeeded: the best checkpoint of the trainer's ModelCheckpoint
  (its ``best_model_path``: the weights loaded into a copy of the module), else the final
  module, as logged model ``model`` in MLflow's pytorch flavor (``mlflow.pytorch.load_model``
  loads it); tag ``lightning_logged_model``: ``best_checkpoint`` or ``final``.

A fit with no active run starts one and ends it (FAILED if the fit raised); a fit inside a
run logs into it. A failure to log is a warning, never the fit's failure.
"""

from __future__ import annotations

import argparse
import copy
import functools
import importlib
import importlib.util
import logging
import os
import types
import weakref
from typing import TYPE_CHECKING

import jupyterlab_tracker as jt

from ..client import fluent
from .runs import MODEL_NAME, SUMMARY_FILE, safely
from .sklearn import log_params_truncated

if TYPE_CHECKING:
    from ..client.tracker_client import TrackerClient

log = logging.getLogger(__name__)

# The libraries' names, the newer first: jt.lightning.Logger subclasses the first found.
NAMESPACES = ("lightning.pytorch", "pytorch_lightning")
LIBRARIES = ("lightning", "pytorch_lightning")  # what makes the integration importable
LOGGED_MODEL_TAG = "lightning_logged_model"


class _State:
    def __init__(self) -> None:
        self.enabled = False  # jt.autolog(): a jt Logger in every fit
        self.log_models = True
        self.originals: dict[type, object] = {}  # Trainer class -> its own fit
        self.loggers: weakref.WeakSet = weakref.WeakSet()  # jt Loggers made by hand


_state = _State()


def namespaces() -> list[types.ModuleType]:
    """The Lightning namespaces that are importable, imported."""
    found = []
    for library, name in zip(LIBRARIES, NAMESPACES, strict=True):
        if importlib.util.find_spec(library) is not None:
            found.append(importlib.import_module(name))
    return found


def autolog(disable: bool = False, log_models: bool = True) -> None:
    """Log every ``Trainer.fit`` from now on (``disable=True``: stop; a ``jt.lightning.Logger``
    given to a Trainer still logs)."""
    _state.enabled = not disable
    _state.log_models = log_models
    if not disable:
        _patch()
    elif not _state.loggers:  # no Logger of ours needs the fit hooks: restore Trainer.fit
        unpatch()


def is_enabled() -> bool:
    return _state.enabled


# -- the Logger ------------------------------------------------------------------------


class TrackerLogging:
    """What ``jt.lightning.Logger`` does, whichever Lightning's ``Logger`` it subclasses
    (``logger_class``). The run is the active one when the logger is first used, else one
    it starts; a fit ends the run it started."""

    def __init__(self, log_models: bool = True) -> None:
        super().__init__()
        self.log_models = log_models
        self._run_id: str | None = None
        self._owned = False  # started the run, so ends it
        self._in_fit = False
        self._client: TrackerClient | None = None
        _patch()  # Trainer.fit hands this logger the trainer (the model, the optimizers)
        _state.loggers.add(self)

    # Lightning's Logger interface ------------------------------------------------------
    @property
    def name(self) -> str:
        return "jupyterlab_tracker"

    @property
    def version(self) -> str:
        return self.run_id

    @property
    def experiment(self):
        """The ``TrackerClient`` this logger writes with (as MLFlowLogger's MlflowClient)."""
        self.run_id  # noqa: B018  # resolves the run and its client
        return self._client

    @property
    def save_dir(self) -> None:
        return None  # checkpoints go under the trainer's default_root_dir

    @property
    def run_id(self) -> str:
        if self._run_id is None:
            active = jt.active_run()
            self._owned = active is None
            self._run_id = (active or jt.start_run()).info.run_id
            self._client = fluent._client()
        return self._run_id

    def log_hyperparams(self, params, *args, **kwargs) -> None:
        safely("Lightning's hyperparameters", self._log_hyperparams, params)

    def _log_hyperparams(self, params) -> None:
        params = _flat_params(params)
        if params:
            self.run_id  # noqa: B018
            log_params_truncated(params)

    def log_metrics(self, metrics, step=None) -> None:
        # The hot path: one buffer append per point (no write, no HTTP).
        try:
            run_id = self.run_id  # resolves the run and the client
            self._client.log_metrics(run_id, metrics, None, step)  # type: ignore[union-attr]
        except Exception as exc:
            log.warning("jupyterlab_tracker: autologging Lightning's metrics failed: %s", exc)

    def finalize(self, status: str) -> None:
        """Outside a fit (``trainer.validate``, ``test``), end the run this logger started."""
        if not self._in_fit and self._owned and self._run_id is not None:
            self._end_owned_run("FINISHED" if status == "success" else "FAILED")

    # What Trainer.fit calls ------------------------------------------------------------
    def _fit_started(self) -> None:
        self._in_fit = True
        self.run_id  # noqa: B018

    def _fit_ended(self, trainer, failed: bool) -> None:
        self._in_fit = False
        if not failed:
            safely("the Lightning model summary", _log_summary, trainer)
            if self.log_models:
                safely("the Lightning model", _log_model, trainer)
        if self._owned:
            self._end_owned_run("FAILED" if failed else "FINISHED")

    def _end_owned_run(self, status: str) -> None:
        active = jt.active_run()
        if active is not None and active.info.run_id == self._run_id:
            jt.end_run(status)
        else:  # no longer the active run: end it by id
            fluent._client().set_terminated(self._run_id, status)  # type: ignore[arg-type]
        self._run_id, self._owned, self._client = None, False, None


def _flat_params(params) -> dict:
    """Lightning's hyperparameters (a dict or an argparse Namespace) flattened as its own
    loggers flatten them (nested keys joined with ``/``)."""
    if isinstance(params, argparse.Namespace):
        params = vars(params)
    flat: dict = {}

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict) and value:
            for key, inner in value.items():
                walk(f"{prefix}/{key}" if prefix else str(key), inner)
        else:
            flat[prefix] = value

    for key, value in dict(params or {}).items():
        walk(str(key), value)
    return flat


class TrackerCallback:
    """Added to a fit beside the logger: MLflow's training params at the start."""

    def __init__(self, logger: TrackerLogging) -> None:
        self.logger = logger

    def on_train_start(self, trainer, pl_module) -> None:
        safely("Lightning's optimizer params", _log_training_params, self.logger, trainer)


def _log_training_params(logger: TrackerLogging, trainer) -> None:
    """``epochs``, ``optimizer_name`` and the first optimizer's defaults, as MLflow's."""
    params: dict = {"epochs": trainer.max_epochs}
    optimizers = getattr(trainer, "optimizers", None) or []
    if optimizers:
        optimizer = getattr(optimizers[0], "_optimizer", optimizers[0])  # LightningOptimizer
        params["optimizer_name"] = type(optimizer).__name__
        params.update(getattr(optimizer, "defaults", {}) or {})
    logger.run_id  # noqa: B018
    log_params_truncated(params)


def _log_summary(trainer) -> None:
    namespace = _namespace_of(type(trainer))
    summary = namespace.utilities.model_summary.ModelSummary(trainer.lightning_module, max_depth=-1)
    jt.log_text(str(summary), SUMMARY_FILE)


def best_checkpoint(trainer) -> str | None:
    """The best checkpoint file of the trainer's ModelCheckpoint, when it wrote one."""
    callback = getattr(trainer, "checkpoint_callback", None)
    path = getattr(callback, "best_model_path", "") or ""
    return path if path and os.path.isfile(path) else None


def _log_model(trainer) -> None:
    import torch

    module = trainer.lightning_module
    path = best_checkpoint(trainer)
    if path is not None:
        # Our trainer wrote it during this fit: a full checkpoint (hparams, loops' state).
        checkpoint = torch.load(path, map_location="cpu", weights_only=False)
        best = copy.deepcopy(module)
        best.load_state_dict(checkpoint["state_dict"])
        module = best
    jt.set_tag(LOGGED_MODEL_TAG, "best_checkpoint" if path is not None else "final")
    jt.log_model(module, MODEL_NAME)


# -- patching Trainer.fit --------------------------------------------------------------


def _namespace_of(trainer_class: type) -> types.ModuleType:
    top = trainer_class.__module__.split(".")[0]
    return importlib.import_module(NAMESPACES[LIBRARIES.index(top)])


_logger_classes: dict[str, type] = {}
_callback_classes: dict[str, type] = {}


def logger_class(namespace: types.ModuleType | None = None) -> type:
    """``jt.lightning.Logger``: a subclass of ``namespace``'s ``Logger`` (the first
    importable of ``lightning.pytorch`` and ``pytorch_lightning`` when None)."""
    if namespace is None:
        found = namespaces()
        if not found:
            raise ImportError("jt.lightning.Logger needs PyTorch Lightning: pip install lightning")
        namespace = found[0]
    if namespace.__name__ not in _logger_classes:
        rank_zero_only = namespace.utilities.rank_zero_only
        _logger_classes[namespace.__name__] = type(
            "Logger",
            (TrackerLogging, namespace.loggers.Logger),
            {
                "__module__": "jupyterlab_tracker.lightning",
                "__doc__": "PyTorch Lightning's Logger for jt: ``Trainer(logger=jt.lightning."
                "Logger())``. What it logs: ``jupyterlab_tracker/autologging/lightning.py``.",
                "log_hyperparams": rank_zero_only(TrackerLogging.log_hyperparams),
                "log_metrics": rank_zero_only(TrackerLogging.log_metrics),
            },
        )
    return _logger_classes[namespace.__name__]


def _callback_class(namespace: types.ModuleType) -> type:
    if namespace.__name__ not in _callback_classes:
        _callback_classes[namespace.__name__] = type(
            "TrackerCallback", (TrackerCallback, namespace.Callback), {}
        )
    return _callback_classes[namespace.__name__]


def _patch() -> None:
    for namespace in namespaces():
        trainer = namespace.Trainer
        if trainer not in _state.originals:
            _state.originals[trainer] = vars(trainer)["fit"]
            trainer.fit = _patched_fit(vars(trainer)["fit"], namespace)


def unpatch() -> None:
    """Restore every ``Trainer.fit`` (jt Loggers then log params and metrics only)."""
    for trainer, original in _state.originals.items():
        trainer.fit = original  # type: ignore[attr-defined]
    _state.originals.clear()


def _patched_fit(original, namespace: types.ModuleType):
    @functools.wraps(original)
    def fit(trainer, *args, **kwargs):
        ours = [each for each in trainer.loggers if isinstance(each, TrackerLogging)]
        if not ours and not _state.enabled:
            return original(trainer, *args, **kwargs)
        added = not ours
        if added:  # autologging: a logger of ours beside the trainer's own
            ours = [logger_class(namespace)(log_models=_state.log_models)]
            _state.loggers.discard(ours[0])  # not one made by hand
            trainer.loggers = [*trainer.loggers, *ours]
        logger = ours[0]
        callback = _callback_class(namespace)(logger)
        trainer.callbacks.append(callback)
        logger._fit_started()
        try:
            result = original(trainer, *args, **kwargs)
        except BaseException:
            logger._fit_ended(trainer, failed=True)
            raise
        finally:
            trainer.callbacks = [each for each in trainer.callbacks if each is not callback]
            if added:
                trainer.loggers = [each for each in trainer.loggers if each is not logger]
        logger._fit_ended(trainer, failed=False)
        return result

    return fit


__all__ = ["autolog", "best_checkpoint", "is_enabled", "logger_class", "unpatch"]
