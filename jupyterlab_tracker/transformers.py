"""``jt.transformers``: ``Callback`` (a ``transformers.TrainerCallback``) and ``autolog``.
Importing this module imports transformers and registers the callback under
``report_to`` name ``"jupyterlab_tracker"``, so ``TrainingArguments(report_to=
["jupyterlab_tracker"])`` works (``import jupyterlab_tracker`` alone does not import it:
``jt.transformers`` is loaded when first used, and ``jt.autolog()`` loads it too).
What is logged: ``autologging/transformers.py``, docs/autologging.md.
"""

from __future__ import annotations

from .autologging.transformers import INTEGRATION_NAME, Callback, autolog

__all__ = ["INTEGRATION_NAME", "Callback", "autolog"]
