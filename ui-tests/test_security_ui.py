"""Everything read from the store is untrusted: hostile strings logged by the official
MLflow client into every field (names, tags, params, metric keys, descriptions, artifact
names and contents) are shown as text in every view of the panel and of the notebook
views, and none of their scripts runs.

Each payload sets its own ``window.__xss_<field>`` flag and calls ``alert``
(``hostile_store.py``): a test fails naming the field whose script ran, or the dialog
that opened. Flags are read in every page of the browser context, so a script that ran
in a popup (e.g. a chart's "View Source" window, which shares JupyterLab's origin) counts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from helpers import hover_chart_point, open_lab, open_tracker, run_command, set_theme
from playwright.sync_api import Page, expect

SEED_SCRIPT = Path(__file__).parent / "hostile_store.py"
NOTEBOOK = "hostile_views.ipynb"
SCRIPT_SETTLE_MS = 700  # an injected handler (onerror, onload, ontoggle) has fired by then
# What a Vega chart's action menu may offer: exports only. "View Source" and "View
# Compiled Vega" write the spec, unescaped, into a window of JupyterLab's own origin.
CHART_ACTIONS = ["Save as SVG", "Save as PNG"]


@pytest.fixture(scope="module")
def hostile(lab_server) -> dict:
    """The hostile store, written by the official MLflow client; its report (ids, names)."""
    result = subprocess.run(
        [sys.executable, str(SEED_SCRIPT)],
        env=lab_server.mlflow_env(),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=lab_server.root,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def dialogs(page: Page) -> list[str]:
    """Messages of every browser dialog (alert, confirm, prompt) opened by a page of the
    context with JupyterLab's origin; each is dismissed so the page goes on. A ``data:``
    page's origin is opaque: what runs there cannot reach the server."""
    opened: list[str] = []

    def on_dialog(target: Page, dialog) -> None:
        if not target.url.startswith("data:"):
            opened.append(dialog.message)
        dialog.dismiss()

    def watch(target: Page) -> None:
        target.on("dialog", lambda dialog: on_dialog(target, dialog))

    watch(page)
    page.context.on("page", watch)
    return opened


def assert_no_script_ran(page: Page, dialogs: list[str]) -> None:
    """No payload ran with JupyterLab's origin, in any page (a popup of ``about:blank``
    shares it; a ``data:`` page's origin is opaque and cannot reach the server)."""
    page.wait_for_timeout(SCRIPT_SETTLE_MS)
    lab_origin = page.evaluate("window.origin")
    flags = {}
    for target in page.context.pages:
        origin, found = target.evaluate(
            "[window.origin, Object.keys(window).filter(k => k.startsWith('__xss_'))]"
        )
        if found and origin == lab_origin:
            flags[target.url] = found
    assert flags == {}, f"hostile scripts ran: {flags}"
    assert dialogs == [], f"hostile dialogs opened: {dialogs}"


def check_chart_actions(page: Page, chart, dialogs: list[str]) -> None:
    """Open a chart's action menu: it offers exports only. A source view, if any is
    offered, is opened, so that a script it would run is caught."""
    embed = chart.locator(".vega-embed").first

    def menu(is_open: bool) -> None:
        if bool(embed.locator("details[open]").count()) != is_open:
            embed.locator("details > summary").click()

    menu(True)
    actions = embed.locator(".vega-actions a")
    expect(actions.first).to_be_visible()
    labels = actions.all_text_contents()
    for label in labels:
        if label not in CHART_ACTIONS:
            menu(True)
            with page.context.expect_page(timeout=5_000):
                actions.filter(has_text=label).click()
    menu(False)
    assert_no_script_ran(page, dialogs)
    assert labels == CHART_ACTIONS


def click_everything(node) -> None:
    """Click every visible link, button and summary in ``node``: none may run anything,
    JupyterLab commands included (a command linker's command may open a dialog)."""
    for clickable in node.locator("a, button, summary").all():
        if clickable.is_visible():
            label = clickable.inner_text()
            clickable.click(no_wait_after=True)
            node.page.wait_for_timeout(300)  # a command runs asynchronously
            opened = node.page.locator(".jp-Dialog").count()
            assert opened == 0, f"clicking {label!r} in stored content opened a dialog"


def open_hostile_experiment(page: Page, hostile: dict) -> None:
    open_tracker(page)
    item = page.locator(".jp-tracker-experiment-item", has_text="experiment_name").first
    expect(item.locator(".jp-tracker-experiment-name")).to_have_text(hostile["experiment_name"])
    item.click()
    expect(page.locator(".jp-tracker-runs-title")).to_have_text(hostile["experiment_name"])


def test_hostile_store_in_the_panel(page: Page, lab_server, hostile, dialogs, screenshot_dir):
    run_name = hostile["run_names"][0]
    open_lab(page, lab_server)
    set_theme(page, "JupyterLab Light")
    open_hostile_experiment(page, hostile)

    # -- runs table: names and values are text ------------------------------------------
    rows = page.locator(".jp-tracker-run-row")
    expect(rows).to_have_count(2)
    expect(rows.locator(".jp-tracker-run-name", has_text=run_name)).to_have_text(run_name)
    page.get_by_role("button", name="Columns").click()
    popover = page.locator(".jp-tracker-popover")
    for column in ("javascript:lr", "javascript:loss/x"):
        box = popover.get_by_label(column, exact=True)
        if not box.is_checked():
            box.check()
    page.get_by_role("button", name="Columns").click()
    expect(page.locator(".jp-tracker-th", has_text="javascript:loss/x")).to_be_visible()
    expect(page.get_by_text("param_value_0", exact=False).first).to_contain_text("<img src=x")

    # -- run page: Overview ------------------------------------------------------------
    rows.locator(".jp-tracker-run-name a", has_text="run_name_0").click()
    run_page = page.locator(".jp-tracker-run-page")
    expect(run_page.locator(".jp-tracker-run-title")).to_have_text(run_name)
    description = run_page.locator(".jp-tracker-description .jp-tracker-markdown")
    expect(description.locator("strong")).to_have_text("bold words")  # Markdown, rendered
    expect(description.locator("h1")).to_contain_text("Notes for run_note_0")
    expect(description).to_contain_text("Plain text after the payloads.")
    assert_no_script_ran(page, dialogs)
    for text in ("a javascript link", "a raw javascript link", "an encoded javascript link"):
        expect(description).to_contain_text(text)
    hrefs = description.evaluate(
        """node => [...node.querySelectorAll('[href], [action], [formaction], [xlink\\\\:href]')]
            .map(e => e.getAttribute('href') || e.getAttribute('action')
                || e.getAttribute('formaction') || e.getAttribute('xlink:href'))"""
    )
    assert [h for h in hrefs if not h.startswith("#")] == [], hrefs
    # Click everything clickable in it: no link runs, no command runs (the command
    # button would switch to the dark theme).
    click_everything(description)
    expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "true")
    active = description.locator("script, iframe, svg, form, [data-commandlinker-command]")
    assert active.count() == 0
    expect(run_page.locator(".jp-tracker-tag-value").first).to_contain_text("<img src=x")
    expect(run_page.locator(".jp-tracker-kv", has_text="Parameters")).to_contain_text(
        "<img src=x onerror=window.__xss_param_value_0=1"
    )
    expect(run_page.locator(".jp-tracker-kv", has_text="Metrics")).to_contain_text(
        "javascript:loss/x"
    )
    run_page.screenshot(path=screenshot_dir / "security-description-light.png")
    set_theme(page, "JupyterLab Dark")
    run_page.screenshot(path=screenshot_dir / "security-description-dark.png")
    set_theme(page, "JupyterLab Light")
    assert_no_script_ran(page, dialogs)

    # -- run page: Model Metrics ---------------------------------------------------------
    run_page.get_by_role("tab", name="Model Metrics").click()
    chart = run_page.locator(".jp-tracker-chart[data-metric='javascript:loss/x']")
    expect(chart.locator("canvas, svg.marks").first).to_be_visible(timeout=20_000)
    check_chart_actions(page, chart, dialogs)
    assert_no_script_ran(page, dialogs)

    # -- run page: Artifacts, each preview ---------------------------------------------
    run_page.get_by_role("tab", name="Artifacts").click()
    tree = run_page.locator(".jp-tracker-artifact-tree")
    preview = run_page.locator(".jp-tracker-artifact-preview")
    expect(tree.get_by_text(hostile["artifact_name"], exact=True)).to_be_visible()
    for name in (
        "notes.md",
        "report.html",
        "figure.svg",
        "analysis.ipynb",
        "table.csv",
        "data.json",
        hostile["artifact_name"],
    ):
        tree.get_by_text(name, exact=True).click()
        expect(preview.locator(".jp-tracker-preview-path")).to_have_text(name)
        expect(preview.locator(".jp-tracker-muted", has_text="Loading")).to_have_count(0)
        if name == "notes.md":
            rendered = preview.locator(".jp-tracker-markdown")
            expect(rendered.locator("strong")).to_have_text("bold words")
            click_everything(rendered)
        elif name == "report.html":
            frame = preview.locator("iframe.jp-tracker-preview-html")
            expect(frame).to_have_attribute("sandbox", "")
            expect(frame.content_frame.locator("h1")).to_have_text("report")
        elif name == "figure.svg":
            image = preview.locator("img.jp-tracker-preview-image")
            expect(image).to_be_visible()
            # Opened in a tab of its own ("Open image in new tab"), the SVG must not run
            # its scripts as JupyterLab (as it would from a blob: URL).
            tab = page.context.new_page()
            tab.goto(image.get_attribute("src"))
            assert_no_script_ran(page, dialogs)
            tab.close()
        elif name == "analysis.ipynb":
            expect(preview.locator("pre")).to_contain_text("window.__xss_ipynb_js")
        elif name == "table.csv":
            expect(preview.locator(".jp-tracker-csv th").nth(1)).to_contain_text("<img src=x")
        elif name == "data.json":
            expect(preview.locator("pre")).to_contain_text("json_value")
        assert_no_script_ran(page, dialogs)

    # -- opening the artifact URLs directly: never a document of JupyterLab's origin ---
    run_id = hostile["run_ids"][0]
    experiment_id = hostile["experiment_id"]
    urls = [
        f"{lab_server.url}tracker/api/runs/{run_id}/artifacts/content?path={quote(name)}"
        for name in ("report.html", "figure.svg")
    ] + [
        f"{lab_server.url}tracker/api/2.0/mlflow-artifacts/artifacts/"
        f"{experiment_id}/{run_id}/artifacts/{name}"
        for name in ("report.html", "figure.svg")
    ]
    page.evaluate(
        """urls => urls.forEach(url => {
            const frame = document.createElement('iframe');
            frame.className = 'xss-probe';
            frame.src = url;
            document.body.appendChild(frame);
        })""",
        urls,
    )
    assert_no_script_ran(page, dialogs)
    page.evaluate("document.querySelectorAll('.xss-probe').forEach(f => f.remove())")

    # -- compare panel -------------------------------------------------------------------
    run_page.get_by_role("button", name="Runs").first.click()
    for name in hostile["run_names"]:
        page.get_by_role("checkbox", name=f"Select {name}").check()
    page.get_by_role("button", name="Compare (2)").click()
    compare = page.locator(".jp-tracker-compare-widget")
    columns = compare.locator(".jp-tracker-compare-params thead th.jp-tracker-compare-run")
    expect(columns).to_have_count(2)
    expect(compare.locator(".jp-tracker-compare-params")).to_contain_text(
        "<img src=x onerror=window.__xss_param_value_1=1"
    )
    history = compare.locator(".jp-tracker-compare-history")
    history.get_by_label("Metric").select_option("javascript:loss/x")
    expect(history.locator("svg.marks")).to_be_visible(timeout=20_000)
    expect(history.locator("svg.marks")).to_contain_text("javascript:loss/x")  # its title
    # A tooltip shows the run's name as text.
    hover_chart_point(page, history)
    tooltip = page.locator("#vg-tooltip-element.visible")
    expect(tooltip).to_contain_text("<img src=x")
    assert "<img" not in tooltip.inner_html()
    parallel = compare.locator(".jp-tracker-compare-parallel")
    expect(parallel.locator("svg.marks")).to_be_visible(timeout=20_000)
    expect(parallel.locator("svg.marks")).to_contain_text("params.javascript:depth")
    expect(compare.locator(".jp-tracker-compare-scatter svg.marks")).to_be_visible()
    check_chart_actions(page, history, dialogs)
    assert_no_script_ran(page, dialogs)

    # -- Models list and model page ------------------------------------------------------
    page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="Experiment Tracker").click()
    page.get_by_role("tab", name="Models").click()
    model_row = page.locator(".jp-tracker-models-table tr", has_text="model_name")
    expect(model_row.locator("button.jp-tracker-link")).to_have_text(hostile["model_name"])
    expect(model_row).to_contain_text("window.__xss_model_tag")
    model_row.locator("button.jp-tracker-link").click()
    model_page = page.locator(".jp-tracker-model-page")
    expect(model_page.locator(".jp-tracker-run-title")).to_have_text(hostile["model_name"])
    expect(model_page).to_contain_text("<script>window.__xss_model_description_script=1")
    expect(model_page.locator(".jp-tracker-version-description")).to_contain_text(
        "<script>window.__xss_version_description_script=1"
    )
    expect(model_page).to_contain_text("window.__xss_version_tag")
    assert_no_script_ran(page, dialogs)


def write_notebook(lab_server, cells: list[str]) -> None:
    content = {
        "cells": [
            {
                "cell_type": "code",
                "source": source,
                "metadata": {},
                "outputs": [],
                "execution_count": None,
            }
            for source in cells
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    body = {"type": "notebook", "format": "json", "content": content}
    lab_server.api("PUT", f"api/contents/{NOTEBOOK}", data=json.dumps(body)).raise_for_status()


def test_hostile_store_in_notebook_views(page: Page, lab_server, hostile, dialogs):
    run_ids = " ".join(hostile["run_ids"])
    write_notebook(
        lab_server,
        [
            "import jupyterlab_tracker as jt\n%load_ext jupyterlab_tracker\n"
            f"jt.set_experiment(experiment_id={hostile['experiment_id']!r})",
            f"%compare {run_ids}",
            "%runs",
        ],
    )
    page.set_viewport_size({"width": 1400, "height": 2400})
    open_lab(page, lab_server)
    run_command(page, "docmanager:open", {"path": NOTEBOOK, "kernel": {"name": "python3"}})
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    page.wait_for_function(
        "() => window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel"
        "?.connectionStatus === 'connected'",
        timeout=60_000,
    )
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")

    cells = page.locator(".jp-Notebook .jp-Cell")
    compare = cells.nth(1).locator(".jp-OutputArea")
    browser = cells.nth(2).locator(".jp-OutputArea")
    expect(compare.locator(".vega-embed svg.marks")).to_have_count(3, timeout=90_000)
    diff = compare.locator(".jt-diff")
    expect(diff).to_contain_text("<img src=x onerror=window.__xss_param_value_0=1")
    expect(diff.locator("th").nth(1)).to_contain_text("run_name_0")
    parallel = compare.locator(".vega-embed svg.marks").nth(1)
    expect(parallel).to_contain_text("metrics.javascript:loss/x")  # an axis label, as text
    expect(parallel).to_contain_text("params.javascript:depth")
    expect(browser.locator(".jt-runs-table select option")).to_have_count(2, timeout=60_000)
    expect(browser.locator(".jt-runs-table select option").first).to_contain_text("<img src=x")
    check_chart_actions(page, compare, dialogs)
    assert_no_script_ran(page, dialogs)
