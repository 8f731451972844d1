"""Artifact transfer benchmark: a 500 MB file up and down through a live Jupyter server.

    .venv/bin/python benchmarks/bench_artifacts.py               # 500 MB
    .venv/bin/python benchmarks/bench_artifacts.py --size-mb 50  # quicker

Starts ``jupyter_server`` with the extension in a subprocess (random port and token, temp
store and artifact root), uploads with ``TrackerClient.log_artifact`` (HTTP mode: a
streamed, chunked PUT), downloads with ``download_artifacts`` (a streamed GET), and prints
the throughput each way and the server's memory: peak RSS above idle, sampled from
``/proc/<pid>/status`` (VmRSS every 20 ms, and VmHWM). Streaming keeps that peak far
below the file size; the target is under 200 MB.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

MB = 1024 * 1024
TARGET_PEAK_MB = 200


def memory_kb(pid: int, field: str) -> int:
    """``VmRSS`` or ``VmHWM`` of process ``pid`` in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


class RssSampler(threading.Thread):
    """Records the highest VmRSS of a process while running."""

    def __init__(self, pid: int, interval: float = 0.02):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self.peak_kb = max(self.peak_kb, memory_kb(self.pid, "VmRSS"))
            time.sleep(self.interval)

    def stop(self) -> int:
        self.stopped.set()
        self.join()
        return self.peak_kb


def write_test_file(path: Path, size_mb: int) -> str:
    """``size_mb`` of incompressible bytes; returns their sha256."""
    block, digest = os.urandom(MB), hashlib.sha256()
    with open(path, "wb") as file:
        for index in range(size_mb):
            chunk = index.to_bytes(8, "little") + block[8:]  # every block differs
            file.write(chunk)
            digest.update(chunk)
    return digest.hexdigest()


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(MB):
            digest.update(chunk)
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=500)
    args = parser.parse_args()

    from jupyterlab_tracker import TrackerClient
    from jupyterlab_tracker.testing import LiveServer

    root = Path(tempfile.mkdtemp(prefix="bench-artifacts-"))
    source = root / "payload.bin"
    expected_sha = write_test_file(source, args.size_mb)
    with LiveServer(root / "server") as server:
        pid = server.process.pid
        client = TrackerClient(server.tracker_url, token=server.token)
        run_id = client.create_run(client.create_experiment("bench-artifacts")).info.run_id
        client.log_text(run_id, "warm-up", "warm-up.txt")  # handlers and threads exist
        time.sleep(0.5)
        idle_kb = memory_kb(pid, "VmRSS")

        sampler = RssSampler(pid)
        sampler.start()
        started = time.perf_counter()
        client.log_artifact(run_id, str(source), "data")
        upload_s = time.perf_counter() - started
        started = time.perf_counter()
        local = client.download_artifacts(run_id, "data/payload.bin", str(root / "download"))
        download_s = time.perf_counter() - started
        peak_kb = sampler.stop()
        hwm_kb = memory_kb(pid, "VmHWM")
        client.close()

    assert sha256_of(local) == expected_sha, "the downloaded file differs from the upload"
    peak_above_idle = (peak_kb - idle_kb) / 1024
    shutil.rmtree(root, ignore_errors=True)
    print(f"artifact of {args.size_mb} MB through a live server")
    print(f"  upload    {args.size_mb / upload_s:8.1f} MB/s  ({upload_s:.1f} s)")
    print(f"  download  {args.size_mb / download_s:8.1f} MB/s  ({download_s:.1f} s)")
    print(f"  server RSS idle {idle_kb / 1024:.0f} MB, peak {peak_kb / 1024:.0f} MB")
    print(
        f"  peak RSS above idle {peak_above_idle:.0f} MB "
        f"(target < {TARGET_PEAK_MB} MB; VmHWM {hwm_kb / 1024:.0f} MB)"
    )
    if peak_above_idle >= TARGET_PEAK_MB:
        sys.exit(f"peak RSS above idle {peak_above_idle:.0f} MB is over the target")


if __name__ == "__main__":
    main()
