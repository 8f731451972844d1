"""What the official MLflow client is refused by the tracker's artifact policy and hygiene
rules, and what still works: hostile artifact locations and model sources, uploads to a
deleted run, deleting a run's whole artifact directory through the proxy.

Prints one JSON report on its last line for tests/server/test_mlflow_client.py.
"""

import json
import sys
import tempfile
from pathlib import Path

import requests
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

client = MlflowClient()
report = {}


def error_of(call, *args, **kwargs):
    """The error code the call fails with (the artifact repositories raise requests'
    HTTPError with the server's JSON answer), None if it succeeds."""
    try:
        call(*args, **kwargs)
    except MlflowException as error:
        return error.error_code
    except requests.HTTPError as error:
        return f"{error.response.status_code} {error.response.json()['error_code']}"
    return None


report["locations"] = {
    location: error_of(client.create_experiment, f"bad {i}", artifact_location=location)
    for i, location in enumerate(
        ["/etc", "file:///tmp/elsewhere", "relative", "http://169.254.169.254/x"]
    )
}
experiment_id = client.create_experiment("policy", artifact_location="mlflow-artifacts:/policy")
report["proxied_location"] = client.get_experiment(experiment_id).artifact_location

with tempfile.TemporaryDirectory() as tmp:
    note = Path(tmp) / "note.txt"
    note.write_text("kept")
    run = client.create_run(experiment_id)
    run_id = run.info.run_id
    client.log_artifact(run_id, str(note))
    client.log_artifact(run_id, str(note), "sub")
    report["run_artifact_uri"] = run.info.artifact_uri

    repository = get_artifact_repository(run.info.artifact_uri)
    report["delete_root"] = error_of(repository.delete_artifacts)
    report["after_delete_root"] = sorted(f.path for f in client.list_artifacts(run_id))
    repository.delete_artifacts("sub")
    report["after_delete_sub"] = sorted(f.path for f in client.list_artifacts(run_id))

    client.delete_run(run_id)
    report["deleted_run_upload"] = error_of(client.log_artifact, run_id, str(note), "late")
    client.restore_run(run_id)
    client.log_artifact(run_id, str(note), "late")
    report["restored_run_upload"] = sorted(f.path for f in client.list_artifacts(run_id))

client.create_registered_model("policy-model")
report["sources"] = {
    source: error_of(client.create_model_version, "policy-model", source)
    for source in ["/etc/passwd", "file:///etc", f"runs:/{run_id}/../../x", "https://x.test/m"]
}
version = client.create_model_version("policy-model", f"runs:/{run_id}/sub", run_id=run_id)
report["version_source"] = version.source
copied = client.copy_model_version(f"models:/policy-model/{version.version}", "policy-copy")
report["copy_source"] = copied.source

print(json.dumps(report))
sys.stdout.flush()
