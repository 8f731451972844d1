"""The routes of MLflow's web UI that scripts call (the Python client does not), over REST.

Run against the tracker and against ``mlflow server`` by tests/server/test_mlflow_web_ui_routes.py,
which compares the two reports. The data is made with the official client; each case
then calls one route with ``requests`` and records its answer, with the ids that differ
between two servers (run ids, logged-model ids) replaced by stable names, so that equal
behaviour gives equal reports. Prints the report as JSON on its last line.
"""

from __future__ import annotations

import json
import math
import os
import re
from email.message import Message

import mlflow
import pandas as pd
import requests
from mlflow import MlflowClient
from mlflow.entities import Metric
from sklearn.linear_model import LinearRegression

URI = os.environ["MLFLOW_TRACKING_URI"].rstrip("/")
TOKEN = os.environ.get("MLFLOW_TRACKING_TOKEN")
HEADERS = {"Authorization": f"Bearer {TOKEN}"} if TOKEN else {}
ML = "/api/2.0/mlflow"
AJAX = "/ajax-api/2.0/mlflow"

client = MlflowClient()
names: dict[str, str] = {}  # id -> stable name


def name(identifier: str, label: str) -> str:
    names[identifier] = label
    return identifier


def _nan_as_string(value):
    """MLflow's bulk route writes NaN as a bare ``NaN`` (not JSON), its other routes and
    ours as the string "NaN"; compared as the string."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, dict):
        return {k: _nan_as_string(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nan_as_string(v) for v in value]
    return value


def anonymise(value):
    text = json.dumps(_nan_as_string(value))
    for identifier, label in names.items():
        text = text.replace(identifier, label)
    return json.loads(re.sub(r"m-[0-9a-f]{32}", "<model id>", text))


def call(method: str, path: str, **kwargs) -> dict:
    response = requests.request(method, URI + path, headers=HEADERS, timeout=60, **kwargs)
    answer = {"status": response.status_code}
    content_type = response.headers.get("Content-Type", "")
    if content_type.startswith("application/json") and response.content:
        body = response.json()
        if response.status_code >= 400:
            answer.update(error_code=body.get("error_code"), message=body.get("message"))
        else:
            answer["body"] = body
    elif response.status_code < 400:
        disposition = Message()
        disposition["Content-Disposition"] = response.headers.get("Content-Disposition", "")
        answer.update(
            bytes=response.content.decode("latin-1"),
            disposition=disposition.get_content_disposition(),
            filename=disposition.get_filename(),
            nosniff=response.headers.get("X-Content-Type-Options") == "nosniff",
        )
    return anonymise(answer)


# -- data, through the official client ----------------------------------------------------
experiment_id = client.create_experiment("web-ui-routes")
mlflow.set_experiment(experiment_id=experiment_id)
first = name(client.create_run(experiment_id).info.run_id, "<run 1>")
second = name(client.create_run(experiment_id).info.run_id, "<run 2>")
# Two points per step with different timestamps and values, so that each order matters.
client.log_batch(
    first, metrics=[Metric("loss", float(i % 7), 1000 + (i % 3), i // 2) for i in range(40)]
)
client.log_batch(
    second,
    metrics=[Metric("loss", float("nan") if i == 3 else float(i), 5, i) for i in range(10)],
)
client.log_batch(second, metrics=[Metric("acc", 0.5, 7, 0)])
# The bulk route orders by run id, which differs between servers: name runs by that rank.
rank_names = {names[r]: f"<run {i} by id>" for i, r in enumerate(sorted([first, second]), 1)}

with mlflow.start_run() as run:
    name(run.info.run_id, "<run 3>")
    mlflow.log_input(mlflow.data.from_pandas(pd.DataFrame({"a": [1, 2]}), name="train"), "training")
    mlflow.log_input(mlflow.data.from_pandas(pd.DataFrame({"b": [1]}), name="other"))
    mlflow.log_text("hello", "a/b.txt")
    mlflow.log_text("<script>alert(1)</script>", "page.html")
third = run.info.run_id
with mlflow.start_run() as run:
    name(run.info.run_id, "<run 4>")
    mlflow.log_input(mlflow.data.from_pandas(pd.DataFrame({"a": [1, 2]}), name="train"), "eval")
    mlflow.sklearn.log_model(
        LinearRegression().fit([[1], [2]], [1, 2]), name="model", registered_model_name="web-ui"
    )

report = {}


def bulk(**params) -> dict:
    return call("GET", f"{AJAX}/metrics/get-history-bulk", params=params)


def by_run(answer: dict) -> dict:
    """A bulk answer as each run's points, and whether the runs come in run id order (the
    ids, hence that order, differ between two servers)."""
    points = answer["body"]["metrics"]
    ranks = [rank_names[p["run_id"]] for p in points]
    grouped: dict[str, list] = {}
    for point in points:
        grouped.setdefault(point.pop("run_id"), []).append(point)
    return {
        "status": answer["status"],
        "points by run": grouped,
        "runs in id order": ranks == sorted(ranks),
    }


full = bulk(run_id=[first, second], metric_key="loss")
cut = bulk(run_id=[first, second, "0" * 32, "not-a-run"], metric_key="loss", max_results=5)
report["bulk first 5"] = {
    "status": cut["status"],
    "the first 5 of the whole": cut["body"]["metrics"] == full["body"]["metrics"][:5],
}
report["bulk"] = by_run(full)
report["bulk one run"] = by_run(bulk(run_id=second, metric_key="loss"))
report["bulk unknown key"] = bulk(run_id=second, metric_key="nope")
report["bulk no run"] = bulk(metric_key="loss")
report["bulk no key"] = bulk(run_id=second)
report["bulk too many runs"] = bulk(run_id=[second] * 101, metric_key="loss")

for prefix in (ML, AJAX):
    path = f"{prefix}/metrics/get-history-bulk-interval"
    report[f"interval {prefix}"] = call(
        "GET", path, params={"run_ids": [first, second], "metric_key": "loss", "max_results": 5}
    )
interval = f"{ML}/metrics/get-history-bulk-interval"
for label, params in {
    "interval default": {"run_ids": [second, first], "metric_key": "loss"},
    "interval 1": {"run_ids": first, "metric_key": "loss", "max_results": 1},
    "interval steps": {
        "run_ids": first, "metric_key": "loss", "start_step": 3, "end_step": 6, "max_results": 3
    },
    "interval start only": {"run_ids": first, "metric_key": "loss", "start_step": 3},
    "interval reversed": {"run_ids": first, "metric_key": "loss", "start_step": 7, "end_step": 3},
    "interval no runs": {"metric_key": "loss"},
    "interval no key": {"run_ids": first},
    "interval 0": {"run_ids": first, "metric_key": "loss", "max_results": 0},
    "interval 2501": {"run_ids": first, "metric_key": "loss", "max_results": 2501},
    "interval unknown run": {"run_ids": "0" * 32, "metric_key": "loss"},
    "interval 101 runs": {"run_ids": [first] * 101, "metric_key": "loss"},
}.items():  # fmt: skip
    report[label] = call("GET", interval, params=params)

datasets = f"{AJAX}/experiments/search-datasets"
report["datasets"] = call("POST", datasets, json={"experiment_ids": [experiment_id]})
report["datasets none"] = call("POST", datasets, json={"experiment_ids": ["999"]})
report["datasets empty"] = call("POST", datasets, json={})
report["datasets 21"] = call("POST", datasets, json={"experiment_ids": [str(i) for i in range(21)]})

for prefix in (ML, AJAX):
    report[f"list {prefix}"] = call("GET", f"{prefix}/artifacts/list", params={"run_id": third})
listing = f"{ML}/artifacts/list"
report["list dir"] = call("GET", listing, params={"run_id": third, "path": "a"})
report["list file"] = call("GET", listing, params={"run_id": third, "path": "a/b.txt"})
report["list missing dir"] = call("GET", listing, params={"run_id": third, "path": "nope"})
report["list run_uuid"] = call("GET", listing, params={"run_uuid": third, "page_token": "x"})
report["list traversal"] = call("GET", listing, params={"run_id": third, "path": "../x"})
report["list unknown run"] = call("GET", listing, params={"run_id": "0" * 32})

report["get text"] = call("GET", "/get-artifact", params={"run_id": third, "path": "a/b.txt"})
report["get html"] = call("GET", "/get-artifact", params={"run_uuid": third, "path": "page.html"})
report["get missing"] = call("GET", "/get-artifact", params={"run_id": third, "path": "nope.txt"})
report["get traversal"] = call(
    "GET", "/get-artifact", params={"run_id": third, "path": "../../../etc/passwd"}
)

upload = f"{AJAX}/upload-artifact"
report["upload"] = call(
    "POST", upload, params={"run_uuid": third, "path": "up/x.bin"}, data=b"\x00\x01data"
)
report["upload read back"] = call(
    "GET", "/get-artifact", params={"run_id": third, "path": "up/x.bin"}
)
report["upload listed"] = call("GET", listing, params={"run_id": third, "path": "up"})
report["upload empty"] = call("POST", upload, params={"run_uuid": third, "path": "e"}, data=b"")
report["upload no run"] = call("POST", upload, params={"path": "e"}, data=b"x")
report["upload run_id only"] = call(
    "POST", upload, params={"run_id": third, "path": "e"}, data=b"x"
)
report["upload no path"] = call("POST", upload, params={"run_uuid": third}, data=b"x")
report["upload traversal"] = call(
    "POST", upload, params={"run_uuid": third, "path": "../../x"}, data=b"x"
)
report["upload unknown run"] = call(
    "POST", upload, params={"run_uuid": "0" * 32, "path": "x"}, data=b"x"
)

version_file = "/model-versions/get-artifact"
report["version file"] = call(
    "GET", version_file, params={"name": "web-ui", "version": "1", "path": "requirements.txt"}
)
report["version missing file"] = call(
    "GET", version_file, params={"name": "web-ui", "version": "1", "path": "nope"}
)
report["version unknown"] = call(
    "GET", version_file, params={"name": "web-ui", "version": "9", "path": "MLmodel"}
)

# The rest of MLflow's REST API answers under ajax-api/ too.
run_answer = call("GET", f"{AJAX}/runs/get", params={"run_id": third})
report["ajax runs/get"] = [run_answer["status"], run_answer["body"]["run"]["info"]["run_id"]]
report["ajax artifact proxy"] = call(
    "GET", "/ajax-api/2.0/mlflow-artifacts/artifacts", params={"path": f"{experiment_id}/{third}"}
)
info = call("GET", "/ajax-api/3.0/mlflow/server-info")
report["ajax server-info"] = [info["status"], info["body"]["store_type"]]
report["ajax unknown"] = call("GET", f"{AJAX}/no-such-route")

print(json.dumps(report))
