"""A search too big for the database is the request's fault (400), never an outage (503).

Every test runs on SQLite and PostgreSQL and expects the same answer: a query at each
limit of ``service/validation.py`` runs, one past it is refused before SQL is built. Past
the limits, a query the database itself refuses for its shape is still
INVALID_PARAMETER_VALUE, which clients do not retry.
"""

from __future__ import annotations

import sqlite3

import pytest

from jupyterlab_tracker.domain.limits import (
    MAX_FILTER_CLAUSES,
    MAX_FILTER_LENGTH,
    MAX_FILTER_VALUES,
    MAX_ORDER_BY_KEYS,
)
from jupyterlab_tracker.errors import (
    INVALID_PARAMETER_VALUE,
    TEMPORARILY_UNAVAILABLE,
    TrackerError,
)
from jupyterlab_tracker.search import Comparison, OrderBy
from jupyterlab_tracker.service.factory import model_services
from jupyterlab_tracker.service.registry import ModelRegistryService
from jupyterlab_tracker.service.tracking import TrackingService
from jupyterlab_tracker.store.db import database_error


@pytest.fixture
def service(store) -> TrackingService:
    return TrackingService(store)


@pytest.fixture
def registry(service) -> ModelRegistryService:
    return model_services(service)[0]


@pytest.fixture
def experiment_id(service) -> str:
    experiment_id = service.create_experiment("limits")
    service.create_run(experiment_id, run_name="only")
    return experiment_id


def refused(fragment: str):
    return pytest.raises(TrackerError, match=fragment)


def clauses(template: str, count: int) -> str:
    return " AND ".join(template.format(i=i) for i in range(count))


@pytest.mark.parametrize(
    "template",
    ["metrics.m{i} > 0", "params.p{i} = 'x'", "attributes.status != 'KILLED'", "tags.t LIKE '%'"],
)
def test_run_filters_up_to_the_clause_limit(service, experiment_id, template):
    page = service.search_runs([experiment_id], clauses(template, MAX_FILTER_CLAUSES))
    assert isinstance(page.items, list)
    with refused(f"at most {MAX_FILTER_CLAUSES} clauses") as info:
        service.search_runs([experiment_id], clauses(template, MAX_FILTER_CLAUSES + 1))
    assert info.value.error_code == INVALID_PARAMETER_VALUE


def test_every_search_has_the_clause_limit(service, registry, experiment_id):
    too_many = clauses("name = 'x'", MAX_FILTER_CLAUSES + 1)
    for search in (
        lambda: service.search_experiments(filter_string=too_many),
        lambda: registry.search_registered_models(filter_string=too_many),
        lambda: registry.search_model_versions(filter_string=too_many),
    ):
        with refused(f"at most {MAX_FILTER_CLAUSES} clauses"):
            search()
    at_limit = clauses("name != 'x'", MAX_FILTER_CLAUSES)
    assert service.search_experiments(filter_string=at_limit).items


def test_in_lists_up_to_the_value_limit(service, experiment_id):
    ids = ", ".join(f"'{i:032x}'" for i in range(MAX_FILTER_VALUES))
    assert service.search_runs([experiment_id], f"attributes.run_id IN ({ids})").items == []
    half = ", ".join(f"'{i:032x}'" for i in range(MAX_FILTER_VALUES // 2 + 1))
    two_lists = f"attributes.run_id IN ({half}) AND attributes.run_id NOT IN ({half})"
    with refused(f"at most {MAX_FILTER_VALUES:,} values in all"):
        service.search_runs([experiment_id], two_lists)


def test_filter_length_limit(service, experiment_id):
    with refused(f"the limit is {MAX_FILTER_LENGTH:,}"):
        service.search_runs([experiment_id], "tags.t = '" + "x" * MAX_FILTER_LENGTH + "'")


def test_order_by_up_to_the_key_limit(service, registry, experiment_id):
    keys = [f"metrics.m{i} DESC" for i in range(MAX_ORDER_BY_KEYS)]
    assert len(service.search_runs([experiment_id], order_by=keys).items) == 1
    too_many = keys + ["params.p ASC"]
    for search in (
        lambda: service.search_runs([experiment_id], order_by=too_many),
        lambda: service.search_experiments(order_by=["name"] * (MAX_ORDER_BY_KEYS + 1)),
        lambda: registry.search_registered_models(order_by=["name"] * (MAX_ORDER_BY_KEYS + 1)),
        lambda: registry.search_model_versions(order_by=["name"] * (MAX_ORDER_BY_KEYS + 1)),
    ):
        with refused(f"order_by may hold at most {MAX_ORDER_BY_KEYS} keys"):
            search()


def test_a_query_the_database_cannot_run_is_not_unavailability(store, experiment_id, db_uri):
    """Past the limits (parsed trees go straight to the store), SQLite refuses 1000 nested
    clauses and 100 joins: INVALID_PARAMETER_VALUE, not TEMPORARILY_UNAVAILABLE."""
    if not db_uri.startswith("sqlite"):
        # PostgreSQL does not refuse these: it plans them, slowly (100 metric clauses take
        # ~3 s, 1000 far longer), which is why the limits come first. Its refusals are
        # classified in the test below.
        pytest.skip("PostgreSQL plans such a query instead of refusing it")
    metric_clauses = [Comparison("metric", f"m{i}", ">", 0.0) for i in range(1000)]
    orders = [OrderBy("metric", f"m{i}") for i in range(100)]
    for attempt in (
        lambda: store.search_runs_parsed([experiment_id], metric_clauses),
        lambda: store.search_runs_parsed([experiment_id], [], order_by=orders),
    ):
        with refused("The query is too large for the database") as info:
            attempt()
        assert info.value.error_code == INVALID_PARAMETER_VALUE


class _PostgresError(Exception):
    def __init__(self, message: str, pgcode: str):
        super().__init__(message)
        self.pgcode = pgcode


@pytest.mark.parametrize(
    "error, code",
    [
        (sqlite3.OperationalError("Expression tree is too large (maximum depth 1000)"), 400),
        (sqlite3.OperationalError("at most 64 tables in a join"), 400),
        (sqlite3.OperationalError("too many SQL variables"), 400),
        (_PostgresError("stack depth limit exceeded", "54001"), 400),
        (_PostgresError("target lists can have at most 1664 entries", "54011"), 400),
        (sqlite3.OperationalError("database or disk is full"), 503),
        (sqlite3.OperationalError("attempt to write a readonly database"), 503),
        (_PostgresError("could not extend file: No space left on device", "53100"), 503),
        (_PostgresError("terminating connection due to administrator command", "57P01"), 503),
    ],
)
def test_database_errors_are_classified_by_cause(error, code):
    expected = INVALID_PARAMETER_VALUE if code == 400 else TEMPORARILY_UNAVAILABLE
    assert database_error(error).error_code == expected
