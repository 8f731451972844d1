"""What every concern of the tracking store shares: its state, the lookups of an
experiment's or a run's row, and turning rows into entities (a page of runs with their
data in a fixed number of queries, never N+1)."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.sql import Select

from ...entities import (
    ACTIVE,
    Dataset,
    DatasetInput,
    Experiment,
    Metric,
    ModelOutput,
    Run,
    RunData,
    RunInfo,
)
from ...errors import invalid, not_found
from ...gc_pause import gc_paused
from .. import models as m
from ..sql import (
    RUN_STATE_QUERY,
    OnDatabase,
    Statements,
    chunks,
    experiment_db_id,
    run_id_in_list,
    run_id_list,
    run_state,
)

_EXPERIMENT_QUERY = select(m.experiments).where(
    m.experiments.c.experiment_id == bindparam("experiment_id")
)
# The runs columns a RunInfo is made of, in RunInfo's field order (see run_info_from_row).
RUN_INFO_COLUMNS = (
    m.runs.c.run_id,
    m.runs.c.experiment_id,
    m.runs.c.name,
    m.runs.c.user_id,
    m.runs.c.status,
    m.runs.c.start_time,
    m.runs.c.end_time,
    m.runs.c.lifecycle_stage,
    m.runs.c.artifact_uri,
)
_RUN_QUERY = select(*RUN_INFO_COLUMNS).where(m.runs.c.run_id == bindparam("run_id"))


class RunDataQueries(NamedTuple):
    """The data of a list of runs (see _runs_from_rows), built once per store."""

    params: Select
    tags: Select
    latest_metrics: Select
    inputs: Select  # with their datasets, in logging order
    outputs: Select  # the logged models the runs produced


def run_data_queries(dialect: str) -> RunDataQueries:
    params, tags, latest = m.params.c, m.tags.c, m.latest_metrics.c
    outputs = m.run_model_outputs.c
    return RunDataQueries(
        params=select(params.run_id, params.key, params.value).where(
            run_id_in_list(params.run_id, dialect)
        ),
        tags=select(tags.run_id, tags.key, tags.value).where(run_id_in_list(tags.run_id, dialect)),
        latest_metrics=select(
            latest.run_id, latest.key, latest.value, latest.timestamp, latest.step, latest.is_nan
        ).where(run_id_in_list(latest.run_id, dialect)),
        inputs=select(m.inputs.c.input_id, m.inputs.c.run_id, m.datasets)
        .join(m.datasets, m.datasets.c.dataset_id == m.inputs.c.dataset_id)
        .where(run_id_in_list(m.inputs.c.run_id, dialect))
        .order_by(m.inputs.c.input_id),
        outputs=select(outputs.run_id, outputs.model_id, outputs.step).where(
            run_id_in_list(outputs.run_id, dialect)
        ),
    )


def run_info_from_row(row) -> RunInfo:
    """A RunInfo from a row of ``RUN_INFO_COLUMNS`` (unpacked: faster than by name)."""
    run_id, experiment_id, name, user_id, status, start, end, stage, artifact_uri = row
    return RunInfo(
        run_id, str(experiment_id), name, user_id, status, start, end, stage, artifact_uri
    )


class StoreRows(OnDatabase):
    """The state the concerns' mixins share, and the row lookups they all make."""

    sql: Statements
    artifact_root: str
    run_data: RunDataQueries

    def _experiment_row(self, conn: Connection, experiment_id: str | int):
        row = conn.execute(
            _EXPERIMENT_QUERY, {"experiment_id": experiment_db_id(experiment_id)}
        ).first()
        if row is None:
            raise not_found(f"No Experiment with id={experiment_id} exists")
        return row

    def _active_experiment_row(self, conn: Connection, experiment_id: str | int):
        row = self._experiment_row(conn, experiment_id)
        if row.lifecycle_stage != ACTIVE:  # MLflow's words
            raise invalid(
                f"The experiment {row.experiment_id} must be in the 'active' state. "
                f"Current state is {row.lifecycle_stage}."
            )
        return row

    def _experiments_from_rows(self, conn: Connection, rows) -> list[Experiment]:
        ids = [row.experiment_id for row in rows]
        tags_by_id: dict[int, dict[str, str]] = defaultdict(dict)
        for chunk in chunks(ids):
            tag_rows = conn.execute(
                select(m.experiment_tags).where(m.experiment_tags.c.experiment_id.in_(chunk))
            )
            for tag in tag_rows:
                tags_by_id[tag.experiment_id][tag.key] = tag.value
        return [
            Experiment(
                experiment_id=str(row.experiment_id),
                name=row.name,
                artifact_location=row.artifact_location,
                lifecycle_stage=row.lifecycle_stage,
                creation_time=row.creation_time,
                last_update_time=row.last_update_time,
                tags=tags_by_id.get(row.experiment_id, {}),
            )
            for row in rows
        ]

    def _run_row(self, conn: Connection, run_id: str):
        """The run's ``RUN_INFO_COLUMNS``; RESOURCE_DOES_NOT_EXIST if there is no such run."""
        row = conn.execute(_RUN_QUERY, {"run_id": run_id}).first()
        if row is None:
            raise not_found(f"Run with id={run_id} not found")
        return row

    def _active_run_row(self, conn: Connection, run_id: str, query=RUN_STATE_QUERY):
        row = run_state(conn, run_id, query)
        if row.lifecycle_stage != ACTIVE:
            raise invalid(  # MLflow's words
                f"The run {run_id} must be in the 'active' state. "
                f"Current state is {row.lifecycle_stage}."
            )
        return row

    @gc_paused()  # a page of 1000 runs is ~25k objects
    def _runs_from_rows(self, conn: Connection, rows) -> list[Run]:
        """Runs from rows of ``RUN_INFO_COLUMNS``, with their data: one query per related
        table for all the runs, no N+1."""
        run_ids = [row[0] for row in rows]
        params: dict[str, dict[str, str]] = defaultdict(dict)
        tags: dict[str, dict[str, str]] = defaultdict(dict)
        metrics: dict[str, dict[str, Metric]] = defaultdict(dict)
        inputs: dict[str, list[DatasetInput]] = defaultdict(list)
        # Prebuilt statements run by the driver, rows unpacked as plain tuples: per-row
        # processing costs more than the queries (a 1000-run page is ~10k rows).
        ids = {"run_ids": run_id_list(run_ids, self.db.dialect)}
        queries, driver_rows = self.run_data, self.sql.driver_rows
        for run_id, key, value in driver_rows(conn, queries.params, ids):
            params[run_id][key] = value
        for run_id, key, value in driver_rows(conn, queries.tags, ids):
            tags[run_id][key] = value
        nan = math.nan
        for run_id, key, value, timestamp, step, is_nan in driver_rows(
            conn, queries.latest_metrics, ids
        ):
            metrics[run_id][key] = Metric(key, nan if is_nan else value, timestamp, step)
        for run_id, dataset_input in self._dataset_inputs(conn, ids):
            inputs[run_id].append(dataset_input)
        outputs: dict[str, list[ModelOutput]] = defaultdict(list)
        for run_id, model_id, step in driver_rows(conn, queries.outputs, ids):
            outputs[run_id].append(ModelOutput(model_id, step))
        return [
            Run(
                run_info_from_row(row),
                RunData(metrics.get(run_id, {}), params.get(run_id, {}), tags.get(run_id, {})),
                inputs.get(run_id, []),
                outputs.get(run_id, []),
            )
            for run_id, row in zip(run_ids, rows, strict=True)
        ]

    def _dataset_inputs(self, conn: Connection, ids: dict):
        """(run id, DatasetInput) of the runs in ``ids`` (a ``run_ids`` parameter)."""
        rows = conn.execute(self.run_data.inputs, ids).all()
        if not rows:
            return []
        input_tags: dict[int, dict[str, str]] = defaultdict(dict)
        tag_rows = conn.execute(
            select(m.input_tags).where(m.input_tags.c.input_id.in_([r.input_id for r in rows]))
        )
        for tag in tag_rows:
            input_tags[tag.input_id][tag.key] = tag.value
        return [
            (
                r.run_id,
                DatasetInput(
                    dataset=Dataset(
                        name=r.name,
                        digest=r.digest,
                        source_type=r.source_type,
                        source=r.source,
                        schema=r.schema,
                        profile=r.profile,
                    ),
                    tags=input_tags.get(r.input_id, {}),
                ),
            )
            for r in rows
        ]
