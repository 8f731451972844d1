"""Retries never duplicate: exact repeats of points (the MLflow API's rule) and batch ids."""

from __future__ import annotations

import math

import pytest

from jupyterlab_tracker.entities import Metric, Param, RunTag
from jupyterlab_tracker.errors import RESOURCE_ALREADY_EXISTS, TrackerError


@pytest.fixture
def run_id(store) -> str:
    return store.create_run("0").info.run_id


def _history(store, run_id: str, key: str) -> list[tuple]:
    return [
        (m.step, m.timestamp, "nan" if math.isnan(m.value) else m.value)
        for m in store.get_metric_history(run_id, key).items
    ]


def test_repeated_points_are_stored_once_when_asked(store, run_id):
    points = [Metric("loss", 1.0 / (step + 1), 1000 + step, step) for step in range(5)]
    points += [Metric("loss", math.nan, 2000, 9), Metric("acc", 0.5, 1000, 0)]
    for _ in range(3):  # a request and two retries of it
        store.log_batch(run_id, metrics=points, skip_duplicate_points=True)
    # Repeats inside one request, and a NaN repeated, count once too.
    store.log_batch(run_id, metrics=points[:2] * 2 + [points[5]], skip_duplicate_points=True)

    assert _history(store, run_id, "loss") == [
        *((step, 1000 + step, 1.0 / (step + 1)) for step in range(5)),
        (9, 2000, "nan"),
    ]
    assert _history(store, run_id, "acc") == [(0, 1000, 0.5)]


def test_only_exact_repeats_are_skipped(store, run_id):
    store.log_batch(run_id, metrics=[Metric("m", 1.0, 1000, 0)], skip_duplicate_points=True)
    near = [
        Metric("m", 2.0, 1000, 0),  # another value
        Metric("m", 1.0, 1001, 0),  # another timestamp
        Metric("m", 1.0, 1000, 1),  # another step
        Metric("n", 1.0, 1000, 0),  # another key
        Metric("m", math.nan, 1000, 0),  # NaN is not 1.0
    ]
    store.log_batch(run_id, metrics=near, skip_duplicate_points=True)
    assert len(_history(store, run_id, "m")) == 5
    assert len(_history(store, run_id, "n")) == 1
    # The latest point follows the history (step 1 is the highest).
    assert store.get_run(run_id).data.latest_metrics["m"].step == 1


def test_without_the_flag_every_point_is_stored(store, run_id):
    point = Metric("m", 1.0, 1000, 0)
    store.log_batch(run_id, metrics=[point, point])
    store.log_batch(run_id, metrics=[point])
    assert len(_history(store, run_id, "m")) == 3


def test_a_replayed_batch_id_is_ignored(store, run_id):
    batch = {
        "metrics": [Metric("m", float(step), 1000 + step, step) for step in range(3)],
        "params": [Param("p", "1")],
        "tags": [RunTag("t", "x")],
    }
    store.log_batch(run_id, **batch, batch_id="b-1")
    store.log_batch(run_id, **batch, batch_id="b-1")
    assert len(_history(store, run_id, "m")) == 3


@pytest.mark.parametrize(
    "changed",
    [
        {"metrics": [Metric("m", 9.0, 1000, 0)]},
        {"metrics": [Metric("m", 0.0, 1000, 0), Metric("m", 1.0, 1001, 1)]},
        {"metrics": [Metric("m", 0.0, 1000, 0)], "tags": [RunTag("t", "other")]},
        {"metrics": [Metric("m", 0.0, 1000, 0)], "params": [Param("p", "1")]},
    ],
    ids=["value", "points", "tags", "params"],
)
def test_a_batch_id_reused_for_other_content_is_refused(store, run_id, changed):
    store.log_batch(run_id, metrics=[Metric("m", 0.0, 1000, 0)], batch_id="b-1")
    with pytest.raises(TrackerError) as refused:
        store.log_batch(run_id, **changed, batch_id="b-1")
    assert refused.value.error_code == RESOURCE_ALREADY_EXISTS
    assert "b-1" in refused.value.message and "different content" in refused.value.message
    assert _history(store, run_id, "m") == [(0, 1000, 0.0)]  # nothing of it was stored
    assert "t" not in store.get_run(run_id).data.tags
    # The same id on another run is another batch.
    other = store.create_run("0").info.run_id
    store.log_batch(other, **changed, batch_id="b-1")


def test_copies_of_one_request_at_the_same_moment_store_its_points_once(store, run_id):
    """A client's retry may arrive while the first copy is still being written."""
    import threading

    points = [Metric("m", float(step), 1000 + step, step) for step in range(200)]
    barrier = threading.Barrier(4)
    errors = []

    def send():
        barrier.wait()
        try:
            store.log_batch(run_id, metrics=points, skip_duplicate_points=True)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(_history(store, run_id, "m")) == len(points)
