"""Turning in-memory objects into artifact files (text, dicts, figures, images, tables).

Each ``write_*`` function writes one file at ``path`` (a local temporary path chosen by
the caller, whose suffix picks the format where several are possible).
"""

from __future__ import annotations

import json
import os

from ..errors import invalid


def write_text(text: str, path: str) -> None:
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


def write_dict(data: dict, path: str) -> None:
    """JSON, or YAML when the file name ends in .yaml / .yml, as ``mlflow.log_dict`` writes
    them (YAML with sorted keys, block style; JSON indented, values it cannot encode as
    ``str(value)``). YAML is written with ``safe_dump``: no Python tags, so MLflow's
    ``load_dict`` (``yaml.safe_load``) reads back whatever was written."""
    with open(path, "w", encoding="utf-8") as file:
        if path.endswith((".yaml", ".yml")):
            import yaml

            yaml.safe_dump(data, file, indent=2, default_flow_style=False)
        else:
            json.dump(data, file, indent=2, default=str)


def write_figure(figure, path: str, save_kwargs: dict | None = None) -> None:
    """A matplotlib Figure, a plotly Figure (.html or an image) or an Altair chart
    (.html, .json, or .png/.svg through vl-convert); ``save_kwargs`` go to the library's
    save call (``savefig``, ``write_html``/``write_image``, ``save``), as in MLflow."""
    kind = f"{type(figure).__module__}.{type(figure).__name__}"
    save_kwargs = save_kwargs or {}
    if kind.startswith("matplotlib."):
        figure.savefig(path, **save_kwargs)
    elif kind.startswith("plotly."):
        if path.endswith(".html"):
            figure.write_html(path, **save_kwargs)
        else:
            figure.write_image(path, **save_kwargs)
    elif kind.startswith("altair."):
        figure.save(path, **save_kwargs)  # Altair picks the format from the suffix
    else:
        raise invalid(f"log_figure takes a matplotlib, plotly or Altair figure, not {kind}")


def write_image(image, path: str) -> None:
    """A PIL image or a numpy array (HxW, HxWx3, HxWx4) in the format the file name's suffix
    names (PNG without one), with ``mlflow.log_image``'s pixels: integers must lie in
    [0, 255]; floats in [0, 1] are scaled to 0..255 (truncated), others min-max scaled first."""
    from PIL import Image

    if not isinstance(image, Image.Image):
        image = Image.fromarray(_pixels(image))
    suffix = os.path.splitext(path)[1].lower()
    image.save(path, format=None if suffix in Image.registered_extensions() else "PNG")


def _pixels(image):
    import numpy

    array = numpy.asarray(image)
    if array.dtype.kind not in "biuf":
        raise invalid(f"log_image takes numbers as pixels, not {array.dtype}")
    if array.dtype.kind in "iu":
        if array.size and (array.min() < 0 or array.max() > 255):
            raise invalid(
                f"Integer pixel values must lie in [0, 255], found {array.min()}..{array.max()}"
            )
        return array.astype(numpy.uint8)
    array = array.astype(numpy.float64)
    low, high = (array.min(), array.max()) if array.size else (0.0, 1.0)
    if low < 0 or high > 1:  # MLflow rescales out-of-range floats (and warns)
        array = (array - low) / ((high - low) or 1.0)
    return (array * 255).astype(numpy.uint8)


TABLE_SUFFIXES = (".json", ".parquet")


def table_frame(data):
    """A DataFrame from a DataFrame or a dict (of columns, or of scalars: one row), as
    ``mlflow.log_table`` builds it."""
    import pandas
    from pandas.api.types import is_object_dtype

    if isinstance(data, pandas.DataFrame):
        frame = data
    elif isinstance(data, dict):
        try:
            frame = pandas.DataFrame(data)
        except ValueError:  # all scalars ("If using all scalar values, you must pass an index")
            frame = pandas.DataFrame([data])
    else:
        raise invalid(f"log_table takes a pandas.DataFrame or a dict, not {type(data).__name__}")
    # Object columns only (images are objects): pandas 3's str columns never hold one.
    for column in [name for name, dtype in frame.dtypes.items() if is_object_dtype(dtype)]:
        if any(_is_image(cell) for cell in frame[column]):
            raise invalid(
                f"Column {column!r} holds images, which jt's log_table does not store "
                "(pandas would write their attributes): use mlflow.log_table for image columns"
            )
    return frame


def _is_image(value) -> bool:
    """What MLflow's log_table treats as an image cell (a PIL or mlflow.Image-like object)."""
    return all(callable(getattr(value, name, None)) for name in ("save", "resize")) and hasattr(
        value, "size"
    )


def write_table(frame, path: str) -> None:
    """MLflow's table files: JSON ``{"columns": [...], "data": [[...], ...]}``
    (``orient="split"``, ISO dates) or Parquet, picked by the suffix."""
    if path.endswith(".parquet"):
        frame.to_parquet(path, index=False)
    else:
        frame.to_json(path, orient="split", index=False, date_format="iso")


def read_table(path: str):
    """A table file ``write_table`` (or MLflow) wrote, as a DataFrame."""
    import pandas

    if path.endswith(".parquet"):
        return pandas.read_parquet(path)
    return pandas.read_json(path, orient="split")
