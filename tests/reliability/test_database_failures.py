"""A full disk or a read-only database: a clear error at once, no hang, no corruption,
and nothing lost once the problem is gone.

Without privileges a tiny filesystem cannot be mounted, and as root chmod does not stop
writes, so both are emulated per connection: ``PRAGMA max_page_count`` makes SQLite
answer "database or disk is full" exactly as a full disk does, and ``PRAGMA query_only``
refuses every write like a read-only file.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import event, text

import jupyterlab_tracker as jt
from jupyterlab_tracker.client.http import HttpBackend
from jupyterlab_tracker.client.retry import RetryPolicy
from jupyterlab_tracker.entities import Metric
from jupyterlab_tracker.errors import TrackerError

FAST_RETRY = RetryPolicy(max_attempts=2, backoff_factor=0.01, max_delay=0.05)


def _page_count(engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql("PRAGMA page_count").scalar()


def _limit(engine, pragma: str):
    """Run ``pragma`` on every new connection (the open ones are closed); returns an undo."""

    def on_connect(dbapi_connection, _record):
        dbapi_connection.execute(pragma)

    engine.dispose()
    event.listen(engine, "connect", on_connect)

    def undo():
        event.remove(engine, "connect", on_connect)
        engine.dispose()

    return undo


FAILURES = {
    # name: (pragma for the store's engine, phrase the error must contain)
    "disk-full": (lambda engine: f"PRAGMA max_page_count={_page_count(engine)}", "full"),
    "read-only": (lambda engine: "PRAGMA query_only=ON", "read-only"),
}


def _assert_intact(engine) -> None:
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"


@pytest.mark.parametrize("failure", FAILURES)
def test_embedded_client_gets_a_clear_error_and_loses_nothing(tmp_path, failure):
    client = jt.TrackerClient(f"sqlite:///{tmp_path}/t.db", artifact_root=str(tmp_path / "a"))
    client._buffer.retry = FAST_RETRY
    run_id = client.create_run("0").info.run_id
    client.log_metric(run_id, "before", 1.0)
    client.flush()

    engine = client.backend.store.db.engine
    pragma, phrase = FAILURES[failure]
    undo = _limit(engine, pragma(engine))
    for step in range(5000):  # several pages' worth: over any page limit
        client.log_metric(run_id, "during", float(step), step=step)
    with pytest.raises(TrackerError) as error:
        client.flush()
    assert error.value.error_code == "TEMPORARILY_UNAVAILABLE"
    assert phrase in error.value.message and "retry" in error.value.message

    undo()
    _assert_intact(engine)
    client.flush()  # the buffered points were kept: written now
    assert len(client.get_metric_history(run_id, "during")) == 5000
    assert len(client.get_metric_history(run_id, "before")) == 1
    client.close()


@pytest.mark.parametrize("failure", FAILURES)
async def test_the_server_answers_503_with_a_clear_message(
    jp_serverapp, http_server_client, jp_base_url, failure
):
    port = http_server_client.get_http_port()
    backend = HttpBackend(
        f"http://127.0.0.1:{port}{jp_base_url}tracker",
        jp_serverapp.identity_provider.token,
        retry=FAST_RETRY,
    )
    engine = jp_serverapp.web_app.settings["tracker"].service.store.db.engine
    run_id = (await asyncio.to_thread(backend.create_run, "0")).info.run_id
    pragma, phrase = FAILURES[failure]
    undo = _limit(engine, pragma(engine))
    metrics = [Metric("m", float(i), i, i) for i in range(1000)]  # the most one batch holds
    with pytest.raises(TrackerError) as error:
        await asyncio.to_thread(backend.log_batch, run_id, metrics, batch_id="b1")
    assert error.value.error_code == "TEMPORARILY_UNAVAILABLE"
    assert phrase in error.value.message
    # Reads still work while writes cannot.
    assert (await asyncio.to_thread(backend.get_run, run_id)).info.run_id == run_id

    undo()
    _assert_intact(engine)
    await asyncio.to_thread(backend.log_batch, run_id, metrics, batch_id="b1")
    history = await asyncio.to_thread(backend.get_metric_history, run_id, "m")
    assert len(history.items) == 1000
    backend.close()
