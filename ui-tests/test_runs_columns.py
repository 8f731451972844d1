"""The runs table's columns: the defaults (metrics, params that vary), scrolling right with a
sticky run name, in a panel narrower than its columns, in both themes."""

from __future__ import annotations

from helpers import open_lab, open_tracker, seed_experiment, select_experiment, set_theme
from playwright.sync_api import expect

EXPERIMENT = "sweeps/wide-table"
CONSTANT = {
    "batch_size": 64,
    "epochs": 20,
    "optimizer": "adamw",
    "warmup": 500,
    "model": "resnet18",
}
VARYING = ["dropout", "lr", "seed"]
METRICS = ["accuracy", "f1", "loss", "precision", "recall", "val_loss"]


def sweep_runs() -> list[dict]:
    return [
        {
            "name": f"sweep-{n}",
            "params": {
                **CONSTANT,
                "lr": [0.1, 0.01, 0.001][n % 3],
                "seed": n,
                "dropout": 0.1 * (n % 2),
            },
            "metrics": {key: [0.9 - 0.1 * n, 0.5 + 0.05 * n] for key in METRICS},
        }
        for n in range(4)
    ]


def headers(page) -> list[str]:
    return page.locator(".jp-tracker-thead .jp-tracker-th-label").all_inner_texts()


def covers_itself(locator) -> bool:
    """Whether the element is what the user sees at its own centre (nothing drawn over it)."""
    return locator.evaluate(
        """el => {
            const box = el.getBoundingClientRect();
            const top = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            return el === top || el.contains(top);
        }"""
    )


def test_default_columns_and_scrolling_right_with_a_sticky_run_name(
    page, lab_server, screenshot_dir
):
    seed_experiment(lab_server, EXPERIMENT, sweep_runs())
    page.set_viewport_size({"width": 1000, "height": 700})
    open_lab(page, lab_server)
    set_theme(page, "JupyterLab Light")
    open_tracker(page)
    select_experiment(page, EXPERIMENT)
    expect(page.locator(".jp-tracker-run-row")).to_have_count(4)

    # By default: the fixed columns, every metric's latest value, the params that vary.
    expect(page.locator(".jp-tracker-thead .jp-tracker-th-label").last).to_have_text("seed")
    shown = headers(page)
    assert shown[:5] == ["Run name", "Created", "Duration", "User", "Source"]
    assert shown[5:] == METRICS + VARYING
    first_row = page.locator(".jp-tracker-run-row").filter(has_text="sweep-3")
    expect(first_row.locator(".jp-tracker-td").nth(3 + 4 + METRICS.index("loss"))).to_have_text(
        "0.65"
    )

    table = page.locator(".jp-tracker-runs-table")
    last_cell = first_row.locator(".jp-tracker-td").last
    name_cell = first_row.locator(".jp-tracker-run-name")
    expect(last_cell).to_have_text("3")
    # The panel is narrower than its columns: the last one starts out of view.
    assert table.evaluate("el => el.scrollWidth > el.clientWidth + 200")
    expect(last_cell).not_to_be_in_viewport()

    for theme, shot in (
        ("JupyterLab Light", "runs-columns-light.png"),
        ("JupyterLab Dark", "runs-columns-dark.png"),
    ):
        set_theme(page, theme)
        table.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
        expect(last_cell).to_be_in_viewport()
        expect(name_cell).to_be_in_viewport()
        assert covers_itself(name_cell), theme
        assert covers_itself(last_cell), theme
        # The sticky cells are opaque, so scrolled cells do not show through them.
        background = name_cell.evaluate("el => getComputedStyle(el).backgroundColor")
        assert background not in ("transparent", "rgba(0, 0, 0, 0)"), (theme, background)
        page.locator(".jp-tracker-runs").screenshot(path=screenshot_dir / shot)
        # Half way, the scrolled cells pass under the sticky name.
        table.evaluate("el => { el.scrollLeft = el.scrollWidth / 2; }")
        page.locator(".jp-tracker-runs").screenshot(
            path=screenshot_dir / shot.replace(".png", "-half.png")
        )
        table.evaluate("el => { el.scrollLeft = 0; }")
        expect(last_cell).not_to_be_in_viewport()


def test_chosen_columns_replace_the_defaults_until_reset(page, lab_server):
    seed_experiment(lab_server, "sweeps/chosen-columns", sweep_runs())
    open_lab(page, lab_server)
    open_tracker(page)
    select_experiment(page, "sweeps/chosen-columns")
    expect(page.locator(".jp-tracker-thead .jp-tracker-th-label").last).to_have_text("seed")

    page.get_by_role("button", name="Columns", exact=True).click()
    popover = page.locator(".jp-tracker-popover")
    popover.get_by_label("recall").uncheck()
    popover.get_by_label("epochs").check()
    expect(page.locator(".jp-tracker-thead .jp-tracker-th-label").last).to_have_text("epochs")
    assert "recall" not in headers(page)
    chosen = headers(page)

    # The choice is this experiment's: another one shows its defaults, and a reload
    # brings the choice back.
    seed_experiment(lab_server, "sweeps/other", sweep_runs())
    select_experiment(page, "sweeps/other")
    expect(page.locator(".jp-tracker-thead .jp-tracker-th-label").last).to_have_text("seed")
    open_lab(page, lab_server)
    open_tracker(page)
    select_experiment(page, "sweeps/chosen-columns")
    expect(page.locator(".jp-tracker-thead .jp-tracker-th-label").last).to_have_text("epochs")
    assert headers(page) == chosen

    page.get_by_role("button", name="Columns", exact=True).click()

    popover.get_by_role("button", name="Default columns").click()
    expect(page.locator(".jp-tracker-thead .jp-tracker-th-label").last).to_have_text("seed")
    assert headers(page)[5:] == METRICS + VARYING


def column_width(page, label: str) -> float:
    header = page.get_by_role("columnheader", name=label, exact=True)
    return header.evaluate("el => el.getBoundingClientRect().width")


def test_columns_resize_by_mouse_and_keyboard_and_stay_after_a_reload(page, lab_server):
    seed_experiment(lab_server, "sweeps/resized", sweep_runs())
    seed_experiment(lab_server, "sweeps/not-resized", sweep_runs())
    page.set_viewport_size({"width": 1400, "height": 700})
    open_lab(page, lab_server)
    open_tracker(page)
    select_experiment(page, "sweeps/resized")
    expect(page.locator(".jp-tracker-run-row")).to_have_count(4)
    loss = page.get_by_role("separator", name="Resize column loss")
    expect(loss).to_have_attribute("aria-valuenow", "100")  # a metric column's default

    # A drag of the header's right edge, 80 px to the right (the edge scrolled to 400 px
    # into the table first, right of the sticky name, so the pointer reaches it).
    table = page.locator(".jp-tracker-runs-table")
    table.evaluate(
        """(el, edge) => {
            el.scrollLeft += edge.getBoundingClientRect().x - el.getBoundingClientRect().x - 400;
        }""",
        loss.element_handle(),
    )
    box = loss.bounding_box()
    table_box = table.bounding_box()
    assert table_box["x"] + 300 < box["x"] < table_box["x"] + table_box["width"] - 100, box
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y)
    page.mouse.move(x + 80, y)
    page.mouse.up()
    expect(loss).to_have_attribute("aria-valuenow", "180")
    assert abs(column_width(page, "loss") - 180) < 1
    # The sort did not change: the drag was not a click on the header.
    expect(page.get_by_role("columnheader", name="loss", exact=True)).not_to_have_attribute(
        "aria-sort", "ascending"
    )
    # Below the minimum width a column stops.
    box = loss.bounding_box()
    page.mouse.move(box["x"] + 3, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] - 400, box["y"] + 10)
    page.mouse.up()
    expect(loss).to_have_attribute("aria-valuenow", "48")
    loss.focus()
    for _ in range(5):
        page.keyboard.press("Shift+ArrowRight")  # 50 px a step
    expect(loss).to_have_attribute("aria-valuenow", "298")

    # The keyboard: Tab reaches an edge, the arrows move it 10 px a step.
    lr = page.get_by_role("separator", name="Resize column lr")
    lr.focus()
    expect(lr).to_have_attribute("aria-valuenow", "120")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    expect(lr).to_have_attribute("aria-valuenow", "140")
    expect(lr).to_be_focused()  # the keys did not move the rows' focus
    # The run name column, flexible until resized, takes a width too.
    name = page.get_by_role("separator", name="Resize column Run name")
    name.focus()
    start = column_width(page, "Run name")
    page.keyboard.press("ArrowRight")
    expect(name).to_have_attribute("aria-valuenow", str(round(start + 10)))

    # Header and rows stay aligned, also scrolled to the right under the sticky name.
    row = page.locator(".jp-tracker-run-row").first
    for scroll in ("0", "el.scrollWidth"):
        table.evaluate(f"el => {{ el.scrollLeft = {scroll}; }}")
        for column in ("loss", "lr", "seed"):
            header = page.get_by_role("columnheader", name=column, exact=True).bounding_box()
            cell = row.locator(
                f".jp-tracker-td[data-column-id='params.`{column}`'],"
                f" .jp-tracker-td[data-column-id='metrics.`{column}`']"
            ).bounding_box()
            assert abs(header["x"] - cell["x"]) < 1 and abs(header["width"] - cell["width"]) < 1

    # Double-click fits a column to what it shows.
    seed = page.get_by_role("separator", name="Resize column seed")
    seed.dblclick()
    expect(seed).not_to_have_attribute("aria-valuenow", "120")
    fitted = int(seed.get_attribute("aria-valuenow"))
    assert 48 <= fitted < 120
    seed_cell = row.locator(".jp-tracker-td[data-column-id='params.`seed`']")
    assert seed_cell.evaluate("el => el.scrollWidth <= el.clientWidth")

    # A reload brings the widths back for this experiment; another keeps the defaults.
    open_lab(page, lab_server)
    open_tracker(page)
    select_experiment(page, "sweeps/resized")
    expect(page.get_by_role("separator", name="Resize column loss")).to_have_attribute(
        "aria-valuenow", "298"
    )
    expect(page.get_by_role("separator", name="Resize column lr")).to_have_attribute(
        "aria-valuenow", "140"
    )
    expect(page.get_by_role("separator", name="Resize column seed")).to_have_attribute(
        "aria-valuenow", str(fitted)
    )
    assert abs(column_width(page, "loss") - 298) < 1
    select_experiment(page, "sweeps/not-resized")
    expect(page.get_by_role("separator", name="Resize column loss")).to_have_attribute(
        "aria-valuenow", "100"
    )
