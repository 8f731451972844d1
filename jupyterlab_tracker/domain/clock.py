"""The one clock of the domain's timestamps (stdlib only)."""

from __future__ import annotations

import time


def now_ms() -> int:
    """Milliseconds since the Unix epoch, as MLflow's timestamps (start and end times,
    metric points, last updates), exact integer arithmetic."""
    return time.time_ns() // 1_000_000
