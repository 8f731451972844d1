"""The Python client: embedded mode on a SQLite file, HTTP mode against a live server,
the metric buffer's durability rules, and the fluent API."""

from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest
from support.waiting import wait_until

import jupyterlab_tracker as jt
from jupyterlab_tracker.client import fluent
from jupyterlab_tracker.client.http import HttpBackend
from jupyterlab_tracker.client.retry import RetryPolicy
from jupyterlab_tracker.config import ARTIFACT_ROOT_ENV, STORE_URI_ENV, TOKEN_ENV
from jupyterlab_tracker.entities import Metric, RunTag
from jupyterlab_tracker.errors import TrackerError

FAST_RETRY = RetryPolicy(max_attempts=3, backoff_factor=0.01, max_delay=0.05)


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No tracker settings leak in from the environment (the server sets them for kernels)."""
    for name in (STORE_URI_ENV, TOKEN_ENV, "MLFLOW_TRACKING_URI", "JPY_SESSION_NAME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(ARTIFACT_ROOT_ENV, str(tmp_path / "artifacts"))


@pytest.fixture
def db_uri(tmp_path, clean_env) -> str:
    return f"sqlite:///{tmp_path}/client.db"


@pytest.fixture
def client(db_uri):
    client = jt.TrackerClient(db_uri)
    client._buffer.retry = FAST_RETRY
    yield client
    client.close()


@pytest.fixture
def session(monkeypatch, db_uri):
    """A fresh fluent session logging to db_uri."""
    monkeypatch.setattr(fluent, "_session", fluent._Session())
    jt.set_tracking_uri(db_uri)
    yield jt
    while jt.active_run():
        jt.end_run()
    if fluent._session.client is not None:
        fluent._session.client.close()


def steps(metrics: list[Metric]) -> list[int]:
    return [m.step for m in metrics]


# -- TrackerClient, embedded ---------------------------------------------------------


def test_embedded_client_round_trip(client):
    experiment_id = client.create_experiment("exp", tags={"team": "ml"})
    assert client.get_experiment_by_name("exp").tags == {"team": "ml"}
    assert client.get_experiment_by_name("missing") is None
    run_id = client.create_run(experiment_id, run_name="r").info.run_id

    client.log_param(run_id, "lr", 0.1)
    client.log_param(run_id, "lr", "0.1")  # the same value again is fine
    with pytest.raises(TrackerError) as error:  # params are immutable, checked at the call
        client.log_param(run_id, "lr", 0.2)
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"

    client.set_tags(run_id, {"a": 1, "b": "x"})
    for step in range(5):
        client.log_metric(run_id, "loss", 1 / (step + 1), step=step)
    client.log_metric(run_id, "nan", float("nan"))
    info = client.set_terminated(run_id)  # flushes first
    assert info.status == "FINISHED" and info.end_time

    run = client.get_run(run_id)
    assert run.data.params == {"lr": "0.1"}
    assert run.data.tags["a"] == "1"
    assert run.data.metrics["loss"] == pytest.approx(0.2)
    assert math.isnan(run.data.metrics["nan"])
    assert steps(client.get_metric_history(run_id, "loss")) == [0, 1, 2, 3, 4]
    assert [r.info.run_id for r in client.search_all_runs([experiment_id])] == [run_id]


def test_reads_see_buffered_metrics(client):
    run_id = client.create_run("0").info.run_id
    client.log_metric(run_id, "m", 1.0)
    # No flush: reading the run writes the buffer first.
    assert client.get_run(run_id).data.metrics["m"] == 1.0


def test_reads_see_points_the_writer_thread_holds(client):
    """A point the writer thread has taken from the queue (cutting batches, not yet
    written) is not counted by len(); a read must still wait for it."""
    run_id = client.create_run("0").info.run_id
    buffer = client._buffer
    cut_batches = buffer._cut_batches
    cutting, release = threading.Event(), threading.Event()

    def slow_cut():
        batches = cut_batches()
        cutting.set()
        release.wait(10)
        return batches

    buffer._cut_batches = slow_cut
    client.log_metric(run_id, "m", 1.0, step=7)
    writer = threading.Thread(target=buffer.flush)  # as the writer thread does
    writer.start()
    assert cutting.wait(10)
    assert len(buffer) == 0 and buffer.unwritten
    threading.Timer(0.2, release.set).start()
    assert steps(client.get_metric_history(run_id, "m")) == [7]
    writer.join()


def test_closing_the_embedded_client_closes_its_database_connections(tmp_path, db_uri):
    """close() disposes of the database engine (the registry's stores share it): every
    pooled connection is closed, so SQLite checkpoints the WAL and removes its file, as it
    does when the last connection to a database goes. A later call connects again."""
    from sqlalchemy import event

    client = jt.TrackerClient(db_uri, heartbeat_interval=0)
    run_id = client.create_run(client.create_experiment("closing")).info.run_id
    client.log_metric(run_id, "m", 1.0)
    client.create_registered_model("closing")  # opens the registry beside the tracking store
    client.flush()
    pool = client.backend.store.db.engine.pool
    closed = []
    event.listen(pool, "close", lambda dbapi_connection, record: closed.append(dbapi_connection))
    pooled = pool.checkedin()
    wal = tmp_path / "client.db-wal"
    assert pooled >= 1 and wal.exists()

    client.close()

    assert len(closed) == pooled and pool.checkedin() == 0
    assert not wal.exists()
    assert client.get_run(run_id).data.metrics["m"] == 1.0
    client.close()


def test_log_metric_rejects_bad_values_at_the_call(client):
    with pytest.raises(TrackerError, match="abc"):
        client.log_metric("r" * 32, "m", "abc")
    with pytest.raises(TrackerError):
        client.log_metric("r" * 32, None, 1.0)


# -- the metric buffer -----------------------------------------------------------------


class RecordingBackend:
    """Wraps the real backend: records log_batch calls and can fail some of them."""

    def __init__(self, backend, fail=lambda call_number: None):
        self.backend = backend
        self.fail = fail
        self.calls: list[tuple[str, int, str | None]] = []

    def log_batch(self, run_id, metrics=(), params=(), tags=(), batch_id=None):
        self.calls.append((run_id, len(metrics), batch_id))
        failure = self.fail(len(self.calls))
        if failure == "after-write":  # the write happened but the answer was lost
            self.backend.log_batch(run_id, metrics, params, tags, batch_id)
            raise ConnectionError("connection reset")
        if failure is not None:
            raise failure
        self.backend.log_batch(run_id, metrics, params, tags, batch_id)

    def __getattr__(self, name):
        return getattr(self.backend, name)


def test_flush_writes_everything_in_batches_of_at_most_1000(client):
    run_id = client.create_run("0").info.run_id
    recorder = RecordingBackend(client.backend)
    client._backend = recorder
    for step in range(2500):
        client.log_metric(run_id, "m", step, step=step)
    client.flush()
    assert len(client._buffer) == 0
    assert all(size <= 1000 for _, size, _ in recorder.calls)
    assert sum(size for _, size, _ in recorder.calls) == 2500
    assert len({batch_id for _, _, batch_id in recorder.calls}) == len(recorder.calls)
    assert steps(client.get_metric_history(run_id, "m")) == list(range(2500))


def test_the_writer_thread_flushes_without_being_asked(db_uri):
    client = jt.TrackerClient(db_uri, flush_interval=0.05)
    run_id = client.create_run("0").info.run_id
    client.log_metric(run_id, "m", 1.0)
    wait_until(lambda: not client._buffer.unwritten, message="the writer thread did not flush")
    assert len(client.backend.get_metric_history(run_id, "m").items) == 1
    client.close()


def test_a_retried_batch_keeps_its_id_and_is_not_duplicated(client):
    run_id = client.create_run("0").info.run_id
    recorder = RecordingBackend(client.backend, fail=lambda n: "after-write" if n == 1 else None)
    client._backend = recorder
    for step in range(10):
        client.log_metric(run_id, "m", step, step=step)
    client.flush()  # the first attempt wrote, then failed; the retry must not duplicate
    assert len(recorder.calls) == 2
    assert recorder.calls[0][2] == recorder.calls[1][2]
    assert steps(client.get_metric_history(run_id, "m")) == list(range(10))


def test_a_failing_write_keeps_its_points_and_surfaces_on_flush(client, caplog):
    run_id = client.create_run("0").info.run_id
    outage = {"on": True}
    recorder = RecordingBackend(
        client.backend, fail=lambda n: ConnectionError("server down") if outage["on"] else None
    )
    client._backend = recorder
    for step in range(3):
        client.log_metric(run_id, "m", step, step=step)
    with pytest.raises(ConnectionError):
        client.flush()
    assert len(client._buffer) == 3  # kept, not dropped
    outage["on"] = False
    client.flush()
    assert len(client._buffer) == 0
    assert steps(client.get_metric_history(run_id, "m")) == [0, 1, 2]
    assert len({batch_id for _, _, batch_id in recorder.calls}) == 1  # one batch, retried


def test_a_rejected_batch_is_reported_not_retried_forever(client, caplog):
    run_id = client.create_run("0").info.run_id
    client.log_metric("f" * 32, "m", 1.0)  # no such run: this batch can never be written
    client.log_metric(run_id, "good", 1.0)
    with caplog.at_level(logging.WARNING), pytest.raises(TrackerError) as error:
        client.flush()
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    assert "dropping 1 metric points" in caplog.text
    assert len(client._buffer) == 0
    assert client.get_run(run_id).data.metrics["good"] == 1.0  # other runs unaffected
    client.flush()  # reported once; the buffer works again
    client.log_metric(run_id, "after", 2.0)
    client.flush()
    assert client.get_run(run_id).data.metrics["after"] == 2.0


# -- the fluent API --------------------------------------------------------------------


def test_tracking_uri_precedence(monkeypatch, clean_env):
    monkeypatch.setattr(fluent, "_session", fluent._Session())
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://elsewhere:5000")
    assert jt.get_tracking_uri().startswith("sqlite:///")  # not a tracker: ignored
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://host:8888/lab/tracker/")
    assert jt.get_tracking_uri() == "http://host:8888/lab/tracker/"
    monkeypatch.setenv(STORE_URI_ENV, "sqlite:////tmp/from-server.db")
    assert jt.get_tracking_uri() == "sqlite:////tmp/from-server.db"
    jt.set_tracking_uri("sqlite:////tmp/explicit.db")
    assert jt.get_tracking_uri() == "sqlite:////tmp/explicit.db"


def test_runs_as_context_managers(session):
    experiment = jt.set_experiment("fluent")
    assert jt.set_experiment("fluent").experiment_id == experiment.experiment_id
    with jt.start_run(run_name="ok", tags={"k": "v"}, description="notes") as run:
        assert jt.active_run().info.run_id == run.info.run_id
        jt.log_param("lr", 0.1)
        jt.log_params({"depth": 3})
        jt.log_metric("acc", 0.5)
        jt.log_metrics({"acc": 0.9, "loss": 0.1}, step=1)
        jt.set_tag("stage", "dev")
        jt.set_tags({"x": 1, "gone": "y"})
        jt.delete_tag("gone")
    assert jt.active_run() is None
    finished = jt.get_run(run.info.run_id)
    assert finished.info.status == "FINISHED"
    assert finished.info.experiment_id == experiment.experiment_id
    assert finished.data.params == {"lr": "0.1", "depth": "3"}
    assert finished.data.metrics["acc"] == 0.9
    tags = finished.data.tags
    assert tags["k"] == "v" and tags["stage"] == "dev" and tags["x"] == "1" and "gone" not in tags
    assert tags["mlflow.runName"] == "ok" and tags["mlflow.note.content"] == "notes"
    assert tags["mlflow.source.type"] == "LOCAL" and tags["mlflow.user"]
    assert [m.value for m in jt.get_metric_history(run.info.run_id, "acc")] == [0.5, 0.9]
    assert jt.last_active_run().info.run_id == run.info.run_id

    with pytest.raises(ValueError), jt.start_run() as failing:
        raise ValueError("training diverged")
    assert jt.get_run(failing.info.run_id).info.status == "FAILED"
    assert "mlflow.runName" in jt.get_run(failing.info.run_id).data.tags  # generated name


def test_nested_runs_and_the_one_active_run_rule(session):
    parent = jt.start_run()
    with pytest.raises(TrackerError, match="already active"):
        jt.start_run()
    child = jt.start_run(nested=True)
    assert jt.get_run(child.info.run_id).data.tags["mlflow.parentRunId"] == parent.info.run_id
    jt.end_run()
    assert jt.active_run().info.run_id == parent.info.run_id
    jt.end_run()
    assert jt.active_run() is None


def test_logging_without_a_run_starts_one_and_runs_can_resume(session):
    jt.log_metric("m", 1.0)
    run = jt.active_run()
    assert run is not None and run.info.experiment_id == "0"
    jt.end_run()
    resumed = jt.start_run(run_id=run.info.run_id)
    assert jt.get_run(run.info.run_id).info.status == "RUNNING"
    jt.log_metric("m", 2.0, step=1)
    jt.end_run("KILLED")
    final = jt.get_run(resumed.info.run_id)
    assert final.info.status == "KILLED"
    assert steps(jt.get_metric_history(run.info.run_id, "m")) == [0, 1]


def test_notebook_source_tags(session, monkeypatch):
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/me/train.ipynb")
    monkeypatch.setattr(fluent, "_in_ipython", lambda: True)
    with jt.start_run() as run:
        pass
    tags = jt.get_run(run.info.run_id).data.tags
    assert tags["mlflow.source.type"] == "NOTEBOOK"
    assert tags["mlflow.source.name"] == "/home/me/train.ipynb"


def test_log_input_describes_a_dataframe(session):
    frame = pd.DataFrame({"x": [1, 2, 3], "y": [0.5, 1.5, 2.5], "label": ["a", "b", "c"]})
    with jt.start_run() as run:
        dataset = jt.log_input(frame, context="training", name="toy")
    assert dataset.name == "toy" and len(dataset.digest) == 8
    assert json.loads(dataset.profile) == {"num_rows": 3, "num_elements": 9}
    columns = json.loads(dataset.schema)["mlflow_colspec"]
    assert [(c["name"], c["type"]) for c in columns] == [
        ("x", "long"),
        ("y", "double"),
        ("label", "string"),
    ]
    [logged] = jt.get_run(run.info.run_id).inputs
    assert logged.dataset.digest == dataset.digest
    assert logged.tags == {"mlflow.data.context": "training"}


def test_search_runs_returns_mlflow_columns(session):
    jt.set_experiment("search")
    for i in range(3):
        with jt.start_run(run_name=f"r{i}"):
            jt.log_param("i", i)
            jt.log_metric("acc", i / 10)
    frame = jt.search_runs(filter_string="metrics.acc > 0.05", order_by=["metrics.acc DESC"])
    assert list(frame.columns[:6]) == [
        "run_id",
        "experiment_id",
        "status",
        "artifact_uri",
        "start_time",
        "end_time",
    ]
    assert {"metrics.acc", "params.i", "tags.mlflow.runName"} <= set(frame.columns)
    assert list(frame["params.i"]) == ["2", "1"]
    assert str(frame["start_time"].dt.tz) == "UTC"
    runs = jt.search_runs(experiment_names=["search"], output_format="list")
    assert len(runs) == 3
    empty = jt.search_runs(filter_string="metrics.acc > 5")
    assert len(empty) == 0 and "run_id" in empty.columns


# -- HTTP mode against a live server ---------------------------------------------------


@pytest.fixture
def server_uri(jp_serverapp, http_server_client, jp_base_url) -> str:
    port = http_server_client.get_http_port()
    return f"http://127.0.0.1:{port}{jp_base_url}tracker"


@pytest.fixture
def server_token(jp_serverapp) -> str:
    return jp_serverapp.identity_provider.token


async def test_http_client_round_trip(server_uri, server_token, clean_env):
    # The server runs on this test's event loop: the blocking client runs in a thread.
    def scenario():
        client = jt.TrackerClient(server_uri, token=server_token)
        assert isinstance(client.backend, HttpBackend)
        experiment_id = client.create_experiment("over-http")
        assert client.get_experiment_by_name("over-http").experiment_id == experiment_id
        assert client.get_experiment_by_name("missing") is None
        with pytest.raises(TrackerError) as error:
            client.create_experiment("over-http")
        assert error.value.error_code == "RESOURCE_ALREADY_EXISTS"

        run_id = client.create_run(experiment_id, tags={"t": "1"}).info.run_id
        client.log_params(run_id, {"lr": 0.1})
        with pytest.raises(TrackerError):
            client.log_param(run_id, "lr", 0.2)
        for step in range(1500):
            client.log_metric(run_id, "loss", 1 / (step + 1), step=step)
        client.log_metric(run_id, "inf", float("inf"))
        client.set_terminated(run_id)

        run = client.get_run(run_id)
        assert run.info.status == "FINISHED"
        assert run.data.metrics["inf"] == math.inf
        assert steps(client.get_metric_history(run_id, "loss")) == list(range(1500))
        assert len(client.sample_metric_history(run_id, "loss", 100)) <= 120
        assert client.list_run_keys([experiment_id])["metrics"] == ["inf", "loss"]
        assert [r.info.run_id for r in client.search_all_runs([experiment_id])] == [run_id]
        with pytest.raises(TrackerError) as error:
            client.get_run("0" * 32)
        assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"
        client.close()

    await asyncio.to_thread(scenario)


async def test_http_fluent_api_logs_every_point(server_uri, server_token, clean_env, monkeypatch):
    monkeypatch.setattr(fluent, "_session", fluent._Session())
    monkeypatch.setenv(STORE_URI_ENV, server_uri)
    monkeypatch.setenv(TOKEN_ENV, server_token)
    points = 20_000

    def scenario():
        jt.set_experiment("fluent-http")
        with jt.start_run() as run:
            jt.log_param("p", 1)
            # The rate is benchmarks/bench_tracking.py's ingest_http_pts_s, not a test's.
            for step in range(points):
                jt.log_metric("m", step, step=step)
            jt.flush()
        assert len(jt.get_metric_history(run.info.run_id, "m")) == points
        assert jt.get_run(run.info.run_id).info.status == "FINISHED"
        frame = jt.search_runs()
        assert list(frame["run_id"]) == [run.info.run_id]
        fluent._session.client.close()

    await asyncio.to_thread(scenario)


async def test_a_wrong_token_is_a_clear_error(server_uri, clean_env):
    def scenario():
        backend = HttpBackend(server_uri, "wrong", retry=FAST_RETRY)
        with pytest.raises(TrackerError) as error:
            backend.get_experiment("0")
        assert error.value.error_code == "PERMISSION_DENIED"

    await asyncio.to_thread(scenario)


class ScriptedServer:
    """A local HTTP server answering from a script of (status, body) pairs, for retry tests."""

    def __init__(self, answers):
        self.answers = list(answers)
        self.requests: list[tuple[str, str, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                outer.requests.append((self.command, self.path, self.rfile.read(length)))
                status, body = outer.answers.pop(0)
                # bytes are sent as they are: a proxy's HTML page, say
                raw = isinstance(body, bytes)
                payload = body if raw else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html" if raw else "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _answer

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/tracker"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_http_retries_5xx_and_429_then_succeeds():
    server = ScriptedServer(
        [(503, {}), (429, {}), (200, {"experiment": {"experiment_id": "3", "name": "e"}})]
    )
    try:
        backend = HttpBackend(server.url, "tok", retry=FAST_RETRY)
        assert backend.get_experiment("3").name == "e"
        assert len(server.requests) == 3
    finally:
        server.close()


def test_http_gives_up_after_bounded_retries():
    server = ScriptedServer([(500, {"error_code": "INTERNAL_ERROR", "message": "boom"})] * 3)
    try:
        backend = HttpBackend(server.url, "tok", retry=FAST_RETRY)
        with pytest.raises(TrackerError, match="boom"):
            backend.get_experiment("3")
        assert len(server.requests) == 3
    finally:
        server.close()


def test_http_connection_errors_are_retried_then_reported():
    server = ScriptedServer([])
    url = server.url
    server.close()  # nothing listens there any more
    backend = HttpBackend(url, "tok", retry=FAST_RETRY)
    with pytest.raises(TrackerError) as error:
        backend.get_experiment("1")
    assert error.value.error_code == "TEMPORARILY_UNAVAILABLE"
    assert "3 attempts" in error.value.message


def test_http_batch_retry_resends_the_same_batch_id():
    server = ScriptedServer([(502, {}), (200, {})])
    try:
        backend = HttpBackend(server.url, "tok", retry=FAST_RETRY)
        backend.log_batch("a" * 32, metrics=[Metric("m", 1.0, 1, 0)], batch_id="b" * 32)
        bodies = [json.loads(body) for _, _, body in server.requests]
        assert [b["batch_id"] for b in bodies] == ["b" * 32, "b" * 32]
        assert server.requests[0][1] == "/tracker/api/runs/" + "a" * 32 + "/batch"
    finally:
        server.close()


# 4xx answers that say the request itself is wrong: with and without an error body, with
# a code the client does not know, from the tracker or from a proxy in front of it.
FINAL_ANSWERS = [
    (400, {"error_code": "INVALID_PARAMETER_VALUE", "message": "tag value contains NUL"}),
    (409, {"error_code": "RESOURCE_ALREADY_EXISTS", "message": "batch id reused"}),
    (409, {"error_code": "SOME_FUTURE_CODE", "message": "conflict"}),
    (413, b"<html>Request Entity Too Large</html>"),
    (401, b""),
    (404, b"<html>not here</html>"),
    (422, {"message": "no error code"}),
]
# What a retry would wait: long enough that any retry is plain to see.
SLOW_RETRY = RetryPolicy(max_attempts=7, backoff_factor=30.0, max_delay=60.0)


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """A fast clock: every backoff wait is recorded instead of slept."""
    waited: list[float] = []
    monkeypatch.setattr(time, "sleep", waited.append)
    return waited


@pytest.mark.parametrize("answer", FINAL_ANSWERS, ids=lambda a: str(a[0]))
def test_a_final_4xx_surfaces_at_once_and_is_never_retried(answer, sleeps):
    server = ScriptedServer([answer] * 7)
    try:
        backend = HttpBackend(server.url, "tok", retry=SLOW_RETRY)
        with pytest.raises(TrackerError) as error:
            backend.log_batch("a" * 32, tags=[RunTag("t", "v")])
        assert len(server.requests) == 1 and sleeps == []
        assert error.value.http_status == answer[0]
    finally:
        server.close()


@pytest.mark.parametrize("answer", FINAL_ANSWERS, ids=lambda a: str(a[0]))
def test_a_buffered_batch_refused_with_a_4xx_is_dropped_at_once(answer, sleeps, caplog):
    from jupyterlab_tracker.client.buffer import MetricBuffer

    server = ScriptedServer([answer] * 7)
    try:
        backend = HttpBackend(server.url, "tok", retry=SLOW_RETRY)
        buffer = MetricBuffer(
            lambda run_id, metrics, batch_id: backend.log_batch(run_id, metrics, batch_id=batch_id),
            retry=SLOW_RETRY,
            flush_interval=3600,  # only flush() writes
        )
        buffer.add(("a" * 32, "m", 1.0, 1, 0))
        with caplog.at_level(logging.WARNING), pytest.raises(TrackerError) as error:
            buffer.flush()
        assert len(server.requests) == 1 and sleeps == []
        assert len(buffer) == 0 and "dropping 1 metric points" in caplog.text
        assert error.value.http_status == answer[0]
        buffer.close()
    finally:
        server.close()


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_passing_trouble_is_retried_and_buffered_points_are_kept(status, sleeps):
    from jupyterlab_tracker.client.buffer import MetricBuffer

    server = ScriptedServer([(status, {})] * 7)
    try:
        backend = HttpBackend(server.url, "tok", retry=FAST_RETRY)
        buffer = MetricBuffer(
            lambda run_id, metrics, batch_id: backend.log_batch(run_id, metrics, batch_id=batch_id),
            retry=RetryPolicy(max_attempts=2, backoff_factor=0.01),
            flush_interval=3600,  # only flush() writes
        )
        buffer.add(("a" * 32, "m", 1.0, 1, 0))
        with pytest.raises(TrackerError):
            buffer.flush()
        assert len(server.requests) == 6 and len(sleeps) == 5  # 2 flushes of 3 tries
        assert len(buffer) == 1  # kept for a later flush
        buffer._pending.clear()
        buffer._unwritten.clear()
        buffer.close()
    finally:
        server.close()


async def test_a_bad_set_tag_over_http_raises_at_once(server_uri, server_token, clean_env, sleeps):
    """Was a PostgreSQL 500 (NUL in a tag value), retried for 63 s; now a 400, never retried."""

    def scenario():
        client = jt.TrackerClient(server_uri, token=server_token)
        client.backend.retry = SLOW_RETRY
        run_id = client.create_run("0").info.run_id
        with pytest.raises(TrackerError) as error:
            client.set_tag(run_id, "t", "nul \x00 inside")
        assert error.value.error_code == "INVALID_PARAMETER_VALUE"
        assert error.value.http_status == 400 and "NUL" in error.value.message
        with pytest.raises(TrackerError) as error:
            client.set_tag(run_id, "mlflow.runName", "n" * 251)
        assert error.value.http_status == 400
        assert sleeps == []
        client.close()

    await asyncio.to_thread(scenario)


def test_the_backends_and_the_client_have_the_contract_methods():
    """Both tracking backends (TrackingService and HttpBackend) define every method of
    ``contracts.TrackingBackend`` themselves: none falls back on the Protocol's empty body.
    (That their signatures match is mypy's check, in scripts/test.sh.) TrackerClient's
    methods that ``MlflowClient`` lacks take the contract's parameters; those it has follow
    MlflowClient's signatures instead (test_client_mlflow_signatures.py)."""
    import inspect

    from mlflow import MlflowClient

    from jupyterlab_tracker.contracts import TrackingBackend, TrackingCore
    from jupyterlab_tracker.service.tracking import TrackingService

    def members(protocol):
        return {
            name
            for cls in protocol.__mro__
            if getattr(cls, "_is_protocol", False)
            for name, value in vars(cls).items()
            if callable(value) and not name.startswith("_")
        }

    assert {"create_run", "log_batch", "search_runs"} <= members(TrackingCore)
    for implementation in (TrackingService, HttpBackend):
        for name in members(TrackingBackend):
            assert getattr(implementation, name) is not getattr(TrackingBackend, name), (
                implementation.__name__,
                name,
            )
    for name in members(TrackingCore) - set(dir(MlflowClient)):
        parameters = inspect.signature(getattr(TrackingCore, name)).parameters
        actual = list(inspect.signature(getattr(jt.TrackerClient, name)).parameters)
        assert actual == list(parameters), name


def test_set_experiment_survives_a_concurrent_create(session, monkeypatch):
    """Two processes calling set_experiment("x") at once: the one whose create loses the
    race uses the experiment the other created, instead of failing."""
    other = jt.TrackerClient(jt.get_tracking_uri())
    created_elsewhere = other.create_experiment("shared")
    other.close()
    client = fluent._client()
    real_lookup = client.get_experiment_by_name
    calls = []

    def lookup(name):
        calls.append(name)  # the first look-up ran before the other process created it
        return None if len(calls) == 1 else real_lookup(name)

    monkeypatch.setattr(client, "get_experiment_by_name", lookup)
    assert session.set_experiment("shared").experiment_id == created_elsewhere
