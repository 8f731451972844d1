"""Client heartbeats: the buffer's thread sends them for running runs, over both backends."""

from __future__ import annotations

import asyncio
import time

import jupyterlab_tracker as jt
from jupyterlab_tracker.client.buffer import MetricBuffer
from jupyterlab_tracker.errors import not_found


def _wait_for(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def test_the_buffer_beats_for_watched_runs_until_unwatched():
    beats = []

    def send(run_id):
        if run_id == "gone":
            raise not_found("no such run")  # a permanent error: stop beating for it
        beats.append(run_id)

    buffer = MetricBuffer(
        lambda *a: None, flush_interval=0.02, send_heartbeat=send, heartbeat_interval=0.05
    )
    buffer.watch_run("r1")
    buffer.watch_run("gone")
    _wait_for(lambda: beats.count("r1") >= 3)
    assert "gone" not in buffer._watched
    buffer.unwatch_run("r1")
    time.sleep(0.1)
    count = len(beats)
    time.sleep(0.1)
    assert len(beats) == count
    buffer.close()


def _last_heartbeat(store, run_id):
    from sqlalchemy import select

    from jupyterlab_tracker.store import models as m

    with store.db.session() as conn:
        query = select(m.runs.c.last_heartbeat).where(m.runs.c.run_id == run_id)
        return conn.execute(query).scalar()


def test_an_embedded_client_beats_while_the_run_runs(tmp_path):
    client = jt.TrackerClient(f"sqlite:///{tmp_path}/hb.db", heartbeat_interval=0.05)
    client._buffer.flush_interval = 0.02
    run_id = client.create_run("0").info.run_id
    store = client.backend.store
    _wait_for(lambda: _last_heartbeat(store, run_id) is not None)
    first = _last_heartbeat(store, run_id)
    _wait_for(lambda: _last_heartbeat(store, run_id) > first)
    client.set_terminated(run_id)
    assert run_id not in client._buffer._watched
    client.close()


async def test_heartbeat_endpoint(tracker_api):
    status, body = await tracker_api("POST", "api/runs", {"experiment_id": "0"})
    run_id = body["run"]["info"]["run_id"]
    assert await tracker_api("POST", f"api/runs/{run_id}/heartbeat") == (200, {})
    status, body = await tracker_api("POST", f"api/runs/{'0' * 32}/heartbeat")
    assert (status, body["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")


async def test_the_http_client_sends_heartbeats(jp_serverapp, http_server_client, jp_base_url):
    port = http_server_client.get_http_port()
    uri = f"http://127.0.0.1:{port}{jp_base_url}tracker"
    store = jp_serverapp.web_app.settings["tracker"].service.store
    client = jt.TrackerClient(
        uri, token=jp_serverapp.identity_provider.token, heartbeat_interval=0.05
    )
    client._buffer.flush_interval = 0.02
    # The server runs on this test's event loop: the blocking client runs in threads.
    run_id = (await asyncio.to_thread(client.create_run, "0")).info.run_id
    deadline = time.monotonic() + 5
    while _last_heartbeat(store, run_id) is None:
        assert time.monotonic() < deadline, "no heartbeat arrived"
        await asyncio.sleep(0.02)
    await asyncio.to_thread(client.set_terminated, run_id)
    await asyncio.to_thread(client.close)
