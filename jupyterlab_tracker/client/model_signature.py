"""A model's signature and input example in MLflow's JSON form, written without MLflow.

MLflow's readers (``mlflow.models.Model.load``, ``mlflow.pyfunc.load_model``, ``mlflow
models serve``) expect, in ``MLmodel``::

    signature:
      inputs: '<a JSON string: a list of column or tensor specs>'
      outputs: '<the same, or null>'
      params: null
    saved_input_example_info: {artifact_path: input_example.json, type: dataframe|ndarray,
                               pandas_orient: split, serving_input_path: ...}

and the example itself as ``input_example.json`` (a DataFrame in ``split`` orient without
its index, an array as nested lists) plus ``serving_input_example.json`` (the body of a
POST /invocations request). Only DataFrames and numpy arrays are declared: for anything else
MLflow's own inference differs per type, and a wrong declaration breaks its loaders, so
such an example is kept as ``input_example.json`` and not declared.

Heavy libraries are looked up in ``sys.modules``, never imported here.
"""

from __future__ import annotations

import json
import sys

from ..domain.model_files import INPUT_EXAMPLE, SERVING_INPUT_EXAMPLE

# numpy dtype kind and item size -> MLflow's column type (mlflow/types/utils.py).
# Looked up with whatever (dtype.kind, dtype.itemsize) a column has.
_COLUMN_TYPES: dict[tuple[object, object], str] = {
    ("b", 1): "boolean",
    ("i", 1): "integer",
    ("i", 2): "integer",
    ("i", 4): "integer",
    ("i", 8): "long",
    ("u", 1): "integer",
    ("u", 2): "integer",
    ("u", 4): "long",
    ("f", 2): "float",
    ("f", 4): "float",
    ("f", 8): "double",
}


def _column_type(series) -> str | None:
    """MLflow's type for a DataFrame column; None when MLflow has none we can be sure of."""
    dtype = series.dtype
    kind = getattr(dtype, "kind", None)
    if str(dtype) in ("str", "string") or kind == "U":
        return "string"
    if kind == "M":
        return "datetime"
    if kind == "O":
        values = series.dropna()
        if len(values) and all(isinstance(v, str) for v in values):
            return "string"
        if len(values) and all(isinstance(v, bytes) for v in values):
            return "binary"
        return None
    return _COLUMN_TYPES.get((kind, getattr(dtype, "itemsize", 0)))


def _tensor_spec(array) -> dict:
    return {
        "type": "tensor",
        "tensor-spec": {"dtype": str(array.dtype), "shape": [-1, *array.shape[1:]]},
    }


def _schema(value) -> list | None:
    pandas, numpy = sys.modules.get("pandas"), sys.modules.get("numpy")
    if pandas is not None and isinstance(value, pandas.DataFrame):
        columns = []
        for name in value.columns:
            column_type = _column_type(value[name])
            if column_type is None:
                return None
            columns.append({"type": column_type, "name": str(name), "required": True})
        return columns
    if numpy is not None and isinstance(value, numpy.ndarray):
        return [_tensor_spec(value)]
    return None


def _column_output(output) -> list | None:
    """A 1-D array predicted for a DataFrame: one value a row, so one unnamed column (as
    MLflow infers it), else None."""
    numpy, pandas = sys.modules.get("numpy"), sys.modules.get("pandas")
    if numpy is None or pandas is None or not isinstance(output, numpy.ndarray):
        return None
    if output.ndim != 1:
        return None
    series = pandas.Series(output)
    column_type = _column_type(series)
    if column_type is None:
        return None
    return [{"type": column_type, "required": not bool(series.isna().any())}]


def infer_signature(example, output=None) -> dict | None:
    """``MLmodel``'s ``signature``: inputs from the example, outputs from the model's
    prediction on it (when that is an array or DataFrame); None when the example is neither."""
    inputs = _schema(example)
    if inputs is None:
        return None
    outputs = None
    if example_kind(example) == "dataframe":
        outputs = _column_output(output)
    if outputs is None:
        outputs = _schema(output)
    return {
        "inputs": json.dumps(inputs),
        "outputs": json.dumps(outputs) if outputs is not None else None,
        "params": None,
    }


def example_kind(example) -> str | None:
    pandas, numpy = sys.modules.get("pandas"), sys.modules.get("numpy")
    if pandas is not None and isinstance(example, pandas.DataFrame):
        return "dataframe"
    if numpy is not None and isinstance(example, numpy.ndarray):
        return "ndarray"
    return None


def example_files(example) -> tuple[dict[str, object], dict[str, object] | None]:
    """The example's files (name -> JSON value) and ``saved_input_example_info``."""
    kind = example_kind(example)
    files: dict[str, object]
    info: dict[str, object]
    if kind == "dataframe":
        split = example.to_dict(orient="split")
        table = {"columns": [str(c) for c in split["columns"]], "data": split["data"]}
        files = {INPUT_EXAMPLE: table, SERVING_INPUT_EXAMPLE: {"dataframe_split": table}}
        info = {"pandas_orient": "split"}
    elif kind == "ndarray":
        values = example.tolist()
        files = {INPUT_EXAMPLE: values, SERVING_INPUT_EXAMPLE: {"inputs": values}}
        info = {}
    else:
        return {INPUT_EXAMPLE: example}, None
    info.update(artifact_path=INPUT_EXAMPLE, serving_input_path=SERVING_INPUT_EXAMPLE, type=kind)
    return files, info
