"""Notebook views with hostile store strings: names, keys and values are text in every
widget's HTML and every fallback, and enter chart specs only as data or text, never as
code in a Vega expression (Vega compiles expressions to JavaScript).

Vega-Lite itself quotes some texts into the expressions it generates (an axis title into
a mark's ARIA description, a tooltip title into the tooltip's signal): there a store
string may only ever be inside a string literal.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from xml.etree import ElementTree

import pandas as pd
import pytest
import vl_convert
from support.notebook_session import tracker  # noqa: F401

from jupyterlab_tracker.views import (
    CompareWidget,
    RunsBrowser,
    metric_history_chart,
    parallel_coordinates_chart,
    scatter_chart,
)
from jupyterlab_tracker.views.charts import live_metrics_chart
from jupyterlab_tracker.views.rendering import HTML, SVG, ChartWidget

MARKER = "xss-marker"
# Breaks out of an HTML text node, an attribute, a JS string and a Vega expression alike.
HOSTILE = f"""{MARKER}<img src=x onerror="alert(1)">'"]);alert(2);//`${{alert(3)}}\\"""
# Keys stored through the client allow only letters, digits, space and `_-.:/`.
HOSTILE_KEY = f"javascript:{MARKER}/x"
# Where a Vega or Vega-Lite spec holds expressions (transforms, signals, rules, labels).
EXPRESSION_KEYS = {"expr", "signal", "update", "test", "init", "calculate", "filter", "labelExpr"}


class Markup(HTMLParser):
    """The elements, attributes and text of an HTML string."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def assert_text_only(html: str, expected_text: str) -> None:
    """``expected_text`` is in ``html`` as text, and no store string became markup."""
    markup = Markup(html)
    assert expected_text in markup.text
    for tag, attrs in markup.tags:
        assert tag not in ("img", "script", "iframe"), (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        active = {k: v for k, v in attrs.items() if k in ("href", "xlink:href", "src", "style")}
        assert not any(MARKER in (value or "") for value in active.values()), (tag, attrs)


def expressions(node, in_expression: bool = False):
    """Every string of a (compiled Vega) spec that Vega parses as an expression."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from expressions(value, in_expression or key in EXPRESSION_KEYS)
    elif isinstance(node, list):
        for value in node:
            yield from expressions(value, in_expression)
    elif isinstance(node, str) and in_expression:
        yield node


def sort_lists(node):
    """Every explicit sort order (a list of values) in a Vega-Lite spec."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "sort" and isinstance(value, list):
                yield value
            else:
                yield from sort_lists(value)
    elif isinstance(node, list):
        for value in node:
            yield from sort_lists(value)


def outside_string_literals(expression: str) -> str:
    """An expression's code with its string literals ('...' or "...") taken out."""
    code, quote, index = [], None, 0
    while index < len(expression):
        char = expression[index]
        if quote is None and char in "'\"":
            quote = char
        elif quote is None:
            code.append(char)
        elif char == "\\":
            index += 1  # the escaped character stays inside the literal
        elif char == quote:
            quote = None
        index += 1
    assert quote is None, f"unterminated string literal in {expression!r}"
    return "".join(code)


def assert_store_strings_are_data(chart) -> None:
    spec = chart.to_dict()
    assert "href" not in json.dumps(spec)  # no channel turns a store string into a link
    # Our specs never build an expression from a store string, nor sort by a list of
    # them (Vega-Lite turns a sort list into an expression)...
    assert [e for e in expressions(spec) if MARKER in e] == []
    assert [s for s in sort_lists(spec) if MARKER in json.dumps(s)] == []
    # ...and what Vega-Lite compiles them to holds store strings only as string literals.
    compiled = vl_convert.vegalite_to_vega(spec)
    as_code = [e for e in expressions(compiled) if MARKER in outside_string_literals(e)]
    assert as_code == []


@pytest.fixture
def hostile_frames():
    """A runs frame and a histories frame whose names and keys are all hostile."""
    run_ids = ["a" * 32, "b" * 32]
    runs = pd.DataFrame(
        {
            "run_id": run_ids,
            "tags.mlflow.runName": [f"{HOSTILE} one", f"{HOSTILE} two"],
            f"params.{HOSTILE}": ["1", "2"],
            f"params.text {HOSTILE}": [HOSTILE, f"{HOSTILE}!"],
            f"metrics.{HOSTILE}": [0.5, 0.7],
        }
    )
    histories = pd.DataFrame(
        [
            {
                "run_id": run_id,
                "run_name": f"{HOSTILE} {name}",
                "key": HOSTILE,
                "step": step,
                "timestamp": 1_700_000_000_000 + step,
                "value": step / 2,
            }
            for run_id, name in zip(run_ids, ["one", "two"], strict=True)
            for step in range(3)
        ]
    )
    return runs, histories


def test_outside_string_literals_keeps_only_code():
    assert outside_string_literals("""'a\\'b' + "c\\"d" + datum.x""") == " +  + datum.x"
    assert MARKER in outside_string_literals(f'"title: " + {MARKER}')


def test_charts_keep_store_strings_out_of_vega_expressions(hostile_frames):
    runs, histories = hostile_frames
    columns = [c for c in runs.columns if c.startswith(("params.", "metrics."))]
    charts = [
        metric_history_chart(histories, HOSTILE, smoothing=0.5),
        metric_history_chart(histories, HOSTILE, x="time"),
        live_metrics_chart(histories).properties(title=HOSTILE),
        parallel_coordinates_chart(runs, columns),
        scatter_chart(runs, f"params.{HOSTILE}", f"metrics.{HOSTILE}"),
        scatter_chart(runs, f"params.text {HOSTILE}", f"metrics.{HOSTILE}"),
    ]
    for chart in charts:
        assert_store_strings_are_data(chart)


def test_static_svg_shows_store_strings_as_text(hostile_frames):
    runs, histories = hostile_frames
    svg = ChartWidget(metric_history_chart(histories, HOSTILE))._repr_mimebundle_()[0][SVG]
    root = ElementTree.fromstring(svg)
    assert HOSTILE in "".join(root.itertext())  # the title, as text
    for element in root.iter():
        assert not element.tag.endswith(("script", "foreignObject")), element.tag
        assert not any(name.startswith("on") for name in element.attrib), element.attrib


def test_charts_offer_exports_only(hostile_frames):
    """vega-embed's "View Source" writes the spec unescaped into a window of JupyterLab's
    origin: the chart menu must not offer it (nor the compiled spec, nor the editor)."""
    runs, _ = hostile_frames
    chart = scatter_chart(runs, f"params.{HOSTILE}", f"metrics.{HOSTILE}")
    for widget in (ChartWidget(chart), ChartWidget(chart, embed_options={"renderer": "canvas"})):
        actions = widget.embed_options["actions"]
        assert actions == {"export": True, "source": False, "compiled": False, "editor": False}
    assert ChartWidget(chart, embed_options={"renderer": "canvas"}).embed_options["renderer"] == (
        "canvas"
    )


@pytest.fixture
def hostile_runs(tracker):  # noqa: F811
    """Two runs in the store with hostile names, tags and values: name -> run id."""
    tracker.set_experiment(f"{HOSTILE} experiment")
    run_ids = {}
    for index in range(2):
        name = f"{HOSTILE} run {index}"
        with tracker.start_run(run_name=name) as run:
            tracker.log_params({HOSTILE_KEY: f"{HOSTILE} value {index}", "depth": index})
            tracker.set_tag("mlflow.note.content", HOSTILE)
            for step in range(3):
                tracker.log_metric(HOSTILE_KEY, step + index, step=step)
        run_ids[name] = run.info.run_id
    return run_ids


def test_compare_widget_html_is_text_only(hostile_runs):
    widget = CompareWidget(list(hostile_runs.values()))
    assert_text_only(widget.diff_table.value, f"{HOSTILE} value 0")
    assert_text_only(widget.diff_table.value, f"{HOSTILE} run 1")  # a column heading
    widget._select(list(hostile_runs.values()))
    assert_text_only(widget.selection_label.value, f"{HOSTILE} run 0")
    for chart in (widget.history_chart, widget.parallel_chart, widget.scatter_chart):
        assert_store_strings_are_data(chart.chart)
    assert_text_only(widget._repr_mimebundle_()[HTML], f"{HOSTILE} value 1")  # nbconvert


def test_runs_browser_html_is_text_only(hostile_runs):
    browser = RunsBrowser(columns=["run", "status", f"params.{HOSTILE_KEY}"])
    assert_text_only(browser.header.value, "javascrip…")  # the key's column title, cut
    labels = [label for label, _ in browser.table.options]  # a select's options: text
    assert any(f"{HOSTILE}"[:10] in label for label in labels)
    assert_text_only(browser._repr_mimebundle_()[HTML], f"{HOSTILE} value 0")  # nbconvert
    browser.filter_box.value = f"params.x = '{HOSTILE}"  # an unclosed quote: an error
    assert browser.error.value
    assert_text_only(browser.error.value, "")
