"""Compare's layout: charts as wide as the panel, following its resizes; every run in
view; parallel coordinates with a scale per axis, text params drawn as categories."""

from __future__ import annotations

import pytest
from helpers import (
    open_lab,
    open_tracker,
    run_command,
    run_ids_by_name,
    seed_experiment,
    set_theme,
)
from playwright.sync_api import expect

EXPERIMENT = "compare/layout"
RUNS = [
    {
        "name": "north-wind-1",
        "params": {"lr": 0.1, "class_weight": "balanced", "depth": 4},
        "metrics": {"loss": [1.0, 0.6, 0.4], "f1": [0.6, 0.7, 0.8]},
    },
    {
        "name": "south-wind-2",
        "params": {"lr": 0.01, "class_weight": "none", "depth": 6},
        "metrics": {"loss": [1.1, 0.8, 0.7], "f1": [0.5, 0.6, 0.65]},
    },
    {
        "name": "east-wind-3",
        "params": {"lr": 0.05, "class_weight": "balanced", "depth": 8},
        "metrics": {"loss": [0.9, 0.5, 0.3], "f1": [0.7, 0.8, 0.9]},
    },
]

# How far a chart's drawing is from its section's width, in pixels, at most.
SLACK = 48


@pytest.fixture(scope="module")
def run_ids(lab_server):
    experiment_id = seed_experiment(lab_server, EXPERIMENT, RUNS)
    return run_ids_by_name(lab_server, experiment_id)


def chart_fills(page, section: str) -> bool:
    """Whether the chart in ``section`` is as wide as the section (less its padding)."""
    return page.evaluate(
        """([selector, slack]) => {
            const section = document.querySelector(selector);
            const svg = section && section.querySelector('svg.marks');
            if (!svg) { return false; }
            const room = section.clientWidth;
            const drawn = svg.getBoundingClientRect().width;
            return room > 0 && drawn <= room + 1 && drawn >= room - slack;
        }""",
        [section, SLACK],
    )


def widths(page, section: str) -> tuple[float, float]:
    return tuple(
        page.evaluate(
            """(selector) => {
                const section = document.querySelector(selector);
                return [section.clientWidth,
                        section.querySelector('svg.marks').getBoundingClientRect().width];
            }""",
            section,
        )
    )


def test_compare_charts_fill_the_panel_and_follow_its_resizes(
    page, lab_server, run_ids, screenshot_dir
):
    open_lab(page, lab_server)
    open_tracker(page)
    run_command(page, "jupyterlab-tracker:compare", {"runIds": list(run_ids.values())})
    compare = page.locator(".jp-tracker-compare-widget")
    parallel = compare.locator(".jp-tracker-compare-parallel")
    history = compare.locator(".jp-tracker-compare-history")
    expect(parallel.locator("svg.marks .mark-line path")).to_have_count(3)
    expect(history.locator("svg.marks .mark-line path")).to_have_count(3)

    sections = [
        ".jp-tracker-compare-widget .jp-tracker-compare-history",
        ".jp-tracker-compare-widget .jp-tracker-compare-parallel",
        ".jp-tracker-compare-widget .jp-tracker-compare-scatter",
    ]
    for section in sections:
        page.wait_for_function(
            """([selector, slack]) => {
                const section = document.querySelector(selector);
                const svg = section && section.querySelector('svg.marks');
                if (!svg) { return false; }
                const room = section.clientWidth, drawn = svg.getBoundingClientRect().width;
                return room > 0 && drawn <= room + 1 && drawn >= room - slack;
            }""",
            arg=[section, SLACK],
        )
    before = widths(page, sections[1])

    # Narrow the panel without a window resize: open the left sidebar's file browser
    # (the compare widget fills the main area) or close it, whichever changes the width.
    run_command(page, "application:toggle-left-area")
    page.wait_for_function(
        """([selector, width]) => {
            const section = document.querySelector(selector);
            return section && Math.abs(section.clientWidth - width) > 100;
        }""",
        arg=[sections[1], before[0]],
    )
    for section in sections:
        page.wait_for_function(
            """([selector, slack]) => {
                const section = document.querySelector(selector);
                const svg = section && section.querySelector('svg.marks');
                if (!svg) { return false; }
                const room = section.clientWidth, drawn = svg.getBoundingClientRect().width;
                return room > 0 && drawn <= room + 1 && drawn >= room - slack;
            }""",
            arg=[section, SLACK],
        )
    after = widths(page, sections[1])
    assert abs(after[1] - before[1]) > 100, (before, after)

    # Every run is in view: the run columns fit in the panel.
    box = compare.bounding_box()
    headers = compare.locator(".jp-tracker-compare-params thead th.jp-tracker-compare-run")
    expect(headers).to_have_count(3)
    for i in range(3):
        header = headers.nth(i).bounding_box()
        assert header["x"] >= box["x"] and header["x"] + header["width"] <= box["x"] + box["width"]

    # Parallel coordinates: the text param is an axis with its categories as labels, every
    # axis has its own scale, and every run crosses every axis.
    texts = parallel.locator("svg.marks text")
    expect(texts.filter(has_text="balanced")).to_have_count(1)
    expect(texts.filter(has_text="none")).to_have_count(1)
    expect(texts.filter(has_text="params.class_weight")).to_have_count(1)
    expect(texts.filter(has_text="params.lr")).to_have_count(1)
    expect(texts.filter(has_text="0.01")).to_have_count(1)  # lr's lowest
    expect(texts.filter(has_text="0.1")).not_to_have_count(0)  # lr's highest
    expect(parallel.locator("svg.marks .mark-symbol path")).to_have_count(3 * 5)

    for theme, suffix in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
        set_theme(page, theme)
        expect(parallel.locator("svg.marks .mark-line path")).to_have_count(3)
        page.wait_for_timeout(800)  # the theme settles, then charts redraw
        parallel.scroll_into_view_if_needed()
        page.screenshot(path=screenshot_dir / f"compare-layout-{suffix}.png")
    set_theme(page, "JupyterLab Light")
