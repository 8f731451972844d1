"""Tracker data for the views, read through the fluent client API only."""

from __future__ import annotations

import pandas as pd

import jupyterlab_tracker as jt
from jupyterlab_tracker.client.frames import RUN_NAME_COLUMN, runs_to_dataframe
from jupyterlab_tracker.errors import TrackerError, invalid

HISTORY_COLUMNS = ["run_id", "run_name", "key", "step", "timestamp", "value"]


def runs_frame(run_ids: list[str]) -> pd.DataFrame:
    """These runs as a ``search_runs``-style DataFrame, in the order given."""
    return runs_to_dataframe([jt.get_run(run_id) for run_id in run_ids])


def metric_histories(
    runs: pd.DataFrame, metrics: list[str], max_points: int = 1000
) -> pd.DataFrame:
    """The histories of ``metrics`` for every run in a runs frame, at most ``max_points``
    points per line: the store's downsampling (``jt.sample_metric_history``), which keeps
    each line's first and newest points and its spikes."""
    names = runs.get(RUN_NAME_COLUMN, pd.Series([""] * len(runs), index=runs.index))
    rows = []
    for run_id, run_name in zip(runs["run_id"], names, strict=True):
        for key in metrics:
            points = jt.sample_metric_history(run_id, key, max_points)
            rows += [(run_id, run_name, key, p.step, p.timestamp, p.value) for p in points]
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def metric_keys(runs: pd.DataFrame) -> list[str]:
    return sorted(c.removeprefix("metrics.") for c in runs.columns if c.startswith("metrics."))


def param_keys(runs: pd.DataFrame) -> list[str]:
    return sorted(c.removeprefix("params.") for c in runs.columns if c.startswith("params."))


def resolve_runs(references: list[str]) -> list[str]:
    """Run ids for references that are run ids or unique run-name prefixes (looked up
    in the current experiment)."""
    run_ids = []
    for reference in references:
        try:
            run_ids.append(jt.get_run(reference).info.run_id)
            continue
        except TrackerError:
            pass
        quote = '"' if "'" in reference else "'"
        candidates = jt.search_runs(
            filter_string=f"attributes.run_name LIKE {quote}{reference}%{quote}",
            output_format="list",
        )
        # LIKE treats % and _ as wildcards: keep the true prefix matches only.
        matches = [r for r in candidates if r.info.run_name.startswith(reference)]
        if len(matches) != 1:
            found = "no run" if not matches else f"{len(matches)} runs"
            raise invalid(f"{found} in the current experiment named '{reference}...'")
        run_ids.append(matches[0].info.run_id)
    return run_ids
