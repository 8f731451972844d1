"""Datasets: the inputs runs log (a dataset once per experiment, with the context tags
of each use), and the summaries of an experiment's datasets."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select

from ...entities import Dataset, DatasetInput, DatasetSummary
from .. import models as m
from .. import search_sql
from ..sql import experiment_db_id
from .rows import StoreRows


class DatasetsMixin(StoreRows):
    def log_inputs(self, run_id: str, datasets: list[DatasetInput]) -> None:
        with self.db.session(write=True) as conn:
            run = self._active_run_row(conn, run_id)
            for dataset_input in datasets:
                dataset_id = self._dataset_id(conn, run.experiment_id, dataset_input.dataset)
                input_id = conn.execute(
                    select(m.inputs.c.input_id).where(
                        m.inputs.c.dataset_id == dataset_id, m.inputs.c.run_id == run_id
                    )
                ).scalar()
                if input_id is None:
                    input_id = conn.execute(
                        insert(m.inputs)
                        .values(dataset_id=dataset_id, run_id=run_id)
                        .returning(m.inputs.c.input_id)
                    ).scalar_one()
                if dataset_input.tags:
                    conn.execute(
                        self.sql.upsert(m.input_tags, ["input_id", "key"], ["value"]),
                        [
                            {"input_id": input_id, "key": k, "value": v}
                            for k, v in dataset_input.tags.items()
                        ],
                    )

    def _dataset_id(self, conn: Connection, experiment_id: int, dataset: Dataset) -> int:
        """The id of this (name, digest) in the experiment, creating the dataset if new."""
        existing = conn.execute(
            select(m.datasets.c.dataset_id).where(
                m.datasets.c.experiment_id == experiment_id,
                m.datasets.c.name == dataset.name,
                m.datasets.c.digest == dataset.digest,
            )
        ).scalar()
        if existing is not None:
            return existing
        return conn.execute(
            insert(m.datasets)
            .values(
                experiment_id=experiment_id,
                name=dataset.name,
                digest=dataset.digest,
                source_type=dataset.source_type,
                source=dataset.source,
                schema=dataset.schema,
                profile=dataset.profile,
            )
            .returning(m.datasets.c.dataset_id)
        ).scalar_one()

    def dataset_summaries(self, experiment_ids: list[str], limit: int) -> list[DatasetSummary]:
        datasets, inputs, input_tags = m.datasets.c, m.inputs.c, m.input_tags.c
        context = input_tags.value.label("context")
        query = (
            select(datasets.experiment_id, datasets.name, datasets.digest, context)
            .select_from(m.datasets)
            .join(m.inputs, inputs.dataset_id == datasets.dataset_id)
            .outerjoin(
                m.input_tags,
                (input_tags.input_id == inputs.input_id)
                & (input_tags.key == search_sql.DATASET_CONTEXT_TAG),
            )
            .where(datasets.experiment_id.in_([experiment_db_id(e) for e in experiment_ids]))
            .distinct()
            .order_by(datasets.experiment_id, datasets.name, datasets.digest, context)
            .limit(limit)
        )
        with self.db.session() as conn:
            return [
                DatasetSummary(str(row.experiment_id), row.name, row.digest, row.context)
                for row in conn.execute(query)
            ]
