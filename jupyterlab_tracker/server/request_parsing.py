"""Reading request fields: one set of helpers every handler uses, for bodies and queries.

Each helper takes the mapping a field comes from (the JSON body, or ``query_args(self)``)
and the field's name, and either returns a value of the right type or raises a
``TrackerError`` (INVALID_PARAMETER_VALUE) whose message names the field. So bad input is
always a 400 that says what to fix, never a 500.

The messages are MLflow's (``_validate_param_against_schema`` in its server's handlers):
"Missing value for required parameter 'name'. See the API docs ..." and "Invalid value
123 for parameter 'name' supplied:  Hint: Value was of type 'int'. See the API docs ...",
so that scripts matching on MLflow's answers match ours. Nested fields are named like
``metrics[3].value``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, overload

from ..domain.clock import now_ms
from ..domain.limits import INT64_MAX, INT64_MIN
from ..entities import Dataset, DatasetInput, Metric, Param, RunTag
from ..errors import invalid, invalid_value, json_preview
from ..service.validation import batch_limit_exceeded

T = TypeVar("T")

_INTEGER_TEXT = re.compile(r"\s*[-+]?[0-9]+\s*")
# The non-finite doubles MLflow's JSON encoding sends as strings.
NON_FINITE_STRINGS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


_API_DOCS = " See the API docs for more information about request parameters."


def missing_value(path: str):
    """A required field is absent or empty (proto3 JSON cannot tell those apart)."""
    return invalid(f"Missing value for required parameter '{path}'.{_API_DOCS}")


def wrong_type(path: str, value: Any):
    """A field of the wrong JSON type, or one MLflow's schema check refuses."""
    return invalid(
        f"Invalid value {json_preview(value)} for parameter '{path}' supplied:  "
        f"Hint: Value was of type '{type(value).__name__}'.{_API_DOCS}"
    )


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
        raise missing_value(f"{where}{name}")
    if not isinstance(value, str):
        raise wrong_type(f"{where}{name}", value)
    return value


def required_id(fields: Mapping, name: str, *, where: str = "") -> str:
    """An id: ids are strings, but hand-written requests may send ``"experiment_id": 3``."""
    value = fields.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return required_str(fields, name, where=where)


@overload
def optional_str(fields: Mapping, name: str, default: str, *, where: str = "") -> str: ...
@overload
def optional_str(
    fields: Mapping, name: str, default: None = None, *, where: str = ""
) -> str | None: ...
def optional_str(
    fields: Mapping, name: str, default: str | None = None, *, where: str = ""
) -> str | None:
    value = fields.get(name)
    if value is None:
        return default
    if not isinstance(value, str):
        raise wrong_type(f"{where}{name}", value)
    return value


@overload
def optional_int(
    fields: Mapping,
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    where: str = "",
) -> int: ...
@overload
def optional_int(
    fields: Mapping,
    name: str,
    default: None = None,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    where: str = "",
) -> int | None: ...
def optional_int(
    fields: Mapping,
    name: str,
    default: int | None = None,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    where: str = "",
) -> int | None:
    """A 64-bit integer (MLflow's int64); decimal strings are accepted (query arguments
    are strings, and proto3 JSON may send int64 as a string): ASCII digits with an
    optional sign, nothing else that ``int()`` would read ('²' or '1e3' or '1_000').

    ``maximum`` is a check of MLflow's request schema (``runs/search``'s ``max_results``),
    answered as it answers it; ``minimum`` words its refusal as MLflow's store does."""
    value = fields.get(name)
    if value is None or value == "":
        return default
    number = value
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value):
        # More than 20 digits is more than int64: refused without converting it.
        number = int(value) if len(value.strip().lstrip("+-")) <= 20 else INT64_MAX + 1
    if not isinstance(number, int) or isinstance(number, bool):
        raise wrong_type(f"{where}{name}", value)
    if not INT64_MIN <= number <= INT64_MAX:
        raise invalid_value(
            f"{where}{name}",
            value,
            f"The integer must fit in 64 bits ({INT64_MIN} to {INT64_MAX}).",
        )
    if minimum is not None and number < minimum:
        must = "a positive integer" if minimum == 1 else f"at least {minimum}"
        raise invalid(
            f"Invalid value {number} for parameter '{where}{name}' supplied. It must be {must}"
        )
    if maximum is not None and number > maximum:
        raise wrong_type(f"{where}{name}", value)
    return number


def required_number(fields: Mapping, name: str, *, where: str = "") -> float:
    """A double: a JSON number, or "NaN" / "Infinity" / "-Infinity" as MLflow sends them."""
    value = fields.get(name)
    if value is None:
        raise missing_value(f"{where}{name}")
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
            raise invalid_value(
                f"{where}{name}", value, "It is too large for a double (about ±1.8e308 at most)."
            ) from None
    raise wrong_type(f"{where}{name}", value)


def optional_bool(fields: Mapping, name: str, default: bool = False, *, where: str = "") -> bool:
    value = fields.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    if isinstance(value, str):  # a query argument: MLflow's words for it
        shown = json_preview(value)[1:-1]
        raise invalid(f"Invalid boolean value: {shown}, must be 'true' or 'false'.")
    raise wrong_type(f"{where}{name}", value)


@overload
def one_of(value: str, name: str, allowed: tuple[str, ...]) -> str: ...
@overload
def one_of(value: None, name: str, allowed: tuple[str, ...]) -> None: ...
def one_of(value: str | None, name: str, allowed: tuple[str, ...]) -> str | None:
    """``value`` itself when it is one of ``allowed`` (or None).

    MLflow ignores an enum value it does not know (its proto parsing drops the field);
    we refuse it, saying what is allowed."""
    if value is not None and value not in allowed:
        raise invalid_value(name, value, f"It must be one of {', '.join(allowed)}.")
    return value


# -- collections -----------------------------------------------------------------------


def str_list(values: Any, name: str) -> list[str]:
    """A list of strings: from a JSON body, or from ``get_query_arguments(name)``.

    Numbers are accepted as strings, since experiment ids are sometimes sent as numbers.
    """
    if values is None:
        return []
    if not isinstance(values, list):
        raise wrong_type(name, values)
    out = []
    for i, value in enumerate(values):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            raise wrong_type(f"{name}[{i}]", value)
        out.append(value)
    return out


def str_dict(fields: Mapping, name: str) -> dict[str, str]:
    """A ``{key: value}`` object of strings (tags in the native API)."""
    value = fields.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise wrong_type(name, value)
    for key, item in value.items():
        if not isinstance(item, str):
            raise wrong_type(f"{name}.{key}", item)
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

    ``max_items`` (a batch's limit) refuses a longer list before any of its entities is
    made."""
    value = fields.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise wrong_type(f"{where}{name}", value)
    if max_items is not None and len(value) > max_items:
        raise batch_limit_exceeded(name, max_items, len(value))
    items = []
    for i, item in enumerate(value):
        item_where = f"{where}{name}[{i}]."
        if not isinstance(item, dict):
            raise wrong_type(item_where[:-1], item)
        items.append(parse_item(item, item_where))
    return items


# -- entities --------------------------------------------------------------------------


def parse_metric(item: Mapping, where: str = "", *, timestamp_required: bool = False) -> Metric:
    """A metric; ``step`` defaults to 0, and ``timestamp`` to now unless it is required
    (MLflow's API requires it)."""
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
    key = required_str(item, "key", where=where)
    value = required_number(item, "value", where=where)
    timestamp = optional_int(item, "timestamp", where=where)
    if timestamp is None and timestamp_required:
        raise missing_value(f"{where}timestamp")
    return Metric(
        key=key,
        value=value,
        timestamp=now_ms() if timestamp is None else timestamp,
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
        raise wrong_type(f"{where}dataset", dataset)
    tags = item.get("tags") or {}
    if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
        raise wrong_type(f"{where}tags", tags)
    return DatasetInput(dataset=parse_dataset(dataset, f"{where}dataset."), tags=dict(tags))
