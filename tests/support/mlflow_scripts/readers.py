"""What jt logs, MLflow's own readers find: jt logs tables, dicts, text, images and a
figure over HTTP, mlflow logs the same objects into another run, and mlflow's readers
(load_table, artifacts.load_dict/load_text/load_image) read them back; prints a JSON report
for test_mlflow_client.py."""

import json
import os
import tempfile

import matplotlib
import mlflow
import numpy as np
import pandas as pd

import jupyterlab_tracker as jt

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 (after choosing the backend)

# jt talks to the same server as mlflow (it reads these when it first connects).
os.environ["JUPYTERLAB_TRACKER_URI"] = os.environ["MLFLOW_TRACKING_URI"]
os.environ["JUPYTERLAB_TRACKER_TOKEN"] = os.environ["MLFLOW_TRACKING_TOKEN"]

TABLE = {"q": ["What is MLflow?", "What is jt?"], "score": [0.5, 0.75]}
MORE = pd.DataFrame({"q": ["And then?"], "score": [1.0]})
CONFIG = {"b": {"layers": [1, 2]}, "a": 0.1, "when": pd.Timestamp("2026-01-01")}
PIXELS = np.linspace(0, 1, 4 * 5 * 3).reshape(4, 5, 3)
figure, axes = plt.subplots(figsize=(2, 2))
axes.plot([0, 1], [1, 0])


def log_everything(api):
    api.log_table(TABLE, "eval/results.json")
    api.log_table(MORE, "eval/results.json")  # appended, as MLflow does
    api.log_table(TABLE, "results.parquet")
    api.log_dict(CONFIG, "config.json")
    api.log_dict({"b": 2, "a": [1, 2]}, "config.yaml")
    api.log_text("some notes", "notes/readme.md")
    api.log_image(PIXELS, "images/grid.png")
    api.log_image(PIXELS, "images/grid.jpg")
    api.log_figure(figure, "plots/line.png", save_kwargs={"dpi": 50})


experiment_id = mlflow.set_experiment("readers").experiment_id
jt.set_experiment("readers")
with jt.start_run(run_name="jt") as ours:
    log_everything(jt)
with mlflow.start_run(run_name="mlflow") as theirs:
    log_everything(mlflow)


def uri(run, path):
    return f"runs:/{run.info.run_id}/{path}"


def files(run):
    root = mlflow.artifacts.download_artifacts(run_id=run.info.run_id, dst_path=tempfile.mkdtemp())
    found = {}
    for directory, _, names in os.walk(root):
        for name in names:
            path = os.path.join(directory, name)
            with open(path, "rb") as file:
                found[os.path.relpath(path, root)] = file.read()
    return found


def pixels(image_uri):
    return np.asarray(mlflow.artifacts.load_image(image_uri)).tolist()


ours_files, theirs_files = files(ours), files(theirs)
images = ("images/grid.png", "images/grid.jpg", "plots/line.png")
table = mlflow.load_table("eval/results.json", run_ids=[ours.info.run_id], extra_columns=["run_id"])
both = mlflow.load_table("eval/results.json", extra_columns=["run_id"])
client = mlflow.MlflowClient()
print(
    json.dumps(
        {
            "table": table.to_dict(orient="list"),
            "both_runs": sorted(set(both["run_id"]))
            == sorted([ours.info.run_id, theirs.info.run_id]),
            "parquet": mlflow.load_table("results.parquet", run_ids=[ours.info.run_id]).to_dict(
                "list"
            ),
            "tags": [
                json.loads(client.get_run(r.info.run_id).data.tags["mlflow.loggedArtifacts"])
                for r in (ours, theirs)
            ],
            "dict": mlflow.artifacts.load_dict(uri(ours, "config.json")),
            "text": mlflow.artifacts.load_text(uri(ours, "notes/readme.md")),
            "images": {path: [pixels(uri(run, path)) for run in (ours, theirs)] for path in images},
            "formats": {
                path: mlflow.artifacts.load_image(uri(ours, path)).format for path in images
            },
            "same_files": sorted(
                p for p in ours_files if p not in images and ours_files[p] == theirs_files.get(p)
            ),
            "paths": [sorted(ours_files), sorted(theirs_files)],
        }
    )
)
