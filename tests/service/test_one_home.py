"""Each domain name and figure is written once, in ``jupyterlab_tracker/domain/``.

A scan of the package's source (nothing is imported but the domain): no module spells out
a reserved tag name, keeps its own clock, or imports the old ``jupyterlab_tracker.limits``.
Docstrings may name a tag (they explain it); code must use the constant. Alembic
migrations are frozen history and keep their literals.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import mlflow.prompt.constants
import mlflow.utils.mlflow_tags
from support.import_rules import PACKAGE, imported_modules

from jupyterlab_tracker.domain import tags

TAGS_HOME = PACKAGE / "domain" / "tags.py"
CLOCK_HOME = PACKAGE / "domain" / "clock.py"
# Every tag MLflow reserves (its mlflow_tags module and the prompt marker) and ours.
MLFLOW_TAGS = {
    value
    for module in (mlflow.utils.mlflow_tags, mlflow.prompt.constants)
    for value in vars(module).values()
    if isinstance(value, str) and value.startswith("mlflow.")
}
RESERVED = MLFLOW_TAGS | tags.RESERVED_TAGS
# A clock of milliseconds written inline: time.time() * 1000, time.time_ns() // 1_000_000.
INLINE_CLOCK = re.compile(r"time\(\)\s*\*\s*1_?000\b|time_ns\(\)\s*//\s*1_?000_?000\b")


def package_sources() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.relative_to(PACKAGE).parts
    ]


def docstring_nodes(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def tag_literals(path: Path) -> list[str]:
    """``line: 'literal'`` for each reserved tag name spelled out in code (alone, as a
    runs-frame column ``tags.<name>``, or as a search key ``tags.`<name>```)."""
    tree = ast.parse(path.read_text())
    docstrings = docstring_nodes(tree)
    hits = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and node.value.removeprefix("tags.").strip("`") in RESERVED
        ):
            hits.append(f"{node.lineno}: {node.value!r}")
    return hits


def test_our_mlflow_tag_names_are_mlflows():
    ours = {name for name in tags.RESERVED_TAGS if name.startswith("mlflow.")}
    assert ours and ours <= MLFLOW_TAGS, ours - MLFLOW_TAGS
    assert all(name.startswith("jupyterlab_tracker.") for name in tags.RESERVED_TAGS - ours), (
        tags.RESERVED_TAGS - ours
    )


def test_no_module_spells_out_a_reserved_tag_name():
    found = {
        str(path.relative_to(PACKAGE)): hits
        for path in package_sources()
        if path != TAGS_HOME and (hits := tag_literals(path))
    }
    assert found == {}, "use jupyterlab_tracker.domain.tags instead"


def test_the_scan_finds_a_spelled_out_tag(tmp_path):
    """The scan above sees what it must (it would pass trivially if it saw nothing)."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Sets ``mlflow.runName``."""\n'
        'NAME = "mlflow.runName"\n'
        'COLUMN = "tags.mlflow.source.git.commit"\n'
        'ORDER = "tags.`jupyterlab_tracker.cell_source`"\n'
    )
    assert tag_literals(sample) == [
        "2: 'mlflow.runName'",
        "3: 'tags.mlflow.source.git.commit'",
        "4: 'tags.`jupyterlab_tracker.cell_source`'",
    ]


def test_one_clock():
    found = []
    for path in package_sources():
        if path == CLOCK_HOME:
            continue
        text = path.read_text()
        if "def now_ms" in text or INLINE_CLOCK.search(text):
            found.append(str(path.relative_to(PACKAGE)))
    assert found == [], "use jupyterlab_tracker.domain.clock.now_ms"
    assert INLINE_CLOCK.search("int(time.time() * 1000)")
    assert INLINE_CLOCK.search("time.time_ns() // 1_000_000")


def test_no_module_imports_the_old_limits_module():
    found = []
    for path in package_sources():
        package = ".".join(("jupyterlab_tracker", *path.relative_to(PACKAGE).parent.parts))
        if "jupyterlab_tracker.limits" in imported_modules(path, package):
            found.append(str(path.relative_to(PACKAGE)))
    assert found == [], "import jupyterlab_tracker.domain.limits"
