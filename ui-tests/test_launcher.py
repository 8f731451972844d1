"""The walking skeleton, end to end: launcher card -> panel -> server answer."""

from __future__ import annotations

from helpers import open_lab, run_command, set_theme
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect


def test_launcher_opens_panel_with_server_answer(page, lab_server, screenshot_dir):
    expected = lab_server.api("GET", "tracker/api/version").json()
    open_lab(page, lab_server)
    set_theme(page, "JupyterLab Light")

    card = page.locator(".jp-LauncherCard", has_text="Experiment Tracker")
    expect(card).to_be_visible()
    # The card shows our own icon, not a generic one.
    expect(card.locator("svg[data-icon='jupyterlab_tracker:tracker']")).to_have_count(1)
    page.screenshot(path=screenshot_dir / "launcher.png")
    card.click()

    panel = page.locator(".jp-tracker-panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".jp-tracker-server-status")).to_have_text(expected["status"])
    expect(panel.locator(".jp-tracker-server-version")).to_have_text(expected["version"])
    expect(panel.locator(".jp-tracker-server-store")).to_contain_text(expected["store"]["type"])
    expect(page.locator(".lm-TabBar-tab.lm-mod-current", has_text="Experiment Tracker"))
    page.screenshot(path=screenshot_dir / "panel-light.png")

    set_theme(page, "JupyterLab Dark")
    page.screenshot(path=screenshot_dir / "panel-dark.png")
    set_theme(page, "JupyterLab Light")


def test_panel_is_restored_after_reload(page, lab_server):
    open_lab(page, lab_server)
    run_command(page, "jupyterlab-tracker:open")
    expect(page.locator(".jp-tracker-panel .jp-tracker-server-status")).to_have_text("ok")
    page.wait_for_timeout(1500)  # the workspace is saved with a debounce

    open_lab(page, lab_server, reset=False)
    expect(page.locator(".jp-tracker-panel .jp-tracker-server-status")).to_have_text("ok")


def test_palette_command_opens_panel(page, lab_server):
    open_lab(page, lab_server)
    palette = page.locator("#modal-command-palette")
    # On a loaded machine the first key press can come before JupyterLab listens for
    # shortcuts: press again until the palette shows (each wait is generous).
    for _ in range(5):
        page.keyboard.press("Control+Shift+c")
        try:
            palette.wait_for(state="visible", timeout=3000)
            break
        except PlaywrightTimeoutError:
            continue
    expect(palette).to_be_visible()
    palette.locator("input").fill("Experiment Tracker")
    palette.locator(".lm-CommandPalette-item", has_text="Experiment Tracker").first.click()
    expect(page.locator(".jp-tracker-panel .jp-tracker-server-status")).to_have_text("ok")
