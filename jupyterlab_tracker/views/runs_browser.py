"""``RunsBrowser``: find runs with an MLflow filter, sort, page and select them.

The table is a ``SelectMultiple`` whose option labels are fixed-width text rows under a
header row (one widget per page instead of one per cell, so 1000 runs stay fast).
Selections survive paging and re-sorting: ``widget.selected_runs``.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

import jupyterlab_tracker as jt
from jupyterlab_tracker.errors import TrackerError

from .charts import RUN_NAME_COLUMN, run_labels
from .rendering import HTML, with_fallback

PAGE_SIZE = 50
VISIBLE_ROWS = 15  # the table scrolls beyond this
FIXED_COLUMNS = {"run": 26, "status": 10, "start": 18, "duration": 9}
VALUE_WIDTH = 11
MAX_KEY_COLUMNS = 4  # metrics and params shown by default, each
STYLE = """<style>
.jt-runs-table select, .jt-runs-header { font-family: var(--jp-code-font-family);
  font-size: var(--jp-code-font-size); white-space: pre; }
.jt-runs-header { color: var(--jp-ui-font-color2); padding-left: 4px; }
.jt-error { color: var(--jp-error-color1); }
</style>"""


class RunsBrowser(widgets.VBox):
    """Runs of one experiment (default: the current one) as a filterable table."""

    def __init__(
        self,
        filter_string: str = "",
        experiment_ids: list[str] | None = None,
        columns: list[str] | None = None,
        page_size: int = PAGE_SIZE,
    ):
        self.experiment_ids = experiment_ids
        self.page_size = page_size
        self.requested_columns = columns
        self.runs = pd.DataFrame()  # every run matching the filter, in display order
        self.page = 0
        self._selected: dict[str, None] = {}  # ordered set of run ids
        self._reloading = False
        self._showing_page = False

        self.filter_box = widgets.Text(
            value=filter_string,
            placeholder="metrics.accuracy > 0.9 and params.lr = '0.01'",
            description="Filter",
            continuous_update=False,
            layout=widgets.Layout(width="60%"),
        )
        self.sort_by = widgets.Dropdown(description="Sort by", layout={"width": "240px"})
        self.descending = widgets.ToggleButton(value=True, description="desc", icon="arrow-down")
        self.error = widgets.HTML()
        self.header = widgets.HTML()
        self.table = widgets.SelectMultiple(rows=VISIBLE_ROWS, layout=widgets.Layout(width="100%"))
        self.table.add_class("jt-runs-table")
        self.previous = widgets.Button(description="Previous", icon="chevron-left")
        self.next = widgets.Button(description="Next", icon="chevron-right")
        self.page_label = widgets.Label()
        self.selection_label = widgets.Label()

        self.filter_box.observe(lambda _: self.reload(), "value")
        self.sort_by.observe(self._on_sort_column, "value")
        self.descending.observe(self._on_direction, "value")
        self.table.observe(self._on_select, "value")
        self.previous.on_click(lambda _: self.show_page(self.page - 1))
        self.next.on_click(lambda _: self.show_page(self.page + 1))

        super().__init__(
            [
                widgets.HTML(STYLE),
                widgets.HBox([self.filter_box, self.sort_by, self.descending]),
                self.error,
                self.header,
                self.table,
                widgets.HBox(
                    [self.previous, self.page_label, self.next, self.selection_label],
                    layout={"align_items": "center"},
                ),
            ]
        )
        self.reload()

    # -- reading from Python -----------------------------------------------------------
    @property
    def selected_runs(self) -> list[str]:
        """Ids of the selected runs, in the order they were selected."""
        return list(self._selected)

    @property
    def selected_frame(self) -> pd.DataFrame:
        """The selected runs' rows (``search_runs`` columns)."""
        return self.runs[self.runs["run_id"].isin(self._selected)]

    # -- loading -------------------------------------------------------------------------
    def reload(self) -> None:
        """Search again with the filter box's text; a bad filter is shown in place."""
        try:
            runs = jt.search_runs(self.experiment_ids, self.filter_box.value.strip())
        except TrackerError as exc:
            self.error.value = f'<span class="jt-error">{html.escape(exc.message)}</span>'
            return
        self.error.value = ""
        runs["run"] = run_labels(runs["run_id"], runs.get(RUN_NAME_COLUMN))
        runs["start"] = runs["start_time"].dt.strftime("%Y-%m-%d %H:%M")
        runs["duration"] = (runs["end_time"] - runs["start_time"]).dt.total_seconds()
        self.runs = runs
        self.columns = self.requested_columns or _default_columns(runs)
        options = [(_title(c), c) for c in self.columns if c != "start"] + [("start", "start_time")]
        current = self.sort_by.value
        self._reloading = True  # new options reset the dropdown: sort once, below
        self.sort_by.options = options
        self.sort_by.value = current if current in dict(options).values() else "start_time"
        self._reloading = False
        self.header.value = f'<div class="jt-runs-header">{html.escape(self._header())}</div>'
        self._sort_and_show()

    def _on_sort_column(self, _change) -> None:
        if not self._reloading:
            self._sort_and_show()

    def _on_direction(self, change) -> None:
        self.descending.description = "desc" if change["new"] else "asc"
        self.descending.icon = "arrow-down" if change["new"] else "arrow-up"
        self._sort_and_show()

    def _sort_and_show(self) -> None:
        if self.sort_by.value and len(self.runs):
            self.runs = self.runs.sort_values(
                self.sort_by.value,
                ascending=not self.descending.value,
                na_position="last",
                kind="stable",
                key=_sort_key,
            ).reset_index(drop=True)
        self.show_page(0)

    # -- the table -----------------------------------------------------------------------
    def show_page(self, page: int) -> None:
        pages = max(1, -(-len(self.runs) // self.page_size))
        self.page = min(max(page, 0), pages - 1)
        rows = self.runs.iloc[self.page * self.page_size : (self.page + 1) * self.page_size]
        self._showing_page = True  # new options clear the widget's value: not a user edit
        self.table.options = [(self._row(row), row["run_id"]) for _, row in rows.iterrows()]
        self.table.rows = min(max(len(rows), 3), VISIBLE_ROWS)
        self.table.value = tuple(r for r in rows["run_id"] if r in self._selected)
        self._showing_page = False
        first = self.page * self.page_size
        self.page_label.value = (
            f"{first + 1}–{first + len(rows)} of {len(self.runs)}" if len(rows) else "no runs"
        )
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= pages - 1
        self._update_selection_label()

    def _on_select(self, change) -> None:
        if self._showing_page:
            return
        page_ids = {value for _, value in self.table.options}
        for run_id in page_ids - set(change["new"]):
            self._selected.pop(run_id, None)
        for run_id in change["new"]:
            self._selected.setdefault(run_id, None)
        self._update_selection_label()

    def _update_selection_label(self) -> None:
        self.selection_label.value = f"{len(self._selected)} selected"

    def _header(self) -> str:
        return "".join(_cell(_title(c), _width(c)) for c in self.columns)

    def _row(self, row) -> str:
        return "".join(_cell(_format(c, row.get(c)), _width(c)) for c in self.columns)

    def _repr_mimebundle_(self, **kwargs):
        # For nbconvert: a static table of the first page.
        table = self.runs.head(self.page_size)[[c for c in self.columns if c in self.runs]]
        return with_fallback(super()._repr_mimebundle_(**kwargs), HTML, table.to_html())


def _default_columns(runs: pd.DataFrame) -> list[str]:
    metrics = [c for c in runs.columns if c.startswith("metrics.")][:MAX_KEY_COLUMNS]
    params = [c for c in runs.columns if c.startswith("params.")][:MAX_KEY_COLUMNS]
    return [*FIXED_COLUMNS, *metrics, *params]


def _sort_key(values: pd.Series) -> pd.Series:
    """Numbers sort as numbers (params are stored as text)."""
    numbers = pd.to_numeric(values, errors="coerce")
    return numbers if numbers.notna().sum() == values.notna().sum() else values


def _title(column: str) -> str:
    return column.split(".", 1)[-1]


def _width(column: str) -> int:
    return FIXED_COLUMNS.get(column, VALUE_WIDTH)


def _cell(text: str, width: int) -> str:
    text = text if len(text) < width else text[: width - 2] + "…"
    return text.ljust(width)


def _format(column: str, value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "-"
    if column == "duration":
        minutes, seconds = divmod(round(value), 60)
        return f"{minutes}m {seconds:02d}s"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
