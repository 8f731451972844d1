"""Request-flood benchmark: huge JSON bodies must not stall the server or swell its memory.

    .venv/bin/python benchmarks/bench_body_flood.py                   # 4 bodies of 16 MiB
    .venv/bin/python benchmarks/bench_body_flood.py --concurrency 8 --json out.json

Starts ``jupyter_server`` with the extension in a subprocess (random port and token, temp
store), then sends ``--concurrency`` log_batch bodies at once, each just under 16 MiB and
holding 760,000 tiny metrics (far over the 1000-metric limit: each must be refused), half
to the native route and half to MLflow's. Meanwhile another thread asks
``GET tracker/api/version`` every 50 ms. Printed: how long the flood took to be refused,
the version request's latency during it (median and worst), and the server's peak RSS
above idle (VmRSS sampled every 20 ms). The targets: worst latency under 2 s, peak under
200 MB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_artifacts import RssSampler, memory_kb  # noqa: E402

TARGET_WORST_LATENCY_S = 2.0
TARGET_PEAK_MB = 200
METRICS_PER_BODY = 760_000


def flood_body(metrics: int = METRICS_PER_BODY) -> bytes:
    """A log_batch body of ``metrics`` minimal metrics (22 bytes each)."""
    return json.dumps(
        {"metrics": [{"key": "m", "value": 0}] * metrics}, separators=(",", ":")
    ).encode()


class LatencyProbe(threading.Thread):
    """Times ``GET tracker/api/version`` over and over until stopped."""

    def __init__(self, server, interval: float = 0.05):
        super().__init__(daemon=True)
        self.server, self.interval = server, interval
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        import requests

        session = requests.Session()
        session.headers["Authorization"] = f"token {self.server.token}"
        url = self.server.url + "tracker/api/version"
        while not self.stopped.is_set():
            started = time.perf_counter()
            try:
                response = session.get(url, timeout=60)
                if response.status_code != 200:
                    self.failures.append(f"{response.status_code} {response.text[:100]}")
            except requests.RequestException as error:
                self.failures.append(repr(error))
            self.latencies.append(time.perf_counter() - started)
            time.sleep(self.interval)

    def stop(self) -> None:
        self.stopped.set()
        self.join()


def run_flood(server, concurrency: int, body: bytes) -> dict:
    """Send the flood to a running ``LiveServer``; the figures as a dict."""
    import requests

    headers = {"Authorization": f"token {server.token}", "Content-Type": "application/json"}
    name = f"flood-{time.time_ns()}"  # a fresh one each call
    experiment = server.api("POST", "tracker/api/experiments", json={"name": name}).json()
    run = server.api(
        "POST",
        "tracker/api/runs",
        json={"experiment_id": experiment["experiment"]["experiment_id"]},
    ).json()
    run_id = run["run"]["info"]["run_id"]
    targets = [
        f"{server.tracker_url}/api/runs/{run_id}/batch",
        f"{server.tracker_url}/api/2.0/mlflow/runs/log-batch?run_id={run_id}",
    ]
    pid = server.process.pid
    time.sleep(0.5)
    idle_kb = memory_kb(pid, "VmRSS")

    def send(index: int) -> tuple[int, str]:
        url = targets[index % len(targets)]
        # The MLflow route reads run_id from the body: this one has none, and is refused
        # for its size before that matters.
        response = requests.post(url, data=body, headers=headers, timeout=300)
        return response.status_code, response.json().get("error_code", "")

    sampler, probe = RssSampler(pid), LatencyProbe(server)
    sampler.start()
    probe.start()
    time.sleep(0.2)  # a few idle samples first
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        answers = list(pool.map(send, range(concurrency)))
    flood_s = time.perf_counter() - started
    time.sleep(0.2)
    probe.stop()
    peak_kb = sampler.stop()
    return {
        "concurrency": concurrency,
        "body_mib": len(body) / 2**20,
        "answers": sorted(set(answers)),
        "flood_s": flood_s,
        "version_requests": len(probe.latencies),
        "version_failures": probe.failures,
        "version_median_ms": statistics.median(probe.latencies) * 1000,
        "version_worst_ms": max(probe.latencies) * 1000,
        "idle_mb": idle_kb / 1024,
        "peak_above_idle_mb": (peak_kb - idle_kb) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--metrics", type=int, default=METRICS_PER_BODY)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()

    from jupyterlab_tracker.testing import LiveServer

    body = flood_body(args.metrics)
    with LiveServer(Path(tempfile.mkdtemp(prefix="bench-flood-"))) as server:
        figures = run_flood(server, args.concurrency, body)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    print(
        f"{figures['concurrency']} concurrent log_batch bodies of "
        f"{figures['body_mib']:.1f} MiB ({args.metrics:,} metrics each)"
    )
    print(f"  answers            {figures['answers']}")
    print(f"  all answered in    {figures['flood_s']:.2f} s")
    print(
        f"  GET api/version    median {figures['version_median_ms']:.0f} ms, worst "
        f"{figures['version_worst_ms']:.0f} ms over {figures['version_requests']} requests "
        f"(target < {TARGET_WORST_LATENCY_S * 1000:.0f} ms)"
    )
    print(
        f"  server RSS         idle {figures['idle_mb']:.0f} MB, peak above idle "
        f"{figures['peak_above_idle_mb']:.0f} MB (target < {TARGET_PEAK_MB} MB)"
    )
    failed = []
    if figures["version_worst_ms"] >= TARGET_WORST_LATENCY_S * 1000:
        failed.append("the version request waited too long")
    if figures["peak_above_idle_mb"] >= TARGET_PEAK_MB:
        failed.append("the server's memory grew too much")
    if figures["version_failures"]:
        failed.append(f"version requests failed: {figures['version_failures'][:3]}")
    if failed:
        sys.exit("; ".join(failed))


if __name__ == "__main__":
    main()
