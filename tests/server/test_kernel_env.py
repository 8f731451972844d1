"""Kernels started by the server get the tracker's and MLflow's variables; the server's
own environment does not."""

from __future__ import annotations

import json
import os

import pytest
from support.kernels import run_in_kernel

PRINT_ENV = """
import json, os
print(json.dumps({k: v for k, v in os.environ.items()
                  if k.startswith(("MLFLOW_", "JUPYTERLAB_TRACKER_"))}))
"""


@pytest.mark.slow  # starts a kernel
async def test_kernels_get_mlflow_and_tracker_variables(
    jp_serverapp, jp_http_port, jp_base_url, tracker_store_uri
):
    kernel_manager = jp_serverapp.kernel_manager
    kernel_id = await kernel_manager.start_kernel(kernel_name="python3")
    try:
        env = json.loads(await run_in_kernel(kernel_manager, kernel_id, PRINT_ENV))
    finally:
        await kernel_manager.shutdown_kernel(kernel_id)
    token = jp_serverapp.identity_provider.token
    assert env["MLFLOW_TRACKING_URI"] == f"http://127.0.0.1:{jp_http_port}{jp_base_url}tracker"
    assert env["MLFLOW_TRACKING_TOKEN"] == token
    assert env["JUPYTERLAB_TRACKER_URI"] == tracker_store_uri
    assert env["JUPYTERLAB_TRACKER_TOKEN"] == token
    # Never through the server's own environment (it would leak into everything else).
    assert "MLFLOW_TRACKING_URI" not in os.environ
    assert os.environ.get("JUPYTERLAB_TRACKER_URI") != tracker_store_uri


def test_kernels_get_the_allowed_artifact_roots(jp_serverapp):
    """So a kernel's embedded client confines artifacts exactly as the server does."""
    from jupyterlab_tracker.config import ALLOWED_ARTIFACT_ROOTS_ENV
    from jupyterlab_tracker.server.extension import Tracker, kernel_env

    roots = ["s3://bucket/prefix", "/data/shared"]
    env = kernel_env(jp_serverapp, Tracker(parent=jp_serverapp, allowed_artifact_roots=roots))
    assert json.loads(env[ALLOWED_ARTIFACT_ROOTS_ENV]) == roots
    assert ALLOWED_ARTIFACT_ROOTS_ENV not in kernel_env(jp_serverapp, Tracker(parent=jp_serverapp))
