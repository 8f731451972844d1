"""The official MLflow client against our server vs against ``mlflow server``, in one run.

    .venv/bin/python benchmarks/bench_mlflow_compat.py [--runs 1000] [--history 30000]
    .venv/bin/python benchmarks/bench_mlflow_compat.py --quick     # small sizes, a smoke test

One workload (``WORKLOAD`` below: per-call ``log_metric``, ``log_batch`` of 1000 metrics,
runs created, a filtered search, a search returning 1000 runs, a 30k-point history) runs in
a subprocess through ``MlflowClient`` against (1) a Jupyter Server with the tracker and
(2) ``mlflow server`` on SQLite, started from benchmarks/.venv-mlflow (setup-mlflow.sh) if
present, else from this venv (mlflow is a test dependency). Both servers run one after the
other on the same machine, so they never compete for its cores.

For every row the workload also times the client's own part: the same calls with the
recorded HTTP responses replayed instantly (``mlflow.utils.rest_utils.http_request``
patched), i.e. encoding the request and parsing the answer into MLflow entities. No server
can make a call faster than that floor; the table prints it and the best ratio it allows.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from jupyterlab_tracker.testing import LiveServer, MlflowServer

HERE = Path(__file__).resolve().parent
MLFLOW_VENV_PYTHON = HERE / ".venv-mlflow" / "bin" / "python"
TARGET_SPEEDUP = 3.0

WORKLOAD = r"""
import json, random, sys, time
import mlflow.utils.rest_utils as rest_utils
from mlflow import MlflowClient
from mlflow.entities import Metric, Param, RunTag

sizes = json.loads(sys.argv[1])
sys.path.insert(0, sys.argv[2])
from mlflow_workload import median_time  # noqa: E402 (bench_tracking.py's MLflow side)
random.seed(0)  # the same runs on both servers
client = MlflowClient()
now = int(time.time() * 1000)
real_http_request = rest_utils.http_request


def timed(fn, repeats):
    "Median seconds of fn() after one warm-up call; and the client's floor for it."
    return median_time(fn, repeats), client_floor(fn, max(repeats, 5))


def client_floor(fn, repeats):
    "Median seconds of fn() with one call's HTTP responses recorded, then replayed."
    recorded = []
    def recording(**kwargs):
        response = real_http_request(**kwargs)
        response.content  # read the body now, so replaying costs nothing
        recorded.append(response)
        return response
    replay = []
    def replaying(**kwargs):
        return replay.pop(0)
    try:
        rest_utils.http_request = recording
        fn()
        rest_utils.http_request = replaying
        def replayed():
            replay[:] = recorded
            fn()
        return median_time(replayed, repeats, warm_up=False)
    finally:
        rest_utils.http_request = real_http_request


figures = {}
experiment_id = client.create_experiment("bench-compat")
run_id = client.create_run(experiment_id).info.run_id

step = iter(range(10**9))
figures["log_metric"] = timed(
    lambda: client.log_metric(run_id, "loss", 0.5, step=next(step)), sizes["log_metric_calls"]
)

batch = [Metric(f"m{i % 10}", float(i), now + i, i) for i in range(1000)]
figures["log_batch"] = timed(lambda: client.log_batch(run_id, metrics=batch), sizes["batches"])

runs = client.create_experiment("bench-compat-runs")
def create_run():
    new_run = client.create_run(runs).info.run_id
    client.log_batch(
        new_run,
        metrics=[Metric(f"m{k}", random.random(), now, 0) for k in range(10)],
        params=[Param(f"p{k}", str(random.randint(0, 9))) for k in range(10)],
        tags=[RunTag(f"t{k}", random.choice("abc")) for k in range(3)],
    )
start = time.perf_counter()
for _ in range(sizes["runs"] - 3):
    create_run()
# Per run: create_run + one log_batch (10 metrics, 10 params, 3 tags), as the whole loop took.
created = (time.perf_counter() - start) / (sizes["runs"] - 3)
# The floor; timed() creates the last 3 runs (warm-up, timed, recorded; replays create none).
figures["create_run"] = (created, timed(create_run, 1)[1])

FILTER = "metrics.m1 > 0.5 and params.p2 != '3'"
figures["search_filtered"] = timed(
    lambda: client.search_runs([runs], FILTER, order_by=["metrics.m3 DESC"], max_results=100),
    sizes["repeats"],
)
found = len(client.search_runs([runs], FILTER, max_results=1000))
everything = lambda: client.search_runs([runs], max_results=1000)
assert len(everything()) == sizes["runs"]
figures["search_all"] = timed(everything, sizes["repeats"])

history_run = client.create_run(experiment_id).info.run_id
for start in range(0, sizes["history"], 1000):
    points = [Metric("loss", random.random(), now, s) for s in range(start, start + 1000)]
    client.log_batch(history_run, metrics=points[: sizes["history"] - start])
history = lambda: client.get_metric_history(history_run, "loss")
assert len(history()) == sizes["history"]
figures["history"] = timed(history, sizes["slow_repeats"])
print(json.dumps({"figures": figures, "found": found}))
"""

# (key, label, unit and its factor from seconds)
ROWS = [
    ("log_metric", "log_metric, one call", "ms", 1000),
    ("log_batch", "log_batch of 1000 metrics", "ms", 1000),
    ("create_run", "run created (+ log_batch of 23)", "ms", 1000),
    ("search_filtered", "search_runs filtered, 100 results", "ms", 1000),
    ("search_all", "search_runs returning {runs} runs", "ms", 1000),
    ("history", "get_metric_history, {history} points", "ms", 1000),
]

SIZES = {
    "full": {
        "log_metric_calls": 300,
        "batches": 20,
        "runs": 1000,
        "repeats": 7,
        "history": 30_000,
        "slow_repeats": 5,
    },
    "quick": {
        "log_metric_calls": 5,
        "batches": 2,
        "runs": 20,
        "repeats": 2,
        "history": 2000,
        "slow_repeats": 1,
    },
}


def run_workload(env: dict, sizes: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", WORKLOAD, json.dumps(sizes), str(HERE)],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def measure(sizes: dict) -> tuple[dict, dict]:
    """The workload's figures against our server, then against ``mlflow server``."""
    python = MLFLOW_VENV_PYTHON if MLFLOW_VENV_PYTHON.exists() else Path(sys.executable)
    with tempfile.TemporaryDirectory() as tmp:
        with LiveServer(Path(tmp) / "ours") as ours:
            our_result = run_workload(ours.mlflow_env(), sizes)
        # mlflow server takes minutes to start on a busy machine.
        theirs = MlflowServer(Path(tmp) / "mlflow", python=str(python)).start(timeout=600)
        try:
            their_result = run_workload(theirs.env(), sizes)
        finally:
            theirs.stop()
    # The same runs were found by the same filter: the two servers did the same work.
    assert our_result["found"] == their_result["found"], (our_result, their_result)
    return our_result["figures"], their_result["figures"]


def table(ours: dict, theirs: dict, sizes: dict) -> list[str]:
    header = f"{'official MLflow client, median':40} {'unit':>4} {'tracker':>9} {'mlflow':>9}"
    header += f" {'speedup':>8} {'floor':>8} {'max':>6}"
    lines = [header]
    for key, label, unit, factor in ROWS:
        (our_time, floor), (their_time, _their_floor) = ours[key], theirs[key]
        speedup = their_time / our_time
        best = their_time / floor  # the speedup if our server took no time at all
        mark = (
            ""
            if speedup >= TARGET_SPEEDUP
            else "  < target" + (" (floor-bound)" if best < 2 * TARGET_SPEEDUP else "")
        )
        lines.append(
            f"{label.format(**sizes):40} {unit:>4} {our_time * factor:9.2f}"
            f" {their_time * factor:9.2f} {speedup:7.1f}x {floor * factor:8.2f} {best:5.1f}x{mark}"
        )
    lines.append(
        "speedup = mlflow / tracker; floor = the client's own time for the call (responses"
        " replayed, no server); max = mlflow / floor, the most any server could give."
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="small sizes, a smoke test")
    parser.add_argument("--runs", type=int, help="runs created and searched (default 1000)")
    parser.add_argument("--history", type=int, help="history points (default 30000)")
    parser.add_argument("--json", type=Path, help="write both sides' figures here")
    args = parser.parse_args()
    sizes = dict(SIZES["quick" if args.quick else "full"])
    sizes.update({k: v for k, v in (("runs", args.runs), ("history", args.history)) if v})
    ours, theirs = measure(sizes)
    print("\n".join(table(ours, theirs, sizes)))
    if args.json:
        args.json.write_text(json.dumps({"sizes": sizes, "tracker": ours, "mlflow": theirs}))


if __name__ == "__main__":
    main()
