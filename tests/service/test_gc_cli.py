"""``jupyter tracker gc``: MLflow's options, what it prints, what it removes."""

from __future__ import annotations

import os

from jupyterlab_tracker import cli
from jupyterlab_tracker.artifacts import ArtifactRepository
from jupyterlab_tracker.service.factory import open_tracking


def _store(tmp_path):
    uri, root = f"sqlite:///{tmp_path}/gc.db", str(tmp_path / "artifacts")
    tracking = open_tracking(uri, root)
    experiment_id = tracking.create_experiment("gc")
    runs = []
    for name in ("deleted", "kept"):
        run = tracking.create_run(experiment_id, run_name=name)
        with ArtifactRepository(run.info.artifact_uri).open_upload("f.bin") as file:
            file.write(b"x" * 3000)
        runs.append(run.info)
    tracking.delete_run(runs[0].run_id)
    return tracking, ["--store-uri", uri, "--artifact-root", root], runs


def test_gc_dry_run_then_gc_removes_the_deleted_run_and_says_what_it_freed(tmp_path, capsys):
    tracking, where, (deleted, kept) = _store(tmp_path)
    assert cli.main(["gc", *where, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"Run with ID {deleted.run_id} would be permanently deleted." in out
    assert "Would free 2.9 KB (1 artifact files, 0 metric points) in 1 runs" in out
    assert os.path.exists(deleted.artifact_uri)

    assert cli.main(["gc", *where]) == 0
    out = capsys.readouterr().out
    assert f"Run with ID {deleted.run_id} has been permanently deleted." in out
    assert "Freed 2.9 KB" in out and kept.run_id not in out
    assert not os.path.exists(deleted.artifact_uri) and os.path.exists(kept.artifact_uri)
    assert tracking.get_run(kept.run_id).info.run_name == "kept"
    tracking.close()


def test_gc_options_older_than_and_ids(tmp_path, capsys):
    tracking, where, (deleted, kept) = _store(tmp_path)
    # Deleted just now: not older than a day, so nothing goes.
    assert cli.main(["gc", *where, "--older-than", "1d"]) == 0
    assert "Freed 0 B" in capsys.readouterr().out
    assert cli.main(["gc", *where, "--older-than", "1d", "--run-ids", deleted.run_id]) == 1
    assert "not older than the required age" in capsys.readouterr().err
    assert cli.main(["gc", *where, "--run-ids", kept.run_id]) == 1
    assert "not in `deleted` lifecycle stage" in capsys.readouterr().err
    assert cli.main(["gc", *where, "--older-than", "1 week"]) == 1
    assert "Could not parse any time information" in capsys.readouterr().err
    assert cli.main(["gc", *where, "--run-ids", f"{deleted.run_id},"]) == 0
    assert not os.path.exists(deleted.artifact_uri)
    tracking.close()


def test_format_bytes():
    assert [cli.format_bytes(n) for n in (0, 999, 1536, 5 * 1024**3)] == [
        "0 B",
        "999 B",
        "1.5 KB",
        "5.0 GB",
    ]
