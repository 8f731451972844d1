"""One ``metrics/get-history-bulk-interval`` answer, as the runs view's charts ask it.

Seeds a store with R runs x S steps of one metric and times
``MlflowCompatService.metric_history_bulk_interval`` for all runs at once with
``max_results`` points per run (the service call behind the route), then with the
route's response body made (MLflow's metric shapes as JSON text; no HTTP), and prints the
medians of a few calls and the points returned.

Usage: python benchmarks/bench_bulk_interval.py [--runs 100] [--steps 2000] [--points 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from jupyterlab_tracker.entities import Metric
from jupyterlab_tracker.gc_pause import gc_paused
from jupyterlab_tracker.server import mlflow_shapes as shapes
from jupyterlab_tracker.server.handlers import json_text
from jupyterlab_tracker.service.factory import open_services
from jupyterlab_tracker.service.mlflow_compat import MlflowCompatService


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--points", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        services = open_services(f"sqlite:///{root}/bench.db", f"{root}/artifacts")
        compat = MlflowCompatService(services.tracking, services.registry)
        experiment = services.tracking.create_experiment("bench")
        run_ids = []
        for i in range(args.runs):
            run_id = services.tracking.create_run(experiment).info.run_id
            points = [Metric("loss", 1 / (1 + s + i), 1000 + s, s) for s in range(args.steps)]
            for start in range(0, len(points), 1000):
                compat.log_batch(run_id, metrics=points[start : start + 1000])
            run_ids.append(run_id)
        times, bodies = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            with gc_paused():  # as the route's handler is
                answer = compat.metric_history_bulk_interval(run_ids, "loss", args.points)
                times.append(time.perf_counter() - started)
                body = {"metrics": [shapes.metric(m, run_id) for run_id, m in answer]}
            json_text(body)
            bodies.append(time.perf_counter() - started)
        print(
            f"bulk-interval {args.runs} runs x {args.steps} steps, {args.points} points/run: "
            f"service {statistics.median(times) * 1000:.0f} ms, "
            f"with the JSON body {statistics.median(bodies) * 1000:.0f} ms "
            f"(medians of {args.repeat}), {len(answer)} points"
        )


if __name__ == "__main__":
    main()
