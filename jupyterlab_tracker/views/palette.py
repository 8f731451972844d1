"""One colour per run, the same in every chart (and, by the same rule, in the lab panel).

The colours are ``RUN_PALETTE``, the one the panel's charts use: Vega's ``category10``
hues, each at a lightness that keeps it at least 3:1 against both JupyterLab themes'
chart backgrounds (white, and #111 / #212121; ``src/palette.ts``). A run's
colour starts from a hash of its id, so it does not depend on which other runs a chart
shows; when two runs of one chart hash to the same colour, the later one takes the next
free colour, so up to ten runs always look distinct.
"""

from __future__ import annotations

import zlib

import altair as alt

RUN_PALETTE = (
    "#207bb9",
    "#d86500",
    "#299429",
    "#d92f30",
    "#9568bd",
    "#9b6053",
    "#dc55b3",
    "#7e7e7e",
    "#888819",
    "#118e9b",
)


def run_colors(run_ids) -> dict[str, str]:
    """A colour for each run of one chart (or one widget's charts)."""
    colors: dict[str, str] = {}
    taken: set[int] = set()
    for run_id in dict.fromkeys(run_ids):
        slot = zlib.crc32(str(run_id).encode()) % len(RUN_PALETTE)
        if len(taken) < len(RUN_PALETTE):
            while slot in taken:
                slot = (slot + 1) % len(RUN_PALETTE)
        taken.add(slot)
        colors[run_id] = RUN_PALETTE[slot]
    return colors


def run_color_scale(labels, run_ids, colors: dict[str, str] | None = None) -> alt.Scale:
    """A colour scale mapping each run's label to its run's colour (from ``colors``, e.g.
    a widget's ``run_colors`` over all its runs, else ``run_colors(run_ids)``)."""
    colors = colors or run_colors(run_ids)
    return alt.Scale(domain=list(labels), range=[colors[r] for r in run_ids])
