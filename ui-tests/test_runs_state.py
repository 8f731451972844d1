"""The runs view's state and honesty: filter, sort, experiment and open run survive a
reload; loading shows as loading; a server failure is a banner with Retry (a bad filter
stays in the filter box); an empty experiment shows how to log its first run."""

from __future__ import annotations

import json
import re

from helpers import open_lab, open_tracker, seed_experiment, select_experiment, set_theme
from playwright.sync_api import expect

EXPERIMENTS_REQUEST = re.compile(r"/tracker/api/experiments\?")
SEARCH_REQUEST = re.compile(r"/tracker/api/runs/search")


def row_names(page) -> list[str]:
    return page.locator(".jp-tracker-run-row .jp-tracker-run-name").all_inner_texts()


def test_reload_restores_experiment_filter_sort_and_open_run(page, lab_server):
    seed_experiment(
        lab_server,
        "state/restore",
        [{"name": name} for name in ("keep-1", "drop-1", "keep-2")],
    )
    open_lab(page, lab_server)
    open_tracker(page)
    select_experiment(page, "state/restore")
    expect(page.locator(".jp-tracker-run-row")).to_have_count(3)

    page.locator(".jp-tracker-filter-input").fill("attributes.run_name LIKE 'keep%'")
    page.locator(".jp-tracker-filter-input").press("Enter")
    expect(page.locator(".jp-tracker-run-row")).to_have_count(2)
    created = page.locator(".jp-tracker-th", has_text="Created")
    created.click()  # newest first -> oldest first
    expect(created).to_have_attribute("aria-sort", "ascending")
    expect(page.locator(".jp-tracker-run-row").first).to_contain_text("keep-1")
    assert row_names(page) == ["keep-1", "keep-2"]
    page.locator(".jp-tracker-run-link", has_text="keep-2").click()
    expect(page.locator(".jp-tracker-run-title")).to_have_text("keep-2")

    open_lab(page, lab_server)  # a reload (and a reset layout): the panel opens afresh
    open_tracker(page)
    expect(page.locator(".jp-tracker-run-title")).to_have_text("keep-2")
    page.locator(".jp-tracker-run-page button", has_text="Runs").first.click()
    expect(page.locator(".jp-tracker-runs-title")).to_contain_text("restore")
    expect(page.locator(".jp-tracker-filter-input")).to_have_value(
        "attributes.run_name LIKE 'keep%'"
    )
    expect(page.locator(".jp-tracker-run-row")).to_have_count(2)
    expect(page.locator(".jp-tracker-th", has_text="Created")).to_have_attribute(
        "aria-sort", "ascending"
    )
    assert row_names(page) == ["keep-1", "keep-2"]


def test_experiments_show_loading_until_the_server_answers(page, lab_server):
    seed_experiment(lab_server, "state/slow", [{"name": "slow-run"}])
    open_lab(page, lab_server)
    held = []
    holding = {"on": True}

    def experiments(route):
        if holding["on"]:
            held.append(route)
        else:
            route.continue_()

    page.route(EXPERIMENTS_REQUEST, experiments)
    open_tracker(page)
    expect(page.locator(".jp-tracker-experiments .jp-tracker-loading")).to_have_text(
        "Loading experiments…"
    )
    expect(page.get_by_text("No experiments")).to_have_count(0)
    assert held, "the experiments request should be held"
    holding["on"] = False
    for route in held:
        route.continue_()
    expect(page.locator(".jp-tracker-experiment-item", has_text="state/slow")).to_be_visible()
    expect(page.locator(".jp-tracker-experiments .jp-tracker-loading")).to_have_count(0)


def test_server_error_is_a_banner_with_retry_and_a_bad_filter_stays_in_place(
    page, lab_server, screenshot_dir
):
    seed_experiment(lab_server, "state/flaky", [{"name": "flaky-run"}])
    failing = {"on": True}

    def search(route):
        if failing["on"]:
            route.fulfill(
                status=500,
                content_type="application/json",
                body=json.dumps({"error_code": "INTERNAL_ERROR", "message": "store unavailable"}),
            )
        else:
            route.continue_()

    open_lab(page, lab_server)
    set_theme(page, "JupyterLab Light")
    page.route(SEARCH_REQUEST, search)  # before the panel opens (it may open on this one)
    open_tracker(page)
    select_experiment(page, "state/flaky")
    banner = page.locator(".jp-tracker-error-banner")
    expect(banner).to_contain_text("store unavailable")
    expect(page.get_by_text("No runs match.")).to_have_count(0)
    expect(page.locator(".jp-tracker-filter-error")).to_have_count(0)
    footer = page.locator(".jp-tracker-server-line")
    expect(footer).to_have_class(re.compile("jp-tracker-error"))
    expect(footer).to_contain_text("store unavailable")
    page.locator(".jp-tracker-runs").screenshot(path=screenshot_dir / "runs-error-banner-light.png")
    set_theme(page, "JupyterLab Dark")
    page.locator(".jp-tracker-runs").screenshot(path=screenshot_dir / "runs-error-banner-dark.png")
    set_theme(page, "JupyterLab Light")

    failing["on"] = False
    banner.get_by_role("button", name="Retry").click()
    expect(page.locator(".jp-tracker-run-row", has_text="flaky-run")).to_be_visible()
    expect(banner).to_have_count(0)
    expect(footer).not_to_have_class(re.compile("jp-tracker-error"))
    expect(footer.locator(".jp-tracker-server-status")).to_have_text("ok")

    # A bad filter is the user's to fix: shown in the filter box, no banner.
    page.locator(".jp-tracker-filter-input").fill("params.lr ===")
    page.locator(".jp-tracker-filter-input").press("Enter")
    expect(page.locator(".jp-tracker-filter-error")).to_be_visible()
    expect(banner).to_have_count(0)
    expect(footer).not_to_have_class(re.compile("jp-tracker-error"))


def test_empty_experiment_shows_first_run_snippets_as_text(page, lab_server, screenshot_dir):
    name = "state/<b>empty</b>"
    seed_experiment(lab_server, name, [])
    open_lab(page, lab_server)
    set_theme(page, "JupyterLab Light")
    open_tracker(page)
    page.locator(".jp-tracker-experiment-item", has_text=name).first.click()
    first = page.locator(".jp-tracker-first-run")
    expect(first).to_be_visible()
    expect(first.locator("[data-snippet]")).to_have_count(3)
    jt = first.locator("[data-snippet='jt'] pre").first
    expect(jt).to_contain_text("import jupyterlab_tracker as jt")
    expect(jt).to_contain_text('jt.set_experiment("state/<b>empty</b>")')
    mlflow = first.locator("[data-snippet='mlflow'] pre").first
    expect(mlflow).to_contain_text(f'mlflow.set_tracking_uri("{lab_server.url}tracker")')
    magic = first.locator("[data-snippet='magic'] pre")
    expect(magic.first).to_contain_text("%tracker_experiment state/<b>empty</b>")
    expect(magic.last).to_contain_text("%%track --params lr")
    assert first.locator("b").count() == 0  # the name is text, never markup
    expect(page.get_by_text("No runs match.")).to_have_count(0)
    page.locator(".jp-tracker-runs").screenshot(path=screenshot_dir / "runs-first-run-light.png")
    set_theme(page, "JupyterLab Dark")
    page.locator(".jp-tracker-runs").screenshot(path=screenshot_dir / "runs-first-run-dark.png")
