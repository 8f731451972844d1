"""``jt.autolog()``: turn on (or off) every autologging integration whose library is
importable. What each one logs: docs/autologging.md.

Each integration is a module here with ``autolog(disable=..., **options)``; this module
only picks which ones to call. Importing it imports no ML library.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

from ..errors import invalid

DEFAULT_MAX_TUNING_RUNS = 5  # child runs of a parameter search: mlflow.sklearn.autolog's

# integration name -> (the library it needs, or a tuple of which any one will do; the
# module that patches it)
INTEGRATIONS: dict[str, tuple[str | tuple[str, ...], str]] = {
    "sklearn": ("sklearn", f"{__name__}.sklearn"),
    "lightning": (("lightning", "pytorch_lightning"), f"{__name__}.lightning"),
    "keras": ("keras", f"{__name__}.keras"),
}


def _importable(library: str | tuple[str, ...]) -> bool:
    libraries = (library,) if isinstance(library, str) else library
    return any(importlib.util.find_spec(each) is not None for each in libraries)


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
        if name in excluded or not _importable(library):
            continue
        module = importlib.import_module(module_name)
        if disable:
            module.autolog(disable=True)
        else:
            module.autolog(log_models=log_models)
        if disable or module.is_enabled():  # a library that fails to import stays off
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
