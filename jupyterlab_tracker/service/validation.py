"""Input checks shared by every surface, with MLflow's limits (stdlib only).

Each function returns None when the input is fine and otherwise raises ``TrackerError``
(INVALID_PARAMETER_VALUE) whose message says what to change.

Every string that gets stored is checked against its limit in ``limits.py`` (the same
figure sizes its column) and refused if it holds NUL (U+0000): PostgreSQL's text types
cannot store it, and SQLite would, so refusing it everywhere is what keeps one contract
on both databases. See docs/input-rules.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sized
from typing import Any

from ..entities import RUN_STATUSES, VIEW_TYPES
from ..errors import invalid, preview
from ..limits import (
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
    MAX_RUN_NAME_LENGTH,
    MAX_TAG_VALUE_LENGTH,
    MAX_TAGS_PER_BATCH,
    MAX_URI_LENGTH,
    MAX_USER_LENGTH,
)

# Metric values are doubles: an int of more bits than this may not convert (2**1024 won't).
_MAX_DOUBLE_INT_BITS = 1023
_KEY_PUNCTUATION = "_-. :/"
# A quick accept for the usual key; \w is str.isalnum() characters plus "_".
_KEY_CHARACTERS = re.compile(r"[\w\-. :/]+")
_HEX_DIGITS = "0123456789abcdef"
# The tag that holds a run's name (MLflow's); the store keeps runs.name equal to it.
RUN_NAME_TAG = "mlflow.runName"


def validate_key(kind: str, key: Any) -> None:
    """Check a metric, param or tag key (``kind`` names it in the message).

    Allowed, as in MLflow: 1 to 250 characters, each a letter or digit (any script), or one
    of ``_ - . : /`` or a space. Keys may become file paths in some stores, so a key must
    also be a normalised relative path: no leading or trailing ``/``, no ``//``, and no
    ``.`` or ``..`` segment. Leading and trailing spaces are allowed because MLflow allows
    them and its clients may send them.
    """
    if not isinstance(key, str) or not key:
        raise invalid(f"{kind} key must be a non-empty string, got {key!r}")
    if len(key) > MAX_KEY_LENGTH:
        _check_length(f"{kind} key {preview(key)}", key, MAX_KEY_LENGTH)
    if not _KEY_CHARACTERS.fullmatch(key):
        bad = sorted({ch for ch in key if not (ch.isalnum() or ch in _KEY_PUNCTUATION)})
        raise invalid(
            f"{kind} key {preview(key)} contains {', '.join(map(repr, bad))}; keys may only "
            "contain letters, digits, spaces and _ - . : /"
        )
    if key in (".", "..") or (
        "/" in key and any(segment in ("", ".", "..") for segment in key.split("/"))
    ):
        raise invalid(
            f"{kind} key {preview(key)} is not a clean relative path: remove leading, trailing "
            "or doubled '/' and any '.' or '..' segment"
        )


def validate_param_value(key: str, value: Any) -> None:
    """A param value is a string of at most 6000 characters, no NUL (empty is fine)."""
    _check_string_value("param", key, value, MAX_PARAM_VALUE_LENGTH)


def validate_tag_value(key: str, value: Any) -> None:
    """A tag value is a string of at most 8000 characters, no NUL (empty is fine)."""
    _check_string_value("tag", key, value, MAX_TAG_VALUE_LENGTH)


def validate_run_tag(key: Any, value: Any) -> None:
    """A run tag: ``validate_key`` and ``validate_tag_value``, and ``mlflow.runName`` (the
    run's name, stored in its column too) must also be a valid run name."""
    validate_key("tag", key)
    validate_tag_value(key, value)
    if key == RUN_NAME_TAG:
        validate_run_name(value)


def validate_metric(metric: Any) -> None:
    """Check a ``Metric`` (or anything with key, value, timestamp and step attributes).

    ``value`` is an int or float, NaN and infinities included (MLflow stores them);
    bools are rejected because ``True`` is almost always a mistake. ``timestamp`` (ms) and
    ``step`` are ints that fit in 64 bits.
    """
    validate_key("metric", metric.key)
    value = metric.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid(f"metric {preview(metric.key)} value must be a number, got {preview(value)}")
    if isinstance(value, int) and value.bit_length() > _MAX_DOUBLE_INT_BITS:
        raise invalid(
            f"metric {preview(metric.key)} value {preview(value)} is too large for a double "
            "(about ±1.8e308 at most)"
        )
    for field in ("timestamp", "step"):
        number = getattr(metric, field)
        if isinstance(number, bool) or not isinstance(number, int):
            raise invalid(
                f"metric {preview(metric.key)} {field} must be an integer, got {preview(number)}"
            )
        if not INT64_MIN <= number <= INT64_MAX:
            raise invalid(
                f"metric {preview(metric.key)} {field} {preview(number)} does not fit in 64 bits"
            )


def validate_metrics(metrics: Iterable) -> None:
    """``validate_metric`` for every item of a batch, in order (same checks, same errors).

    Cheaper per point, which matters at 1000 points a batch: each distinct key is checked
    once, and a point whose value is a float or int and whose timestamp and step are
    64-bit ints is accepted with exact type checks. Anything else gets the full check.
    """
    valid_keys: set[str] = set()
    for metric in metrics:
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
            and INT64_MIN <= timestamp <= INT64_MAX
            and INT64_MIN <= step <= INT64_MAX
        ):
            continue
        validate_metric(metric)
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
            raise invalid(
                f"a batch may hold at most {limit} {what}, got {len(items)}; "
                "split it into several requests"
            )
    total = len(metrics) + len(params) + len(tags)
    if total > MAX_ENTITIES_PER_BATCH:
        raise invalid(
            f"a batch may hold at most {MAX_ENTITIES_PER_BATCH} metrics, params and tags "
            f"in all, got {total}; split it into several requests"
        )


def validate_batch_id(batch_id: Any) -> None:
    """A client's id for one ``log_batch`` request: 1 to 64 characters."""
    if not isinstance(batch_id, str) or not batch_id:
        raise invalid(f"batch_id must be a non-empty string, got {preview(batch_id)}")
    _check_text(f"batch_id {preview(batch_id)}", batch_id, MAX_BATCH_ID_LENGTH)


def validate_experiment_name(name: Any) -> None:
    """1 to 500 characters, not only whitespace; '/' is fine (``team/project`` names)."""
    if not isinstance(name, str) or not name.strip():
        raise invalid(f"experiment name must be a non-empty string, got {preview(name)}")
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


def validate_model_metric_link(link: Any) -> None:
    """The logged model and dataset of a metric point (the point itself is checked as a
    metric): strings within the columns' widths, without NUL."""
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
    """A positive int no larger than ``limit``."""
    if isinstance(max_results, bool) or not isinstance(max_results, int):
        raise invalid(f"max_results must be an integer, got {max_results!r}")
    if not 1 <= max_results <= limit:
        raise invalid(f"max_results must be between 1 and {limit}, got {max_results}")


def is_run_id(run_id: Any) -> bool:
    """32 lowercase hex digits: what the store generates (see ``store/ids.py``) and MLflow's
    ``uuid4().hex`` ids of imported runs."""
    return isinstance(run_id, str) and len(run_id) == 32 and all(c in _HEX_DIGITS for c in run_id)


def validate_run_id(run_id: Any) -> None:
    if not is_run_id(run_id):
        raise invalid(f"run id must be 32 lowercase hex digits, got {preview(run_id)}")


def validate_run_ids(run_ids: Any, limit: int = MAX_RESULTS_LIMIT) -> None:
    """A list of at most ``limit`` run ids."""
    if not isinstance(run_ids, list | tuple):
        raise invalid(f"run ids must be a list, got {preview(run_ids)}")
    if len(run_ids) > limit:
        raise invalid(f"At most {limit} run ids at once, got {len(run_ids)}")
    for run_id in run_ids:
        validate_run_id(run_id)


def validate_experiment_id(experiment_id: Any) -> None:
    """A string of decimal digits, e.g. "0" or "42"."""
    # isascii() too: str.isdigit() accepts characters such as '²'.
    if not (isinstance(experiment_id, str) and experiment_id.isascii() and experiment_id.isdigit()):
        raise invalid(f"experiment id must be a string of digits, got {preview(experiment_id)}")


# --- helpers --------------------------------------------------------------------------------


def _check_string_value(kind: str, key: str, value: Any, limit: int) -> None:
    if not isinstance(value, str):
        raise invalid(f"{kind} {preview(key)} value must be a string, got {type(value).__name__}")
    _check_text(f"{kind} {preview(key)} value", value, limit)


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
