"""Databases made by earlier schemas upgrade with all their data.

``tests/fixtures/schemas/<revision>.db`` holds one small database per schema revision
(made by ``tests/fixtures/make_schema_fixture.py``). Each is copied, opened with the
current store (which upgrades it on open) and read back through the public API.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from jupyterlab_tracker.entities import Metric
from jupyterlab_tracker.service.factory import open_services
from jupyterlab_tracker.store.migrate import alembic_config, head_revision

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))
from make_schema_fixture import EXPECTED, RUN_IDS, SCHEMAS  # noqa: E402

REVISIONS = [r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()]


def test_every_schema_revision_has_a_fixture():
    missing = [r for r in REVISIONS if not (SCHEMAS / f"{r}.db").exists()]
    assert not missing, f"run tests/fixtures/make_schema_fixture.py for {missing} and commit"


@pytest.mark.parametrize("revision", sorted(p.stem for p in SCHEMAS.glob("*.db")))
def test_an_old_database_upgrades_with_its_data(tmp_path, revision):
    path = tmp_path / "old.db"
    shutil.copy(SCHEMAS / f"{revision}.db", path)
    services = open_services(f"sqlite:///{path}", str(tmp_path / "artifacts"))
    tracking = services.tracking

    names = {e.name for e in tracking.search_experiments().items}
    assert names == EXPECTED["experiments"]
    experiment = tracking.get_experiment_by_name("fixture-exp")
    assert experiment.tags == {"owner": "fixture"}
    runs = {r.info.run_id: r for r in tracking.search_runs([experiment.experiment_id]).items}
    assert {run_id: r.info.status for run_id, r in runs.items()} == EXPECTED["runs"]
    first = runs[RUN_IDS[0]]
    assert first.data.params == EXPECTED["params"]
    assert {k: first.data.tags[k] for k in EXPECTED["tags"]} == EXPECTED["tags"]
    for key, count in EXPECTED["metrics"].items():
        history = tracking.get_metric_history(RUN_IDS[1], key).items
        assert [m.step for m in history] == list(range(count))
        assert history[7].value != history[7].value  # NaN survived
        assert first.data.latest_metrics[key].step == count - 1
    # The fixture's batch id is still known: a retry of that batch is ignored.
    tracking.log_batch(RUN_IDS[0], metrics=[Metric("loss", 9.0, 1, 999)], batch_id="batch-1")
    assert len(tracking.get_metric_history(RUN_IDS[0], "loss").items) == EXPECTED["metrics"]["loss"]

    if revision != "0001":  # the registry came with 0002
        model = services.registry.get_registered_model(EXPECTED["registered_model"])
        assert model.tags == {"stage": "prod"}
        assert services.registry.get_model_version_by_alias(model.name, "champion").version == "2"
        versions = services.registry.search_model_versions(f"name = '{model.name}'").items
        assert len(versions) == EXPECTED["model_versions"]
        # Numbers go on after the highest one kept (0007 counts from there; a fixture made
        # at 0007 or later remembers that it also gave 3).
        source = f"runs:/{RUN_IDS[0]}/model"
        services.registry.create_model_version(model.name, source, run_id=RUN_IDS[0])
        numbers = [v.version for v in services.registry.get_latest_versions(model.name)]
        assert numbers == (["3"] if revision < "0007" else ["4"])

    # Still writable after the upgrade, and the schema is at head.
    run = tracking.create_run(experiment.experiment_id, run_name="after-upgrade")
    assert tracking.heartbeat([run.info.run_id]) == []
    tracking.store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (head_revision(),)
        ]
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
