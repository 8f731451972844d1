"""Run actions in the runs view: select runs, rename, tag (a bad key shows the server's
400), delete, restore, permanently delete after a confirmation that says what it frees,
and the experiment's storage figure in the header."""

from __future__ import annotations

from helpers import open_lab, open_tracker, seed_experiment, select_experiment, set_theme
from playwright.sync_api import expect


def _select(page, name: str) -> None:
    page.get_by_label(f"Select {name}", exact=True).check()


def _accept_dialog(page, closes: bool = True) -> None:
    page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click()
    if closes:
        expect(page.locator(".jp-Dialog")).to_have_count(0)


def test_select_rename_tag_delete_restore_and_delete_permanently(page, lab_server, screenshot_dir):
    experiment_id = seed_experiment(
        lab_server, "actions/demo", [{"name": n} for n in ("alpha", "beta", "gamma")]
    )
    open_lab(page, lab_server)
    open_tracker(page)
    select_experiment(page, "actions/demo")
    rows = page.locator(".jp-tracker-run-row")
    expect(rows).to_have_count(3)
    expect(page.locator(".jp-tracker-storage")).to_contain_text("in 3 runs")

    _select(page, "alpha")
    toolbar = page.get_by_role("toolbar", name="Actions on the selected runs")
    expect(toolbar).to_contain_text("1 selected")
    for theme in ("JupyterLab Light", "JupyterLab Dark"):
        set_theme(page, theme)
        toolbar.screenshot(
            path=screenshot_dir / f"run-actions-toolbar-{theme.split()[-1].lower()}.png"
        )
    set_theme(page, "JupyterLab Light")

    toolbar.get_by_role("button", name="Rename").click()
    page.locator(".jp-Dialog input").fill("alpha-renamed")
    _accept_dialog(page)
    expect(page.locator(".jp-tracker-run-name", has_text="alpha-renamed")).to_have_count(1)

    _select(page, "beta")
    expect(toolbar).to_contain_text("2 selected")
    toolbar.get_by_role("button", name="Add tag").click()
    page.locator(".jp-tracker-tag-key").fill("bad key!")
    page.locator(".jp-tracker-tag-value").fill("x")
    _accept_dialog(page, closes=False)  # the error dialog follows at once
    error = page.locator(".jp-Dialog")
    expect(error).to_contain_text("tags[0].key")  # the server's 400, shown
    error.locator(".jp-Dialog-button").last.click()
    expect(page.locator(".jp-Dialog")).to_have_count(0)

    toolbar.get_by_role("button", name="Add tag").click()
    page.locator(".jp-tracker-tag-key").fill("team")
    page.locator(".jp-tracker-tag-value").fill("vision")
    _accept_dialog(page)
    search = {"experiment_ids": [experiment_id], "filter": "tags.team = 'vision'"}
    expect(toolbar).to_contain_text("2 selected")
    tagged = lab_server.api("POST", "tracker/api/runs/search", json=search).json()["runs"]
    assert sorted(r["info"]["run_name"] for r in tagged) == ["alpha-renamed", "beta"]

    toolbar.get_by_role("button", name="Delete", exact=True).click()
    expect(rows).to_have_count(1)  # the active view: the deleted runs leave, deselected
    expect(toolbar).to_have_count(0)

    page.get_by_label("Lifecycle").select_option("DELETED_ONLY")
    expect(rows).to_have_count(2)
    expect(page.locator(".jp-tracker-storage")).to_contain_text("in 2 runs")
    _select(page, "alpha-renamed")
    toolbar.get_by_role("button", name="Restore").click()
    expect(rows).to_have_count(1)

    _select(page, "beta")
    toolbar.get_by_role("button", name="Delete permanently…").click()
    dialog = page.locator(".jp-Dialog")
    expect(dialog).to_contain_text("This frees 0 B")
    for theme in ("JupyterLab Light", "JupyterLab Dark"):
        set_theme(page, theme)
        dialog.locator(".jp-Dialog-content").screenshot(
            path=screenshot_dir / f"run-actions-purge-dialog-{theme.split()[-1].lower()}.png"
        )
    set_theme(page, "JupyterLab Light")
    _accept_dialog(page)
    expect(rows).to_have_count(0)
    gone = lab_server.api(
        "POST",
        "tracker/api/runs/search",
        json={"experiment_ids": [experiment_id], "run_view_type": "ALL"},
    ).json()["runs"]
    assert sorted(r["info"]["run_name"] for r in gone) == ["alpha-renamed", "gamma"]
