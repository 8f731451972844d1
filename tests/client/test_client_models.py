"""Artifacts, logged models and the registry through the client: embedded (SQLite) and
HTTP (a live server) run the same scenarios; plus the fluent API and an S3 repository."""

from __future__ import annotations

import asyncio
import json
import os

import numpy as np
import pandas as pd
import pytest
import yaml

import jupyterlab_tracker as jt
from jupyterlab_tracker.client import fluent
from jupyterlab_tracker.config import ARTIFACT_ROOT_ENV, STORE_URI_ENV, TOKEN_ENV
from jupyterlab_tracker.errors import TrackerError


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in (STORE_URI_ENV, TOKEN_ENV, "MLFLOW_TRACKING_URI", "JPY_SESSION_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(ARTIFACT_ROOT_ENV, str(tmp_path / "client-artifacts"))


@pytest.fixture(params=["embedded", "http"])
def in_each_mode(request, tmp_path, clean_env):
    """``await in_each_mode(scenario)`` runs ``scenario(client)`` with a client of each mode
    (HTTP in a thread: the server answers on the test's event loop)."""
    if request.param == "embedded":
        uri, token = f"sqlite:///{tmp_path}/client.db", None
    else:
        server_app = request.getfixturevalue("jp_serverapp")
        port = request.getfixturevalue("http_server_client").get_http_port()
        uri = f"http://127.0.0.1:{port}{request.getfixturevalue('jp_base_url')}tracker"
        token = server_app.identity_provider.token

    async def run(scenario):
        def with_client():
            client = jt.TrackerClient(uri, token=token)
            try:
                scenario(client)
            finally:
                client.close()

        await asyncio.to_thread(with_client)

    return run


def new_run(client, experiment="models") -> str:
    experiment_id = client.get_experiment_by_name(experiment)
    experiment_id = (
        experiment_id.experiment_id if experiment_id else client.create_experiment(experiment)
    )
    return client.create_run(experiment_id).info.run_id


def read_text(path) -> str:
    with open(path, encoding="utf-8") as file:
        return file.read()


class Doubler:
    """A plain object with ``predict``: the python_pickle flavor."""

    def predict(self, x):
        return np.asarray(x) * 2


# -- artifacts -------------------------------------------------------------------------


async def test_artifacts(in_each_mode, tmp_path):
    source = tmp_path / "source"
    (source / "tree" / "deep").mkdir(parents=True)
    (source / "hello.txt").write_text("hi")
    (source / "tree" / "a.csv").write_text("x\n1\n")
    (source / "tree" / "deep" / "b.bin").write_bytes(os.urandom(3 * 1024 * 1024 + 7))

    def scenario(client):
        run_id = new_run(client)
        client.log_artifact(run_id, str(source / "hello.txt"))
        client.log_artifact(run_id, str(source / "hello.txt"), "sub/dir")
        client.log_artifacts(run_id, str(source / "tree"), "tree")
        client.log_text(run_id, "# notes", "notes/readme.md")
        client.log_dict(run_id, {"lr": 0.1, "layers": [1, 2]}, "config.json")
        client.log_dict(run_id, {"lr": 0.1}, "config.yaml")
        client.log_image(run_id, np.random.rand(8, 8, 3), "images/noise.png")
        client.log_table(run_id, pd.DataFrame({"x": [1, 2], "y": ["a", "b"]}), "table.json")
        client.log_table(run_id, {"x": [3]}, "dict_table.json")

        top = [(f.path, f.is_dir) for f in client.list_artifacts(run_id)]
        assert top == [
            ("config.json", False),
            ("config.yaml", False),
            ("dict_table.json", False),
            ("hello.txt", False),
            ("images", True),
            ("notes", True),
            ("sub", True),
            ("table.json", False),
            ("tree", True),
        ]
        assert [f.path for f in client.list_artifacts(run_id, "tree/deep")] == ["tree/deep/b.bin"]

        local = client.download_artifacts(run_id, "", str(tmp_path / "all"))
        assert read_text(os.path.join(local, "sub/dir/hello.txt")) == "hi"
        assert (tmp_path / "all/tree/deep/b.bin").read_bytes() == (
            source / "tree/deep/b.bin"
        ).read_bytes()
        assert json.loads(read_text(os.path.join(local, "config.json")))["layers"] == [1, 2]
        assert yaml.safe_load(read_text(os.path.join(local, "config.yaml"))) == {"lr": 0.1}
        table = pd.read_json(os.path.join(local, "table.json"), orient="split")
        assert list(table.columns) == ["x", "y"] and list(table["x"]) == [1, 2]
        from PIL import Image

        assert Image.open(os.path.join(local, "images/noise.png")).size == (8, 8)

        one = client.download_artifacts(run_id, "notes/readme.md", str(tmp_path / "one"))
        assert read_text(one) == "# notes"
        assert client.get_artifact_uri(run_id, "notes").endswith(f"{run_id}/artifacts/notes")

        for bad in ("../escape", "/abs", "%2e%2e/x"):
            with pytest.raises(TrackerError) as error:
                client.log_artifact(run_id, str(source / "hello.txt"), bad)
            assert error.value.error_code == "INVALID_PARAMETER_VALUE"
        with pytest.raises(TrackerError) as error:
            client.download_artifacts(run_id, "missing.txt", str(tmp_path / "x"))
        assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"

    await in_each_mode(scenario)


def test_log_figure(tmp_path, clean_env):
    alt = pytest.importorskip("altair", reason="Altair is not installed")
    client = jt.TrackerClient(f"sqlite:///{tmp_path}/figures.db")
    run_id = new_run(client)
    chart = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_line().encode(x="x")
    client.log_figure(run_id, chart, "charts/line.json")
    client.log_figure(run_id, chart, "charts/line.html")
    local = client.download_artifacts(run_id, "charts", str(tmp_path / "dl"))
    assert json.loads(read_text(os.path.join(local, "line.json")))["mark"]["type"] == "line"
    assert "vega" in read_text(os.path.join(local, "line.html"))
    with pytest.raises(TrackerError):
        client.log_figure(run_id, object(), "x.png")
    client.close()


# -- models and the registry -----------------------------------------------------------


def sklearn_model():
    from sklearn.linear_model import LogisticRegression

    features = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "b": [1.0, 0.0, 1.0, 0.0]})
    return LogisticRegression().fit(features, [0, 0, 1, 1]), features


async def test_log_register_and_load_models(in_each_mode, tmp_path):
    estimator, features = sklearn_model()
    expected = estimator.predict(features)

    def scenario(client):
        run_id = new_run(client)
        logged = client.log_model(
            run_id, estimator, "model", input_example=features[:2], registered_model_name="clf"
        )
        assert logged.status == "READY" and logged.model_type == "sklearn"
        assert logged.artifact_uri.endswith(f"/models/{logged.model_id}/artifacts")
        files = {f.path for f in client.artifacts.list("logged-models", logged.model_id)}
        assert files == {
            "MLmodel",
            "input_example.json",
            "serving_input_example.json",
            "model.pkl",
            "requirements.txt",
            "python_env.yaml",
            "conda.yaml",
        }
        local = client.artifacts.download("logged-models", logged.model_id, "", str(tmp_path))
        descriptor = yaml.safe_load(read_text(os.path.join(local, "MLmodel")))
        assert descriptor["model_id"] == logged.model_id and descriptor["run_id"] == run_id
        assert json.loads(descriptor["signature"]["inputs"]) == [
            {"type": "double", "name": "a", "required": True},
            {"type": "double", "name": "b", "required": True},
        ]
        assert {"sklearn", "python_function"} <= set(descriptor["flavors"])
        requirements = read_text(os.path.join(local, "requirements.txt")).splitlines()
        assert any(r.startswith("scikit-learn==") for r in requirements)

        second = client.register_model(f"runs:/{run_id}/model", "clf")
        assert (second.version, second.model_id) == ("2", logged.model_id)
        client.set_registered_model_alias("clf", "champion", "2")
        client.transition_model_version_stage("clf", "1", "Production")
        uris = [
            f"runs:/{run_id}/model",
            f"models:/{logged.model_id}",
            "models:/clf/1",
            "models:/clf@champion",
            "models:/clf/Production",
            "models:/clf/production",
            "models:/clf/latest",
        ]
        for uri in uris:
            assert list(client.load_model(uri).predict(features)) == list(expected), uri
        assert client.get_model_version_download_uri("clf", "1") == logged.artifact_uri
        registered = client.get_registered_model("clf")
        assert registered.aliases == {"champion": "2"}
        assert client.get_model_version("clf", "2").aliases == ["champion"]
        found = client.search_model_versions(f"run_id = '{run_id}'").items
        assert sorted(v.version for v in found) == ["1", "2"]

        # A plain picklable object, and the runs:/ fallback to the run's own directory.
        client.log_model(run_id, Doubler(), "doubler")
        assert list(client.load_model(f"runs:/{run_id}/doubler").predict([1, 2])) == [2, 4]
        legacy = tmp_path / "legacy"
        legacy.mkdir()
        from jupyterlab_tracker.client.models import save_model

        save_model(Doubler(), str(legacy), name="legacy", model_id="-", run_id=run_id)
        client.log_artifacts(run_id, str(legacy), "legacy")
        assert list(client.load_model(f"runs:/{run_id}/legacy").predict([3])) == [6]

        for bad_uri, code in [
            ("models:/clf/9", "RESOURCE_DOES_NOT_EXIST"),
            ("models:/clf@nobody", "INVALID_PARAMETER_VALUE"),  # MLflow's answer, too
            ("models:/clf/Staging", "RESOURCE_DOES_NOT_EXIST"),
            ("s3://bucket/model", "INVALID_PARAMETER_VALUE"),
        ]:
            with pytest.raises(TrackerError) as error:
                client.load_model(bad_uri)
            assert error.value.error_code == code, bad_uri

    await in_each_mode(scenario)


async def test_registry_through_the_client(in_each_mode):
    def scenario(client):
        client.create_registered_model("a/b", {"team": "x"}, "desc")
        client.create_registered_model("other")
        run_id = new_run(client)
        for _ in range(3):
            client.create_model_version("a/b", f"runs:/{run_id}/model", run_id=run_id)
        client.transition_model_version_stage("a/b", "1", "Staging")
        client.transition_model_version_stage("a/b", "2", "Staging", archive_existing_versions=True)
        assert client.get_model_version("a/b", "1").current_stage == "Archived"
        assert [v.version for v in client.get_latest_versions("a/b", ["Staging"])] == ["2"]
        client.set_model_version_tag("a/b", "3", "k", "v")
        client.update_model_version("a/b", "3", "third")
        assert client.get_model_version("a/b", "3").tags == {"k": "v"}
        client.delete_model_version_tag("a/b", "3", "k")
        client.set_registered_model_tag("a/b", "owner", "me")
        client.delete_registered_model_tag("a/b", "team")
        client.update_registered_model("a/b", "new")
        renamed = client.rename_registered_model("a/b", "c")
        assert renamed.tags == {"owner": "me"} and renamed.description == "new"
        assert [m.name for m in client.search_registered_models("name ILIKE 'C'").items] == ["c"]
        page = client.search_registered_models(max_results=1, order_by=["name DESC"])
        assert [m.name for m in page.items] == ["other"] and page.next_page_token
        client.set_registered_model_alias("c", "prod", "3")
        assert client.get_model_version_by_alias("c", "prod").version == "3"
        client.delete_registered_model_alias("c", "prod")
        client.delete_model_version("c", "3")
        assert [v.version for v in client.search_model_versions("name = 'c'").items] == ["2", "1"]
        client.delete_registered_model("c")
        with pytest.raises(TrackerError) as error:
            client.get_registered_model("c")
        assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"

    await in_each_mode(scenario)


async def test_pytorch_models(in_each_mode):
    torch = pytest.importorskip("torch", reason="torch is not installed (pip install torch)")

    torch.manual_seed(0)  # fixed weights: an output near 0 made rtol alone flaky
    module = torch.nn.Sequential(torch.nn.Linear(2, 1))
    features = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    with torch.no_grad():
        expected = module(torch.as_tensor(features)).numpy()

    def scenario(client):
        run_id = new_run(client)
        logged = client.log_model(run_id, module, "net", input_example=features)
        assert logged.model_type == "pytorch"
        client.register_model(f"models:/{logged.model_id}", "net")
        for uri in (f"runs:/{run_id}/net", "models:/net/1", f"models:/{logged.model_id}"):
            loaded = client.load_model(uri)
            for data in (features, pd.DataFrame(features)):
                np.testing.assert_allclose(loaded.predict(data), expected, rtol=1e-6, atol=1e-6)

    await in_each_mode(scenario)


# -- fluent API ------------------------------------------------------------------------


def test_fluent_artifacts_and_models(monkeypatch, tmp_path, clean_env):
    monkeypatch.setattr(fluent, "_session", fluent._Session())
    jt.set_tracking_uri(f"sqlite:///{tmp_path}/fluent.db")
    estimator, features = sklearn_model()
    (tmp_path / "src").mkdir()
    note = tmp_path / "src" / "note.txt"
    note.write_text("n")
    try:
        with jt.start_run() as run:
            jt.log_artifact(str(note))
            jt.log_artifacts(str(tmp_path / "src"), "copy")
            jt.log_text("t", "t.txt")
            jt.log_dict({"a": 1}, "d.yml")
            jt.log_image(np.zeros((2, 2), dtype=np.uint8), "i.png")
            jt.log_table({"c": [1]}, "tab.json")
            assert jt.get_artifact_uri().endswith(f"{run.info.run_id}/artifacts")
            jt.log_model(estimator, "model", registered_model_name="fluent-model")
        run_id = run.info.run_id
        paths = [f.path for f in jt.list_artifacts(run_id)]
        assert {"note.txt", "copy", "t.txt", "d.yml", "i.png", "tab.json"} <= set(paths)
        assert read_text(jt.download_artifacts(run_id, "t.txt", str(tmp_path / "dl"))) == "t"
        version = jt.register_model(f"runs:/{run_id}/model", "fluent-model")
        assert version.version == "2"
        loaded = jt.load_model("models:/fluent-model/2")
        assert list(loaded.predict(features)) == list(estimator.predict(features))
    finally:
        fluent._session.client.close()


def test_jt_sklearn_takes_mlflow_sklearns_arguments(monkeypatch, tmp_path, clean_env):
    """``jt.sklearn.log_model``/``load_model`` under mlflow.sklearn's names; formats jt
    does not write are refused with the reason; each registered version is listed in the
    logged model's ``mlflow.modelVersions`` tag, as mlflow.register_model lists it."""
    monkeypatch.setattr(fluent, "_session", fluent._Session())
    jt.set_tracking_uri(f"sqlite:///{tmp_path}/sk.db")
    estimator, features = sklearn_model()
    try:
        with jt.start_run() as run:
            jt.log_param("C", 1.0)  # the model takes the run's params, as in MLflow
            info = jt.sklearn.log_model(
                estimator, name="clf", input_example=features[:2], registered_model_name="sk"
            )
            legacy = jt.sklearn.log_model(estimator, "legacy")  # artifact_path, positional
            with pytest.raises(TrackerError, match="cloudpickle, not 'skops'"):
                jt.sklearn.log_model(estimator, name="x", serialization_format="skops")
        assert info.model_uri == f"models:/{info.model_id}" and legacy.name == "legacy"
        loaded = jt.sklearn.load_model(info.model_uri)
        assert list(loaded.predict(features)) == list(estimator.predict(features))
        jt.register_model(info.model_uri, "sk")
        model = fluent._client().get_logged_model(info.model_id)
        assert json.loads(model.tags["mlflow.modelVersions"]) == [
            {"name": "sk", "version": "1"},
            {"name": "sk", "version": "2"},
        ]
        assert model.params == {"C": "1.0"} and model.tags["mlflow.source.type"] == "LOCAL"
        assert model.source_run_id == run.info.run_id
    finally:
        fluent._session.client.close()


# -- object storage --------------------------------------------------------------------


def test_s3_repository_against_moto(monkeypatch, tmp_path):
    pytest.importorskip("s3fs", reason="s3fs is not installed (the 's3' extra)")
    moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed")
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        for name, value in {
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": f"http://{host}:{port}",
        }.items():
            monkeypatch.setenv(name, value)
        import boto3

        boto3.client("s3").create_bucket(Bucket="tracker")
        client = jt.TrackerClient(
            f"sqlite:///{tmp_path}/s3.db", artifact_root="s3://tracker/artifacts"
        )
        run_id = new_run(client)
        assert client.get_artifact_uri(run_id).startswith("s3://tracker/artifacts/")
        client.log_text(run_id, "on s3", "dir/hello.txt")
        estimator, features = sklearn_model()
        logged = client.log_model(run_id, estimator, "model")
        assert [f.path for f in client.list_artifacts(run_id)] == ["dir"]
        local = client.download_artifacts(run_id, "dir/hello.txt", str(tmp_path / "dl"))
        assert read_text(local) == "on s3"
        assert logged.artifact_uri.startswith("s3://tracker/artifacts/")
        loaded = client.load_model(f"runs:/{run_id}/model")
        assert list(loaded.predict(features)) == list(estimator.predict(features))
        with pytest.raises(TrackerError):
            client.log_text(run_id, "x", "../escape.txt")
        client.close()
    finally:
        server.stop()


# -- entities and tables shaped as MLflow's ----------------------------------------------


def new_run_experiment(client) -> str:
    return client.get_experiment_by_name("models").experiment_id


async def test_run_data_metrics_are_floats_as_in_mlflow(in_each_mode):
    def scenario(client):
        run_id = new_run(client)
        client.log_metric(run_id, "loss", 0.5, step=1)
        client.log_metric(run_id, "loss", 0.2, step=2)
        client.log_metric(run_id, "acc", 1, step=0)
        client.log_param(run_id, "lr", 0.1)
        client.set_tag(run_id, "team", "vision")
        found = client.search_runs([new_run_experiment(client)]).items
        for run in (client.get_run(run_id), found[0]):
            assert run.data.metrics == {"loss": 0.2, "acc": 1.0}
            assert all(type(value) is float for value in run.data.metrics.values())
            assert run.data.params == {"lr": "0.1"}
            assert run.data.tags["team"] == "vision"
            assert run.data.latest_metrics["loss"].step == 2  # the point, for who needs it

    await in_each_mode(scenario)


async def test_get_metric_history_returns_every_point_across_pages(in_each_mode):
    """A backend answering in pages (as a server may): the client follows them all."""

    def scenario(client):
        run_id = new_run(client)
        for step in range(2500):
            client.log_metric(run_id, "m", step, step=step)
        pages = []
        read_page = client.backend.get_metric_history

        def paged(run_id, key, max_results=None, page_token=None):
            page = read_page(run_id, key, max_results or 1000, page_token)
            pages.append(len(page))
            return page

        client.backend.get_metric_history = paged
        history = client.get_metric_history(run_id, "m")
        assert isinstance(history, list)
        assert [m.step for m in history] == list(range(2500))
        assert pages == [1000, 1000, 500]

    await in_each_mode(scenario)


async def test_pages_are_list_like_as_mlflow_paged_lists(in_each_mode):
    def scenario(client):
        run_ids = {new_run(client) for _ in range(3)}
        experiment_id = new_run_experiment(client)
        first = client.search_runs([experiment_id], max_results=2)
        assert len(first) == 2 and first.token is not None
        assert [run.info.run_id for run in first] == [first[0].info.run_id, first[-1].info.run_id]
        rest = client.search_runs([experiment_id], max_results=2, page_token=first.token)
        assert len(rest) == 1 and rest.token is None and not rest[1:]
        assert {run.info.run_id for run in [*first, *rest]} == run_ids
        assert len(client.search_experiments()) == 2  # Default and "models"

    await in_each_mode(scenario)


async def test_log_table_appends_and_lists_the_table_as_mlflow_does(in_each_mode, tmp_path):
    def scenario(client):
        run_id = new_run(client)
        client.log_table(run_id, {"q": ["a", "b"], "score": [0.1, 0.2]}, "eval/results.json")
        client.log_table(run_id, pd.DataFrame({"q": ["c"], "score": [0.3]}), "eval/results.json")
        client.log_table(run_id, {"q": "only", "score": 1.0}, "scalars.json")  # one row
        tag = json.loads(client.get_run(run_id).data.tags["mlflow.loggedArtifacts"])
        assert tag == [
            {"path": "eval/results.json", "type": "table"},
            {"path": "scalars.json", "type": "table"},
        ]
        local = client.download_artifacts(run_id, "eval/results.json", str(tmp_path / run_id))
        table = pd.read_json(local, orient="split")
        assert list(table["q"]) == ["a", "b", "c"] and list(table.index) == [0, 1, 2]
        for bad in ("table.csv", "a:b.json", "x,y.json"):
            with pytest.raises(TrackerError) as error:
                client.log_table(run_id, {"q": [1]}, bad)
            assert error.value.error_code == "INVALID_PARAMETER_VALUE"
        from PIL import Image

        with pytest.raises(TrackerError, match="images"):  # not written as attribute junk
            client.log_table(run_id, {"q": ["a"], "img": [Image.new("RGB", (2, 2))]}, "i.json")
        assert "i.json" not in {f.path for f in client.list_artifacts(run_id)}

    await in_each_mode(scenario)


async def test_calls_written_for_mlflow_client_work_positionally(in_each_mode):
    """Positions and returns as MlflowClient's (the signatures: test_client_mlflow_signatures)."""

    def scenario(client):
        experiment_id = client.create_experiment("positional")
        run = client.create_run(experiment_id, 1234, {"t": "1"}, "named")
        run_id = run.info.run_id
        assert (run.info.start_time, run.info.run_name, run.data.tags["t"]) == (1234, "named", "1")
        assert client.log_param(run_id, "lr", 0.1, True) == 0.1
        client.log_metric(run_id, "m", 2.0, 10, 3, True)
        assert len(client._buffer) == 0  # synchronous: written before the call returned
        client.log_batch(run_id, [], [], [], True)
        client.log_inputs(run_id)
        model = client.create_registered_model("positional-model", {"team": "x"}, "about")
        assert (model.tags, model.description) == ({"team": "x"}, "about")

    await in_each_mode(scenario)
