"""Nested runs as a tree and grouped runs in the runs table, in both themes."""

from __future__ import annotations

from helpers import open_lab, open_tracker, seed_experiment, select_experiment, set_theme
from playwright.sync_api import expect

TREE_EXPERIMENT = "sweeps/nested"
GROUP_EXPERIMENT = "sweeps/grouped"
# Wide enough to scroll right past the sticky name column.
METRICS = ["accuracy", "f1", "loss", "precision", "recall", "val_loss"]


def run_id(server, experiment_id: str, name: str) -> str:
    found = server.api(
        "POST",
        "tracker/api/runs/search",
        json={"experiment_ids": [experiment_id], "filter": f"attributes.run_name = '{name}'"},
    )
    found.raise_for_status()
    (run,) = found.json()["runs"]
    return run["info"]["run_id"]


def add_child(server, experiment_id: str, parent_id: str, name: str, lr: float) -> None:
    run = server.api(
        "POST", "tracker/api/runs", json={"experiment_id": experiment_id, "run_name": name}
    ).json()["run"]
    batch = {
        "params": [{"key": "lr", "value": str(lr)}],
        "tags": [{"key": "mlflow.parentRunId", "value": parent_id}],
        "metrics": [
            {"key": key, "value": lr * 10, "timestamp": 1_700_000_000_000, "step": 0}
            for key in METRICS
        ],
    }
    server.api(
        "POST", f"tracker/api/runs/{run['info']['run_id']}/batch", json=batch
    ).raise_for_status()


def names(page) -> list[str]:
    return page.locator(".jp-tracker-run-row .jp-tracker-run-link").all_inner_texts()


def test_a_parent_collapses_and_expands_its_children(page, lab_server, screenshot_dir):
    experiment_id = seed_experiment(
        lab_server,
        TREE_EXPERIMENT,
        [
            {"name": "sweep-parent", "params": {"lr": "-"}},
            {"name": "lone-run", "params": {"lr": 0.5}},
        ],
    )
    parent = run_id(lab_server, experiment_id, "sweep-parent")
    for n, lr in enumerate([0.1, 0.01, 0.001]):
        add_child(lab_server, experiment_id, parent, f"trial-{n}", lr)
    page.set_viewport_size({"width": 1000, "height": 600})
    open_lab(page, lab_server)
    set_theme(page, "JupyterLab Light")
    open_tracker(page)
    select_experiment(page, TREE_EXPERIMENT)

    rows = page.locator(".jp-tracker-run-row")
    parent_row = rows.filter(has_text="sweep-parent")
    # Collapsed by default: the parent with its child count, not its children.
    expect(rows).to_have_count(2)
    expect(parent_row.locator(".jp-tracker-child-count")).to_have_text("3")
    expect(parent_row).to_have_attribute("aria-expanded", "false")
    assert rows.filter(has_text="lone-run").locator(".jp-tracker-caret").count() == 0

    parent_row.get_by_role("button", name="Expand sweep-parent").click()
    expect(rows).to_have_count(5)
    expect(parent_row).to_have_attribute("aria-expanded", "true")
    children = rows.filter(has_text="trial-")
    expect(children).to_have_count(3)
    parent_x = parent_row.locator(".jp-tracker-run-link").bounding_box()["x"]
    for i in range(3):
        child = children.nth(i)
        expect(child).to_have_attribute("aria-level", "2")
        assert child.locator(".jp-tracker-run-link").bounding_box()["x"] >= parent_x + 12
    # Children come right under their parent (newest first, as the table sorts).
    order = names(page)
    at = order.index("sweep-parent")
    assert sorted(order[at + 1 : at + 4]) == ["trial-0", "trial-1", "trial-2"]

    # A child row's checkbox selects that run.
    children.nth(0).locator("input[type=checkbox]").check()
    expect(page.locator(".jp-tracker-run-row.jp-mod-selected")).to_have_count(1)
    expect(page.get_by_role("button", name="Compare (1)")).to_be_visible()

    table = page.locator(".jp-tracker-runs-table")
    for theme, shot in (
        ("JupyterLab Light", "runs-tree-light.png"),
        ("JupyterLab Dark", "runs-tree-dark.png"),
    ):
        set_theme(page, theme)
        page.locator(".jp-tracker-runs").screenshot(path=screenshot_dir / shot)
        # Scrolled right, the indented name column stays in view.
        table.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        expect(children.nth(1).locator(".jp-tracker-run-name")).to_be_in_viewport()
        page.locator(".jp-tracker-runs").screenshot(
            path=screenshot_dir / shot.replace(".png", "-right.png")
        )
        table.evaluate("el => { el.scrollLeft = 0; }")

    parent_row.get_by_role("button", name="Collapse sweep-parent").click()
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="trial-")).to_have_count(0)
    # Select all takes the shown runs: the parent and the lone run, not the hidden children
    # (the child selected before is let go).
    page.get_by_role("checkbox", name="Select all shown runs").check()
    expect(page.get_by_role("button", name="Compare (2)")).to_be_visible()
    expect(page.locator(".jp-tracker-run-row.jp-mod-selected")).to_have_count(2)


def test_grouping_by_a_param_shows_collapsible_groups(page, lab_server, screenshot_dir):
    lrs = [0.1, 0.01, 0.1, 0.001, 0.1, 0.01]
    seed_experiment(
        lab_server,
        GROUP_EXPERIMENT,
        [
            {
                "name": f"run-{n}",
                "params": {"lr": lr, "seed": n},
                "metrics": {"loss": [1.0, 0.1 * (n + 1)]},
            }
            for n, lr in enumerate(lrs)
        ],
    )
    page.set_viewport_size({"width": 1000, "height": 600})
    open_lab(page, lab_server)
    set_theme(page, "JupyterLab Light")
    open_tracker(page)
    select_experiment(page, GROUP_EXPERIMENT)
    rows = page.locator(".jp-tracker-run-row")
    expect(rows).to_have_count(6)

    page.get_by_label("Group by").select_option(label="lr")
    groups = page.locator(".jp-tracker-group-row")
    expect(groups).to_have_count(3)
    counts = {
        groups.nth(i).locator(".jp-tracker-group-label").inner_text(): groups.nth(i)
        .locator(".jp-tracker-child-count")
        .inner_text()
        for i in range(3)
    }
    assert counts == {"0.1": "3", "0.01": "2", "0.001": "1"}
    expect(rows).to_have_count(6)
    # The group row shows the mean of each metric column: runs 0, 2, 4 end at 0.1, 0.3, 0.5.
    tenth = groups.filter(has=page.get_by_text("0.1", exact=True))
    loss_at = page.locator(".jp-tracker-thead .jp-tracker-th").all_inner_texts().index("loss")
    expect(tenth.locator("[role=gridcell]").nth(loss_at)).to_have_text("0.3")

    for theme, shot in (
        ("JupyterLab Light", "runs-group-light.png"),
        ("JupyterLab Dark", "runs-group-dark.png"),
    ):
        set_theme(page, theme)
        page.locator(".jp-tracker-runs").screenshot(path=screenshot_dir / shot)
    set_theme(page, "JupyterLab Light")

    # Collapsing a group hides its runs; its checkbox selects all of them.
    tenth.get_by_role("button", name="Collapse 0.1").click()
    expect(rows).to_have_count(3)
    tenth.locator("input[type=checkbox]").check()
    expect(page.get_by_role("button", name="Compare (3)")).to_be_enabled()
    tenth.get_by_role("button", name="Expand 0.1").click()
    expect(rows).to_have_count(6)
    expect(page.locator(".jp-tracker-run-row.jp-mod-selected")).to_have_count(3)

    # Group by all params except the seed: the same three groups; the choice survives a reload.
    page.get_by_label("Group by").select_option(label="All params except…")
    page.locator(".jp-tracker-popover").get_by_label("seed").check()
    expect(groups).to_have_count(3)
    expect(groups.first.locator(".jp-tracker-group-label")).to_contain_text("lr=")
    page.locator(".jp-tracker-runs").screenshot(path=screenshot_dir / "runs-group-except-light.png")
    open_lab(page, lab_server, reset=False)
    open_tracker(page)
    select_experiment(page, GROUP_EXPERIMENT)
    expect(groups).to_have_count(3)
    expect(page.get_by_role("button", name="except seed")).to_be_visible()
