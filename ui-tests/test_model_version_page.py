"""The registry pages: a version's page (source run, signature, input example, aliases,
tags, description, snippets), two versions compared, the runs table's Models column and
the in-view confirmation of Register Model. Untrusted names and texts render as text."""

from __future__ import annotations

import pandas as pd
import pytest
from helpers import open_lab, open_tracker, run_command, select_experiment, set_theme
from playwright.sync_api import expect
from sklearn.linear_model import LogisticRegression

from jupyterlab_tracker import TrackerClient

EXPERIMENT = "registry/churn"
MODEL = "churn"
# A model name, tag and description that would run script if rendered as HTML.
HOSTILE = "<img src=x onerror=window.__pwned=1>"


@pytest.fixture(scope="module")
def registry(lab_server):
    client = TrackerClient(f"{lab_server.url}tracker", token=lab_server.token)
    experiment_id = client.create_experiment(EXPERIMENT)
    features = pd.DataFrame({"tenure": [1.0, 20.0, 3.0, 40.0], "calls": [9, 1, 7, 0]})
    run_ids = {}
    for name, lr in (("oak-1", "0.1"), ("elm-2", "0.2")):
        run_id = client.create_run(experiment_id, run_name=name).info.run_id
        client.log_params(run_id, {"lr": lr, "seed": "7"})
        client.log_metric(run_id, "auc", 0.8 if name == "oak-1" else 0.9)
        model = LogisticRegression().fit(features, [1, 0, 1, 0])
        client.log_model(run_id, model, "model", input_example=features)
        client.set_terminated(run_id)
        run_ids[name] = run_id
    client.register_model(f"runs:/{run_ids['oak-1']}/model", MODEL)
    client.register_model(f"runs:/{run_ids['elm-2']}/model", MODEL)
    client.register_model(f"runs:/{run_ids['oak-1']}/model", HOSTILE)
    client.update_model_version(MODEL, "1", HOSTILE)
    client.set_model_version_tag(MODEL, "1", "note", HOSTILE)
    # A run with a model, not registered: for Register Model.
    to_register = client.create_run(experiment_id, run_name="pine-3").info.run_id
    client.log_model(to_register, LogisticRegression().fit(features, [1, 0, 1, 0]), "model")
    client.set_terminated(to_register)
    client.close()
    return {"experiment_id": experiment_id, "to_register": to_register, **run_ids}


def models_cell(page, run_name: str):
    row = page.locator(".jp-tracker-run-row", has_text=run_name)
    return row.locator(".jp-tracker-cell-links")


def not_pwned(page) -> None:
    assert page.evaluate("window.__pwned") is None
    expect(page.locator(".jp-tracker-panel img[src='x']")).to_have_count(0)


def test_version_page_compare_and_models_column(page, lab_server, registry, screenshot_dir):
    open_lab(page, lab_server)
    open_tracker(page)
    select_experiment(page, EXPERIMENT)

    # The Models column (a default once runs have versions): each version a link.
    expect(models_cell(page, "oak-1").get_by_role("button")).to_have_text(
        [f"{HOSTILE} v1", "churn v1"]
    )
    expect(models_cell(page, "elm-2").get_by_role("button")).to_have_text(["churn v2"])
    expect(models_cell(page, "pine-3").get_by_role("button")).to_have_count(0)
    for theme, suffix in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
        set_theme(page, theme)
        page.locator(".jp-tracker-runs").screenshot(
            path=screenshot_dir / f"models-column-{suffix}.png"
        )
    set_theme(page, "JupyterLab Light")
    models_cell(page, "elm-2").get_by_role("button", name="churn v2").click()

    version = page.locator(".jp-tracker-version-page[data-model='churn'][data-version='2']")
    expect(page.get_by_role("tab", name="Models")).to_have_attribute("aria-selected", "true")
    expect(version.locator(".jp-tracker-run-title")).to_have_text("churn Version 2")
    expect(version.locator(".jp-tracker-source-run")).to_have_text("elm-2")
    inputs = version.locator(".jp-tracker-signature section[data-part='inputs']")
    expect(inputs.locator("tbody tr")).to_have_count(2)
    expect(inputs).to_contain_text("tenure")
    expect(inputs).to_contain_text("double")
    example = version.locator(".jp-tracker-example-table")
    expect(example.locator("thead th")).to_have_text(["tenure", "calls"])
    expect(example.locator("tbody tr")).to_have_count(4)
    expect(version.locator(".jp-tracker-version-params tr[data-key='lr'] td")).to_have_text("0.2")
    expect(version.locator(".jp-tracker-version-metrics tr[data-key='auc'] td")).to_have_text("0.9")
    snippets = version.locator(".jp-tracker-version-usage")
    expect(snippets.locator("[data-snippet='mlflow']")).to_contain_text(
        'mlflow.pyfunc.load_model("models:/churn/2")'
    )
    expect(snippets.locator("[data-snippet='jt']")).to_contain_text(
        'jt.load_model("models:/churn/2")'
    )
    expect(snippets.locator("[data-snippet='serve']")).to_contain_text(
        "mlflow models serve -m models:/churn/2"
    )
    expect(snippets.locator("[data-snippet='serve']")).to_contain_text(f"{lab_server.url}tracker")

    # An alias, a tag and the description, edited in place.
    version.get_by_label("New alias").fill("champion")
    version.get_by_role("button", name="Add alias").click()
    expect(version.locator(".jp-tracker-alias-chip")).to_have_text("@champion")
    expect(snippets.locator("[data-snippet='serve']")).to_contain_text(
        "mlflow models serve -m models:/churn@champion"
    )
    version.get_by_label("Tag key").fill("team")
    version.get_by_label("Tag value").fill("growth")
    version.get_by_role("button", name="Add tag").click()
    expect(version.locator(".jp-tracker-tag-list")).to_contain_text("team")
    version.get_by_role("button", name="Edit description").click()
    version.get_by_label("Description").fill("Retrained on\nNovember data")
    version.get_by_role("button", name="Save").click()
    expect(version.locator(".jp-tracker-version-description")).to_have_text(
        "Retrained on\nNovember data"
    )
    stored = lab_server.api(
        "GET", "tracker/api/model-versions/by-name", params={"name": MODEL, "version": "2"}
    ).json()["model_version"]
    assert stored["aliases"] == ["champion"] and stored["tags"] == {"team": "growth"}
    for theme, suffix in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
        set_theme(page, theme)
        page.screenshot(path=screenshot_dir / f"model-version-{suffix}.png", full_page=True)
    set_theme(page, "JupyterLab Light")

    # Back to the model, two versions picked, compared.
    version.get_by_role("button", name="← churn").click()
    model_page = page.locator(".jp-tracker-model-page[data-model='churn']")
    expect(model_page.locator("tr[data-version='2']")).to_have_attribute("aria-current", "true")
    compare_button = model_page.get_by_role("button", name="Compare versions (1)")
    model_page.get_by_label("Pick version 1").check()
    expect(compare_button).to_be_disabled()
    model_page.get_by_label("Pick version 2").check()
    model_page.get_by_role("button", name="Compare versions (2)").click()
    compare = page.locator(".jp-tracker-version-compare[data-model='churn']")
    params = compare.locator("[data-section='params']")
    expect(params.locator("tr[data-key='lr']")).to_have_class("jp-mod-differs")
    expect(params.locator("tr[data-key='lr'] td")).to_have_text(["0.1", "0.2"])
    expect(params.locator("tr[data-key='seed']")).not_to_have_class("jp-mod-differs")
    summary = compare.locator("[data-section='summary']")
    expect(summary.locator("tr[data-key='Aliases'] td")).to_have_text(["—", "@champion"])
    signature = compare.locator("[data-section='signature']")
    expect(signature.locator("tr[data-key='inputs.tenure']")).not_to_have_class("jp-mod-differs")
    metrics = compare.locator("[data-section='metrics']")
    expect(metrics.locator("tr[data-key='auc'] td")).to_have_text(["0.8", "0.9"])
    compare.get_by_label("Only differences").check()
    expect(params.locator("tr[data-key='seed']")).to_have_count(0)
    expect(compare.locator(".jp-tracker-source-run")).to_have_text(["oak-1", "elm-2"])
    for theme, suffix in (("JupyterLab Light", "light"), ("JupyterLab Dark", "dark")):
        set_theme(page, theme)
        page.screenshot(path=screenshot_dir / f"model-version-compare-{suffix}.png")
    set_theme(page, "JupyterLab Light")

    # Untrusted: version 1's description and tag, and a model named like an <img>.
    compare.get_by_role("button", name="Version 1").click()
    first = page.locator(".jp-tracker-version-page[data-version='1']")
    expect(first.locator(".jp-tracker-version-description")).to_have_text(HOSTILE)
    expect(first.locator(".jp-tracker-tag-list")).to_contain_text(HOSTILE)
    first.locator(".jp-tracker-source-run").click()
    expect(page.locator(".jp-tracker-run-title")).to_have_text("oak-1")
    page.get_by_role("button", name="← Runs").click()
    models_cell(page, "oak-1").get_by_role("button", name=f"{HOSTILE} v1").click()
    hostile = page.locator(".jp-tracker-version-page[data-version='1']")
    expect(hostile.locator(".jp-tracker-version-model-name")).to_have_text(HOSTILE)
    not_pwned(page)


def test_register_model_confirms_in_view_and_links_to_the_version(page, lab_server, registry):
    open_lab(page, lab_server)
    open_tracker(page)
    run_command(
        page,
        "jupyterlab-tracker:open",
        {"experimentId": registry["experiment_id"], "runId": registry["to_register"]},
    )
    page.get_by_role("tab", name="Artifacts").click()
    page.locator(".jp-tracker-artifact-tree .jp-tracker-tree-item", has_text="MLmodel").click()
    card = page.locator(".jp-tracker-model-card")
    card.get_by_role("button", name="Register Model").click()
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_label("Model name").fill("retention")
    dialog.get_by_role("button", name="Register").click()

    confirmation = card.locator(".jp-tracker-registered")
    expect(confirmation).to_contain_text('Registered "retention" version 1.')
    expect(confirmation).to_be_in_viewport()
    confirmation.get_by_role("button", name="Open version 1").click()
    version = page.locator(".jp-tracker-version-page[data-model='retention'][data-version='1']")
    expect(version).to_be_visible()
    expect(version.locator(".jp-tracker-source-run")).to_have_text("pine-3")

    # From elsewhere (a launcher in front), a link to a version brings the panel to front.
    run_command(page, "launcher:create")
    expect(page.locator(".jp-tracker-panel")).to_be_hidden()
    run_command(page, "jupyterlab-tracker:open", {"modelName": MODEL, "version": "2"})
    expect(page.locator(".jp-tracker-panel")).to_be_visible()
    expect(
        page.locator(".jp-tracker-version-page[data-model='churn'][data-version='2']")
    ).to_be_visible()
