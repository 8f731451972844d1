"""Schema creation on open: fresh databases, reopening, the migration matching the
models, and several processes opening one new SQLite file at once."""

from __future__ import annotations

import multiprocessing

from sqlalchemy import create_engine, inspect

from jupyterlab_tracker.entities import Metric
from jupyterlab_tracker.store import SqlAlchemyStore, open_store
from jupyterlab_tracker.store.migrate import current_revision, head_revision
from jupyterlab_tracker.store.models import Base


def _engine(db_uri):
    return create_engine(db_uri.replace("postgresql://", "postgresql+psycopg2://", 1))


def test_fresh_database_is_at_head(store, db_uri):
    engine = _engine(db_uri)
    with engine.connect() as connection:
        assert current_revision(connection) == head_revision()
    engine.dispose()


def test_reopening_keeps_data_and_migrates_nothing(db_uri, artifact_root):
    first = SqlAlchemyStore(db_uri, artifact_root)
    experiment_id = first.create_experiment("kept")
    first.close()
    second = SqlAlchemyStore(db_uri, artifact_root)
    assert second.get_experiment(experiment_id).name == "kept"
    assert [e.name for e in second.search_experiments(order_by=["name"]).items] == [
        "Default",
        "kept",
    ]
    second.close()


def test_migration_matches_models(store, db_uri):
    """The hand-written migration creates the tables, columns and indexes of models.py."""
    engine = _engine(db_uri)
    inspector = inspect(engine)
    dialect = engine.dialect.name
    for table in Base.metadata.sorted_tables:
        reflected = {column["name"]: column for column in inspector.get_columns(table.name)}
        assert set(reflected) == set(table.columns.keys()), table.name
        if dialect == "postgresql":  # SQLite keeps declared VARCHAR lengths it ignores
            for column in table.columns:
                length = getattr(column.type, "length", None)
                assert getattr(reflected[column.name]["type"], "length", None) == length, (
                    f"{table.name}.{column.name}"
                )
        indexes = {index["name"] for index in inspector.get_indexes(table.name)}
        for index in table.indexes:
            wanted = index._ddl_if is None or index._ddl_if.dialect in (None, dialect)
            assert (index.name in indexes) == wanted, (table.name, index.name)
        if dialect == "sqlite":
            with engine.connect() as connection:
                sql = connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                    (table.name,),
                ).scalar_one()
            clustered = table.dialect_kwargs.get("sqlite_with_rowid") is False
            assert ("WITHOUT ROWID" in sql) == clustered, table.name
    engine.dispose()


def test_open_store_rejects_unknown_schemes():
    import pytest

    from jupyterlab_tracker.errors import TrackerError

    with pytest.raises(TrackerError):
        open_store("mysql://x/y", "/tmp")


def _open_and_log(db_uri: str, artifact_root: str, worker: int, barrier) -> None:
    barrier.wait()  # all processes open the brand-new database at the same moment
    store = SqlAlchemyStore(db_uri, artifact_root)
    experiment_id = store.create_experiment(f"worker-{worker}")
    run_id = store.create_run(experiment_id, run_name=f"run-{worker}").info.run_id
    for step in range(20):
        store.log_batch(run_id, metrics=[Metric("m", float(step), step, step)])
    store.close()


def test_concurrent_first_open_from_several_processes(tmp_path):
    db_uri = f"sqlite:///{tmp_path / 'new' / 'tracker.db'}"
    artifact_root = str(tmp_path / "artifacts")
    context = multiprocessing.get_context("spawn")  # fresh interpreters, like kernels
    barrier = context.Barrier(4)
    workers = [
        context.Process(target=_open_and_log, args=(db_uri, artifact_root, w, barrier))
        for w in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]

    store = SqlAlchemyStore(db_uri, artifact_root)
    experiments = store.search_experiments().items
    assert {e.name for e in experiments} == {"Default"} | {f"worker-{w}" for w in range(4)}
    runs = store.search_runs([e.experiment_id for e in experiments]).items
    assert len(runs) == 4
    for run in runs:
        assert len(store.get_metric_history(run.info.run_id, "m").items) == 20
    store.close()


def test_a_database_at_0005_widens_its_columns_and_keeps_its_batches(
    database_at, db_uri, artifact_root
):
    """Migration 0006 on a database with data (PostgreSQL changes its column types)."""
    database_at(
        "0005_clustered_run_values",
        "INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage)"
        " VALUES (7, 'old', '/old', 'active')",
        "INSERT INTO runs (run_id, experiment_id, name, user_id, status, lifecycle_stage,"
        " artifact_uri) VALUES ('" + "a" * 32 + "', 7, 'r', 'u', 'RUNNING', 'active', '/a')",
        "INSERT INTO logged_batches VALUES ('" + "a" * 32 + "', 'old-batch', 1000)",
    )
    store = SqlAlchemyStore(db_uri, artifact_root)  # upgrades to head
    assert store.get_experiment("7").name == "old"
    long_name = "n" * 500
    assert store.get_experiment(store.create_experiment(long_name)).name == long_name
    # A batch id logged before digests were kept is still a replay, whatever it holds.
    store.log_batch("a" * 32, metrics=[Metric("m", 1.0, 1, 0)], batch_id="old-batch")
    assert store.get_metric_history("a" * 32, "m").items == []
    store.close()
