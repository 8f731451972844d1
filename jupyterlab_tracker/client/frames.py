"""Runs as a pandas DataFrame with MLflow's ``search_runs`` columns."""

from __future__ import annotations

from ..domain.tags import RUN_NAME_TAG
from ..entities import Run

INFO_COLUMNS = ["run_id", "experiment_id", "status", "artifact_uri", "start_time", "end_time"]
# The run's name, from its tag.
RUN_NAME_COLUMN = f"tags.{RUN_NAME_TAG}"


def runs_to_dataframe(runs: list[Run]):
    """One row per run: the info columns (times as UTC datetimes), then ``metrics.<key>``
    (latest value), ``params.<key>`` and ``tags.<key>``, each group sorted by key."""
    import pandas as pd

    rows = []
    for run in runs:
        info = run.info
        row: dict[str, object] = {
            "run_id": info.run_id,
            "experiment_id": info.experiment_id,
            "status": info.status,
            "artifact_uri": info.artifact_uri,
            "start_time": info.start_time,
            "end_time": info.end_time,
        }
        row.update({f"metrics.{k}": v for k, v in run.data.metrics.items()})
        row.update({f"params.{k}": v for k, v in run.data.params.items()})
        row.update({f"tags.{k}": v for k, v in run.data.tags.items()})
        rows.append(row)
    extra = sorted({c for row in rows for c in row} - set(INFO_COLUMNS), key=_column_order)
    frame = pd.DataFrame(rows, columns=INFO_COLUMNS + extra)
    for column in ("start_time", "end_time"):
        frame[column] = pd.to_datetime(frame[column], unit="ms", utc=True)
    return frame


def _column_order(column: str) -> tuple[int, str]:
    group, _, key = column.partition(".")
    return ({"metrics": 0, "params": 1, "tags": 2}[group], key)
