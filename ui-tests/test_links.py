"""The links the mlflow client prints open the tracker panel at that place.

``mlflow`` (the official client, in a subprocess against the lab server) prints
``View run <name> at: <tracking uri>/#/experiments/<id>/runs/<run id>`` and the
experiment's link; MLflow's web UI links model versions as ``#/models/<name>/versions/<v>``.
Each opens ``<base_url>tracker/``, whose page forwards into JupyterLab with the panel on
that run, experiment or version. A link is untrusted: hostile fragments must neither
leave the origin nor run anything.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from helpers import mlflow_links, open_lab, set_theme
from playwright.sync_api import expect

MODEL = "link/model ü"


@pytest.fixture(scope="module")
def links(lab_server):
    return mlflow_links(lab_server, "links/demo", MODEL)


def logged_in(page, server) -> None:
    """A browser with Jupyter's login cookie, as after opening the lab once."""
    open_lab(page, server)


def assert_link_params_gone(page) -> None:
    """The panel took the place: a reload does not go there again."""
    expect(page).to_have_url(re.compile(r"^[^?]*(\?(?!.*tracker-).*)?$"))


def test_the_printed_run_link_opens_the_run(page, lab_server, links, screenshot_dir):
    assert links["run_link"] == (
        f"{lab_server.tracker_url}/#/experiments/{links['experiment_id']}/runs/{links['run_id']}"
    )
    logged_in(page, lab_server)
    page.goto(links["run_link"])
    run_page = page.locator(f".jp-tracker-run-page[data-run-id='{links['run_id']}']")
    expect(run_page).to_be_visible()
    expect(run_page.locator(".jp-tracker-run-title")).to_have_text("linked-run")
    # The run's experiment is the one selected on the left.
    expect(page.locator(".jp-tracker-experiment-item[aria-selected='true']")).to_contain_text(
        "demo"
    )
    assert_link_params_gone(page)
    set_theme(page, "JupyterLab Light")
    page.screenshot(path=screenshot_dir / "link-run-light.png")
    set_theme(page, "JupyterLab Dark")
    page.screenshot(path=screenshot_dir / "link-run-dark.png")
    set_theme(page, "JupyterLab Light")


def test_the_printed_experiment_link_opens_the_experiment(page, lab_server, links):
    logged_in(page, lab_server)
    page.goto(links["experiment_link"])
    expect(page.locator(".jp-tracker-runs-title")).to_contain_text("demo")
    expect(page.locator(".jp-tracker-run-row", has_text="linked-run")).to_be_visible()
    assert_link_params_gone(page)


def test_a_model_version_link_opens_the_version(page, lab_server, links, screenshot_dir):
    logged_in(page, lab_server)
    page.goto(f"{lab_server.tracker_url}/#/models/{quote(MODEL, safe='')}/versions/1")
    version_page = page.locator(".jp-tracker-version-page")
    expect(version_page.locator(".jp-tracker-version-model-name")).to_have_text(MODEL)
    expect(version_page).to_have_attribute("data-version", "1")
    assert_link_params_gone(page)
    page.screenshot(path=screenshot_dir / "link-model-version-light.png")
    set_theme(page, "JupyterLab Dark")
    page.screenshot(path=screenshot_dir / "link-model-version-dark.png")
    set_theme(page, "JupyterLab Light")
    # And the registered model alone.
    page.goto(f"{lab_server.tracker_url}/#/models/{quote(MODEL, safe='')}")
    expect(page.locator(".jp-tracker-model-page .jp-tracker-run-title")).to_have_text(MODEL)
    expect(page.locator("tr.jp-tracker-version-highlight")).to_have_count(0)


def test_a_link_opens_the_panel_that_is_already_open(page, lab_server, links):
    logged_in(page, lab_server)
    page.goto(links["experiment_link"])
    expect(page.locator(".jp-tracker-runs-title")).to_contain_text("demo")
    page.goto(links["run_link"])
    expect(page.locator(f".jp-tracker-run-page[data-run-id='{links['run_id']}']")).to_be_visible()
    expect(page.locator(".jp-tracker-panel")).to_have_count(1)


HOSTILE = [
    "#//evil.example/path",
    "#/experiments/1/runs/../../../../evil",
    "#/experiments/javascript:alert(1)",
    "#/models/%3Cimg%20src%3Dx%20onerror%3Dwindow.pwned%3D1%3E/versions/1",
    "#/models/%E0%A4%A",  # not decodable
    "#/models/" + "x" * 300,
    "#/experiments/1%0a/runs/x",
    "#/../../lab/api/evil",
    "#javascript:window.pwned=1",
]


@pytest.mark.parametrize("fragment", HOSTILE)
def test_hostile_links_stay_in_jupyterlab_and_run_nothing(page, lab_server, fragment):
    logged_in(page, lab_server)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{lab_server.tracker_url}/{fragment}")
    page.wait_for_selector(".jp-tracker-panel")
    url = urlsplit(page.url)
    assert (url.scheme, url.netloc, url.path) == ("http", urlsplit(lab_server.url).netloc, "/lab")
    assert not dialogs and page.evaluate("window.pwned") is None
    if "img" in fragment:  # a version of a model of that name: shown as text, not markup
        expect(page.locator(".jp-tracker-version-page .jp-tracker-error")).to_contain_text("<img")
        expect(page.locator(".jp-tracker-version-page img")).to_have_count(0)


def test_a_browser_without_login_is_sent_to_the_login_page(browser, lab_server, links):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(links["run_link"])
        login = urlsplit(page.url)
        assert login.path == "/login"
        assert parse_qs(login.query)["next"] == ["/tracker/"]
        expect(page.locator("#password_input")).to_have_count(1)
    finally:
        context.close()
