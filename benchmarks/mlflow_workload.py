"""bench_tracking.py's workload through MLflow; run by it in benchmarks/.venv-mlflow.

    .venv-mlflow/bin/python mlflow_workload.py --sizes JSON --filter F --order-by O --out F.json

Uses MLflow's own SQLite store (``sqlite:///<temp dir>/mlflow.db``) and writes the same
figure keys as bench_tracking.py. It imports nothing from jupyterlab_tracker.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import mlflow
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag

BATCH_SIZE = 1000
# MLflow writes every mlflow.log_metric synchronously (about a millisecond each): a few
# hundred calls give a stable median without taking minutes.
MAX_FLUENT_CALLS = 500
# Caps on the slow rows, so that the full benchmark ends in about 5 minutes instead of 25+
# (README.md says so). Points/s need no 50k points; where one MLflow call takes seconds
# (the big search, a 100k-point history) a single timed call, no warm-up, is enough. The
# big experiment is capped too: MLflow took 4-5 minutes per search of 100k runs. The
# figures say how many runs it had ("big_experiment_runs"); bench_tracking.py prints it.
MAX_INGEST_BATCHES = 5
MAX_BIG_EXPERIMENT_RUNS = 10_000
SLOW_ROW_REPEATS = 1


def median_time(fn, repeats: int, warm_up: bool = True) -> float:
    if warm_up:
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def now_ms() -> int:
    return int(time.time() * 1000)


def bench_fluent_log_metric(calls: int) -> dict:
    costs = []
    with mlflow.start_run():
        for step in range(min(calls, MAX_FLUENT_CALLS)):
            start = time.perf_counter_ns()
            mlflow.log_metric("loss", 0.5, step=step)
            costs.append(time.perf_counter_ns() - start)
    costs.sort()
    return {
        "log_metric_median_us": statistics.median(costs) / 1000,
        "log_metric_p99_us": costs[int(len(costs) * 0.99)] / 1000,
    }


def bench_ingest(client: MlflowClient, experiment_id: str, batches: int, repeats: int) -> float:
    run_id = client.create_run(experiment_id).info.run_id
    prepared = [
        [Metric(f"k{i % 10}", random.random(), now_ms(), b * BATCH_SIZE + i) for i in range(1000)]
        for b in range(min(batches, MAX_INGEST_BATCHES))
    ]

    def log_all():
        for metrics in prepared:
            client.log_batch(run_id, metrics=metrics)

    return len(prepared) * BATCH_SIZE / median_time(log_all, max(1, repeats // 2))


def log_small_runs(client: MlflowClient, experiment_id: str, count: int) -> None:
    for _ in range(count):
        run_id = client.create_run(experiment_id).info.run_id
        client.log_batch(
            run_id,
            metrics=[Metric(f"m{k}", random.random(), now_ms(), 0) for k in range(10)],
            params=[Param(f"p{k}", str(random.randint(0, 9))) for k in range(10)],
            tags=[RunTag(f"t{k}", random.choice("abc")) for k in range(3)],
        )


def seed_big_experiment(db_path: Path, experiment_id: str, count: int) -> None:
    """The rows MLflow would write for ``count`` small runs, inserted with sqlite3."""
    connection = sqlite3.connect(db_path)
    with connection:
        for start in range(0, count, 5000):
            run_ids = [uuid.uuid4().hex for _ in range(start, min(count, start + 5000))]
            connection.executemany(
                "INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name,"
                " user_id, status, start_time, source_version, lifecycle_stage, artifact_uri,"
                " experiment_id) VALUES (?, ?, 'UNKNOWN', '', '', 'bench', 'FINISHED', ?, '',"
                " 'active', ?, ?)",
                [
                    (run_id, f"run-{i}", start + i, f"/tmp/{run_id}", int(experiment_id))
                    for i, run_id in enumerate(run_ids)
                ],
            )
            connection.executemany(
                "INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)"
                " VALUES (?, ?, 0, 0, 0, ?)",
                [(f"m{k}", random.random(), r) for r in run_ids for k in range(10)],
            )
            connection.executemany(
                "INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)",
                [(f"p{k}", str(random.randint(0, 9)), r) for r in run_ids for k in range(10)],
            )
            connection.executemany(
                "INSERT INTO tags (key, value, run_uuid) VALUES (?, ?, ?)",
                [(f"t{k}", random.choice("abc"), r) for r in run_ids for k in range(3)],
            )
    connection.close()


def bench_search(client, experiment_id, search_filter, order_by, repeats, warm_up=True):
    def search(max_results: int):
        return lambda: client.search_runs(
            [experiment_id], search_filter, order_by=[order_by], max_results=max_results
        )

    return (
        median_time(search(100), repeats, warm_up),
        median_time(search(1000), repeats, warm_up),
    )


def bench_history(client, experiment_id: str, points: int) -> float:
    run_id = client.create_run(experiment_id).info.run_id
    for start in range(0, points, BATCH_SIZE):
        count = min(BATCH_SIZE, points - start)
        batch = [Metric("loss", random.random(), now_ms(), start + i) for i in range(count)]
        client.log_batch(run_id, metrics=batch)
    history = lambda: client.get_metric_history(run_id, "loss")  # noqa: E731
    return median_time(history, SLOW_ROW_REPEATS, warm_up=False)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", required=True, help="bench_tracking.py's sizes, as JSON")
    parser.add_argument("--filter", required=True)
    parser.add_argument("--order-by", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    sizes = json.loads(args.sizes)
    repeats = sizes["repeats"]

    directory = Path(tempfile.mkdtemp(prefix="mlflow-bench-"))
    db_path = directory / "mlflow.db"
    tracking_uri = f"sqlite:///{db_path}"
    mlflow.set_tracking_uri(tracking_uri)
    client = MlflowClient(tracking_uri)
    default = client.create_experiment("bench", artifact_location=str(directory / "artifacts"))
    mlflow.set_experiment(experiment_id=default)

    figures = bench_fluent_log_metric(sizes["fluent_calls"])
    figures["ingest_embedded_pts_s"] = bench_ingest(
        client, default, sizes["ingest_batches"], repeats
    )
    small = client.create_experiment("small")
    start = time.perf_counter()
    log_small_runs(client, small, sizes["runs"])
    figures["create_runs_s"] = time.perf_counter() - start
    if sizes["small_experiment_runs"] > sizes["runs"]:
        log_small_runs(client, small, sizes["small_experiment_runs"] - sizes["runs"])
    s100, s1000 = bench_search(client, small, args.filter, args.order_by, repeats)
    figures["search_small_100_ms"], figures["search_small_1000_ms"] = s100 * 1000, s1000 * 1000

    big = client.create_experiment("big")
    big_runs = min(sizes["big_experiment_runs"], MAX_BIG_EXPERIMENT_RUNS)
    seed_big_experiment(db_path, big, big_runs)
    b100, b1000 = bench_search(
        client, big, args.filter, args.order_by, SLOW_ROW_REPEATS, warm_up=False
    )
    figures["search_big_100_ms"], figures["search_big_1000_ms"] = b100 * 1000, b1000 * 1000
    figures["big_experiment_runs"] = big_runs

    history = bench_history(client, default, sizes["history_points"])
    figures["history_full_ms"] = history * 1000
    # MLflow has no downsampled history in its Python client: no "history_sampled_ms".
    args.out.write_text(json.dumps(figures))


if __name__ == "__main__":
    main()
