"""Names are text, never markup: an experiment named like an XSS payload is shown
literally in the panel and its HTML never runs."""

from __future__ import annotations

from helpers import open_lab, open_tracker, seed_experiment, select_experiment
from playwright.sync_api import expect

PAYLOAD = "<img src=x onerror=window.__pwned=1>"


def test_html_in_names_is_shown_as_text(page, lab_server):
    seed_experiment(lab_server, PAYLOAD, [{"name": PAYLOAD, "params": {"p": PAYLOAD}}])
    open_lab(page, lab_server)
    open_tracker(page)
    item = page.locator(".jp-tracker-experiment-item", has_text=PAYLOAD).first
    expect(item).to_be_visible()
    expect(item.locator(".jp-tracker-experiment-name")).to_have_text(PAYLOAD)
    select_experiment(page, PAYLOAD)
    expect(page.get_by_text(PAYLOAD).first).to_be_visible()
    page.wait_for_timeout(500)  # an injected <img> would have fired onerror by now
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator(".jp-tracker-panel img[src='x']").count() == 0
