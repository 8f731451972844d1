"""The run page: its System Metrics tab with metrics a real run sampled, its tabs and its
artifact tree by keyboard."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import open_lab, open_tracker, run_command, set_theme
from playwright.sync_api import expect

EXPERIMENT = "runpage/system"

# A run that samples system metrics (three samples, taken now rather than every 10 s),
# logs a loss and a small artifact tree; and a run without system metrics.
SCRIPT = """
import json, sys, tempfile, pathlib
import jupyterlab_tracker as jt
from jupyterlab_tracker.client import fluent

jt.set_experiment(sys.argv[1])
with jt.start_run(run_name="sampled", log_system_metrics=True) as run:
    monitor = fluent.system_metrics_monitor(run.info.run_id)
    for step in range(3):
        monitor.sample_once()
        jt.log_metric("loss", 1 / (step + 1), step=step)
    folder = pathlib.Path(tempfile.mkdtemp())
    (folder / "notes.txt").write_text("sampled notes")
    (folder / "deeper").mkdir()
    (folder / "deeper" / "inner.txt").write_text("inner text")
    jt.log_artifact(str(folder / "notes.txt"), artifact_path="outputs")
    jt.log_artifact(str(folder / "deeper" / "inner.txt"), artifact_path="outputs/deeper")
with jt.start_run(run_name="quiet", log_system_metrics=False) as quiet:
    jt.log_metric("loss", 0.5)
print(json.dumps({
    "experiment": run.info.experiment_id, "sampled": run.info.run_id, "quiet": quiet.info.run_id
}))
"""


@pytest.fixture(scope="module")
def runs(lab_server):
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, EXPERIMENT],
        env={**lab_server.mlflow_env(), "JUPYTERLAB_TRACKER_TOKEN": lab_server.token},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def open_run(page, lab_server, runs, name: str):
    open_lab(page, lab_server)
    open_tracker(page)
    run_command(
        page, "jupyterlab-tracker:open", {"experimentId": runs["experiment"], "runId": runs[name]}
    )
    run_page = page.locator(".jp-tracker-run-page")
    expect(run_page.locator(".jp-tracker-run-title")).to_have_text(name)
    return run_page


def test_system_metrics_have_their_own_tab(page, lab_server, runs, screenshot_dir):
    run_page = open_run(page, lab_server, runs, "sampled")
    # Overview: the metrics table lists the model's metrics; system ones are counted apart.
    metrics = run_page.locator(".jp-tracker-kv", has_text="Metrics")
    expect(metrics.locator("th[scope='row']")).to_have_text(["loss"])
    metrics.get_by_role("button", name="System Metrics").click()

    tab = run_page.get_by_role("tab", name="System Metrics")
    expect(tab).to_have_attribute("aria-selected", "true")
    panel = run_page.get_by_role("tabpanel")
    for group in ("cpu", "process", "memory-percent", "memory-mb", "disk-percent", "disk-mb"):
        chart = panel.locator(f".jp-tracker-chart[data-system-group='{group}']")
        expect(chart.locator("canvas, svg.marks").first).to_be_visible(timeout=20_000)
        expect(chart.locator("figcaption")).to_contain_text("points")
    expect(panel.locator(".jp-tracker-chart[data-system-group='disk-mb'] figcaption")).to_have_text(
        "6 points"  # used and available, three samples each
    )
    latest = panel.locator(".jp-tracker-kv", has_text="Latest values")
    cpu_row = latest.locator("tr", has_text="system/cpu_utilization_percentage")
    expect(cpu_row.locator("td")).to_contain_text("%")
    rss_row = latest.locator("tr", has_text="system/process_rss_megabytes")
    expect(rss_row.locator("td")).to_contain_text("MB")
    for theme, suffix in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
        set_theme(page, theme)
        charts = panel.locator(".jp-tracker-chart canvas, .jp-tracker-chart svg.marks")
        expect(charts.first).to_be_visible()
        page.wait_for_timeout(600)  # the theme settles, then charts redraw
        page.screenshot(path=screenshot_dir / f"run-system-{suffix}.png")
    set_theme(page, "JupyterLab Light")

    # Model Metrics keeps to the model's metrics.
    run_page.get_by_role("tab", name="Model Metrics").click()
    expect(run_page.locator(".jp-tracker-chart[data-metric='loss']")).to_be_visible()
    expect(run_page.locator(".jp-tracker-chart[data-metric^='system/']")).to_have_count(0)


def test_a_run_without_system_metrics_says_how_to_log_them(page, lab_server, runs):
    run_page = open_run(page, lab_server, runs, "quiet")
    run_page.get_by_role("tab", name="System Metrics").click()
    panel = run_page.get_by_role("tabpanel")
    expect(panel).to_contain_text("This run logged no system metrics.")
    expect(panel.locator(".jp-tracker-snippet-code").first).to_contain_text(
        "jt.start_run(log_system_metrics=True)"
    )
    expect(panel).to_contain_text("%%track")


def test_tabs_and_artifact_tree_by_keyboard(page, lab_server, runs, screenshot_dir):
    run_page = open_run(page, lab_server, runs, "sampled")
    tabs = run_page.get_by_role("tab")
    expect(tabs).to_have_text(["Overview", "Model Metrics", "System Metrics", "Artifacts"])
    overview = run_page.get_by_role("tab", name="Overview")
    overview.focus()
    page.keyboard.press("ArrowRight")
    metrics_tab = run_page.get_by_role("tab", name="Model Metrics")
    expect(metrics_tab).to_be_focused()
    expect(metrics_tab).to_have_attribute("aria-selected", "true")
    expect(overview).to_have_attribute("tabindex", "-1")
    panel = run_page.get_by_role("tabpanel")
    expect(panel).to_have_attribute("aria-labelledby", metrics_tab.get_attribute("id"))
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # wraps to the last tab
    artifacts_tab = run_page.get_by_role("tab", name="Artifacts")
    expect(artifacts_tab).to_be_focused()
    expect(artifacts_tab).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Home")
    expect(overview).to_be_focused()
    page.keyboard.press("End")
    expect(artifacts_tab).to_be_focused()

    tree = run_page.get_by_role("tree", name="Artifacts")
    run_files = tree.get_by_role("treeitem", name="Run files")
    expect(run_files).to_have_attribute("aria-expanded", "true")
    outputs = tree.get_by_role("treeitem", name="outputs")
    expect(outputs).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Tab")  # to the tab's panel,
    expect(run_page.get_by_role("tabpanel")).to_be_focused()
    page.keyboard.press("Tab")  # then into the tree: one row takes the focus
    expect(run_files).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(outputs).to_be_focused()
    page.keyboard.press("ArrowRight")  # opens it
    expect(outputs).to_have_attribute("aria-expanded", "true")
    deeper = tree.get_by_role("treeitem", name="deeper")
    notes = tree.get_by_role("treeitem", name="notes.txt")
    expect(deeper).to_have_attribute("aria-level", "3")
    page.keyboard.press("ArrowRight")  # goes in
    expect(deeper).to_be_focused()
    page.keyboard.press("Enter")  # a directory: opens it
    expect(deeper).to_have_attribute("aria-expanded", "true")
    inner = tree.get_by_role("treeitem", name="inner.txt")
    expect(inner).to_have_attribute("aria-level", "4")
    page.keyboard.press("End")
    expect(notes).to_be_focused()
    page.keyboard.press("Enter")
    expect(notes).to_have_attribute("aria-selected", "true")
    preview = run_page.locator(".jp-tracker-preview[data-path='outputs/notes.txt']")
    expect(preview).to_contain_text("sampled notes")
    page.keyboard.press("ArrowLeft")  # a file: to its directory
    expect(outputs).to_be_focused()
    page.keyboard.press("ArrowLeft")  # closes it
    expect(outputs).to_have_attribute("aria-expanded", "false")
    expect(notes).to_have_count(0)
    page.keyboard.press("ArrowUp")
    expect(run_files).to_be_focused()
    page.screenshot(path=screenshot_dir / "run-artifacts-keyboard-light.png")
