"""Logged model and registry endpoints of the native API (names travel in query/body)."""

from __future__ import annotations


async def ready_logged_model(api) -> dict:
    _, body = await api("POST", "api/runs", {"experiment_id": "0"})
    run_id = body["run"]["info"]["run_id"]
    status, body = await api(
        "POST",
        "api/logged-models",
        {"experiment_id": "0", "name": "model", "source_run_id": run_id},
    )
    assert status == 201 and body["model"]["status"] == "PENDING"
    model_id = body["model"]["model_id"]
    status, body = await api("PATCH", f"api/logged-models/{model_id}", {"status": "READY"})
    assert status == 200 and body["model"]["status"] == "READY"
    return body["model"]


async def test_logged_models(tracker_api):
    model = await ready_logged_model(tracker_api)
    status, body = await tracker_api(
        "GET",
        "api/logged-models",
        params={"source_run_id": model["source_run_id"], "name": "model"},
    )
    assert status == 200 and [m["model_id"] for m in body["models"]] == [model["model_id"]]
    status, body = await tracker_api("GET", f"api/logged-models/m-{'0' * 32}")
    assert status == 404 and body["error_code"] == "RESOURCE_DOES_NOT_EXIST"
    status, body = await tracker_api(
        "PATCH", f"api/logged-models/{model['model_id']}", {"status": "x"}
    )
    assert status == 400


async def test_registry_round_trip(tracker_api):
    api = tracker_api
    name = "team/fraud"  # a '/' in the name is fine: names never go in the path
    status, body = await api("POST", "api/registered-models", {"name": name, "tags": {"t": "1"}})
    assert status == 201 and body["registered_model"]["tags"] == {"t": "1"}
    status, body = await api("POST", "api/registered-models", {"name": name})
    assert status == 409 and body["error_code"] == "RESOURCE_ALREADY_EXISTS"

    model = await ready_logged_model(api)
    for _ in range(3):
        status, body = await api(
            "POST",
            "api/model-versions",
            {"name": name, "source": f"models:/{model['model_id']}", "model_id": model["model_id"]},
        )
        assert status == 201
    assert body["model_version"]["version"] == "3"

    await api(
        "PUT", "api/registered-models/aliases", {"name": name, "alias": "champ", "version": "2"}
    )
    status, body = await api(
        "GET", "api/registered-models/aliases", params={"name": name, "alias": "champ"}
    )
    assert status == 200 and body["model_version"]["version"] == "2"
    status, body = await api(
        "POST", "api/model-versions/stage", {"name": name, "version": "1", "stage": "Production"}
    )
    assert body["model_version"]["current_stage"] == "Production"
    status, body = await api(
        "POST",
        "api/model-versions/stage",
        {"name": name, "version": "3", "stage": "production", "archive_existing_versions": True},
    )
    assert status == 200
    _, body = await api("GET", "api/model-versions/by-name", params={"name": name, "version": "1"})
    assert body["model_version"]["current_stage"] == "Archived"
    _, body = await api(
        "GET",
        "api/registered-models/latest-versions",
        params=[("name", name), ("stages", "Production")],
    )
    assert [v["version"] for v in body["model_versions"]] == ["3"]
    _, body = await api(
        "GET", "api/model-versions/download-uri", params={"name": name, "version": "3"}
    )
    assert body["artifact_uri"] == model["artifact_uri"]

    await api(
        "PUT", "api/model-versions/tags", {"name": name, "version": "3", "key": "k", "value": "v"}
    )
    await api(
        "PATCH", "api/model-versions/by-name", {"name": name, "version": "3", "description": "d"}
    )
    _, body = await api(
        "GET", "api/model-versions", params={"filter": f"name = '{name}'", "max_results": "2"}
    )
    # MLflow's default order: the last updated first (1 was archived after 2 was made).
    assert [v["version"] for v in body["model_versions"]] == ["3", "1"] and body["next_page_token"]
    assert body["model_versions"][0]["tags"] == {"k": "v"}
    assert body["model_versions"][0]["description"] == "d"

    status, body = await api(
        "PATCH",
        "api/registered-models/by-name",
        {"name": name, "new_name": "fraud2", "description": "new"},
    )
    assert status == 200 and body["registered_model"]["aliases"] == {"champ": "2"}
    _, body = await api("GET", "api/registered-models", params={"filter": "name LIKE 'fraud%'"})
    assert [m["name"] for m in body["registered_models"]] == ["fraud2"]
    await api("PUT", "api/registered-models/tags", {"name": "fraud2", "key": "a", "value": "b"})
    await api("DELETE", "api/registered-models/tags", params={"name": "fraud2", "key": "t"})
    await api(
        "DELETE", "api/registered-models/aliases", params={"name": "fraud2", "alias": "champ"}
    )
    await api(
        "DELETE", "api/model-versions/tags", params={"name": "fraud2", "version": "3", "key": "k"}
    )
    await api("DELETE", "api/model-versions/by-name", params={"name": "fraud2", "version": "1"})
    _, body = await api("GET", "api/registered-models/by-name", params={"name": "fraud2"})
    assert (
        body["registered_model"]["tags"] == {"a": "b"} and body["registered_model"]["aliases"] == {}
    )
    status, _ = await api("DELETE", "api/registered-models/by-name", params={"name": "fraud2"})
    assert status == 200
    status, body = await api("GET", "api/registered-models/by-name", params={"name": "fraud2"})
    assert status == 404


async def test_registry_errors(tracker_api):
    status, body = await tracker_api("GET", "api/registered-models/by-name")
    assert status == 400 and "name" in body["message"]
    status, body = await tracker_api(
        "POST", "api/model-versions", {"name": "nope", "source": "models:/x/1"}
    )
    assert status == 404
    status, body = await tracker_api("GET", "api/registered-models", params={"filter": "bogus ~ 1"})
    assert status == 400


async def pending_logged_model(api) -> dict:
    _, body = await api("POST", "api/runs", {"experiment_id": "0"})
    run_id = body["run"]["info"]["run_id"]
    status, body = await api(
        "POST", "api/logged-models", {"experiment_id": "0", "name": "m", "source_run_id": run_id}
    )
    assert status == 201 and body["model"]["status"] == "PENDING"
    return body["model"]


async def test_registering_as_a_new_model_is_one_transaction(tracker_api):
    """The register dialog's "new model": the model and its first version together. A
    version the service refuses (its logged model is not READY) leaves no model behind."""
    api = tracker_api
    pending = await pending_logged_model(api)
    fields = {
        "name": "fresh",
        "source": f"models:/{pending['model_id']}",
        "model_id": pending["model_id"],
        "create_registered_model": True,
    }
    status, body = await api("POST", "api/model-versions", fields)
    assert status == 400 and body["error_code"] == "INVALID_STATE", body
    status, body = await api("GET", "api/registered-models/by-name", params={"name": "fresh"})
    assert status == 404 and body["error_code"] == "RESOURCE_DOES_NOT_EXIST"

    ready = await ready_logged_model(api)
    fields.update(source=f"models:/{ready['model_id']}", model_id=ready["model_id"])
    status, body = await api("POST", "api/model-versions", fields)
    assert status == 201 and body["model_version"]["version"] == "1"
    status, body = await api("POST", "api/model-versions", fields)  # it exists now
    assert status == 409 and body["error_code"] == "RESOURCE_ALREADY_EXISTS"
    _, body = await api("GET", "api/registered-models/by-name", params={"name": "fresh"})
    assert [v["version"] for v in body["registered_model"]["latest_versions"]] == ["1"]


async def test_describing_and_renaming_a_model_is_one_transaction(tracker_api):
    """PATCH with a description and a new name that is taken: 409, and the description
    is not changed either."""
    api = tracker_api
    for name in ("a", "b"):
        await api("POST", "api/registered-models", {"name": name, "description": "old"})
    status, body = await api(
        "PATCH",
        "api/registered-models/by-name",
        {"name": "a", "description": "new", "new_name": "b"},
    )
    assert status == 409 and body["error_code"] == "RESOURCE_ALREADY_EXISTS"
    _, body = await api("GET", "api/registered-models/by-name", params={"name": "a"})
    assert body["registered_model"]["description"] == "old"

    status, body = await api(
        "PATCH",
        "api/registered-models/by-name",
        {"name": "a", "description": "new", "new_name": "c"},
    )
    assert status == 200
    assert (body["registered_model"]["name"], body["registered_model"]["description"]) == (
        "c",
        "new",
    )


async def test_tagging_and_finalising_a_logged_model_is_one_transaction(tracker_api):
    """PATCH with tags and a status it refuses: 400, and the tags are not set either."""
    api = tracker_api
    model = await pending_logged_model(api)
    path = f"api/logged-models/{model['model_id']}"
    status, body = await api("PATCH", path, {"tags": {"k": "v"}, "status": "DONE"})
    assert status == 400 and body["error_code"] == "INVALID_PARAMETER_VALUE"
    _, body = await api("GET", path)
    assert (body["model"]["tags"], body["model"]["status"]) == ({}, "PENDING")

    status, body = await api("PATCH", path, {"tags": {"k": "v"}, "status": "READY"})
    assert status == 200
    assert (body["model"]["tags"], body["model"]["status"]) == ({"k": "v"}, "READY")
