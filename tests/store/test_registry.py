"""The registry and logged-model stores, through the service, on SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from support.waiting import next_millisecond

from jupyterlab_tracker.artifacts.locations import ArtifactLocations
from jupyterlab_tracker.errors import TrackerError
from jupyterlab_tracker.service.factory import model_services
from jupyterlab_tracker.service.tracking import TrackingService
from jupyterlab_tracker.store import SqlAlchemyStore


@pytest.fixture
def registry(store):
    return registry_on(store)


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


def registry_on(store):
    # Version sources must be under an allowed artifact root: these tests use s3://x.
    locations = ArtifactLocations(store.artifact_root, ["s3://x"])
    registry, _artifacts = model_services(TrackingService(store, locations))
    return registry


def test_versions_are_numbered_per_model_even_under_concurrency(registry):
    registry.create_registered_model("a")
    registry.create_registered_model("b")
    with ThreadPoolExecutor(8) as pool:
        created = list(
            pool.map(lambda i: registry.create_model_version("a", f"s3://x/{i}"), range(16))
        )
    assert sorted(int(v.version) for v in created) == list(range(1, 17))
    assert registry.create_model_version("b", "s3://x/b").version == "1"


def test_a_deleted_versions_number_is_never_given_again(registry, db_uri, artifact_root):
    """As in MLflow: ``models:/m/3`` names one model for good, across deletes and restarts."""
    registry.create_registered_model("m")
    for i in range(3):
        registry.create_model_version("m", f"s3://x/{i}")
    registry.delete_model_version("m", "3")
    assert registry.create_model_version("m", "s3://x/again").version == "4"
    registry.delete_model_version("m", "4")
    registry.delete_model_version("m", "2")
    assert registry.create_model_version("m", "s3://x/later").version == "5"
    renamed = registry.rename_registered_model("m", "renamed")
    assert [v.version for v in renamed.latest_versions] == ["5"]

    reopened = SqlAlchemyStore(db_uri, artifact_root)  # a restart
    try:
        assert registry_on(reopened).create_model_version("renamed", "s3://x/r").version == "6"
    finally:
        reopened.close()
    assert error_code(registry.get_model_version, "renamed", "3") == "RESOURCE_DOES_NOT_EXIST"

    # A new registered model of the same name starts again, as in MLflow.
    registry.delete_registered_model("renamed")
    registry.create_registered_model("renamed")
    assert registry.create_model_version("renamed", "s3://x/new").version == "1"


def test_two_servers_on_one_database_never_give_a_number_twice(registry, db_uri, artifact_root):
    """Two stores (two engines, as two servers sharing one database) create and delete
    versions of one model at once: the counter lives in the database, so every number
    is given once."""
    registry.create_registered_model("shared")
    other = SqlAlchemyStore(db_uri, artifact_root)
    try:
        registries = [registry, registry_on(other)]

        def create_and_maybe_delete(i: int) -> int:
            version = registries[i % 2].create_model_version("shared", f"s3://x/{i}").version
            if i % 3 == 0:  # frees nothing: the next number is still new
                registries[(i + 1) % 2].delete_model_version("shared", version)
            return int(version)

        with ThreadPoolExecutor(8) as pool:
            numbers = list(pool.map(create_and_maybe_delete, range(24)))
    finally:
        other.close()
    assert sorted(numbers) == list(range(1, 25))
    assert registry.create_model_version("shared", "s3://x/last").version == "25"


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
    # MLflow's answer for a missing alias of a model that exists: a bad parameter.
    assert error_code(registry.get_model_version_by_alias, "m", "champion") == (
        "INVALID_PARAMETER_VALUE"
    )
    assert error_code(registry.get_model_version_by_alias, "nobody", "champion") == (
        "RESOURCE_DOES_NOT_EXIST"
    )
    assert error_code(registry.set_registered_model_alias, "m", "latest", "1") == (
        "INVALID_PARAMETER_VALUE"
    )
    registry.delete_model_version("m", "1")
    assert registry.get_registered_model("m").aliases == {}


def test_searches_leave_prompts_out_unless_the_filter_asks(registry):
    """MLflow's rule: a model tagged as a prompt, and every version of a model one of
    whose versions is, are left out, unless the first clause on the tag asks for them."""
    prompt = {"mlflow.prompt.is_prompt": "true"}
    registry.create_registered_model("model")
    registry.create_registered_model("prompt", tags=prompt)
    registry.create_registered_model("mixed")
    registry.create_model_version("model", "s3://x/m")
    registry.create_model_version("mixed", "s3://x/plain")
    registry.create_model_version("mixed", "s3://x/p", tags=prompt)
    models = lambda text: [m.name for m in registry.search_registered_models(text).items]  # noqa: E731
    versions = lambda text: [  # noqa: E731
        (v.name, v.version) for v in registry.search_model_versions(text).items
    ]
    assert models("") == ["mixed", "model"]
    assert models("tags.`mlflow.prompt.is_prompt` != 'true'") == ["mixed", "model"]  # the client's
    assert models("tags.`mlflow.prompt.is_prompt` = 'true'") == ["prompt"]
    assert models("tags.`mlflow.prompt.is_prompt` != 'FALSE'") == ["prompt"]
    assert versions("") == [("model", "1")]
    assert versions("tags.`mlflow.prompt.is_prompt` = 'true'") == [("mixed", "2")]


def test_search_registered_models_and_versions(registry, store):
    for name in ("alpha", "Beta", "alpine", "gamma"):
        registry.create_registered_model(name, tags={"first": name[0].lower()})
    names = lambda page: [m.name for m in page.items]  # noqa: E731
    assert names(registry.search_registered_models("name LIKE 'al%'")) == ["alpha", "alpine"]
    assert names(registry.search_registered_models("name ILIKE 'b%'")) == ["Beta"]
    assert names(registry.search_registered_models("name = 'gamma'")) == ["gamma"]
    assert names(registry.search_registered_models("tags.first = 'a'")) == ["alpha", "alpine"]
    next_millisecond()  # timestamps are milliseconds
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
    registry.create_model_version("alpha", f"runs:/{run_id}/model", run_id=run_id)
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
    source = f"models:/{model.model_id}"
    registry.create_registered_model("x")
    assert error_code(registry.create_model_version, "x", source, model_id=model.model_id) == (
        "INVALID_STATE"
    )
    assert registry.finalize_logged_model(model.model_id, "READY").status == "READY"
    found = registry.search_logged_models(source_run_id=run_id, name="model").items
    assert [m.model_id for m in found] == [model.model_id]
    assert registry.search_logged_models(source_run_id=run_id, name="other").items == []
    assert error_code(registry.get_logged_model, "m-" + "0" * 32) == "RESOURCE_DOES_NOT_EXIST"
    # Any other string names no model either (404, as MLflow answers), and reaches no query.
    assert error_code(registry.get_logged_model, "../etc") == "RESOURCE_DOES_NOT_EXIST"
