"""Experiment ``artifact_location`` and run ``artifact_uri`` in the shape a real ``mlflow
server`` with proxied artifacts (its default) gives them: ``mlflow-artifacts:/...``."""

from __future__ import annotations

import pytest

API = "api/2.0/mlflow/"


def _locations(server, name, artifact_location):
    body = {"name": name}
    if artifact_location is not None:
        body["artifact_location"] = artifact_location
    answer = server.call("POST", API + "experiments/create", json=body)
    assert answer.status == 200, answer.body
    experiment_id = answer.body["experiment_id"]
    query = {"experiment_id": experiment_id}
    experiment = server.call("GET", API + "experiments/get", params=query).body["experiment"]
    run = server.call("POST", API + "runs/create", json={"experiment_id": experiment_id})
    info = run.body["run"]["info"]
    got = server.call("GET", API + "runs/get", params={"run_id": info["run_id"]}).body
    assert got["run"]["info"]["artifact_uri"] == info["artifact_uri"]
    # Experiment ids may differ by now: a request MLflow takes and we refuse made one.
    names = {f"/{experiment_id}/": "/<experiment>/", info["run_id"]: "<run>"}
    shapes = []
    for location in (experiment["artifact_location"] + "/", info["artifact_uri"]):
        for actual, placeholder in names.items():
            location = location.replace(actual, placeholder)
        shapes.append(location)
    return tuple(shapes)


@pytest.mark.parametrize(
    "artifact_location", [None, "mlflow-artifacts:/custom", "mlflow-artifacts:/team/project"]
)
def test_locations_have_mlflows_shape(reference, ours, artifact_location):
    name = f"exact-location-{artifact_location}"
    expected = _locations(reference, name, artifact_location)
    assert _locations(ours, name, artifact_location) == expected


def test_the_default_experiment_location(reference, ours):
    query = {"experiment_id": "0"}
    theirs = reference.call("GET", API + "experiments/get", params=query).body["experiment"]
    mine = ours.call("GET", API + "experiments/get", params=query).body["experiment"]
    assert mine["artifact_location"] == theirs["artifact_location"] == "mlflow-artifacts:/0"
