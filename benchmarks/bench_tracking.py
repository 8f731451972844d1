"""Tracking-core benchmark: our figures, MLflow's on the same workload, and the ratio.

    .venv/bin/python benchmarks/bench_tracking.py [--quick] [--db URI] [--json out.json]
                                                  [--no-mlflow] [--no-http]

Every figure is the median of several repeats (see README.md for what each one means).
MLflow runs in its own interpreter (benchmarks/.venv-mlflow, made by setup-mlflow.sh) via
mlflow_workload.py, so it never shares a process or dependencies with the tracker.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MLFLOW_PYTHON = HERE / ".venv-mlflow" / "bin" / "python"
MLFLOW_WORKLOAD = HERE / "mlflow_workload.py"

# The same filter and order for us and for MLflow.
SEARCH_FILTER = "metrics.m1 > 0.5 and params.p2 != '3'"
SEARCH_ORDER = ["metrics.m3 DESC"]

FULL_SIZES = {
    "fluent_calls": 20_000,
    "ingest_batches": 50,  # of 1000 points
    "http_batches": 20,
    "runs": 1000,
    "small_experiment_runs": 1000,
    "big_experiment_runs": 100_000,
    "history_points": 100_000,
    "sample_points": 1000,
    "repeats": 5,
}
QUICK_SIZES = {
    "fluent_calls": 2000,
    "ingest_batches": 5,
    "http_batches": 3,
    "runs": 50,
    "small_experiment_runs": 50,
    "big_experiment_runs": 2000,
    "history_points": 5000,
    "sample_points": 200,
    "repeats": 3,
}
BATCH_SIZE = 1000

# (key, label, unit, target, higher_is_better). Labels take the sizes in use.
ROWS = [
    ("log_metric_median_us", "fluent log_metric, median", "µs", 10, False),
    ("log_metric_p99_us", "fluent log_metric, p99", "µs", None, False),
    ("ingest_embedded_pts_s", "log_batch ingest, embedded", "points/s", 200_000, True),
    ("ingest_http_pts_s", "log_batch ingest, HTTP", "points/s", 100_000, True),
    ("create_runs_s", "create {runs} runs (10 params, 10 metrics, 3 tags)", "s", 1.0, False),
    ("search_small_100_ms", "search {small} runs, 100 results", "ms", 15, False),
    ("search_small_1000_ms", "search {small} runs, 1000 results", "ms", 15, False),
    ("search_big_100_ms", "search {big} runs, 100 results", "ms", 300, False),
    ("search_big_1000_ms", "search {big} runs, 1000 results", "ms", 300, False),
    ("history_full_ms", "metric history, {points} points", "ms", 100, False),
    ("history_sampled_ms", "metric history, {points} -> {sample} points", "ms", None, False),
]


def median_time(fn, repeats: int) -> float:
    """Median seconds of ``repeats`` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def random_metrics(count: int, step0: int):
    from jupyterlab_tracker.entities import Metric

    now = int(time.time() * 1000)
    return [Metric(f"k{i % 10}", random.random(), now, step0 + i) for i in range(count)]


# -- our workload --------------------------------------------------------------------------
def bench_fluent_log_metric(db_uri: str, calls: int) -> dict:
    """Per-call cost of ``jt.log_metric`` inside a run (embedded, buffered)."""
    import jupyterlab_tracker as jt

    jt.set_tracking_uri(db_uri)
    jt.start_run()
    log_metric = jt.log_metric
    clock = time.perf_counter_ns
    costs = []
    for step in range(calls):
        start = clock()
        log_metric("loss", 0.5, step=step)
        costs.append(clock() - start)
    jt.end_run()  # writes the buffered points (not timed: that is the writer's job)
    costs.sort()
    return {
        "log_metric_median_us": statistics.median(costs) / 1000,
        "log_metric_p99_us": costs[int(len(costs) * 0.99)] / 1000,
    }


def bench_ingest(client, batches: int, repeats: int) -> float:
    """Points/s of ``log_batch`` with batches of 1000 metrics into one run."""
    run_id = client.create_run("0").info.run_id
    prepared = [random_metrics(BATCH_SIZE, b * BATCH_SIZE) for b in range(batches)]

    def log_all():
        for metrics in prepared:
            client.log_batch(run_id, metrics=metrics)

    return batches * BATCH_SIZE / median_time(log_all, max(1, repeats // 2))


def log_small_runs(client, experiment_id: str, count: int) -> None:
    from jupyterlab_tracker.entities import Metric, Param, RunTag

    now = int(time.time() * 1000)
    for _ in range(count):
        run_id = client.create_run(experiment_id).info.run_id
        client.log_batch(
            run_id,
            metrics=[Metric(f"m{k}", random.random(), now, 0) for k in range(10)],
            params=[Param(f"p{k}", str(random.randint(0, 9))) for k in range(10)],
            tags=[RunTag(f"t{k}", random.choice("abc")) for k in range(3)],
        )


def seed_big_experiment(store, experiment_id: str, count: int) -> None:
    """``count`` runs like log_small_runs makes, inserted straight into the tables.

    The API would take minutes for 100k runs; this is what it would have written.
    """
    from sqlalchemy import insert

    from jupyterlab_tracker.store import models as m
    from jupyterlab_tracker.store.ids import new_run_id

    with store.db.session(write=True) as conn:
        for start in range(0, count, 5000):
            run_ids = [new_run_id() for _ in range(start, min(count, start + 5000))]
            runs = [
                {
                    "run_id": run_id,
                    "experiment_id": int(experiment_id),
                    "name": f"run-{i}",
                    "user_id": "bench",
                    "status": "FINISHED",
                    "start_time": start + i,
                    "lifecycle_stage": "active",
                    "artifact_uri": f"/tmp/{run_id}",
                }
                for i, run_id in enumerate(run_ids)
            ]
            conn.execute(insert(m.runs), runs)
            conn.execute(
                insert(m.latest_metrics),
                [
                    {"run_id": r, "key": f"m{k}", "value": random.random(), "timestamp": 0}
                    | {"step": 0, "is_nan": False}
                    for r in run_ids
                    for k in range(10)
                ],
            )
            conn.execute(
                insert(m.params),
                [
                    {"run_id": r, "key": f"p{k}", "value": str(random.randint(0, 9))}
                    for r in run_ids
                    for k in range(10)
                ],
            )
            conn.execute(
                insert(m.tags),
                [
                    {"run_id": r, "key": f"t{k}", "value": random.choice("abc")}
                    for r in run_ids
                    for k in range(3)
                ],
            )


def bench_search(client, experiment_id: str, repeats: int) -> tuple[float, float]:
    """Median seconds of a filtered + sorted search returning 100 and 1000 runs."""

    def search(max_results: int):
        return lambda: client.search_runs(
            [experiment_id], SEARCH_FILTER, order_by=SEARCH_ORDER, max_results=max_results
        )

    return median_time(search(100), repeats), median_time(search(1000), repeats)


def bench_history(client, points: int, sample: int, repeats: int) -> tuple[float, float]:
    from jupyterlab_tracker.entities import Metric

    run_id = client.create_run("0").info.run_id
    now = int(time.time() * 1000)
    for start in range(0, points, BATCH_SIZE):
        count = min(BATCH_SIZE, points - start)
        batch = [Metric("loss", random.random(), now, start + i) for i in range(count)]
        client.log_batch(run_id, metrics=batch)
    full = median_time(lambda: client.get_metric_history(run_id, "loss"), repeats)
    sampled = median_time(lambda: client.sample_metric_history(run_id, "loss", sample), repeats)
    return full, sampled


def run_ours(db_uri: str, sizes: dict) -> dict:
    from jupyterlab_tracker import TrackerClient

    repeats = sizes["repeats"]
    figures = bench_fluent_log_metric(db_uri, sizes["fluent_calls"])
    client = TrackerClient(db_uri)
    figures["ingest_embedded_pts_s"] = bench_ingest(client, sizes["ingest_batches"], repeats)

    small = client.create_experiment(f"small-{secrets.token_hex(4)}")
    start = time.perf_counter()
    log_small_runs(client, small, sizes["runs"])
    figures["create_runs_s"] = time.perf_counter() - start
    if sizes["small_experiment_runs"] > sizes["runs"]:
        log_small_runs(client, small, sizes["small_experiment_runs"] - sizes["runs"])
    s100, s1000 = bench_search(client, small, repeats)
    figures["search_small_100_ms"], figures["search_small_1000_ms"] = s100 * 1000, s1000 * 1000

    big = client.create_experiment(f"big-{secrets.token_hex(4)}")
    seed_big_experiment(client.backend.store, big, sizes["big_experiment_runs"])
    b100, b1000 = bench_search(client, big, max(1, repeats - 2))
    figures["search_big_100_ms"], figures["search_big_1000_ms"] = b100 * 1000, b1000 * 1000

    full, sampled = bench_history(client, sizes["history_points"], sizes["sample_points"], repeats)
    figures["history_full_ms"], figures["history_sampled_ms"] = full * 1000, sampled * 1000
    client.close()
    return figures


# -- HTTP: a real Jupyter server with the extension ------------------------------------------


def bench_http_ingest(batches: int, repeats: int) -> float:
    """Points/s of log_batch through ``TrackerClient("http://.../tracker")``."""
    from jupyterlab_tracker import TrackerClient
    from jupyterlab_tracker.testing import LiveServer

    with LiveServer(Path(tempfile.mkdtemp(prefix="bench-http-"))) as server:
        client = TrackerClient(server.tracker_url, token=server.token)
        figure = bench_ingest(client, batches, repeats)
        client.close()
        return figure


# -- MLflow ---------------------------------------------------------------------------------
def run_mlflow(sizes: dict) -> dict | None:
    if not MLFLOW_PYTHON.exists():
        print("MLflow comparison skipped: run benchmarks/setup-mlflow.sh")
        return None
    with tempfile.TemporaryDirectory(prefix="bench-mlflow-") as directory:
        out = Path(directory) / "figures.json"
        command = [str(MLFLOW_PYTHON), str(MLFLOW_WORKLOAD), "--sizes", json.dumps(sizes)]
        command += ["--filter", SEARCH_FILTER, "--order-by", SEARCH_ORDER[0], "--out", str(out)]
        finished = subprocess.run(command, cwd=directory, capture_output=True, text=True)
        if finished.returncode != 0:
            print(f"MLflow workload failed:\n{finished.stderr[-3000:]}")
            return None
        return json.loads(out.read_text())


# -- report ---------------------------------------------------------------------------------
def format_number(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if value < 10 else f"{value:.1f}"


def print_table(ours: dict, mlflow: dict | None, sizes: dict) -> None:
    names = {
        "runs": f"{sizes['runs']:,}",
        "small": f"{sizes['small_experiment_runs']:,}",
        "big": f"{sizes['big_experiment_runs']:,}",
        "points": f"{sizes['history_points']:,}",
        "sample": f"{sizes['sample_points']:,}",
    }
    columns = ("unit", 8), ("ours", 10), ("MLflow", 10), ("ours/MLflow", 11), ("target", 9)
    header = f"{'figure':<52} " + " ".join(f"{name:>{width}}" for name, width in columns)
    print(header)
    print("-" * len(header))
    # mlflow_workload.py caps MLflow's big experiment (its searches take minutes there):
    # a figure at another size gets no ratio, and a note below the table.
    mlflow_big = (mlflow or {}).get("big_experiment_runs", sizes["big_experiment_runs"])
    for key, label, unit, target, higher_is_better in ROWS:
        value = ours.get(key)
        theirs = (mlflow or {}).get(key)
        ratio = f"{value / theirs:.3g}" if value is not None and theirs else "n/a"
        if key.startswith("search_big") and mlflow_big != sizes["big_experiment_runs"]:
            ratio = "n/a *"
        if target is None:
            goal = ""
        else:
            goal = (">= " if higher_is_better else "<= ") + format_number(target)
        print(
            f"{label.format(**names):<52} {unit:>8} {format_number(value):>10} "
            f"{format_number(theirs):>10} {ratio:>11} {goal:>9}"
        )
    if mlflow and mlflow_big != sizes["big_experiment_runs"]:
        print(f"* MLflow's big-experiment searches ran on {mlflow_big:,} runs, not {names['big']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    parser.add_argument("--db", help="database URI (default: a temp SQLite file)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--no-mlflow", action="store_true", help="skip the MLflow comparison")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP ingest figure")
    args = parser.parse_args()

    sizes = QUICK_SIZES if args.quick else FULL_SIZES
    directory = tempfile.mkdtemp(prefix="bench-tracker-")
    db_uri = args.db or f"sqlite:///{directory}/tracker.db"
    os.environ["JUPYTERLAB_TRACKER_ARTIFACT_ROOT"] = f"{directory}/artifacts"

    ours = run_ours(db_uri, sizes)
    ours["ingest_http_pts_s"] = (
        None if args.no_http else bench_http_ingest(sizes["http_batches"], sizes["repeats"])
    )
    mlflow = None if args.no_mlflow else run_mlflow(sizes)
    print(f"\ndatabase: {'SQLite (temp file)' if args.db is None else args.db.split(':')[0]}")
    print_table(ours, mlflow, sizes)
    if args.json:
        args.json.write_text(json.dumps({"sizes": sizes, "ours": ours, "mlflow": mlflow}, indent=2))


if __name__ == "__main__":
    main()
