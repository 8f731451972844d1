"""Saving and loading models in a directory: flavors, the ``MLmodel`` descriptor, signatures.

A saved model directory holds the serialised model, ``MLmodel`` (YAML: flavors, python and
library versions, signature, requirements, ids, creation time), ``requirements.txt`` and,
when given, ``input_example.json``. Flavors:

- ``sklearn``: a scikit-learn estimator, pickled (cloudpickle when installed);
- ``pytorch``: a ``torch.nn.Module`` saved whole with ``torch.save``; loads as
  ``TorchModel``, whose ``predict`` runs the module in eval mode without gradients. A state
  dict (a dict of tensors) is saved with ``torch.save`` too, and loads as that dict;
- ``python_pickle``: anything else, pickled; loads as the object itself.

**Loading a model runs code.** Unpickling (``pickle.load``, ``torch.load`` with
``weights_only=False``) executes whatever the file says, with the rights of the process
that loads it. Load only models you trust, exactly as with MLflow. What is defended: every
file the descriptor names must be inside the model's directory (an absolute path, ``..`` or
a symlink leading out is refused, ``model_file``), and a PyTorch file that holds only
tensors (a state dict) is loaded with ``weights_only=True``, which runs no code.

Heavy libraries are looked up in ``sys.modules`` for detection, never imported for it.
"""

from __future__ import annotations

import datetime
import json
import os
import pickle
import platform
import sys
from importlib import metadata

from ..artifacts.paths import resolve_artifact_path
from ..errors import TrackerError, invalid

DESCRIPTOR = "MLmodel"
INPUT_EXAMPLE = "input_example.json"
REQUIREMENTS = "requirements.txt"
PICKLED_MODEL = "model.pkl"
TORCH_MODEL = "model.pth"


def detect_flavor(model) -> str:
    sklearn_base = sys.modules.get("sklearn.base")
    if sklearn_base is not None and isinstance(model, sklearn_base.BaseEstimator):
        return "sklearn"
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


def _pickler():
    try:
        import cloudpickle
    except ImportError:
        return pickle, "pickle"
    return cloudpickle, "cloudpickle"


def infer_signature(example) -> dict | None:
    """Column names and dtypes of a DataFrame; shape and dtype of a numpy array."""
    pandas, numpy = sys.modules.get("pandas"), sys.modules.get("numpy")
    if pandas is not None and isinstance(example, pandas.DataFrame):
        return {"inputs": [{"name": str(c), "type": str(t)} for c, t in example.dtypes.items()]}
    if numpy is not None and isinstance(example, numpy.ndarray):
        return {"inputs": {"shape": [-1, *example.shape[1:]], "dtype": str(example.dtype)}}
    return None


def example_to_json(example):
    pandas, numpy = sys.modules.get("pandas"), sys.modules.get("numpy")
    if pandas is not None and isinstance(example, pandas.DataFrame):
        split = example.to_dict(orient="split")
        return {"columns": [str(c) for c in split["columns"]], "data": split["data"]}
    if numpy is not None and isinstance(example, numpy.ndarray):
        return {"data": example.tolist()}
    return example


def save_model(
    model,
    directory: str,
    *,
    name: str,
    model_id: str,
    run_id: str | None,
    input_example=None,
) -> str:
    """Write ``model`` and its descriptor into ``directory``; returns the flavor."""
    flavor = detect_flavor(model)
    if flavor == "pytorch":
        import torch

        torch.save(model, os.path.join(directory, TORCH_MODEL))
        flavor_conf = {"model_data": TORCH_MODEL, "pytorch_version": str(torch.__version__)}
        requirements = [f"torch=={torch.__version__.split('+')[0]}"]
    else:
        pickler, serialization = _pickler()
        with open(os.path.join(directory, PICKLED_MODEL), "wb") as file:
            pickler.dump(model, file)
        flavor_conf = {"pickled_model": PICKLED_MODEL, "serialization_format": serialization}
        requirements = (
            [f"{serialization}=={_version_of(serialization)}"]
            if serialization != ("pickle")
            else []
        )
        if flavor == "sklearn":
            flavor_conf["sklearn_version"] = _version_of("scikit-learn")
            requirements.insert(0, f"scikit-learn=={_version_of('scikit-learn')}")
    for library in ("numpy", "pandas"):
        if library in sys.modules and _version_of(library):
            requirements.append(f"{library}=={_version_of(library)}")

    descriptor = {
        "artifact_path": name,
        "model_id": model_id,
        "run_id": run_id,
        "utc_time_created": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "python_version": platform.python_version(),
        "flavors": {flavor: flavor_conf},
        "signature": infer_signature(input_example),
        "requirements": requirements,
    }
    if input_example is not None:
        with open(os.path.join(directory, INPUT_EXAMPLE), "w", encoding="utf-8") as file:
            json.dump(example_to_json(input_example), file)
        descriptor["saved_input_example_info"] = {"artifact_path": INPUT_EXAMPLE}
    with open(os.path.join(directory, REQUIREMENTS), "w", encoding="utf-8") as file:
        file.write("".join(f"{line}\n" for line in requirements))
    import yaml

    with open(os.path.join(directory, DESCRIPTOR), "w", encoding="utf-8") as file:
        yaml.safe_dump(descriptor, file, sort_keys=False)
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
    """A ``torch.nn.Module`` with ``predict``: numpy/DataFrame in, numpy out."""

    def __init__(self, module):
        self.module = module

    def predict(self, data):
        import numpy
        import torch

        values = data.to_numpy() if hasattr(data, "to_numpy") else numpy.asarray(data)
        tensor = torch.as_tensor(values, dtype=torch.float32)
        self.module.eval()
        with torch.no_grad():
            return self.module(tensor).numpy()


def _flavor_file(directory: str, flavors: dict, flavor: str, key: str) -> str:
    conf = flavors[flavor]
    name = conf.get(key) if isinstance(conf, dict) else None
    return model_file(directory, name, f"{DESCRIPTOR} flavors.{flavor}.{key}")


def load_torch(path: str):
    """A state dict (tensors only) with ``weights_only=True``, which runs no code; else a
    whole pickled module, which only the full unpickler loads: that runs the file's code."""
    import torch

    try:
        return torch.load(path, weights_only=True)
    except pickle.UnpicklingError:  # the restricted unpickler met a class: a whole module
        return torch.load(path, weights_only=False)


def load_model_from_directory(directory: str):
    """The model saved in ``directory`` by ``save_model``, ready to ``predict``.

    Runs the code in the model's pickle (see the module docstring): only load models you
    trust."""
    flavors = read_descriptor(directory).get("flavors") or {}
    if "pytorch" in flavors:
        loaded = load_torch(_flavor_file(directory, flavors, "pytorch", "model_data"))
        return TorchModel(loaded) if isinstance(loaded, sys.modules["torch"].nn.Module) else loaded
    for flavor in ("sklearn", "python_pickle"):
        if flavor in flavors:
            with open(_flavor_file(directory, flavors, flavor, "pickled_model"), "rb") as file:
                return pickle.load(file)  # cloudpickle output loads with plain pickle
    raise invalid(f"No supported flavor in {sorted(flavors)}")
