"""One contract on both databases: every string a request can store, at its limit and past it.

SQLite ignores VARCHAR lengths and stores NUL; PostgreSQL enforces lengths and cannot hold
NUL. Each case runs on both (the ``db_uri`` fixture) through the services, so the same
validation stands in front of either: at the limit the value is stored and read back
unchanged, one character past it (or with a NUL in it) the answer is the same 400-class
INVALID_PARAMETER_VALUE on both, never a database error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from jupyterlab_tracker.domain import limits
from jupyterlab_tracker.entities import Dataset, DatasetInput, Metric, Param, RunTag
from jupyterlab_tracker.errors import INVALID_PARAMETER_VALUE, TrackerError
from jupyterlab_tracker.service.factory import Services, open_services


@dataclass
class Place:
    """Where a case writes: services over a fresh store, an experiment and a run in it."""

    services: Services
    artifact_root: str
    experiment_id: str
    run_id: str

    @property
    def tracking(self):
        return self.services.tracking

    @property
    def registry(self):
        return self.services.registry


@pytest.fixture
def place(db_uri, artifact_root):
    services = open_services(db_uri, artifact_root)
    experiment_id = services.tracking.create_experiment("limits")
    run_id = services.tracking.create_run(experiment_id, run_name="r").info.run_id
    yield Place(services, artifact_root, experiment_id, run_id)
    services.tracking.store.close()


def _dataset(**fields) -> DatasetInput:
    values = {"name": "d", "digest": "0" * 8, **fields}
    return DatasetInput(Dataset(**values), tags={"mlflow.data.context": "train"})


def _logged_dataset(place: Place) -> DatasetInput:
    return place.tracking.get_run(place.run_id).inputs[0]


# Each writer stores ``text`` in one field and returns (what should be stored, a function
# reading what was).
Written = tuple[str, Callable[[], Any]]


def _dataset_field(field: str) -> Callable[[Place, str], Written]:
    def write(place: Place, text: str) -> Written:
        place.tracking.log_inputs(place.run_id, [_dataset(**{field: text})])
        return text, lambda: getattr(_logged_dataset(place).dataset, field)

    return write


def _experiment_name(place: Place, text: str) -> Written:
    experiment_id = place.tracking.create_experiment(text)
    return text, lambda: place.tracking.get_experiment(experiment_id).name


def _as_path(prefix: str, text: str) -> str:
    """``prefix`` and then ``text`` as path segments of at most 100 characters, as long as
    ``text`` (when that is longer than the prefix): a location an artifact policy takes."""
    rest = text[len(prefix) :] if len(text) > len(prefix) else text
    return prefix + "".join("/" if i % 101 == 100 else ch for i, ch in enumerate(rest))


def _experiment_location(place: Place, text: str) -> Written:
    location = _as_path(f"{place.artifact_root}/located/", text)
    experiment_id = place.tracking.create_experiment("located", artifact_location=location)
    return location, lambda: place.tracking.get_experiment(experiment_id).artifact_location


def _experiment_tag(place: Place, text: str) -> Written:
    place.tracking.set_experiment_tag(place.experiment_id, "t", text)
    return text, lambda: place.tracking.get_experiment(place.experiment_id).tags["t"]


def _run_info(place: Place, run_id: str | None = None):
    return place.tracking.get_run(run_id or place.run_id).info


def _run_data(place: Place):
    return place.tracking.get_run(place.run_id).data


def _new_run_name(place: Place, text: str) -> Written:
    run_id = place.tracking.create_run(place.experiment_id, run_name=text).info.run_id
    return text, lambda: _run_info(place, run_id).run_name


def _renamed_run(place: Place, text: str) -> Written:
    place.tracking.update_run_info(place.run_id, run_name=text)
    return text, lambda: _run_info(place).run_name


def _run_name_tag(place: Place, text: str) -> Written:
    place.tracking.log_batch(place.run_id, tags=[RunTag("mlflow.runName", text)])
    return text, lambda: (_run_info(place).run_name, _run_data(place).tags["mlflow.runName"])


def _user(place: Place, text: str) -> Written:
    run_id = place.tracking.create_run(place.experiment_id, user_id=text).info.run_id
    return text, lambda: _run_info(place, run_id).user_id


def _run_tag(place: Place, text: str) -> Written:
    place.tracking.log_batch(place.run_id, tags=[RunTag("t", text)])
    return text, lambda: _run_data(place).tags["t"]


def _param(place: Place, text: str) -> Written:
    place.tracking.log_batch(place.run_id, params=[Param("p", text)])
    return text, lambda: _run_data(place).params["p"]


def _input_tag(place: Place, text: str) -> Written:
    dataset = DatasetInput(Dataset("d", "0"), tags={"context": text})
    place.tracking.log_inputs(place.run_id, [dataset])
    return text, lambda: _logged_dataset(place).tags["context"]


def _model_type(place: Place, text: str) -> Written:
    model_id = place.registry.create_logged_model(
        place.experiment_id, "m", model_type=text
    ).model_id
    return text, lambda: place.registry.get_logged_model(model_id).model_type


def _registered_model_name(place: Place, text: str) -> Written:
    place.registry.create_registered_model(text)
    return text, lambda: place.registry.get_registered_model(text).name


def _description(place: Place, text: str) -> Written:
    place.registry.create_registered_model("described", description=text)
    return text, lambda: place.registry.get_registered_model("described").description


def _version_source(place: Place, text: str) -> Written:
    if not place.registry.search_registered_models("name = 'versioned'").items:
        place.registry.create_registered_model("versioned")
    source = _as_path(f"runs:/{place.run_id}/model/", text)
    version = place.registry.create_model_version("versioned", source, place.run_id).version
    return source, lambda: place.registry.get_model_version("versioned", version).source


def _batch_id(place: Place, text: str) -> Written:
    place.tracking.log_batch(place.run_id, metrics=[Metric("m", 1.0, 1, 0)], batch_id=text)
    # A batch id is not readable; a replay of it is, as "nothing more stored".
    place.tracking.log_batch(place.run_id, metrics=[Metric("m", 1.0, 1, 0)], batch_id=text)
    return 1, lambda: len(place.tracking.get_metric_history(place.run_id, "m").items)


CASES = {
    "experiment name": (limits.MAX_EXPERIMENT_NAME_LENGTH, _experiment_name),
    "experiment artifact location": (limits.MAX_URI_LENGTH, _experiment_location),
    "experiment tag value": (limits.MAX_TAG_VALUE_LENGTH, _experiment_tag),
    "run name": (limits.MAX_RUN_NAME_LENGTH, _new_run_name),
    "run name, renamed": (limits.MAX_RUN_NAME_LENGTH, _renamed_run),
    "run name, as its tag": (limits.MAX_RUN_NAME_LENGTH, _run_name_tag),
    "user": (limits.MAX_USER_LENGTH, _user),
    "run tag value": (limits.MAX_TAG_VALUE_LENGTH, _run_tag),
    "param value": (limits.MAX_PARAM_VALUE_LENGTH, _param),
    "dataset name": (limits.MAX_DATASET_NAME_LENGTH, _dataset_field("name")),
    "dataset digest": (limits.MAX_DATASET_DIGEST_LENGTH, _dataset_field("digest")),
    "dataset source type": (limits.MAX_DATASET_SOURCE_TYPE_LENGTH, _dataset_field("source_type")),
    "dataset source": (limits.MAX_DATASET_SOURCE_LENGTH, _dataset_field("source")),
    "dataset schema": (limits.MAX_DATASET_SCHEMA_LENGTH, _dataset_field("schema")),
    "dataset profile": (limits.MAX_DATASET_PROFILE_LENGTH, _dataset_field("profile")),
    "dataset input tag value": (limits.MAX_INPUT_TAG_VALUE_LENGTH, _input_tag),
    "logged model type": (limits.MAX_MODEL_TYPE_LENGTH, _model_type),
    "registered model name": (limits.MAX_REGISTERED_MODEL_NAME_LENGTH, _registered_model_name),
    "registered model description": (limits.MAX_DESCRIPTION_LENGTH, _description),
    "model version source": (limits.MAX_URI_LENGTH, _version_source),
    "batch id": (limits.MAX_BATCH_ID_LENGTH, _batch_id),
}


def _text(length: int) -> str:
    """Non-ASCII on purpose: limits count characters, not bytes."""
    return ("é" + "b" * 9) * (length // 10) + "b" * (length % 10)


@pytest.mark.parametrize("case", CASES)
def test_a_string_at_its_limit_is_stored_and_one_character_more_is_refused(place, case):
    limit, write = CASES[case]
    expected, read_back = write(place, _text(limit))
    stored = read_back()
    assert stored == expected or stored == (expected, expected)

    with pytest.raises(TrackerError) as refused:
        write(place, _text(limit + 1))
    assert refused.value.error_code == INVALID_PARAMETER_VALUE
    # Fields MLflow checks are refused in its words; the others in ours.
    message = refused.value.message
    assert f"the limit is {limit}" in message or (
        f"exceeds the maximum length of {limit} characters" in message
    )


@pytest.mark.parametrize("case", CASES)
def test_a_nul_character_is_refused_on_both_databases(place, case):
    _, write = CASES[case]
    with pytest.raises(TrackerError) as refused:
        write(place, "nul\x00inside")
    assert refused.value.error_code == INVALID_PARAMETER_VALUE
    assert "NUL" in refused.value.message


SEARCHES = {
    "runs": lambda p: p.tracking.search_runs([p.experiment_id], "tags.t = 'nul\x00'"),
    "experiments": lambda p: p.tracking.search_experiments(filter_string="name = 'nul\x00'"),
    "registered models": lambda p: p.registry.search_registered_models("name = 'nul\x00'"),
    "model versions": lambda p: p.registry.search_model_versions("name = 'nul\x00'"),
    "logged models by name": lambda p: p.registry.search_logged_models(name="nul\x00"),
    "logged models by run": lambda p: p.registry.search_logged_models(source_run_id="\x00"),
    "experiment by name": lambda p: p.tracking.get_experiment_by_name("nul\x00"),
    "registered model by name": lambda p: p.registry.get_registered_model("nul\x00"),
}


@pytest.mark.parametrize("search", SEARCHES)
def test_a_nul_character_in_a_search_is_refused_on_both_databases(place, search):
    with pytest.raises(TrackerError) as refused:
        SEARCHES[search](place)
    assert refused.value.error_code == INVALID_PARAMETER_VALUE
    assert "NUL" in refused.value.message
