"""Compare runs beside a notebook, and the Models tab of the panel."""

from __future__ import annotations

import json

import pytest
from helpers import (
    open_lab,
    open_tracker,
    run_command,
    run_ids_by_name,
    seed_experiment,
    select_experiment,
    set_theme,
)
from playwright.sync_api import expect

EXPERIMENT = "compare/tabular/gbm"
MODEL = "fraud-detector"

RUNS = [
    {
        "name": "amber-ant-1",
        "params": {"lr": 0.1, "depth": 4, "seed": 0},
        "metrics": {"loss": [1.0, 0.7, 0.5, 0.45], "auc": [0.7, 0.8, 0.85, 0.86]},
    },
    {
        "name": "blue-bat-2",
        "params": {"lr": 0.05, "depth": 6, "seed": 0},
        "metrics": {"loss": [1.1, 0.6, 0.4, 0.35], "auc": [0.72, 0.83, 0.88, 0.9]},
    },
    {
        "name": "coral-cat-3",
        "params": {"lr": 0.01, "depth": 6, "seed": 0},
        "metrics": {"loss": [1.2, 0.9, 0.8, 0.7], "auc": [0.6, 0.7, 0.74, 0.78]},
    },
    {
        "name": "dusk-dog-4",
        "params": {"lr": 0.2, "depth": 8, "seed": 0},
        "metrics": {"loss": [0.9, 0.8, 0.75, 0.74], "auc": [0.7, 0.75, 0.77, 0.79]},
    },
]


@pytest.fixture(scope="module")
def seeded(lab_server):
    experiment_id = seed_experiment(lab_server, EXPERIMENT, RUNS)
    run_ids = run_ids_by_name(lab_server, experiment_id)
    lab_server.api("POST", "tracker/api/registered-models", json={"name": MODEL}).raise_for_status()
    for name in ("amber-ant-1", "blue-bat-2"):
        lab_server.api(
            "POST",
            "tracker/api/model-versions",
            json={
                "name": MODEL,
                "source": f"runs:/{run_ids[name]}/model",
                "run_id": run_ids[name],
                "tags": {"framework": "lightgbm"},
            },
        ).raise_for_status()
    notebook = {
        "cells": [],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    lab_server.api(
        "PUT",
        "api/contents/compare.ipynb",
        data=json.dumps({"type": "notebook", "format": "json", "content": notebook}),
    ).raise_for_status()
    return run_ids


def check(page, name: str) -> None:
    page.get_by_role("checkbox", name=f"Select {name}").check()


def compared_runs(page) -> list[str]:
    return page.locator(
        ".jp-tracker-compare-params thead .jp-tracker-compare-run"
    ).all_inner_texts()


def test_compare_beside_a_notebook(page, lab_server, seeded, screenshot_dir):
    open_lab(page, lab_server)
    run_command(page, "docmanager:open", {"path": "compare.ipynb", "kernel": {"name": "python3"}})
    page.wait_for_selector(".jp-NotebookPanel")
    open_tracker(page)
    select_experiment(page, EXPERIMENT)
    for name in ("amber-ant-1", "blue-bat-2", "coral-cat-3"):
        check(page, name)
    page.get_by_role("button", name="Compare (3)").click()

    compare = page.locator(".jp-tracker-compare-widget")
    expect(
        compare.locator(".jp-tracker-compare-params thead th.jp-tracker-compare-run")
    ).to_have_count(3)
    # Split to the right of the notebook's tab area: both stay on screen side by side.
    notebook_tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="compare.ipynb")
    notebook_tab.click()
    expect(page.locator(".jp-NotebookPanel")).to_be_visible()
    expect(compare).to_be_visible()
    assert compare.bounding_box()["x"] > page.locator(".jp-NotebookPanel").bounding_box()["x"] + 200
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="Experiment Tracker").click()

    params = compare.locator(".jp-tracker-compare-params")
    expect(params.locator("tbody tr")).to_have_count(3)
    expect(params.locator("tr[data-key='lr']")).to_have_class("jp-mod-differs")
    expect(params.locator("tr[data-key='seed']")).not_to_have_class("jp-mod-differs")
    expect(params.locator("tr[data-key='lr'] td")).to_have_text(["0.1", "0.05", "0.01"])
    compare.get_by_label("Only differences").check()
    expect(params.locator("tbody tr")).to_have_count(2)
    expect(params.locator("tr[data-key='seed']")).to_have_count(0)

    metrics = compare.locator(".jp-tracker-compare-metrics")
    expect(metrics.locator("tr[data-key='loss'] td").first).to_contain_text("0.45")
    expect(metrics.locator("tr[data-key='loss'] td").first).to_contain_text("1")

    history = compare.locator(".jp-tracker-compare-history")
    history.get_by_label("Metric").select_option("loss")
    expect(history.locator("svg .mark-line path")).to_have_count(3)
    expect(history.locator("svg.marks")).to_contain_text("loss")
    expect(compare.locator(".jp-tracker-compare-parallel svg .mark-line path")).to_have_count(3)
    expect(compare.locator(".jp-tracker-compare-scatter svg .mark-symbol path")).to_have_count(3)

    # Selecting a fourth run in the panel adds it to the open comparison, in place.
    check(page, "dusk-dog-4")
    expect(
        compare.locator(".jp-tracker-compare-params thead th.jp-tracker-compare-run")
    ).to_have_count(4)
    expect(page.locator(".jp-tracker-compare-widget")).to_have_count(1)
    expect(history.locator("svg .mark-line path")).to_have_count(4)
    charts = compare.locator(".jp-tracker-compare-parallel")
    for theme, suffix in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
        set_theme(page, theme)
        # Charts are drawn again in the new theme's colours.
        expect(history.locator("svg.marks .mark-line path")).to_have_count(4)
        expect(charts.locator("svg.marks .mark-line path")).to_have_count(4)
        page.wait_for_timeout(800)  # the theme settles, then charts redraw
        history.scroll_into_view_if_needed()
        page.screenshot(path=screenshot_dir / f"compare-{suffix}.png")
        charts.scroll_into_view_if_needed()
        page.screenshot(path=screenshot_dir / f"compare-charts-{suffix}.png")
    set_theme(page, "JupyterLab Light")

    # Its own remove button takes a run out and deselects it in the panel.
    compare.get_by_role("button", name="Remove coral-cat-3").first.click()
    expect(
        compare.locator(".jp-tracker-compare-params thead th.jp-tracker-compare-run")
    ).to_have_count(3)
    expect(page.get_by_role("checkbox", name="Select coral-cat-3")).not_to_be_checked()

    # The command takes any run ids (a notebook can call it).
    run_command(
        page,
        "jupyterlab-tracker:compare",
        {"runIds": [seeded["amber-ant-1"], seeded["dusk-dog-4"]]},
    )
    expect(
        compare.locator(".jp-tracker-compare-params thead th.jp-tracker-compare-run")
    ).to_have_count(2)

    # A reload brings the comparison back with its runs.
    page.wait_for_timeout(500)  # the layout is saved shortly after a change
    open_lab(page, lab_server, reset=False)
    expect(
        compare.locator(".jp-tracker-compare-params thead th.jp-tracker-compare-run")
    ).to_have_count(2)


def test_models_alias_stage_and_source_run(page, lab_server, seeded, screenshot_dir):
    open_lab(page, lab_server)
    open_tracker(page)
    page.get_by_role("tab", name="Models").click()
    row = page.locator(".jp-tracker-models-table tr[data-model='fraud-detector']")
    expect(row).to_contain_text("Version 2")
    page.get_by_label("Search models").fill("nothing-like-this")
    expect(row).to_have_count(0)
    page.get_by_label("Search models").fill("fraud")
    row.get_by_role("button", name=MODEL).click()

    version = page.locator(".jp-tracker-versions-table tr[data-version='2']")
    expect(version).to_contain_text("framework: lightgbm")
    version.get_by_role("button", name="Add alias to version 2").click()
    page.locator(".jp-Dialog input").fill("champion")
    page.locator(".jp-Dialog").get_by_role("button", name="Set alias").click()
    expect(version.locator(".jp-tracker-alias-chip")).to_have_text("@champion")
    expect(
        page.locator(".jp-tracker-model-page .jp-tracker-run-header .jp-tracker-alias")
    ).to_have_text("@champion")

    version.get_by_label("Stage of version 2").select_option("Production")
    expect(version.get_by_label("Stage of version 2")).to_have_value("Production")
    previous = page.locator(".jp-tracker-versions-table tr[data-version='1']")
    previous.get_by_label("Stage of version 1").select_option("Staging")
    expect(previous.get_by_label("Stage of version 1")).to_have_value("Staging")
    stage = lab_server.api(
        "GET", "tracker/api/model-versions/by-name", params={"name": MODEL, "version": "2"}
    )
    assert stage.json()["model_version"]["current_stage"] == "Production"

    version.get_by_label("Edit description of version 2").click()
    page.locator(".jp-Dialog input").fill("Best AUC so far")
    page.locator(".jp-Dialog").get_by_role("button", name="Save").click()
    expect(version).to_contain_text("Best AUC so far")
    for theme, suffix in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
        set_theme(page, theme)
        page.screenshot(path=screenshot_dir / f"models-{suffix}.png")
    set_theme(page, "JupyterLab Light")

    page.get_by_role("button", name="Models").first.click()
    expect(
        page.locator(".jp-tracker-models-table tr[data-model='fraud-detector']")
    ).to_contain_text("@champion")
    page.screenshot(path=screenshot_dir / "models-list-light.png")
    page.locator(".jp-tracker-models-table").get_by_role("button", name=MODEL).click()
    version.locator(".jp-tracker-source-run").click()
    expect(page.get_by_role("tab", name="Experiments")).to_have_attribute("aria-selected", "true")
    expect(page.locator(".jp-tracker-run-page")).to_have_attribute(
        "data-run-id", seeded["blue-bat-2"]
    )
    expect(page.locator(".jp-tracker-run-title")).to_have_text("blue-bat-2")
