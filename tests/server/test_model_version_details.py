"""``GET api/model-versions/details``: the model-version page's one request (the version,
its source run, its MLmodel's signature and input example), over hostile content too."""

from __future__ import annotations

import json

import pytest
import yaml

from jupyterlab_tracker.service.model_details import (
    EXAMPLE_ROWS,
    MAX_EXAMPLE_BYTES,
    MAX_TEXT_CHARS,
)

MODEL = "churn"
SIGNATURE = {
    "inputs": json.dumps(
        [
            {"type": "double", "name": "tenure", "required": True},
            {"type": "string", "name": "plan", "required": False},
            {"type": "array", "items": {"type": "long"}, "name": "calls"},
            {"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}},
        ]
    ),
    "outputs": json.dumps([{"type": "long", "required": True}]),
    "params": json.dumps([{"name": "threshold", "type": "double", "default": 0.5, "shape": None}]),
}


@pytest.fixture
def artifact_put(jp_fetch):
    async def put(run_id: str, path: str, data: bytes) -> None:
        response = await jp_fetch(
            "tracker", "api", "runs", run_id, "artifacts", "content",
            method="PUT", params={"path": path}, body=data,
        )  # fmt: skip
        assert response.code in (200, 201)

    return put


async def registered(tracker_api, artifact_put, files: dict[str, bytes], name=MODEL) -> dict:
    """A run named ``source-run`` with a metric and a param, whose ``model/`` holds
    ``files``, registered as a version of ``name``."""
    _, body = await tracker_api(
        "POST", "api/runs", {"experiment_id": "0", "run_name": "source-run"}
    )
    run_id = body["run"]["info"]["run_id"]
    batch = {
        "params": [{"key": "lr", "value": "0.1"}],
        "metrics": [{"key": "auc", "value": 0.91, "timestamp": 1, "step": 0}],
    }
    assert (await tracker_api("POST", f"api/runs/{run_id}/batch", batch))[0] == 200
    for path, data in files.items():
        await artifact_put(run_id, f"model/{path}", data)
    status, body = await tracker_api(
        "POST",
        "api/model-versions",
        {
            "name": name,
            "source": f"runs:/{run_id}/model",
            "run_id": run_id,
            "create_registered_model": True,
        },
    )
    assert status == 201, body
    return {"run_id": run_id, "version": body["model_version"]["version"]}


def mlmodel(**fields) -> bytes:
    return yaml.safe_dump({"flavors": {"python_function": {}, "sklearn": {}}, **fields}).encode()


async def details(tracker_api, name=MODEL, version="1"):
    return await tracker_api(
        "GET", "api/model-versions/details", params={"name": name, "version": version}
    )


async def test_the_version_its_run_signature_and_example(tracker_api, artifact_put):
    example = {"columns": ["tenure", "plan"], "data": [[float(i), f"p{i}"] for i in range(30)]}
    info = {"artifact_path": "input_example.json", "type": "dataframe", "pandas_orient": "split"}
    source = await registered(
        tracker_api,
        artifact_put,
        {
            "MLmodel": mlmodel(signature=SIGNATURE, saved_input_example_info=info),
            "input_example.json": json.dumps(example).encode(),
        },
    )
    status, body = await details(tracker_api)
    assert status == 200, body
    assert body["model_version"]["version"] == "1" and body["model_error"] is None
    run = body["source_run"]
    assert run["info"]["run_id"] == source["run_id"] and run["info"]["run_name"] == "source-run"
    assert run["data"]["params"] == {"lr": "0.1"}
    assert run["data"]["metrics"]["auc"]["value"] == 0.91
    model = body["model"]
    assert model["flavors"] == ["python_function", "sklearn"]
    signature = model["signature"]
    assert signature["inputs"] == [
        {"name": "tenure", "type": "double", "required": True},
        {"name": "plan", "type": "string", "required": False},
        {"name": "calls", "type": "array<long>", "required": True},
        {"name": None, "type": "tensor float32 (-1, 4)", "required": True},
    ]
    assert signature["outputs"] == [{"name": None, "type": "long", "required": True}]
    assert signature["params"] == [
        {"name": "threshold", "type": "double", "required": True, "default": "0.5"}
    ]
    shown = model["input_example"]
    assert shown["columns"] == ["tenure", "plan"]
    assert len(shown["rows"]) == EXAMPLE_ROWS and shown["total_rows"] == 30
    assert shown["rows"][1] == ["1.0", "p1"]
    assert model["problems"] == []


async def test_hostile_descriptor_and_example_are_cut_and_reported(tracker_api, artifact_put):
    script = "<img src=x onerror=alert(1)>"
    signature = {"inputs": "{not json", "outputs": json.dumps([{"type": script, "name": script}])}
    info = {"artifact_path": "../../../../etc/passwd"}
    await registered(
        tracker_api,
        artifact_put,
        {"MLmodel": mlmodel(signature=signature, saved_input_example_info=info)},
    )
    status, body = await details(tracker_api)
    assert status == 200, body
    model = body["model"]
    assert model["signature"]["inputs"] is None
    # Text comes back as text: the frontend renders it, never as HTML.
    assert model["signature"]["outputs"] == [{"name": script, "type": script, "required": True}]
    assert model["input_example"] is None
    assert any("not valid JSON" in p for p in model["problems"])
    assert any("input example" in p for p in model["problems"])
    assert "root:" not in json.dumps(body)


async def test_a_large_example_shows_its_start_as_text(tracker_api, artifact_put):
    big = json.dumps({"columns": ["x"], "data": [[1]] * (MAX_EXAMPLE_BYTES // 4)}).encode()
    await registered(tracker_api, artifact_put, {"MLmodel": mlmodel(), "input_example.json": big})
    _, body = await details(tracker_api)
    example = body["model"]["input_example"]
    assert example["truncated"] is True and example["size"] == len(big)
    assert len(example["text"]) <= MAX_TEXT_CHARS and example["text"].startswith('{"columns"')


@pytest.mark.parametrize(
    "descriptor", [b"- just\n- a list\n", b"flavors: [unclosed\n", b"\xff\xfe: x"]
)
async def test_a_descriptor_that_is_not_a_model_is_an_error_not_a_failure(
    tracker_api, artifact_put, descriptor
):
    await registered(tracker_api, artifact_put, {"MLmodel": descriptor})
    status, body = await details(tracker_api)
    assert status == 200
    assert body["model"] is None and body["model_error"]
    assert body["source_run"]["info"]["run_name"] == "source-run"


async def test_a_version_without_files(tracker_api, artifact_put):
    await registered(tracker_api, artifact_put, {})
    status, body = await details(tracker_api)
    assert status == 200 and body["model"] is None
    assert "MLmodel" in body["model_error"]


@pytest.mark.parametrize(
    "params, code",
    [
        ({"version": "1"}, 400),
        ({"name": MODEL}, 400),
        ({"name": MODEL, "version": "one"}, 400),
        ({"name": "no-such-model", "version": "1"}, 404),
        ({"name": MODEL, "version": "7"}, 404),
    ],
)
async def test_bad_requests(tracker_api, artifact_put, params, code):
    await registered(tracker_api, artifact_put, {"MLmodel": mlmodel()})
    status, body = await tracker_api("GET", "api/model-versions/details", params=params)
    assert status == code, body
    expected = "INVALID_PARAMETER_VALUE" if code == 400 else "RESOURCE_DOES_NOT_EXIST"
    assert body["error_code"] == expected


async def test_requires_authentication(jp_fetch):
    response = await jp_fetch(
        "tracker", "api", "model-versions", "details",
        params={"name": MODEL, "version": "1"},
        headers={"Authorization": "token wrong"}, raise_error=False,
    )  # fmt: skip
    assert response.code == 403
