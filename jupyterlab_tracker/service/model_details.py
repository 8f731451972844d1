"""What the model-version page shows, in one call: the version, its source run, and what
its ``MLmodel`` says (flavors, signature) with its input example.

Everything here was written by some client and is untrusted: the descriptor is read with
``yaml.safe_load`` under a size cap, the signature's JSON strings are parsed defensively
into display rows (name, type text, required), and the example is cut to a small table or
a short text. Nothing fails the page: a missing or unreadable model gives ``model: null``
and a ``model_error`` saying why. The files are found by the version's download URI and
confined (``ArtifactService.model_version_repository``), like a download of them.
"""

from __future__ import annotations

import json
from typing import Any

from ..artifacts import ArtifactRepository
from ..domain.model_files import DESCRIPTOR, INPUT_EXAMPLE
from ..errors import TrackerError, invalid
from . import validation as check
from .artifacts import ArtifactService

# Far above any real MLmodel (a few kB; a signature of 1000 columns is ~60 kB).
MAX_DESCRIPTOR_BYTES = 1024 * 1024
# An example above this is not parsed: its start is shown as text.
MAX_EXAMPLE_BYTES = 1024 * 1024
EXAMPLE_ROWS = 20
EXAMPLE_COLUMNS = 50
MAX_FIELDS = 500  # signature rows per part
MAX_FLAVORS = 20
MAX_CELL_CHARS = 200
MAX_TEXT_CHARS = 4000
MAX_TYPE_DEPTH = 4  # arrays of objects of arrays...
SIGNATURE_PARTS = ("inputs", "outputs", "params")


def _text(value: Any, limit: int = MAX_CELL_CHARS) -> str:
    """A value as one short line: strings as they are, anything else as compact JSON."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, separators=(",", ":"), default=str)
        except (ValueError, RecursionError):
            text = str(type(value).__name__)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_text(spec: Any, depth: int = 0) -> str:
    """MLflow's type of a column, tensor, array, object or map spec, as text."""
    if not isinstance(spec, dict):
        return "?"
    kind = spec.get("type")
    if depth >= MAX_TYPE_DEPTH:
        return _text(kind) if isinstance(kind, str) else "?"
    if kind == "tensor":
        tensor = spec.get("tensor-spec")
        tensor = tensor if isinstance(tensor, dict) else {}
        shape = tensor.get("shape")
        shape_text = (
            "(" + ", ".join(_text(d, 12) for d in shape[:16]) + ")"
            if isinstance(shape, list)
            else "?"
        )
        return f"tensor {_text(tensor.get('dtype', '?'), 40)} {shape_text}"
    if kind == "array":
        return f"array<{_type_text(spec.get('items'), depth + 1)}>"
    if kind == "map":
        return f"map<string, {_type_text(spec.get('values'), depth + 1)}>"
    if kind == "object":
        properties = spec.get("properties")
        if not isinstance(properties, dict):
            return "object"
        inner = ", ".join(
            f"{_text(key, 60)}{'' if (prop or {}).get('required', True) else '?'}: "
            f"{_type_text(prop, depth + 1)}"
            for key, prop in list(properties.items())[:20]
            if isinstance(prop, dict) or prop is None
        )
        return f"object{{{inner}}}"
    return _text(kind, 60) if isinstance(kind, str) else "?"


def _fields(part: str, raw: Any, problems: list[str]) -> list[dict] | None:
    """One part of the signature (a JSON string of specs) as rows, or None."""
    if raw is None:
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError):
            problems.append(f"The signature's {part} are not valid JSON")
            return None
    if not isinstance(raw, list):
        problems.append(f"The signature's {part} are not a list of specs")
        return None
    rows = []
    for spec in raw[:MAX_FIELDS]:
        if not isinstance(spec, dict):
            continue
        name = spec.get("name")
        row: dict[str, Any] = {
            "name": None if name is None else _text(name),
            "type": _type_text(spec),
            "required": spec.get("required", True) is not False,
        }
        if part == "params":
            row["default"] = _text(spec.get("default"))
        rows.append(row)
    if len(raw) > MAX_FIELDS:
        problems.append(
            f"The signature's {part} have {len(raw)} specs; the first {MAX_FIELDS} show"
        )
    return rows


def signature_rows(signature: Any, problems: list[str]) -> dict | None:
    """``MLmodel``'s ``signature`` as rows per part (inputs, outputs, params)."""
    if signature is None:
        return None
    if not isinstance(signature, dict):
        problems.append("The signature is not a mapping")
        return None
    return {part: _fields(part, signature.get(part), problems) for part in SIGNATURE_PARTS}


def _table(columns: list | None, rows: list) -> dict:
    shown = rows[:EXAMPLE_ROWS]
    widths = [len(r) if isinstance(r, list) else 1 for r in shown]
    total = len(columns) if columns is not None else max(widths, default=0)
    width = min(total, EXAMPLE_COLUMNS)
    cells = [
        [_text(cell) for cell in (row if isinstance(row, list) else [row])[:width]] for row in shown
    ]
    return {
        "columns": [_text(c) for c in columns[:width]] if columns is not None else None,
        "rows": cells,
        "total_rows": len(rows),
        "total_columns": total,
    }


def example_view(value: Any) -> dict:
    """An example (parsed JSON) as a table (split orient, records, arrays) or as text."""
    if isinstance(value, dict):
        for wrapper in ("dataframe_split", "inputs", "instances"):
            if wrapper in value and len(value) == 1:
                return example_view(value[wrapper])
        columns, data = value.get("columns"), value.get("data")
        if isinstance(data, list) and (columns is None or isinstance(columns, list)):
            return _table(columns, data)
    if isinstance(value, list) and value:
        if all(isinstance(r, dict) for r in value):  # records
            keys: list[str] = []
            for record in value[:EXAMPLE_ROWS]:
                keys.extend(k for k in record if k not in keys)
            return _table(keys, [[r.get(k) for k in keys] for r in value])
        return _table(None, value)
    try:
        text = json.dumps(value, indent=2, default=str)
    except (ValueError, RecursionError):
        text = _text(value)
    return {"text": _text(text, MAX_TEXT_CHARS)}


class ModelDetailsService:
    def __init__(self, artifacts: ArtifactService):
        self.artifacts = artifacts
        self.registry = artifacts.registry
        self.tracking = artifacts.tracking

    def model_version_details(self, name: str, version: str) -> dict:
        """``model_version``, ``source_run`` (null when it has none here), ``model``
        (flavors, signature, input_example, problems) or null with ``model_error``."""
        model_version = self.registry.get_model_version(name, version)
        source_run = None
        run_id = model_version.run_id
        if run_id is not None and check.is_run_id(run_id):
            try:
                source_run = self.tracking.get_run(run_id).to_dict()
            except TrackerError:
                source_run = None  # a run of another tracker, or deleted for good
        try:
            model, model_error = self._model(name, version), None
        except TrackerError as error:
            model, model_error = None, error.message
        return {
            "model_version": model_version.to_dict(),
            "source_run": source_run,
            "model": model,
            "model_error": model_error,
        }

    def _model(self, name: str, version: str) -> dict:
        repository = self.artifacts.model_version_repository(name, version)
        descriptor = _read_yaml(_read_capped(repository, DESCRIPTOR, MAX_DESCRIPTOR_BYTES))
        problems: list[str] = []
        flavors: dict = descriptor["flavors"]  # a mapping: _read_yaml checked
        info = descriptor.get("saved_input_example_info")
        path = info.get("artifact_path") if isinstance(info, dict) else None
        return {
            "flavors": [_text(f, 60) for f in list(flavors)[:MAX_FLAVORS]],
            "signature": signature_rows(descriptor.get("signature"), problems),
            "input_example": self._example(
                repository, path if isinstance(path, str) and path else INPUT_EXAMPLE, problems
            ),
            "problems": problems,
        }

    def _example(
        self, repository: ArtifactRepository, path: str, problems: list[str]
    ) -> dict | None:
        try:
            size = repository.file_size(path)
            data = _read_capped(repository, path, MAX_EXAMPLE_BYTES, allow_larger=True)
        except TrackerError as error:
            if path != INPUT_EXAMPLE:  # declared, yet unreadable
                problems.append(f"The input example {_text(path)!r}: {error.message}")
            return None
        view: dict[str, Any] = {"path": _text(path), "size": size}
        text = data.decode("utf-8", errors="replace")
        if size > MAX_EXAMPLE_BYTES:
            return {**view, "text": _text(text, MAX_TEXT_CHARS), "truncated": True}
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):
            return {**view, "text": _text(text, MAX_TEXT_CHARS), "truncated": False}
        return {**view, **example_view(parsed), "truncated": False}


def _read_capped(
    repository: ArtifactRepository, path: str, limit: int, allow_larger: bool = False
) -> bytes:
    size = repository.file_size(path)
    if size > limit and not allow_larger:
        raise invalid(f"{path} is {size:,} bytes, more than the {limit:,} read here")
    return b"".join(repository.read_chunks(path, 0, min(size, limit)))


def _read_yaml(data: bytes) -> dict:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        descriptor = yaml.load(data.decode("utf-8", errors="replace"), Loader=loader)  # noqa: S506
    except (yaml.YAMLError, RecursionError) as error:
        raise invalid(f"{DESCRIPTOR} is not valid YAML: {_text(str(error))}") from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("flavors"), dict):
        raise invalid(f"{DESCRIPTOR} is not a model descriptor (a mapping with 'flavors')")
    return descriptor
