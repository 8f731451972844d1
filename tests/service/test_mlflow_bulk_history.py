"""The bulk metric histories of MLflow's web UI routes, point for point as MLflow's SQL store.

``MlflowCompatService.metric_history_bulk`` and ``metric_history_bulk_interval`` answer
``metrics/get-history-bulk`` and ``get-history-bulk-interval``; the same histories
(repeated steps, equal timestamps, NaN, a step range cutting through repeats) go into our
store and into MLflow's own ``SqlAlchemyStore`` (the installed mlflow, in-process), and
every sample must be the same points in the same order.
"""

from __future__ import annotations

import math
import random

import pytest
from mlflow.entities import Metric as MlflowMetric
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

from jupyterlab_tracker.entities import Metric
from jupyterlab_tracker.service.factory import open_services
from jupyterlab_tracker.service.mlflow_compat import MlflowCompatService

pytestmark = pytest.mark.slow  # MLflow's own SQLAlchemy store (its migrations take seconds)


def histories(seed: int) -> list[list[tuple[float, int, int]]]:
    """(value, timestamp, step) points of a few runs: long, short, empty, with ties."""
    rng = random.Random(seed)

    def point(i: int) -> tuple[float, int, int]:
        value = math.nan if rng.random() < 0.05 else float(rng.randint(0, 5))
        return value, 1000 + rng.randint(0, 3), i // rng.choice([1, 2, 3])

    return [[point(i) for i in range(n)] for n in (0, 1, 7, 100, 1001)]


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """Our compat service and MLflow's store with the same runs, and the run id pairs."""
    root = tmp_path_factory.mktemp("bulk")
    services = open_services(f"sqlite:///{root}/ours.db", str(root / "ours"))
    ours = MlflowCompatService(services.tracking, services.registry)
    theirs = SqlAlchemyStore(f"sqlite:///{root}/mlflow.db", str(root / "mlflow"))
    our_experiment = services.tracking.create_experiment("bulk")
    their_experiment = theirs.create_experiment("bulk")
    pairs = []
    for points in histories(7):
        our_run = services.tracking.create_run(our_experiment).info.run_id
        their_run = theirs.create_run(their_experiment, "u", 0, [], "r").info.run_id
        for start in range(0, len(points), 1000):
            chunk = points[start : start + 1000]
            ours.log_batch(our_run, metrics=[Metric("m", v, t, s) for v, t, s in chunk])
            theirs.log_batch(their_run, [MlflowMetric("m", v, t, s) for v, t, s in chunk], [], [])
        pairs.append((our_run, their_run))
    return ours, theirs, pairs


def comparable(points) -> list[tuple]:
    """(value, timestamp, step), NaN spelled so that it equals itself."""
    return [("NaN" if math.isnan(m.value) else m.value, m.timestamp, m.step) for m in points]


@pytest.mark.parametrize("max_results", [1, 2, 3, 5, 10, 99, 100, 101, 1000, 2500])
@pytest.mark.parametrize("steps", [None, (0, 0), (3, 40), (10, 10_000), (500, 2)])
def test_interval_samples_are_mlflows(stores, max_results, steps):
    ours, theirs, pairs = stores
    start, end = steps or (None, None)
    if steps and start > end:
        with pytest.raises(Exception, match="end_step must be greater than start_step"):
            ours.metric_history_bulk_interval([pairs[0][0]], "m", max_results, start, end)
        return
    our_runs, their_runs = zip(*pairs, strict=True)
    answer = ours.metric_history_bulk_interval(list(our_runs), "m", max_results, start, end)
    expected = theirs.get_metric_history_bulk_interval(
        list(their_runs), "m", max_results, start, end
    )
    for our_run, their_run in pairs:
        mine = [m for run_id, m in answer if run_id == our_run]
        reference = [p for p in expected if p.run_id == their_run]
        assert comparable(mine) == comparable(reference), (our_run, max_results, steps)
    # Runs come back in the order asked for.
    order = [run_id for run_id, _ in answer]
    assert order == sorted(order, key=list(our_runs).index)


@pytest.mark.parametrize("max_results", [1, 50, 1000, 1109, 25000, 10**9])
def test_bulk_histories_are_mlflows(stores, max_results):
    """By run id, then timestamp, step and value, cut after ``max_results`` points in all
    (at most 25,000); the run ids of the two stores differ, so each store's own id order
    decides which run comes first, and the cut is compared on that order."""
    ours, theirs, pairs = stores
    our_runs, their_runs = zip(*pairs, strict=True)
    rank = {their: our for our, their in pairs}
    mine = ours.metric_history_bulk(list(our_runs), "m", max_results)
    reference = theirs.get_metric_history_bulk(list(their_runs), "m", min(max_results, 25000))
    # Regroup MLflow's answer in our run id order, then cut as it cuts.
    ordered_runs = sorted(our_runs)
    their_full = theirs.get_metric_history_bulk(list(their_runs), "m", 25000)
    regrouped = [
        (rank[p.run_id], p)
        for our_run in ordered_runs
        for p in their_full
        if rank[p.run_id] == our_run
    ][: min(max_results, 25000)]
    assert [run for run, _ in mine] == [run for run, _ in regrouped]
    assert comparable(m for _, m in mine) == comparable(m for _, m in regrouped)
    assert len(reference) == len(mine)


def test_unknown_runs_and_keys_give_no_points(stores):
    ours, _, pairs = stores
    unknown = ["0" * 32, "not-a-run-id", ""]
    assert ours.metric_history_bulk(unknown, "m") == []
    assert ours.metric_history_bulk([pairs[2][0]], "no-such-key") == []
    assert ours.metric_history_bulk_interval(unknown, "m") == []
