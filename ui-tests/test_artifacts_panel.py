"""The run page's Artifacts tab: tree, previews, and Register Model, in a real JupyterLab."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import open_lab, open_tracker, select_experiment, set_theme
from playwright.sync_api import expect
from sklearn.linear_model import LogisticRegression

from jupyterlab_tracker import TrackerClient

EXPERIMENT = "iris/classification/logreg"


@pytest.fixture(scope="module")
def run_with_artifacts(lab_server):
    """A finished run with an image, a CSV, Markdown, and a logged sklearn model,
    written over HTTP by the real client (as a notebook on another machine would)."""
    client = TrackerClient(f"{lab_server.url}tracker", token=lab_server.token)
    experiment_id = client.create_experiment(EXPERIMENT)
    run_id = client.create_run(experiment_id, run_name="logreg-baseline").info.run_id
    gradient = np.linspace(0, 255, 64 * 64 * 3).reshape(64, 64, 3).astype(np.uint8)
    client.log_image(run_id, gradient, "plots/gradient.png")
    client.log_text(run_id, "step,loss\n0,1.0\n1,0.5\n", "tables/loss.csv")
    client.log_text(run_id, "# Notes\nA **baseline**.", "notes.md")
    features = np.array([[0.0, 1.0], [1.0, 0.0], [0.9, 0.1], [0.1, 0.9]])
    model = LogisticRegression().fit(features, [0, 1, 1, 0])
    client.log_model(run_id, model, "model", input_example=features[:2])
    client.set_terminated(run_id)
    client.close()
    return run_id


def test_artifacts_preview_and_register_model(page, lab_server, run_with_artifacts, screenshot_dir):
    open_lab(page, lab_server)
    set_theme(page, "JupyterLab Light")
    open_tracker(page)
    select_experiment(page, EXPERIMENT)
    page.locator(".jp-tracker-run-row .jp-tracker-run-name a", has_text="logreg-baseline").click()
    page.get_by_role("tab", name="Artifacts").click()

    tree = page.locator(".jp-tracker-artifact-tree")
    tree.locator(".jp-tracker-tree-item", has_text="plots").click()
    tree.locator(".jp-tracker-tree-item", has_text="gradient.png").click()
    image = page.locator(".jp-tracker-preview-image")
    expect(image).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('.jp-tracker-preview-image')?.naturalWidth === 64"
    )
    page.screenshot(path=screenshot_dir / "artifacts-image-light.png")

    tree.locator(".jp-tracker-tree-item", has_text="tables").click()
    tree.locator(".jp-tracker-tree-item", has_text="loss.csv").click()
    expect(page.locator(".jp-tracker-csv th").first).to_have_text("step")
    expect(page.locator(".jp-tracker-csv tbody tr")).to_have_count(2)

    tree.locator(".jp-tracker-tree-item", has_text="notes.md").click()
    expect(page.locator(".jp-tracker-artifact-preview strong")).to_have_text("baseline")

    # The logged model: its descriptor, how to load it, and Register Model.
    tree.locator(".jp-tracker-tree-item", has_text="MLmodel").click()
    card = page.locator(".jp-tracker-model-card")
    expect(card).to_contain_text(f'jt.load_model("runs:/{run_with_artifacts}/model")')
    expect(page.locator(".jp-tracker-preview-text").last).to_contain_text("sklearn")
    set_theme(page, "JupyterLab Dark")
    page.screenshot(path=screenshot_dir / "artifacts-model-dark.png")
    set_theme(page, "JupyterLab Light")

    card.get_by_role("button", name="Register Model").click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog.get_by_label("Registered model")).to_have_value("")  # + Create New Model
    dialog.get_by_label("Model name").fill("iris-classifier")
    dialog.get_by_role("button", name="Register").click()
    expect(card.locator(".jp-tracker-registered")).to_contain_text(
        'Registered "iris-classifier" version 1.'
    )
    expect(card.locator(".jp-tracker-registered")).to_be_in_viewport()

    # Again, as a new version of the model that now exists.
    card.get_by_role("button", name="Register Model").click()
    dialog.get_by_label("Registered model").select_option("iris-classifier")
    dialog.get_by_role("button", name="Register").click()
    expect(card.locator(".jp-tracker-registered")).to_contain_text(
        'Registered "iris-classifier" version 2.'
    )

    versions = lab_server.api(
        "GET", "tracker/api/model-versions", params={"filter": "name = 'iris-classifier'"}
    ).json()["model_versions"]
    assert sorted(v["version"] for v in versions) == ["1", "2"]
    assert {v["run_id"] for v in versions} == {run_with_artifacts}
