"""Ordinary MLflow tracking code, run by the official client against the tracker.

Reads MLFLOW_TRACKING_URI / MLFLOW_TRACKING_TOKEN from the environment like any user code;
prints one JSON report on its last line for tests/server/test_mlflow_client.py.
"""

import json
import math
import os
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param, RunTag, ViewType  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402

report = {"mlflow_version": mlflow.__version__}
client = MlflowClient()

# -- experiments -------------------------------------------------------------------------
report["missing_experiment"] = mlflow.get_experiment_by_name("does-not-exist")
experiment = mlflow.set_experiment("compat")
experiment_id = experiment.experiment_id
report["artifact_location"] = experiment.artifact_location
try:
    client.create_experiment("compat")
except MlflowException as error:
    report["duplicate_error"] = error.error_code
other_id = client.create_experiment("to-rename", tags={"team": "vision"})
client.rename_experiment(other_id, "renamed")
client.set_experiment_tag(other_id, "stage", "dev")
client.delete_experiment(other_id)
report["deleted_stage"] = client.get_experiment(other_id).lifecycle_stage
deleted = mlflow.search_experiments(view_type=ViewType.DELETED_ONLY)
report["deleted_names"] = [e.name for e in deleted]
client.restore_experiment(other_id)
restored = client.get_experiment_by_name("renamed")
report["restored"] = {"stage": restored.lifecycle_stage, "tags": restored.tags}
report["experiment_search"] = sorted(
    e.name for e in mlflow.search_experiments(filter_string="name LIKE 're%'")
)

# -- runs ----------------------------------------------------------------------------------
with mlflow.start_run(run_name="parent", description="the parent run") as parent:
    mlflow.log_param("lr", 0.01)
    mlflow.log_params({"layers": 3, "optimizer": "adam"})
    for step in range(5):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    mlflow.log_metrics({"acc": 0.9, "f1": 0.8}, step=4)
    mlflow.log_metric("weird", math.nan)
    mlflow.log_metric("big", math.inf)
    mlflow.set_tag("team", "vision")
    mlflow.set_tags({"a": "1", "b": "2"})
    with mlflow.start_run(run_name="child", nested=True) as child:
        mlflow.log_metric("child_metric", 7)
    try:
        mlflow.log_param("lr", 0.02)
    except MlflowException as error:
        report["param_change_error"] = error.error_code
    client.log_batch(
        parent.info.run_id,
        metrics=[Metric("batch", float(i), 1700000000000 + i, i) for i in range(50)],
        params=[Param("batch_param", "x")],
        tags=[RunTag("batch_tag", "y")],
    )
    client.delete_tag(parent.info.run_id, "b")
    # artifacts
    tmp = tempfile.mkdtemp()
    path = os.path.join(tmp, "notes.txt")
    with open(path, "w") as f:
        f.write("hello")
    mlflow.log_artifact(path)
    mlflow.log_artifact(path, artifact_path="docs")
    os.makedirs(os.path.join(tmp, "tree", "sub"))
    for name in ("tree/one.txt", "tree/sub/two.txt"):
        with open(os.path.join(tmp, name), "w") as f:
            f.write(name)
    mlflow.log_artifacts(os.path.join(tmp, "tree"), artifact_path="tree")
    mlflow.log_dict({"alpha": 1}, "config.json")
    mlflow.log_text("some text", "text/readme.md")
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    mlflow.log_figure(fig, "plots/line.png")

run_id = parent.info.run_id
run = client.get_run(run_id)
report["run"] = {
    "name": run.info.run_name,
    "status": run.info.status,
    "artifact_uri": run.info.artifact_uri,
    "params": run.data.params,
    "metrics": {k: (v if math.isfinite(v) else str(v)) for k, v in run.data.metrics.items()},
    "tags": {k: v for k, v in run.data.tags.items() if not k.startswith("mlflow.source")},
}
child_run = client.get_run(child.info.run_id)
report["child_parent"] = child_run.data.tags.get("mlflow.parentRunId") == run_id
report["history"] = [(m.step, m.value) for m in client.get_metric_history(run_id, "loss")]
report["batch_history_len"] = len(client.get_metric_history(run_id, "batch"))
report["artifacts_root"] = sorted(a.path for a in client.list_artifacts(run_id))
report["artifacts_tree"] = sorted(a.path for a in client.list_artifacts(run_id, "tree"))
local = mlflow.artifacts.download_artifacts(run_id=run_id, artifact_path="docs/notes.txt")
report["downloaded"] = Path(local).read_text()
report["loaded_dict"] = mlflow.artifacts.load_dict(f"{run.info.artifact_uri}/config.json")
report["loaded_text"] = mlflow.artifacts.load_text(f"{run.info.artifact_uri}/text/readme.md")

# A failing run.
try:
    with mlflow.start_run(run_name="failing"):
        mlflow.log_param("p", 1)
        raise RuntimeError("boom")
except RuntimeError:
    pass

# -- search ------------------------------------------------------------------------------
with mlflow.start_run(run_name="other"):
    mlflow.log_metric("acc", 0.5)
    mlflow.log_param("optimizer", "sgd")
runs = mlflow.search_runs(
    experiment_ids=[experiment_id],
    filter_string="metrics.acc > 0.1 and params.optimizer = 'adam'",
    output_format="list",
)
report["search_filtered"] = [r.info.run_name for r in runs]
ordered = mlflow.search_runs(
    experiment_ids=[experiment_id], order_by=["metrics.acc DESC"], output_format="list"
)
report["search_ordered"] = [r.info.run_name for r in ordered if "acc" in r.data.metrics]
frame = mlflow.search_runs(experiment_names=["compat"])
report["frame_columns"] = sorted(c for c in frame.columns if c.startswith(("metrics.", "params.")))
report["statuses"] = sorted(r.info.status for r in client.search_runs([experiment_id]))
paged = client.search_runs([experiment_id], max_results=2)
report["paged"] = [len(paged), bool(paged.token)]

# -- delete / restore ----------------------------------------------------------------------
client.delete_run(child.info.run_id)
report["deleted_run_hidden"] = child.info.run_id not in [
    r.info.run_id for r in client.search_runs([experiment_id])
]
client.restore_run(child.info.run_id)
report["restored_run"] = client.get_run(child.info.run_id).info.lifecycle_stage
report["run_id"] = run_id
report["experiment_id"] = experiment_id
print(json.dumps(report))
sys.stdout.flush()
