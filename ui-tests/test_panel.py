"""The tracker panel in a real JupyterLab: experiments, runs table, run page, live metrics."""

from __future__ import annotations

import json
import re

import pytest
from helpers import (
    open_lab,
    open_tracker,
    run_command,
    seed_experiment,
    select_experiment,
    set_theme,
)
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

EXPERIMENT = "mnist/classification/cnn-with-a-rather-long-name"


@pytest.fixture(scope="module")
def seeded(lab_server):
    runs = [
        {
            "name": "calm-fox-1",
            "params": {"lr": 0.01, "optimizer": "adam"},
            "metrics": {"loss": [1.0, 0.6, 0.4, 0.3], "accuracy": [0.5, 0.7, 0.8, 0.91]},
            "tags": {"team": "vision"},
        },
        {
            "name": "odd-yak-2",
            "status": "FAILED",
            "params": {"lr": 0.1, "optimizer": "sgd"},
            "metrics": {"loss": [1.2, 1.1], "accuracy": [0.4, 0.45]},
        },
        {
            "name": "brave-owl-3",
            "status": "KILLED",
            "params": {"lr": 0.001, "optimizer": "adam"},
            "metrics": {"loss": [0.9, 0.5, 0.35], "accuracy": [0.55, 0.8, 0.95]},
        },
        {
            "name": "busy-bee-4",
            "status": "RUNNING",
            "params": {"lr": 0.01, "optimizer": "sgd"},
            "metrics": {"loss": [0.8], "accuracy": [0.6]},
        },
    ]
    seed_experiment(lab_server, "fraud/tabular/xgboost", runs[:1])
    return seed_experiment(lab_server, EXPERIMENT, runs)


def run_names(page):
    return page.locator(".jp-tracker-run-row .jp-tracker-run-name").all_inner_texts()


def test_runs_table_filters_sorts_and_shows_status(page, lab_server, seeded, screenshot_dir):
    open_lab(page, lab_server)
    set_theme(page, "JupyterLab Light")
    open_tracker(page)
    select_experiment(page, EXPERIMENT)
    expect(page.locator(".jp-tracker-run-row")).to_have_count(4)
    for status in ("running", "finished", "failed", "killed"):
        expect(page.locator(f".jp-tracker-run-row .jp-tracker-status-{status}")).to_have_count(1)

    # Add the accuracy metric and lr param as columns.
    page.get_by_role("button", name="Columns").click()
    popover = page.locator(".jp-tracker-popover")
    popover.get_by_label("accuracy").check()
    popover.get_by_label("lr").check()
    page.get_by_role("button", name="Columns").click()
    expect(page.locator(".jp-tracker-th", has_text="accuracy")).to_be_visible()

    # Sort by accuracy, descending first for metrics.
    page.locator(".jp-tracker-th", has_text="accuracy").click()
    expect(page.locator(".jp-tracker-run-row").first).to_contain_text("brave-owl-3")
    assert run_names(page)[:2] == ["brave-owl-3", "calm-fox-1"]
    page.locator(".jp-tracker-th", has_text="accuracy").click()
    expect(page.locator(".jp-tracker-run-row").first).to_contain_text("odd-yak-2")

    # Filter with completion: typing "metrics.acc" offers metrics.accuracy.
    box = page.get_by_label("Filter runs")
    box.fill("metrics.acc")
    expect(page.locator(".jp-tracker-suggestions li", has_text="metrics.accuracy")).to_be_visible()
    box.press("Tab")
    box.type("> 0.9 and params.optimizer = 'adam'")
    box.press("Enter")
    expect(page.locator(".jp-tracker-run-row")).to_have_count(2)
    assert sorted(run_names(page)) == ["brave-owl-3", "calm-fox-1"]
    page.screenshot(path=screenshot_dir / "runs-light.png")

    # A broken filter shows the server's message in place.
    box.fill("metrics.accuracy > 'high'")
    box.press("Enter")
    expect(page.locator(".jp-tracker-filter-error")).to_contain_text("needs a number")

    set_theme(page, "JupyterLab Dark")
    box.fill("")
    box.press("Enter")
    expect(page.locator(".jp-tracker-run-row")).to_have_count(4)
    page.screenshot(path=screenshot_dir / "runs-dark.png")
    set_theme(page, "JupyterLab Light")


def test_keyboard_navigation_and_run_page(page, lab_server, seeded, screenshot_dir):
    open_lab(page, lab_server)
    open_tracker(page)
    select_experiment(page, EXPERIMENT)
    expect(page.locator(".jp-tracker-run-row")).to_have_count(4)
    table = page.locator(".jp-tracker-runs-table")
    table.focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowDown")
    page.keyboard.press(" ")
    expect(page.locator(".jp-tracker-run-row.jp-mod-selected")).to_have_count(1)
    page.keyboard.press("Enter")

    run_page = page.locator(".jp-tracker-run-page")
    expect(run_page.get_by_role("tab", name="Overview")).to_be_visible()
    expect(run_page.get_by_role("tab", name="Model Metrics")).to_be_visible()
    expect(run_page.locator(".jp-tracker-kv", has_text="Parameters")).to_contain_text("lr")

    # Tags and the Markdown description are editable.
    run_page.get_by_label("Tag key").fill("reviewed")
    run_page.get_by_label("Tag value").fill("yes")
    run_page.get_by_role("button", name="Add tag").click()
    expect(run_page.locator(".jp-tracker-tag", has_text="reviewed")).to_be_visible()
    run_page.get_by_role("button", name="Edit description").click()
    run_page.get_by_label("Description (Markdown)").fill("Tried **warmup**.")
    run_page.get_by_role("button", name="Save").click()
    expect(run_page.locator(".jp-tracker-markdown strong")).to_have_text("warmup")

    run_page.get_by_role("tab", name="Model Metrics").click()
    chart = run_page.locator(".jp-tracker-chart[data-metric='loss']")
    expect(chart.locator("canvas, svg.marks").first).to_be_visible(timeout=20_000)
    page.screenshot(path=screenshot_dir / "run-metrics-light.png")
    set_theme(page, "JupyterLab Dark")
    page.screenshot(path=screenshot_dir / "run-metrics-dark.png")
    set_theme(page, "JupyterLab Light")


# The kernel logs a point every half second (a training loop's pace): the test watches the
# panel's chart grow meanwhile, so this sleep is the thing under test, not a wait.
LIVE_CELL = """
import time
import jupyterlab_tracker as jt

jt.set_experiment("live/kernel")
with jt.start_run(run_name="live-run"):
    for step in range(240):
        jt.log_metric("loss", 1 / (step + 1), step=step)
        jt.flush()
        time.sleep(0.5)
"""


def test_metric_appears_live_while_a_kernel_logs(page, lab_server, screenshot_dir):
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": LIVE_CELL,
            }
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    lab_server.api(
        "PUT",
        "api/contents/live.ipynb",
        data=json.dumps({"type": "notebook", "format": "json", "content": notebook}),
    ).raise_for_status()
    open_lab(page, lab_server)
    run_command(page, "docmanager:open", {"path": "live.ipynb", "kernel": {"name": "python3"}})
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    running = page.locator(".jp-Notebook .jp-InputPrompt", has_text="[*]")
    for _attempt in range(3):
        # A run request sent while the new kernel is still settling can be dropped: retry.
        run_command(page, "notebook:run-all-cells", wait=False)
        try:
            running.wait_for(timeout=10_000)
            break
        except PlaywrightTimeoutError:
            continue
    expect(running).to_be_visible()

    open_tracker(page)
    page.locator(".jp-tracker-experiment-item", has_text="live/kernel").first.click(timeout=30_000)
    row = page.locator(".jp-tracker-run-row", has_text="live-run")
    expect(row.locator(".jp-tracker-status-running")).to_be_visible(timeout=30_000)
    row.locator(".jp-tracker-run-link").click()
    page.get_by_role("tab", name="Model Metrics").click()
    caption = page.locator(".jp-tracker-chart[data-metric='loss'] figcaption")
    expect(caption).to_contain_text("point", timeout=20_000)
    first = int(caption.inner_text().split()[0])
    # The page refreshes itself: more points arrive without any click.
    page.wait_for_function(
        """first => {
            const el = document.querySelector(".jp-tracker-chart[data-metric='loss'] figcaption");
            return el && parseInt(el.textContent) >= first + 4;
        }""",
        arg=first,
        timeout=20_000,
    )
    page.screenshot(path=screenshot_dir / "live-metric.png")


def test_experiment_create_rename_delete_restore(page, lab_server):
    open_lab(page, lab_server)
    open_tracker(page)
    sidebar = page.locator(".jp-tracker-experiments")

    sidebar.get_by_role("button", name="Create experiment").click()
    page.locator(".jp-Dialog input").fill("sandbox/first-try")
    page.locator(".jp-Dialog").get_by_role("button", name="Create").click()
    item = sidebar.locator(".jp-tracker-experiment-item", has_text="first-try")
    expect(item).to_have_class(re.compile("jp-mod-selected"))

    item.hover()
    item.get_by_role("button", name="Rename sandbox/first-try").click()
    page.locator(".jp-Dialog input").fill("sandbox/second-try")
    page.locator(".jp-Dialog").get_by_role("button", name="Rename").click()
    renamed = sidebar.locator(".jp-tracker-experiment-item", has_text="second-try")
    expect(renamed).to_be_visible()

    sidebar.get_by_label("Search experiments").fill("second")
    expect(sidebar.locator(".jp-tracker-experiment-item")).to_have_count(1)

    renamed.hover()
    renamed.get_by_role("button", name="Delete sandbox/second-try").click()
    page.locator(".jp-Dialog").get_by_role("button", name="Delete").click()
    expect(renamed).to_have_count(0)

    sidebar.get_by_label("Show deleted").check()
    deleted = sidebar.locator(".jp-tracker-experiment-item.jp-mod-deleted", has_text="second-try")
    deleted.get_by_role("button", name="Restore sandbox/second-try").click()
    expect(sidebar.locator(".jp-tracker-experiment-item.jp-mod-deleted")).to_have_count(0)
    sidebar.get_by_label("Show deleted").uncheck()
    expect(renamed).to_be_visible()
    experiment = lab_server.api(
        "GET", "tracker/api/experiments/by-name", params={"name": "sandbox/second-try"}
    ).json()["experiment"]
    assert experiment["lifecycle_stage"] == "active"
