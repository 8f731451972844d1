"""Hugging Face transformers: ``jt.transformers.Callback`` (a ``TrainerCallback``),
``TrainingArguments(report_to=["jupyterlab_tracker"])``, and ``jt.transformers.autolog()``
(or ``jt.autolog()``). Logs what transformers' own ``MLflowCallback`` logs:

- params: the model's config (``model.config.to_dict()``) and the ``TrainingArguments``
  (``args.to_dict()``, which wins on a shared key), cut as MLflow's autologging cuts
  params (MLflowCallback drops the values it would have to cut); the config also whole as
  the artifact ``model_config.json``;
- every number the Trainer logs (``on_log``: ``loss``, ``learning_rate``, ``grad_norm``,
  ``eval_loss``, ``train_runtime``, ...) at ``state.global_step``, names sanitized as
  MLflowCallback sanitizes them.

Importing this module registers the callback under ``report_to`` name
``"jupyterlab_tracker"`` (in ``INTEGRATION_TO_CALLBACK``, where transformers looks names
up). ``autolog`` also adds the callback to every ``Trainer.train`` and manages the run: one
started for the training ends FAILED if training raised. Metric points are appended to
jt's buffer: a logging step makes no write of its own.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
from numbers import Number

from transformers import Trainer, TrainerCallback
from transformers.integrations import integration_utils

import jupyterlab_tracker as jt

from . import training

log = logging.getLogger(__name__)

INTEGRATION_NAME = "jupyterlab_tracker"  # TrainingArguments(report_to=[...])
MODEL_CONFIG_ARTIFACT = "model_config.json"
# Characters MLflowCallback replaces with "_" in metric names.
_UNSAFE_METRIC_CHARACTERS = re.compile(r"[^0-9A-Za-z_\-\.\ :/]")


class Callback(TrainerCallback):
    """Log a ``Trainer``'s training into jt:
    ``Trainer(..., callbacks=[jt.transformers.Callback()])`` or
    ``TrainingArguments(report_to=["jupyterlab_tracker"])``.

    Logs into the active run; with none, it starts one (named ``args.run_name``) and ends
    it when training ends (an ``evaluate()`` after that still logs into it). Only the main
    process (``state.is_world_process_zero``) logs."""

    def __init__(self) -> None:
        self.run_id: str | None = None
        self._started = False
        self._initialized = False

    def setup(self, args, state, model) -> None:
        self._initialized = True
        if not state.is_world_process_zero:
            return
        active = jt.active_run()
        self._started = active is None
        self.run_id = (active or jt.start_run(run_name=args.run_name)).info.run_id
        config = getattr(model, "config", None)
        config_dict = config.to_dict() if config is not None else {}
        training.log_params(self.run_id, {**config_dict, **args.to_dict()})
        if config_dict:
            try:
                training.log_json(self.run_id, config_dict, MODEL_CONFIG_ARTIFACT)
            except Exception as exc:  # logging never fails training
                log.warning("jupyterlab_tracker: logging the model config failed: %s", exc)

    def on_train_begin(self, args, state, control, model=None, **kwargs):
        self.setup(args, state, model)  # each train() call: its run and params

    def on_log(self, args, state, control, logs=None, model=None, **kwargs):
        if not self._initialized:
            self.setup(args, state, model)
        if not state.is_world_process_zero or self.run_id is None:
            return
        metrics = {}
        for key, value in (logs or {}).items():
            number = _number(value)
            if number is None:
                log.debug("jupyterlab_tracker: %s=%r is not a number: not logged", key, value)
            else:
                metrics[_UNSAFE_METRIC_CHARACTERS.sub("_", key)] = number
        if metrics:
            training.log_metrics(self.run_id, metrics, step=state.global_step)

    def on_train_end(self, args, state, control, **kwargs):
        # The run stays this callback's: a trainer.evaluate() after training logs into it.
        if self._started:
            self._started = False
            active = jt.active_run()
            if active is not None and active.info.run_id == self.run_id:
                jt.end_run("FINISHED")


def _number(value) -> float | None:
    """A metric value: an int or float (MLflowCallback's rule), or a one-element tensor."""
    if isinstance(value, Number) and not isinstance(value, complex):
        return float(value)  # type: ignore[arg-type]
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.item())
    return None


def register() -> None:
    """Make ``report_to=["jupyterlab_tracker"]`` name this callback."""
    integration_utils.INTEGRATION_TO_CALLBACK[INTEGRATION_NAME] = Callback


register()


# -- autolog: Trainer.train -------------------------------------------------------------


class _Config:
    def __init__(self) -> None:
        self.enabled = False
        self.original_train = None


_config = _Config()


def autolog(disable: bool = False) -> None:
    """Log every ``Trainer.train`` (``disable=True``: undo). The ``report_to`` name stays
    registered either way."""
    if disable:
        if _config.original_train is not None:
            Trainer.train = _config.original_train
            _config.original_train = None
        _config.enabled = False
        return
    register()
    if not _config.enabled:
        _config.original_train = vars(Trainer)["train"]
        Trainer.train = _patched_train(_config.original_train)  # type: ignore[method-assign]
        _config.enabled = True


def is_enabled() -> bool:
    return _config.enabled


def _patched_train(original):
    @functools.wraps(original)
    def train(self, *args, **kwargs):
        if not _config.enabled:
            return original(self, *args, **kwargs)
        if not any(isinstance(cb, Callback) for cb in self.callback_handler.callbacks):
            self.add_callback(Callback())
        with training.managed_run(run_name=self.args.run_name):
            return original(self, *args, **kwargs)

    return train
