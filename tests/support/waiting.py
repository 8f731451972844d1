"""Condition waits instead of fixed sleeps.

A test that waits for something (a thread to flush, a server to answer, a run to be
reaped) polls for that thing with a deadline, so it is as fast as the machine allows and
fails with a message instead of flaking when the machine is slow. A fixed ``time.sleep``
stays only where the passing of time is itself what the test checks (a heartbeat that
must not come within an interval), with a comment saying so.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    condition: Callable[[], T],
    timeout: float = 10.0,
    *,
    interval: float = 0.01,
    message: str = "condition not met",
    ignore: tuple[type[BaseException], ...] = (),
) -> T:
    """Call ``condition`` until it returns something truthy, and return that.

    ``ignore`` names exceptions that mean "not yet" (a connection refused while a server
    starts). Raises AssertionError after ``timeout`` seconds, with ``message`` and the
    last exception ignored, if any.
    """
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while True:
        try:
            result = condition()
        except ignore as error:
            last_error, result = error, None
        if result:
            return result
        if time.monotonic() >= deadline:
            detail = f" (last: {last_error!r})" if last_error is not None else ""
            raise AssertionError(f"{message} within {timeout:g} s{detail}")
        time.sleep(interval)


async def async_wait_until(
    condition: Callable[[], T | Awaitable[T]],
    timeout: float = 10.0,
    *,
    interval: float = 0.01,
    message: str = "condition not met",
) -> T:
    """``wait_until`` for a test whose server runs on the test's own event loop: waits
    with ``asyncio.sleep`` so the loop keeps serving. ``condition`` may be a coroutine
    function."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"{message} within {timeout:g} s")
        await asyncio.sleep(interval)


def next_millisecond() -> int:
    """Wait until the wall clock's millisecond changes (for writes whose stored times must
    differ: stores stamp rows in Unix milliseconds); return the new millisecond."""
    start = time.time_ns() // 1_000_000
    return wait_until(
        lambda: (now := time.time_ns() // 1_000_000) > start and now,
        timeout=1,
        interval=0.0002,
        message="the millisecond clock did not move",
    )
