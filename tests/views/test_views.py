"""Notebook views: the chart functions (through ``chart.to_dict()``), the widgets driven
from Python as the frontend would, and the rule that views use the client API only."""

from __future__ import annotations

import pandas as pd
import pytest
from support.import_rules import PACKAGE, imported_modules
from support.notebook_session import DEMO_RUNS, seed_demo_runs, tracker  # noqa: F401

import jupyterlab_tracker
from jupyterlab_tracker.views import (
    RUN_PALETTE,
    CompareWidget,
    LiveMetrics,
    RunsBrowser,
    metric_history_chart,
    parallel_coordinates_chart,
    param_diff_table,
    run_colors,
    scatter_chart,
)
from jupyterlab_tracker.views.charts import run_labels
from jupyterlab_tracker.views.data import metric_histories, resolve_runs, runs_frame
from jupyterlab_tracker.views.rendering import SVG, ChartWidget, static_svg


@pytest.fixture
def demo(tracker):  # noqa: F811
    """The demo runs: name -> run id."""
    return seed_demo_runs()


def runs_df(demo):
    return runs_frame(list(demo.values()))


def frontend_selects(chart: ChartWidget, name: str, value) -> None:
    """What the browser sends when the user brushes or clicks a chart."""
    chart._vl_selections = {**chart._vl_selections, name: {"value": value, "store": []}}


def layer_with(spec: dict, mark: str) -> dict:
    return next(layer for layer in spec["layer"] if layer["mark"]["type"] == mark)


# -- rules -------------------------------------------------------------------------------


def test_views_and_magics_import_only_the_client():
    # errors and the domain (tags, limits, clock): the stdlib-only modules every layer shares
    allowed = (
        "jupyterlab_tracker.client",
        "jupyterlab_tracker.errors",
        "jupyterlab_tracker.domain",
        "jupyterlab_tracker.views",
    )
    forbidden = ("sqlalchemy", "alembic", "tornado", "jupyter_server")
    files = {path: "jupyterlab_tracker.views" for path in (PACKAGE / "views").glob("*.py")}
    files[PACKAGE / "magics.py"] = "jupyterlab_tracker"
    for path, package in files.items():
        for name in imported_modules(path, package):
            assert not name.startswith(forbidden), f"{path.name} imports {name}"
            if name.startswith("jupyterlab_tracker."):  # the package itself is the fluent API
                assert name.startswith(allowed), f"{path.name} imports {name}"


def test_palette_is_stable_and_distinct_within_a_chart():
    ids = [f"run{i:02d}" for i in range(10)]
    assert sorted(run_colors(ids).values()) == sorted(RUN_PALETTE)  # ten runs, ten colours
    # A run's colour comes from its id, not from the other runs shown with it.
    assert run_colors(["abc"])["abc"] == run_colors(["abc", *ids])["abc"]


def test_run_labels_disambiguate_clashing_names():
    # Time-ordered ids of runs made together: the same first digits, distinct last ones.
    ids = ["019a2b3c4d5e7a01b2c3d4e5f6111111", "019a2b3c4d5e7a01b2c3d4e5f6222222", "019a2b3c4d5e"]
    labels = run_labels(pd.Series(ids), pd.Series(["x", "x", None]))
    assert list(labels) == ["x (…111111)", "x (…222222)", "…3c4d5e"]
    assert len(set(labels)) == 3


# -- charts ------------------------------------------------------------------------------


def test_metric_history_chart(demo):
    histories = metric_histories(runs_df(demo), ["loss", "accuracy"])
    spec = metric_history_chart(histories, "loss", smoothing=0.5, log_scale=True).to_dict()
    assert spec["mark"]["type"] == "line"
    assert spec["encoding"]["x"]["field"] == "step"
    assert spec["encoding"]["y"]["scale"]["type"] == "log"
    color = spec["encoding"]["color"]["scale"]
    assert color["domain"] == [name for name, *_ in DEMO_RUNS]  # in the runs' order
    assert color["range"] == [run_colors(demo.values())[demo[n]] for n in color["domain"]]
    rows = spec["datasets"][spec["data"]["name"]]
    assert {r["run"] for r in rows} == set(demo) and len(rows) == 15  # loss only
    first = [r["value"] for r in rows if r["run"] == "calm-fox"]
    raw = [(1 - 0.71) * 2 / (s + 1) for s in range(5)]
    assert first[0] == pytest.approx(raw[0]) and first[-1] > raw[-1]  # smoothed
    assert spec["params"][0]["name"] == "runs"  # clicking the legend picks runs

    by_time = metric_history_chart(histories, "accuracy", x="time").to_dict()
    assert by_time["encoding"]["x"] == {"field": "time", "title": "time", "type": "temporal"}
    with pytest.raises(ValueError):
        metric_history_chart(histories, "loss", x="epoch")


def test_parallel_coordinates_chart(demo):
    columns = ["params.lr", "params.optimizer", "metrics.accuracy"]
    spec = parallel_coordinates_chart(runs_df(demo), columns).to_dict()
    lines = layer_with(spec, "line")
    assert lines["encoding"]["x"]["sort"] == {"field": "order", "op": "min"}  # as given
    assert spec["params"][0]["name"] == "picked"  # Altair lifts layer params to the top
    rows = spec["datasets"][lines["data"]["name"]]
    positions = {(r["run"], r["axis"]): r["position"] for r in rows}
    assert {r["axis"]: r["order"] for r in rows} == {c: i for i, c in enumerate(columns)}
    assert positions[("calm-fox", "params.lr")] == 1.0  # the highest lr
    assert positions[("odd-yak", "params.lr")] == 0.0
    assert positions[("calm-fox", "params.optimizer")] == 1.0  # "sgd" after "adam"
    # As wide as its output cell, axes and labels included; 640 px when drawn statically.
    assert spec["width"] == "container"
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}
    svg = static_svg(parallel_coordinates_chart(runs_df(demo), columns))
    assert 'width="640"' in svg.split(">", 1)[0]


def test_scatter_chart_has_a_brush(demo):
    spec = scatter_chart(runs_df(demo), "params.lr", "metrics.accuracy").to_dict()
    assert spec["params"][0]["name"] == "brush"
    assert spec["params"][0]["select"]["type"] == "interval"
    assert spec["encoding"]["x"]["type"] == "quantitative"  # "0.1" params become numbers
    assert spec["encoding"]["x"]["title"] == "params.lr"
    text_axis = scatter_chart(runs_df(demo), "params.optimizer", "metrics.accuracy").to_dict()
    assert text_axis["encoding"]["x"]["type"] == "nominal"
    assert text_axis["params"][0]["select"]["encodings"] == ["y"]


def test_param_diff_table_flags_differing_rows(demo):
    table = param_diff_table(runs_df(demo))
    assert list(table.columns) == [*demo, "differs"]
    assert table.loc["lr", "differs"] and table.loc["optimizer", "differs"]
    assert not table.loc["epochs", "differs"]
    assert table.loc["optimizer", "calm-fox"] == "sgd"


# -- widgets -----------------------------------------------------------------------------


def test_chart_widget_renders_offline_with_an_svg_fallback(demo):
    widget = ChartWidget(scatter_chart(runs_df(demo), "params.lr", "metrics.accuracy"))
    assert "esm.sh" not in widget._esm  # Vega is bundled, not fetched from a CDN
    data, _ = widget._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data[SVG].startswith("<svg")


def test_runs_browser_filters_sorts_pages_and_selects(demo):
    browser = RunsBrowser(page_size=2)
    assert len(browser.runs) == 3 and browser.page_label.value == "1–2 of 3"
    browser.sort_by.value = "params.lr"
    browser.descending.value = False
    first_page = [run_id for _, run_id in browser.table.options]
    assert first_page == [demo["odd-yak"], demo["brave-owl"]]  # lr 0.01, 0.03: numeric order
    assert "lr" in browser.header.value

    browser.table.value = (demo["odd-yak"],)
    browser.next.click()
    assert [run_id for _, run_id in browser.table.options] == [demo["calm-fox"]]
    browser.table.value = (demo["calm-fox"],)
    assert browser.selected_runs == [demo["odd-yak"], demo["calm-fox"]]  # across pages
    assert list(browser.selected_frame["run_id"]) == [demo["odd-yak"], demo["calm-fox"]]

    browser.filter_box.value = "params.optimizer = 'adam'"
    assert set(browser.runs["run_id"]) == {demo["brave-owl"], demo["odd-yak"]}
    browser.filter_box.value = "metrics.accuracy >"
    assert "Invalid filter" in browser.error.value  # shown in place, the table stays
    assert len(browser.runs) == 2


def test_runs_browser_pages_a_thousand_runs(tracker):  # noqa: F811
    # How fast it pages is benchmarks/bench_views.py's figure; this checks what it shows.
    client = tracker.TrackerClient(tracker.get_tracking_uri())
    experiment_id = client.create_experiment("many")
    for i in range(1000):
        client.create_run(experiment_id, run_name=f"run-{i}", tags={"i": str(i)})
    client.close()
    browser = RunsBrowser(experiment_ids=[experiment_id])
    browser.show_page(10)
    assert browser.page_label.value == "501–550 of 1000"
    assert len(browser.table.options) == 50


def test_compare_widget_diff_charts_and_selections(demo):
    widget = CompareWidget(list(demo.values()))
    assert widget.diff_table.value.count('class="jt-differs"') == 2  # lr, optimizer
    widget.only_differences.value = True
    assert "epochs" not in widget.diff_table.value

    assert widget.metric.value == "accuracy"
    widget.metric.value = "loss"
    assert widget.history_chart.spec["title"] == "loss"  # the chart was redrawn
    assert widget.scatter_x.value == "params.lr"  # a param that differs

    # The frontend reports a brush over lr 0.02..0.2 on the scatter...
    frontend_selects(widget.scatter_chart, "brush", {"x": [0.02, 0.2]})
    assert widget.selected_runs == [demo["calm-fox"], demo["brave-owl"]]
    assert "calm-fox" in widget.selection_label.value
    # ...or a click on a line of the parallel coordinates.
    frontend_selects(
        widget.parallel_chart, "picked", {"vlPoint": {"or": [{"run_id": demo["odd-yak"]}]}}
    )
    assert widget.selected_runs == [demo["odd-yak"]]
    frontend_selects(widget.scatter_chart, "brush", {})
    assert widget.selected_runs == []

    data = widget._repr_mimebundle_()  # a VBox's bundle is the data dict alone
    assert data["text/html"].count("<svg") == 3  # the static fallback for nbconvert


def test_resolve_runs_by_id_or_name_prefix(demo):
    assert resolve_runs([demo["calm-fox"], "odd"]) == [demo["calm-fox"], demo["odd-yak"]]
    with pytest.raises(jupyterlab_tracker.errors.TrackerError, match="No run is named"):
        resolve_runs(["nobody"])


def test_live_metrics_redraws_when_points_arrive(tracker):  # noqa: F811
    with tracker.start_run(run_name="training") as run:
        live = LiveMetrics("loss")
        assert live.refresh() is False  # nothing logged yet
        tracker.log_metric("loss", 0.5, step=0)
        tracker.log_metric("other", 1.0, step=0)
        assert live.refresh() is True
        rows = live.widget.spec["datasets"][live.widget.spec["data"]["name"]]
        assert [(r["key"], r["value"]) for r in rows] == [("loss", 0.5)]
        assert live.widget.spec["title"] == "training"
    assert live.run_id == run.info.run_id
    with pytest.raises(jupyterlab_tracker.errors.TrackerError, match="active run"):
        LiveMetrics()


def test_live_metrics_follow_the_newest_points_past_max_points(tracker):  # noqa: F811
    """A long run keeps redrawing: each refresh draws at most ``max_points`` points, from
    the first step to the newest, and keeps a spike (the store's downsampling)."""
    with tracker.start_run(run_name="long"):
        live = LiveMetrics("loss")  # max_points: 1000
        logged = 0
        for total in (600, 1000, 1500, 3000, 4500):
            for step in range(logged, total):
                tracker.log_metric("loss", 100.0 if step == 1234 else 1.0 / (step + 1), step=step)
            logged = total
            assert live.refresh() is True, f"no redraw at {total} points"
            rows = live.widget.spec["datasets"][live.widget.spec["data"]["name"]]
            steps = [row["step"] for row in rows]
            assert len(rows) <= 1000 and len(rows) == live.points
            assert steps[0] == 0 and steps[-1] == total - 1, f"at {total} points"
            assert steps == sorted(steps)
            if total > 1234:
                assert max(row["value"] for row in rows) == 100.0  # the spike survives
            assert live.refresh() is False  # nothing new: no redraw
