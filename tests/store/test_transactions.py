"""User actions of several steps are one transaction (``Database.transaction``), on SQLite
and PostgreSQL: when a later step is refused, nothing of the earlier ones stays."""

from __future__ import annotations

import pytest

from jupyterlab_tracker.entities import Param
from jupyterlab_tracker.errors import TrackerError


def error_code(call, *args, **kwargs) -> str:
    with pytest.raises(TrackerError) as error:
        call(*args, **kwargs)
    return error.value.error_code


def test_a_refused_step_undoes_the_steps_before_it_in_every_store(store, registry):
    """Writes of the tracking and the registry store in one transaction: the failing
    third write takes the first two with it."""
    run = store.create_run("0")

    def steps():
        with store.transaction():
            store.log_batch(run.info.run_id, params=[Param("p", "1")])
            registry.registry.create_registered_model("kept?")
            registry.registry.create_registered_model("kept?")  # RESOURCE_ALREADY_EXISTS

    assert error_code(steps) == "RESOURCE_ALREADY_EXISTS"
    assert store.get_run(run.info.run_id).data.params == {}
    assert error_code(registry.get_registered_model, "kept?") == "RESOURCE_DOES_NOT_EXIST"


def test_nested_transactions_join_the_outer_one(store):
    def steps():
        with store.transaction():
            with store.transaction():
                store.create_experiment("inner")
            store.create_experiment("inner")  # refused: the inner one's write goes too

    assert error_code(steps) == "RESOURCE_ALREADY_EXISTS"
    assert store.get_experiment_by_name("inner") is None
    with store.transaction(), store.transaction():
        experiment_id = store.create_experiment("inner")
    assert store.get_experiment(experiment_id).name == "inner"


def test_describe_and_rename_keep_nothing_when_the_rename_is_refused(registry):
    registry.create_registered_model("a", "old")
    registry.create_registered_model("b")
    code = error_code(registry.change_registered_model, "a", new_name="b", description="new")
    assert code == "RESOURCE_ALREADY_EXISTS"
    assert registry.get_registered_model("a").description == "old"
    changed = registry.change_registered_model("a", new_name="c", description="new")
    assert (changed.name, changed.description) == ("c", "new")


def test_a_new_model_whose_first_version_is_refused_is_not_created(tracking, registry):
    run = tracking.create_run("0")
    model = registry.create_logged_model("0", "m", source_run_id=run.info.run_id)  # PENDING
    source = f"models:/{model.model_id}"
    code = error_code(
        registry.create_model_version, "new", source, model_id=model.model_id, new_model=True
    )
    assert code == "INVALID_STATE"
    assert error_code(registry.get_registered_model, "new") == "RESOURCE_DOES_NOT_EXIST"

    registry.finalize_logged_model(model.model_id, "READY")
    version = registry.create_model_version("new", source, model_id=model.model_id, new_model=True)
    assert (version.name, version.version) == ("new", "1")
    assert registry.get_registered_model("new").latest_versions[0].model_id == model.model_id
