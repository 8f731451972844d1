"""Turning in-memory objects into artifact files (text, dicts, figures, images, tables).

Each ``write_*`` function writes one file at ``path`` (a local temporary path chosen by
the caller, whose suffix picks the format where several are possible).
"""

from __future__ import annotations

import json
import sys

from ..errors import invalid


def write_text(text: str, path: str) -> None:
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


def write_dict(data: dict, path: str) -> None:
    """JSON, or YAML when the file name ends in .yaml / .yml."""
    with open(path, "w", encoding="utf-8") as file:
        if path.endswith((".yaml", ".yml")):
            import yaml

            yaml.safe_dump(data, file, sort_keys=False)
        else:
            json.dump(data, file, indent=2)


def write_figure(figure, path: str) -> None:
    """A matplotlib Figure, a plotly Figure (.html or an image) or an Altair chart
    (.html, .json, or .png/.svg through vl-convert)."""
    kind = f"{type(figure).__module__}.{type(figure).__name__}"
    if kind.startswith("matplotlib."):
        figure.savefig(path)
    elif kind.startswith("plotly."):
        if path.endswith(".html"):
            figure.write_html(path)
        else:
            figure.write_image(path)
    elif kind.startswith("altair."):
        figure.save(path)  # Altair picks the format from the suffix
    else:
        raise invalid(f"log_figure takes a matplotlib, plotly or Altair figure, not {kind}")


def write_image(image, path: str) -> None:
    """A PIL image or a numpy array (HxW, HxWx3, HxWx4; floats in [0, 1] or uint8) as PNG."""
    pil = sys.modules.get("PIL.Image")
    if pil is None or not isinstance(image, pil.Image):
        import numpy
        from PIL import Image

        array = numpy.asarray(image)
        if array.dtype.kind == "f":
            array = (numpy.clip(array, 0, 1) * 255).round()
        image = Image.fromarray(array.astype(numpy.uint8))
    image.save(path, format="PNG")


def write_table(data, path: str) -> None:
    """MLflow's table JSON: ``{"columns": [...], "data": [[...], ...]}`` from a DataFrame or
    a dict of columns; ``pandas.read_json(path, orient="split")`` loads it back."""
    import pandas

    frame = data if isinstance(data, pandas.DataFrame) else pandas.DataFrame(data)
    frame.to_json(path, orient="split", index=False)
