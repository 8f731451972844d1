"""A client killed mid-run, and a server restarted under a logging client.

- Crash: a process using the fluent API is SIGKILLed while logging. Every point whose
  ``flush()`` had returned is stored, none twice; the server's reaper marks the run
  KILLED (end_time = its last heartbeat) once heartbeats stop, but never a run that
  never sent one (as the MLflow REST surface creates them).
- Restart: the server is killed and started again on the same port while a client logs
  over HTTP. The client retries with backoff and its batch ids make retries idempotent:
  every point stored exactly once.

Short intervals come from configuration: heartbeats every 0.2 s, a 2 s timeout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from reliability_figures import FIGURES
from sqlalchemy import create_engine, text
from support.waiting import wait_until

from jupyterlab_tracker.testing import LiveServer

WORKER = Path(__file__).with_name("log_worker.py")
HEARTBEAT_TIMEOUT = 2.0
FAST_REAPER = (f"--Tracker.heartbeat_timeout={HEARTBEAT_TIMEOUT}", "--Tracker.reap_interval=0.5")
WORKER_ENV = {"JUPYTERLAB_TRACKER_HEARTBEAT_INTERVAL": "0.2"}


def start_worker(uri: str, token: str, points: int, flush_every: int) -> subprocess.Popen:
    env = {**os.environ, **WORKER_ENV, "JUPYTERLAB_TRACKER_TOKEN": token}
    command = [sys.executable, str(WORKER), uri, "crash", str(points), str(flush_every)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)


def read_until(worker: subprocess.Popen, prefix: str) -> str:
    while True:
        line = worker.stdout.readline()
        assert line, "the worker ended early"
        if line.startswith(prefix):
            return line.split()[1]


def stored_steps(db_path: Path, run_id: str, up_to: int = 2**62) -> tuple[int, int]:
    """(points, distinct steps) of metric "m" of ``run_id``, steps ``up_to`` at most."""
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.connect() as connection:
        query = (
            "SELECT count(*), count(DISTINCT step) FROM metrics "
            "WHERE run_id = :r AND key = 'm' AND step <= :up_to"
        )
        counts = connection.execute(text(query), {"r": run_id, "up_to": up_to}).one()
    engine.dispose()
    return tuple(counts)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("crash"), extra_args=FAST_REAPER) as server:
        yield server


def run_info(server, run_id: str) -> dict:
    response = server.api("GET", f"tracker/api/runs/{run_id}")
    response.raise_for_status()
    return response.json()["run"]["info"]


@pytest.mark.parametrize("mode", ["http", "embedded"])
def test_a_killed_client_loses_no_flushed_point_and_its_run_is_reaped(server, mode):
    # Runs made over REST (native or MLflow's) never send a heartbeat.
    silent_run_ids = [
        server.api("POST", f"tracker/api/{path}", json={"experiment_id": "0"}).json()["run"][
            "info"
        ]["run_id"]
        for path in ("runs", "2.0/mlflow/runs/create")
    ]
    uri = server.tracker_url if mode == "http" else f"sqlite:///{server.root / 'tracker.db'}"
    worker = start_worker(uri, server.token, points=10**8, flush_every=500)
    run_id = read_until(worker, "run")
    for _ in range(20):  # let it flush a few times, then kill it mid-run
        last_flushed = int(read_until(worker, "flushed"))
    worker.send_signal(signal.SIGKILL)
    killed_at = time.time() * 1000
    rest, _ = worker.communicate(timeout=30)  # lines printed before the kill landed
    for line in rest.splitlines():
        if line.startswith("flushed"):
            last_flushed = int(line.split()[1])

    points, distinct = stored_steps(server.root / "tracker.db", run_id)
    assert points == distinct  # nothing twice
    flushed = stored_steps(server.root / "tracker.db", run_id, up_to=last_flushed)
    assert flushed == (last_flushed + 1, last_flushed + 1)  # every flushed point is there
    FIGURES["points_flushed_before_kill"] += last_flushed + 1
    FIGURES["flushed_points_stored"] += flushed[0]

    info = wait_until(
        lambda: (info := run_info(server, run_id))["status"] != "RUNNING" and info,
        timeout=60,
        interval=0.2,
        message="the dead run was not reaped",
    )
    assert info["status"] == "KILLED"
    assert killed_at - 2000 <= info["end_time"] <= killed_at + 100  # its last heartbeat
    assert [run_info(server, r)["status"] for r in silent_run_ids] == ["RUNNING", "RUNNING"]


def test_a_server_restart_loses_and_duplicates_nothing(tmp_path):
    points = 60_000
    server = LiveServer(tmp_path / "restart").start()
    try:
        worker = start_worker(server.tracker_url, server.token, points, flush_every=2000)
        run_id = read_until(worker, "run")
        read_until(worker, "flushed")
        # Mid-logging: kill the server (in-flight batches may be written but unanswered),
        # then start it again on the same port.
        server.process.kill()
        server.process.wait()
        server.process = None
        time.sleep(1)  # the test: the server stays down a while, the client retries meanwhile
        server.start()
        worker.communicate(timeout=120)
        assert worker.returncode == 0
        stored = stored_steps(server.root / "tracker.db", run_id)
        assert stored == (points, points)
        assert run_info(server, run_id)["status"] == "FINISHED"
        FIGURES["points_written"] += points
        FIGURES["points_stored"] += stored[0]
    finally:
        server.stop()
