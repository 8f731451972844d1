"""``jt.keras.Callback`` and ``jt.keras.autolog``: Keras 3 into jt.

``model.fit(..., callbacks=[jt.keras.Callback()])`` logs one fit; ``jt.keras.autolog()`` (or
``jt.autolog()``) logs every ``keras.Model.fit``, as ``mlflow.keras.autolog``. What is
logged: ``jupyterlab_tracker/autologging/keras.py``, docs/autologging.md. Importing this
module imports no Keras: ``Callback`` is built on first use.
"""

from __future__ import annotations


def autolog(
    disable: bool = False, log_models: bool = True, log_every_n_steps: int | None = None
) -> None:
    """Log every ``keras.Model.fit`` (fit's params, the optimizer's config, epoch metrics,
    or batch metrics every ``log_every_n_steps``, the model); ``disable=True`` stops."""
    from .autologging import keras

    keras.autolog(disable=disable, log_models=log_models, log_every_n_steps=log_every_n_steps)


def __getattr__(name: str):
    if name == "Callback":  # a subclass of keras.callbacks.Callback: needs Keras imported
        from .autologging import keras

        return keras.callback_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Callback", "autolog"]  # noqa: F822  # Callback: __getattr__
