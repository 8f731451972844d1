"""Compile parsed search trees (``search.Comparison`` / ``search.OrderBy``) into SQL.

Everything is SQLAlchemy Core with bound parameters: no user text is ever spliced into
SQL. Both dialects must agree on every operator:

- ``LIKE`` is case-sensitive and ``ILIKE`` case-insensitive, with ``%``/``_`` wildcards
  and backslash as the escape character (PostgreSQL's defaults). SQLite's LIKE ignores
  ASCII case, so there a LIKE pattern is translated into the equivalent (case-sensitive)
  GLOB pattern; ILIKE is ``lower(x) LIKE lower(p) ESCAPE '\\'`` on SQLite.
- A metric, param or tag comparison matches runs that *have* the key with a matching
  value; ``IS NULL`` matches runs without the key. Metrics compare their latest value;
  a NaN (stored as NULL) differs from every number, so it matches ``!=`` (as in MLflow)
  and no other comparison.
- Sorting puts NULLs (runs lacking the key) last in both directions, like MLflow.
"""

from __future__ import annotations

import operator

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.sql import Select

from ..domain.tags import DATASET_CONTEXT_TAG
from ..errors import invalid, preview
from ..search import Comparison, OrderBy
from . import models as m

RUN_ATTRIBUTE_COLUMNS = {
    "run_id": m.runs.c.run_id,
    "run_name": m.runs.c.name,
    "status": m.runs.c.status,
    "user_id": m.runs.c.user_id,
    "artifact_uri": m.runs.c.artifact_uri,
    "lifecycle_stage": m.runs.c.lifecycle_stage,
    "start_time": m.runs.c.start_time,
    "end_time": m.runs.c.end_time,
}
NUMERIC_RUN_ATTRIBUTES = {"start_time", "end_time"}

EXPERIMENT_ATTRIBUTE_COLUMNS = {
    "name": m.experiments.c.name,
    "experiment_id": m.experiments.c.experiment_id,
    "creation_time": m.experiments.c.creation_time,
    "last_update_time": m.experiments.c.last_update_time,
}
NUMERIC_EXPERIMENT_ATTRIBUTES = {"creation_time", "last_update_time"}

_NUMERIC_OPERATORS = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_STRING_OPERATORS = ("=", "!=", "LIKE", "ILIKE", "IN", "NOT IN")


def like_to_glob(pattern: str) -> str:
    """Translate a LIKE pattern (``%``, ``_``, backslash escapes) into a SQLite GLOB pattern.

    GLOB is case-sensitive, which is what LIKE means on PostgreSQL.
    """
    glob = []
    escaped = False
    for char in pattern:
        if escaped:
            glob.append(_glob_literal(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            glob.append("*")
        elif char == "_":
            glob.append("?")
        else:
            glob.append(_glob_literal(char))
    if escaped:  # a trailing backslash stands for itself
        glob.append("\\")
    return "".join(glob)


def _glob_literal(char: str) -> str:
    # In GLOB, *, ? and [ are special; a one-character class makes them literal.
    return f"[{char}]" if char in "*?[" else char


def _describe(comparison: Comparison) -> str:
    return f"{comparison.kind}.{comparison.key} {comparison.op}"


def numeric_condition(column, comparison: Comparison) -> ColumnElement:
    compare = _NUMERIC_OPERATORS.get(comparison.op)
    if compare is None:
        raise invalid(f"Operator '{comparison.op}' is not supported for {_describe(comparison)}")
    try:
        if isinstance(comparison.value, tuple) or comparison.value is None:  # IN, IS NULL
            raise TypeError
        value = float(comparison.value)
    except (TypeError, ValueError):
        raise invalid(
            f"Expected a number in {_describe(comparison)}, got {comparison.value!r}"
        ) from None
    return compare(column, value)


def _metric_condition(value_column, comparison: Comparison) -> ColumnElement:
    """A latest metric value against a number; a NaN is NULL plus ``is_nan`` there."""
    condition = numeric_condition(value_column, comparison)
    if comparison.op == "!=":
        return or_(condition, value_column.table.c.is_nan)
    return condition


def string_condition(column, comparison: Comparison, dialect: str) -> ColumnElement:
    op, value = comparison.op, comparison.value
    if op in ("IN", "NOT IN"):
        if not isinstance(value, tuple | list):
            raise invalid(f"{_describe(comparison)} needs a list of values")
        values = [str(v) for v in value]
        return column.in_(values) if op == "IN" else column.not_in(values)
    if op not in _STRING_OPERATORS:
        raise invalid(f"Operator '{op}' is not supported for {_describe(comparison)}")
    if not isinstance(value, str):
        raise invalid(f"Expected a string in {_describe(comparison)}, got {value!r}")
    if op == "=":
        return column == value
    if op == "!=":
        return column != value
    if op == "ILIKE":
        return column.ilike(value, escape="\\")
    # op == "LIKE"
    if dialect == "sqlite":
        return column.op("GLOB")(like_to_glob(value))
    return column.like(value, escape="\\")


def _key_exists(table, owner_column, owner, key: str, condition=None) -> ColumnElement:
    """EXISTS (a row of ``table`` for this owner and key [whose value matches])."""
    clauses = [owner_column == owner, table.c.key == key]
    if condition is not None:
        clauses.append(condition)
    return select(table.c.key).where(*clauses).exists()


def _keyed_condition(
    table, owner_column, owner, comparison: Comparison, value_condition
) -> ColumnElement:
    if comparison.op == "IS NULL":
        return ~_key_exists(table, owner_column, owner, comparison.key)
    if comparison.op == "IS NOT NULL":
        return _key_exists(table, owner_column, owner, comparison.key)
    return _key_exists(
        table, owner_column, owner, comparison.key, value_condition(table.c.value, comparison)
    )


def run_condition(comparison: Comparison, dialect: str) -> ColumnElement:
    """One filter clause over ``runs`` (correlated subqueries for metrics/params/tags)."""
    kind = comparison.kind
    string_match = lambda column, c: string_condition(column, c, dialect)  # noqa: E731
    run_id = m.runs.c.run_id
    if kind == "metric":
        latest = m.latest_metrics
        return _keyed_condition(latest, latest.c.run_id, run_id, comparison, _metric_condition)
    if kind == "param":
        return _keyed_condition(m.params, m.params.c.run_id, run_id, comparison, string_match)
    if kind == "tag":
        return _keyed_condition(m.tags, m.tags.c.run_id, run_id, comparison, string_match)
    if kind == "attribute":
        column = RUN_ATTRIBUTE_COLUMNS.get(comparison.key)
        if column is None:
            raise invalid(f"Unknown run attribute '{comparison.key}'")
        if comparison.op == "IS NULL":
            return column.is_(None)
        if comparison.op == "IS NOT NULL":
            return column.is_not(None)
        if comparison.key in NUMERIC_RUN_ATTRIBUTES:
            return numeric_condition(column, comparison)
        return string_condition(column, comparison, dialect)
    if kind == "dataset":
        return _dataset_condition(comparison, dialect)
    raise invalid(f"Unknown filter entity '{kind}'")


def _dataset_condition(comparison: Comparison, dialect: str) -> ColumnElement:
    inputs, datasets, input_tags = m.inputs, m.datasets, m.input_tags
    query = (
        select(inputs.c.input_id)
        .join(datasets, datasets.c.dataset_id == inputs.c.dataset_id)
        .where(inputs.c.run_id == m.runs.c.run_id)
    )
    if comparison.key in ("name", "digest"):
        column = datasets.c[comparison.key]
    elif comparison.key == "context":
        query = query.join(
            input_tags,
            and_(
                input_tags.c.input_id == inputs.c.input_id,
                input_tags.c.key == DATASET_CONTEXT_TAG,
            ),
        )
        column = input_tags.c.value
    else:
        raise invalid(f"Unknown dataset attribute '{comparison.key}' (name, digest, context)")
    return query.where(string_condition(column, comparison, dialect)).exists()


def apply_run_order(query: Select, order_by: list[OrderBy]) -> Select:
    """Add ORDER BY clauses (outer joins for metric/param/tag keys), then the default
    tie-breakers start_time DESC, run_id."""
    clauses: list[ColumnElement] = []
    for position, order in enumerate(order_by):
        if order.kind == "attribute":
            column = RUN_ATTRIBUTE_COLUMNS.get(order.key)
            if column is None:
                raise invalid(f"Unknown run attribute '{order.key}' in order_by")
        elif order.kind in ("metric", "param", "tag"):
            table = {"metric": m.latest_metrics, "param": m.params, "tag": m.tags}[order.kind]
            joined = table.alias(f"order_{position}")
            query = query.outerjoin(
                joined, and_(joined.c.run_id == m.runs.c.run_id, joined.c.key == order.key)
            )
            column = joined.c.value
        else:
            raise invalid(f"Cannot order runs by {order.kind}.{order.key}")
        direction = column.asc() if order.ascending else column.desc()
        clauses.append(direction.nulls_last())
    clauses += [m.runs.c.start_time.desc().nulls_last(), m.runs.c.run_id]
    return query.order_by(*clauses)


def experiment_condition(comparison: Comparison, dialect: str) -> ColumnElement:
    experiments = m.experiments
    if comparison.kind == "tag":
        tags = m.experiment_tags
        return _keyed_condition(
            tags,
            tags.c.experiment_id,
            experiments.c.experiment_id,
            comparison,
            lambda column, c: string_condition(column, c, dialect),
        )
    if comparison.kind != "attribute" or comparison.key not in EXPERIMENT_ATTRIBUTE_COLUMNS:
        raise invalid(f"Cannot filter experiments by {comparison.kind}.{comparison.key}")
    column = EXPERIMENT_ATTRIBUTE_COLUMNS[comparison.key]
    if comparison.key in NUMERIC_EXPERIMENT_ATTRIBUTES:
        return numeric_condition(column, comparison)
    if comparison.key == "experiment_id":
        return _experiment_id_condition(column, comparison)
    return string_condition(column, comparison, dialect)


def _experiment_id_condition(column, comparison: Comparison) -> ColumnElement:
    # Ids are strings outside and integers inside; compare as integers.
    values = comparison.value if isinstance(comparison.value, tuple | list) else [comparison.value]
    try:
        ids = [int(str(v)) for v in values]
    except ValueError:
        raise invalid(f"Experiment ids are integers, got {preview(comparison.value)}") from None
    # A number beyond the column's range names no experiment (and the driver cannot bind it).
    listed = [i for i in ids if 0 <= i < m.INTEGER_LIMIT]
    if comparison.op == "IN":
        return column.in_(listed)
    if comparison.op == "NOT IN":
        return column.not_in(listed)
    return numeric_condition(
        column, Comparison(comparison.kind, comparison.key, comparison.op, ids[0])
    )


def experiment_order(order_by: list[OrderBy]) -> list:
    clauses = []
    for order in order_by:
        column = EXPERIMENT_ATTRIBUTE_COLUMNS.get(order.key)
        if order.kind != "attribute" or column is None:
            raise invalid(
                f"Cannot order experiments by {order.kind}.{order.key} "
                f"(name, experiment_id, creation_time, last_update_time)"
            )
        clauses.append((column.asc() if order.ascending else column.desc()).nulls_last())
    return clauses + [
        m.experiments.c.creation_time.desc().nulls_last(),
        m.experiments.c.experiment_id,
    ]
