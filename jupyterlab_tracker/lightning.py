"""``jt.lightning.Logger`` and ``jt.lightning.autolog``: PyTorch Lightning into jt.

``Trainer(logger=jt.lightning.Logger())`` logs one trainer's fits; ``jt.lightning.autolog()``
(or ``jt.autolog()``) logs every ``Trainer.fit``, as ``mlflow.pytorch.autolog``. What is
logged: ``jupyterlab_tracker/autologging/lightning.py``, docs/autologging.md. Importing this
module imports no Lightning: ``Logger`` is built on first use.
"""

from __future__ import annotations


def autolog(disable: bool = False, log_models: bool = True) -> None:
    """Log every ``Trainer.fit`` (hyperparameters, optimizer params, every logged metric
    with its step, the best checkpoint as model ``model``); ``disable=True`` stops."""
    from .autologging import lightning  # imports Lightning

    lightning.autolog(disable=disable, log_models=log_models)


def __getattr__(name: str):
    if name == "Logger":  # a subclass of Lightning's Logger: needs Lightning imported
        from .autologging import lightning

        return lightning.logger_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Logger", "autolog"]  # noqa: F822  # Logger: __getattr__
