"""Run ids: MLflow's shape (32 lowercase hex digits), ordered by creation time (UUIDv7)."""

from __future__ import annotations

import time
import uuid

from support.waiting import next_millisecond

from jupyterlab_tracker.service.validation import validate_run_id
from jupyterlab_tracker.store.ids import new_run_id


def test_run_ids_are_uuid7_hex_and_valid_run_ids():
    run_id = new_run_id()
    validate_run_id(run_id)
    parsed = uuid.UUID(hex=run_id)
    assert (parsed.version, parsed.variant) == (7, uuid.RFC_4122)
    assert parsed.hex == run_id
    # The first 48 bits are the creation time in Unix milliseconds.
    assert abs((parsed.int >> 80) - time.time() * 1000) < 5000


def test_run_ids_are_unique_and_sort_by_creation_time():
    earlier = [new_run_id() for _ in range(1000)]
    next_millisecond()  # the ids' first 48 bits are the time in milliseconds
    later = [new_run_id() for _ in range(1000)]
    assert len(set(earlier + later)) == 2000
    assert max(earlier) < min(later)


def test_the_store_creates_runs_with_time_ordered_ids(store):
    first = store.create_run("0").info.run_id
    next_millisecond()  # the ids' first 48 bits are the time in milliseconds
    second = store.create_run("0").info.run_id
    assert uuid.UUID(hex=first).version == 7
    assert first < second
