"""System metrics sampling cost: what one sample costs the process, and what share of a
core that is at the default 10 s interval (target: under 1%).

    .venv/bin/python benchmarks/bench_system_metrics.py [--samples N] [--interval S]

A sample is what the monitor thread does every interval: read psutil (CPU, memory, disk,
network, the process's RSS; NVML too when a GPU is present) and hand the points to the
client's buffer. Writing them is the buffer writer's job, batched with everything else the
run logs; it is timed separately here (one sample's points written to SQLite on their own,
the worst case). CPU time is the thread's (``time.thread_time``), so other processes on a
shared machine do not count; wall time is shown too.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import jupyterlab_tracker as jt  # noqa: E402
from jupyterlab_tracker.client import system_metrics  # noqa: E402


def timed(fn) -> tuple[float, float]:
    """(cpu seconds, wall seconds) of one call."""
    cpu, wall = time.thread_time(), time.perf_counter()
    fn()
    return time.thread_time() - cpu, time.perf_counter() - wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--interval", type=float, default=system_metrics.DEFAULT_INTERVAL)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        client = jt.TrackerClient(f"sqlite:///{tmp}/bench.db")
        client._buffer.flush_interval = 3600  # only the explicit flush below writes
        run_id = client.create_run("0", heartbeat=False).info.run_id
        monitor = system_metrics.SystemMetricsMonitor(
            lambda metrics, step: client.log_metrics(run_id, metrics, step=step),
            args.interval,
            system_metrics.SystemSampler(),
        )
        monitor.sample_once()  # warm-up (first psutil calls, imports)
        client.flush()
        samples, writes = [], []
        for _ in range(args.samples):
            samples.append(timed(monitor.sample_once))
            writes.append(timed(client.flush))
        points = len(client.get_run(run_id).data.metrics)
        client.close()

    cpu = statistics.median(c for c, _ in samples)
    wall = statistics.median(w for _, w in samples)
    write_cpu = statistics.median(c for c, _ in writes)
    p99 = sorted(c for c, _ in samples)[int(0.99 * (len(samples) - 1))]
    share = (cpu + write_cpu) / args.interval * 100
    print(f"system metrics: {points} metrics a sample, {args.samples} samples")
    print(f"{'sample (psutil + buffer), cpu median':<44} {cpu * 1e3:8.3f} ms")
    print(f"{'sample (psutil + buffer), cpu p99':<44} {p99 * 1e3:8.3f} ms")
    print(f"{'sample (psutil + buffer), wall median':<44} {wall * 1e3:8.3f} ms")
    print(f"{'write one sample alone (SQLite), cpu median':<44} {write_cpu * 1e3:8.3f} ms")
    print(
        f"{f'share of a core at {args.interval:g} s interval':<44} {share:8.4f} %  (target < 1 %)"
    )


if __name__ == "__main__":
    main()
