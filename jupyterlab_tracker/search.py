"""MLflow's search syntax: filter and order_by strings parsed into small, typed trees.

Stdlib only. The store compiles these trees into parameterised SQL; nothing here ever
builds SQL text. Every parse error is a ``TrackerError`` (INVALID_PARAMETER_VALUE)
whose message names the problem and the column where it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EntityKind = Literal["metric", "param", "tag", "attribute", "dataset"]

# Canonical run attribute names (aliases such as ``run name`` / ``created`` map to these).
STRING_RUN_ATTRIBUTES = ("run_id", "run_name", "status", "user_id", "artifact_uri", "lifecycle_stage")
NUMERIC_RUN_ATTRIBUTES = ("start_time", "end_time")


@dataclass(frozen=True)
class Comparison:
    """One ``<kind>.<key> <op> <value>`` clause of a filter (clauses are AND-ed).

    - ``op`` is one of ``= != < <= > >= LIKE ILIKE IN NOT IN IS NULL IS NOT NULL``
      (upper case, single spaces).
    - ``value`` is a float for metrics and numeric attributes, a str for string
      comparisons, a tuple of str for IN / NOT IN, and None for IS [NOT] NULL.
    """

    kind: EntityKind
    key: str
    op: str
    value: float | str | tuple[str, ...] | None


@dataclass(frozen=True)
class OrderBy:
    kind: EntityKind
    key: str
    ascending: bool = True
