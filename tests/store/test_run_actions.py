"""Run actions on many runs, storage used, and permanent deletion (the service over the
store), on SQLite and PostgreSQL."""

from __future__ import annotations

import os

import pytest

from jupyterlab_tracker.artifacts import ArtifactRepository
from jupyterlab_tracker.entities import ACTIVE, DELETED, DELETED_ONLY, Metric, Param, RunTag
from jupyterlab_tracker.errors import TrackerError
from jupyterlab_tracker.service.cleanup import CleanupService, parse_older_than
from jupyterlab_tracker.store import models as m


def _run_with_files(tracking, experiment_id: str, name: str, payload: bytes = b"x" * 1000):
    run = tracking.create_run(experiment_id, run_name=name)
    run_id = run.info.run_id
    tracking.log_batch(
        run_id,
        metrics=[Metric("loss", 1.0 / (step + 1), 1000 + step, step) for step in range(5)],
        params=[Param("lr", "0.1")],
        tags=[RunTag("team", "a")],
    )
    repository = ArtifactRepository(run.info.artifact_uri)
    with repository.open_upload("model/weights.bin") as file:
        file.write(payload)
    with repository.open_upload("notes.txt") as file:
        file.write(b"hello")
    return run_id, repository


def _row_count(store, table, run_id: str) -> int:
    from sqlalchemy import func, select

    with store.db.session() as conn:
        return conn.execute(select(func.count()).where(table.c.run_id == run_id)).scalar_one()


# -- many runs at once ----------------------------------------------------------------------


def test_update_runs_deletes_restores_and_tags_in_one_call(tracking):
    experiment_id = tracking.create_experiment("batch")
    ids = [tracking.create_run(experiment_id, run_name=f"r{i}").info.run_id for i in range(3)]
    missing = "f" * 32

    outcome = tracking.update_runs([*ids, missing], "set_tags", tags=[RunTag("stage", "prod")])
    assert outcome.updated == ids
    assert [f["run_id"] for f in outcome.failed] == [missing]
    assert outcome.failed[0]["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    assert all(tracking.get_run(i).data.tags["stage"] == "prod" for i in ids)

    tracking.update_runs(ids[:2], "delete")
    assert [tracking.get_run(i).info.lifecycle_stage for i in ids] == [DELETED, DELETED, ACTIVE]

    # Tags change only on active runs (MLflow's rule): the deleted ones are reported.
    outcome = tracking.update_runs(ids, "delete_tags", keys=["stage"])
    assert outcome.updated == ids[2:]
    assert {f["run_id"] for f in outcome.failed} == set(ids[:2])
    assert "stage" not in tracking.get_run(ids[2]).data.tags
    assert tracking.get_run(ids[0]).data.tags["stage"] == "prod"

    tracking.update_runs(ids[:2], "restore")
    assert all(tracking.get_run(i).info.lifecycle_stage == ACTIVE for i in ids)


def test_update_runs_setting_the_run_name_tag_renames_them(tracking):
    experiment_id = tracking.create_experiment("names")
    run_id = tracking.create_run(experiment_id, run_name="old").info.run_id
    tracking.update_runs([run_id], "set_tags", tags=[RunTag("mlflow.runName", "new")])
    assert tracking.get_run(run_id).info.run_name == "new"


@pytest.mark.parametrize(
    ("action", "tags", "keys", "says"),
    [
        ("archive", [], [], "action must be one of"),
        ("set_tags", [], [], "set_tags needs 1 to"),
        ("set_tags", [RunTag("bad key!", "v")], [], "tags[0].key"),
        ("set_tags", [RunTag("ok", "v" * 8001)], [], "tags[0].value"),
        ("set_tags", [RunTag("../up", "v")], [], "tags[0].key"),
        ("delete_tags", [], ["a//b"], "keys[0]"),
        ("delete", [RunTag("a", "b")], [], "takes no tags"),
    ],
)
def test_update_runs_refuses_bad_input_before_changing_anything(tracking, action, tags, keys, says):
    experiment_id = tracking.create_experiment("bad")
    run_id = tracking.create_run(experiment_id).info.run_id
    with pytest.raises(TrackerError) as raised:
        tracking.update_runs([run_id], action, tags=tags, keys=keys)
    assert raised.value.error_code == "INVALID_PARAMETER_VALUE"
    assert says in raised.value.message
    assert tracking.get_run(run_id).info.lifecycle_stage == ACTIVE


def test_update_runs_needs_run_ids(tracking):
    for run_ids in ([], [""], ["a\x00b"]):
        with pytest.raises(TrackerError) as raised:
            tracking.update_runs(run_ids, "delete")
        assert raised.value.error_code == "INVALID_PARAMETER_VALUE"


# -- storage ---------------------------------------------------------------------------------


def test_storage_counts_artifact_bytes_files_and_metric_points(tracking):
    experiment_id = tracking.create_experiment("sizes")
    first, _ = _run_with_files(tracking, experiment_id, "a", b"x" * 1000)
    second, _ = _run_with_files(tracking, experiment_id, "b", b"y" * 3000)
    cleanup = CleanupService(tracking)

    run = cleanup.run_storage(first)
    assert run.total.artifact_bytes == 1005 and run.total.artifact_files == 2
    assert run.total.metric_points == 5

    experiment = cleanup.experiment_storage(experiment_id)
    assert experiment.total.artifact_bytes == 1005 + 3005
    assert experiment.total.metric_points == 10
    assert set(experiment.runs) == {first, second}

    tracking.delete_run(second)
    assert set(cleanup.experiment_storage(experiment_id).runs) == {first}
    assert set(cleanup.experiment_storage(experiment_id, DELETED_ONLY).runs) == {second}


def test_storage_never_follows_a_symlink(tracking, tmp_path):
    experiment_id = tracking.create_experiment("links")
    run_id, repository = _run_with_files(tracking, experiment_id, "a")
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"z" * 50_000)
    os.symlink(outside, os.path.join(repository.root, "link.bin"))
    usage = CleanupService(tracking).run_storage(run_id).total
    assert usage.artifact_bytes == 1005 and usage.artifact_files == 2


# -- permanent deletion ----------------------------------------------------------------------


def test_purge_removes_the_deleted_runs_rows_and_files_and_nothing_else(tracking):
    experiment_id = tracking.create_experiment("purge")
    gone, gone_files = _run_with_files(tracking, experiment_id, "gone")
    kept, kept_files = _run_with_files(tracking, experiment_id, "kept")
    tracking.delete_run(gone)
    cleanup = CleanupService(tracking)

    preview = cleanup.purge([gone], [], dry_run=True)
    assert preview.runs == [gone] and preview.freed.artifact_bytes == 1005
    assert preview.freed.metric_points == 5
    assert os.path.exists(gone_files.root)  # a dry run removes nothing
    assert tracking.get_run(gone).info.lifecycle_stage == DELETED

    report = cleanup.purge([gone], [])
    assert report.runs == [gone] and report.freed.artifact_files == 2
    assert not os.path.exists(gone_files.root)
    assert not os.path.exists(os.path.dirname(gone_files.root))  # the run's directory too
    with pytest.raises(TrackerError) as raised:
        tracking.get_run(gone)
    assert raised.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    for table in (m.params, m.tags, m.metrics, m.latest_metrics):
        assert _row_count(tracking.store, table, gone) == 0
        assert _row_count(tracking.store, table, kept) > 0
    # The other run keeps everything.
    assert tracking.get_run(kept).data.params == {"lr": "0.1"}
    assert kept_files.usage() == (1005, 2)


def test_purge_refuses_active_runs_and_experiments_before_removing_anything(tracking):
    experiment_id = tracking.create_experiment("careful")
    deleted, files = _run_with_files(tracking, experiment_id, "deleted")
    active, _ = _run_with_files(tracking, experiment_id, "active")
    tracking.delete_run(deleted)
    cleanup = CleanupService(tracking)
    with pytest.raises(TrackerError) as raised:
        cleanup.purge([deleted, active], [])
    assert "not in `deleted` lifecycle stage" in raised.value.message
    assert os.path.exists(files.root)
    with pytest.raises(TrackerError) as raised:
        cleanup.purge([], [experiment_id])
    assert "not in the deleted lifecycle stage" in raised.value.message
    with pytest.raises(TrackerError):
        cleanup.purge([], [])  # nothing named
    with pytest.raises(TrackerError) as raised:
        cleanup.purge([deleted], [], older_than="1d")
    assert "not older than the required age" in raised.value.message
    assert tracking.get_run(deleted).info.lifecycle_stage == DELETED


def test_purge_of_a_deleted_experiment_takes_its_runs_and_logged_models(tracking, registry):
    experiment_id = tracking.create_experiment("whole")
    run_id, files = _run_with_files(tracking, experiment_id, "r")
    model = registry.create_logged_model(experiment_id, "model", source_run_id=run_id)
    model_files = ArtifactRepository(model.artifact_uri)
    with model_files.open_upload("MLmodel") as file:
        file.write(b"m" * 10)
    other = tracking.create_experiment("other")
    other_run, other_files = _run_with_files(tracking, other, "o")
    tracking.delete_experiment(experiment_id)

    report = CleanupService(tracking).purge(None, None)  # the CLI without ids
    assert report.experiments == [experiment_id] and report.runs == [run_id]
    assert report.logged_models == [model.model_id]
    assert report.freed.artifact_bytes == 1005 + 10
    assert not os.path.exists(files.root) and not os.path.exists(model_files.root)
    with pytest.raises(TrackerError):
        tracking.get_experiment(experiment_id)
    assert tracking.get_run(other_run).info.lifecycle_stage == ACTIVE
    assert other_files.usage() == (1005, 2)


def test_purge_keeps_a_run_whose_files_are_outside_the_artifact_root(tracking, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me")
    experiment_id = tracking.create_experiment("escape")
    run_id, files = _run_with_files(tracking, experiment_id, "r")
    # The run's artifact directory replaced by a link out of the root.
    import shutil

    shutil.rmtree(files.root)
    os.symlink(outside, files.root)
    tracking.delete_run(run_id)

    report = CleanupService(tracking).purge([run_id], [])
    assert report.runs == [] and report.kept[0]["id"] == run_id
    assert "outside the artifact roots" in report.kept[0]["message"]
    assert (outside / "precious.txt").read_text() == "keep me"
    assert tracking.get_run(run_id).info.lifecycle_stage == DELETED  # its rows are kept


def test_purge_removes_links_inside_a_run_without_following_them(tracking, tmp_path):
    target = tmp_path / "target.txt"
    target.write_text("not ours")
    experiment_id = tracking.create_experiment("links-inside")
    run_id, files = _run_with_files(tracking, experiment_id, "r")
    os.symlink(target, os.path.join(files.root, "link.txt"))
    tracking.delete_run(run_id)
    CleanupService(tracking).purge([run_id], [])
    assert not os.path.exists(files.root)
    assert target.read_text() == "not ours"


@pytest.mark.parametrize(
    ("text", "ms"),
    [("1d2h3m4s", ((24 + 2) * 60 + 3) * 60_000 + 4000), ("1.5h", 5_400_000), ("30m", 1_800_000)],
)
def test_older_than_reads_mlflows_format(text, ms):
    assert parse_older_than(text) == ms


@pytest.mark.parametrize("text", ["", "1w", "d", "2 days", "1.2.3d"])
def test_older_than_refuses_other_forms(text):
    with pytest.raises(TrackerError) as raised:
        parse_older_than(text)
    assert raised.value.error_code == "INVALID_PARAMETER_VALUE"
