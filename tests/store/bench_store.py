"""Rough store timings (not a test): ``python tests/store/bench_store.py [db_uri]``.

Prints metric points/s with batches of 1000, runs/s for small runs, search latency at 1k
and 100k runs, and metric history read/sample times. Defaults to a temp SQLite file.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time

from jupyterlab_tracker.entities import Metric, Param, RunTag
from jupyterlab_tracker.store import SqlAlchemyStore


def timed(label: str, fn, repeat: int = 5):
    fn()  # warm up
    start = time.perf_counter()
    for _ in range(repeat):
        result = fn()
    elapsed = (time.perf_counter() - start) / repeat
    print(f"{label}: {elapsed * 1000:.1f} ms")
    return result


def log_small_runs(store, experiment_id: str, count: int) -> None:
    for i in range(count):
        run_id = store.create_run(experiment_id, "bench", start_time=i).info.run_id
        store.log_batch(
            run_id,
            metrics=[Metric(f"m{k}", random.random(), i, 0) for k in range(10)],
            params=[Param(f"p{k}", str(random.randint(0, 9))) for k in range(10)],
            tags=[RunTag(f"t{k}", random.choice("abc")) for k in range(3)],
        )


def bulk_insert_runs(store, experiment_id: str, count: int) -> None:
    """Fill a big experiment quickly (straight Core inserts, bypassing the API)."""
    from sqlalchemy import insert

    from jupyterlab_tracker.store import models as m

    with store.db.session(write=True) as session:
        for start in range(0, count, 5000):
            ids = [f"{i:032x}" for i in range(start, min(count, start + 5000))]
            session.execute(
                insert(m.runs),
                [
                    {
                        "run_id": r,
                        "experiment_id": int(experiment_id),
                        "name": f"run-{r[-6:]}",
                        "user_id": "bench",
                        "status": "FINISHED",
                        "start_time": int(r, 16),
                        "lifecycle_stage": "active",
                        "artifact_uri": "x",
                    }
                    for r in ids
                ],
            )
            for table, rows in (
                (
                    m.latest_metrics,
                    [
                        {"run_id": r, "key": f"m{k}", "value": random.random(), "timestamp": 0}
                        | {"step": 0, "is_nan": False}
                        for r in ids
                        for k in range(10)
                    ],
                ),
                (
                    m.params,
                    [
                        {"run_id": r, "key": f"p{k}", "value": str(random.randint(0, 9))}
                        for r in ids
                        for k in range(10)
                    ],
                ),
                (
                    m.tags,
                    [
                        {"run_id": r, "key": f"t{k}", "value": random.choice("abc")}
                        for r in ids
                        for k in range(3)
                    ],
                ),
            ):
                session.execute(insert(table), rows)


def main() -> None:
    directory = tempfile.mkdtemp()
    db_uri = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{directory}/bench.db"
    store = SqlAlchemyStore(db_uri, f"{directory}/artifacts")

    run_id = store.create_run("0").info.run_id
    batches = 100
    start = time.perf_counter()
    for b in range(batches):
        store.log_batch(
            run_id,
            metrics=[Metric(f"k{i % 10}", random.random(), b, b * 100 + i) for i in range(1000)],
        )
    elapsed = time.perf_counter() - start
    print(f"log_batch: {batches * 1000 / elapsed:,.0f} metric points/s (batches of 1000)")

    small = store.create_experiment("small")
    start = time.perf_counter()
    log_small_runs(store, small, 1000)
    print(f"1000 runs x (10 params, 10 metrics, 3 tags): {time.perf_counter() - start:.2f} s")

    search = "metrics.m1 > 0.5 and params.p2 != '3'"
    order = ["metrics.m3 DESC"]
    timed(
        "search 1k runs (filter + metric sort, 1000 results)",
        lambda: store.search_runs([small], search, order_by=order),
    )
    timed(
        "search 1k runs (filter + sort, 100 results)",
        lambda: store.search_runs([small], search, order_by=order, max_results=100),
    )

    big = store.create_experiment("big")
    bulk_insert_runs(store, big, 100_000)
    page = timed(
        "search 100k runs (filter + metric sort, 100 results)",
        lambda: store.search_runs([big], search, order_by=order, max_results=100),
    )
    assert len(page.items) == 100
    timed(
        "search 100k runs (filter + metric sort, 1000 results)",
        lambda: store.search_runs([big], search, order_by=order, max_results=1000),
        repeat=3,
    )
    timed(
        "search 100k runs (default order, 100 results)",
        lambda: store.search_runs([big], max_results=100),
    )

    history_run = store.create_run("0").info.run_id
    for b in range(100):
        store.log_batch(
            history_run,
            metrics=[Metric("loss", random.random(), 0, b * 1000 + i) for i in range(1000)],
        )
    timed(
        "get_metric_history 100k points",
        lambda: store.get_metric_history(history_run, "loss"),
        repeat=2,
    )
    timed(
        "sample_metric_history 100k -> 1000 points",
        lambda: store.sample_metric_history(history_run, "loss", 1000),
        repeat=3,
    )
    store.close()


if __name__ == "__main__":
    main()
