"""Input limits at their boundaries: fine at the limit, an error one past it."""

from __future__ import annotations

import math
import uuid

import pytest

from jupyterlab_tracker.entities import Metric
from jupyterlab_tracker.errors import INVALID_PARAMETER_VALUE, TrackerError
from jupyterlab_tracker.service.validation import (
    validate_batch_limits,
    validate_experiment_id,
    validate_experiment_name,
    validate_key,
    validate_max_results,
    validate_metric,
    validate_param_value,
    validate_run_id,
    validate_run_status,
    validate_tag_value,
    validate_view_type,
)


def rejects(fragment: str):
    """pytest.raises for our error type, with a fragment the message must contain."""
    return pytest.raises(TrackerError, match=fragment)


@pytest.mark.parametrize(
    "key",
    [
        "acc",
        "val loss",
        "train/loss",
        "mlflow.runName",
        "a-b_c:d",
        "k" * 250,
        "précision",
        "損失",
        " x ",
    ],
)
def test_valid_keys(key):
    validate_key("metric", key)


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("", "non-empty string"),
        (None, "non-empty string"),
        (3, "non-empty string"),
        ("k" * 251, "251 characters long; the limit is 250"),
        ("a#b", "contains '#'"),
        ("a\nb", "contains '\\\\n'"),
        ("/a", "clean relative path"),
        ("a/", "clean relative path"),
        ("a//b", "clean relative path"),
        ("..", "clean relative path"),
        ("a/../b", "clean relative path"),
        ("./a", "clean relative path"),
    ],
)
def test_invalid_keys(key, fragment):
    with rejects(fragment) as caught:
        validate_key("param", key)
    assert caught.value.error_code == INVALID_PARAMETER_VALUE
    assert caught.value.message.startswith("param key")


@pytest.mark.parametrize(
    ("validate", "limit"), [(validate_param_value, 6000), (validate_tag_value, 8000)]
)
def test_value_length_limits(validate, limit):
    validate("k", "")
    validate("k", "é" * limit)  # characters, not bytes
    with rejects(f"{limit + 1} characters long; the limit is {limit}"):
        validate("k", "x" * (limit + 1))
    with rejects("must be a string"):
        validate("k", 0.1)


def test_metric_values():
    for value in (0.5, -3, 0, math.nan, math.inf, -math.inf, 1e308):
        validate_metric(Metric("acc", value, timestamp=1, step=0))
    with rejects("value must be a number"):
        validate_metric(Metric("acc", True, timestamp=1))
    with rejects("value must be a number"):
        validate_metric(Metric("acc", "0.5", timestamp=1))
    with rejects("value must be a number"):
        validate_metric(Metric("acc", None, timestamp=1))


def test_metric_timestamp_and_step():
    validate_metric(Metric("acc", 1.0, timestamp=2**63 - 1, step=-(2**63)))
    with rejects("timestamp must be an integer"):
        validate_metric(Metric("acc", 1.0, timestamp=1.5))
    with rejects("step must be an integer"):
        validate_metric(Metric("acc", 1.0, timestamp=1, step=False))
    with rejects("step 9223372036854775808 does not fit in 64 bits"):
        validate_metric(Metric("acc", 1.0, timestamp=1, step=2**63))
    with rejects("metric key"):
        validate_metric(Metric("", 1.0, timestamp=1))


def test_batch_limits_per_kind():
    validate_batch_limits([], [], [])
    validate_batch_limits([0] * 1000, [], [])
    validate_batch_limits([0] * 800, [0] * 100, [0] * 100)
    with rejects("at most 1000 metrics, got 1001"):
        validate_batch_limits([0] * 1001, [], [])
    with rejects("at most 100 params, got 101"):
        validate_batch_limits([], [0] * 101, [])
    with rejects("at most 100 tags, got 101"):
        validate_batch_limits([], [], [0] * 101)


def test_batch_limit_in_total():
    with rejects("at most 1000 metrics, params and tags in all, got 1001"):
        validate_batch_limits([0] * 801, [0] * 100, [0] * 100)


def test_experiment_names():
    for name in ("Default", "team/vision/resnet", "実験", "n" * 500):
        validate_experiment_name(name)
    with rejects("501 characters long; the limit is 500"):
        validate_experiment_name("n" * 501)
    for bad in ("", "   ", None, 7):
        with rejects("non-empty string"):
            validate_experiment_name(bad)


def test_run_status_and_view_type():
    for status in ("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"):
        validate_run_status(status)
    with rejects("run status must be one of RUNNING"):
        validate_run_status("finished")
    for view_type in ("ACTIVE_ONLY", "DELETED_ONLY", "ALL"):
        validate_view_type(view_type)
    with rejects("view type must be one of ACTIVE_ONLY, DELETED_ONLY, ALL, got 'active'"):
        validate_view_type("active")


def test_max_results():
    validate_max_results(1)
    validate_max_results(50000)
    validate_max_results(10, limit=10)
    with rejects("between 1 and 50000, got 50001"):
        validate_max_results(50001)
    with rejects("between 1 and 10, got 11"):
        validate_max_results(11, limit=10)
    with rejects("between 1 and 50000, got 0"):
        validate_max_results(0)
    for bad in (True, 1.0, "10", None):
        with rejects("must be an integer"):
            validate_max_results(bad)


def test_run_ids():
    validate_run_id(uuid.uuid4().hex)
    for bad in ("", "A" * 32, "a" * 31, "a" * 33, "g" * 32, str(uuid.uuid4()), None):
        with rejects("32 lowercase hex digits"):
            validate_run_id(bad)


def test_experiment_ids():
    for good in ("0", "42", "00012"):
        validate_experiment_id(good)
    for bad in ("", "-1", "+1", "1.0", "²", "a", 3, None):
        with rejects("string of digits"):
            validate_experiment_id(bad)


def test_long_values_are_cut_short_in_messages():
    with rejects("experiment name") as caught:
        validate_experiment_name("n" * 5000)
    assert len(caught.value.message) < 200
