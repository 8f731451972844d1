"""A chart of a run's metrics that redraws while the cell trains.

A daemon thread polls the tracker (``jt.sample_metric_history`` flushes the buffered
client first, so it sees what the cell just logged) at most twice a second, and replaces
the chart's data only when it changed. Each line is the store's downsampled overview of
at most ``max_points`` points, from the first step to the newest, however long the run.
It stops when the run is no longer active or on ``stop()``. Only widget state crosses
threads: the kernel sends comm messages from any thread, whereas display calls belong to
the cell's own thread.
"""

from __future__ import annotations

import logging
import threading

import pandas as pd

import jupyterlab_tracker as jt
from jupyterlab_tracker.client.frames import RUN_NAME_COLUMN
from jupyterlab_tracker.errors import TrackerError

from .charts import live_metrics_chart
from .data import HISTORY_COLUMNS, metric_histories
from .rendering import ChartWidget

log = logging.getLogger(__name__)

MIN_INTERVAL = 0.5  # seconds: redraw at most twice a second


class LiveMetrics:
    """``jt.live("loss", "val_loss")``: show the active run's metrics, live.

    With no metric names, every metric the run logs is shown, each line at most
    ``max_points`` points. ``widget`` is the chart (an Altair ``JupyterChart``); ``stop()``
    ends polling and draws the final state.
    """

    def __init__(
        self,
        *metrics: str,
        run_id: str | None = None,
        x: str = "step",
        interval: float = MIN_INTERVAL,
        max_points: int = 1000,
    ):
        if run_id is None:
            active = jt.active_run()
            if active is None:
                raise TrackerError("jt.live() needs an active run: call jt.start_run() first")
            run_id = active.info.run_id
        self.run_id = run_id
        self.run_name = jt.get_run(run_id).info.run_name
        self.metrics = list(metrics)
        self.x = x
        self.interval = max(interval, MIN_INTERVAL)
        self.max_points = max_points
        self._drawn = pd.DataFrame(columns=HISTORY_COLUMNS)
        self.widget = ChartWidget(self._chart(self._drawn))
        self._handle = None
        self._shell = None  # IPython, while it calls us after each cell
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="tracker-live-chart", daemon=True)

    def show(self) -> LiveMetrics:
        """Display the chart below the cell and start redrawing it."""
        from IPython import get_ipython
        from IPython.display import display

        self.widget.static_fallback = False  # drawn once the run ends, in stop()
        self._handle = display(self.widget, display_id=True)
        self.widget.static_fallback = True
        self._thread.start()
        self._shell = get_ipython()
        if self._shell is not None:
            self._shell.events.register("post_execute", self._stop_if_run_ended)
        return self

    def _stop_if_run_ended(self) -> None:
        """After each cell: once the run has ended, finish the chart (on the kernel's
        own thread, which may update displays)."""
        active = jt.active_run()
        if active is None or active.info.run_id != self.run_id:
            self.stop()

    def stop(self) -> None:
        """Stop polling, draw the last points and refresh the output's static image."""
        self._stopped.set()
        if self._shell is not None:
            self._shell.events.unregister("post_execute", self._stop_if_run_ended)
            self._shell = None
        if self._thread.is_alive():
            self._thread.join()
        self.refresh()
        if self._handle is not None:
            # Re-render the output so its SVG fallback (for nbconvert) shows the final
            # chart; a cell that logged nothing keeps no empty chart.
            self._handle.update(self.widget if self.points else _Nothing())

    @property
    def points(self) -> int:
        """How many points the chart draws now."""
        return len(self._drawn)

    def refresh(self) -> bool:
        """Redraw if new points were logged (the points to draw changed); return whether
        it did."""
        keys = self.metrics or sorted(jt.get_run(self.run_id).data.metrics)
        runs = pd.DataFrame({"run_id": [self.run_id], RUN_NAME_COLUMN: [self.run_name]})
        history = metric_histories(runs, keys, self.max_points)
        # Compared whole (at most max_points rows a line): a long history's overview keeps
        # its size while its points move on.
        if history.equals(self._drawn):
            return False
        self._drawn = history
        self.widget.chart = self._chart(history)
        return True

    def _chart(self, history: pd.DataFrame):
        return live_metrics_chart(history, x=self.x).properties(title=self.run_name)

    def _poll(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                active = jt.active_run()
                if active is None or active.info.run_id != self.run_id:
                    self.refresh()  # the run ended: draw its last points and stop
                    return
                self.refresh()
            except Exception as exc:  # a chart must never break training
                log.warning("jupyterlab_tracker: live chart stopped: %s", exc)
                return


class _Nothing:
    """An empty output (replaces a live chart that never got a point)."""

    def _repr_mimebundle_(self, **kwargs):
        return {"text/plain": ""}


def live(*metrics: str, **kwargs) -> LiveMetrics:
    """Show a live chart of the active run's ``metrics`` (all of them by default)."""
    return LiveMetrics(*metrics, **kwargs).show()
