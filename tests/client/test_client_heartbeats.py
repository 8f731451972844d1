"""Client heartbeats: the buffer's thread sends them for running runs, over both backends."""

from __future__ import annotations

import asyncio
import time

from support.waiting import async_wait_until, wait_until

import jupyterlab_tracker as jt
from jupyterlab_tracker.client.buffer import MetricBuffer


def test_the_buffer_beats_for_watched_runs_in_one_call_until_unwatched():
    calls = []

    def send(run_ids):
        calls.append(sorted(run_ids))
        return [run_id for run_id in run_ids if run_id == "gone"]  # unknown: stop beating

    buffer = MetricBuffer(
        lambda *a: None, flush_interval=0.02, send_heartbeats=send, heartbeat_interval=0.05
    )
    buffer.watch_run("r1")
    buffer.watch_run("r2")
    buffer.watch_run("gone")
    wait_until(lambda: sum("r1" in call for call in calls) >= 3)
    assert ["gone", "r1", "r2"] in calls  # the runs due together went in one call
    assert all(call.count("r1") == 1 for call in calls)
    assert "gone" not in buffer._watched
    assert sum("gone" in call for call in calls) == 1
    buffer.unwatch_run("r1")
    buffer.unwatch_run("r2")
    # What is checked is that no beat comes for two intervals: those sleeps are the test.
    time.sleep(0.1)  # a beat already under way lands
    count = len(calls)
    time.sleep(0.1)
    assert len(calls) == count
    buffer.close()


def test_a_failed_heartbeat_is_retried_at_the_next_interval():
    calls = []

    def send(run_ids):
        calls.append(run_ids)
        if len(calls) == 1:
            raise ConnectionError("server restarting")
        return []

    buffer = MetricBuffer(
        lambda *a: None, flush_interval=0.02, send_heartbeats=send, heartbeat_interval=0.05
    )
    buffer.watch_run("r1")
    wait_until(lambda: len(calls) >= 3)
    assert "r1" in buffer._watched
    buffer.close()


def test_a_run_created_with_its_first_beat_is_not_beaten_again_at_once():
    calls = []
    buffer = MetricBuffer(
        lambda *a: None,
        flush_interval=0.02,
        send_heartbeats=lambda run_ids: calls.append(run_ids) or [],
        heartbeat_interval=0.3,
    )
    buffer.watch_run("new", first_beat_sent=True)
    time.sleep(0.15)  # the test: no beat within half an interval of the first one
    assert calls == []
    wait_until(lambda: calls == [["new"]])
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
    first = _last_heartbeat(store, run_id)
    assert first is not None  # recorded with the run, no extra write
    wait_until(lambda: _last_heartbeat(store, run_id) > first)
    client.set_terminated(run_id)
    assert run_id not in client._buffer._watched
    client.close()


async def test_heartbeat_endpoint(tracker_api, jp_serverapp):
    store = jp_serverapp.web_app.settings["tracker"].service.store
    status, body = await tracker_api("POST", "api/runs", {"experiment_id": "0"})
    silent = body["run"]["info"]["run_id"]
    assert _last_heartbeat(store, silent) is None  # like a run made by an MLflow client
    body = {"experiment_id": "0", "heartbeat": True}
    status, body = await tracker_api("POST", "api/runs", body)
    beating = body["run"]["info"]["run_id"]
    assert _last_heartbeat(store, beating) is not None
    unknown = "0" * 32
    answer = await tracker_api("POST", "api/runs/heartbeat", {"run_ids": [silent, unknown]})
    assert answer == (200, {"stopped_run_ids": [unknown]})
    assert _last_heartbeat(store, silent) is not None
    assert await tracker_api("POST", "api/runs/heartbeat", {"run_ids": []}) == (
        200,
        {"stopped_run_ids": []},
    )
    for bad in ({"run_ids": [""]}, {"run_ids": [5]}, {"run_ids": "x"}, {}):
        status, body = await tracker_api("POST", "api/runs/heartbeat", bad)
        assert (status, body["error_code"]) == (400, "INVALID_PARAMETER_VALUE"), bad


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
    await async_wait_until(
        lambda: _last_heartbeat(store, run_id) is not None, message="no heartbeat arrived"
    )
    await asyncio.to_thread(client.set_terminated, run_id)
    await asyncio.to_thread(client.close)
