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
    """Run ids for references: run ids, or run names (or unique name prefixes) in any
    experiment. A name found once in the current experiment means that run; else it must
    name one run across all experiments, or be written ``EXPERIMENT/NAME``."""
    return [_resolve_run(reference) for reference in references]


def _resolve_run(reference: str) -> str:
    try:
        return jt.get_run(reference).info.run_id
    except TrackerError:
        pass
    here = _runs_named(reference, search_all=False)
    if len(here) == 1:
        return here[0].info.run_id
    everywhere = _runs_named(reference, search_all=True)
    if len(everywhere) == 1:
        return everywhere[0].info.run_id
    experiment_name, _, run_name = reference.rpartition("/")
    if not everywhere and experiment_name and run_name:
        experiment = jt.get_experiment_by_name(experiment_name)
        if experiment is not None:
            inside = _runs_named(run_name, experiment_ids=[experiment.experiment_id])
            if len(inside) == 1:
                return inside[0].info.run_id
            everywhere = inside
    if not everywhere:
        raise invalid(f"No run is named '{reference}' (or starts so) in any experiment")
    raise invalid(_ambiguity(reference, everywhere))


def _runs_named(
    name: str, search_all: bool = False, experiment_ids: list[str] | None = None
) -> list:
    """Runs named ``name``; if none is, the runs whose names start with it."""
    quote = '"' if "'" in name else "'"
    candidates = jt.search_runs(
        experiment_ids=experiment_ids,
        filter_string=f"attributes.run_name LIKE {quote}{name}%{quote}",
        output_format="list",
        search_all_experiments=search_all,
    )
    # LIKE treats % and _ as wildcards: keep the true prefix matches only.
    prefixed = [r for r in candidates if r.info.run_name.startswith(name)]
    exact = [r for r in prefixed if r.info.run_name == name]
    return exact or prefixed


MAX_LISTED = 10


def _ambiguity(reference: str, runs: list) -> str:
    names = {}
    for run in runs:
        experiment_id = run.info.experiment_id
        if experiment_id not in names:
            names[experiment_id] = jt.get_experiment(experiment_id).name
    listed = "; ".join(
        f"'{r.info.run_name}' in experiment '{names[r.info.experiment_id]}' (id {r.info.run_id})"
        for r in runs[:MAX_LISTED]
    )
    more = f" and {len(runs) - MAX_LISTED} more" if len(runs) > MAX_LISTED else ""
    first = runs[0]
    example = f"{names[first.info.experiment_id]}/{first.info.run_name}"
    return (
        f"'{reference}' names {len(runs)} runs: {listed}{more}. "
        f"Pass a run id, or EXPERIMENT/NAME (e.g. {example})"
    )
