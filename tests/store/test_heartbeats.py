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
    assert store.heartbeat([dead, finished], 1_000) == []
    assert store.heartbeat([dead], 5_000) == []  # the last heartbeat counts
    assert store.heartbeat([alive], 50_000) == []
    store.update_run_info(finished, status="FINISHED", end_time=2_000)

    # now = 60 s, timeout = 30 s: heartbeats before 30 s are dead.
    assert service.reap_dead_runs(now=60_000, timeout=30) == [dead]
    assert service.reap_dead_runs(now=60_000, timeout=30) == []

    info = {r: store.get_run(r).info for r in (silent, dead, alive, finished)}
    assert (info[dead].status, info[dead].end_time) == ("KILLED", 5_000)
    assert (info[silent].status, info[silent].end_time) == ("RUNNING", None)  # never beat
    assert info[alive].status == "RUNNING"
    assert (info[finished].status, info[finished].end_time) == ("FINISHED", 2_000)


def test_heartbeat_of_ended_or_unknown_runs_says_which_to_stop(store):
    service = TrackingService(store)
    experiment_id = store.create_experiment("liveness")
    ended = store.create_run(experiment_id, start_time=0).info.run_id
    running = store.create_run(experiment_id, start_time=0).info.run_id
    store.update_run_info(ended, status="FINISHED", end_time=1)
    unknown, unknown_word = "0" * 32, "not-a-run-id"  # any shape is a run id not found
    # The ended run is left as it is; it and the unknown ones are reported.
    reported = service.heartbeat([ended, running, unknown, unknown_word])
    assert sorted(reported) == sorted([ended, unknown, unknown_word])
    assert service.heartbeat([]) == []
    assert service.reap_dead_runs(now=10**15, timeout=1) == [running]
    assert store.get_run(ended).info.status == "FINISHED"
    for bad in ("0" * 32, [""], [5], None):
        with pytest.raises(TrackerError) as error:
            service.heartbeat(bad)
        assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    with pytest.raises(TrackerError):
        service.reap_dead_runs(now=0, timeout=0)


def test_a_run_created_with_heartbeat_has_its_first_beat_and_can_be_reaped(store):
    service = TrackingService(store)
    experiment_id = store.create_experiment("liveness")
    beating = service.create_run(experiment_id, heartbeat=True).info.run_id
    silent = service.create_run(experiment_id).info.run_id
    assert service.reap_dead_runs(now=10**15, timeout=1) == [beating]
    assert store.get_run(silent).info.status == "RUNNING"


def test_heartbeats_of_many_runs_in_one_call(store):
    experiment_id = store.create_experiment("liveness")
    run_ids = [store.create_run(experiment_id, start_time=0).info.run_id for _ in range(1200)]
    assert store.heartbeat(run_ids, 7_000) == []
    assert store.reap_dead_runs(cutoff=7_001) == sorted(run_ids)
