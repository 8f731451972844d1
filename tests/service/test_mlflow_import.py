"""``jupyter tracker import-mlflow`` on stores that MLflow itself wrote (SQLite and the
mlruns file layout); importing twice duplicates nothing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import MLFLOW_SCRIPTS

from jupyterlab_tracker.cli import main
from jupyterlab_tracker.service.factory import open_services

pytestmark = pytest.mark.slow  # mlflow itself writes the stores, in a subprocess

WRITE_STORES = MLFLOW_SCRIPTS / "write_stores.py"


def write_mlflow_store(uri: str, cwd: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    env.update(MLFLOW_ALLOW_FILE_STORE="true", MLFLOW_DISABLE_TELEMETRY="true")
    result = subprocess.run(
        [sys.executable, str(WRITE_STORES), uri],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("layout", ["sqlite", "files"])
def test_import_twice_copies_everything_once(tmp_path, layout, capsys):
    source_dir = tmp_path / "mlflow"
    source_dir.mkdir()
    uri = (
        f"sqlite:///{source_dir}/mlflow.db" if layout == "sqlite" else f"file://{source_dir}/mlruns"
    )
    written = write_mlflow_store(uri, source_dir)
    source = uri if layout == "sqlite" else str(source_dir / "mlruns")
    ours = f"sqlite:///{tmp_path}/ours.db"
    args = ["import-mlflow", source, "--store-uri", ours, "--artifact-root", str(tmp_path / "art")]

    assert main(args) == 0
    first = capsys.readouterr().out
    assert "3 runs (0 already present), 30 metric points" in first
    assert "1 registered models, 2 model versions" in first
    assert main(args) == 0
    assert "0 runs (3 already present)" in capsys.readouterr().out

    services = open_services(ours, str(tmp_path / "art"))
    tracking, registry = services.tracking, services.registry
    experiment = tracking.get_experiment_by_name("imported")
    assert experiment.tags["k"] == "v"
    assert tracking.get_experiment_by_name("gone").lifecycle_stage == "deleted"
    runs = tracking.search_runs([experiment.experiment_id]).items
    assert sorted(r.info.run_id for r in runs) == sorted(written["run_ids"])  # ids kept
    run = tracking.get_run(written["run_ids"][0])
    assert run.info.run_name == "run-0" and run.info.status == "FINISHED"
    assert run.data.params == {"i": "0", "kind": "import"}
    assert run.data.tags["team"] == "data"
    assert len(tracking.get_metric_history(run.info.run_id, "loss").items) == 10
    files = services.artifacts.repository("runs", run.info.run_id).list_artifacts("notes")
    assert [f.path for f in files] == ["notes/readme.txt"]
    model = registry.get_registered_model("imported-model")
    assert model.tags == {"t": "1"} and model.description == "d"
    assert model.aliases == {"champion": "2"}
    versions = registry.search_model_versions("name = 'imported-model'").items
    assert sorted(v.version for v in versions) == ["1", "2"]
    assert registry.get_model_version("imported-model", "1").tags == {"validated": "yes"}
    assert registry.get_model_version("imported-model", "1").run_id == written["run_ids"][0]
