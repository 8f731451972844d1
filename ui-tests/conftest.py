"""Browser tests: a real JupyterLab server and Debian's headless chromium via Playwright.

The server runs with its own throwaway data directory and store, so the tests see only
what they create. Screenshots land in ui-tests/artifacts/ (kept by CI as test artifacts).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import lab_live_server
from playwright.sync_api import Page, sync_playwright

from jupyterlab_tracker.testing import LiveServer

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = os.environ.get("TRACKER_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory) -> LiveServer:
    root = tmp_path_factory.mktemp("lab")
    server = lab_live_server(root)
    with server:
        yield server


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test.sh does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_failed = report.failed
    return report


@pytest.fixture
def page(request, browser, lab_server) -> Page:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, color_scheme="light")
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    if getattr(request.node, "call_failed", False):
        # What the browser showed when the test failed, for whoever reads the CI log.
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"FAILED-{request.node.name}.png")
        print("\n".join(f"page error: {e}" for e in errors))
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS
