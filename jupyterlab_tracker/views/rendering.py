"""Showing Altair charts in JupyterLab with no network, and in nbconvert's HTML.

Altair 6's default renderer loads Vega from a CDN, which is blank offline. A
``JupyterChart`` in offline mode ships Vega inside the widget (bundled by vl-convert),
stays interactive and sends its selections back to Python. Exported notebooks have no
live widgets, so every widget's output also carries a static SVG: nbconvert falls back to
it when a notebook holds no widget state, while JupyterLab prefers the live widget.
"""

from __future__ import annotations

import io
import logging

import altair as alt

log = logging.getLogger(__name__)

SVG = "image/svg+xml"
STATIC_WIDTH = 640  # pixels: about a notebook cell's width
HTML = "text/html"
# The chart menu offers exports only: vega-embed's "View Source" and "View Compiled Vega"
# write the spec (run names, keys: store strings) unescaped into a new window of
# JupyterLab's origin, and "Open in Vega Editor" sends it to another site.
CHART_ACTIONS = {"export": True, "source": False, "compiled": False, "editor": False}


class ChartWidget(alt.JupyterChart):
    """An interactive Altair chart that needs no network, with an SVG fallback."""

    def __init__(self, chart: alt.TopLevelSpec, **kwargs):
        # Bundling Vega takes a second or two, once per kernel (Altair remembers it).
        alt.JupyterChart.enable_offline()
        # SVG rather than canvas: crisp at any zoom, and its marks are testable.
        kwargs["embed_options"] = {"renderer": "svg", **kwargs.get("embed_options", {})}
        kwargs["embed_options"]["actions"] = CHART_ACTIONS
        super().__init__(chart, **kwargs)

    static_fallback = True  # False skips the SVG (e.g. while a live chart is empty)

    def _repr_mimebundle_(self, **kwargs):
        svg = static_svg(self.chart) if self.static_fallback else ""
        return with_fallback(super()._repr_mimebundle_(**kwargs), SVG, svg)


def static_svg(chart: alt.TopLevelSpec | None) -> str:
    """The chart drawn as SVG by vl-convert (no browser), or "" if that fails."""
    if chart is None:
        return ""
    if getattr(chart, "width", None) == "container":
        # No container in nbconvert's HTML: draw it as wide as a notebook's cell.
        chart = chart.properties(width=STATIC_WIDTH)
    try:
        buffer = io.StringIO()
        chart.save(buffer, format="svg")
        return buffer.getvalue()
    except Exception as exc:  # a fallback must never break the live display
        log.warning("jupyterlab_tracker: no static image for a chart: %s", exc)
        return ""


def with_fallback(bundle, mimetype: str, content: str):
    """Add ``content`` as ``mimetype`` to a widget's ``_repr_mimebundle_`` result
    (a data dict, or a (data, metadata) pair)."""
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    if content:
        data[mimetype] = content
    return bundle
