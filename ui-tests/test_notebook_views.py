"""Notebook views in a real JupyterLab: the magics' widgets render offline (Altair via
anywidget, no CDN), react to their controls, and send chart selections back to Python."""

from __future__ import annotations

import json

import pytest
from helpers import open_lab, set_theme
from playwright.sync_api import Page, expect

from jupyterlab_tracker import TrackerClient

NOTEBOOK = "views_demo.ipynb"
EXPERIMENT = "views/demo"
RUNS = [  # name, lr, optimizer, final accuracy
    ("calm-fox", 0.1, "sgd", 0.71),
    ("brave-owl", 0.03, "adam", 0.83),
    ("odd-yak", 0.01, "adam", 0.91),
    ("keen-elk", 0.003, "adam", 0.88),
]
CELLS = [
    "import jupyterlab_tracker as jt\n%load_ext jupyterlab_tracker\n"
    f"%tracker_experiment {EXPERIMENT}",
    "w = %compare " + " ".join(name for name, *_ in RUNS) + "\nw",
    "%%track --name live-demo --params epochs\nimport time\nepochs = 10\n"
    "for step in range(epochs):\n"
    "    jt.log_metric('loss', 1 / (step + 1), step=step)\n"
    "    time.sleep(0.5)",  # a training step's pace: the live chart is drawn meanwhile
    "browser = %runs params.optimizer = 'adam'\nbrowser",
    "print('SELECTED', sorted(w.selected_runs))",
]


@pytest.fixture(scope="module")
def seeded_runs(lab_server) -> dict[str, str]:
    """The demo runs, written with the client into the server's store: name -> run id."""
    client = TrackerClient(f"sqlite:///{lab_server.root / 'tracker.db'}")
    experiment_id = client.create_experiment(EXPERIMENT)
    run_ids = {}
    for name, lr, optimizer, accuracy in RUNS:
        run_id = client.create_run(experiment_id, run_name=name).info.run_id
        client.log_params(run_id, {"lr": lr, "optimizer": optimizer, "epochs": 5})
        for step in range(5):
            client.log_metric(run_id, "loss", (1 - accuracy) * 2 / (step + 1), step=step)
            client.log_metric(run_id, "accuracy", accuracy * (step + 1) / 5, step=step)
        client.set_terminated(run_id)
        run_ids[name] = run_id
    client.close()
    return run_ids


@pytest.fixture(scope="module")
def notebook(lab_server, seeded_runs) -> str:
    cells = [
        {
            "cell_type": "code",
            "source": source,
            "metadata": {},
            "outputs": [],
            "execution_count": None,
        }
        for source in CELLS
    ]
    content = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    body = {"type": "notebook", "format": "json", "content": content}
    lab_server.api("PUT", f"api/contents/{NOTEBOOK}", data=json.dumps(body)).raise_for_status()
    return NOTEBOOK


def run_all_cells(page: Page) -> None:
    """Start running every cell; return at once (the command's promise waits for all)."""
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")


def run_cell(page: Page, index: int) -> None:
    page.evaluate(
        """index => {
            window.jupyterapp.shell.currentWidget.content.activeCellIndex = index;
            return window.jupyterapp.commands.execute('notebook:run-cell');
        }""",
        index,
    )


def cell_output(page: Page, index: int):
    return page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-OutputArea")


def charts(output):
    """The rendered Altair charts (Vega draws SVG here) in a cell's output."""
    return output.locator(".vega-embed svg.marks")


def drag_around(page: Page, box: dict, margin: float = 18) -> None:
    """Brush a rectangle around one mark with the mouse."""
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - margin, y - margin)
    page.mouse.down()
    page.mouse.move(x, y, steps=5)
    page.mouse.move(x + margin, y + margin, steps=5)
    page.mouse.up()


def test_notebook_views_render_offline_and_select(
    page: Page, lab_server, notebook, seeded_runs, screenshot_dir
):
    remote_requests = []
    page.on(
        "request",
        lambda r: (
            remote_requests.append(r.url)
            if r.url.startswith("http") and not r.url.startswith(lab_server.url)
            else None
        ),
    )
    page.set_viewport_size({"width": 1400, "height": 2400})  # the widgets fit unscrolled
    open_lab(page, lab_server)
    set_theme(page, "JupyterLab Light")
    page.evaluate("path => window.jupyterapp.commands.execute('docmanager:open', {path})", notebook)
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    run_all_cells(page)

    compare, live, browser = cell_output(page, 1), cell_output(page, 2), cell_output(page, 3)
    # The %%track cell's chart draws lines while the cell still runs.
    prompt_when_drawn = page.wait_for_function(
        """() => {
            const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[2];
            return cell.querySelector('.vega-embed .mark-line path')
                && cell.querySelector('.jp-InputPrompt').textContent;
        }""",
        timeout=60_000,
    ).json_value()
    assert prompt_when_drawn == "[*]:"
    live_prompt = page.locator(".jp-Notebook .jp-Cell").nth(2).locator(".jp-InputPrompt")
    # The compare widget's three charts: metric history, parallel coordinates, scatter.
    expect(charts(compare)).to_have_count(3, timeout=60_000)
    expect(compare.locator(".jt-diff tr.jt-differs")).to_have_count(2)  # lr and optimizer
    # Once the cell finished, one chart with the run's name.
    expect(live_prompt).not_to_have_text("[*]:", timeout=30_000)
    expect(charts(live)).to_have_count(1)
    expect(live.locator(".vega-embed svg.marks text", has_text="live-demo")).to_have_count(1)
    # The runs browser, filtered to the three adam runs.
    expect(browser.locator(".jt-runs-table select option")).to_have_count(3)
    assert remote_requests == [], "nothing may load from outside the server"

    # The metric dropdown redraws the history chart.
    history = charts(compare).nth(0)
    expect(history.locator("text", has_text="accuracy").first).to_be_visible()
    compare.locator(".widget-dropdown select").first.select_option("loss")
    expect(
        history.locator("text.role-title-text, .role-title text", has_text="loss")
    ).to_have_count(1)

    # Brushing the scatter (lr against accuracy) around the highest-lr point selects its run.
    scatter = charts(compare).nth(2)
    scatter.scroll_into_view_if_needed()
    points = scatter.locator(".mark-symbol.role-mark path")  # not the legend's
    expect(points).to_have_count(len(RUNS))
    boxes = [points.nth(i).bounding_box() for i in range(len(RUNS))]
    drag_around(page, max(boxes, key=lambda b: b["x"]))
    expect(compare.locator(".jt-selected-runs")).to_contain_text("calm-fox")
    compare.screenshot(path=screenshot_dir / "notebook-compare-light.png")

    # Python sees the selection.
    run_cell(page, 4)
    expect(cell_output(page, 4)).to_contain_text(f"SELECTED ['{seeded_runs['calm-fox']}']")

    live.screenshot(path=screenshot_dir / "notebook-live-light.png")
    browser.screenshot(path=screenshot_dir / "notebook-runs-light.png")
    set_theme(page, "JupyterLab Dark")
    compare.screenshot(path=screenshot_dir / "notebook-compare-dark.png")
    browser.screenshot(path=screenshot_dir / "notebook-runs-dark.png")
    live.screenshot(path=screenshot_dir / "notebook-live-dark.png")
    set_theme(page, "JupyterLab Light")
