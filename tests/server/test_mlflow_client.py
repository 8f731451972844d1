"""The official MLflow client, unchanged, against a live Jupyter Server with the tracker.

Each script in ``tests/support/mlflow_scripts/`` is ordinary MLflow code making many calls;
it runs in its own interpreter (as user code would) and prints a JSON report, checked here
together with what our native API and client see of the same data.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support.paths import MLFLOW_SCRIPTS
from support.scripts import run_script

from jupyterlab_tracker.testing import LiveServer

pytestmark = pytest.mark.slow  # a live lab server and the official client in subprocesses

SCRIPTS = MLFLOW_SCRIPTS


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("mlflow-compat")).start()
    yield live
    live.stop()


def test_tracking_calls(server):
    report = run_script(server, "tracking.py")
    assert report["mlflow_version"].startswith("3.17")
    assert report["missing_experiment"] is None
    assert report["duplicate_error"] == "RESOURCE_ALREADY_EXISTS"
    assert report["param_change_error"] == "INVALID_PARAMETER_VALUE"
    assert report["artifact_location"] == f"mlflow-artifacts:/{report['experiment_id']}"
    assert report["deleted_stage"] == "deleted" and report["deleted_names"] == ["renamed"]
    assert report["restored"] == {"stage": "active", "tags": {"team": "vision", "stage": "dev"}}
    assert report["experiment_search"] == ["renamed"]

    run = report["run"]
    assert run["name"] == "parent" and run["status"] == "FINISHED"
    assert run["artifact_uri"] == (
        f"mlflow-artifacts:/{report['experiment_id']}/{report['run_id']}/artifacts"
    )
    assert run["params"] == {"lr": "0.01", "layers": "3", "optimizer": "adam", "batch_param": "x"}
    assert run["metrics"] == {
        "loss": 0.2, "acc": 0.9, "f1": 0.8, "weird": "nan", "big": "inf", "batch": 49.0
    }  # fmt: skip
    assert run["tags"]["team"] == "vision" and run["tags"]["batch_tag"] == "y"
    assert "b" not in run["tags"] and run["tags"]["mlflow.note.content"] == "the parent run"
    assert report["child_parent"] is True
    assert report["history"] == [[0, 1.0], [1, 0.5], [2, 1 / 3], [3, 0.25], [4, 0.2]]
    assert report["batch_history_len"] == 50

    assert report["artifacts_root"] == ["config.json", "docs", "notes.txt", "plots", "text", "tree"]
    assert report["artifacts_tree"] == ["tree/one.txt", "tree/sub"]
    assert report["downloaded"] == "hello"
    assert report["loaded_dict"] == {"alpha": 1} and report["loaded_text"] == "some text"

    assert report["search_filtered"] == ["parent"]
    assert report["search_ordered"] == ["parent", "other"]
    assert "metrics.loss" in report["frame_columns"] and "params.lr" in report["frame_columns"]
    assert report["statuses"] == ["FAILED", "FINISHED", "FINISHED", "FINISHED"]
    assert report["paged"] == [2, True]
    assert report["deleted_run_hidden"] is True and report["restored_run"] == "active"

    # One service underneath: our native API sees what mlflow wrote, files included.
    body = server.api("GET", f"tracker/api/runs/{report['run_id']}").json()["run"]
    assert body["data"]["params"]["optimizer"] == "adam"
    assert body["data"]["metrics"]["loss"]["value"] == 0.2
    assert body["info"]["artifact_uri"].startswith(str(server.root / "artifacts"))
    listing = server.api(
        "GET", f"tracker/api/runs/{report['run_id']}/artifacts", params={"path": "plots"}
    ).json()
    assert [f["path"] for f in listing["files"]] == ["plots/line.png"]


def test_models_and_registry(server):
    report = run_script(server, "models.py")
    assert report["model_id_form"] is True and report["model_uri"].startswith("models:/m-")
    assert report["r2_history_len"] == 1  # log_model's re-sent points are not duplicated
    assert report["pyfunc_prediction"] and report["sklearn_prediction"]
    assert report["versions"] == ["1", "2"]
    assert report["champion_prediction"] and report["by_version_prediction"]
    assert report["alias_version"] == "1" and report["version_aliases"] == ["champion"]
    assert report["version_tags"] == {"validated": "yes"}
    assert report["version_description"] == "first"
    assert report["stage"] == "Production" and report["latest_production"] == ["2"]
    assert report["registered"] == {
        "tags": {"team": "risk"}, "description": "fraud model", "aliases": {"champion": "1"}
    }  # fmt: skip
    assert report["search_all"] == ["fraud", "other-model"]
    assert report["search_like"] == ["fraud"]
    assert report["search_versions"] == ["1", "2"]
    assert report["download_uri"].startswith("mlflow-artifacts:/")
    assert report["duplicate_model_error"] == "RESOURCE_ALREADY_EXISTS"
    assert report["missing_model_error"] == "RESOURCE_DOES_NOT_EXIST"
    assert report["aliases_after_delete"] == {}
    assert report["after_delete"] == ["fraud"]
    if report["torch"] != "missing":
        assert report["torch"] is True

    # The native API sees the registry mlflow wrote.
    versions = server.api(
        "GET", "tracker/api/model-versions/by-name", params={"name": "fraud", "version": "1"}
    ).json()["model_version"]
    assert versions["model_id"] == report["model_id"]
    assert versions["tags"] == {"validated": "yes"}


def test_what_our_client_writes_mlflow_reads(server):
    """The other direction: our HTTP client logs, the official client reads."""
    code = f"""
import json, os
os.environ["JUPYTERLAB_TRACKER_URI"] = {server.tracker_url!r}
os.environ["JUPYTERLAB_TRACKER_TOKEN"] = {server.token!r}
import jupyterlab_tracker as jt
jt.set_experiment("native-side")
with jt.start_run(run_name="ours") as run:
    jt.log_param("p", "1")
    jt.log_metrics({{"m": 0.5}}, step=3)
    jt.log_dict({{"k": 1}}, "cfg.json")
jt.flush()
import mlflow
client = mlflow.MlflowClient()
seen = client.get_run(run.info.run_id)
exp = mlflow.get_experiment_by_name("native-side")
print(json.dumps({{
    "name": seen.info.run_name,
    "params": seen.data.params,
    "history": [(m.step, m.value) for m in client.get_metric_history(run.info.run_id, "m")],
    "artifacts": [a.path for a in client.list_artifacts(run.info.run_id)],
    "dict": mlflow.artifacts.load_dict(seen.info.artifact_uri + "/cfg.json"),
    "runs": len(mlflow.search_runs([exp.experiment_id], output_format="list")),
}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=server.mlflow_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report == {
        "name": "ours",
        "params": {"p": "1"},
        "history": [[3, 0.5]],
        "artifacts": ["cfg.json"],
        "dict": {"k": 1},
        "runs": 1,
    }


def test_errors_keep_mlflow_shapes(server):
    base = "tracker/api/2.0/mlflow"
    missing = server.api("GET", f"{base}/runs/get", params={"run_id": "0" * 32})
    assert missing.status_code == 404
    assert missing.json()["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    bad = server.api("POST", f"{base}/runs/log-metric", json={"run_id": "0" * 32, "key": "k"})
    assert bad.status_code == 400 and bad.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    unknown = server.api("GET", f"{base}/no-such-endpoint")
    assert unknown.status_code == 404 and unknown.json()["error_code"] == "ENDPOINT_NOT_FOUND"
    escape = server.api("GET", "tracker/api/2.0/mlflow-artifacts/artifacts/%2e%2e/secret")
    assert escape.status_code == 400
    assert server.api("GET", "tracker/api/3.0/mlflow/server-info").json()["store_type"]


def test_artifact_policy_and_hygiene(server):
    """The official client against the artifact location policy and the proxy's rules."""
    report = run_script(server, "artifact_policy.py")
    assert set(report["locations"].values()) == {"INVALID_PARAMETER_VALUE"}, report
    assert report["proxied_location"] == "mlflow-artifacts:/policy"
    assert report["run_artifact_uri"].startswith("mlflow-artifacts:/policy/")
    assert report["delete_root"] == "400 INVALID_PARAMETER_VALUE"  # a run's whole artifacts
    assert report["after_delete_root"] == ["note.txt", "sub"]
    assert report["after_delete_sub"] == ["note.txt"]
    assert report["deleted_run_upload"] == "400 INVALID_PARAMETER_VALUE"  # as MLflow's writes
    assert report["restored_run_upload"] == ["late", "note.txt"]
    assert set(report["sources"].values()) == {"INVALID_PARAMETER_VALUE"}, report
    assert report["version_source"].startswith("runs:/")
    assert report["copy_source"] == "models:/policy-model/1"


def _run_mlflow_code(server: LiveServer, code: str, env: dict | None = None) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env or server.mlflow_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_official_client_sending_a_batch_again_stores_it_once(server):
    """What the client's POST retries amount to: the same request, sent again."""
    report = _run_mlflow_code(
        server,
        """
import json
from mlflow import MlflowClient
from mlflow.entities import Metric

client = MlflowClient()
run_id = client.create_run("0").info.run_id
points = [Metric("loss", 1.0 / (s + 1), 1000 + s, s) for s in range(10)]
for _ in range(3):
    client.log_batch(run_id, metrics=points)
for _ in range(2):
    client.log_metric(run_id, "acc", 0.9, timestamp=5000, step=1)
print(json.dumps({
    key: [(m.step, m.value) for m in client.get_metric_history(run_id, key)]
    for key in ("loss", "acc")
}))
""",
    )
    assert report == {
        "loss": [[s, 1.0 / (s + 1)] for s in range(10)],
        "acc": [[1, 0.9]],
    }


def test_the_official_client_without_the_token_is_told_to_set_it(server):
    env = {k: v for k, v in server.mlflow_env().items() if k != "MLFLOW_TRACKING_TOKEN"}
    report = _run_mlflow_code(
        server,
        """
import json
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

client = MlflowClient()
answers = {}
for name, call in [
    ("GET", lambda: client.get_experiment("0")),
    ("POST", lambda: client.create_experiment("no-token")),
]:
    try:
        call()
        answers[name] = "accepted"
    except MlflowException as error:
        answers[name] = [error.error_code, error.message]
print(json.dumps(answers))
""",
        env=env,
    )
    for verb in ("GET", "POST"):
        code, message = report[verb]
        assert code == "PERMISSION_DENIED", report
        assert "MLFLOW_TRACKING_TOKEN" in message and "_xsrf" not in message, message


def test_mlflow_readers_find_what_jt_logs(server):
    """mlflow.load_table finds jt.log_table's tables (the mlflow.loggedArtifacts tag);
    mlflow.artifacts' readers read jt's dicts, text and images; the same objects logged by
    mlflow give the same files, byte for byte (images: the same pixels)."""
    report = run_script(server, "readers.py")
    run_id = report["table"]["run_id"][0]
    assert report["table"] == {
        "q": ["What is MLflow?", "What is jt?", "And then?"],
        "score": [0.5, 0.75, 1.0],
        "run_id": [run_id] * 3,
    }
    assert report["both_runs"] is True
    assert report["parquet"] == {"q": ["What is MLflow?", "What is jt?"], "score": [0.5, 0.75]}
    tables = [{"path": "eval/results.json", "type": "table"}]
    tables.append({"path": "results.parquet", "type": "table"})
    assert report["tags"] == [tables, tables]
    assert report["dict"] == {"b": {"layers": [1, 2]}, "a": 0.1, "when": "2026-01-01 00:00:00"}
    assert report["text"] == "some notes"
    for path, (ours, theirs) in report["images"].items():
        assert ours == theirs, path
    assert report["formats"] == {
        "images/grid.png": "PNG",
        "images/grid.jpg": "JPEG",
        "plots/line.png": "PNG",
    }
    ours_paths, theirs_paths = report["paths"]
    assert ours_paths == theirs_paths
    assert report["same_files"] == [
        "config.json",
        "config.yaml",
        "eval/results.json",
        "notes/readme.md",
        "results.parquet",
    ]
