"""A pandas DataFrame described as a ``Dataset`` (name, digest, schema, profile), as in MLflow."""

from __future__ import annotations

import hashlib
import json

from ..domain.tags import SOURCE_NAME_TAG
from ..entities import Dataset

# A digest over the first rows only keeps log_input fast on large frames; the row count
# and the columns are hashed too, so most changes still show.
DIGEST_ROWS = 10_000


def dataset_from_dataframe(df, name: str | None = None, source: str = "") -> Dataset:
    return Dataset(
        name=name or "dataset",
        digest=dataframe_digest(df),
        source_type="code",
        source=json.dumps({"tags": {SOURCE_NAME_TAG: source}} if source else {}),
        schema=json.dumps({"mlflow_colspec": [_column_spec(df, c) for c in df.columns]}),
        profile=json.dumps({"num_rows": len(df), "num_elements": int(df.size)}),
    )


def dataframe_digest(df) -> str:
    import pandas as pd

    md5 = hashlib.md5(usedforsecurity=False)
    md5.update(pd.util.hash_pandas_object(df.head(DIGEST_ROWS), index=True).values.tobytes())
    md5.update(json.dumps([str(c) for c in df.columns]).encode())
    md5.update(str(len(df)).encode())
    return md5.hexdigest()[:8]


def _column_spec(df, column) -> dict:
    return {"type": _column_type(df[column].dtype), "name": str(column), "required": True}


def _column_type(dtype) -> str:
    """MLflow's column type names for a pandas dtype."""
    kind = getattr(dtype, "kind", "O")
    if kind == "b":
        return "boolean"
    if kind in "iu":
        return "integer" if dtype.itemsize <= 4 else "long"
    if kind == "f":
        return "float" if dtype.itemsize <= 4 else "double"
    if kind == "M":
        return "datetime"
    if kind == "S":
        return "binary"
    return "string"
