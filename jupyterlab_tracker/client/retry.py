"""One retry policy (bounded exponential backoff) for HTTP requests and buffered writes.

What is retried: a connection that failed, and the answers that say "later" (408, 429)
or "the server is in trouble" (5xx; the tracker answers database trouble with 503). Every
other 4xx is final: the request itself is wrong, and sending it again gets the same answer,
so it surfaces at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..errors import (
    BAD_REQUEST,
    ENDPOINT_NOT_FOUND,
    INVALID_PARAMETER_VALUE,
    INVALID_STATE,
    PERMISSION_DENIED,
    RESOURCE_ALREADY_EXISTS,
    RESOURCE_DOES_NOT_EXIST,
    TrackerError,
)

# Errors that say the request itself is wrong: sending it again cannot help.
PERMANENT_ERROR_CODES = frozenset(
    {
        INVALID_PARAMETER_VALUE,
        BAD_REQUEST,
        INVALID_STATE,
        RESOURCE_DOES_NOT_EXIST,
        RESOURCE_ALREADY_EXISTS,
        ENDPOINT_NOT_FOUND,
        PERMISSION_DENIED,
    }
)


# HTTP statuses worth another try (MLflow's client retries the same ones).
RETRIED_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def is_final_status(status: int) -> bool:
    """A 4xx other than 408 and 429: the answer will not change."""
    return 400 <= status < 500 and status not in RETRIED_STATUSES


def is_permanent(error: BaseException) -> bool:
    """True for a caller's mistake; False for what may pass (network, 5xx, locked database).

    An error that came over HTTP is judged by its status, whatever its error code (a
    proxy's 413 or 401 has none); one raised in this process by its error code.
    """
    if not isinstance(error, TrackerError):
        return False
    if error.http_status is not None:
        return is_final_status(error.http_status)
    return error.error_code in PERMANENT_ERROR_CODES


@dataclass(frozen=True)
class RetryPolicy:
    """``max_attempts`` tries, waiting ``backoff_factor * 2**n`` seconds (capped) between.

    The default, 7 tries with factor 1, waits 1+2+4+8+16+32 s: about a minute, enough
    to ride out a Jupyter server restart. ``JUPYTERLAB_TRACKER_HTTP_MAX_ATTEMPTS`` and
    ``JUPYTERLAB_TRACKER_HTTP_BACKOFF`` override them.
    """

    max_attempts: int = 7
    backoff_factor: float = 1.0
    max_delay: float = 32.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (0-based)."""
        return min(self.backoff_factor * 2**attempt, self.max_delay)

    @classmethod
    def from_env(cls) -> RetryPolicy:
        return cls(
            max_attempts=int(os.environ.get("JUPYTERLAB_TRACKER_HTTP_MAX_ATTEMPTS", 7)),
            backoff_factor=float(os.environ.get("JUPYTERLAB_TRACKER_HTTP_BACKOFF", 1.0)),
        )
