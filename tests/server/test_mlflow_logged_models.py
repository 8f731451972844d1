"""MLflow 3's logged models through the official client: our answer == MLflow's answer.

One sequence of client calls is replayed against the lab server and against MLflow's own
server (``mlflow_reference``: the installed mlflow, SQLite store, proxied artifacts), and
what the client gets back is compared. Model and run ids differ between the two servers,
so results name models by their names. Where we differ from MLflow on purpose
(docs/mlflow-compatibility.md, "Logged models"), a test says what we answer instead.
"""

from __future__ import annotations

import math
import os
import tempfile

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient
from mlflow.entities import LoggedModelInput, LoggedModelStatus, Metric
from mlflow.exceptions import MlflowException
from support.mlflow_reference import MlflowReference
from support.waiting import next_millisecond

from jupyterlab_tracker.testing import LiveServer

pytestmark = pytest.mark.slow  # a live lab server beside MLflow's own


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    root = tmp_path_factory.mktemp("logged-models")
    ours = LiveServer(root / "ours").start()
    theirs = MlflowReference(root / "theirs").start()
    saved = {k: os.environ.get(k) for k in ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_URI")}
    # MLflow's server ignores the token; ours needs it.
    os.environ["MLFLOW_TRACKING_TOKEN"] = ours.token
    yield {"ours": ours.tracker_url, "theirs": theirs.url, "mlflow_db": theirs.root}
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    mlflow.set_tracking_uri(None)
    theirs.stop()
    ours.stop()


@pytest.fixture(autouse=True)
def no_retries(monkeypatch):
    # A bug must fail at once, not after minutes of the client's retries.
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")


def error_code(call) -> str:
    try:
        call()
    except MlflowException as error:
        return error.error_code
    return "ok"


def replay_both(servers, sequence) -> tuple[dict, dict]:
    return sequence(servers["ours"]), sequence(servers["theirs"])


# -- search: filters, datasets, order_by, pages ----------------------------------------

# (name, model_type, params, tags, source run index or None, final status or None)
MODELS = [
    ("alpha", "sklearn", {"lr": "0.1", "depth": "3"}, {"team": "a"}, 0, "READY"),
    ("beta", "torch", {"lr": "0.01"}, {"team": "b"}, 1, "READY"),
    ("gamma", "sklearn", {"lr": "0.1"}, {"team": "a", "x": "y"}, 0, "FAILED"),
    ("delta", "xgb", {}, {}, 1, None),
    ("Alpha2", "sklearn", {"depth": "5"}, {"team": "A"}, 0, "READY"),
    ("eps", "torch", {"lr": "1"}, {}, 1, "READY"),
    ("zeta", "sklearn", {}, {"team": "c"}, 1, "READY"),  # deleted below
]
# Points linked to models: (key, value, timestamp, step, dataset name, dataset digest).
POINTS = {
    "alpha": [
        ("acc", 0.7, 1000, 0, "train", "d1"),
        ("acc", 0.9, 2000, 1, "test", "d2"),
        ("loss", 0.3, 1000, 0, None, None),
    ],
    "beta": [("acc", 0.95, 1500, 0, "test", "d2"), ("acc", 0.5, 1000, 0, "train", "d1")],
    "gamma": [("acc", 0.8, 1000, 0, "test", "d2"), ("loss", 0.1, 1000, 0, None, None)],
    "delta": [("loss", 0.5, 1000, 0, None, None)],
    "Alpha2": [("acc", 0.85, 3000, 2, "test", "d3")],
    "zeta": [("acc", 0.6, 1000, 0, "train", "d1")],
}
SEARCHES = {
    "all": {},
    "name": {"filter_string": "name = 'beta'"},
    "name like": {"filter_string": "name LIKE 'a%'"},
    "name ilike": {"filter_string": "name ILIKE 'a%'"},
    "name in": {"filter_string": "name IN ('beta', 'gamma')"},
    "name not in": {"filter_string": "name NOT IN ('beta', 'gamma')"},
    "name !=": {"filter_string": "name != 'beta'"},
    "model_type": {"filter_string": "model_type = 'sklearn'"},
    "attributes. prefix": {"filter_string": "attributes.model_type = 'torch'"},
    "creation_timestamp": {"filter_string": "creation_timestamp > 0"},
    "creation_time": {"filter_string": "creation_time > 0"},
    "last_updated_timestamp": {"filter_string": "last_updated_timestamp >= 0"},
    "params =": {"filter_string": "params.lr = '0.1'"},
    "params like": {"filter_string": "params.lr LIKE '0.%'"},
    "params and": {"filter_string": "params.lr = '0.1' AND params.depth = '3'"},
    "params !=": {"filter_string": "params.lr != '0.1'"},
    "tags =": {"filter_string": "tags.team = 'a'"},
    "tags ilike": {"filter_string": "tags.team ILIKE 'a'"},
    "tags in": {"filter_string": "tags.team IN ('a', 'b')"},
    "metrics >": {"filter_string": "metrics.acc > 0.8"},
    "metrics <=": {"filter_string": "metrics.acc <= 0.7"},
    "metrics =": {"filter_string": "metrics.loss = 0.1"},
    "metrics !=": {"filter_string": "metrics.acc != 0.9"},
    "metrics backticks": {"filter_string": "metrics.`acc` > 0.8"},
    "metrics and params": {"filter_string": "metrics.acc > 0.6 AND params.lr = '0.1'"},
    "metrics on a dataset": {
        "filter_string": "metrics.acc > 0.8",
        "datasets": [{"dataset_name": "test", "dataset_digest": "d2"}],
    },
    "metrics on another": {
        "filter_string": "metrics.acc > 0.6",
        "datasets": [{"dataset_name": "train", "dataset_digest": "d1"}],
    },
    "datasets alone": {"datasets": [{"dataset_name": "train", "dataset_digest": "d1"}]},
    "two datasets": {
        "datasets": [
            {"dataset_name": "train", "dataset_digest": "d1"},
            {"dataset_name": "test", "dataset_digest": "d3"},
        ]
    },
    "order metric desc": {"order_by": [{"field_name": "metrics.acc", "ascending": False}]},
    "order metric asc": {"order_by": [{"field_name": "metrics.acc", "ascending": True}]},
    "order metric on a dataset": {
        "order_by": [{"field_name": "metrics.acc", "ascending": False, "dataset_name": "test"}]
    },
    "order metric on a digest": {
        "order_by": [{"field_name": "metrics.acc", "dataset_name": "train", "dataset_digest": "d1"}]
    },
    "order other metric": {"order_by": [{"field_name": "metrics.loss"}]},
    "order name": {"order_by": [{"field_name": "name"}]},
    "order name desc": {"order_by": [{"field_name": "name", "ascending": False}]},
    "order two keys": {"order_by": [{"field_name": "model_type"}, {"field_name": "name"}]},
    "order status": {"order_by": [{"field_name": "status"}, {"field_name": "name"}]},
    "order created asc": {"order_by": [{"field_name": "creation_timestamp"}]},
    "order creation_time": {"order_by": [{"field_name": "creation_time", "ascending": True}]},
    "order updated": {"order_by": [{"field_name": "last_updated_timestamp", "ascending": False}]},
    "order type desc": {"order_by": [{"field_name": "model_type", "ascending": False}]},
    "filter and order": {
        "filter_string": "model_type = 'sklearn'",
        "order_by": [{"field_name": "metrics.acc", "ascending": False}],
    },
    # MLflow's refusals: compared by error code (the wording of parse errors is ours).
    "order by a param": {"order_by": [{"field_name": "params.lr"}]},
    "order by nothing known": {"order_by": [{"field_name": "nope"}]},
    "OR": {"filter_string": "name = 'a' OR name = 'b'"},
    "dataset without a name": {"datasets": [{"dataset_name": "", "dataset_digest": "d1"}]},
    "LIKE on a metric": {"filter_string": "metrics.acc LIKE '1'"},
    "> on a param": {"filter_string": "params.lr > '1'"},
    "singular prefix": {"filter_string": "metric.acc > 1"},
}


def make_models(client: MlflowClient, experiment: str) -> tuple[str, dict[str, str]]:
    """The experiment, and model name -> id, after logging MODELS and POINTS."""
    experiment_id = client.create_experiment(experiment)
    runs = [client.create_run(experiment_id, run_name=f"r{i}").info.run_id for i in range(2)]
    ids = {}
    for name, model_type, params, tags, run, status in MODELS:
        model = client.create_logged_model(
            experiment_id,
            name=name,
            model_type=model_type,
            params=params,
            tags=tags,
            source_run_id=None if run is None else runs[run],
        )
        ids[name] = model.model_id
        if status:
            client.finalize_logged_model(model.model_id, getattr(LoggedModelStatus, status))
        next_millisecond()  # distinct creation times: the default order is newest first
    for name, points in POINTS.items():
        run = runs[0] if name in ("alpha", "gamma", "Alpha2") else runs[1]
        client.log_batch(
            run,
            metrics=[
                Metric(key, value, ts, step, model_id=ids[name], dataset_name=dn, dataset_digest=dd)
                for key, value, ts, step, dn, dd in points
            ],
        )
    client.delete_logged_model(ids["zeta"])
    return experiment_id, ids


def search_sequence(url: str) -> dict:
    client = MlflowClient(tracking_uri=url)
    experiment_id, ids = make_models(client, "search")
    names = {model_id: name for name, model_id in ids.items()}
    answers = {}
    for case, arguments in SEARCHES.items():
        try:
            found = client.search_logged_models([experiment_id], **arguments)
            answers[case] = [names[model.model_id] for model in found]
        except MlflowException as error:
            answers[case] = error.error_code
    pages, token = [], None
    while True:
        page = client.search_logged_models(
            [experiment_id], max_results=2, page_token=token, order_by=[{"field_name": "name"}]
        )
        pages.append([names[model.model_id] for model in page])
        token = page.token
        if not token:
            break
    answers["pages"] = pages
    first = client.search_logged_models([experiment_id], max_results=2)
    answers["token of another search"] = error_code(
        lambda: client.search_logged_models(
            [experiment_id], max_results=2, page_token=first.token, filter_string="name = 'beta'"
        )
    )
    answers["fluent, every page"] = [
        names[model.model_id]
        for model in mlflow.search_logged_models(
            experiment_ids=[experiment_id], output_format="list"
        )
    ]
    return answers


def test_search_filters_orders_and_pages_as_mlflow(servers):
    ours, theirs = replay_both(servers, search_sequence)
    for case in ours:
        assert ours[case] == theirs[case], case
    assert ours["order metric desc"][:3] == ["beta", "alpha", "Alpha2"]  # best by its latest
    assert ours["all"] == ["eps", "Alpha2", "delta", "gamma", "beta", "alpha"]


def test_a_dataset_without_digest_matches_any_digest(servers):
    """MLflow's store means ``{"dataset_name": n}`` as "any digest"; its REST server reads
    the missing digest as NULL and finds nothing. We answer as its store does (here run
    in-process on the reference server's database)."""
    ours = MlflowClient(tracking_uri=servers["ours"])
    store = MlflowClient(tracking_uri=f"sqlite:///{servers['mlflow_db'] / 'mlflow.db'}")
    answers = []
    for client in (ours, store):
        experiment_id, ids = make_models(client, "no-digest")
        names = {model_id: name for name, model_id in ids.items()}
        answers.append(
            [
                [names[m.model_id] for m in client.search_logged_models([experiment_id], **args)]
                for args in (
                    {"datasets": [{"dataset_name": "train"}]},
                    {"filter_string": "metrics.acc > 0.8", "datasets": [{"dataset_name": "test"}]},
                )
            ]
        )
    assert answers[0] == answers[1] == [["beta", "alpha"], ["Alpha2", "beta", "alpha"]]


# -- log_model, params, tags, finalize, delete, metrics and run outputs ---------------

X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 2.0]])
Y = X @ np.array([2.0, -1.0]) + 0.5


def lifecycle_sequence(url: str) -> dict:
    from sklearn.linear_model import LinearRegression

    mlflow.set_tracking_uri(url)
    client = MlflowClient(tracking_uri=url)
    mlflow.set_experiment("lifecycle")
    answers = {}
    with mlflow.start_run() as run:
        mlflow.log_param("p", 1)
        mlflow.log_metric("r2", 0.5, step=0)
        mlflow.log_metric("r2", 0.6, step=1)
        # No name (MLflow generates one) and 150 params (the client sends 100, then 50).
        info = mlflow.sklearn.log_model(
            LinearRegression().fit(X, Y), params={f"k{i}": str(i) for i in range(150)}, step=1
        )
        mlflow.log_metric("after", 1.0, step=1)  # linked: the model is an output at step 1
        mlflow.log_metric("elsewhere", 2.0, step=5)  # not linked
    run_id = run.info.run_id
    model = client.get_logged_model(info.model_id)
    answers["generated name"] = len(model.name.split("-")) == 3
    answers["params"] = (len(model.params), model.params["k149"], model.params["p"])
    answers["status"] = str(model.status)
    answers["metrics"] = sorted(
        (m.key, m.value, m.step, m.run_id == run_id, m.model_id == model.model_id)
        for m in model.metrics
    )
    seen = client.get_run(run_id)
    answers["run outputs"] = [
        (o.model_id == model.model_id, o.step) for o in seen.outputs.model_outputs
    ]
    answers["searched run outputs"] = [
        [(o.model_id == model.model_id, o.step) for o in r.outputs.model_outputs]
        for r in client.search_runs([seen.info.experiment_id])
    ]
    answers["r2 history"] = [(m.step, m.value) for m in client.get_metric_history(run_id, "r2")]

    client.set_logged_model_tags(model.model_id, {"a": "1", "b": "2"})
    client.delete_logged_model_tag(model.model_id, "a")
    tags = client.get_logged_model(model.model_id).tags
    answers["tags"] = {k: v for k, v in tags.items() if not k.startswith("mlflow.")}
    answers["delete a missing tag"] = error_code(
        lambda: client.delete_logged_model_tag(model.model_id, "zzz")
    )

    # Artifacts: listed, downloaded and loaded through the official client.
    answers["listed"] = sorted(f.path for f in client.list_logged_model_artifacts(model.model_id))
    local = mlflow.artifacts.download_artifacts(
        f"models:/{model.model_id}", dst_path=tempfile.mkdtemp()
    )
    answers["downloaded"] = sorted(os.listdir(local))
    answers["MLmodel"] = mlflow.artifacts.load_text(f"{model.artifact_location}/MLmodel").count(
        model.model_id
    )
    loaded = mlflow.sklearn.load_model(f"models:/{model.model_id}")
    answers["predicts"] = bool(np.allclose(loaded.predict(X), Y))
    answers["found by name"] = [
        m.model_id == model.model_id
        for m in mlflow.search_logged_models(
            filter_string=f"name = '{model.name}'", output_format="list"
        )
    ]

    # A metric logged to a model directly, twice (a client retry), on a dataset.
    other = client.create_logged_model(seen.info.experiment_id, name="explicit")
    user = client.create_run(seen.info.experiment_id).info.run_id
    for _ in range(2):
        client.log_metric(
            user,
            "acc",
            0.9,
            1000,
            0,
            model_id=other.model_id,
            dataset_name="ds",
            dataset_digest="d",
        )
    client.log_inputs(user, models=[LoggedModelInput(other.model_id)])
    answers["explicit metrics"] = [
        (m.key, m.value, m.timestamp, m.step, m.dataset_name, m.dataset_digest)
        for m in client.get_logged_model(other.model_id).metrics
    ]
    answers["run history"] = len(client.get_metric_history(user, "acc"))
    answers["model inputs"] = [
        i.model_id == other.model_id for i in client.get_run(user).inputs.model_inputs
    ]
    answers["finalized"] = str(
        client.finalize_logged_model(other.model_id, LoggedModelStatus.FAILED).status
    )

    # Deleting: gone for get and search, still there for writes and allow_deleted.
    client.delete_logged_model(other.model_id)
    answers["get deleted"] = error_code(lambda: client.get_logged_model(other.model_id))
    answers["searched after delete"] = [
        m.model_id == model.model_id for m in client.search_logged_models([seen.info.experiment_id])
    ]
    answers["delete again"] = error_code(lambda: client.delete_logged_model(other.model_id))
    answers["tags on deleted"] = error_code(
        lambda: client.set_logged_model_tags(other.model_id, {"x": "y"})
    )
    store = client._tracking_client.store
    answers["allow_deleted"] = store.get_logged_model(other.model_id, allow_deleted=True).name
    answers["unknown id"] = error_code(lambda: client.get_logged_model("m-" + "0" * 32))
    answers["id of another form"] = error_code(lambda: client.get_logged_model("xyz"))
    answers["delete unknown"] = error_code(lambda: client.delete_logged_model("m-" + "1" * 32))
    return answers


def test_model_lifecycle_as_mlflow(servers):
    ours, theirs = replay_both(servers, lifecycle_sequence)
    assert ours == theirs
    assert ours["params"] == (151, "149", "1")
    assert ours["metrics"] == [("after", 1.0, 1, True, True), ("r2", 0.6, 1, True, True)]
    assert ours["run outputs"] == [(True, 1)] and ours["r2 history"] == [(0, 0.5), (1, 0.6)]
    assert ours["explicit metrics"] == [("acc", 0.9, 1000, 0, "ds", "d")]
    assert ours["get deleted"] == "RESOURCE_DOES_NOT_EXIST" and ours["allow_deleted"] == "explicit"


def test_nan_and_infinity_stay_as_logged(servers):
    """MLflow's store keeps a model's NaN as 0 and infinities as +-1.8e308; we keep them."""
    client = MlflowClient(tracking_uri=servers["ours"])
    experiment_id = client.create_experiment("non-finite")
    run_id = client.create_run(experiment_id).info.run_id
    ids = {}
    for name, value in (("nan", math.nan), ("inf", math.inf), ("-inf", -math.inf)):
        ids[name] = client.create_logged_model(experiment_id, name=name.strip("-") + "x").model_id
        client.log_batch(run_id, metrics=[Metric("v", value, 1000, 0, model_id=ids[name])])
    values = {name: client.get_logged_model(i).metrics[0].value for name, i in ids.items()}
    assert math.isnan(values["nan"]) and (values["inf"], values["-inf"]) == (math.inf, -math.inf)
    # A NaN matches no comparison, and sorts as a model without the metric: last.
    found = client.search_logged_models([experiment_id], filter_string="metrics.v < 1")
    assert [m.model_id for m in found] == [ids["-inf"]]
    ordered = client.search_logged_models([experiment_id], order_by=[{"field_name": "metrics.v"}])
    assert [m.model_id for m in ordered] == [ids["-inf"], ids["inf"], ids["nan"]]


# -- artifacts over raw REST (what MLflow's UI calls) ----------------------------------


def artifact_routes_sequence(url: str) -> dict:
    """``logged-models/{id}/artifacts/directories`` and MLflow's ``ajax-api`` download of
    a model's file, called as MLflow's UI calls them."""
    import requests

    client = MlflowClient(tracking_uri=url)
    experiment_id = client.create_experiment("artifact-routes")
    model = client.create_logged_model(experiment_id, name="files")
    local = tempfile.mkdtemp()
    os.makedirs(os.path.join(local, "sub"))
    for name, text in (("MLmodel", "flavors: {}\n"), ("sub/weights.bin", "\x00\x01 bytes")):
        with open(os.path.join(local, name), "w") as f:
            f.write(text)
    client.log_model_artifacts(model.model_id, local)
    headers = {"Authorization": f"Bearer {os.environ['MLFLOW_TRACKING_TOKEN']}"}

    def listing(model_id: str, **params) -> tuple:
        answer = requests.get(
            f"{url}/api/2.0/mlflow/logged-models/{model_id}/artifacts/directories",
            params=params,
            headers=headers,
            timeout=30,
        )
        body = answer.json()
        if not answer.ok:
            return answer.status_code, body.get("error_code")
        root = body["root_uri"].endswith(f"/models/{model_id}/artifacts")
        files = sorted((f["path"], f["is_dir"], f.get("file_size")) for f in body["files"])
        return answer.status_code, root, files

    def download(model_id: str, **params) -> tuple:
        answer = requests.get(
            f"{url}/ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files",
            params=params,
            headers=headers,
            timeout=30,
        )
        return answer.status_code, answer.content if answer.ok else answer.json()["error_code"]

    return {
        "root": listing(model.model_id),
        "sub": listing(model.model_id, artifact_directory_path="sub"),
        "list unknown model": listing("m-" + "0" * 32),
        "file": download(model.model_id, artifact_file_path="MLmodel"),
        "nested file": download(model.model_id, artifact_file_path="sub/weights.bin"),
        "file of an unknown model": download("m-" + "0" * 32, artifact_file_path="MLmodel")[0],
        "escape": download(model.model_id, artifact_file_path="../../etc/passwd")[0],
        "no path": download(model.model_id),
        "missing file": download(model.model_id, artifact_file_path="nope"),
    }


def test_artifact_routes_as_mlflow(servers):
    ours, theirs = replay_both(servers, artifact_routes_sequence)
    assert ours == theirs
    assert ours["root"] == (200, True, [("MLmodel", False, 12), ("sub", True, None)])
    assert ours["nested file"] == (200, b"\x00\x01 bytes")
    assert ours["escape"] == 400 and ours["no path"] == (400, "BAD_REQUEST")
