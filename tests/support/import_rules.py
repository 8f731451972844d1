"""Which modules a source file imports, read from its syntax tree (nothing is imported)."""

from __future__ import annotations

import ast
from pathlib import Path

import jupyterlab_tracker

PACKAGE = Path(jupyterlab_tracker.__file__).parent


def imported_modules(path: Path, package: str) -> list[str]:
    """Absolute names of the modules a file imports (relative imports resolved)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            module = node.module or ""
            names.append(module if not node.level else f"{base}.{module}".rstrip("."))
    return names
