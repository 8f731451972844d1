"""Logged models on SQLAlchemy (SQLite and PostgreSQL), sharing the tracking database.

MLflow 3's semantics: deleting a model marks it deleted (``get`` finds it only when asked
for deleted models, search never); tags, params and status can still change afterwards,
as in MLflow. A model's metrics are the points its runs logged with its ``model_id``
(``logged_model_metrics``, written by the tracking store's ``log_batch``).
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, delete, insert, or_, select, update

from ..domain.clock import now_ms
from ..domain.limits import LOGGED_MODEL_RESULTS_DEFAULT
from ..entities import ACTIVE, DELETED, LoggedModel, LoggedModelMetric, ModelOutput, Page
from ..errors import TrackerError, invalid, logged_model_not_found, not_found, preview
from ..search import Comparison, LoggedModelOrderBy
from . import models as m
from .db import Database
from .paging import decode_page_token, encode_page_token
from .registry_base import LoggedModelStore
from .search_sql import numeric_condition, string_condition
from .sql import (
    OnDatabase,
    chunks,
    experiment_db_id,
    insert_ignoring_conflicts,
    run_state,
    select_in,
)

# MLflow's integer codes of the statuses (its column), which it orders by.
_STATUS_ORDER = {"PENDING": 1, "READY": 2, "FAILED": 3}

_MODELS = m.logged_models
_MODEL_METRICS = m.logged_model_metrics
_ATTRIBUTE_COLUMNS = {
    "name": _MODELS.c.name,
    "model_id": _MODELS.c.model_id,
    "model_type": _MODELS.c.model_type,
    "status": _MODELS.c.status,
    "source_run_id": _MODELS.c.source_run_id,
    "experiment_id": _MODELS.c.experiment_id,
    "creation_timestamp": _MODELS.c.creation_timestamp,
    "last_updated_timestamp": _MODELS.c.last_updated_timestamp,
}
_NUMERIC_ATTRIBUTES = ("creation_timestamp", "last_updated_timestamp")


def new_model_id() -> str:
    return f"m-{uuid.uuid4().hex}"


class SqlLoggedModelStore(OnDatabase, LoggedModelStore):
    def __init__(self, db: Database):
        self.db = db

    def create_logged_model(
        self,
        experiment_id: str,
        name: str,
        source_run_id: str | None = None,
        model_type: str = "",
        tags: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        *,
        as_run_output: bool = True,
    ) -> LoggedModel:
        model_id, now = new_model_id(), now_ms()
        with self.db.session(write=True) as conn:
            experiment = conn.execute(
                select(m.experiments.c.artifact_location, m.experiments.c.lifecycle_stage).where(
                    m.experiments.c.experiment_id == experiment_db_id(experiment_id)
                )
            ).first()
            if experiment is None:
                raise not_found(f"No experiment with id '{experiment_id}'")
            if experiment.lifecycle_stage != ACTIVE:
                raise invalid(
                    f"The experiment {experiment_id} must be in the 'active' state. "
                    f"Current state is {experiment.lifecycle_stage}."
                )
            if source_run_id is not None:
                run_state(conn, source_run_id)
            location = experiment.artifact_location.rstrip("/")
            conn.execute(
                insert(_MODELS).values(
                    model_id=model_id,
                    experiment_id=experiment_db_id(experiment_id),
                    name=name,
                    source_run_id=source_run_id,
                    status="PENDING",
                    model_type=model_type or "",
                    artifact_uri=f"{location}/models/{model_id}/artifacts",
                    creation_timestamp=now,
                    last_updated_timestamp=now,
                    lifecycle_stage=ACTIVE,
                )
            )
            _insert_pairs(conn, m.logged_model_tags, model_id, tags)
            _insert_pairs(conn, m.logged_model_params, model_id, params)
            if source_run_id is not None and as_run_output:
                conn.execute(
                    insert(m.run_model_outputs).values(
                        run_id=source_run_id, model_id=model_id, step=0
                    )
                )
            return _load_models(conn, [_model_row(conn, model_id)])[0]

    def log_logged_model_params(self, model_id: str, params: dict[str, str]) -> None:
        table = m.logged_model_params
        with self.db.session(write=True) as conn:
            _model_row(conn, model_id, allow_deleted=True)
            stored = dict(
                conn.execute(
                    select(table.c.key, table.c.value).where(
                        table.c.model_id == model_id, table.c.key.in_(list(params))
                    )
                ).all()
            )
            for key, old_value in stored.items():
                if params[key] != old_value:
                    raise invalid(
                        f"Changing param values is not allowed. Param with key='{key}' was "
                        f"already logged with value='{old_value}' for logged model "
                        f"ID='{model_id}'. Attempted logging new param with "
                        f"value='{params[key]}'."
                    )
            new = {key: value for key, value in params.items() if key not in stored}
            _insert_pairs(conn, table, model_id, new)

    def get_logged_model(self, model_id: str, allow_deleted: bool = False) -> LoggedModel:
        with self.db.session() as conn:
            return _load_models(conn, [_model_row(conn, model_id, allow_deleted)])[0]

    def set_logged_model_status(self, model_id: str, status: str) -> LoggedModel:
        with self.db.session(write=True) as conn:
            _touch(conn, model_id, status=status)
            return _load_models(conn, [_model_row(conn, model_id, allow_deleted=True)])[0]

    def set_logged_model_tags(self, model_id: str, tags: dict[str, str]) -> None:
        table = m.logged_model_tags
        with self.db.session(write=True) as conn:
            _model_row(conn, model_id, allow_deleted=True)
            conn.execute(
                delete(table).where(table.c.model_id == model_id, table.c.key.in_(list(tags)))
            )
            _insert_pairs(conn, table, model_id, tags)

    def delete_logged_model_tag(self, model_id: str, key: str) -> None:
        table = m.logged_model_tags
        with self.db.session(write=True) as conn:
            _model_row(conn, model_id, allow_deleted=True)
            deleted = conn.execute(
                delete(table).where(table.c.model_id == model_id, table.c.key == key)
            ).rowcount
        if not deleted:
            raise not_found(
                f"No tag with key {preview(key)} found for model with ID {preview(model_id)}."
            )

    def delete_logged_model(self, model_id: str) -> None:
        with self.db.session(write=True) as conn:
            _touch(conn, model_id, lifecycle_stage=DELETED)

    def search_logged_models(
        self,
        experiment_ids: list[str] | None = None,
        comparisons: Sequence[Comparison] = (),
        datasets: Sequence[tuple[str, str | None]] = (),
        order_by: Sequence[LoggedModelOrderBy] = (),
        max_results: int = LOGGED_MODEL_RESULTS_DEFAULT,
        page_token: str | None = None,
    ) -> Page[LoggedModel]:
        fingerprint = _search_fingerprint(experiment_ids, comparisons, datasets, order_by)
        offset = _decode_search_token(page_token, fingerprint)
        query = select(_MODELS).where(_MODELS.c.lifecycle_stage == ACTIVE)
        if experiment_ids is not None:
            ids = [experiment_db_id(e) for e in experiment_ids]
            query = query.where(_MODELS.c.experiment_id.in_(ids))
        on_datasets = _on_datasets(datasets)
        for comparison in comparisons:
            query = query.where(_condition(comparison, on_datasets, self.db.dialect))
        if on_datasets is not None and not any(c.kind == "metric" for c in comparisons):
            # As MLflow: dataset filters alone keep the models with a metric on one of them.
            query = query.where(_metrics_exist(on_datasets))
        query = query.order_by(*_order_clauses(order_by))
        with self.db.session() as conn:
            rows = conn.execute(query.offset(offset).limit(max_results + 1)).all()
            models = _load_models(conn, rows[:max_results])
        token = None
        if len(rows) > max_results:
            token = _encode_search_token(offset + max_results, fingerprint)
        return Page(models, token)

    def log_run_outputs(self, run_id: str, outputs: list[ModelOutput]) -> None:
        with self.db.session(write=True) as conn:
            _active_run(conn, run_id)
            check_models_exist(conn, [output.model_id for output in outputs])
            rows = [{"run_id": run_id, "model_id": o.model_id, "step": o.step} for o in outputs]
            if rows:
                conn.execute(insert_ignoring_conflicts(self.db.dialect, m.run_model_outputs), rows)

    def log_run_model_inputs(self, run_id: str, model_ids: list[str]) -> None:
        with self.db.session(write=True) as conn:
            _active_run(conn, run_id)
            check_models_exist(conn, model_ids)
            rows = [{"run_id": run_id, "model_id": i} for i in dict.fromkeys(model_ids)]
            if rows:
                conn.execute(insert_ignoring_conflicts(self.db.dialect, m.run_model_inputs), rows)


# -- rows and entities -----------------------------------------------------------------


def _model_row(conn: Connection, model_id: str, allow_deleted: bool = False):
    row = conn.execute(select(_MODELS).where(_MODELS.c.model_id == model_id)).first()
    if row is None or (row.lifecycle_stage != ACTIVE and not allow_deleted):
        raise logged_model_not_found(model_id)
    return row


def _touch(conn: Connection, model_id: str, **values) -> None:
    changed = conn.execute(
        update(_MODELS)
        .where(_MODELS.c.model_id == model_id)
        .values(last_updated_timestamp=now_ms(), **values)
    ).rowcount
    if not changed:
        raise logged_model_not_found(model_id)


def _active_run(conn: Connection, run_id: str) -> None:
    if run_state(conn, run_id).lifecycle_stage != ACTIVE:
        raise invalid(
            f"The run {run_id} must be in the 'active' state to be modified; "
            "it is 'deleted' (restore it first)"
        )


def check_models_exist(conn: Connection, model_ids: list[str]) -> None:
    """RESOURCE_DOES_NOT_EXIST for the first id that names no logged model (deleted ones
    exist)."""
    wanted = list(dict.fromkeys(model_ids))
    query = select(_MODELS.c.model_id)
    found: set[str] = {row.model_id for row in select_in(conn, query, _MODELS.c.model_id, wanted)}
    for model_id in wanted:
        if model_id not in found:
            raise logged_model_not_found(model_id)


def _insert_pairs(conn: Connection, table, model_id: str, pairs: dict[str, str] | None) -> None:
    if pairs:
        conn.execute(
            insert(table), [{"model_id": model_id, "key": k, "value": v} for k, v in pairs.items()]
        )


def _load_models(conn: Connection, rows) -> list[LoggedModel]:
    """Entities of ``rows`` (of ``logged_models``) with their tags, params and metrics: one
    query per related table and chunk of models, not per model."""
    ids = [row.model_id for row in rows]
    tags: dict[str, dict[str, str]] = defaultdict(dict)
    params: dict[str, dict[str, str]] = defaultdict(dict)
    metrics: dict[str, list[LoggedModelMetric]] = defaultdict(list)
    metric = _MODEL_METRICS.c
    for chunk in chunks(ids):
        for pairs, table in ((tags, m.logged_model_tags), (params, m.logged_model_params)):
            for model_id, key, value in conn.execute(
                select(table.c.model_id, table.c.key, table.c.value).where(
                    table.c.model_id.in_(chunk)
                )
            ):
                pairs[model_id][key] = value
        points = conn.execute(
            select(*(metric[name] for name in m.LOGGED_MODEL_METRIC_COLUMNS))
            .where(metric.model_id.in_(chunk))
            .order_by(metric.id)
        )
        for model_id, run_id, key, value, timestamp, step, is_nan, name, digest in points:
            metrics[model_id].append(
                LoggedModelMetric(
                    key,
                    math.nan if is_nan else value,
                    timestamp,
                    step,
                    run_id,
                    model_id,
                    name,
                    digest,
                )
            )
    return [
        LoggedModel(
            model_id=row.model_id,
            experiment_id=str(row.experiment_id),
            name=row.name,
            artifact_uri=row.artifact_uri,
            status=row.status,
            source_run_id=row.source_run_id,
            model_type=row.model_type,
            creation_timestamp=row.creation_timestamp,
            last_updated_timestamp=row.last_updated_timestamp,
            tags=tags.get(row.model_id, {}),
            params=params.get(row.model_id, {}),
            metrics=metrics.get(row.model_id, []),
            lifecycle_stage=row.lifecycle_stage,
        )
        for row in rows
    ]


# -- search ----------------------------------------------------------------------------


def _on_datasets(datasets: Sequence[tuple[str, str | None]]):
    """The condition "a metric row is on one of ``datasets``" ((name, digest or None)
    pairs), or None when the search names no datasets."""
    if not datasets:
        return None
    metric = _MODEL_METRICS.c
    return or_(
        *(
            metric.dataset_name == name
            if digest is None
            else and_(metric.dataset_name == name, metric.dataset_digest == digest)
            for name, digest in datasets
        )
    )


def _metrics_exist(*conditions):
    metric = _MODEL_METRICS.c
    return (
        select(metric.id)
        .where(metric.model_id == _MODELS.c.model_id, *(c for c in conditions if c is not None))
        .exists()
    )


def _keyed_exists(table, comparison: Comparison, dialect: str):
    return (
        select(table.c.key)
        .where(
            table.c.model_id == _MODELS.c.model_id,
            table.c.key == comparison.key,
            string_condition(table.c.value, comparison, dialect),
        )
        .exists()
    )


def _condition(comparison: Comparison, on_datasets, dialect: str):
    """One filter clause, as MLflow's SQL store means it: a metric clause matches a model
    with *any* point of that key (on the searched datasets, if any) whose value matches;
    a NaN point (NULL here) matches no comparison."""
    kind = comparison.kind
    if kind == "metric":
        metric = _MODEL_METRICS.c
        return _metrics_exist(
            metric.key == comparison.key, numeric_condition(metric.value, comparison), on_datasets
        )
    if kind == "param":
        return _keyed_exists(m.logged_model_params, comparison, dialect)
    if kind == "tag":
        return _keyed_exists(m.logged_model_tags, comparison, dialect)
    column = _ATTRIBUTE_COLUMNS[comparison.key]
    if comparison.key in _NUMERIC_ATTRIBUTES:
        return numeric_condition(column, comparison)
    if comparison.key == "experiment_id":
        return _experiment_id_condition(comparison)
    return string_condition(column, comparison, dialect)


def _experiment_id_condition(comparison: Comparison):
    values = comparison.value if isinstance(comparison.value, tuple) else (comparison.value,)
    ids = []
    for value in values:
        if not isinstance(value, str | int):  # a fraction or null: no experiment's id
            continue
        try:
            ids.append(experiment_db_id(value))
        except TrackerError:  # an id no experiment can have: it matches nothing
            continue
    column = _MODELS.c.experiment_id
    if comparison.op in ("=", "IN"):
        return column.in_(ids)
    return column.not_in(ids)


def _order_clauses(order_by: Sequence[LoggedModelOrderBy]) -> list:
    """ORDER BY as MLflow's store: each key with NULLs last, then creation_timestamp DESC
    and model_id unless ordered by already. A metric orders by its latest point (by
    timestamp, then step, then run id) on the item's dataset, if it names one."""
    clauses: list[ColumnElement[Any]] = []
    for order in order_by:
        column: ColumnElement[Any]
        if order.kind == "metric":
            metric = _MODEL_METRICS.c
            where = [metric.model_id == _MODELS.c.model_id, metric.key == order.key]
            if order.dataset_name:
                where.append(metric.dataset_name == order.dataset_name)
            if order.dataset_digest:
                where.append(metric.dataset_digest == order.dataset_digest)
            column = (
                select(metric.value)
                .where(*where)
                .order_by(metric.timestamp.desc(), metric.step.desc(), metric.run_id)
                .limit(1)
                .scalar_subquery()
            )
        elif order.key == "status":
            column = case(_STATUS_ORDER, value=_MODELS.c.status)
        else:
            column = _ATTRIBUTE_COLUMNS[order.key]
        clauses.append((column.asc() if order.ascending else column.desc()).nulls_last())
    keys = {order.key for order in order_by if order.kind == "attribute"}
    if "creation_timestamp" not in keys:
        clauses.append(_MODELS.c.creation_timestamp.desc())
    if "model_id" not in keys:
        clauses.append(_MODELS.c.model_id)
    return clauses


def _search_fingerprint(*arguments) -> str:
    """What a page token is bound to: a token from one search does not page another."""
    return hashlib.sha256(repr(arguments).encode()).hexdigest()[:16]


def _encode_search_token(offset: int, fingerprint: str) -> str:
    return f"{encode_page_token(offset)}.{fingerprint}"


def _decode_search_token(token: str | None, fingerprint: str) -> int:
    if not token:
        return 0
    if not isinstance(token, str) or token.count(".") != 1:
        return decode_page_token(token)  # not one of ours: its refusal
    offset_token, _, bound_to = token.partition(".")
    offset = decode_page_token(offset_token)
    if bound_to != fingerprint:
        raise invalid(
            "The page token belongs to another search: pass the same experiment_ids, "
            "filter, datasets and order_by as the search that returned it"
        )
    return offset
