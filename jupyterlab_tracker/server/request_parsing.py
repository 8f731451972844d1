"""Reading request fields: one set of helpers every handler uses, for bodies and queries.

Each helper takes the mapping a field comes from (the JSON body, or ``query_args(self)``)
and the field's name, and either returns a value of the right type or raises a
``TrackerError`` (INVALID_PARAMETER_VALUE) whose message names the field. So bad input is
always a 400 that says what to fix, never a 500.

Nested fields are named like ``metrics[3].value``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..entities import Dataset, DatasetInput, Metric, Param, RunTag
from ..errors import invalid, preview
from ..limits import INT64_MAX, INT64_MIN

T = TypeVar("T")

_INTEGER_TEXT = re.compile(r"\s*[-+]?[0-9]+\s*")
# The non-finite doubles MLflow's JSON encoding sends as strings.
NON_FINITE_STRINGS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def query_args(handler) -> dict[str, str]:
    """A handler's single-valued query arguments (the last one wins).

    Repeatable arguments (``order_by``, ``experiment_ids``) are read with
    ``handler.get_query_arguments(name)`` instead.
    """
    return {name: handler.get_query_argument(name) for name in handler.request.query_arguments}


# -- scalars ---------------------------------------------------------------------------


def required_str(fields: Mapping, name: str, *, where: str = "") -> str:
    value = fields.get(name)
    if value is None or value == "":
        raise invalid(f"Missing value for required parameter '{where}{name}'")
    if not isinstance(value, str):
        raise invalid(f"Invalid value {preview(value)} for '{where}{name}': expected a string")
    return value


def required_id(fields: Mapping, name: str, *, where: str = "") -> str:
    """An id: ids are strings, but hand-written requests may send ``"experiment_id": 3``."""
    value = fields.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return required_str(fields, name, where=where)


def optional_str(fields: Mapping, name: str, default: str | None = None, *, where: str = ""):
    value = fields.get(name)
    if value is None:
        return default
    if not isinstance(value, str):
        raise invalid(f"Invalid value {preview(value)} for '{where}{name}': expected a string")
    return value


def optional_int(
    fields: Mapping,
    name: str,
    default: int | None = None,
    *,
    minimum: int | None = None,
    where: str = "",
) -> int | None:
    """A 64-bit integer (MLflow's int64); decimal strings are accepted (query arguments
    are strings, and proto3 JSON may send int64 as a string): ASCII digits with an
    optional sign, nothing else that ``int()`` would read ('²' or '1e3' or '1_000')."""
    value = fields.get(name)
    if value is None or value == "":
        return default
    number = value
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value):
        # More than 20 digits is more than int64: refused without converting it.
        number = int(value) if len(value.strip().lstrip("+-")) <= 20 else INT64_MAX + 1
    if not isinstance(number, int) or isinstance(number, bool):
        raise invalid(f"Invalid value {preview(value)} for '{where}{name}': expected an integer")
    if not INT64_MIN <= number <= INT64_MAX:
        raise invalid(
            f"Invalid value {preview(value)} for '{where}{name}': the integer must fit in "
            f"64 bits ({INT64_MIN} to {INT64_MAX})"
        )
    if minimum is not None and number < minimum:
        raise invalid(f"Invalid value {number} for '{where}{name}': must be at least {minimum}")
    return number


def required_number(fields: Mapping, name: str, *, where: str = "") -> float:
    """A double: a JSON number, or "NaN" / "Infinity" / "-Infinity" as MLflow sends them."""
    value = fields.get(name)
    if value is None:
        raise invalid(f"Missing value for required parameter '{where}{name}'")
    if isinstance(value, str) and value in NON_FINITE_STRINGS:
        return NON_FINITE_STRINGS[value]
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:  # an int beyond the doubles, such as 10**400
            raise invalid(
                f"Invalid value {preview(value)} for '{where}{name}': too large for a double "
                "(about ±1.8e308 at most)"
            ) from None
    raise invalid(f"Invalid value {preview(value)} for '{where}{name}': expected a number")


def optional_bool(fields: Mapping, name: str, default: bool = False, *, where: str = "") -> bool:
    value = fields.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    raise invalid(f"Invalid value {preview(value)} for '{where}{name}': expected true or false")


def one_of(value: str | None, name: str, allowed: tuple[str, ...]) -> str | None:
    """``value`` itself when it is one of ``allowed`` (or None)."""
    if value is not None and value not in allowed:
        raise invalid(f"Invalid value {preview(value)} for '{name}': expected one of {allowed}")
    return value


# -- collections -----------------------------------------------------------------------


def str_list(values: Any, name: str) -> list[str]:
    """A list of strings: from a JSON body, or from ``get_query_arguments(name)``.

    Numbers are accepted as strings, since experiment ids are sometimes sent as numbers.
    """
    if values is None:
        return []
    if not isinstance(values, list):
        raise invalid(f"Invalid value {preview(values)} for '{name}': expected a list")
    out = []
    for i, value in enumerate(values):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise invalid(f"Invalid value {preview(value)} for '{name}[{i}]': expected a string")
        out.append(value)
    return out


def str_dict(fields: Mapping, name: str) -> dict[str, str]:
    """A ``{key: value}`` object of strings (tags in the native API)."""
    value = fields.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid(f"Invalid value {preview(value)} for '{name}': expected an object")
    for key, item in value.items():
        if not isinstance(item, str):
            raise invalid(f"Invalid value {preview(item)} for '{name}.{key}': expected a string")
    return dict(value)


def entity_list(
    fields: Mapping,
    name: str,
    parse_item: Callable[[Mapping, str], T],
    *,
    max_items: int | None = None,
    where: str = "",
) -> list[T]:
    """A list of JSON objects, each turned into an entity by ``parse_item(item, where)``.

    ``max_items`` refuses a longer list before any of its entities is made."""
    value = fields.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid(f"Invalid value {preview(value)} for '{where}{name}': expected a list")
    if max_items is not None and len(value) > max_items:
        raise invalid(
            f"'{where}{name}' may hold at most {max_items} items, got {len(value)}; "
            "split the request"
        )
    items = []
    for i, item in enumerate(value):
        item_where = f"{where}{name}[{i}]."
        if not isinstance(item, dict):
            raise invalid(
                f"Invalid value {preview(item)} for '{item_where[:-1]}': expected an object"
            )
        items.append(parse_item(item, item_where))
    return items


# -- entities --------------------------------------------------------------------------


def parse_metric(item: Mapping, where: str = "") -> Metric:
    """A metric; ``timestamp`` defaults to now and ``step`` to 0."""
    # The usual item (a batch holds up to 1000), settled with exact type checks; anything
    # else takes the general path below, with its conversions and error messages.
    key, value, step = item.get("key"), item.get("value"), item.get("step", 0)
    timestamp = item.get("timestamp")
    if (
        type(key) is str
        and key
        and (type(value) is float or type(value) is int)  # not bool
        and type(timestamp) is int
        and type(step) is int
    ):
        try:
            return Metric(key, float(value), timestamp, step)
        except OverflowError:  # an int beyond the doubles: the path below names the field
            pass
    timestamp = optional_int(item, "timestamp", where=where)
    return Metric(
        key=required_str(item, "key", where=where),
        value=required_number(item, "value", where=where),
        timestamp=int(time.time() * 1000) if timestamp is None else timestamp,
        step=optional_int(item, "step", 0, where=where),
    )


def parse_param(item: Mapping, where: str = "") -> Param:
    return Param(
        key=required_str(item, "key", where=where),
        value=optional_str(item, "value", "", where=where),
    )


def parse_tag(item: Mapping, where: str = "") -> RunTag:
    return RunTag(
        key=required_str(item, "key", where=where),
        value=optional_str(item, "value", "", where=where),
    )


def parse_dataset(item: Mapping, where: str = "") -> Dataset:
    return Dataset(
        name=required_str(item, "name", where=where),
        digest=required_str(item, "digest", where=where),
        source_type=optional_str(item, "source_type", "", where=where),
        source=optional_str(item, "source", "", where=where),
        schema=optional_str(item, "schema", "", where=where),
        profile=optional_str(item, "profile", "", where=where),
    )


def parse_dataset_input(item: Mapping, where: str = "") -> DatasetInput:
    dataset = item.get("dataset")
    if not isinstance(dataset, dict):
        raise invalid(f"Invalid value {preview(dataset)} for '{where}dataset': expected an object")
    tags = item.get("tags") or {}
    if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
        raise invalid(
            f"Invalid value {preview(tags)} for '{where}tags': expected an object of strings"
        )
    return DatasetInput(dataset=parse_dataset(dataset, f"{where}dataset."), tags=dict(tags))
