"""Accessibility of the panel: sortable headers by keyboard, the tabs pattern, the filter
box's roles, and text contrast (WCAG's 4.5:1) of every text on screen in both themes,
with the footer, the versions table's headers and "Failed" named."""

from __future__ import annotations

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

EXPERIMENT = "a11y/contrast"
MODEL = "a11y-model"
RUNS = [
    {"name": "done-run", "params": {"lr": 0.1}, "metrics": {"acc": [0.5, 0.7]}},
    {"name": "failed-run", "status": "FAILED", "params": {"lr": 0.2}, "metrics": {"acc": [0.4]}},
    {"name": "killed-run", "status": "KILLED", "params": {"lr": 0.3}},
    {"name": "live-run", "status": "RUNNING", "params": {"lr": 0.4}},
]

# The WCAG contrast of each visible text from its computed colours: the text colour, alpha
# included, over the first opaque background among its ancestors (layers with alpha
# composed on the way); rgb(), rgba() and color(srgb ...) (what color-mix() computes to).
CONTRAST_JS = """
(root, selector) => {
  const parse = value => {
    let m = /rgba?\\(([^)]+)\\)/.exec(value);
    if (m) {
      const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    }
    m = /color\\(srgb ([^)]+)\\)/.exec(value);
    if (m) {
      const p = m[1].split(/[ /]+/).filter(Boolean).map(Number);
      return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1];
    }
    throw new Error('unparsed colour ' + value);
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const background = el => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const color = parse(getComputedStyle(node).backgroundColor);
      if (color[3] > 0) {
        layers.push(color);
        if (color[3] >= 1) break;
      }
    }
    let result = [255, 255, 255, 1];
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  };
  const luminance = c => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = el => {
    const bg = background(el);
    const fg = over(parse(getComputedStyle(el).color), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
  };
  const visible = el => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility === 'visible' && box.width > 0 && box.height > 0
      && !el.closest(':disabled, [aria-disabled="true"], [aria-hidden="true"]');
  };
  const hasText = el => [...el.childNodes].some(
    n => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  const elements = selector
    ? [...root.querySelectorAll(selector)]
    : [...root.querySelectorAll('*')].filter(hasText);
  return elements.filter(visible).map(el => ({
    text: el.textContent.trim().slice(0, 40),
    cls: String(el.className).slice(0, 80),
    ratio: Math.round(ratio(el) * 100) / 100,
  }));
}
"""


def contrasts(locator, selector: str | None = None) -> list[dict]:
    return locator.evaluate(CONTRAST_JS, selector)


def below(found: list[dict], minimum: float = 4.5) -> list[dict]:
    return [f for f in found if f["ratio"] < minimum]


@pytest.fixture(scope="module")
def seeded(lab_server):
    experiment_id = seed_experiment(lab_server, EXPERIMENT, RUNS)
    run_ids = run_ids_by_name(lab_server, experiment_id)
    lab_server.api("POST", "tracker/api/registered-models", json={"name": MODEL}).raise_for_status()
    lab_server.api(
        "POST",
        "tracker/api/model-versions",
        json={
            "name": MODEL,
            "source": f"runs:/{run_ids['done-run']}/model",
            "run_id": run_ids["done-run"],
        },
    ).raise_for_status()
    return run_ids


def test_a_sortable_header_is_reached_by_tab_and_sorts_with_enter(page, lab_server, seeded):
    open_lab(page, lab_server)
    open_tracker(page)
    select_experiment(page, EXPERIMENT)
    expect(page.locator(".jp-tracker-run-row")).to_have_count(4)
    created = page.get_by_role("columnheader", name="Created")
    expect(created).to_have_attribute("aria-sort", "descending")

    page.locator(".jp-tracker-filter-input").focus()
    button = created.get_by_role("button", name="Created")
    for _ in range(12):  # the table, select all, the run name and its edge, then Created
        page.keyboard.press("Tab")
        if button.evaluate("el => el === document.activeElement"):
            break
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(created).to_have_attribute("aria-sort", "ascending")
    expect(page.locator(".jp-tracker-run-row").first).to_contain_text("done-run")
    page.keyboard.press(" ")
    expect(created).to_have_attribute("aria-sort", "descending")
    expect(page.locator(".jp-tracker-run-row").first).to_contain_text("live-run")
    # Only the sorted column says how it is sorted; the table is a tree grid of rows.
    expect(page.locator("[role=columnheader][aria-sort]")).to_have_count(1)
    table = page.get_by_role("treegrid", name="Runs")
    expect(table).to_have_attribute("aria-rowcount", "5")  # the header row and 4 runs
    expect(table.get_by_role("row")).to_have_count(5)
    # The run name opens the run from a button, not a placeholder link.
    assert page.locator(".jp-tracker-runs a[href='#']").count() == 0
    expect(
        page.locator(".jp-tracker-run-row").first.get_by_role("button", name="live-run")
    ).to_be_visible()


def test_the_panel_tabs_follow_the_tabs_pattern(page, lab_server, seeded):
    open_lab(page, lab_server)
    open_tracker(page)
    tablist = page.get_by_role("tablist", name="Experiment Tracker")
    experiments = tablist.get_by_role("tab", name="Experiments")
    models = tablist.get_by_role("tab", name="Models")
    expect(experiments).to_have_attribute("aria-selected", "true")
    expect(experiments).to_have_attribute("tabindex", "0")
    expect(models).to_have_attribute("tabindex", "-1")
    panel = page.locator(".jp-tracker-panel [role=tabpanel]")
    expect(panel).to_have_attribute("aria-labelledby", experiments.get_attribute("id"))

    experiments.focus()
    page.keyboard.press("ArrowRight")
    expect(models).to_be_focused()
    expect(models).to_have_attribute("aria-selected", "true")
    expect(page.locator(".jp-tracker-models")).to_be_visible()
    expect(panel).to_have_attribute("aria-labelledby", models.get_attribute("id"))
    page.keyboard.press("ArrowRight")  # wraps around
    expect(experiments).to_be_focused()
    expect(experiments).to_have_attribute("aria-selected", "true")
    page.keyboard.press("End")
    expect(models).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Home")
    expect(experiments).to_have_attribute("aria-selected", "true")
    expect(page.locator(".jp-tracker-experiments")).to_be_visible()


def test_the_filter_box_is_a_labelled_combobox_with_its_error_described(page, lab_server, seeded):
    open_lab(page, lab_server)
    open_tracker(page)
    select_experiment(page, EXPERIMENT)
    expect(page.get_by_role("search", name="Run filter")).to_be_visible()
    box = page.get_by_role("combobox", name="Filter runs")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.fill("params.l")
    expect(box).to_have_attribute("aria-expanded", "true")
    listbox = page.locator("#" + box.get_attribute("aria-controls").replace(":", "\\:"))
    expect(listbox.get_by_role("option", name="params.lr")).to_be_visible()
    active = box.get_attribute("aria-activedescendant")
    expect(listbox.locator(f"[id='{active}']")).to_have_attribute("aria-selected", "true")

    box.fill("params.lr ===")
    box.press("Enter")
    expect(box).to_have_attribute("aria-invalid", "true")
    error = page.locator(".jp-tracker-filter-error")
    expect(error).to_be_visible()
    expect(box).to_have_attribute("aria-describedby", error.get_attribute("id"))
    expect(error).to_have_attribute("role", "alert")


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_text_contrast_is_at_least_4_5_to_1(page, lab_server, seeded, theme, screenshot_dir):
    open_lab(page, lab_server)
    set_theme(page, theme)
    open_tracker(page)
    select_experiment(page, EXPERIMENT)
    expect(page.locator(".jp-tracker-run-row")).to_have_count(4)
    footer = page.locator(".jp-tracker-server-line")
    expect(footer.locator(".jp-tracker-server-version")).to_be_visible()
    panel = page.locator(".jp-tracker-panel")
    shot = "a11y-" + ("light" if theme.endswith("Light") else "dark")

    # The footer, named by the issue: each of its texts.
    named = contrasts(footer, "*")
    assert len(named) >= 3, named
    assert not below(named), (theme, below(named))
    # A selected row and the hovered header still read.
    page.get_by_role("checkbox", name="Select failed-run").check()
    page.get_by_role("columnheader", name="Created").hover()
    # Everything else the runs view shows.
    found = contrasts(panel)
    assert len(found) > 20, found
    assert not below(found), (theme, below(found))
    panel.screenshot(path=screenshot_dir / f"{shot}-runs.png")

    # "Failed" on its run page, named by the issue.
    page.locator(".jp-tracker-run-link", has_text="failed-run").click()
    status = page.locator(".jp-tracker-status-text", has_text="Failed")
    expect(status).to_be_visible()
    failed = contrasts(page.locator(".jp-tracker-run-page"), ".jp-tracker-status-text")
    assert failed and not below(failed), (theme, failed)
    assert not below(contrasts(panel)), (theme, below(contrasts(panel)))

    # The versions table's headers, named by the issue.
    page.get_by_role("tab", name="Models").click()
    page.get_by_role("button", name=MODEL).click()
    headers = page.locator(".jp-tracker-grid-table th")
    expect(headers.first).to_be_visible()
    found = contrasts(page.locator(".jp-tracker-grid-table"), "th")
    assert len(found) >= 5, found
    assert not below(found), (theme, below(found))
    assert not below(contrasts(panel)), (theme, below(contrasts(panel)))
    panel.screenshot(path=screenshot_dir / f"{shot}-model.png")


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
@pytest.mark.parametrize("width", [1400, 560])
def test_screenshots_at_a_normal_and_a_narrow_width(
    page, lab_server, seeded, theme, width, screenshot_dir
):
    page.set_viewport_size({"width": width, "height": 700})
    open_lab(page, lab_server)
    set_theme(page, theme)
    run_command(page, "application:toggle-left-area")  # the panel takes the width
    open_tracker(page)
    select_experiment(page, EXPERIMENT)
    expect(page.locator(".jp-tracker-run-row")).to_have_count(4)
    runs = page.locator(".jp-tracker-runs")
    if width < 1000:
        assert page.locator(".jp-tracker-panel").bounding_box()["width"] <= 520
    # However narrow, the header's controls stay whole: none is cut or drawn over another.
    header = page.locator(".jp-tracker-runs-header")
    assert header.evaluate("el => el.scrollWidth <= el.clientWidth")
    boxes = [
        c.bounding_box()
        for c in header.locator(".jp-tracker-runs-actions > *").all()
        if c.is_visible()
    ]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            overlap_x = min(a["x"] + a["width"], b["x"] + b["width"]) - max(a["x"], b["x"])
            overlap_y = min(a["y"] + a["height"], b["y"] + b["height"]) - max(a["y"], b["y"])
            assert overlap_x <= 0 or overlap_y <= 0, (a, b)
    name = "light" if theme.endswith("Light") else "dark"
    runs.screenshot(path=screenshot_dir / f"a11y-{name}-{width}.png")
