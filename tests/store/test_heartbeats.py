"""Run heartbeats and the dead-run reaper, on the store and through the service."""

from __future__ import annotations

import pytest

from jupyterlab_tracker.errors import TrackerError
from jupyterlab_tracker.service.tracking import TrackingService


def test_reap_dead_runs_kills_only_runs_whose_heartbeat_is_old(store):
    service = TrackingService(store)
    experiment_id = store.create_experiment("liveness")

    def new_run(name):
        return store.create_run(experiment_id, start_time=0, run_name=name).info.run_id

    silent, dead, alive, finished = (new_run(n) for n in ("silent", "dead", "alive", "finished"))
    store.heartbeat(dead, 1_000)
    store.heartbeat(dead, 5_000)  # the last heartbeat counts
    store.heartbeat(alive, 50_000)
    store.heartbeat(finished, 1_000)
    store.update_run_info(finished, status="FINISHED", end_time=2_000)

    # now = 60 s, timeout = 30 s: heartbeats before 30 s are dead.
    assert service.reap_dead_runs(now=60_000, timeout=30) == [dead]
    assert service.reap_dead_runs(now=60_000, timeout=30) == []

    info = {r: store.get_run(r).info for r in (silent, dead, alive, finished)}
    assert (info[dead].status, info[dead].end_time) == ("KILLED", 5_000)
    assert (info[silent].status, info[silent].end_time) == ("RUNNING", None)  # never beat
    assert info[alive].status == "RUNNING"
    assert (info[finished].status, info[finished].end_time) == ("FINISHED", 2_000)


def test_heartbeat_of_an_ended_or_unknown_run(store):
    service = TrackingService(store)
    experiment_id = store.create_experiment("liveness")
    run_id = store.create_run(experiment_id, start_time=0).info.run_id
    store.update_run_info(run_id, status="FINISHED", end_time=1)
    service.heartbeat(run_id)  # ignored: the run is over
    assert service.reap_dead_runs(now=10**15, timeout=1) == []
    with pytest.raises(TrackerError) as error:
        service.heartbeat("0" * 32)
    assert error.value.error_code == "RESOURCE_DOES_NOT_EXIST"
    with pytest.raises(TrackerError):
        service.reap_dead_runs(now=0, timeout=0)
