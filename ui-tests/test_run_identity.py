"""Run identity in the panel: runs shown by name, ids by the part that differs, a button
that copies the full id, and the confirmation of "Register Model" with its link."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import open_lab, open_tracker, run_command, seed_experiment, set_theme
from playwright.sync_api import expect
from sklearn.linear_model import LogisticRegression

from jupyterlab_tracker import TrackerClient

EXPERIMENT = "identity/sweep"
MODEL = "identity-model"
# Runs made together (time-ordered ids: the same first digits), two of one name.
RUNS = [
    {"name": "twin", "params": {"seed": 1}, "metrics": {"loss": [1.0, 0.5]}},
    {"name": "twin", "params": {"seed": 2}, "metrics": {"loss": [1.0, 0.6]}},
    {"name": "solo", "params": {"seed": 3}, "metrics": {"loss": [1.0, 0.7]}},
]


@pytest.fixture(scope="module")
def sweep(lab_server):
    experiment_id = seed_experiment(lab_server, EXPERIMENT, RUNS)
    runs = lab_server.api(
        "POST",
        "tracker/api/runs/search",
        json={"experiment_ids": [experiment_id], "order_by": ["params.seed ASC"]},
    ).json()["runs"]
    ids = [r["info"]["run_id"] for r in runs]
    assert [r["info"]["run_name"] for r in runs] == ["twin", "twin", "solo"]
    lab_server.api("POST", "tracker/api/registered-models", json={"name": MODEL}).raise_for_status()
    for run_id in ids:
        lab_server.api(
            "POST",
            "tracker/api/model-versions",
            json={"name": MODEL, "source": f"runs:/{run_id}/model", "run_id": run_id},
        ).raise_for_status()
    return {"experiment_id": experiment_id, "run_ids": ids}


def test_models_view_names_source_runs_and_tells_their_ids_apart(
    page, lab_server, sweep, screenshot_dir
):
    open_lab(page, lab_server)
    open_tracker(page)
    page.get_by_role("tab", name="Models").click()
    page.locator(".jp-tracker-models-table").get_by_role("button", name=MODEL).click()
    rows = page.locator(".jp-tracker-versions-table tbody tr")
    expect(rows).to_have_count(3)
    # Versions newest first: 3 (solo), 2 (second twin), 1 (first twin).
    expect(rows.locator(".jp-tracker-source-run")).to_have_text(["solo", "twin", "twin"])
    shown = rows.locator(".jp-tracker-run-id-part code")
    expect(shown).to_have_count(3)
    parts = shown.all_inner_texts()
    assert len(set(parts)) == 3, parts
    for part, run_id in zip(parts, reversed(sweep["run_ids"]), strict=True):
        assert part.startswith("…") and run_id.endswith(part[1:]), (part, run_id)
        assert len(part) - 1 >= 6
    for theme, suffix in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
        set_theme(page, theme)
        page.locator(".jp-tracker-versions-table").screenshot(
            path=screenshot_dir / f"identity-models-{suffix}.png"
        )
    set_theme(page, "JupyterLab Light")

    # The name still opens the run.
    rows.nth(1).locator(".jp-tracker-source-run").click()
    expect(page.locator(".jp-tracker-run-page")).to_have_attribute(
        "data-run-id", sweep["run_ids"][1]
    )


def test_compare_tells_same_named_runs_apart_and_copies_the_full_id(
    page, lab_server, sweep, screenshot_dir
):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=lab_server.url)
    open_lab(page, lab_server)
    twins = sweep["run_ids"][:2]
    run_command(page, "jupyterlab-tracker:compare", {"runIds": twins})
    compare = page.locator(".jp-tracker-compare-widget")
    headers = compare.locator(".jp-tracker-compare-params thead .jp-tracker-compare-run-label")
    expect(headers).to_have_count(2)
    labels = [h.locator("span[title]").inner_text() for h in headers.all()]
    assert len(set(labels)) == 2, labels
    for label, run_id in zip(labels, twins, strict=True):
        assert label.startswith("twin (…") and label.endswith(")"), label
        assert run_id.endswith(label[len("twin (…") : -1]), (label, run_id)

    copy = headers.first.get_by_role("button", name=f"Copy run id {twins[0]}")
    copy.click()
    expect(headers.first.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == twins[0]
    for theme, suffix in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
        set_theme(page, theme)
        copy.click()  # "Copied" shows in the screenshot
        expect(headers.first.get_by_role("status")).to_have_text("Copied")
        compare.locator(".jp-tracker-compare-params").screenshot(
            path=screenshot_dir / f"identity-compare-{suffix}.png"
        )
    set_theme(page, "JupyterLab Light")

    # The other run's button copies the other id.
    headers.nth(1).get_by_role("button", name=f"Copy run id {twins[1]}").click()
    expect(headers.nth(1).get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == twins[1]


@pytest.fixture(scope="module")
def run_with_model(lab_server):
    client = TrackerClient(f"{lab_server.url}tracker", token=lab_server.token)
    experiment_id = client.create_experiment("identity/register")
    run_id = client.create_run(experiment_id, run_name="to-register").info.run_id
    features = np.array([[0.0, 1.0], [1.0, 0.0], [0.9, 0.1], [0.1, 0.9]])
    client.log_model(run_id, LogisticRegression().fit(features, [0, 1, 1, 0]), "model")
    client.set_terminated(run_id)
    client.close()
    return {"experiment_id": experiment_id, "run_id": run_id}


def test_register_model_confirms_in_view_with_a_link_to_the_version(
    page, lab_server, run_with_model, screenshot_dir
):
    open_lab(page, lab_server)
    open_tracker(page)
    run_command(
        page,
        "jupyterlab-tracker:open",
        {"experimentId": run_with_model["experiment_id"], "runId": run_with_model["run_id"]},
    )
    page.get_by_role("tab", name="Artifacts").click()
    page.locator(".jp-tracker-artifact-tree .jp-tracker-tree-item", has_text="MLmodel").click()
    page.locator(".jp-tracker-model-card").get_by_role("button", name="Register Model").click()
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_label("Model name").fill("registered-here")
    dialog.get_by_role("button", name="Register").click()

    confirmation = page.locator(".jp-tracker-model-card .jp-tracker-registered")
    expect(confirmation).to_contain_text('Registered "registered-here" version 1.')
    expect(confirmation).to_be_in_viewport()
    link = confirmation.get_by_role("button", name="Open version 1")
    expect(link).to_be_in_viewport()
    for theme, suffix in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
        set_theme(page, theme)
        page.screenshot(path=screenshot_dir / f"identity-registered-{suffix}.png")
    set_theme(page, "JupyterLab Light")

    link.click()
    expect(page.get_by_role("tab", name="Models")).to_have_attribute("aria-selected", "true")
    version = page.locator(".jp-tracker-version-page[data-model='registered-here']")
    expect(version).to_have_attribute("data-version", "1")
    expect(version.locator(".jp-tracker-source-run")).to_have_text("to-register")


def test_run_page_shows_the_parent_by_the_part_that_differs_and_copies_the_id(
    page, lab_server, sweep
):
    parent = sweep["run_ids"][2]
    child = lab_server.api(
        "POST",
        "tracker/api/runs",
        json={
            "experiment_id": sweep["experiment_id"],
            "run_name": "child",
            "tags": {"mlflow.parentRunId": parent},
        },
    ).json()["run"]["info"]["run_id"]
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=lab_server.url)
    open_lab(page, lab_server)
    open_tracker(page)
    run_command(
        page,
        "jupyterlab-tracker:open",
        {"experimentId": sweep["experiment_id"], "runId": child},
    )
    details = page.locator(".jp-tracker-details")
    expect(details.locator(".jp-tracker-link", has_text="…")).to_have_text("…" + parent[-6:])
    details.get_by_role("button", name=f"Copy run id {child}").click()
    expect(details.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == child
