"""Store fixtures: every ``store`` test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``TRACKER_TEST_POSTGRES_URI`` or a throwaway cluster (see
``tests/support/pg.py``); each test gets its own fresh database. Without either, the PostgreSQL
variants are skipped and the terminal summary says so loudly.
"""

from __future__ import annotations

import pytest
from support.pg import PostgresServer  # noqa: E402

from jupyterlab_tracker.artifacts.locations import ArtifactLocations  # noqa: E402
from jupyterlab_tracker.service.factory import model_services  # noqa: E402
from jupyterlab_tracker.service.tracking import TrackingService  # noqa: E402
from jupyterlab_tracker.store import SqlAlchemyStore  # noqa: E402

_pg_skip_reasons: list[str] = []


@pytest.fixture(scope="session")
def postgres_server():
    try:
        server = PostgresServer.start()
    except Exception as error:  # a broken local install should not fail the SQLite half
        _pg_skip_reasons.append(f"could not start a PostgreSQL cluster: {error}")
        yield None
        return
    if server is None:
        _pg_skip_reasons.append(PostgresServer.unavailable_reason())
    yield server
    if server is not None:
        server.stop()


# PostgreSQL starts a cluster (once per session) and makes a database per test: slow.
@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def db_uri(request, tmp_path):
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db' / 'tracker.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    if server is None:
        pytest.skip("PostgreSQL unavailable: " + "; ".join(_pg_skip_reasons))
    uri = server.create_database()
    yield uri
    server.drop_database(uri)


@pytest.fixture
def artifact_root(tmp_path) -> str:
    return str(tmp_path / "artifacts")


@pytest.fixture
def database_at(db_uri):
    """``database_at(revision, *statements)`` brings the fresh ``db_uri`` database to
    schema ``revision`` (older than head) and runs ``statements`` (SQL: the rows an old
    database held) in the same transaction: what a migration test then opens a store on,
    which upgrades it to head."""
    from alembic import command

    from jupyterlab_tracker.store.db import create_tracker_engine
    from jupyterlab_tracker.store.migrate import alembic_config

    def bring_to(revision: str, *statements: str) -> None:
        engine = create_tracker_engine(db_uri)  # makes the SQLite file's directory
        with engine.begin() as connection:
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            for statement in statements:
                connection.exec_driver_sql(statement)
        engine.dispose()

    return bring_to


@pytest.fixture
def store(db_uri, artifact_root):
    store = SqlAlchemyStore(db_uri, artifact_root)
    yield store
    store.close()


@pytest.fixture
def tracking(store):
    """The tracking service on ``store``, artifacts confined to its artifact root."""
    return TrackingService(store, ArtifactLocations(store.artifact_root, []))


@pytest.fixture
def registry(tracking):
    """The registry service beside ``tracking``."""
    return model_services(tracking)[0]


def pytest_terminal_summary(terminalreporter):
    if _pg_skip_reasons:
        terminalreporter.section("PostgreSQL", sep="!", red=True, bold=True)
        terminalreporter.write_line(
            "PostgreSQL tests SKIPPED: " + "; ".join(sorted(set(_pg_skip_reasons))),
            red=True,
            bold=True,
        )
