"""Run actions, storage and permanent deletion through the native API (a real Jupyter
Server): the shapes the runs view reads, and bad input answered 400 with an error code."""

from __future__ import annotations

import os

import pytest
from test_native_api import assert_error, create_experiment, create_run

from jupyterlab_tracker.artifacts import ArtifactRepository


async def _runs_with_a_file(api, count: int):
    experiment_id = await create_experiment(api, "actions")
    runs = [await create_run(api, experiment_id, run_name=f"r{i}") for i in range(count)]
    for run in runs:
        with ArtifactRepository(run["info"]["artifact_uri"]).open_upload("a.bin") as file:
            file.write(b"x" * 2048)
    return experiment_id, [run["info"]["run_id"] for run in runs]


async def test_batch_update_tags_deletes_and_restores_many_runs(tracker_api):
    _, ids = await _runs_with_a_file(tracker_api, 3)
    status, body = await tracker_api(
        "POST",
        "api/runs/batch-update",
        {"run_ids": ids, "action": "set_tags", "tags": [{"key": "stage", "value": "prod"}]},
    )
    assert status == 200 and body == {"updated": ids, "failed": []}
    status, body = await tracker_api("GET", f"api/runs/{ids[0]}")
    assert body["run"]["data"]["tags"]["stage"] == "prod"

    missing = "0" * 32
    status, body = await tracker_api(
        "POST", "api/runs/batch-update", {"run_ids": [ids[0], missing], "action": "delete"}
    )
    assert status == 200 and body["updated"] == [ids[0]]
    assert body["failed"][0]["run_id"] == missing
    assert body["failed"][0]["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    status, body = await tracker_api(
        "POST", "api/runs/batch-update", {"run_ids": [ids[0]], "action": "restore"}
    )
    assert status == 200 and body["updated"] == [ids[0]]


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        ({"action": "delete"}, "run_ids"),
        ({"run_ids": "abc", "action": "delete"}, "run_ids"),
        ({"run_ids": ["0" * 32]}, "action"),
        ({"run_ids": ["0" * 32], "action": "set_tags", "tags": [{"key": "a b!"}]}, "tags[0].key"),
        ({"run_ids": ["0" * 32], "action": "set_tags", "tags": [{"value": "v"}]}, "key"),
        ({"run_ids": ["0" * 32], "action": "delete_tags", "keys": ["/abs"]}, "keys[0]"),
        ({"run_ids": ["0" * 32], "action": "delete_tags", "keys": "a"}, "keys"),
    ],
)
async def test_batch_update_bad_input_is_a_400(tracker_api, body, mentions):
    status, answer = await tracker_api("POST", "api/runs/batch-update", body)
    assert_error(status, answer, 400, "INVALID_PARAMETER_VALUE", mentions)


async def test_storage_of_a_run_and_of_an_experiment(tracker_api):
    experiment_id, ids = await _runs_with_a_file(tracker_api, 2)
    status, body = await tracker_api("GET", f"api/runs/{ids[0]}/storage")
    assert status == 200
    assert (body["run_count"], body["artifact_bytes"], body["artifact_files"]) == (1, 2048, 1)
    status, body = await tracker_api("GET", f"api/experiments/{experiment_id}/storage")
    assert status == 200 and body["artifact_bytes"] == 4096 and set(body["runs"]) == set(ids)
    status, body = await tracker_api(
        "GET", f"api/experiments/{experiment_id}/storage", params={"per_run": "false"}
    )
    assert "runs" not in body and body["run_count"] == 2
    status, body = await tracker_api(
        "GET", f"api/experiments/{experiment_id}/storage", params={"view_type": "SOME"}
    )
    assert_error(status, body, 400, "INVALID_PARAMETER_VALUE")
    status, body = await tracker_api("GET", "api/experiments/987654/storage")
    assert_error(status, body, 404, "RESOURCE_DOES_NOT_EXIST")


async def test_purge_dry_run_then_for_real(tracker_api):
    _, ids = await _runs_with_a_file(tracker_api, 2)
    status, body = await tracker_api("POST", "api/purge", {"run_ids": [ids[0]], "dry_run": True})
    assert_error(status, body, 400, "INVALID_PARAMETER_VALUE", "not in `deleted` lifecycle")
    await tracker_api("POST", "api/runs/batch-update", {"run_ids": [ids[0]], "action": "delete"})
    status, run = await tracker_api("GET", f"api/runs/{ids[0]}")
    root = run["run"]["info"]["artifact_uri"]

    status, body = await tracker_api("POST", "api/purge", {"run_ids": [ids[0]], "dry_run": True})
    assert status == 200 and body["dry_run"] is True and body["run_ids"] == [ids[0]]
    assert body["freed"]["artifact_bytes"] == 2048 and os.path.exists(root)

    status, body = await tracker_api("POST", "api/purge", {"run_ids": [ids[0]]})
    assert status == 200 and body["freed"]["artifact_bytes"] == 2048
    assert not os.path.exists(root)
    status, body = await tracker_api("GET", f"api/runs/{ids[0]}")
    assert_error(status, body, 404, "RESOURCE_DOES_NOT_EXIST")
    status, body = await tracker_api("GET", f"api/runs/{ids[1]}")
    assert status == 200


@pytest.mark.parametrize(
    "body",
    [{}, {"run_ids": []}, {"run_ids": ["0" * 32], "older_than": "3 weeks"}, {"run_ids": "x"}],
)
async def test_purge_bad_input_is_a_400(tracker_api, body):
    # Over HTTP the ids are always named: an empty request never means "everything".
    status, answer = await tracker_api("POST", "api/purge", body)
    assert status == 400 and answer["error_code"] == "INVALID_PARAMETER_VALUE", answer
