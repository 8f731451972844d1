"""The one error type every layer raises, with MLflow-style error codes.

Stdlib only: the store, the service, the server and the client all share it. Each
surface maps codes to HTTP statuses in one place (see ``server/handlers.py``).
"""

from __future__ import annotations

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


def not_found(what: str) -> TrackerError:
    return TrackerError(what, RESOURCE_DOES_NOT_EXIST)


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
