"""Saving and loading models in MLflow's model format: flavors, ``MLmodel``, signatures.

A saved model directory is an MLflow model (as ``mlflow.<flavor>.save_model`` writes it in
MLflow 3), written without importing mlflow: ``MLmodel`` (YAML: the ``python_function``
flavor plus the framework's, python version, signature, input example, ids, size, creation
time), ``requirements.txt``, ``python_env.yaml``, ``conda.yaml``, the serialised model and,
when given, ``input_example.json`` and ``serving_input_example.json``. So
``mlflow.pyfunc.load_model``, ``mlflow.sklearn.load_model``, ``mlflow.pytorch.load_model``
``mlflow.keras.load_model`` and ``mlflow models serve`` take a jt model. Flavors written:

- ``sklearn``: a scikit-learn estimator in ``model.pkl`` (cloudpickle when installed, else
  pickle); ``python_function`` loads it through ``mlflow.sklearn``;
- ``pytorch``: a ``torch.nn.Module`` saved whole with ``torch.save`` in ``data/model.pth``
  (MLflow's "pickle" format; ``data/pickle_module_info.txt`` names the pickle module);
  ``python_function`` loads it through ``mlflow.pytorch``. It loads in jt as
  ``TorchModel``, whose ``predict`` runs the module in eval mode without gradients. A state
  dict (a dict of tensors) is saved the same way and loads as that dict (no
  ``python_function``: MLflow has no model to call);
- ``keras``: a Keras 3 model in ``data/model.keras`` (Keras's own format, any backend),
  as ``mlflow.keras.save_model(save_exported_model=False)`` writes it; ``python_function``
  loads it through ``mlflow.keras``; jt loads it with ``keras.saving.load_model`` (safe
  mode). Checked before PyTorch: on Keras's torch backend a model is a ``torch.nn.Module``;
- ``python_pickle`` (jt's own): anything else, pickled; ``python_function`` loads it through
  this module's ``_load_pyfunc`` (so serving it needs jupyterlab_tracker installed).

Read besides (what MLflow 3 writes): sklearn in skops, pickle or cloudpickle; PyTorch as
``data/model.pth`` or ``data/model.pt2`` (``torch.export``); any other ``python_function``
model through ``mlflow.pyfunc`` when mlflow is installed.

**Loading a model runs code.** Unpickling (``pickle.load``, ``torch.load`` with
``weights_only=False``, ``torch.export.load`` of a ``.pt2`` archive, whose records it
unpickles) executes whatever the file says, with the rights of the process that loads it.
Load only models you trust, exactly as with MLflow. What is defended: every file the
descriptor names must be inside the model's directory (an absolute path, ``..`` or a
symlink leading out is refused, ``model_file``); a PyTorch file that holds only tensors (a
state dict) is loaded with ``weights_only=True``, which runs no code; a skops file is loaded
by skops, which builds only the types it trusts by default plus those the descriptor's
``skops_trusted_types`` lists (as in MLflow; whoever wrote the model chose that list).

Heavy libraries are looked up in ``sys.modules`` for detection, never imported for it.
"""

from __future__ import annotations

import datetime
import json
import os
import pickle
import platform
import posixpath
import shutil
import sys
import tempfile
from importlib import metadata

from ..artifacts.paths import resolve_artifact_path
from ..domain.model_files import DESCRIPTOR
from ..errors import TrackerError, invalid
from .model_signature import (
    SERVING_INPUT_EXAMPLE,
    example_files,
    example_kind,
    infer_signature,
)

REQUIREMENTS = "requirements.txt"
PYTHON_ENV = "python_env.yaml"
CONDA_ENV = "conda.yaml"
PICKLED_MODEL = "model.pkl"
TORCH_DATA = "data"  # MLflow's PyTorch model directory
TORCH_PICKLED = "model.pth"
TORCH_EXPORTED = "model.pt2"
TORCH_PICKLE_MODULE_INFO = "pickle_module_info.txt"
# What ``data/pickle_module_info.txt`` names for a cloudpickled module: MLflow's loader
# imports it (mlflow.pytorch.pickle_module is cloudpickle plus pickle's Unpickler).
MLFLOW_TORCH_CLOUDPICKLE = "mlflow.pytorch.pickle_module"
KERAS_DATA = "data"  # MLflow's Keras model directory: data/model.keras, data/keras_module.txt
KERAS_FILE = "model.keras"
KERAS_MODULE_INFO = "keras_module.txt"
KERAS_BACKEND_LIBRARIES = {"torch": "torch", "tensorflow": "tensorflow", "jax": "jax"}


def detect_flavor(model) -> str:
    sklearn_base = sys.modules.get("sklearn.base")
    if sklearn_base is not None and isinstance(model, sklearn_base.BaseEstimator):
        return "sklearn"
    keras = sys.modules.get("keras")  # before torch: on its torch backend a Model is a Module
    if keras is not None and isinstance(model, getattr(keras, "Model", ())):
        return "keras"
    torch = sys.modules.get("torch")
    if torch is not None and (isinstance(model, torch.nn.Module) or _is_state_dict(torch, model)):
        return "pytorch"
    return "python_pickle"


def _is_state_dict(torch, model) -> bool:
    return (
        isinstance(model, dict)
        and bool(model)
        and all(isinstance(v, torch.Tensor) for v in model.values())
    )


def _version_of(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _pinned(distribution: str) -> str:
    """``name==version`` without a local label (``torch==2.5.1``, not ``+cpu``: PyPI has
    none), as MLflow pins; the bare name when the distribution is not installed."""
    version = _version_of(distribution)
    return f"{distribution}=={version.split('+')[0]}" if version else distribution


def _pickler():
    try:
        import cloudpickle
    except ImportError:
        return pickle, "pickle"
    return cloudpickle, "cloudpickle"


def _save_torch(model, directory: str) -> tuple[dict, list[str]]:
    import torch

    pickler, serialization = _pickler()
    data = os.path.join(directory, TORCH_DATA)
    os.makedirs(data)
    torch.save(model, os.path.join(data, TORCH_PICKLED), pickle_module=pickler)
    module_name = MLFLOW_TORCH_CLOUDPICKLE if serialization == "cloudpickle" else "pickle"
    with open(os.path.join(data, TORCH_PICKLE_MODULE_INFO), "w", encoding="utf-8") as file:
        file.write(module_name)
    flavors: dict[str, dict[str, object]] = {
        "pytorch": {
            "model_data": TORCH_DATA,
            "pytorch_version": str(torch.__version__),
            "code": None,
        }
    }
    if isinstance(model, torch.nn.Module):
        flavors["python_function"] = {
            "loader_module": "mlflow.pytorch",
            "data": TORCH_DATA,
            "pickle_module_name": module_name,
            "config": {"device": None},
        }
    requirements = [_pinned("torch")] + (
        [_pinned("cloudpickle")] if serialization != "pickle" else []
    )
    return flavors, requirements


def _save_keras(model, directory: str) -> tuple[dict, list[str]]:
    """A Keras 3 model in ``data/model.keras`` (Keras's own format: architecture and
    weights, no pickle), as ``mlflow.keras.save_model(save_exported_model=False)`` writes
    it, on any backend."""
    import keras

    data = os.path.join(directory, KERAS_DATA)
    os.makedirs(data)
    model.save(os.path.join(data, KERAS_FILE))
    with open(os.path.join(data, KERAS_MODULE_INFO), "w", encoding="utf-8") as file:
        file.write("keras")
    backend = keras.backend.backend()
    flavors: dict[str, dict[str, object]] = {
        "keras": {
            "data": KERAS_DATA,
            "keras_version": keras.__version__,
            "keras_backend": backend,
            "save_exported_model": False,
        },
        "python_function": {"loader_module": "mlflow.keras"},
    }
    requirements = [_pinned("keras")]
    if backend in KERAS_BACKEND_LIBRARIES:
        requirements.append(_pinned(KERAS_BACKEND_LIBRARIES[backend]))
    return flavors, requirements


def _save_pickled(model, directory: str, flavor: str) -> tuple[dict, list[str]]:
    pickler, serialization = _pickler()
    with open(os.path.join(directory, PICKLED_MODEL), "wb") as file:
        # Python's default protocol, as MLflow pickles (cloudpickle's own is the newest).
        pickler.dump(model, file, protocol=pickle.DEFAULT_PROTOCOL)
    requirements = [_pinned("cloudpickle")] if serialization != "pickle" else []
    conf = {"pickled_model": PICKLED_MODEL, "serialization_format": serialization, "code": None}
    if flavor == "sklearn":
        conf.update(sklearn_version=_version_of("scikit-learn"), skops_trusted_types=None)
        pyfunc = {"loader_module": "mlflow.sklearn", "model_path": PICKLED_MODEL}
        requirements.insert(0, _pinned("scikit-learn"))
    else:
        pyfunc = {"loader_module": __name__, "data": PICKLED_MODEL}
        requirements.insert(0, _pinned("jupyterlab_tracker"))
    pyfunc["predict_fn"] = "predict"
    return {flavor: conf, "python_function": pyfunc}, requirements


def _predict_for_signature(model, flavor: str, example):
    """The model's output on its example, for the signature's outputs (as MLflow infers
    them); None when the model cannot predict it."""
    if example_kind(example) is None:
        return None
    try:
        if flavor == "pytorch":
            return TorchModel(model).predict(example) if callable(model) else None
        return model.predict(example) if hasattr(model, "predict") else None
    except Exception:  # a model that cannot predict its own example still saves
        return None


def _write_environment(directory: str, requirements: list[str]) -> None:
    """``requirements.txt``, ``python_env.yaml`` and ``conda.yaml``, as MLflow writes them."""
    import yaml

    python = platform.python_version()
    with open(os.path.join(directory, REQUIREMENTS), "w", encoding="utf-8") as file:
        file.write("\n".join(requirements))
    python_env = {
        "python": python,
        "build_dependencies": [_pinned("pip"), _pinned("setuptools"), "wheel"],
        "dependencies": [f"-r {REQUIREMENTS}"],
    }
    pip_version = _version_of("pip")
    conda_env = {
        "channels": ["conda-forge"],
        "dependencies": [
            f"python={python}",
            f"pip<={pip_version}" if pip_version else "pip",
            {"pip": requirements},
        ],
        "name": "mlflow-env",
    }
    for name, content in ((PYTHON_ENV, python_env), (CONDA_ENV, conda_env)):
        with open(os.path.join(directory, name), "w", encoding="utf-8") as file:
            # In the order MLflow writes (python_env.yaml leads with the python version).
            yaml.safe_dump(content, file, default_flow_style=False, sort_keys=False)


def _directory_size(directory: str) -> int:
    return sum(
        os.path.getsize(os.path.join(root, name))
        for root, _, names in os.walk(directory)
        for name in names
    )


def save_model(
    model,
    directory: str,
    *,
    name: str,
    model_id: str,
    run_id: str | None,
    input_example=None,
    artifact_uri: str | None = None,
) -> str:
    """Write ``model`` into ``directory`` as an MLflow model; returns the flavor.
    ``artifact_uri``: where the logged model's files go (MLflow 3 records it as
    ``artifact_path``; MLflow 2 recorded the name, which stands in without it)."""
    flavor = detect_flavor(model)
    if flavor == "pytorch":
        flavors, requirements = _save_torch(model, directory)
    elif flavor == "keras":
        flavors, requirements = _save_keras(model, directory)
    else:
        flavors, requirements = _save_pickled(model, directory, flavor)
    pyfunc = flavors.get("python_function")
    if pyfunc is not None:
        pyfunc["env"] = {"conda": CONDA_ENV, "virtualenv": PYTHON_ENV}
        pyfunc["python_version"] = platform.python_version()
        requirements.insert(0, _pinned("mlflow"))  # its loaders are MLflow's
    requirements += [_pinned(library) for library in ("numpy", "pandas") if library in sys.modules]

    descriptor: dict[str, object] = {
        "artifact_path": artifact_uri or name,
        "flavors": flavors,
        "model_id": model_id,
        "model_uuid": model_id,  # MLflow 3 logs a model with its id as its uuid
        "prompts": None,
        "run_id": run_id,
        "utc_time_created": str(datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)),
    }
    mlflow_version = _version_of("mlflow")
    if mlflow_version:  # what MLflow records of itself; jt writes without it when absent
        descriptor["mlflow_version"] = mlflow_version
    if input_example is not None:
        output = _predict_for_signature(model, flavor, input_example)
        signature = infer_signature(input_example, output)
        if signature is not None:
            descriptor["signature"] = signature
            # Inferred from the example, not from type hints (MLflow's two flags).
            descriptor["is_signature_from_type_hint"] = False
            descriptor["type_hint_from_example"] = False
        files, info = example_files(input_example)
        for file_name, value in files.items():
            with open(os.path.join(directory, file_name), "w", encoding="utf-8") as file:
                # The serving example is indented, as MLflow writes it.
                json.dump(value, file, indent=2 if file_name == SERVING_INPUT_EXAMPLE else None)
        if info is not None:
            descriptor["saved_input_example_info"] = info
    # Measured as MLflow does: the model and its example, before the environment files.
    descriptor["model_size_bytes"] = _directory_size(directory)
    _write_environment(directory, requirements)
    import yaml

    with open(os.path.join(directory, DESCRIPTOR), "w", encoding="utf-8") as file:
        yaml.safe_dump(descriptor, file, default_flow_style=False)
    return flavor


def model_file(directory: str, name, what: str) -> str:
    """The file ``name`` (read from the descriptor: untrusted) inside the model's
    ``directory``; an absolute path, '..' or a symlink leading out is refused."""
    if not isinstance(name, str) or not name:
        raise invalid(f"Refusing to load the model: its {what} is {name!r}, not a file name")
    try:
        return resolve_artifact_path(directory, name, local=True)
    except TrackerError as error:
        raise invalid(
            f"Refusing to load the model: its {what} {name!r} must name a file inside the "
            f"model's directory ({error.message})"
        ) from None


def read_descriptor(directory: str) -> dict:
    """The ``MLmodel`` descriptor (YAML, read with ``safe_load``: no code runs)."""
    import yaml

    path = model_file(directory, DESCRIPTOR, "descriptor")
    if not os.path.isfile(path):
        raise invalid(f"No {DESCRIPTOR} file in the model directory: not a saved model")
    with open(path, encoding="utf-8") as file:
        descriptor = yaml.safe_load(file)
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("flavors") or {}, dict):
        raise invalid(f"{DESCRIPTOR} is not a model descriptor (a mapping with 'flavors')")
    return descriptor


class TorchModel:
    """A ``torch.nn.Module`` with ``predict``: numpy/DataFrame in, numpy out. An exported
    program's module (``.pt2``) is already in eval form and refuses ``eval()``."""

    def __init__(self, module, exported: bool = False):
        self.module = module
        self.exported = exported

    def predict(self, data):
        import numpy
        import torch

        values = data.to_numpy() if hasattr(data, "to_numpy") else numpy.asarray(data)
        tensor = torch.tensor(
            values, dtype=torch.float32
        )  # copies: pandas may hand a read-only view
        if not self.exported:
            self.module.eval()
        with torch.no_grad():
            return self.module(tensor).numpy()


def _flavor_conf(flavors: dict, flavor: str) -> dict:
    conf = flavors[flavor]
    if not isinstance(conf, dict):
        raise invalid(f"{DESCRIPTOR} flavors.{flavor} is {conf!r}, not a mapping")
    return conf


def _flavor_file(directory: str, flavors: dict, flavor: str, key: str) -> str:
    return model_file(
        directory, _flavor_conf(flavors, flavor).get(key), f"{DESCRIPTOR} flavors.{flavor}.{key}"
    )


def load_torch(path: str):
    """A state dict (tensors only) with ``weights_only=True``, which runs no code; else a
    whole pickled module, which only the full unpickler loads: that runs the file's code.
    (A cloudpickled module loads with pickle's unpickler too.)"""
    import torch

    try:
        return torch.load(path, weights_only=True)
    except pickle.UnpicklingError:  # the restricted unpickler met a class: a whole module
        return torch.load(path, weights_only=False)


def _load_pytorch(directory: str, flavors: dict):
    """``model_data`` is MLflow's ``data`` directory (``model.pth``, or ``model.pt2`` from
    ``torch.export``) or, in models jt wrote before, the ``.pth`` file itself."""
    path = _flavor_file(directory, flavors, "pytorch", "model_data")
    data_name = str(_flavor_conf(flavors, "pytorch")["model_data"])  # a file name (checked)
    exported = False
    if os.path.isdir(path):
        what = f"{DESCRIPTOR} flavors.pytorch.model_data"
        pickled = model_file(directory, posixpath.join(data_name, TORCH_PICKLED), what)
        if os.path.isfile(pickled):
            loaded = load_torch(pickled)
        else:
            import torch

            exported_file = model_file(directory, posixpath.join(data_name, TORCH_EXPORTED), what)
            if not os.path.isfile(exported_file):
                raise invalid(
                    f"The PyTorch model's {data_name!r} holds neither {TORCH_PICKLED} "
                    f"nor {TORCH_EXPORTED}"
                )
            loaded = torch.export.load(exported_file).module()  # unpickles the archive's records
            exported = True
    else:
        loaded = load_torch(path)
    if isinstance(loaded, sys.modules["torch"].nn.Module):
        return TorchModel(loaded, exported)
    return loaded


def _load_skops(path: str, trusted):
    try:
        import skops.io
    except ImportError:
        raise invalid(
            "This scikit-learn model is saved in the skops format (MLflow 3's default): "
            "install skops to load it (pip install skops)"
        ) from None
    if trusted is not None and not (
        isinstance(trusted, list) and all(isinstance(t, str) for t in trusted)
    ):
        raise invalid(
            f"{DESCRIPTOR} flavors.sklearn.skops_trusted_types is {trusted!r}, "
            "not a list of type names"
        )
    try:
        return skops.io.load(path, trusted=trusted)
    except skops.io.exceptions.UntrustedTypesFoundException as error:
        raise invalid(
            f"Refusing to load the skops model: it builds types that are neither skops' "
            f"defaults nor listed in its skops_trusted_types ({error})"
        ) from None


def _load_sklearn(directory: str, flavors: dict):
    conf = _flavor_conf(flavors, "sklearn")
    path = _flavor_file(directory, flavors, "sklearn", "pickled_model")
    serialization = conf.get("serialization_format", "pickle")
    if serialization == "skops":
        return _load_skops(path, conf.get("skops_trusted_types"))
    if serialization not in ("pickle", "cloudpickle"):
        raise invalid(
            f"Unknown scikit-learn serialization_format {serialization!r}: "
            "expected skops, pickle or cloudpickle"
        )
    with open(path, "rb") as file:
        return pickle.load(file)  # cloudpickle output loads with plain pickle


def _load_keras(directory: str, flavors: dict):
    """A ``.keras`` file, loaded by Keras in its safe mode (no lambda layers' code runs)."""
    import keras

    data = _flavor_file(directory, flavors, "keras", "data")
    return keras.saving.load_model(model_file(data, KERAS_FILE, "Keras model file"))


def _load_with_mlflow(directory: str, flavors: dict):
    try:
        import mlflow.pyfunc
    except ImportError:
        raise invalid(
            f"This model's flavors are {sorted(flavors)}: jt loads sklearn, pytorch and "
            "python_pickle models itself, and any other python_function model through "
            "mlflow.pyfunc, which needs mlflow: install it (pip install mlflow-skinny, or "
            "pip install mlflow)"
        ) from None
    # A python_function model may read its files after loading (a PythonModel's
    # artifacts): it gets a copy that outlives the download, as MLflow's own downloads do.
    kept = shutil.copytree(directory, os.path.join(tempfile.mkdtemp(prefix="jt-model-"), "model"))
    return mlflow.pyfunc.load_model(kept)


def load_model_from_directory(directory: str):
    """The model saved in ``directory`` (by jt or by MLflow), ready to ``predict``.

    Runs the code in the model's pickle (see the module docstring): only load models you
    trust."""
    flavors = read_descriptor(directory).get("flavors") or {}
    if "pytorch" in flavors:
        return _load_pytorch(directory, flavors)
    if "sklearn" in flavors:
        return _load_sklearn(directory, flavors)
    if "keras" in flavors and not _flavor_conf(flavors, "keras").get("save_exported_model"):
        return _load_keras(directory, flavors)
    if "python_pickle" in flavors:
        with open(_flavor_file(directory, flavors, "python_pickle", "pickled_model"), "rb") as file:
            return pickle.load(file)
    if "python_function" in flavors:
        return _load_with_mlflow(directory, flavors)
    raise invalid(f"No supported flavor in {sorted(flavors)}")


def _load_pyfunc(path: str):
    """``mlflow.pyfunc``'s entry point for jt's python_pickle models: ``path`` is the
    pickle (``python_function.data``). Runs the pickle's code, like every MLflow loader."""
    with open(path, "rb") as file:
        return pickle.load(file)
