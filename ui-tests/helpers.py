"""Steps shared by the browser tests."""

from __future__ import annotations

from playwright.sync_api import Page

from conftest import LabServer


def open_lab(page: Page, server: LabServer, reset: bool = True) -> None:
    """Open JupyterLab and wait until the application has started."""
    query = "reset&" if reset else ""
    page.goto(f"{server.url}lab?{query}token={server.token}")
    page.wait_for_selector("#jp-main-dock-panel", state="visible")
    page.wait_for_function("window.jupyterapp && window.jupyterapp.started !== undefined")
    page.evaluate("window.jupyterapp.started")


def set_theme(page: Page, theme: str) -> None:
    """Switch JupyterLab's theme ("JupyterLab Light" or "JupyterLab Dark") and wait for it."""
    page.evaluate(
        "theme => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme
    )
    light = "true" if theme == "JupyterLab Light" else "false"
    page.wait_for_selector(f"body[data-jp-theme-light='{light}']", state="attached")
    page.wait_for_timeout(300)  # let the new theme's CSS variables paint
