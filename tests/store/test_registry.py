"""The registry and logged-model stores, through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from jupyterlab_tracker.artifacts.locations import ArtifactLocations
from jupyterlab_tracker.errors import TrackerError
from jupyterlab_tracker.service.factory import model_services
from jupyterlab_tracker.service.tracking import TrackingService


@pytest.fixture
def registry(store):
    # Version sources must be under an allowed artifact root: these tests use s3://x.
    locations = ArtifactLocations(store.artifact_root, ["s3://x"])
    registry, _artifacts = model_services(TrackingService(store, locations))
    return registry


def error_code(call, *args, **kwargs) -> str:
    with pytest.raises(TrackerError) as error:
        call(*args, **kwargs)
    return error.value.error_code


def test_registered_model_lifecycle(registry):
    model = registry.create_registered_model("fraud", "first", tags={"team": "risk"})
    assert (model.name, model.description, model.tags) == ("fraud", "first", {"team": "risk"})
    assert error_code(registry.create_registered_model, "fraud") == "RESOURCE_ALREADY_EXISTS"
    registry.create_model_version("fraud", "s3://x/1")
    registry.set_registered_model_tag("fraud", "owner", "ann")
    registry.delete_registered_model_tag("fraud", "team")
    registry.update_registered_model("fraud", "second")
    renamed = registry.rename_registered_model("fraud", "fraud/v2")  # '/' is allowed
    assert renamed.description == "second" and renamed.tags == {"owner": "ann"}
    assert registry.get_model_version("fraud/v2", "1").source == "s3://x/1"  # versions follow
    assert error_code(registry.get_registered_model, "fraud") == "RESOURCE_DOES_NOT_EXIST"
    registry.delete_registered_model("fraud/v2")
    assert error_code(registry.get_model_version, "fraud/v2", "1") == "RESOURCE_DOES_NOT_EXIST"


def test_versions_are_numbered_per_model_even_under_concurrency(registry):
    registry.create_registered_model("a")
    registry.create_registered_model("b")
    with ThreadPoolExecutor(8) as pool:
        created = list(
            pool.map(lambda i: registry.create_model_version("a", f"s3://x/{i}"), range(16))
        )
    assert sorted(int(v.version) for v in created) == list(range(1, 17))
    assert registry.create_model_version("b", "s3://x/b").version == "1"
    registry.delete_model_version("a", "16")
    assert registry.create_model_version("a", "s3://x/again").version == "16"  # max + 1


def test_stages_archive_and_latest_versions(registry):
    registry.create_registered_model("m")
    for i in range(3):
        registry.create_model_version("m", f"s3://x/{i}")
    registry.transition_model_version_stage("m", "1", "production")
    registry.transition_model_version_stage("m", "2", "Production")
    assert registry.get_model_version("m", "1").current_stage == "Production"
    registry.transition_model_version_stage("m", "3", "Production", archive_existing_versions=True)
    stages = {v: registry.get_model_version("m", v).current_stage for v in "123"}
    assert stages == {"1": "Archived", "2": "Archived", "3": "Production"}
    assert [v.version for v in registry.get_latest_versions("m", ["Production"])] == ["3"]
    assert [v.version for v in registry.get_latest_versions("m")] == ["2", "3"]
    assert error_code(registry.transition_model_version_stage, "m", "1", "Live") == (
        "INVALID_PARAMETER_VALUE"
    )


def test_aliases_point_at_one_version(registry):
    registry.create_registered_model("m")
    registry.create_model_version("m", "s3://x/a")
    registry.create_model_version("m", "s3://x/b")
    registry.set_registered_model_alias("m", "champion", "1")
    registry.set_registered_model_alias("m", "champion", "2")  # moves
    registry.set_registered_model_alias("m", "backup", "1")
    assert registry.get_model_version_by_alias("m", "champion").version == "2"
    assert registry.get_model_version("m", "2").aliases == ["champion"]
    assert registry.get_registered_model("m").aliases == {"backup": "1", "champion": "2"}
    registry.delete_registered_model_alias("m", "champion")
    assert error_code(registry.get_model_version_by_alias, "m", "champion") == (
        "RESOURCE_DOES_NOT_EXIST"
    )
    assert error_code(registry.set_registered_model_alias, "m", "latest", "1") == (
        "INVALID_PARAMETER_VALUE"
    )
    registry.delete_model_version("m", "1")
    assert registry.get_registered_model("m").aliases == {}


def test_search_registered_models_and_versions(registry, store):
    for name in ("alpha", "Beta", "alpine", "gamma"):
        registry.create_registered_model(name, tags={"first": name[0].lower()})
    names = lambda page: [m.name for m in page.items]  # noqa: E731
    assert names(registry.search_registered_models("name LIKE 'al%'")) == ["alpha", "alpine"]
    assert names(registry.search_registered_models("name ILIKE 'b%'")) == ["Beta"]
    assert names(registry.search_registered_models("name = 'gamma'")) == ["gamma"]
    assert names(registry.search_registered_models("tags.first = 'a'")) == ["alpha", "alpine"]
    time.sleep(0.005)  # timestamps are milliseconds
    registry.update_registered_model("alpine", "touched")
    ordered = registry.search_registered_models(order_by=["last_updated_timestamp DESC"])
    assert names(ordered)[0] == "alpine"
    ordered = registry.search_registered_models(order_by=["last_updated_timestamp ASC"])
    assert names(ordered)[-1] == "alpine"
    first = registry.search_registered_models(max_results=3, order_by=["name ASC"])
    rest = registry.search_registered_models(
        max_results=3, order_by=["name ASC"], page_token=first.next_page_token
    )
    assert names(first) + names(rest) == ["Beta", "alpha", "alpine", "gamma"]
    assert rest.next_page_token is None

    for bad_filter in ("name > 'a'", "params.x = '1'", "name = 'a' OR name = 'b'"):
        assert error_code(registry.search_registered_models, bad_filter) == (
            "INVALID_PARAMETER_VALUE"
        )
    assert error_code(registry.search_registered_models, order_by=["tags.x"]) == (
        "INVALID_PARAMETER_VALUE"
    )
    assert names(registry.search_registered_models("name IN ('gamma', 'Beta')")) == [
        "Beta",
        "gamma",
    ]

    experiment_id = store.create_experiment("e")
    run_id = store.create_run(experiment_id).info.run_id
    registry.create_model_version("alpha", "runs:/x/model", run_id=run_id)
    registry.create_model_version("alpha", "s3://x/other")
    found = registry.search_model_versions(f"run_id = '{run_id}'").items
    assert [(v.name, v.version) for v in found] == [("alpha", "1")]
    assert [v.version for v in registry.search_model_versions("name = 'alpha'").items] == [
        "2",
        "1",
    ]


def test_logged_models(registry, store):
    experiment_id = store.create_experiment("e")
    run_id = store.create_run(experiment_id).info.run_id
    model = registry.create_logged_model(experiment_id, "model", run_id, "sklearn", {"k": "v"})
    assert model.model_id.startswith("m-") and model.status == "PENDING"
    location = store.get_experiment(experiment_id).artifact_location
    assert model.artifact_uri == f"{location}/models/{model.model_id}/artifacts"
    assert error_code(registry.create_model_version, "x", "models:/m", model_id=model.model_id) in (
        "INVALID_STATE",
    )
    assert registry.finalize_logged_model(model.model_id, "READY").status == "READY"
    found = registry.search_logged_models(source_run_id=run_id, name="model").items
    assert [m.model_id for m in found] == [model.model_id]
    assert registry.search_logged_models(source_run_id=run_id, name="other").items == []
    assert error_code(registry.get_logged_model, "m-" + "0" * 32) == "RESOURCE_DOES_NOT_EXIST"
    # Any other string names no model either (404, as MLflow answers), and reaches no query.
    assert error_code(registry.get_logged_model, "../etc") == "RESOURCE_DOES_NOT_EXIST"
