"""Eight processes log 100k metric points each into one store at once, embedded (SQLite,
in-process) and over HTTP (a live Jupyter server): every point is stored exactly once,
and no worker ever sees "database is locked"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_figures import FIGURES
from sqlalchemy import create_engine, text

from jupyterlab_tracker.testing import LiveServer

WORKER = Path(__file__).with_name("log_worker.py")
PROCESSES = 8
POINTS = int(os.environ.get("TRACKER_RELIABILITY_POINTS", 100_000))


def run_workers(uri: str, env: dict[str, str], count: int = PROCESSES) -> list[str]:
    """Start ``count`` workers at once; wait; return their run ids. They must exit 0 with
    nothing on stderr about locks or failed writes."""
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), uri, "concurrency", str(POINTS)],
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    run_ids = []
    for worker in workers:
        out, err = worker.communicate(timeout=240)
        assert worker.returncode == 0, err
        assert "locked" not in err.lower() and "fail" not in err.lower(), err
        run_ids.append(out.split()[1])
    FIGURES["points_written"] += count * POINTS
    return run_ids


def assert_each_point_once(db_path: Path, run_ids: list[str]) -> None:
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.connect() as connection:
        for run_id in run_ids:
            total, distinct, low, high = connection.execute(
                text(
                    "SELECT count(*), count(DISTINCT step), min(step), max(step) FROM metrics "
                    "WHERE run_id = :run AND key = 'm'"
                ),
                {"run": run_id},
            ).one()
            assert (total, distinct, low, high) == (POINTS, POINTS, 0, POINTS - 1), run_id
            FIGURES["points_stored"] += total
    engine.dispose()


def test_eight_embedded_writers_on_one_sqlite_file(tmp_path):
    db_path = tmp_path / "shared.db"
    run_ids = run_workers(f"sqlite:///{db_path}", {})
    assert len(set(run_ids)) == PROCESSES
    assert_each_point_once(db_path, run_ids)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("server")) as server:
        yield server


def test_eight_http_writers_on_one_server(live_server):
    run_ids = run_workers(live_server.tracker_url, {"JUPYTERLAB_TRACKER_TOKEN": live_server.token})
    assert_each_point_once(live_server.root / "tracker.db", run_ids)
