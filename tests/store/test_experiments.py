"""Experiments: create, read, rename, soft delete and restore, tags, search."""

from __future__ import annotations

import pytest

from jupyterlab_tracker.entities import ACTIVE_ONLY, ALL, DELETED_ONLY
from jupyterlab_tracker.errors import (
    INVALID_PARAMETER_VALUE,
    RESOURCE_ALREADY_EXISTS,
    RESOURCE_DOES_NOT_EXIST,
    TrackerError,
)


def names(page) -> list[str]:
    return [experiment.name for experiment in page.items]


def test_default_experiment_exists_and_ids_continue_at_one(store, artifact_root):
    default = store.get_experiment("0")
    assert default.name == "Default"
    assert default.artifact_location == f"{artifact_root}/0"
    assert store.create_experiment("first") == "1"
    assert store.create_experiment("second") == "2"


def test_create_and_get(store, artifact_root):
    experiment_id = store.create_experiment("exp", tags={"team": "vision"})
    experiment = store.get_experiment(experiment_id)
    assert experiment.name == "exp"
    assert experiment.tags == {"team": "vision"}
    assert experiment.lifecycle_stage == "active"
    assert experiment.artifact_location == f"{artifact_root}/{experiment_id}"
    assert experiment.creation_time == experiment.last_update_time > 0
    assert store.get_experiment_by_name("exp") == experiment
    assert store.get_experiment_by_name("missing") is None


def test_explicit_artifact_location_is_kept(store):
    experiment_id = store.create_experiment("s3", artifact_location="s3://bucket/x")
    assert store.get_experiment(experiment_id).artifact_location == "s3://bucket/x"
    run = store.create_run(experiment_id)
    assert run.info.artifact_uri == f"s3://bucket/x/{run.info.run_id}/artifacts"


def test_url_artifact_root(db_uri):
    from jupyterlab_tracker.store import open_store

    store = open_store(db_uri, "file:///data/artifacts/")
    experiment_id = store.create_experiment("exp")
    assert store.get_experiment(experiment_id).artifact_location == (
        f"file:///data/artifacts/{experiment_id}"
    )
    store.close()


def test_missing_experiment(store):
    for experiment_id in ("12345", "not-a-number"):
        with pytest.raises(TrackerError) as error:
            store.get_experiment(experiment_id)
        assert error.value.error_code == RESOURCE_DOES_NOT_EXIST


def test_name_is_unique_even_after_delete(store):
    experiment_id = store.create_experiment("exp")
    with pytest.raises(TrackerError) as error:
        store.create_experiment("exp")
    assert error.value.error_code == RESOURCE_ALREADY_EXISTS
    store.delete_experiment(experiment_id)
    with pytest.raises(TrackerError) as error:
        store.create_experiment("exp")
    assert error.value.error_code == RESOURCE_ALREADY_EXISTS


def test_rename(store):
    experiment_id = store.create_experiment("old")
    store.create_experiment("taken")
    store.rename_experiment(experiment_id, "new")
    assert store.get_experiment(experiment_id).name == "new"
    assert store.get_experiment_by_name("old") is None
    with pytest.raises(TrackerError) as error:
        store.rename_experiment(experiment_id, "taken")
    assert error.value.error_code == RESOURCE_ALREADY_EXISTS


def test_delete_and_restore_take_the_runs_along(store):
    experiment_id = store.create_experiment("exp")
    kept = store.create_run(experiment_id).info.run_id

    store.delete_experiment(experiment_id)
    assert store.get_experiment(experiment_id).lifecycle_stage == "deleted"
    assert store.get_run(kept).info.lifecycle_stage == "deleted"
    with pytest.raises(TrackerError) as error:
        store.create_run(experiment_id)
    assert error.value.error_code == INVALID_PARAMETER_VALUE
    assert "deleted" in error.value.message

    store.restore_experiment(experiment_id)
    assert store.get_experiment(experiment_id).lifecycle_stage == "active"
    assert store.get_run(kept).info.lifecycle_stage == "active"


def test_default_experiment_cannot_be_deleted(store):
    with pytest.raises(TrackerError):
        store.delete_experiment("0")


def test_restore_active_experiment_is_an_error(store):
    experiment_id = store.create_experiment("exp")
    with pytest.raises(TrackerError):
        store.restore_experiment(experiment_id)


def test_experiment_tags(store):
    experiment_id = store.create_experiment("exp")
    store.set_experiment_tag(experiment_id, "k", "v1")
    store.set_experiment_tag(experiment_id, "k", "v2")
    store.set_experiment_tag(experiment_id, "other", "x")
    assert store.get_experiment(experiment_id).tags == {"k": "v2", "other": "x"}
    store.delete_experiment_tag(experiment_id, "k")
    assert store.get_experiment(experiment_id).tags == {"other": "x"}
    with pytest.raises(TrackerError) as error:
        store.delete_experiment_tag(experiment_id, "k")
    assert error.value.error_code == RESOURCE_DOES_NOT_EXIST
    store.delete_experiment(experiment_id)
    with pytest.raises(TrackerError):
        store.set_experiment_tag(experiment_id, "k", "v")


def test_search_experiments_view_types(store):
    alive = store.create_experiment("alive")
    dead = store.create_experiment("dead")
    store.delete_experiment(dead)
    assert set(names(store.search_experiments())) == {"Default", "alive"}
    assert names(store.search_experiments(view_type=DELETED_ONLY)) == ["dead"]
    assert set(names(store.search_experiments(view_type=ALL))) == {"Default", "alive", "dead"}
    assert alive
    with pytest.raises(TrackerError):
        store.search_experiments(view_type="SOME")


def test_search_experiments_filters(store):
    a = store.create_experiment("alpha-Vision", tags={"team": "vision"})
    store.create_experiment("beta", tags={"team": "nlp"})
    store.create_experiment("gamma")
    search = store.search_experiments
    assert names(search(filter_string="name = 'beta'")) == ["beta"]
    assert set(names(search(filter_string="name != 'beta'"))) == {
        "Default",
        "alpha-Vision",
        "gamma",
    }
    assert names(search(filter_string="name LIKE '%vision'")) == []  # case-sensitive
    assert names(search(filter_string="name LIKE '%Vision'")) == ["alpha-Vision"]
    assert names(search(filter_string="name ILIKE '%VISION'")) == ["alpha-Vision"]
    assert names(search(filter_string="tags.team = 'vision'")) == ["alpha-Vision"]
    assert set(names(search(filter_string="tags.team LIKE '%'"))) == {"alpha-Vision", "beta"}
    assert names(search(filter_string=f"experiment_id = '{a}'")) == ["alpha-Vision"]
    created = store.get_experiment(a).creation_time
    assert "alpha-Vision" in names(search(filter_string=f"creation_time >= {created}"))
    assert "Default" not in names(search(filter_string=f"creation_time > {created + 10**9}"))


def test_search_experiments_order_and_pages(store):
    for name in ("c", "a", "b"):
        store.create_experiment(name)
    assert names(store.search_experiments(order_by=["name"])) == ["Default", "a", "b", "c"]
    assert names(store.search_experiments(order_by=["name DESC"])) == ["c", "b", "a", "Default"]
    by_id = store.search_experiments(order_by=["experiment_id DESC"])
    assert [e.experiment_id for e in by_id.items] == ["3", "2", "1", "0"]

    first = store.search_experiments(max_results=3, order_by=["name"])
    assert names(first) == ["Default", "a", "b"] and first.next_page_token
    second = store.search_experiments(
        max_results=3, order_by=["name"], page_token=first.next_page_token
    )
    assert names(second) == ["c"] and second.next_page_token is None
    assert ACTIVE_ONLY
