"""Charts as pure functions: tracker data (pandas) in, an Altair chart out.

Usable on their own (``chart.to_dict()`` is plain Vega-Lite) and composed by the widgets.
Inputs are the shapes the client returns:

- a *runs frame*: ``jt.search_runs()``'s DataFrame (``run_id``, ``tags.mlflow.runName``,
  ``metrics.<key>``, ``params.<key>``, ...);
- a *histories frame*: one row per metric point, columns ``run_id``, ``run_name``,
  ``key``, ``step``, ``timestamp`` (ms) and ``value`` (see ``data.metric_histories``).

Every chart names a run by ``run_labels`` and colours it by ``palette.run_colors``;
pass ``colors`` (run id -> colour) to keep colours fixed across charts of different runs.
"""

from __future__ import annotations

from typing import Literal, TypeVar

import altair as alt
import pandas as pd

from jupyterlab_tracker.client.frames import RUN_NAME_COLUMN

from . import identity
from .palette import run_color_scale

# Readable on JupyterLab's light and dark themes alike (the chart cannot see the theme).
NEUTRAL = "#8a8a8a"
CHART_WIDTH = 420
CHART_HEIGHT = 260
# A chart sized to its container counts its axes and labels in that width.
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def run_labels(run_ids: pd.Series, run_names: pd.Series | None) -> pd.Series:
    """A readable, unique label per run (``identity.run_labels``): its name, with the
    distinguishing end of its id where names clash."""
    ids = run_ids.astype(str)
    names = run_names.fillna("").astype(str) if run_names is not None else ids.map(lambda _: "")
    return pd.Series(identity.run_labels(list(ids), list(names)), index=ids.index)


ChartT = TypeVar("ChartT", bound=alt.TopLevelMixin)


def themed(chart: ChartT) -> ChartT:
    """Neutral text and grid colours on a transparent background, for light and dark."""
    return (
        chart.configure(background="transparent")
        .configure_axis(
            labelColor=NEUTRAL,
            titleColor=NEUTRAL,
            gridColor=NEUTRAL,
            gridOpacity=0.25,
            domainColor=NEUTRAL,
            tickColor=NEUTRAL,
        )
        .configure_legend(labelColor=NEUTRAL, titleColor=NEUTRAL, labelLimit=220)
        .configure_title(color=NEUTRAL)
        .configure_view(stroke=None)
    )


# -- metric histories ------------------------------------------------------------------


def metric_history_chart(
    histories: pd.DataFrame,
    metric: str,
    x: str = "step",
    smoothing: float = 0.0,
    log_scale: bool = False,
    colors: dict[str, str] | None = None,
) -> alt.Chart:
    """One line per run for ``metric``; x is "step" or "time" (wall clock).

    ``smoothing`` in [0, 1) is an exponential moving average, as in TensorBoard.
    Clicking a legend entry highlights that run (selection ``runs``).
    """
    if x not in ("step", "time"):
        raise ValueError(f'x must be "step" or "time", not {x!r}')
    if not 0 <= smoothing < 1:
        raise ValueError(f"smoothing must be in [0, 1), not {smoothing!r}")
    data = histories[histories["key"] == metric]
    data = data.assign(run=run_labels(data["run_id"], data.get("run_name")))
    runs = data.drop_duplicates("run_id")  # in the order given, for the legend
    data = data.sort_values(["run_id", "step", "timestamp"])
    if smoothing:
        data["value"] = data.groupby("run_id")["value"].transform(
            lambda v: v.ewm(alpha=1 - smoothing).mean()
        )
    picked = alt.selection_point(name="runs", fields=["run"], bind="legend")
    chart = _history_lines(
        data,
        x,
        y_title=metric,
        log_scale=log_scale,
        color=alt.Color(
            "run:N", title="run", scale=run_color_scale(runs["run"], runs["run_id"], colors)
        ),
    )
    return themed(
        chart.encode(
            opacity=alt.condition(picked, alt.value(1.0), alt.value(0.15)),
            tooltip=["run:N", "step:Q", alt.Tooltip("value:Q", format=".4~g")],
        )
        .add_params(picked)
        .properties(title=metric)
    )


def live_metrics_chart(
    history: pd.DataFrame, metrics: list[str] | None = None, x: str = "step"
) -> alt.Chart:
    """The metrics of one run, one line per metric (the live chart of a training cell)."""
    data = history if metrics is None else history[history["key"].isin(metrics)]
    chart = _history_lines(
        data, x, y_title="value", log_scale=False, color=alt.Color("key:N", title="metric")
    )
    tooltip: list[str | alt.Tooltip] = ["key:N", "step:Q", alt.Tooltip("value:Q", format=".4~g")]
    return themed(chart.encode(tooltip=tooltip))


def _history_lines(
    data: pd.DataFrame, x: str, y_title: str, log_scale: bool, color: alt.Color
) -> alt.Chart:
    columns = [c for c in ("run_id", "run", "key", "step", "value") if c in data]
    frame = data[columns].copy()
    if x == "time":
        frame["time"] = pd.to_datetime(data["timestamp"], unit="ms")
        x_encoding = alt.X("time:T", title="time")
    else:
        x_encoding = alt.X("step:Q", title="step", axis=alt.Axis(format="d", tickMinStep=1))
    y_scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=False)
    return (
        alt.Chart(frame)
        .mark_line(point=len(frame) <= 60)  # points help only while a line is short
        .encode(x=x_encoding, y=alt.Y("value:Q", title=y_title, scale=y_scale), color=color)
        .properties(width=CHART_WIDTH, height=CHART_HEIGHT)
    )


# -- comparing runs --------------------------------------------------------------------


def parallel_coordinates_chart(
    runs_df: pd.DataFrame, columns: list[str], colors: dict[str, str] | None = None
) -> alt.Chart:
    """One line per run across ``columns`` (params and metrics), each axis scaled to
    its own min..max. Text params become evenly spaced categories. Clicking a line
    selects its run (selection ``picked``)."""
    labels = run_labels(runs_df["run_id"], runs_df.get(RUN_NAME_COLUMN))
    parts = []
    for order, column in enumerate(columns):
        raw = runs_df[column]
        position = _unit_positions(raw)
        parts.append(
            pd.DataFrame(
                {
                    "run_id": runs_df["run_id"].values,
                    "run": labels.values,
                    "axis": column,
                    "order": order,
                    "value": raw.map(_short_text).values,
                    "position": position.values,
                }
            )
        )
    data = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["axis", "order"])
    # Axes in the order given, by a number: a sort list of names (store strings) would
    # become a Vega expression.
    by_order = alt.EncodingSortField("order", op="min")
    picked = alt.selection_point(name="picked", fields=["run_id"], on="click")
    lines = (
        alt.Chart(data)
        .mark_line(point=True, strokeWidth=2)
        .encode(
            x=alt.X("axis:N", sort=by_order, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("position:Q", title=None, axis=None),
            detail="run_id:N",
            order="order:Q",  # each run's line goes through the axes in their order
            color=alt.Color(
                "run:N", title="run", scale=run_color_scale(labels, runs_df["run_id"], colors)
            ),
            opacity=alt.condition(picked, alt.value(1.0), alt.value(0.2)),
            tooltip=["run:N", "axis:N", "value:N"],
        )
        .add_params(picked)
    )
    x = alt.X("axis:N", sort=by_order)
    axes = alt.Chart(data).mark_rule(color=NEUTRAL).encode(x=x)
    # Each axis is labelled with its lowest and highest value.
    ends = data.dropna(subset=["position"]).sort_values("position")
    ends = pd.concat([ends.drop_duplicates("axis"), ends.drop_duplicates("axis", keep="last")])
    end_labels = (
        alt.Chart(ends)
        .mark_text(color=NEUTRAL, dx=4, align="left", fontSize=10)
        .encode(x=x, y="position:Q", text="value:N")
    )
    # As wide as the output cell (not wider: a fixed 150 px per axis ran off the cell).
    return themed(
        alt.layer(axes, lines, end_labels).properties(
            width="container", height=CHART_HEIGHT, autosize=FIT_WIDTH
        )
    )


def _short_text(value) -> str:
    """A value as a label: floats to 4 significant digits (0.91, not 0.9099999999999999)."""
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:.4g}"
    return str(value)


def _unit_positions(values: pd.Series) -> pd.Series:
    """Numbers scaled to [0, 1]; text as evenly spaced categories; missing stays NaN."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.isna().sum() > values.isna().sum():  # some values are text
        categories = sorted(values.dropna().astype(str).unique())
        numbers = values.map(lambda v: None if pd.isna(v) else categories.index(str(v)))
        numbers = pd.to_numeric(numbers)
    low, high = numbers.min(), numbers.max()
    if pd.isna(low) or high == low:
        return numbers.where(numbers.isna(), 0.5)
    return (numbers - low) / (high - low)


def scatter_chart(
    runs_df: pd.DataFrame, x: str, y: str, colors: dict[str, str] | None = None
) -> alt.Chart:
    """One point per run, ``x`` against ``y`` (e.g. a param against a metric). Dragging
    draws a brush that selects runs (selection ``brush``)."""
    labels = run_labels(runs_df["run_id"], runs_df.get(RUN_NAME_COLUMN))
    data = pd.DataFrame(
        {
            "run_id": runs_df["run_id"].values,
            "run": labels.values,
            "x": _numbers_if_possible(runs_df[x]).values,
            "y": _numbers_if_possible(runs_df[y]).values,
        }
    )
    x_type = "Q" if pd.api.types.is_numeric_dtype(data["x"]) else "N"
    y_type = "Q" if pd.api.types.is_numeric_dtype(data["y"]) else "N"
    # Vega-Lite brushes continuous scales only.
    axes: tuple[tuple[Literal["x", "y"], str], ...] = (("x", x_type), ("y", y_type))
    brush_encodings = [encoding for encoding, kind in axes if kind == "Q"]
    brush = alt.selection_interval(name="brush", encodings=brush_encodings or ["x"])
    color_scale = run_color_scale(labels, runs_df["run_id"], colors)
    return themed(
        alt.Chart(data)
        .mark_circle(size=120, opacity=0.9)
        .encode(
            x=alt.X(f"x:{x_type}", title=x, scale=_scatter_scale(x_type)),
            y=alt.Y(f"y:{y_type}", title=y, scale=_scatter_scale(y_type)),
            color=alt.condition(
                brush, alt.Color("run:N", title="run", scale=color_scale), alt.value("lightgray")
            ),
            # Titled "x" and "y", not by the axes' names (store strings): Vega-Lite pastes
            # tooltip titles into an expression without escaping backslashes.
            tooltip=["run:N", alt.Tooltip("x", title="x"), alt.Tooltip("y", title="y")],
        )
        .add_params(brush)
        .properties(width=CHART_WIDTH, height=CHART_HEIGHT)
    )


def _scatter_scale(field_type: str) -> alt.Scale:
    # Pixel padding keeps points at the extremes off the plot's edge (numbers only).
    return alt.Scale(zero=False, padding=12) if field_type == "Q" else alt.Scale()


def _numbers_if_possible(values: pd.Series) -> pd.Series:
    numbers = pd.to_numeric(values, errors="coerce")
    return numbers if numbers.isna().sum() == values.isna().sum() else values.astype(str)


def param_diff_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Params side by side: one row per param, one column per run (by label), and a
    ``differs`` column that is True where the runs do not all have the same value
    (a missing param counts as a value)."""
    labels = run_labels(runs["run_id"], runs.get(RUN_NAME_COLUMN))
    param_columns = sorted(c for c in runs.columns if c.startswith("params."))
    table = runs[param_columns].T
    table.columns = list(labels)
    table.index = [c.removeprefix("params.") for c in param_columns]
    table.index.name = "param"
    table = table.astype(object).where(table.notna(), None)
    table["differs"] = table.apply(lambda row: len({str(v) for v in row}) > 1, axis=1)
    return table
