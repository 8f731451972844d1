"""Notebook views: Altair charts (pure functions) and ipywidgets built on them.

They read the tracker through the client's public API only, and render offline in
JupyterLab (see ``rendering``).
"""

from .charts import (
    live_metrics_chart,
    metric_history_chart,
    parallel_coordinates_chart,
    param_diff_table,
    scatter_chart,
)
from .compare import CompareWidget
from .live import LiveMetrics, live
from .palette import RUN_PALETTE, run_colors
from .rendering import ChartWidget
from .runs_browser import RunsBrowser

__all__ = [
    "RUN_PALETTE",
    "ChartWidget",
    "CompareWidget",
    "LiveMetrics",
    "RunsBrowser",
    "live",
    "live_metrics_chart",
    "metric_history_chart",
    "parallel_coordinates_chart",
    "param_diff_table",
    "run_colors",
    "scatter_chart",
]
