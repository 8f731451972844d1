"""A notebook using the magics and views, executed by a real kernel (nbclient), then
exported to HTML (nbconvert): the store holds the runs, and the export shows the charts
without any JavaScript (their static SVG fallback)."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from jupyterlab_tracker import TrackerClient
from jupyterlab_tracker.config import ARTIFACT_ROOT_ENV, STORE_URI_ENV

pytestmark = pytest.mark.slow  # executes a notebook in a kernel

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
CELLS = [
    "%load_ext jupyterlab_tracker\nimport jupyterlab_tracker as jt\n"
    "%tracker_experiment kernel/notebook test",
    "lr = 0.1",
    "%%track --name first --params lr,epochs\nepochs = 3\nfor step in range(epochs):\n"
    "    jt.log_metric('loss', 1 / (step + 1), step=step)",
    "%%track --name second\njt.log_param('lr', 0.2)\njt.log_metric('loss', 0.4)",
    "w = %compare first second\nw",
    "%runs params.lr = '0.2'",
    "with jt.start_run(run_name='plain'):\n    jt.live('loss')\n"
    "    for step in range(3):\n        jt.log_metric('loss', step, step=step)",
    "%%track --name broken\n1 / 0",
]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The notebook after a kernel ran it, and the store it logged to."""
    root = tmp_path_factory.mktemp("kernel")
    uri = f"sqlite:///{root / 'tracker.db'}"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    notebook.cells[-1].metadata["tags"] = ["raises-exception"]  # the failing cell
    with pytest.MonkeyPatch.context() as env:  # the kernel inherits these
        env.setenv(STORE_URI_ENV, uri)
        env.setenv(ARTIFACT_ROOT_ENV, str(root / "artifacts"))
        env.delenv("JPY_SESSION_NAME", raising=False)
        # JupyterLab does not save widget state by default: neither does this run.
        client = NotebookClient(
            notebook, kernel_name="python3", timeout=120, store_widget_state=False
        )
        client.execute(cwd=str(root))
    tracker = TrackerClient(uri)
    yield notebook, tracker
    tracker.close()


def runs_by_name(tracker: TrackerClient) -> dict:
    experiment = tracker.get_experiment_by_name("kernel/notebook test")
    runs = tracker.search_all_runs([experiment.experiment_id])
    return {run.info.run_name: run for run in runs}


def outputs(notebook, index: int) -> list[dict]:
    return notebook.cells[index].outputs


def test_the_kernel_logged_the_runs(executed):
    _, tracker = executed
    runs = runs_by_name(tracker)
    assert runs["first"].info.status == "FINISHED"
    assert runs["first"].data.params == {"lr": "0.1", "epochs": "3"}
    assert len(tracker.get_metric_history(runs["first"].info.run_id, "loss")) == 3
    assert runs["first"].data.tags["jupyterlab_tracker.python_version"]
    assert runs["second"].data.params == {"lr": "0.2"}
    assert runs["broken"].info.status == "FAILED"
    assert "ZeroDivisionError" in runs["broken"].data.tags["jupyterlab_tracker.error"]


def test_the_widgets_rendered_with_static_fallbacks(executed):
    notebook, _ = executed
    [live] = [o for o in outputs(notebook, 2) if o.get("output_type") == "display_data"]
    assert WIDGET_VIEW in live["data"] and live["data"]["image/svg+xml"].startswith("<svg")
    [compare] = [o for o in outputs(notebook, 4) if "data" in o]
    assert WIDGET_VIEW in compare["data"] and compare["data"]["text/html"].count("<svg") == 3
    [browser] = [o for o in outputs(notebook, 5) if "data" in o]
    assert "second" in browser["data"]["text/html"] and "first" not in browser["data"]["text/html"]
    # jt.live() in a plain cell: finished after the cell, when its run had ended.
    [plain_live] = [o for o in outputs(notebook, 6) if "data" in o]
    assert plain_live["data"]["image/svg+xml"].startswith("<svg")
    assert outputs(notebook, 7)[-1]["ename"] == "ZeroDivisionError"


def test_nbconvert_html_shows_the_charts_without_javascript(executed):
    notebook, _ = executed
    html, _ = HTMLExporter().from_notebook_node(notebook)
    assert html.count("<svg") == 3  # the compare widget's charts, inline in its HTML
    assert 'data-mime-type="image/svg+xml"' in html  # the live chart, as an image
    assert "widget-view+json" not in html  # no widget placeholders that would stay blank
