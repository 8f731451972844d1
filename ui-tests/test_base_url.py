"""Under a JupyterHub-style base URL (/user/alice/) the panel still reaches its server."""

from __future__ import annotations

import pytest
from helpers import open_lab, open_tracker, seed_experiment, select_experiment
from playwright.sync_api import expect

from jupyterlab_tracker.testing import LiveServer


@pytest.fixture(scope="module")
def prefixed_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("prefixed")
    server = LiveServer(
        root,
        app="jupyterlab",
        base_url="/user/alice/",
        extra_args=(
            f"--LabApp.workspaces_dir={root / 'workspaces'}",
            "--LabApp.expose_app_in_browser=True",
        ),
    )
    with server:
        yield server


def test_panel_works_under_a_base_url(page, prefixed_server):
    assert prefixed_server.url.endswith("/user/alice/")
    seed_experiment(prefixed_server, "hub/experiment", [{"name": "hub-run", "params": {"a": 1}}])
    open_lab(page, prefixed_server)
    open_tracker(page)
    expect(page.locator(".jp-tracker-server-status")).to_have_text("ok")
    select_experiment(page, "hub/experiment")
    expect(page.locator(".jp-tracker-run-row", has_text="hub-run")).to_be_visible()
