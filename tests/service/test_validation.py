"""Input limits at their boundaries: fine at the limit, an error one past it."""

from __future__ import annotations

import math
import re
import uuid

import pytest

from jupyterlab_tracker.entities import Metric, Param
from jupyterlab_tracker.errors import INVALID_PARAMETER_VALUE, TrackerError
from jupyterlab_tracker.service.validation import (
    validate_batch_limits,
    validate_experiment_id,
    validate_experiment_name,
    validate_key,
    validate_max_results,
    validate_metric,
    validate_mlflow_run_id,
    validate_param_keys_unique,
    validate_param_value,
    validate_run_id,
    validate_run_status,
    validate_tag_value,
    validate_view_type,
)

BAD_CHARACTERS = "Names may only contain alphanumerics"
RESOLVES = "must not resolve to other names"


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
        ("", "This name would resolve to '.'"),
        (None, "must be a string"),
        (3, "must be a string"),
        ("k" * 251, "^'Param key' exceeds the maximum length of 250 characters$"),
        ("a#b", BAD_CHARACTERS),
        ("a\nb", BAD_CHARACTERS),
        ("a\x00b", BAD_CHARACTERS),
        ("/a", RESOLVES),
        ("a/", RESOLVES),
        ("a//b", RESOLVES),
        ("..", RESOLVES),
        ("..a", RESOLVES),  # MLflow refuses a leading '..' too
        ("a/../b", RESOLVES),
        ("./a", RESOLVES),
        ("a/.", RESOLVES),
    ],
)
def test_invalid_keys(key, fragment):
    """MLflow's rules and messages (mlflow/utils/validation.py)."""
    with rejects(fragment) as caught:
        validate_key("param", key, "params[2].key")
    assert caught.value.error_code == INVALID_PARAMETER_VALUE
    if "exceeds" not in fragment:
        assert caught.value.message.startswith("Invalid value ")
        assert "for parameter 'params[2].key' supplied: " in caught.value.message


def test_key_messages_are_mlflows():
    with rejects(
        "^"
        + re.escape(
            "Invalid value \"a@b\" for parameter 'key' supplied: Names may only contain "
            "alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and "
            "slashes (/)."
        )
        + "$"
    ):
        validate_key("tag", "a@b")
    with rejects(
        "^"
        + re.escape(
            "Invalid value \"../x\" for parameter 'name' supplied: Names may be treated as files "
            "in certain cases, and must not resolve to other names when treated as such. This "
            "name would resolve to '../x'"
        )
        + "$"
    ):
        validate_key("metric", "../x", "name")
    with rejects("^'Metric name' exceeds the maximum length of 250 characters$"):
        validate_key("metric", "k" * 251, "name")
    with rejects("^'tags\\[0\\].key' exceeds the maximum length of 250 characters$"):
        validate_key("tag", "k" * 251, "tags[0].key")


@pytest.mark.parametrize(
    ("validate", "limit"), [(validate_param_value, 6000), (validate_tag_value, 8000)]
)
def test_value_length_limits(validate, limit):
    validate("k", "")
    validate("k", "é" * limit)  # characters, not bytes
    with rejects(f"exceeds the maximum length of {limit} characters"):
        validate("k", "x" * (limit + 1))
    with rejects("must be a string"):
        validate("k", 0.1)


def test_metric_values():
    for value in (0.5, -3, 0, math.nan, math.inf, -math.inf, 1e308):
        validate_metric(Metric("acc", value, timestamp=1, step=0))
    for bad in (True, "0.5", None):
        with rejects(r"for parameter 'value' supplied: \(timestamp=1\). Please specify value"):
            validate_metric(Metric("acc", bad, timestamp=1))


def test_metric_timestamp_and_step():
    validate_metric(Metric("acc", 1.0, timestamp=2**63 - 1, step=-(2**63)))
    validate_metric(Metric("acc", 1.0, timestamp=0))
    nonnegative = "Timestamp must be a nonnegative long"
    with rejects(f"^Invalid value 1.5 for parameter 'timestamp' supplied: .*{nonnegative}"):
        validate_metric(Metric("acc", 1.0, timestamp=1.5))
    with rejects(  # MLflow refuses timestamps before 1970, in its words
        re.escape(
            "Invalid value -1 for parameter 'metrics[3].timestamp' supplied: metric 'acc' "
            "(value=1.0). Timestamp must be a nonnegative long (64-bit integer) "
        )
    ):
        validate_metric(Metric("acc", 1.0, timestamp=-1), "metrics[3]")
    with rejects("'step' supplied: .*Step must be a valid long"):
        validate_metric(Metric("acc", 1.0, timestamp=1, step=False))
    with rejects("Invalid value 9223372036854775808 for parameter 'step'.*does not fit in 64"):
        validate_metric(Metric("acc", 1.0, timestamp=1, step=2**63))
    with rejects("for parameter 'name' supplied"):
        validate_metric(Metric("", 1.0, timestamp=1))


def test_batch_limits_per_kind():
    validate_batch_limits([], [], [])
    validate_batch_limits([0] * 1000, [], [])
    validate_batch_limits([0] * 800, [0] * 100, [0] * 100)
    with rejects(
        "^A batch logging request can contain at most 1000 metrics. Got 1001 metrics. "
        "Please split up metrics across multiple requests and try again.$"
    ):
        validate_batch_limits([0] * 1001, [], [])
    with rejects("at most 100 params. Got 101 params"):
        validate_batch_limits([], [0] * 101, [])
    with rejects("at most 100 tags. Got 101 tags"):
        validate_batch_limits([], [], [0] * 101)


def test_batch_limit_in_total():
    with rejects("at most 1000 metrics, params, and tags. Got 1001 metrics, params, and tags"):
        validate_batch_limits([0] * 801, [0] * 100, [0] * 100)


def test_param_keys_in_a_batch():
    validate_param_keys_unique([Param("a", "1"), Param("a", "1"), Param("b", "2")])
    with rejects(re.escape("Duplicate parameter keys have been submitted: ['a']. Please")):
        validate_param_keys_unique([Param("a", "1"), Param("b", "2"), Param("a", "3")])


def test_experiment_names():
    for name in ("Default", "team/vision/resnet", "実験", "n" * 500):
        validate_experiment_name(name)
    with rejects("^'name' exceeds the maximum length of 500 characters$"):
        validate_experiment_name("n" * 501)
    with rejects("^Invalid experiment name: ''$"):
        validate_experiment_name("")
    with rejects("only whitespace"):
        validate_experiment_name("   ")
    for bad in (None, 7):
        with rejects("Invalid experiment name"):
            validate_experiment_name(bad)
    with rejects("NUL"):
        validate_experiment_name("a\x00")


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
    with rejects("^Invalid value 50001 for parameter 'max_results' supplied. It must be at most"):
        validate_max_results(50001)
    with rejects("It must be at most 10$"):
        validate_max_results(11, limit=10)
    with rejects("^Invalid value 0 for parameter 'max_results' supplied. It must be a positive"):
        validate_max_results(0)
    for bad in (True, 1.0, "10", None):
        with rejects("must be an integer"):
            validate_max_results(bad)


def test_run_ids():
    """Any string is a run id to look up (unknown ones are not found, as in MLflow), but
    for what the store should not be asked about."""
    for good in (uuid.uuid4().hex, "run_id_1", "a b!", "x" * 256, "A" * 32):
        validate_run_id(good)
    for bad, why in (
        ("", "non-empty"),
        (None, "non-empty"),
        (7, "non-empty"),
        ("x" * 257, "at most 256"),
        ("a\x00b", "NUL"),
    ):
        with rejects(f"for parameter 'run_id' supplied: .*{why}"):
            validate_run_id(bad)


def test_run_ids_where_mlflow_checks_its_pattern():
    for good in (uuid.uuid4().hex, "run_id_1", "a-b"):
        validate_mlflow_run_id(good)
    for bad in ("nope!", "_a", "a b", "x" * 257):
        with rejects("^Invalid value .* for parameter 'run_id' supplied"):
            validate_mlflow_run_id(bad)


def test_experiment_ids():
    for good in ("0", "42", "00012", "-1", "+1"):
        validate_experiment_id(good)
    for bad in ("", "1.0", "²", "٣", " 5", "a", "--1", "1" * 21, 3, None):
        with rejects("Experiment ID must be a valid integer"):
            validate_experiment_id(bad)
    with rejects("^Invalid experiment ID 'abc'. Experiment ID must be a valid integer.$"):
        validate_experiment_id("abc")


def test_long_values_are_cut_short_in_messages():
    with rejects("Invalid experiment name") as caught:
        validate_experiment_name(["n" * 5000])
    assert len(caught.value.message) < 200
    with rejects("for parameter 'key'") as caught:
        validate_key("tag", "@" * 100_000)
    assert len(caught.value.message) < 1000
