"""Input checks shared by every surface, with MLflow's limits (stdlib only).

Each function returns None when the input is fine and otherwise raises ``TrackerError``
(INVALID_PARAMETER_VALUE) whose message says what to change.

Every string that gets stored is checked against its limit in ``limits.py`` (the same
figure sizes its column) and refused if it holds NUL (U+0000): PostgreSQL's text types
cannot store it, and SQLite would, so refusing it everywhere is what keeps one contract
on both databases. See docs/input-rules.md.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sized
from typing import Any

from ..domain.limits import (
    INT64_MAX,
    INT64_MIN,
    MAX_BATCH_ID_LENGTH,
    MAX_DATASET_DIGEST_LENGTH,
    MAX_DATASET_NAME_LENGTH,
    MAX_DATASET_PROFILE_LENGTH,
    MAX_DATASET_SCHEMA_LENGTH,
    MAX_DATASET_SOURCE_LENGTH,
    MAX_DATASET_SOURCE_TYPE_LENGTH,
    MAX_ENTITIES_PER_BATCH,
    MAX_EXPERIMENT_NAME_LENGTH,
    MAX_INPUT_TAG_VALUE_LENGTH,
    MAX_KEY_LENGTH,
    MAX_METRICS_PER_BATCH,
    MAX_ORDER_BY_KEYS,
    MAX_PARAM_VALUE_LENGTH,
    MAX_PARAMS_PER_BATCH,
    MAX_RESULTS_LIMIT,
    MAX_RUN_ID_LENGTH,
    MAX_RUN_NAME_LENGTH,
    MAX_TAG_VALUE_LENGTH,
    MAX_TAGS_PER_BATCH,
    MAX_URI_LENGTH,
    MAX_USER_LENGTH,
)
from ..domain.tags import RUN_NAME_TAG
from ..entities import RUN_STATUSES, VIEW_TYPES
from ..errors import TrackerError, exceeds_maximum_length, invalid, invalid_value, preview

# Metric values are doubles: an int of more bits than this may not convert (2**1024 won't).
_MAX_DOUBLE_INT_BITS = 1023
# MLflow's key characters (\w: str.isalnum() characters plus "_"), and its messages.
_KEY_CHARACTERS = re.compile(r"[\w\-. :/]*")
_BAD_KEY_CHARACTERS = (
    "Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), "
    "spaces ( ), colon(:) and slashes (/)."
)
# What MLflow calls a key in "'<what>' exceeds the maximum length"; others say the field.
_KEY_LENGTH_NAMES = {"metric": "Metric name", "param": "Param key"}
_HEX_DIGITS = "0123456789abcdef"
# Run ids MLflow's store accepts where it checks them (log_batch, log_inputs): its regex.
_MLFLOW_RUN_ID = re.compile(r"[a-zA-Z0-9][\w\-]{0,255}")


def validate_key(kind: str, key: Any, path: str = "key") -> None:
    """Check a metric, param or tag key, with MLflow's rules and messages; ``kind`` says
    which ("metric", "param", "tag", ...) and ``path`` names the field in the message
    ("key", "params[3].key"; MLflow calls a metric's key "name").

    Allowed, as in MLflow: 1 to 250 characters, each a letter or digit (any script), or one
    of ``_ - . : /`` or a space. Keys may become file paths in some stores, so a key must
    also be its own normalised relative path (``posixpath.normpath``): no leading or
    trailing ``/``, no ``//``, no ``.`` or ``..`` segment, not starting with ``..``.
    Leading and trailing spaces are allowed because MLflow allows them and its clients may
    send them.
    """
    if not isinstance(key, str):
        raise invalid_value(path, key, "A key name must be a string.")
    if not _KEY_CHARACTERS.fullmatch(key):
        raise invalid_value(path, key, _BAD_KEY_CHARACTERS)
    if not key or (("." in key or "/" in key) and _resolves_elsewhere(key)):
        raise invalid_value(
            path,
            key,
            "Names may be treated as files in certain cases, and must not resolve to other "
            f"names when treated as such. This name would resolve to {posixpath.normpath(key)!r}",
        )
    if len(key) > MAX_KEY_LENGTH:
        raise exceeds_maximum_length(_KEY_LENGTH_NAMES.get(kind, path), MAX_KEY_LENGTH)


def _resolves_elsewhere(key: str) -> bool:
    """MLflow's ``path_not_unique``: the key is not its own normalised relative path."""
    normalised = posixpath.normpath(key)
    return (
        normalised != key
        or normalised == "."
        or normalised.startswith("..")
        or normalised.startswith("/")
    )


def validate_param_value(key: str, value: Any, what: str = "Param value") -> None:
    """A param value is a string of at most ``MAX_PARAM_VALUE_LENGTH`` characters, no NUL
    (empty is fine).

    Longer values are refused: MLflow's server cuts them to that length (its
    MLFLOW_TRUNCATE_LONG_VALUES) and we do not change what was logged; its message with
    truncation off is ours."""
    _check_string_value(what, key, value, MAX_PARAM_VALUE_LENGTH)


def validate_tag_value(key: str, value: Any, what: str = "value") -> None:
    """A tag value is a string of at most ``MAX_TAG_VALUE_LENGTH`` characters, no NUL
    (empty is fine)."""
    _check_string_value(what, key, value, MAX_TAG_VALUE_LENGTH)


def validate_param(key: Any, value: Any, path: str = "") -> None:
    """A param, with MLflow's messages (``path``: "params[3]" in a batch)."""
    validate_key("param", key, _join(path, "key"))
    validate_param_value(key, value)


def validate_run_tag(key: Any, value: Any, path: str = "") -> None:
    """A run tag: ``validate_key`` and ``validate_tag_value``, and ``mlflow.runName`` (the
    run's name, stored in its column too) must also be a valid run name. ``path``:
    "tags[3]" in a batch; MLflow names a tag's fields so when one is too long."""
    validate_key("tag", key, _join(path, "key"))
    validate_tag_value(key, value, _join(path, "value"))
    if key == RUN_NAME_TAG:
        validate_run_name(value)


def _join(path: str, field: str) -> str:
    """MLflow's ``append_to_json_path``: "metrics[2]" + "value" -> "metrics[2].value"."""
    return f"{path}.{field}" if path else field


def validate_metric(metric: Any, path: str = "") -> None:
    """Check a ``Metric`` (or anything with key, value, timestamp and step attributes),
    with MLflow's rules and messages (``path``: "metrics[3]" in a batch).

    ``value`` is an int or float, NaN and infinities included (MLflow stores them);
    bools are rejected because ``True`` is almost always a mistake. ``timestamp`` (ms) is
    an int from 0 to 2**63 - 1 (MLflow refuses negative ones) and ``step`` an int that
    fits in 64 bits.
    """
    key, value, timestamp, step = metric.key, metric.value, metric.timestamp, metric.step
    validate_key("metric", key, _join(path, "name"))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid_value(
            _join(path, "value"),
            value,
            f"(timestamp={preview(timestamp)}). "
            "Please specify value as a valid double (64-bit floating point)",
        )
    if isinstance(value, int) and value.bit_length() > _MAX_DOUBLE_INT_BITS:
        raise invalid_value(
            _join(path, "value"),
            value,
            f"(timestamp={preview(timestamp)}). The value is too large for a double "
            "(about ±1.8e308 at most)",
        )
    about = f"metric '{key}' (value={float(value)})."
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or timestamp < 0:
        raise invalid_value(
            _join(path, "timestamp"),
            timestamp,
            f"{about} Timestamp must be a nonnegative long (64-bit integer) ",
        )
    if isinstance(step, bool) or not isinstance(step, int):
        raise invalid_value(
            _join(path, "step"), step, f"{about} Step must be a valid long (64-bit integer)."
        )
    for field, number in (("timestamp", timestamp), ("step", step)):
        if not INT64_MIN <= number <= INT64_MAX:
            raise invalid_value(_join(path, field), number, f"{about} It does not fit in 64 bits.")


def validate_metrics(metrics: Iterable, path: str = "metrics") -> None:
    """``validate_metric`` for every item of a batch, in order (same checks, same errors,
    each naming its item: ``metrics[3].value``).

    Cheaper per point, which matters at 1000 points a batch: each distinct key is checked
    once, and a point whose value is a float or int and whose timestamp and step are
    64-bit ints is accepted with exact type checks. Anything else gets the full check.
    """
    valid_keys: set[str] = set()
    for index, metric in enumerate(metrics):
        key, value, timestamp, step = metric.key, metric.value, metric.timestamp, metric.step
        if (
            type(key) is str  # hashable, for the set
            and key in valid_keys
            and (
                type(value) is float  # not bool, unlike isinstance
                or (type(value) is int and value.bit_length() <= _MAX_DOUBLE_INT_BITS)
            )
            and type(timestamp) is int
            and type(step) is int
            and 0 <= timestamp <= INT64_MAX
            and INT64_MIN <= step <= INT64_MAX
        ):
            continue
        validate_metric(metric, f"{path}[{index}]")
        valid_keys.add(key)


def validate_int64(what: str, value: Any) -> None:
    """An optional integer (None is fine) that fits in 64 bits: start and end times."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(f"{what} must be an integer, got {preview(value)}")
    if not INT64_MIN <= value <= INT64_MAX:
        raise invalid(f"{what} {preview(value)} does not fit in 64 bits")


def validate_order_by(order_by: Any) -> None:
    """A search's ``order_by``: a list of at most ``MAX_ORDER_BY_KEYS`` strings (or None)."""
    if order_by is None:
        return
    if not isinstance(order_by, list | tuple) or not all(isinstance(o, str) for o in order_by):
        raise invalid(f"order_by must be a list of strings, got {preview(order_by)}")
    if len(order_by) > MAX_ORDER_BY_KEYS:
        raise invalid(
            f"order_by may hold at most {MAX_ORDER_BY_KEYS} keys, got {len(order_by)}; "
            "order by fewer keys"
        )


def validate_batch_limits(metrics: Sized, params: Sized, tags: Sized) -> None:
    """One log_batch request holds at most 1000 metrics, 100 params, 100 tags, 1000 in all.

    The client splits larger batches, so hitting this means a caller bypassed it.
    """
    for what, items, limit in (
        ("metrics", metrics, MAX_METRICS_PER_BATCH),
        ("params", params, MAX_PARAMS_PER_BATCH),
        ("tags", tags, MAX_TAGS_PER_BATCH),
    ):
        if len(items) > limit:
            raise batch_limit_exceeded(what, limit, len(items))
    total = len(metrics) + len(params) + len(tags)
    if total > MAX_ENTITIES_PER_BATCH:
        raise batch_limit_exceeded("metrics, params, and tags", MAX_ENTITIES_PER_BATCH, total)


def batch_limit_exceeded(what: str, limit: int, count: int) -> TrackerError:
    """The error for a batch of ``count`` items where ``limit`` is allowed (MLflow's)."""
    return invalid(
        f"A batch logging request can contain at most {limit} {what}. Got {count} {what}. "
        f"Please split up {what} across multiple requests and try again."
    )


def validate_param_keys_unique(params: Iterable) -> None:
    """A batch gives each param key one value (MLflow's message). The same key twice with
    the same value is accepted: it changes nothing (MLflow refuses that too)."""
    values: dict[str, str] = {}
    conflicting = []
    for param in params:
        if values.setdefault(param.key, param.value) != param.value:
            conflicting.append(param.key)
    if conflicting:
        raise invalid(
            f"Duplicate parameter keys have been submitted: {conflicting}. Please ensure "
            "the request contains only one param value per param key."
        )


def validate_batch_id(batch_id: Any) -> None:
    """A client's id for one ``log_batch`` request: 1 to 64 characters."""
    if not isinstance(batch_id, str) or not batch_id:
        raise invalid(f"batch_id must be a non-empty string, got {preview(batch_id)}")
    _check_text(f"batch_id {preview(batch_id)}", batch_id, MAX_BATCH_ID_LENGTH)


def validate_experiment_name(name: Any) -> None:
    """1 to 500 characters, not only whitespace; '/' is fine (``team/project`` names).
    MLflow's messages; it takes a name of spaces, which we refuse."""
    if name == "" or name is None:
        raise invalid(f"Invalid experiment name: '{'' if name is None else name}'")
    if not isinstance(name, str):
        raise invalid(f"Invalid experiment name: {preview(name)}. Expects a string.")
    if not name.strip():
        raise invalid(f"Invalid experiment name: {preview(name)}. It is only whitespace.")
    if len(name) > MAX_EXPERIMENT_NAME_LENGTH:
        raise exceeds_maximum_length("name", MAX_EXPERIMENT_NAME_LENGTH)
    _check_text(f"experiment name {preview(name)}", name, MAX_EXPERIMENT_NAME_LENGTH)


def validate_run_name(name: Any) -> None:
    """A run name (also the ``mlflow.runName`` tag): at most 250 characters."""
    validate_text("run name", name, MAX_RUN_NAME_LENGTH)


def validate_user(user: Any) -> None:
    """A run's user (``user_id``, or the ``mlflow.user`` tag that stands for it)."""
    validate_text("user", user, MAX_USER_LENGTH)


def validate_uri(what: str, uri: Any) -> None:
    """An artifact location or a model version's source: at most 2048 characters."""
    validate_text(what, uri, MAX_URI_LENGTH)


def validate_text(what: str, value: Any, limit: int) -> None:
    """A string of at most ``limit`` characters, without NUL (``what`` names it)."""
    if not isinstance(value, str):
        raise invalid(f"{what} must be a string, got {preview(value)}")
    _check_text(f"{what} {preview(value)}", value, limit)


# (field, limit) of a dataset, as MLflow checks them.
_DATASET_FIELD_LIMITS = (
    ("name", MAX_DATASET_NAME_LENGTH),
    ("digest", MAX_DATASET_DIGEST_LENGTH),
    ("source_type", MAX_DATASET_SOURCE_TYPE_LENGTH),
    ("source", MAX_DATASET_SOURCE_LENGTH),
    ("schema", MAX_DATASET_SCHEMA_LENGTH),
    ("profile", MAX_DATASET_PROFILE_LENGTH),
)


def validate_dataset_input(dataset_input: Any) -> None:
    """A dataset (name and digest required) and its input tags, within MLflow's limits."""
    dataset = dataset_input.dataset
    if not dataset.name or not dataset.digest:
        raise invalid("every dataset needs a name and a digest")
    for field, limit in _DATASET_FIELD_LIMITS:
        validate_text(f"dataset {field}", getattr(dataset, field), limit)
    for key, value in dataset_input.tags.items():
        if not isinstance(key, str) or not key:
            raise invalid(f"dataset input tag key must be a non-empty string, got {key!r}")
        validate_text("dataset input tag key", key, MAX_KEY_LENGTH)
        validate_text(f"dataset input tag {preview(key)} value", value, MAX_INPUT_TAG_VALUE_LENGTH)


def validate_model_metric_links(links: Iterable) -> None:
    """The logged model and dataset of each linked metric point (the points themselves are
    checked as metrics): strings within the columns' widths, without NUL."""
    for link in links:
        validate_text("metric model_id", link.model_id, MAX_KEY_LENGTH)
        if link.dataset_name is not None:
            validate_text("metric dataset_name", link.dataset_name, MAX_DATASET_NAME_LENGTH)
        if link.dataset_digest is not None:
            validate_text("metric dataset_digest", link.dataset_digest, MAX_DATASET_DIGEST_LENGTH)


def validate_run_status(status: Any) -> None:
    _check_choice("run status", status, RUN_STATUSES)


def validate_view_type(view_type: Any) -> None:
    _check_choice("view type", view_type, VIEW_TYPES)


def validate_max_results(max_results: Any, limit: int = MAX_RESULTS_LIMIT) -> None:
    """A positive int no larger than ``limit`` (MLflow's store's messages)."""
    if isinstance(max_results, bool) or not isinstance(max_results, int):
        raise invalid_value("max_results", max_results, "It must be an integer")
    if max_results < 1:
        raise invalid(
            f"Invalid value {max_results} for parameter 'max_results' supplied. It must be "
            "a positive integer"
        )
    if max_results > limit:
        raise invalid(
            f"Invalid value {max_results} for parameter 'max_results' supplied. It must be "
            f"at most {limit}"
        )


def is_run_id(run_id: Any) -> bool:
    """32 lowercase hex digits: what the store generates (see ``store/ids.py``) and MLflow's
    ``uuid4().hex`` ids of imported runs."""
    return isinstance(run_id, str) and len(run_id) == 32 and all(c in _HEX_DIGITS for c in run_id)


def validate_run_id(run_id: Any) -> None:
    """A run id to look up: any string MLflow could have made one of, so that an unknown id
    of any shape is "not found" (404) as in MLflow. Refused (400) only what the store
    should not be asked about: not a string, empty, longer than MLflow's own pattern
    allows (256), or holding NUL (which PostgreSQL cannot take)."""
    if not isinstance(run_id, str) or not run_id:
        raise invalid_value("run_id", run_id, "A run id must be a non-empty string.")
    if len(run_id) > MAX_RUN_ID_LENGTH:
        raise invalid_value(
            "run_id", run_id, f"A run id has at most {MAX_RUN_ID_LENGTH} characters."
        )
    if "\x00" in run_id:
        raise invalid_value("run_id", run_id, "A run id cannot hold a NUL character.")


def validate_mlflow_run_id(run_id: Any) -> None:
    """The run id of a write MLflow's store checks against its pattern first (log_batch,
    log_inputs): a letter or digit, then up to 255 letters, digits, ``_`` or ``-``."""
    validate_run_id(run_id)
    if not _MLFLOW_RUN_ID.fullmatch(run_id):
        raise invalid_value("run_id", run_id)


def validate_run_ids(run_ids: Any, limit: int = MAX_RESULTS_LIMIT) -> None:
    """A list of at most ``limit`` run ids."""
    if not isinstance(run_ids, list | tuple):
        raise invalid(f"run ids must be a list, got {preview(run_ids)}")
    if len(run_ids) > limit:
        raise invalid(f"At most {limit} run ids at once, got {len(run_ids)}")
    for run_id in run_ids:
        validate_run_id(run_id)


def validate_experiment_id(experiment_id: Any) -> None:
    """An integer as a string, e.g. "0" or "42" ("-1" is well-formed and names no
    experiment, as in MLflow). ASCII digits only, with an optional sign, at most 20 of
    them: ``int()`` would also read '٣' or ' 5', and numbers of thousands of digits."""
    text = experiment_id if isinstance(experiment_id, str) else ""
    digits = text[1:] if text[:1] in ("-", "+") else text
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 20):
        raise invalid(
            f"Invalid experiment ID {_quoted(experiment_id)}. "
            "Experiment ID must be a valid integer."
        )


def _quoted(value: Any) -> str:
    """MLflow's f"'{value}'" for a string, cut short; other values as ``preview`` puts them."""
    return f"'{preview(value)[1:-1]}'" if isinstance(value, str) else preview(value)


# --- helpers --------------------------------------------------------------------------------


def _check_string_value(what: str, key: str, value: Any, limit: int) -> None:
    """A param's or tag's value; ``what`` is MLflow's name for it in the length message."""
    if not isinstance(value, str):
        raise invalid_value(what, value, f"The value of {preview(key)} must be a string.")
    if len(value) > limit:
        raise exceeds_maximum_length(what, limit)
    _check_text(f"The value of {preview(key)}", value, limit)


def _check_text(what: str, text: str, limit: int) -> None:
    _check_length(what, text, limit)
    if "\x00" in text:
        raise invalid(
            f"{what} contains a NUL character (\\x00 at position {text.index(chr(0))}), "
            "which the database cannot store; remove it"
        )


def _check_length(what: str, text: str, limit: int) -> None:
    if len(text) > limit:
        raise invalid(f"{what} is {len(text)} characters long; the limit is {limit}")


def _check_choice(what: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise invalid(f"{what} must be one of {', '.join(choices)}, got {preview(value)}")
