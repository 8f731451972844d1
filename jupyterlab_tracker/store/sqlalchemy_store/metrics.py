"""Metric points: writing a batch's points (with each key's latest value), and reading a
metric's history whole, by pages, or downsampled."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, or_, select

from ...domain.limits import INT64_MAX, INT64_MIN
from ...entities import LoggedModelMetric, Metric, Page
from ...errors import invalid
from ...gc_pause import gc_paused
from .. import models as m
from ..logged_models import check_models_exist
from ..paging import decode_page_token, next_page_token
from ..sql import Statements
from .downsample import downsample
from .rows import StoreRows

METRIC_COLUMNS = ("run_id", "key", "value", "timestamp", "step", "is_nan")

# One metric's (value, timestamp, step, is_nan) in history order. The covering index
# ix_metrics_history answers it alone: no table lookups, no sort.
_HISTORY_QUERY = (
    select(m.metrics.c.value, m.metrics.c.timestamp, m.metrics.c.step, m.metrics.c.is_nan)
    .where(m.metrics.c.run_id == bindparam("run_id"), m.metrics.c.key == bindparam("key"))
    .order_by(m.metrics.c.step, m.metrics.c.timestamp, m.metrics.c.id)
    .limit(bindparam("limit"))
    .offset(bindparam("offset"))
)


# One metric's (value, timestamp, step, is_nan) with a step in [first_step, last_step], in
# the index's (step, timestamp, id) order (see _interval_order).
_INTERVAL_QUERY = (
    select(m.metrics.c.value, m.metrics.c.timestamp, m.metrics.c.step, m.metrics.c.is_nan)
    .where(
        m.metrics.c.run_id == bindparam("run_id"),
        m.metrics.c.key == bindparam("key"),
        m.metrics.c.step.between(bindparam("first_step"), bindparam("last_step")),
    )
    .order_by(m.metrics.c.step, m.metrics.c.timestamp, m.metrics.c.id)
)

# The stored points of a run that a batch might repeat (see _points_not_stored), as
# (key, value, timestamp, step, is_nan) like a metric row without its run id.
_STORED_POINTS_QUERY = select(
    m.metrics.c.key, m.metrics.c.value, m.metrics.c.timestamp, m.metrics.c.step, m.metrics.c.is_nan
).where(
    m.metrics.c.run_id == bindparam("run_id"),
    m.metrics.c.key.in_(bindparam("keys", expanding=True)),
    m.metrics.c.step.between(bindparam("first_step"), bindparam("last_step")),
    m.metrics.c.timestamp.between(bindparam("first_timestamp"), bindparam("last_timestamp")),
)


# -- writing -----------------------------------------------------------------------------
def insert_points(
    sql: Statements,
    conn: Connection,
    run_id: str,
    metrics: list[Metric],
    skip_duplicates: bool = False,
) -> None:
    """The points of a batch, and each key's latest point (``latest_metrics``)."""
    rows = []
    for metric in metrics:
        value = float(metric.value)
        is_nan = value != value  # NaN is stored as NULL + flag (SQLite has no NaN)
        rows.append(
            (
                run_id,
                metric.key,
                None if is_nan else value,
                int(metric.timestamp),
                int(metric.step or 0),
                is_nan,
            )
        )
    if skip_duplicates:
        rows = _points_not_stored(conn, run_id, rows)
        if not rows:
            return
    latest: dict[str, tuple] = {}
    for row in rows:
        # "Latest" is the highest step, then the highest timestamp; on a full tie the
        # point logged last wins.
        best = latest.get(row[1])
        if best is None or (row[4], row[3]) >= (best[4], best[3]):
            latest[row[1]] = row
    sql.bulk_insert(conn, m.metrics, METRIC_COLUMNS, rows)
    current = m.latest_metrics.c
    upsert_latest = sql.upsert(
        m.latest_metrics,
        ["run_id", "key"],
        ["value", "timestamp", "step", "is_nan"],
        where=lambda new: or_(
            new.step > current.step,
            and_(new.step == current.step, new.timestamp >= current.timestamp),
        ),
    )
    sql.bulk_insert(conn, m.latest_metrics, METRIC_COLUMNS, list(latest.values()), upsert_latest)


def _points_not_stored(conn: Connection, run_id: str, rows: list[tuple]) -> list[tuple]:
    """``rows`` (metric rows of one run) less exact repeats: of an earlier row, and of
    a point the run already has.

    Stored points are read in one query bounded by the batch's keys, steps and
    timestamps: the ix_metrics_history index seeks (run_id, key) and scans the step
    range. A new batch (later steps or times than anything stored) reads nothing.
    NaN rows compare equal here because NaN is NULL plus a flag.
    """
    unique = list(dict.fromkeys(rows))
    _, keys, _, timestamps, steps, _ = zip(*unique, strict=True)
    stored = {
        tuple(point)
        for point in conn.execute(
            _STORED_POINTS_QUERY,
            {
                "run_id": run_id,
                "keys": sorted(set(keys)),
                "first_step": min(steps),
                "last_step": max(steps),
                "first_timestamp": min(timestamps),
                "last_timestamp": max(timestamps),
            },
        )
    }
    if not stored:
        return unique
    return [row for row in unique if row[1:] not in stored]


def insert_model_points(
    sql: Statements, conn: Connection, run_id: str, links: list[LoggedModelMetric]
) -> None:
    """Rows of ``logged_model_metrics`` for points of a batch, less exact repeats (of an
    earlier link of the batch or a stored one). Only batches that link points pay for
    this: after ``log_model`` or ``evaluate``, a few points each."""
    model_ids = sorted({link.model_id for link in links})
    check_models_exist(conn, model_ids)
    rows = []
    for link in links:
        value = float(link.value)
        is_nan = value != value
        rows.append(
            (
                link.model_id,
                run_id,
                link.key,
                None if is_nan else value,
                int(link.timestamp),
                int(link.step or 0),
                is_nan,
                link.dataset_name,
                link.dataset_digest,
            )
        )
    rows = list(dict.fromkeys(rows))
    columns = m.LOGGED_MODEL_METRIC_COLUMNS
    table = m.logged_model_metrics.c
    _, _, keys, _, timestamps, steps, *_ = zip(*rows, strict=True)
    stored = {
        tuple(row)
        for row in conn.execute(
            select(*(table[name] for name in columns)).where(
                table.model_id.in_(model_ids),
                table.key.in_(sorted(set(keys))),
                table.timestamp.between(min(timestamps), max(timestamps)),
                table.step.between(min(steps), max(steps)),
                table.run_id == run_id,
            )
        )
    }
    rows = [row for row in rows if row not in stored]
    if rows:
        sql.bulk_insert(conn, m.logged_model_metrics, columns, rows)


# -- reading -----------------------------------------------------------------------------
def _history_metrics(key: str, rows) -> list[Metric]:
    """Metrics from (value, timestamp, step, is_nan) tuples of one key."""
    nan = math.nan
    return [
        Metric(key, nan if is_nan else value, timestamp, step)
        for value, timestamp, step, is_nan in rows
    ]


def _interval_order(rows: Sequence[Any]) -> Sequence[Any]:
    """(value, timestamp, step, is_nan) rows from _INTERVAL_QUERY in MLflow's order:
    step, timestamp, then value with a NaN as 0 (its table's storage) and is_nan. Only
    points sharing a step and timestamp need sorting, and most histories have none."""
    if len({(step, timestamp) for _, timestamp, step, _ in rows}) == len(rows):
        return rows
    return sorted(rows, key=lambda r: (r[2], r[1], 0.0 if r[3] else r[0], bool(r[3])))


def sample_like_ntile(points: Sequence[Any], count: int) -> list:
    """MLflow's sample of ordered points (``get_metric_history_bulk_interval``): cut them
    into ``count`` tiles as SQL's ``NTILE`` does (the first ``len % count`` tiles one point
    longer), keep the first point of each, and make sure the last point is in (it replaces
    the last pick when there are already ``count``)."""
    size, longer = divmod(len(points), count)
    if size == 0:
        return list(points)
    picked = [points[i * size + min(i, longer)] for i in range(count)]
    if picked[-1] is not points[-1]:
        picked[-1] = points[-1]
    return picked


class MetricsMixin(StoreRows):
    @gc_paused()  # 100k points are 100k tuples, then 100k Metrics
    def get_metric_history(
        self, run_id: str, key: str, max_results: int | None = None, page_token: str | None = None
    ) -> Page[Metric]:
        if max_results is not None and (type(max_results) is not int or max_results < 1):
            raise invalid(f"max_results must be a positive integer, got {max_results!r}")
        offset = decode_page_token(page_token)
        if max_results is not None:  # a page of any size: MLflow's history has no limit
            max_results = min(max_results, INT64_MAX - 1)
        limit = None if max_results is None else max_results + 1  # +1: is there more?
        with self.db.session() as conn:
            self._run_row(conn, run_id)
            rows = self._history_rows(conn, run_id, key, limit, offset)
        if max_results is None:
            return Page(_history_metrics(key, rows))
        return Page(
            _history_metrics(key, rows[:max_results]),
            next_page_token(offset, max_results, len(rows)),
        )

    @gc_paused()
    def sample_metric_history(self, run_id: str, key: str, max_points: int) -> list[Metric]:
        if not isinstance(max_points, int) or max_points < 4:
            raise invalid(f"max_points must be an integer >= 4, got {max_points!r}")
        with self.db.session() as conn:
            self._run_row(conn, run_id)
            rows = self._history_rows(conn, run_id, key)
        if len(rows) > max_points:
            # In Python over the ordered points: cheaper than ranking them with window
            # functions in the database.
            first_step, last_step = rows[0][2], rows[-1][2]
            rows = downsample(rows, first_step, last_step, max_points // 4)
        return _history_metrics(key, rows)

    @gc_paused()  # 200k rows, then 20k Metrics
    def sample_metric_histories(
        self,
        run_ids: Sequence[str],
        key: str,
        count: int,
        steps: tuple[int, int] | None = None,
    ) -> dict[str, list[Metric]]:
        # One session; rows stay driver tuples until sampled: 100 runs x 2,000 points
        # would otherwise be 200k Metrics for a 20k-point answer.
        first_step, last_step = steps if steps else (INT64_MIN, INT64_MAX)
        params = {"key": key, "first_step": first_step, "last_step": last_step}
        with self.db.session() as conn:
            rows = {
                run_id: self.sql.driver_rows(conn, _INTERVAL_QUERY, {**params, "run_id": run_id})
                for run_id in dict.fromkeys(run_ids)
            }
        return {
            run_id: _history_metrics(key, sample_like_ntile(_interval_order(points), count))
            for run_id, points in rows.items()
        }

    def _history_rows(
        self,
        conn: Connection,
        run_id: str,
        key: str,
        limit: int | None = None,
        offset: int = 0,
    ) -> Sequence[Any]:
        """(value, timestamp, step, is_nan) of one metric, in history order."""
        if limit is None and self.db.dialect == "sqlite":
            limit = -1  # SQLite's "no limit" (PostgreSQL's is NULL)
        params = {"run_id": run_id, "key": key, "limit": limit, "offset": offset}
        return self.sql.driver_rows(conn, _HISTORY_QUERY, params)
