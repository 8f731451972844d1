"""Searching experiments and runs (filters and orders from ``search_sql``), and the keys
the runs of experiments hold."""

from __future__ import annotations

from sqlalchemy import select

from ... import search as search_syntax
from ...domain.limits import MAX_RESULTS_LIMIT as MAX_SEARCH_RESULTS
from ...domain.limits import SEARCH_RESULTS_DEFAULT
from ...entities import (
    ACTIVE,
    ACTIVE_ONLY,
    DELETED,
    DELETED_ONLY,
    VIEW_TYPES,
    Experiment,
    Page,
    Run,
)
from ...errors import invalid
from ...search import Comparison, OrderBy
from .. import models as m
from .. import search_sql
from ..paging import decode_page_token, next_page_token
from ..sql import experiment_db_id
from .rows import RUN_INFO_COLUMNS, StoreRows


def _check_max_results(max_results: int) -> None:
    if (
        not isinstance(max_results, int)
        or isinstance(max_results, bool)
        or not 1 <= max_results <= MAX_SEARCH_RESULTS
    ):
        raise invalid(
            f"max_results must be between 1 and {MAX_SEARCH_RESULTS}, got {max_results!r}"
        )


def _check_view_type(view_type: str) -> None:
    if view_type not in VIEW_TYPES:
        raise invalid(f"Invalid view type {view_type!r}; expected one of {', '.join(VIEW_TYPES)}")


def _lifecycle_condition(column, view_type: str):
    _check_view_type(view_type)
    if view_type == ACTIVE_ONLY:
        return column == ACTIVE
    if view_type == DELETED_ONLY:
        return column == DELETED
    return None


class SearchMixin(StoreRows):
    def search_experiments(
        self,
        view_type: str = ACTIVE_ONLY,
        max_results: int = SEARCH_RESULTS_DEFAULT,
        filter_string: str = "",
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[Experiment]:
        _check_max_results(max_results)
        offset = decode_page_token(page_token)
        comparisons = search_syntax.parse_experiment_filter(filter_string) if filter_string else []
        orders = [search_syntax.parse_experiment_order_by(clause) for clause in order_by or []]
        query = select(m.experiments)
        lifecycle = _lifecycle_condition(m.experiments.c.lifecycle_stage, view_type)
        if lifecycle is not None:
            query = query.where(lifecycle)
        for comparison in comparisons:
            query = query.where(search_sql.experiment_condition(comparison, self.db.dialect))
        query = (
            query.order_by(*search_sql.experiment_order(orders))
            .offset(offset)
            .limit(max_results + 1)
        )
        with self.db.session() as conn:
            rows = conn.execute(query).all()
            experiments = self._experiments_from_rows(conn, rows[:max_results])
        return Page(experiments, next_page_token(offset, max_results, len(rows)))

    def search_runs(
        self,
        experiment_ids: list[str],
        filter_string: str = "",
        run_view_type: str = ACTIVE_ONLY,
        max_results: int = SEARCH_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[Run]:
        comparisons = search_syntax.parse_search_filter(filter_string) if filter_string else []
        orders = [search_syntax.parse_order_by(clause) for clause in order_by or []]
        return self.search_runs_parsed(
            experiment_ids, comparisons, run_view_type, max_results, orders, page_token
        )

    def search_runs_parsed(
        self,
        experiment_ids: list[str],
        comparisons: list[Comparison],
        run_view_type: str = ACTIVE_ONLY,
        max_results: int = SEARCH_RESULTS_DEFAULT,
        order_by: list[OrderBy] | None = None,
        page_token: str | None = None,
    ) -> Page[Run]:
        """``search_runs`` with the filter and order already parsed."""
        _check_max_results(max_results)
        offset = decode_page_token(page_token)
        ids = [experiment_db_id(experiment_id) for experiment_id in experiment_ids]
        query = select(*RUN_INFO_COLUMNS).where(m.runs.c.experiment_id.in_(ids))
        lifecycle = _lifecycle_condition(m.runs.c.lifecycle_stage, run_view_type)
        if lifecycle is not None:
            query = query.where(lifecycle)
        for comparison in comparisons:
            query = query.where(search_sql.run_condition(comparison, self.db.dialect))
        query = search_sql.apply_run_order(query, order_by or [])
        query = query.offset(offset).limit(max_results + 1)
        with self.db.session() as conn:
            rows = conn.execute(query).all()
            runs = self._runs_from_rows(conn, rows[:max_results])
        return Page(runs, next_page_token(offset, max_results, len(rows)))

    def list_run_keys(self, experiment_ids: list[str]) -> dict[str, list[str]]:
        ids = [experiment_db_id(experiment_id) for experiment_id in experiment_ids]
        runs_of_experiments = select(m.runs.c.run_id).where(m.runs.c.experiment_id.in_(ids))
        keys = {}
        with self.db.session() as conn:
            for name, table in (
                ("metrics", m.latest_metrics),
                ("params", m.params),
                ("tags", m.tags),
            ):
                keys[name] = list(
                    conn.execute(
                        select(table.c.key)
                        .where(table.c.run_id.in_(runs_of_experiments))
                        .distinct()
                        .order_by(table.c.key)
                    ).scalars()
                )
        return keys
