"""Metric buffering: ``log_metric`` returns at once, a daemon thread writes batches.

The hot path is one ``deque.append`` of a plain tuple (no lock, no entity): Metric
objects are built only when a batch is written. The writer thread wakes every
``flush_interval`` seconds, or early once ``max_batch`` points wait, and writes
``log_batch`` calls of at most ``max_batch`` metrics for one run.

Durability rules:
- Each batch gets a ``batch_id`` when it is cut, and keeps it on every retry: the store
  ignores a batch id it has already written, so a retry after a lost answer cannot
  duplicate points.
- A write that fails for a passing reason (network, server restart, locked database) is
  kept and retried with backoff; ``flush()`` raises if it still fails, and the points
  stay buffered for the next attempt.
- A write the backend rejects (a bad key, a deleted run) can never succeed: its points
  are dropped with a warning, and the error is raised by the next ``flush()``.
- ``flush()`` returns only when everything logged before the call is written.

Heartbeats: the same thread tells the server every ``heartbeat_interval`` seconds that
the watched (RUNNING) runs are alive, so the server can mark a run KILLED once its process
is gone (see ``server/reaper.py``). The runs that are due go in one call (one write),
however many there are; a run created by this client had its first heartbeat recorded
with it. A failed heartbeat is only logged.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from ..domain.limits import MAX_METRICS_PER_BATCH
from ..entities import Metric
from .retry import RetryPolicy, is_permanent

log = logging.getLogger(__name__)

# (run_id, key, value, timestamp_ms, step): what log_metric appends.
PendingPoint = tuple[str, str, float, int, int]
WriteBatch = Callable[[str, list[Metric], str], None]  # (run_id, metrics, batch_id)
# (run_ids) -> the ids that are unknown or no longer RUNNING: stop beating for them.
SendHeartbeats = Callable[[list[str]], list[str]]


@dataclass
class Batch:
    run_id: str
    metrics: list[Metric]
    batch_id: str = field(default_factory=lambda: uuid.uuid4().hex)


class MetricBuffer:
    def __init__(
        self,
        write_batch: WriteBatch,
        *,
        flush_interval: float = 1.0,
        max_batch: int = MAX_METRICS_PER_BATCH,
        retry: RetryPolicy = RetryPolicy(max_attempts=3, backoff_factor=0.5, max_delay=30.0),
        send_heartbeats: SendHeartbeats | None = None,
        heartbeat_interval: float = 10.0,
    ):
        self._write_batch = write_batch
        self._send_heartbeats = send_heartbeats
        self.heartbeat_interval = heartbeat_interval
        self._watched: dict[str, float] = {}  # run id -> when its next heartbeat is due
        self.flush_interval = flush_interval
        self.max_batch = max_batch
        self.retry = retry
        self._pending: deque[PendingPoint] = deque()
        # Cut batches not yet written (failed ones wait here); guarded by _write_lock,
        # which also makes the writer thread and flush() take turns.
        self._unwritten: list[Batch] = []
        self._rejected: BaseException | None = None  # raised by the next flush()
        self._write_lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._closed = False

    # -- the hot path ------------------------------------------------------------------
    def add(self, point: PendingPoint) -> None:
        self._pending.append(point)
        if self._thread is None:
            self._start_writer()
        if len(self._pending) >= self.max_batch and not self._wake.is_set():
            self._wake.set()

    def __len__(self) -> int:
        """Points not yet written (buffered or waiting for a retry)."""
        return len(self._pending) + sum(len(b.metrics) for b in self._unwritten)

    @property
    def unwritten(self) -> bool:
        """Whether some point logged so far may not be in the store yet: pending, waiting
        for a retry, or in the writer's hands (points leave the queue only under the
        write lock, and are not counted by len() while it cuts them into batches)."""
        return bool(self._pending) or self._write_lock.locked() or bool(self._unwritten)

    # -- making it durable -------------------------------------------------------------
    def flush(self) -> None:
        """Write everything logged so far; raise if some of it could not be written."""
        for attempt in range(self.retry.max_attempts):
            try:
                self._write_pending()
                break
            except Exception:
                if attempt == self.retry.max_attempts - 1:
                    raise
                time.sleep(self.retry.delay(attempt))
        rejected, self._rejected = self._rejected, None
        if rejected is not None:
            raise rejected

    def close(self) -> None:
        """Flush (warning instead of raising: this runs at interpreter exit) and stop."""
        atexit.unregister(self.close)
        try:
            self.flush()
        except Exception as exc:
            log.warning("jupyterlab_tracker: %d metric points were not written: %s", len(self), exc)
        self._closed = True
        self._wake.set()

    def _write_pending(self) -> None:
        with self._write_lock:
            self._unwritten.extend(self._cut_batches())
            while self._unwritten:
                batch = self._unwritten[0]
                try:
                    self._write_batch(batch.run_id, batch.metrics, batch.batch_id)
                except Exception as exc:
                    if not is_permanent(exc):
                        raise  # keep this batch and the rest for the next attempt
                    log.warning(
                        "jupyterlab_tracker: dropping %d metric points of run %s: %s",
                        len(batch.metrics),
                        batch.run_id,
                        exc,
                    )
                    self._rejected = exc
                del self._unwritten[0]

    def _cut_batches(self) -> list[Batch]:
        """Take every pending point, as batches of one run and at most max_batch points."""
        by_run: dict[str, list[Metric]] = {}
        pending = self._pending
        for _ in range(len(pending)):  # only what is there now; writers may keep appending
            run_id, key, value, timestamp, step = pending.popleft()
            by_run.setdefault(run_id, []).append(Metric(key, value, timestamp, step))
        return [
            Batch(run_id, metrics[i : i + self.max_batch])
            for run_id, metrics in by_run.items()
            for i in range(0, len(metrics), self.max_batch)
        ]

    # -- heartbeats --------------------------------------------------------------------
    @property
    def sends_heartbeats(self) -> bool:
        return self._send_heartbeats is not None and self.heartbeat_interval > 0

    def watch_run(self, run_id: str, first_beat_sent: bool = False) -> None:
        """Send heartbeats for this run (from now on, until ``unwatch_run``).

        ``first_beat_sent``: the backend recorded one just now (``create_run`` does), so
        the next is due in ``heartbeat_interval``; otherwise one is sent at once.
        """
        if not self.sends_heartbeats:
            return
        if self._thread is None:
            self._start_writer()
        if first_beat_sent:
            self._watched[run_id] = time.monotonic() + self.heartbeat_interval
        else:
            self._watched[run_id] = 0.0  # due at once
            self._wake.set()

    def unwatch_run(self, run_id: str) -> None:
        self._watched.pop(run_id, None)

    def _send_due_heartbeats(self) -> None:
        now = time.monotonic()
        # copy() is atomic; iterating the dict itself races with watch_run in other threads.
        due = [run_id for run_id, due_at in self._watched.copy().items() if due_at <= now]
        if not due or self._send_heartbeats is None:
            return
        try:
            stopped = self._send_heartbeats(due)
        except Exception as exc:
            log.debug("jupyterlab_tracker: heartbeat of %d runs failed: %s", len(due), exc)
            stopped = []
        for run_id in stopped:  # unknown or ended elsewhere: nothing left to beat for
            self.unwatch_run(run_id)
        next_due = now + self.heartbeat_interval
        for run_id in due:
            if run_id in self._watched:
                self._watched[run_id] = next_due

    # -- the writer thread -------------------------------------------------------------
    def _start_writer(self) -> None:
        with self._start_lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._writer_loop, name="tracker-metric-writer", daemon=True
            )
            self._thread.start()
            atexit.register(self.close)

    def _writer_loop(self) -> None:
        failures = 0
        while not self._closed:
            wait = self.retry.delay(failures) if failures else self.flush_interval
            self._wake.wait(max(wait, self.flush_interval))
            self._wake.clear()
            if self._closed:
                return
            self._send_due_heartbeats()
            try:
                self._write_pending()
                failures = 0
            except Exception as exc:
                failures += 1
                log.warning(
                    "jupyterlab_tracker: writing metrics failed (%s); %d points kept, will retry",
                    exc,
                    len(self),
                )
