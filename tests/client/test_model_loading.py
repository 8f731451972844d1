"""Loading a model: every file its ``MLmodel`` names stays inside the model's directory,
and a PyTorch file that holds only tensors loads with ``weights_only=True``.

Loading a pickle runs code: these tests check what is defended around that, and that a
hostile descriptor cannot make ``load_model`` open a file chosen by whoever wrote it.
"""

from __future__ import annotations

import os
import pickle

import pytest
import yaml

import jupyterlab_tracker as jt
from jupyterlab_tracker.client import models
from jupyterlab_tracker.config import ARTIFACT_ROOT_ENV, STORE_URI_ENV
from jupyterlab_tracker.errors import TrackerError


class Tripwire:
    """Unpickling it creates ``path``: proof that the file was loaded."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def write_model_dir(directory, flavors: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "MLmodel").write_text(yaml.safe_dump({"flavors": flavors}))


@pytest.fixture
def outside_pickle(tmp_path):
    """A pickle outside any model directory that, if loaded, leaves ``tripped``."""
    tripped = tmp_path / "tripped"
    evil = tmp_path / "elsewhere" / "evil.pkl"
    evil.parent.mkdir()
    evil.write_bytes(pickle.dumps(Tripwire(tripped)))
    return evil, tripped


@pytest.mark.parametrize("how", ["absolute", "dotdot", "encoded", "symlink"])
def test_descriptor_paths_stay_inside_the_model_directory(tmp_path, outside_pickle, how):
    evil, tripped = outside_pickle
    directory = tmp_path / "model"
    name = {
        "absolute": str(evil),
        "dotdot": "../elsewhere/evil.pkl",
        "encoded": "%2e%2e/elsewhere/evil.pkl",
        "symlink": "link.pkl",
    }[how]
    write_model_dir(directory, {"python_pickle": {"pickled_model": name}})
    if how == "symlink":
        os.symlink(evil, directory / "link.pkl")
    with pytest.raises(TrackerError) as error:
        models.load_model_from_directory(str(directory))
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "inside the model's directory" in error.value.message
    assert "pickled_model" in error.value.message
    assert not tripped.exists()


def test_pytorch_model_data_stays_inside_too(tmp_path, outside_pickle):
    pytest.importorskip("torch")
    evil, tripped = outside_pickle
    directory = tmp_path / "model"
    write_model_dir(directory, {"pytorch": {"model_data": str(evil)}})
    with pytest.raises(TrackerError, match="model_data"):
        models.load_model_from_directory(str(directory))
    assert not tripped.exists()


@pytest.mark.parametrize(
    "descriptor", ["- a list", "flavors: [1, 2]", "flavors: {python_pickle: {}}"]
)
def test_malformed_descriptors_are_refused(tmp_path, descriptor):
    directory = tmp_path / "model"
    directory.mkdir()
    (directory / "MLmodel").write_text(descriptor)
    with pytest.raises(TrackerError):
        models.load_model_from_directory(str(directory))


def test_a_hostile_descriptor_uploaded_to_a_logged_model_is_refused(
    tmp_path, monkeypatch, outside_pickle
):
    """Anyone who can write to the tracker can replace a logged model's MLmodel: the one
    who loads it must not end up loading a file of the writer's choosing."""
    evil, tripped = outside_pickle
    monkeypatch.delenv(STORE_URI_ENV, raising=False)
    monkeypatch.setenv(ARTIFACT_ROOT_ENV, str(tmp_path / "artifacts"))
    client = jt.TrackerClient(f"sqlite:///{tmp_path}/t.db")
    run_id = client.create_run(client.create_experiment("e")).info.run_id
    logged = client.log_model(run_id, {"plain": "object"}, "model")
    hostile = tmp_path / "hostile"
    write_model_dir(hostile, {"python_pickle": {"pickled_model": str(evil)}})
    client.artifacts.upload_file("logged-models", logged.model_id, str(hostile / "MLmodel"))
    with pytest.raises(TrackerError, match="inside the model's directory"):
        client.load_model(f"models:/{logged.model_id}")
    assert not tripped.exists()
    client.close()


def test_state_dicts_load_weights_only(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    calls = []
    real_load = torch.load

    def spy(*args, **kwargs):
        calls.append(kwargs.get("weights_only"))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(torch, "load", spy)
    module = torch.nn.Linear(2, 1)
    state = module.state_dict()
    assert models.detect_flavor(state) == "pytorch"
    directory = tmp_path / "sd"
    directory.mkdir()
    models.save_model(state, str(directory), name="sd", model_id="-", run_id=None)
    loaded = models.load_model_from_directory(str(directory))
    assert calls == [True]  # never the full unpickler
    assert set(loaded) == set(state) and torch.equal(loaded["weight"], state["weight"])

    # A whole module (jt's format) still loads, with the full unpickler after the
    # restricted one refused it.
    calls.clear()
    whole = tmp_path / "whole"
    whole.mkdir()
    models.save_model(module, str(whole), name="m", model_id="-", run_id=None)
    assert isinstance(models.load_model_from_directory(str(whole)), models.TorchModel)
    assert calls == [True, False]
