"""The official MLflow client against our server vs against ``mlflow server``.

    .venv/bin/python benchmarks/bench_mlflow_compat.py [--batches 20] [--runs 200]

The same client code (``log_batch`` of 1000 metrics; ``search_runs`` with a filter and an
order over ``--runs`` runs) runs against (1) a Jupyter Server with the tracker and
(2) ``mlflow server`` with a SQLite backend, started from benchmarks/.venv-mlflow
(setup-mlflow.sh) if present, else from this venv. Prints both medians and the ratios
(ours / MLflow's: below 1 means we are faster).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from jupyterlab_tracker.testing import LiveServer, free_port

HERE = Path(__file__).resolve().parent

MLFLOW_VENV_PYTHON = HERE / ".venv-mlflow" / "bin" / "python"

WORKLOAD = """
import json, statistics, sys, time
from mlflow import MlflowClient
from mlflow.entities import Metric, Param
batches, runs = int(sys.argv[1]), int(sys.argv[2])
client = MlflowClient()
experiment_id = client.create_experiment("bench-compat")
run_id = client.create_run(experiment_id).info.run_id
now = int(time.time() * 1000)
times = []
for b in range(batches):
    metrics = [Metric(f"m{i % 10}", float(i), now + i, b * 1000 + i) for i in range(1000)]
    start = time.perf_counter()
    client.log_batch(run_id, metrics=metrics)
    times.append(time.perf_counter() - start)
log_batch_ms = statistics.median(times) * 1000
for i in range(runs):
    r = client.create_run(experiment_id).info.run_id
    opt = Param("opt", "adam" if i % 2 else "sgd")
    client.log_batch(r, metrics=[Metric("acc", i / runs, now, 0)], params=[opt])
times = []
for _ in range(7):
    start = time.perf_counter()
    found = client.search_runs([experiment_id], "metrics.acc > 0.5 and params.opt = 'adam'",
                               order_by=["metrics.acc DESC"], max_results=1000)
    times.append(time.perf_counter() - start)
print(json.dumps({"log_batch_ms": log_batch_ms, "search_runs_ms": statistics.median(times) * 1000,
                  "found": len(found)}))
"""


def run_workload(env: dict, batches: int, runs: int) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", WORKLOAD, str(batches), str(runs)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def mlflow_server(root: Path):
    python = MLFLOW_VENV_PYTHON if MLFLOW_VENV_PYTHON.exists() else Path(sys.executable)
    port = free_port()
    command = [
        str(python), "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port),
        "--backend-store-uri", f"sqlite:///{root / 'mlflow.db'}",
        "--artifacts-destination", str(root / "mlartifacts"), "--workers", "1",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    log = open(root / "mlflow.log", "w")  # noqa: SIM115 - the child owns it
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/health", timeout=2).ok:
                return process, url
        except requests.ConnectionError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError((root / "mlflow.log").read_text()[-3000:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "ours").mkdir()
        ours = LiveServer(root / "ours").start()
        try:
            our_figures = run_workload(ours.mlflow_env(), args.batches, args.runs)
        finally:
            ours.stop()
        process, url = mlflow_server(root)
        try:
            env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
            env.update(MLFLOW_TRACKING_URI=url, MLFLOW_DISABLE_TELEMETRY="true")
            their_figures = run_workload(env, args.batches, args.runs)
        finally:
            process.terminate()
            process.wait(timeout=30)
    assert our_figures["found"] == their_figures["found"], (our_figures, their_figures)
    print(f"{'official client, median':40} {'tracker':>10} {'mlflow':>10} {'ratio':>7}")
    for key, label in [
        ("log_batch_ms", "log_batch of 1000 metrics (ms)"),
        ("search_runs_ms", f"search_runs over {args.runs} runs (ms)"),
    ]:
        ratio = our_figures[key] / their_figures[key]
        print(f"{label:40} {our_figures[key]:10.1f} {their_figures[key]:10.1f} {ratio:7.2f}")


if __name__ == "__main__":
    main()
