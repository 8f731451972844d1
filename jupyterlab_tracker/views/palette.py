"""One colour per run, the same in every chart (and, by the same rule, in the lab panel).

The colours are Vega's ``category10`` scheme, the one the panel's charts use. A run's
colour starts from a hash of its id, so it does not depend on which other runs a chart
shows; when two runs of one chart hash to the same colour, the later one takes the next
free colour, so up to ten runs always look distinct.
"""

from __future__ import annotations

import zlib

import altair as alt

CATEGORY10 = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


def run_colors(run_ids) -> dict[str, str]:
    """A colour for each run of one chart (or one widget's charts)."""
    colors: dict[str, str] = {}
    taken: set[int] = set()
    for run_id in dict.fromkeys(run_ids):
        slot = zlib.crc32(str(run_id).encode()) % len(CATEGORY10)
        if len(taken) < len(CATEGORY10):
            while slot in taken:
                slot = (slot + 1) % len(CATEGORY10)
        taken.add(slot)
        colors[run_id] = CATEGORY10[slot]
    return colors


def run_color_scale(labels, run_ids, colors: dict[str, str] | None = None) -> alt.Scale:
    """A colour scale mapping each run's label to its run's colour (from ``colors``, e.g.
    a widget's ``run_colors`` over all its runs, else ``run_colors(run_ids)``)."""
    colors = colors or run_colors(run_ids)
    return alt.Scale(domain=list(labels), range=[colors[r] for r in run_ids])
