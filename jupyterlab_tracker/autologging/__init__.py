"""``jt.autolog()``: turn on (or off) every autologging integration whose library is
importable. What each one logs: docs/autologging.md.

Each integration is a module here with ``autolog(disable=..., **options)``; this module
only picks which ones to call. Importing it imports no ML library.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys

from ..errors import invalid

DEFAULT_MAX_TUNING_RUNS = 5  # child runs of a parameter search: mlflow.sklearn.autolog's

# integration name -> (the library it needs, the module that patches it)
INTEGRATIONS = {
    "sklearn": ("sklearn", f"{__name__}.sklearn"),
    "xgboost": ("xgboost", f"{__name__}.xgboost"),
    "lightgbm": ("lightgbm", f"{__name__}.lightgbm"),
    "transformers": ("transformers", f"{__name__}.transformers"),
}


def autolog(
    disable: bool = False,
    exclude: list[str] | tuple[str, ...] | None = None,
    log_models: bool = True,
) -> list[str]:
    """Autolog every integration whose library is importable, except ``exclude``'s;
    ``disable=True`` turns them off. Returns the integrations turned on (or off)."""
    excluded = set(exclude or ())
    unknown = excluded - INTEGRATIONS.keys()
    if unknown:
        raise invalid(
            f"Unknown autolog integration(s) {sorted(unknown)}: known are {sorted(INTEGRATIONS)}"
        )
    done = []
    for name, (library, module_name) in INTEGRATIONS.items():
        if name in excluded or importlib.util.find_spec(library) is None:
            continue
        module = importlib.import_module(module_name)
        if disable:
            module.autolog(disable=True)
        elif "log_models" in inspect.signature(module.autolog).parameters:
            module.autolog(log_models=log_models)
        else:  # an integration that logs no model (transformers)
            module.autolog()
        done.append(name)
    return done


def enabled() -> list[str]:
    """The integrations that are on now."""
    on = []
    for name, (_, module_name) in INTEGRATIONS.items():
        module = sys.modules.get(module_name)
        if module is not None and module.is_enabled():
            on.append(name)
    return on
