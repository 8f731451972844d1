"""The model registry on SQLAlchemy (SQLite and PostgreSQL), sharing the tracking database.

Registered models have a surrogate integer id, so a rename is one UPDATE and versions,
tags and aliases follow by foreign key. Version numbers come from the model's
``last_version`` counter, incremented by the UPDATE that starts the write transaction
inserting the version: SQLite's ``BEGIN IMMEDIATE`` (see ``db.py``) and PostgreSQL's row
lock on the updated model serialise writers of one model (also several servers sharing
one PostgreSQL), and the (model, version) unique constraint guards the rest. A deleted
version's number is never given again, as in MLflow.

Which writes move a registered model's or a version's ``last_updated_timestamp`` is
MLflow's choice (its ``SqlAlchemyStore``): creating, deleting or moving a version (stage)
and renaming or describing the model move the model's; describing, moving (also when
archived by another's move) and renaming move a version's; tags and aliases move neither.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from .. import search as search_syntax
from ..domain.clock import now_ms
from ..domain.limits import REGISTERED_MODEL_RESULTS_DEFAULT, SEARCH_RESULTS_DEFAULT
from ..domain.tags import PROMPT_TAG
from ..entities import (
    MODEL_VERSION_STAGES,
    STAGE_ARCHIVED,
    STAGE_NONE,
    ModelVersion,
    Page,
    RegisteredModel,
)
from ..errors import already_exists, invalid, not_found, preview
from ..search import Comparison, OrderBy
from . import models as m
from .db import Database
from .paging import decode_page_token, next_page_token
from .registry_base import RegistryStore
from .search_sql import numeric_condition, string_condition
from .sql import OnDatabase, integer_value, select_in

rm, mv = m.registered_models, m.model_versions
_VERSION_QUERY = select(mv, rm.c.name).join(rm, rm.c.id == mv.c.registered_model_id)

_MODEL_COLUMNS = {
    "name": rm.c.name,
    "creation_timestamp": rm.c.creation_timestamp,
    "last_updated_timestamp": rm.c.last_updated_timestamp,
}
_VERSION_COLUMNS = {
    "name": rm.c.name,
    "version": mv.c.version,
    "run_id": mv.c.run_id,
    "model_id": mv.c.model_id,
    "source": mv.c.source,
    "current_stage": mv.c.current_stage,
    "creation_timestamp": mv.c.creation_timestamp,
    "last_updated_timestamp": mv.c.last_updated_timestamp,
}
_NUMERIC_KEYS = ("version", "creation_timestamp", "last_updated_timestamp")
# MLflow's default order of a model version search.
DEFAULT_MODEL_VERSION_ORDER = ("last_updated_timestamp DESC", "name ASC", "version_number DESC")


def version_number(version: str | int) -> int:
    """A version number: 1, 2, ... (the column is a 32-bit INTEGER on PostgreSQL)."""
    number = integer_value(version)
    if number is None or not 1 <= number < m.INTEGER_LIMIT:
        raise invalid(
            f"Model versions are integers from 1 to {m.INTEGER_LIMIT - 1}, got {preview(version)}"
        )
    return number


class SqlRegistryStore(OnDatabase, RegistryStore):
    def __init__(self, db: Database):
        self.db = db

    # -- registered models -------------------------------------------------------------
    def create_registered_model(
        self, name: str, description: str = "", tags: dict[str, str] | None = None
    ) -> RegisteredModel:
        now = now_ms()
        try:
            with self.db.session(write=True) as conn:
                model_id = conn.execute(
                    insert(rm)
                    .values(
                        name=name,
                        description=description or "",
                        creation_timestamp=now,
                        last_updated_timestamp=now,
                    )
                    .returning(rm.c.id)
                ).scalar_one()
                self._insert_tags(conn, m.registered_model_tags, model_id, tags)
                return self._registered_models(conn, [self._model_row(conn, name)])[0]
        except IntegrityError:
            raise already_exists(f"Registered model '{name}' already exists") from None

    def get_registered_model(self, name: str) -> RegisteredModel:
        with self.db.session() as conn:
            return self._registered_models(conn, [self._model_row(conn, name)])[0]

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        try:
            with self.db.session(write=True) as conn:
                row = self._model_row(conn, name)
                now = now_ms()
                conn.execute(
                    update(rm)
                    .where(rm.c.id == row.id)
                    .values(name=new_name, last_updated_timestamp=now)
                )
                # MLflow's versions carry the model's name, so a rename touches them all.
                conn.execute(
                    update(mv)
                    .where(mv.c.registered_model_id == row.id)
                    .values(last_updated_timestamp=now)
                )
                return self._registered_models(conn, [self._model_row(conn, new_name)])[0]
        except IntegrityError:
            raise already_exists(f"Registered model '{new_name}' already exists") from None

    def update_registered_model(self, name: str, description: str) -> RegisteredModel:
        with self.db.session(write=True) as conn:
            row = self._model_row(conn, name)
            conn.execute(
                update(rm)
                .where(rm.c.id == row.id)
                .values(description=description or "", last_updated_timestamp=now_ms())
            )
            return self._registered_models(conn, [self._model_row(conn, name)])[0]

    def delete_registered_model(self, name: str) -> None:
        with self.db.session(write=True) as conn:
            conn.execute(delete(rm).where(rm.c.id == self._model_row(conn, name).id))

    def set_registered_model_tag(self, name: str, key: str, value: str) -> None:
        with self.db.session(write=True) as conn:
            model_id = self._model_row(conn, name).id
            self._replace_tag(conn, m.registered_model_tags, model_id, key, value)

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        with self.db.session(write=True) as conn:
            model_id = self._model_row(conn, name).id
            self._delete_tag(conn, m.registered_model_tags, model_id, key)

    def search_registered_models(
        self,
        filter_string: str = "",
        max_results: int = REGISTERED_MODEL_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[RegisteredModel]:
        """MLflow's order: the keys given, then ``name`` ASC unless given."""
        comparisons, no_prompts = _without_prompts(
            search_syntax.parse_registered_model_filter(filter_string)
        )
        orders = [search_syntax.parse_registered_model_order_by(o) for o in order_by or []]
        offset = decode_page_token(page_token)
        query = select(rm)
        for comparison in comparisons:
            query = query.where(self._condition(comparison, _MODEL_COLUMNS, "registered"))
        if no_prompts:
            query = query.where(
                ~_tagged_prompt(m.registered_model_tags.c.registered_model_id, rm.c.id).exists()
            )
        query = query.order_by(*_order(orders, _MODEL_COLUMNS, order_by, ("name", True)))
        with self.db.session() as conn:
            rows = conn.execute(query.offset(offset).limit(max_results + 1)).all()
            models = self._registered_models(conn, rows[:max_results])
        return Page(models, next_page_token(offset, max_results, len(rows)))

    # -- versions ----------------------------------------------------------------------
    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        model_id: str | None = None,
        description: str = "",
        tags: dict[str, str] | None = None,
        storage_location: str | None = None,
    ) -> ModelVersion:
        now = now_ms()
        with self.db.session(write=True) as conn:
            # Taking the number is the transaction's first write: it locks the model's row
            # (PostgreSQL) until commit, so concurrent creators of one model queue here.
            allocated = conn.execute(
                update(rm)
                .where(rm.c.name == name, rm.c.last_version < m.INTEGER_LIMIT - 1)
                .values(last_version=rm.c.last_version + 1, last_updated_timestamp=now)
                .returning(rm.c.id, rm.c.last_version)
            ).first()
            if allocated is None:
                self._model_row(conn, name)  # RESOURCE_DOES_NOT_EXIST if there is none
                raise invalid(f"Registered model '{name}' has used every version number")
            registered_model_id, number = allocated
            version_id = conn.execute(
                insert(mv)
                .values(
                    registered_model_id=registered_model_id,
                    version=number,
                    source=source,
                    storage_location=storage_location,
                    run_id=run_id,
                    model_id=model_id,
                    status="READY",
                    current_stage=STAGE_NONE,
                    description=description or "",
                    creation_timestamp=now,
                    last_updated_timestamp=now,
                )
                .returning(mv.c.id)
            ).scalar_one()
            self._insert_tags(conn, m.model_version_tags, version_id, tags)
            return self._versions(conn, [self._version_row(conn, name, number)])[0]

    def get_model_version(self, name: str, version: str) -> ModelVersion:
        with self.db.session() as conn:
            return self._versions(conn, [self._version_row(conn, name, version)])[0]

    def update_model_version(self, name: str, version: str, description: str) -> ModelVersion:
        return self._update_version(name, version, description=description or "")

    def delete_model_version(self, name: str, version: str) -> None:
        """Its tags and the aliases pointing at it go with it; its number stays used."""
        with self.db.session(write=True) as conn:
            row = self._version_row(conn, name, version)
            conn.execute(delete(mv).where(mv.c.id == row.id))
            self._touch_model(conn, row.registered_model_id, now_ms())

    def get_model_version_download_uri(self, name: str, version: str) -> str:
        with self.db.session() as conn:
            row = self._version_row(conn, name, version)
            return row.storage_location or row.source

    def transition_model_version_stage(
        self, name: str, version: str, stage: str, archive_existing_versions: bool = False
    ) -> ModelVersion:
        if stage not in MODEL_VERSION_STAGES:
            raise invalid(f"Unknown stage {stage!r}; use one of {MODEL_VERSION_STAGES}")
        with self.db.session(write=True) as conn:
            row = self._version_row(conn, name, version)
            now = now_ms()
            if archive_existing_versions and stage not in (STAGE_NONE, STAGE_ARCHIVED):
                conn.execute(
                    update(mv)
                    .where(
                        mv.c.registered_model_id == row.registered_model_id,
                        mv.c.current_stage == stage,
                        mv.c.id != row.id,
                    )
                    .values(current_stage=STAGE_ARCHIVED, last_updated_timestamp=now)
                )
            conn.execute(
                update(mv)
                .where(mv.c.id == row.id)
                .values(current_stage=stage, last_updated_timestamp=now)
            )
            self._touch_model(conn, row.registered_model_id, now)
            return self._versions(conn, [self._version_row(conn, name, version)])[0]

    def set_model_version_tag(self, name: str, version: str, key: str, value: str) -> None:
        with self.db.session(write=True) as conn:
            version_id = self._version_row(conn, name, version).id
            self._replace_tag(conn, m.model_version_tags, version_id, key, value)

    def delete_model_version_tag(self, name: str, version: str, key: str) -> None:
        with self.db.session(write=True) as conn:
            version_id = self._version_row(conn, name, version).id
            self._delete_tag(conn, m.model_version_tags, version_id, key)

    def search_model_versions(
        self,
        filter_string: str = "",
        max_results: int = SEARCH_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[ModelVersion]:
        """MLflow's order: the keys given (by default ``last_updated_timestamp`` DESC),
        then ``name`` ASC and ``version_number`` DESC unless given."""
        comparisons, no_prompts = _without_prompts(
            search_syntax.parse_model_version_filter(filter_string)
        )
        order_by = order_by or list(DEFAULT_MODEL_VERSION_ORDER)
        orders = [search_syntax.parse_model_version_order_by(o) for o in order_by]
        offset = decode_page_token(page_token)
        query = _VERSION_QUERY
        for comparison in comparisons:
            query = query.where(self._condition(comparison, _VERSION_COLUMNS, "version"))
        if no_prompts:
            # MLflow leaves out every version of a model with a version tagged as a prompt.
            siblings = mv.alias("prompt_versions")
            prompt = _tagged_prompt(m.model_version_tags.c.model_version_id, siblings.c.id).where(
                siblings.c.registered_model_id == mv.c.registered_model_id
            )
            query = query.where(~prompt.exists())
        ties = (("name", True), ("version", False))
        query = query.order_by(*_order(orders, _VERSION_COLUMNS, order_by, *ties))
        with self.db.session() as conn:
            rows = conn.execute(query.offset(offset).limit(max_results + 1)).all()
            versions = self._versions(conn, rows[:max_results])
        return Page(versions, next_page_token(offset, max_results, len(rows)))

    def get_latest_versions(self, name: str, stages: list[str] | None = None) -> list[ModelVersion]:
        with self.db.session() as conn:
            registered = self._model_row(conn, name)
            return self._latest_versions(conn, [registered.id], stages)

    # -- aliases -----------------------------------------------------------------------
    def set_registered_model_alias(self, name: str, alias: str, version: str) -> None:
        aliases = m.registered_model_aliases
        with self.db.session(write=True) as conn:
            row = self._version_row(conn, name, version)
            conn.execute(
                delete(aliases).where(
                    aliases.c.registered_model_id == row.registered_model_id,
                    aliases.c.alias == alias,
                )
            )
            conn.execute(
                insert(aliases).values(
                    registered_model_id=row.registered_model_id,
                    alias=alias,
                    model_version_id=row.id,
                )
            )

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        aliases = m.registered_model_aliases
        with self.db.session(write=True) as conn:
            model_id = self._model_row(conn, name).id
            conn.execute(
                delete(aliases).where(
                    aliases.c.registered_model_id == model_id, aliases.c.alias == alias
                )
            )

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        aliases = m.registered_model_aliases
        with self.db.session() as conn:
            row = conn.execute(
                _VERSION_QUERY.join(aliases, aliases.c.model_version_id == mv.c.id).where(
                    rm.c.name == name, aliases.c.alias == alias
                )
            ).first()
            if row is None:
                self._model_row(conn, name)  # RESOURCE_DOES_NOT_EXIST first, as MLflow's
                # MLflow's code and wording: a missing alias is a bad parameter.
                raise invalid(f"Registered model alias {alias} not found.")
            return self._versions(conn, [row])[0]

    # -- rows and entities -------------------------------------------------------------
    @staticmethod
    def _model_row(conn: Connection, name: str, for_update: bool = False):
        query = select(rm).where(rm.c.name == name)
        row = conn.execute(query.with_for_update() if for_update else query).first()
        if row is None:
            raise not_found(f"Registered Model with name={name} not found")
        return row

    @staticmethod
    def _version_row(conn: Connection, name: str, version: str | int):
        number = version_number(version)
        row = conn.execute(_VERSION_QUERY.where(rm.c.name == name, mv.c.version == number)).first()
        if row is None:
            raise not_found(f"Model Version (name={name}, version={number}) not found")
        return row

    @staticmethod
    def _touch_model(conn: Connection, registered_model_id: int, now: int) -> None:
        conn.execute(
            update(rm).where(rm.c.id == registered_model_id).values(last_updated_timestamp=now)
        )

    def _update_version(self, name: str, version: str, **values) -> ModelVersion:
        with self.db.session(write=True) as conn:
            row = self._version_row(conn, name, version)
            conn.execute(
                update(mv)
                .where(mv.c.id == row.id)
                .values(last_updated_timestamp=now_ms(), **values)
            )
            return self._versions(conn, [self._version_row(conn, name, version)])[0]

    # Entities are built a page at a time: a fixed number of queries per page (tags,
    # aliases and versions of all its items at once), never a few per item.
    def _registered_models(self, conn: Connection, rows) -> list[RegisteredModel]:
        aliases = m.registered_model_aliases
        ids = [row.id for row in rows]
        tags = self._tags_of(conn, m.registered_model_tags, ids)
        alias_map: defaultdict[int, dict[str, str]] = defaultdict(dict)
        for owner, alias, version in select_in(
            conn,
            select(aliases.c.registered_model_id, aliases.c.alias, mv.c.version)
            .join(mv, mv.c.id == aliases.c.model_version_id)
            .order_by(aliases.c.alias),
            aliases.c.registered_model_id,
            ids,
        ):
            alias_map[owner][alias] = str(version)
        latest = self._latest_versions(conn, ids, None)
        return [
            RegisteredModel(
                name=row.name,
                creation_timestamp=row.creation_timestamp,
                last_updated_timestamp=row.last_updated_timestamp,
                description=row.description,
                tags=tags[row.id],
                aliases=alias_map[row.id],
                latest_versions=[v for v in latest if v.name == row.name],
            )
            for row in rows
        ]

    def _latest_versions(
        self, conn: Connection, registered_model_ids: list[int], stages: list[str] | None
    ) -> list[ModelVersion]:
        """The newest version of each stage of each model (of ``stages``, if given), in
        MLflow's order: stages in the order their lowest version has them."""
        query = _VERSION_QUERY.order_by(mv.c.version)
        newest = {}  # (model, stage) -> row; later (higher) versions win, keeping the place
        for row in select_in(conn, query, mv.c.registered_model_id, registered_model_ids):
            if not stages or row.current_stage in stages:
                newest[(row.registered_model_id, row.current_stage)] = row
        return self._versions(conn, list(newest.values()))

    def _versions(self, conn: Connection, rows) -> list[ModelVersion]:
        aliases = m.registered_model_aliases
        ids = [row.id for row in rows]
        tags = self._tags_of(conn, m.model_version_tags, ids)
        alias_names = defaultdict(list)
        query = select(aliases.c.model_version_id, aliases.c.alias).order_by(aliases.c.alias)
        for version_id, alias in select_in(conn, query, aliases.c.model_version_id, ids):
            alias_names[version_id].append(alias)
        return [
            ModelVersion(
                name=row.name,
                version=str(row.version),
                source=row.source,
                creation_timestamp=row.creation_timestamp,
                last_updated_timestamp=row.last_updated_timestamp,
                description=row.description,
                run_id=row.run_id,
                model_id=row.model_id,
                status=row.status,
                current_stage=row.current_stage,
                tags=tags[row.id],
                aliases=alias_names[row.id],
            )
            for row in rows
        ]

    # -- tags --------------------------------------------------------------------------
    @staticmethod
    def _owner_column(table):
        return (
            table.c.registered_model_id
            if "registered_model_id" in table.c
            else (table.c.model_version_id)
        )

    def _tags_of(self, conn: Connection, table, owner_ids: list[int]) -> dict:
        """``{owner id: {key: value}}`` for every owner (owners without tags get ``{}``)."""
        owner = self._owner_column(table)
        tags: defaultdict[int, dict[str, str]] = defaultdict(dict)
        query = select(owner, table.c.key, table.c.value)
        for owner_id, key, value in select_in(conn, query, owner, owner_ids):
            tags[owner_id][key] = value
        return tags

    def _insert_tags(self, conn: Connection, table, owner_id: int, tags) -> None:
        if tags:
            owner = self._owner_column(table).name
            conn.execute(
                insert(table), [{owner: owner_id, "key": k, "value": v} for k, v in tags.items()]
            )

    def _replace_tag(self, conn: Connection, table, owner_id: int, key: str, value: str) -> None:
        self._delete_tag(conn, table, owner_id, key)
        self._insert_tags(conn, table, owner_id, {key: value})

    def _delete_tag(self, conn: Connection, table, owner_id: int, key: str) -> None:
        conn.execute(delete(table).where(self._owner_column(table) == owner_id, table.c.key == key))

    # -- search ------------------------------------------------------------------------
    def _condition(self, comparison: Comparison, columns: dict, entity: str):
        if comparison.kind == "tag":
            table = m.registered_model_tags if entity == "registered" else m.model_version_tags
            owner = rm.c.id if entity == "registered" else mv.c.id
            exists = select(table.c.key).where(
                self._owner_column(table) == owner, table.c.key == comparison.key
            )
            if comparison.op == "IS NULL":
                return ~exists.exists()
            if comparison.op != "IS NOT NULL":
                exists = exists.where(string_condition(table.c.value, comparison, self.db.dialect))
            return exists.exists()
        column = columns[comparison.key]
        if comparison.key in _NUMERIC_KEYS:
            return numeric_condition(column, comparison)
        return string_condition(column, comparison, self.db.dialect)


def _order(
    orders: list[OrderBy], columns: dict, order_by: list[str] | None, *ties: tuple[str, bool]
) -> list:
    """ORDER BY clauses: ``orders``, then each ``(key, ascending)`` of ``ties`` whose column
    is not ordered by yet (MLflow's tie-breakers). A column given twice is refused, with
    MLflow's message."""
    keys = [order.key for order in orders]  # canonical: "timestamp" is last_updated_...
    if len(set(keys)) < len(keys):
        raise invalid(f"`order_by` contains duplicate fields: {order_by}")
    orders = orders + [
        OrderBy("attribute", key, ascending) for key, ascending in ties if key not in keys
    ]
    return [
        columns[order.key].asc() if order.ascending else columns[order.key].desc()
        for order in orders
    ]


def _without_prompts(comparisons: list[Comparison]) -> tuple[list[Comparison], bool]:
    """MLflow's prompt rule: a search leaves prompts out unless its filter's first clause
    on the prompt tag asks for them (``= 'true'`` or ``!= 'false'``). Leaving them out
    drops every clause on that tag (MLflow's client adds ``!= 'true'``, which models
    without the tag would not match) and returns True."""
    on_tag = [c for c in comparisons if c.kind == "tag" and c.key == PROMPT_TAG]
    first = on_tag[0] if on_tag else None
    if first is not None and isinstance(first.value, str):
        wanted = first.value.lower()
        if (first.op, wanted) in (("=", "true"), ("!=", "false")):
            return comparisons, False
    return [c for c in comparisons if c not in on_tag], True


def _tagged_prompt(owner_column, owner_id):
    """The prompt tag row (value "true") of ``owner_id``; ``owner_column``: the owner
    column of a tag table."""
    tags = owner_column.table
    return select(tags.c.key).where(
        owner_column == owner_id, tags.c.key == PROMPT_TAG, tags.c.value == "true"
    )
