"""A notebook kernel started by the server logs to the server's tracker with no setup."""

from __future__ import annotations

import json

import pytest
from support.kernels import run_in_kernel

NOTEBOOK_CODE = """
import jupyterlab_tracker as jt
r = jt.start_run()
jt.log_metric('x', 1)
jt.end_run()
print(r.info.run_id)
"""


@pytest.mark.slow  # starts a kernel from the server
async def test_a_notebook_kernel_logs_to_the_server_store(jp_fetch, jp_serverapp, tracker_api):
    # A notebook session, as JupyterLab opens one: the kernel learns its notebook path.
    response = await jp_fetch(
        "api",
        "sessions",
        method="POST",
        body=json.dumps(
            {
                "path": "train.ipynb",
                "type": "notebook",
                "name": "train.ipynb",
                "kernel": {"name": "python3"},
            }
        ),
    )
    session = json.loads(response.body)
    kernel_id = session["kernel"]["id"]
    try:
        output = await run_in_kernel(jp_serverapp.kernel_manager, kernel_id, NOTEBOOK_CODE)
    finally:
        await jp_fetch("api", "sessions", session["id"], method="DELETE")
    run_id = output.strip().splitlines()[-1]

    status, body = await tracker_api("GET", f"api/runs/{run_id}")
    assert status == 200, body
    run = body["run"]
    assert run["info"]["status"] == "FINISHED"
    assert run["data"]["metrics"]["x"]["value"] == 1
    assert run["data"]["tags"]["mlflow.source.type"] == "NOTEBOOK"
    assert run["data"]["tags"]["mlflow.source.name"].endswith("train.ipynb")
