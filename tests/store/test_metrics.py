"""Metric history, non-finite values, the latest-metric rule and downsampling."""

from __future__ import annotations

import math

import pytest

from jupyterlab_tracker.entities import Metric
from jupyterlab_tracker.errors import TrackerError


@pytest.fixture
def run_id(store) -> str:
    return store.create_run(store.create_experiment("exp")).info.run_id


def values(metrics) -> list[float]:
    return [metric.value for metric in metrics]


def test_history_is_ordered_by_step_then_timestamp(store, run_id):
    store.log_batch(
        run_id,
        metrics=[
            Metric("m", 3.0, 30, 2),
            Metric("m", 1.0, 10, 0),
            Metric("m", 2.5, 25, 1),
            Metric("m", 2.0, 20, 1),
            Metric("other", 9.0, 1, 0),
        ],
    )
    history = store.get_metric_history(run_id, "m")
    assert [(m.step, m.timestamp, m.value) for m in history.items] == [
        (0, 10, 1.0),
        (1, 20, 2.0),
        (1, 25, 2.5),
        (2, 30, 3.0),
    ]
    assert history.next_page_token is None
    assert store.get_metric_history(run_id, "missing").items == []


def test_non_finite_values_round_trip(store, run_id):
    store.log_batch(
        run_id,
        metrics=[
            Metric("x", math.nan, 1, 0),
            Metric("x", math.inf, 2, 1),
            Metric("x", -math.inf, 3, 2),
            Metric("x", 0.0, 4, 3),
            Metric("nan_last", 1.0, 1, 0),
            Metric("nan_last", math.nan, 2, 1),
        ],
    )
    got = values(store.get_metric_history(run_id, "x").items)
    assert math.isnan(got[0]) and got[1:] == [math.inf, -math.inf, 0.0]
    latest = store.get_run(run_id).data.metrics
    assert latest["x"] == 0.0
    assert math.isnan(latest["nan_last"])


def test_latest_is_highest_step_then_highest_timestamp(store, run_id):
    store.log_batch(
        run_id,
        metrics=[Metric("m", 1.0, 100, 5), Metric("m", 2.0, 200, 3), Metric("m", 3.0, 50, 5)],
    )
    assert store.get_run(run_id).data.latest_metrics["m"] == Metric("m", 1.0, 100, 5)
    # Across batches: a lower step never wins, even when newer.
    store.log_batch(run_id, metrics=[Metric("m", 4.0, 999, 4)])
    assert store.get_run(run_id).data.metrics["m"] == 1.0
    # Same step, later timestamp wins.
    store.log_batch(run_id, metrics=[Metric("m", 5.0, 101, 5)])
    assert store.get_run(run_id).data.metrics["m"] == 5.0
    store.log_batch(run_id, metrics=[Metric("m", 6.0, 1, 6)])
    assert store.get_run(run_id).data.latest_metrics["m"] == Metric("m", 6.0, 1, 6)


def test_history_pagination(store, run_id):
    store.log_batch(run_id, metrics=[Metric("m", float(i), i, i) for i in range(25)])
    seen, token, pages = [], None, 0
    while True:
        page = store.get_metric_history(run_id, "m", max_results=10, page_token=token)
        seen += [m.step for m in page.items]
        pages += 1
        token = page.next_page_token
        if token is None:
            break
    assert seen == list(range(25)) and pages == 3


def test_bad_page_token(store, run_id):
    for token in ("garbage", "eyJub3QiOiAxfQ==", "eyJvZmZzZXQiOiAtMX0="):
        with pytest.raises(TrackerError):
            store.get_metric_history(run_id, "m", max_results=5, page_token=token)


def test_short_history_comes_back_whole(store, run_id):
    store.log_batch(run_id, metrics=[Metric("m", float(i), i, i) for i in range(50)])
    assert len(store.sample_metric_history(run_id, "m", 100)) == 50


def test_sampling_keeps_spikes_and_ends(store, run_id):
    points = [Metric("m", math.sin(i / 50), i, i) for i in range(5000)]
    points[1234] = Metric("m", 100.0, 1234, 1234)
    points[3210] = Metric("m", -100.0, 3210, 3210)
    for start in range(0, 5000, 1000):
        store.log_batch(run_id, metrics=points[start : start + 1000])
    sample = store.sample_metric_history(run_id, "m", 200)
    steps = [m.step for m in sample]
    assert len(sample) <= 200
    assert steps == sorted(steps)
    assert steps[0] == 0 and steps[-1] == 4999
    assert 100.0 in values(sample) and -100.0 in values(sample)


def test_sampling_with_nan_and_repeated_steps(store, run_id):
    points = [Metric("m", float(i % 7), i, i // 10) for i in range(2000)]
    points[5] = Metric("m", math.nan, 5, 0)
    store.log_batch(run_id, metrics=points[:1000])
    store.log_batch(run_id, metrics=points[1000:])
    sample = store.sample_metric_history(run_id, "m", 40)
    assert 0 < len(sample) <= 40
    assert [m.step for m in sample] == sorted(m.step for m in sample)
