"""``CompareWidget``: runs side by side: param diff, metric overlay, parallel coordinates
and a scatter plot. Clicking or brushing a chart selects runs: ``widget.selected_runs``."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from .charts import (
    RUN_NAME_COLUMN,
    metric_history_chart,
    parallel_coordinates_chart,
    param_diff_table,
    run_labels,
    scatter_chart,
)
from .data import metric_histories, metric_keys, param_keys, runs_frame
from .palette import run_colors
from .rendering import HTML, ChartWidget, static_svg, with_fallback

DIFF_STYLE = """<style>
.jt-diff { border-collapse: collapse; font-size: var(--jp-ui-font-size1); }
.jt-diff th, .jt-diff td { padding: 2px 10px; text-align: left;
  border-bottom: 1px solid var(--jp-border-color2); }
.jt-diff tr.jt-differs td { background: rgba(255, 179, 0, 0.22); font-weight: 600; }
.jt-swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%;
  margin-right: 4px; }
</style>"""


WIDE = {"width": "300px"}  # dropdown layouts
NARROW = {"width": "160px"}


class CompareWidget(widgets.VBox):
    """Compare runs given by id."""

    def __init__(self, run_ids: list[str]):
        if not run_ids:
            raise ValueError("CompareWidget needs at least one run id")
        self.runs = runs_frame(run_ids)
        labels = run_labels(self.runs["run_id"], self.runs.get(RUN_NAME_COLUMN))
        self.labels = dict(zip(labels, self.runs["run_id"], strict=True))  # label -> run id
        self.colors = run_colors(self.runs["run_id"])
        self.metrics = metric_keys(self.runs)
        self._histories: dict[str, pd.DataFrame] = {}
        self._selected: list[str] = []

        self.only_differences = widgets.Checkbox(description="only differences", indent=False)
        self.diff_table = widgets.HTML()
        self.only_differences.observe(lambda _: self._show_diff(), "value")

        self.metric = widgets.Dropdown(options=self.metrics, description="Metric", layout=WIDE)
        self.x_axis = widgets.Dropdown(options=["step", "time"], description="x", layout=NARROW)
        self.smoothing = widgets.FloatSlider(0.0, min=0, max=0.95, step=0.05, description="Smooth")
        self.log_scale = widgets.Checkbox(description="log scale", indent=False)
        self.history_chart = ChartWidget(self._history())
        for control in (self.metric, self.x_axis, self.smoothing, self.log_scale):
            control.observe(lambda _: self._redraw_history(), "value")

        self.parallel_chart = ChartWidget(
            parallel_coordinates_chart(self.runs, self._parallel_columns(), self.colors)
        )

        params = [f"params.{k}" for k in param_keys(self.runs)]
        metrics = [f"metrics.{k}" for k in self.metrics]
        differing = [c for c in self._parallel_columns() if c in params]
        self.scatter_x = widgets.Dropdown(
            options=params + metrics,
            value=next(iter(differing or params or metrics), None),  # a param that varies
            description="x",
            layout=WIDE,
        )
        self.scatter_y = widgets.Dropdown(options=metrics, description="y", layout=WIDE)
        self.scatter_chart = ChartWidget(self._scatter())
        for control in (self.scatter_x, self.scatter_y):
            control.observe(lambda _: self._redraw_scatter(), "value")

        self.selection_label = widgets.HTML()
        self.history_chart.selections.observe(self._on_legend_pick, ["runs"])
        self.parallel_chart.selections.observe(self._on_line_pick, ["picked"])
        self.scatter_chart.selections.observe(self._on_brush, ["brush"])

        super().__init__(
            [
                widgets.HTML(DIFF_STYLE),
                _heading(f"Comparing {len(run_ids)} runs"),
                self.selection_label,
                _heading("Parameters"),
                self.only_differences,
                self.diff_table,
                _heading("Metric history"),
                widgets.HBox([self.metric, self.x_axis, self.smoothing, self.log_scale]),
                self.history_chart,
                _heading("Parallel coordinates"),
                self.parallel_chart,
                _heading("Scatter"),
                widgets.HBox([self.scatter_x, self.scatter_y]),
                self.scatter_chart,
            ]
        )
        self._show_diff()
        self._show_selection()

    @property
    def selected_runs(self) -> list[str]:
        """Run ids picked by the latest click or brush on any chart."""
        return list(self._selected)

    # -- parameters ----------------------------------------------------------------------
    def _show_diff(self) -> None:
        table = param_diff_table(self.runs)
        if self.only_differences.value:
            table = table[table["differs"]]
        self.diff_table.value = self._diff_html(table)

    def _diff_html(self, table: pd.DataFrame) -> str:
        run_columns = [c for c in table.columns if c != "differs"]
        head = "".join(
            f'<th><span class="jt-swatch" style="background:{self.colors[self.labels[c]]}">'
            f"</span>{html.escape(c)}</th>"
            for c in run_columns
        )
        body = "".join(
            f'<tr class="{"jt-differs" if row["differs"] else ""}"><td>{html.escape(param)}</td>'
            + "".join(f"<td>{html.escape(_text(row[c]))}</td>" for c in run_columns)
            + "</tr>"
            for param, row in table.iterrows()
        )
        if not body:
            body = f'<tr><td colspan="{len(run_columns) + 1}">no params differ</td></tr>'
        return f'<table class="jt-diff"><tr><th>param</th>{head}</tr>{body}</table>'

    # -- charts ----------------------------------------------------------------------------
    def _history(self):
        metric = self.metric.value
        if metric not in self._histories:
            self._histories[metric] = metric_histories(self.runs, [metric] if metric else [])
        return metric_history_chart(
            self._histories[metric],
            metric or "",
            x=self.x_axis.value,
            smoothing=self.smoothing.value,
            log_scale=self.log_scale.value,
            colors=self.colors,
        )

    def _redraw_history(self) -> None:
        self.history_chart.chart = self._history()

    def _parallel_columns(self) -> list[str]:
        table = param_diff_table(self.runs)
        differing = [f"params.{p}" for p in table.index[table["differs"]]]
        return differing + [f"metrics.{m}" for m in self.metrics]

    def _scatter(self):
        if not (self.scatter_x.value and self.scatter_y.value):
            return scatter_chart(self.runs.assign(none=None), "none", "none", self.colors)
        return scatter_chart(self.runs, self.scatter_x.value, self.scatter_y.value, self.colors)

    def _redraw_scatter(self) -> None:
        self.scatter_chart.chart = self._scatter()

    # -- selections ----------------------------------------------------------------------
    def _on_legend_pick(self, change) -> None:
        picked = change["new"].value or []
        self._select([self.labels[p["run"]] for p in picked if p.get("run") in self.labels])

    def _on_line_pick(self, change) -> None:
        self._select([p["run_id"] for p in change["new"].value or [] if "run_id" in p])

    def _on_brush(self, change) -> None:
        bounds = change["new"].value or {}
        axes = {"x": self.scatter_x.value, "y": self.scatter_y.value}
        inside = pd.Series(True, index=self.runs.index)
        for encoding, interval in bounds.items():
            inside &= _within(self.runs[axes[encoding]], interval)
        self._select(list(self.runs.loc[inside, "run_id"]) if bounds else [])

    def _select(self, run_ids: list[str]) -> None:
        self._selected = run_ids
        self._show_selection()

    def _show_selection(self) -> None:
        names = {v: k for k, v in self.labels.items()}
        picked = ", ".join(html.escape(names[r]) for r in self._selected) or "none"
        self.selection_label.value = (
            f'<span class="jt-selected-runs">Selected ({len(self._selected)}): {picked}</span>'
        )

    def _repr_mimebundle_(self, **kwargs):
        # For nbconvert: the diff table and the charts as static SVG.
        charts = (self.history_chart, self.parallel_chart, self.scatter_chart)
        static = DIFF_STYLE + self.diff_table.value + "".join(static_svg(c.chart) for c in charts)
        return with_fallback(super()._repr_mimebundle_(**kwargs), HTML, static)


def _heading(text: str) -> widgets.HTML:
    return widgets.HTML(f"<b>{html.escape(text)}</b>")


def _text(value) -> str:
    return "—" if value is None else str(value)


def _within(values: pd.Series, interval: list) -> pd.Series:
    """Rows whose value lies in a brush interval ([low, high], or a list of categories)."""
    numbers = pd.to_numeric(values, errors="coerce")
    if len(interval) == 2 and all(isinstance(v, int | float) for v in interval):
        low, high = sorted(interval)
        return numbers.between(low, high)
    return values.astype(str).isin([str(v) for v in interval])
