"""The one error type every layer raises, with MLflow-style error codes.

Stdlib only: the store, the service, the server and the client all share it. Each
surface maps codes to HTTP statuses in one place (see ``server/handlers.py``).
"""

from __future__ import annotations

import json
import reprlib
from typing import Any

INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE"
RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST"
RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS"
INVALID_STATE = "INVALID_STATE"
BAD_REQUEST = "BAD_REQUEST"
ENDPOINT_NOT_FOUND = "ENDPOINT_NOT_FOUND"
PERMISSION_DENIED = "PERMISSION_DENIED"
TEMPORARILY_UNAVAILABLE = "TEMPORARILY_UNAVAILABLE"
INTERNAL_ERROR = "INTERNAL_ERROR"


class TrackerError(Exception):
    """A failure the caller can act on: ``message`` says what to fix.

    ``http_status``: the HTTP status of the answer it came in, when it came over HTTP
    (the client's retry policy goes by it).
    """

    def __init__(
        self,
        message: str,
        error_code: str = INVALID_PARAMETER_VALUE,
        *,
        http_status: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.error_code = error_code
        self.http_status = http_status

    def to_dict(self) -> dict:
        return {"error_code": self.error_code, "message": self.message}

    def __repr__(self) -> str:
        return f"TrackerError({self.error_code}: {self.message})"


class ParamValueChanged(TrackerError):
    """A param logged again with another value: params never change (MLflow's rule).

    ``conflicts``: (key, logged value, new value) of each such param, in request order;
    the message is MLflow's for a batch (``log_param`` words a single one its own way)."""

    def __init__(self, run_id: str, conflicts: list[tuple[str, str, str]]):
        logged = [{"key": k, "old_value": old, "new_value": new} for k, old, new in conflicts]
        super().__init__(
            f"Changing param values is not allowed. Params were already logged='{logged}' "
            f"for run ID='{run_id}'."
        )
        self.run_id = run_id
        self.conflicts = conflicts


def not_found(what: str) -> TrackerError:
    return TrackerError(what, RESOURCE_DOES_NOT_EXIST)


def logged_model_not_found(model_id: object) -> TrackerError:
    """MLflow's answer for a logged model id that names none (of any form)."""
    return not_found(f"Logged model with ID {preview(model_id)} not found.")


def already_exists(what: str) -> TrackerError:
    return TrackerError(what, RESOURCE_ALREADY_EXISTS)


def invalid(what: str) -> TrackerError:
    return TrackerError(what, INVALID_PARAMETER_VALUE)


_PREVIEW = reprlib.Repr()
_PREVIEW.maxlevel, _PREVIEW.maxstring, _PREVIEW.maxother = 3, 200, 200


def preview(value: Any, limit: int = 60) -> str:
    """repr() cut short, so a 10 000-character value doesn't flood the error message.

    ``reprlib`` stops at a few levels and items, so a huge or deeply nested value costs
    no more to describe than a small one."""
    try:
        text = _PREVIEW.repr(value)
    except ValueError:  # an int of more than 4300 digits has no repr
        text = f"<a {value.bit_length()}-bit integer>"
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def json_preview(value: Any, limit: int = 500) -> str:
    """``value`` as MLflow quotes it in a message (compact JSON, keys sorted), cut short
    like ``preview()``. Containers are described a few levels and items deep at most, so
    a huge or deeply nested value costs no more to describe than a small one."""
    text = _json_text(value, depth=3)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json_text(value: Any, depth: int) -> str:
    if isinstance(value, str):
        return json.dumps(value[:1000] + ("..." if len(value) > 1000 else ""))
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 256:
        return f"<a {value.bit_length()}-bit integer>"
    if isinstance(value, bool | int | float) or value is None:
        return json.dumps(value)
    if isinstance(value, list | tuple | dict) and depth <= 0:
        return "[...]" if isinstance(value, list | tuple) else "{...}"
    if isinstance(value, list | tuple):
        items = [_json_text(item, depth - 1) for item in value[:20]]
        return "[" + ",".join(items + (["..."] if len(value) > 20 else [])) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=str)[:20]
        items = [f"{_json_text(str(k), 0)}:{_json_text(value[k], depth - 1)}" for k in keys]
        return "{" + ",".join(items + (["..."] if len(value) > 20 else [])) + "}"
    return preview(value)


# MLflow's wording for refused input (``mlflow/utils/validation.py``), so that scripts
# matching on MLflow's messages match ours.


def invalid_value(path: str, value: Any, why: str | None = None) -> TrackerError:
    """INVALID_PARAMETER_VALUE: "Invalid value <json> for parameter '<path>' supplied..."."""
    quoted = json_preview(value)
    if why:
        return invalid(f"Invalid value {quoted} for parameter '{path}' supplied: {why}")
    return invalid(f"Invalid value {quoted} for parameter '{path}' supplied.")


def exceeds_maximum_length(what: str, limit: int) -> TrackerError:
    return invalid(f"'{what}' exceeds the maximum length of {limit} characters")
