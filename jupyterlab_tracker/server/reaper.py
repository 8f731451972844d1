"""The dead-run reaper: RUNNING runs whose client stopped sending heartbeats become KILLED.

Clients send a heartbeat for each RUNNING run every ``heartbeat_interval`` seconds
(10 by default). Every ``reap_interval`` seconds the server marks KILLED the runs whose
last heartbeat is older than ``heartbeat_timeout`` (30 s by default), with end_time = that
heartbeat. So a run whose kernel died is KILLED at most timeout + reap_interval (40 s by
default) after its last heartbeat. Runs that never sent one (MLflow clients) are left alone.
"""

from __future__ import annotations

import time

from tornado.ioloop import IOLoop, PeriodicCallback

from ..domain.clock import now_ms
from .handlers import _store_executor


def start_run_reaper(service, *, timeout: float, interval: float, log) -> PeriodicCallback:
    # Clients go quiet while the server is down; give them one timeout after a (re)start
    # to send a heartbeat again before judging them.
    grace_until = time.monotonic() + timeout

    async def reap() -> None:
        if time.monotonic() < grace_until:
            return
        now = now_ms()
        try:
            killed = await IOLoop.current().run_in_executor(
                _store_executor, service.reap_dead_runs, now, timeout
            )
        except Exception as exc:  # the next round tries again
            log.warning("jupyterlab_tracker: reaping dead runs failed: %s", exc)
            return
        if killed:
            log.info(
                "jupyterlab_tracker: no heartbeat for %ss, marked KILLED: %s",
                timeout,
                ", ".join(killed),
            )

    callback = PeriodicCallback(reap, interval * 1000)
    callback.start()
    return callback
