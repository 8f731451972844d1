"""Steps shared by the browser tests."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from jupyterlab_tracker.testing import LiveServer


def lab_live_server(root, **options) -> LiveServer:
    """A JupyterLab server on ``root`` (its store, workspaces) with the app exposed to tests."""
    return LiveServer(
        root,
        app="jupyterlab",
        extra_args=(
            f"--LabApp.workspaces_dir={root / 'workspaces'}",
            "--LabApp.expose_app_in_browser=True",
        ),
        **options,
    )


def open_lab(page: Page, server: LiveServer, reset: bool = True) -> None:
    """Open JupyterLab and wait until the application has started."""
    query = "reset&" if reset else ""
    page.goto(f"{server.url}lab?{query}token={server.token}")
    page.wait_for_selector("#jp-main-dock-panel", state="visible")
    page.wait_for_function("window.jupyterapp && window.jupyterapp.started !== undefined")
    page.evaluate("window.jupyterapp.started")


def run_command(page: Page, command: str, args: dict | None = None, wait: bool = True) -> None:
    """Execute a JupyterLab command; ``wait=False`` returns without waiting for it to end
    (``notebook:run-all-cells`` ends only when every cell has run).

    Its result (often a widget) is dropped in the page: serialising a widget back to
    Python would walk the whole application.
    """
    page.evaluate(
        """([command, args, wait]) => {
            const done = window.jupyterapp.commands.execute(command, args).then(() => null);
            return wait ? done : null;
        }""",
        [command, args or {}, wait],
    )


def set_theme(page: Page, theme: str) -> None:
    """Switch JupyterLab's theme ("JupyterLab Light" or "JupyterLab Dark") and wait for it."""
    run_command(page, "apputils:change-theme", {"theme": theme})
    light = "true" if theme == "JupyterLab Light" else "false"
    page.wait_for_selector(f"body[data-jp-theme-light='{light}']", state="attached")
    page.wait_for_timeout(300)  # let the new theme's CSS variables paint


def hover_chart_point(page: Page, chart: Locator) -> None:
    """Hover a point of a Vega chart whose centre is on top, and wait for its tooltip.

    Points on the plot's clip edge, or under another mark, are not hit at their centre (the svg
    takes the event and Vega shows no tooltip), and which points those are depends on the width
    the chart was laid out at. So: look for a point whose centre the browser hits, then hover it.
    """

    def find_point() -> dict | None:
        return chart.evaluate(
            """chart => {
                for (const path of chart.querySelectorAll('.mark-symbol path')) {
                    const box = path.getBoundingClientRect();
                    const x = box.x + box.width / 2, y = box.y + box.height / 2;
                    if (box.width > 0 && document.elementFromPoint(x, y) === path) {
                        return {x, y};
                    }
                }
                return null;
            }"""
        )

    point = None
    for _ in range(50):  # the chart may still be laying itself out
        point = find_point()
        if point:
            break
        page.wait_for_timeout(200)
    assert point, "no chart point is reachable by the pointer"
    page.mouse.move(point["x"] + 8, point["y"] + 8)
    page.mouse.move(point["x"], point["y"])
    expect(page.locator("#vg-tooltip-element.visible")).to_be_visible()


def seed_experiment(server: LiveServer, name: str, runs: list[dict]) -> str:
    """Create an experiment with runs through the REST API; returns the experiment id.

    Each run dict may hold ``name``, ``status``, ``params``, ``tags`` and ``metrics``
    (``{"loss": [v0, v1, ...]}`` logged at steps 0, 1, ...).
    """
    created = server.api("POST", "tracker/api/experiments", json={"name": name})
    created.raise_for_status()
    experiment_id = created.json()["experiment"]["experiment_id"]
    for spec in runs:
        run = server.api(
            "POST",
            "tracker/api/runs",
            json={"experiment_id": experiment_id, "run_name": spec["name"]},
        ).json()["run"]
        run_id = run["info"]["run_id"]
        metrics = [
            {"key": key, "value": value, "timestamp": 1_700_000_000_000 + step, "step": step}
            for key, values in spec.get("metrics", {}).items()
            for step, value in enumerate(values)
        ]
        batch = {
            "params": [{"key": k, "value": str(v)} for k, v in spec.get("params", {}).items()],
            "tags": [{"key": k, "value": v} for k, v in spec.get("tags", {}).items()],
            "metrics": metrics,
        }
        server.api("POST", f"tracker/api/runs/{run_id}/batch", json=batch).raise_for_status()
        if spec.get("status", "FINISHED") != "RUNNING":
            server.api(
                "PATCH",
                f"tracker/api/runs/{run_id}",
                json={"status": spec.get("status", "FINISHED")},
            ).raise_for_status()
    return experiment_id


def run_ids_by_name(server: LiveServer, experiment_id: str) -> dict[str, str]:
    """The experiment's runs as {run name: run id}."""
    runs = server.api(
        "POST", "tracker/api/runs/search", json={"experiment_ids": [experiment_id]}
    ).json()["runs"]
    return {r["info"]["run_name"]: r["info"]["run_id"] for r in runs}


def open_tracker(page: Page) -> None:
    run_command(page, "jupyterlab-tracker:open")
    page.wait_for_selector(".jp-tracker-panel .jp-tracker-experiments")


def select_experiment(page: Page, name: str) -> None:
    page.locator(".jp-tracker-experiment-item", has_text=name).first.click()
    page.wait_for_selector(f".jp-tracker-runs-title:has-text('{name.split('/')[-1]}')")


# Logs a run, registers a version of a model from it, and prints what the mlflow client
# prints: the run's and the experiment's links ("View run ... at: <url>").
MLFLOW_LINKS_SCRIPT = """
import json, sys
import mlflow
from mlflow import MlflowClient
experiment, model = sys.argv[1], sys.argv[2]
mlflow.set_experiment(experiment)
with mlflow.start_run(run_name="linked-run") as run:
    mlflow.log_metric("loss", 0.5)
    mlflow.log_text("weights", "model/weights.txt")
client = MlflowClient()
client.create_registered_model(model)
client.create_model_version(model, f"{run.info.artifact_uri}/model", run_id=run.info.run_id)
print(json.dumps({"run_id": run.info.run_id, "experiment_id": run.info.experiment_id}))
"""


def mlflow_links(server: LiveServer, experiment: str, model: str) -> dict:
    """Run the official client against ``server``; the links it printed and the ids."""
    import json
    import re
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", MLFLOW_LINKS_SCRIPT, experiment, model],
        env=server.mlflow_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    ids = json.loads(result.stdout.strip().splitlines()[-1])
    run_link = re.search(r"View run linked-run at: (\S+)", result.stdout).group(1)
    experiment_link = re.search(r"View experiment at: (\S+)", result.stdout).group(1)
    return {**ids, "run_link": run_link, "experiment_link": experiment_link}
