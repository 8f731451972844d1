"""The runs view's chart view: a chart per metric over the visible runs, a search over metric
names, runs hidden from the charts, and a zoom that survives the refresh, in both themes."""

from __future__ import annotations

import math
import time

from helpers import open_lab, open_tracker, seed_experiment, select_experiment, set_theme
from playwright.sync_api import expect

EXPERIMENT = "sweeps/charts"
METRICS = ["accuracy", "loss", "val_loss"]
RUNS = 5
STEPS = 40


def runs() -> list[dict]:
    return [
        {
            "name": f"trial-{n}",
            # The last run is live: the chart view keeps fetching its histories.
            "status": "RUNNING" if n == RUNS - 1 else "FINISHED",
            "metrics": {
                "accuracy": [1 - math.exp(-s / (5 + n)) for s in range(STEPS)],
                "loss": [math.exp(-s / (8 + n)) + 0.02 * n for s in range(STEPS)],
                "val_loss": [math.exp(-s / (9 + n)) + 0.05 + 0.02 * n for s in range(STEPS)],
            },
        }
        for n in range(RUNS)
    ]


def chart(page, key: str):
    return page.locator(f".jp-tracker-runs-chart[data-metric='{key}']")


def series(page, key: str) -> list[str]:
    """The runs the drawn Vega view of a chart has data for."""
    return chart(page, key).evaluate(
        """el => {
            const view = el.trackerVegaView;
            if (!view) return null;
            return [...new Set(view.data('source_0').map(d => d.run))].sort();
        }"""
    )


def x_domain(page, key: str) -> list[float]:
    return chart(page, key).evaluate("el => el.trackerVegaView.scale('x').domain()")


def wait_for_series(page, key: str, expected: list[str]) -> None:
    deadline = time.monotonic() + 15
    while series(page, key) != expected:
        assert time.monotonic() < deadline, (key, series(page, key), expected)
        page.wait_for_timeout(100)


def test_a_chart_per_metric_search_hide_and_zoom_across_refreshes(page, lab_server, screenshot_dir):
    experiment_id = seed_experiment(lab_server, EXPERIMENT, runs())
    page.set_viewport_size({"width": 1300, "height": 900})
    open_lab(page, lab_server)
    set_theme(page, "JupyterLab Light")
    open_tracker(page)
    select_experiment(page, EXPERIMENT)
    expect(page.locator(".jp-tracker-run-row")).to_have_count(RUNS)

    page.get_by_role("button", name="Charts", exact=True).click()
    expect(page.locator(".jp-tracker-run-row")).to_have_count(0)
    charts = page.locator(".jp-tracker-runs-chart")
    expect(charts).to_have_count(len(METRICS))
    names = sorted(f"trial-{n}" for n in range(RUNS))
    for key in METRICS:
        wait_for_series(page, key, names)

    # The search keeps the charts whose metric name matches.
    search = page.get_by_label("Search metrics")
    search.fill("loss")
    expect(charts).to_have_count(2)
    assert charts.evaluate_all("els => els.map(e => e.dataset.metric)") == ["loss", "val_loss"]
    search.fill("nothing-like-it")
    expect(charts).to_have_count(0)
    expect(page.get_by_text("No metric matches")).to_be_visible()
    search.fill("")
    expect(charts).to_have_count(len(METRICS))

    # Hiding a run takes its line out of every chart; showing it brings it back.
    legend = page.get_by_role("list", name="Runs in the charts")
    hide = legend.get_by_role("button", name="trial-2", exact=True)
    expect(hide).to_have_attribute("aria-pressed", "true")
    hide.click()
    expect(hide).to_have_attribute("aria-pressed", "false")
    for key in METRICS:
        wait_for_series(page, key, [n for n in names if n != "trial-2"])

    # Zoom into the loss chart with the wheel, as a user does.
    wait_for_series(page, "loss", [n for n in names if n != "trial-2"])
    before = x_domain(page, "loss")
    box = chart(page, "loss").locator("canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    deadline = time.monotonic() + 10
    while x_domain(page, "loss") == before:
        assert time.monotonic() < deadline, "the wheel did not zoom"
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)
    zoomed = x_domain(page, "loss")
    assert zoomed[1] - zoomed[0] < before[1] - before[0]

    # Past several refreshes (2 s by default) with nothing new: the same zoom.
    page.wait_for_timeout(5000)
    assert x_domain(page, "loss") == zoomed

    # New points of the live run: the chart is drawn again with them, and keeps the zoom.
    live = lab_server.api(
        "POST",
        "tracker/api/runs/search",
        json={"experiment_ids": [experiment_id], "filter": "attributes.status = 'RUNNING'"},
    )
    live.raise_for_status()
    run_id = live.json()["runs"][0]["info"]["run_id"]
    lab_server.api(
        "POST",
        f"tracker/api/runs/{run_id}/batch",
        json={
            "metrics": [
                {"key": "loss", "value": 0.01, "timestamp": 1_700_000_100_000, "step": STEPS}
            ]
        },
    ).raise_for_status()
    deadline = time.monotonic() + 15
    while not chart(page, "loss").evaluate(
        f"el => el.trackerVegaView.data('source_0').some(d => d.step === {STEPS})"
    ):
        assert time.monotonic() < deadline, "the new point was not drawn"
        page.wait_for_timeout(200)
    assert x_domain(page, "loss") == zoomed

    for theme, shot in (
        ("JupyterLab Light", "runs-charts-light.png"),
        ("JupyterLab Dark", "runs-charts-dark.png"),
    ):
        set_theme(page, theme)
        page.wait_for_timeout(800)
        for key in METRICS:
            wait_for_series(page, key, [n for n in names if n != "trial-2"])
        page.locator(".jp-tracker-runs").screenshot(path=screenshot_dir / shot)
    # A redraw for the theme keeps the zoom too.
    assert x_domain(page, "loss") == zoomed

    hide.click()
    wait_for_series(page, "loss", names)
