"""Under a JupyterHub-style base URL (/user/alice/) the panel still reaches its server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from helpers import mlflow_links, open_lab, open_tracker, seed_experiment, select_experiment
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


def test_the_mlflow_clients_links_work_under_a_base_url(page, prefixed_server):
    """The run link the mlflow client prints, and a model version link, open their place
    in JupyterLab at ``/user/alice/lab``."""
    links = mlflow_links(prefixed_server, "hub/links", "hub-model")
    assert links["run_link"].startswith(f"{prefixed_server.url}tracker/#/experiments/")
    open_lab(page, prefixed_server)
    page.goto(links["run_link"])
    expect(page.locator(f".jp-tracker-run-page[data-run-id='{links['run_id']}']")).to_be_visible()
    assert urlsplit(page.url).path == "/user/alice/lab"
    page.goto(f"{prefixed_server.url}tracker/#/models/hub-model/versions/1")
    version_page = page.locator(".jp-tracker-version-page")
    expect(version_page.locator(".jp-tracker-version-model-name")).to_have_text("hub-model")
    expect(version_page).to_have_attribute("data-version", "1")
    assert urlsplit(page.url).path == "/user/alice/lab"
