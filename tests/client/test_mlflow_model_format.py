"""jt models are MLflow models, and MLflow models are jt models (issue 15).

``jt.log_model`` writes MLflow's model format, so MLflow's loaders (``mlflow.pyfunc``,
``mlflow.sklearn``, ``mlflow.pytorch``) and a real ``mlflow models serve`` process take it;
``jt.load_model`` reads what MLflow 3.17 writes (sklearn in skops, cloudpickle and pickle;
PyTorch pickled and ``torch.export``-ed; any other ``python_function`` model through
mlflow.pyfunc), and says what to install when it cannot.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request

import numpy as np
import pandas as pd
import pytest
import yaml
from support.waiting import wait_until

import jupyterlab_tracker as jt
from jupyterlab_tracker.client import models
from jupyterlab_tracker.config import ARTIFACT_ROOT_ENV, STORE_URI_ENV, TOKEN_ENV
from jupyterlab_tracker.errors import TrackerError
from jupyterlab_tracker.testing import LiveServer, free_port, stop_process

pytest.importorskip("mlflow", reason="these tests compare with mlflow")
import mlflow  # noqa: E402
import mlflow.pyfunc  # noqa: E402
import mlflow.sklearn  # noqa: E402

pytestmark = pytest.mark.slow  # MLflow and torch load and save every model (3-13 s a test)


class Tripling:
    """A plain object with ``predict`` (jt's python_pickle flavor)."""

    def predict(self, x):
        return np.asarray(x) * 3


@pytest.fixture
def client(monkeypatch, tmp_path):
    for name in (STORE_URI_ENV, TOKEN_ENV, "MLFLOW_TRACKING_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(ARTIFACT_ROOT_ENV, str(tmp_path / "artifacts"))
    client = jt.TrackerClient(f"sqlite:///{tmp_path}/models.db")
    yield client
    client.close()


def new_run(client) -> str:
    return client.create_run(client.create_experiment("format")).info.run_id


def sklearn_model():
    from sklearn.linear_model import LogisticRegression

    features = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "b": [1.0, 0.0, 1.0, 0.0]})
    return LogisticRegression().fit(features, [0, 0, 1, 1]), features


def torch_module():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(2, 1))


def logged_directory(client, model, tmp_path, **kwargs) -> str:
    """``model`` logged with jt, downloaded: the directory MLflow's loaders get."""
    logged = client.log_model(new_run(client), model, "model", **kwargs)
    return client.artifacts.download("logged-models", logged.model_id, "", str(tmp_path / "dl"))


# -- jt models in MLflow's loaders -----------------------------------------------------


@pytest.mark.parametrize("example", ["dataframe", "ndarray", None])
def test_jt_sklearn_models_load_in_mlflow(client, tmp_path, example):
    estimator, features = sklearn_model()
    input_example = {"dataframe": features[:2], "ndarray": features.to_numpy()[:2], None: None}[
        example
    ]
    local = logged_directory(client, estimator, tmp_path, input_example=input_example)
    expected = list(estimator.predict(features))
    assert list(mlflow.pyfunc.load_model(local).predict(features)) == expected
    assert list(mlflow.sklearn.load_model(local).predict(features)) == expected
    assert {"requirements.txt", "python_env.yaml", "conda.yaml"} <= set(os.listdir(local))

    meta = mlflow.models.Model.load(local)
    if input_example is None:
        assert meta.signature is None and meta.saved_input_example_info is None
        return
    # The signature MLflow itself infers from the same example.
    assert meta.signature.inputs == mlflow.models.infer_signature(input_example).inputs
    assert meta.signature.outputs is not None
    loaded_example = meta.load_input_example(local)
    if example == "dataframe":
        pd.testing.assert_frame_equal(loaded_example, input_example)
    else:
        np.testing.assert_array_equal(loaded_example, input_example)
    # The example files are the ones MLflow writes for the same example.
    reference = tmp_path / "reference"
    mlflow.sklearn.save_model(
        estimator, str(reference), input_example=input_example, serialization_format="pickle"
    )
    for name in ("input_example.json", "serving_input_example.json"):
        assert read_json(os.path.join(local, name)) == read_json(reference / name), name
    reference_info = mlflow.models.Model.load(str(reference)).saved_input_example_info
    assert meta.saved_input_example_info == reference_info


def read_json(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def test_jt_pytorch_models_load_in_mlflow(client, tmp_path):
    torch = pytest.importorskip("torch")
    import mlflow.pytorch

    module = torch_module()
    features = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    with torch.no_grad():
        expected = module(torch.as_tensor(features)).numpy()
    local = logged_directory(client, module, tmp_path, input_example=features)
    loaded = mlflow.pytorch.load_model(local)
    with torch.no_grad():
        np.testing.assert_allclose(loaded(torch.as_tensor(features)).numpy(), expected, atol=1e-6)
    np.testing.assert_allclose(
        mlflow.pyfunc.load_model(local).predict(features), expected, atol=1e-6
    )
    signature = mlflow.models.Model.load(local).signature
    assert signature.inputs == mlflow.models.infer_signature(features).inputs
    # And back in jt, from the same files.
    np.testing.assert_allclose(
        models.load_model_from_directory(local).predict(features), expected, atol=1e-6
    )


def test_jt_plain_objects_load_in_mlflow_pyfunc(client, tmp_path):
    local = logged_directory(client, Tripling(), tmp_path, input_example=np.ones((1, 2)))
    assert mlflow.pyfunc.load_model(local).predict(np.ones((2, 2))).tolist() == [[3.0] * 2] * 2


def test_mlflow_models_serve_answers_for_a_jt_model(client, tmp_path):
    """A real ``mlflow models serve`` process (local env manager: no network) loads a jt
    model and answers POST /invocations with its serving input example."""
    estimator, features = sklearn_model()
    local = logged_directory(client, estimator, tmp_path, input_example=features)
    port = free_port()
    mlflow_cli = os.path.join(os.path.dirname(sys.executable), "mlflow")
    server = subprocess.Popen(
        [mlflow_cli, "models", "serve", "-m", local, "--env-manager", "local"]
        + ["-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:

        def answers() -> bool:
            if server.poll() is not None:
                raise AssertionError(f"mlflow models serve ended: {server.stderr.read()!r}")
            urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2).close()
            return True

        wait_until(answers, timeout=120, interval=0.5, ignore=(OSError,))
        with open(os.path.join(local, "serving_input_example.json"), "rb") as file:
            body = file.read()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/invocations",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            answer = json.load(response)
        assert answer == {"predictions": [int(p) for p in estimator.predict(features)]}
    finally:
        stop_process(server, timeout=30)


LOAD_WITH_MLFLOW = """
import io, json, sys, warnings
warnings.filterwarnings("ignore")
import mlflow.pyfunc, pandas as pd
features = pd.read_json(io.StringIO(sys.argv[1]), orient="split").astype("float64")
predictions = {uri: mlflow.pyfunc.load_model(uri).predict(features) for uri in sys.argv[2:]}
print(json.dumps({uri: [int(p) for p in found] for uri, found in predictions.items()}))
"""


def test_jt_models_logged_over_http_load_in_mlflow_by_uri(tmp_path):
    """``jt.log_model`` through a live server; the official client, pointed at the same
    server, loads it by ``runs:/`` and ``models:/`` URIs with mlflow.pyfunc."""
    estimator, features = sklearn_model()
    with LiveServer(tmp_path / "live") as server:
        client = jt.TrackerClient(server.tracker_url, token=server.token)
        try:
            run_id = new_run(client)
            logged = client.log_model(
                run_id, estimator, "model", input_example=features, registered_model_name="c"
            )
        finally:
            client.close()
        uris = [f"runs:/{run_id}/model", f"models:/{logged.model_id}", "models:/c/1"]
        result = subprocess.run(
            [sys.executable, "-c", LOAD_WITH_MLFLOW, features.to_json(orient="split"), *uris],
            env=server.mlflow_env(),
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr[-4000:]
    expected = [int(p) for p in estimator.predict(features)]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == dict.fromkeys(uris, expected)


# -- MLflow models in jt.load_model ----------------------------------------------------


def logged_with_mlflow(client, tmp_path, save, name="model") -> str:
    """A model saved by MLflow into a run's artifacts; its ``runs:/`` URI."""
    directory = tmp_path / "mlflow-saved" / name
    save(str(directory))
    run_id = new_run(client)
    client.log_artifacts(run_id, str(directory), name)
    return f"runs:/{run_id}/{name}"


def flavor_logged_with_mlflow(client, tmp_path, flavor, model, serialization, example) -> str:
    """``model`` saved by ``mlflow.<flavor>.save_model`` in ``serialization``; its URI."""
    return logged_with_mlflow(
        client,
        tmp_path,
        lambda path: flavor.save_model(
            model, path, serialization_format=serialization, input_example=example
        ),
    )


@pytest.mark.parametrize("serialization", ["skops", "cloudpickle", "pickle"])
def test_mlflow_sklearn_models_load_in_jt(client, tmp_path, serialization):
    if serialization == "skops":
        pytest.importorskip("skops")
    estimator, features = sklearn_model()
    loaded = client.load_model(
        flavor_logged_with_mlflow(
            client, tmp_path, mlflow.sklearn, estimator, serialization, features[:2]
        )
    )
    assert list(loaded.predict(features)) == list(estimator.predict(features))


@pytest.mark.parametrize("serialization", ["pt2", "pickle"])
def test_mlflow_pytorch_models_load_in_jt(client, tmp_path, serialization):
    torch = pytest.importorskip("torch")
    import mlflow.pytorch

    module = torch_module()
    features = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], dtype=np.float32)
    with torch.no_grad():
        expected = module(torch.as_tensor(features)).numpy()
    loaded = client.load_model(
        flavor_logged_with_mlflow(
            client, tmp_path, mlflow.pytorch, module, serialization, features[:2]
        )
    )
    for data in (features, pd.DataFrame(features)):
        np.testing.assert_allclose(loaded.predict(data), expected, atol=1e-6)


class AddOffset(mlflow.pyfunc.PythonModel):
    """Reads its artifact at each prediction: the model's files must outlive the load."""

    def predict(self, context, model_input, params=None):
        with open(context.artifacts["offset"], encoding="utf-8") as file:
            return model_input + int(file.read())


def test_other_python_function_models_load_through_mlflow_pyfunc(client, tmp_path, monkeypatch):
    offset = tmp_path / "offset.txt"
    offset.write_text("1")

    def save(path):
        mlflow.pyfunc.save_model(path, python_model=AddOffset(), artifacts={"offset": str(offset)})

    uri = logged_with_mlflow(client, tmp_path, save)
    offset.unlink()  # the model's own copy is what it reads
    assert client.load_model(uri).predict(pd.DataFrame({"x": [1, 2]}))["x"].tolist() == [2, 3]

    # Without mlflow: a plain message saying what to install.
    monkeypatch.setitem(sys.modules, "mlflow", None)
    monkeypatch.setitem(sys.modules, "mlflow.pyfunc", None)
    with pytest.raises(TrackerError) as error:
        client.load_model(uri)
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "pip install mlflow" in error.value.message and "python_function" in error.value.message


def test_skops_models_say_what_to_install_without_skops(tmp_path, monkeypatch):
    pytest.importorskip("skops")
    estimator, _ = sklearn_model()
    mlflow.sklearn.save_model(estimator, str(tmp_path / "m"), serialization_format="skops")
    monkeypatch.setitem(sys.modules, "skops", None)
    monkeypatch.setitem(sys.modules, "skops.io", None)
    with pytest.raises(TrackerError, match=r"pip install skops"):
        models.load_model_from_directory(str(tmp_path / "m"))


class Untrusted:
    """Not among skops' trusted types: loading it would run this class's code."""

    def __init__(self):
        self.value = 1


def test_skops_models_build_only_trusted_types(tmp_path):
    """A skops file that names a type skops does not trust (and the descriptor does not
    list) is refused, not built."""
    skops_io = pytest.importorskip("skops.io")
    directory = tmp_path / "m"
    directory.mkdir()
    skops_io.dump(Untrusted(), str(directory / "model.skops"))
    flavor = {"pickled_model": "model.skops", "serialization_format": "skops"}
    (directory / "MLmodel").write_text(yaml.safe_dump({"flavors": {"sklearn": flavor}}))
    with pytest.raises(TrackerError, match="skops_trusted_types"):
        models.load_model_from_directory(str(directory))

    flavor["skops_trusted_types"] = "everything"
    (directory / "MLmodel").write_text(yaml.safe_dump({"flavors": {"sklearn": flavor}}))
    with pytest.raises(TrackerError, match="not a list of type names"):
        models.load_model_from_directory(str(directory))


def test_pytorch_data_files_stay_inside_the_model_directory(tmp_path):
    """MLflow's ``data`` directory: a ``model.pth`` in it that is a symlink out is refused."""
    pytest.importorskip("torch")
    outside = tmp_path / "outside.pth"
    outside.write_bytes(b"not loaded")
    directory = tmp_path / "m"
    (directory / "data").mkdir(parents=True)
    os.symlink(outside, directory / "data" / "model.pth")
    (directory / "MLmodel").write_text(
        yaml.safe_dump({"flavors": {"pytorch": {"model_data": "data"}}})
    )
    with pytest.raises(TrackerError, match="inside the model's directory"):
        models.load_model_from_directory(str(directory))


def test_pytorch_models_jt_wrote_before_still_load(tmp_path):
    """Before issue 15 jt wrote ``model_data: model.pth`` (the file, not MLflow's ``data``)."""
    torch = pytest.importorskip("torch")
    module = torch_module()
    directory = tmp_path / "m"
    directory.mkdir()
    torch.save(module, directory / "model.pth")
    flavor = {"model_data": "model.pth", "pytorch_version": str(torch.__version__)}
    (directory / "MLmodel").write_text(yaml.safe_dump({"flavors": {"pytorch": flavor}}))
    features = np.array([[1.0, 2.0]], dtype=np.float32)
    with torch.no_grad():
        expected = module(torch.as_tensor(features)).numpy()
    loaded = models.load_model_from_directory(str(directory))
    np.testing.assert_allclose(loaded.predict(features), expected, atol=1e-6)
