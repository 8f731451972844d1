"""Browser tests: a real JupyterLab server and Debian's headless chromium via Playwright.

The server runs with its own throwaway data directory and store, so the tests see only
what they create. Screenshots land in ui-tests/artifacts/ (kept by CI as test artifacts).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, sync_playwright

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LabServer:
    def __init__(self, url: str, token: str, root: Path):
        self.url = url
        self.token = token
        self.root = root

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """Call the server with the token, e.g. ``api("GET", "tracker/api/version")``."""
        headers = {"Authorization": f"token {self.token}"}
        return requests.request(method, self.url + path, headers=headers, timeout=30, **kwargs)


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory) -> LabServer:
    root = tmp_path_factory.mktemp("lab")
    port = _free_port()
    token = secrets.token_hex(16)
    env = dict(os.environ)
    env.update(
        JUPYTERLAB_TRACKER_URI=f"sqlite:///{root / 'tracker.db'}",
        JUPYTERLAB_TRACKER_ARTIFACT_ROOT=str(root / "artifacts"),
        JUPYTER_RUNTIME_DIR=str(root / "runtime"),
    )
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.workspaces_dir={root / 'workspaces'}",
        "--LabApp.expose_app_in_browser=True",
    ]
    log = open(root / "server.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = LabServer(f"http://127.0.0.1:{port}/", token, root)
    deadline = time.monotonic() + 60
    while True:
        try:
            if server.api("GET", "api/status").ok:
                break
        except requests.ConnectionError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"JupyterLab did not start:\n{(root / 'server.log').read_text()}")
        time.sleep(0.25)
    yield server
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


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
