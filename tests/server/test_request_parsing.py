"""Request fields, page tokens and JSON bodies at their edges: each bad value is a
TrackerError that names the field, never a ValueError or OverflowError from deeper down."""

from __future__ import annotations

import base64
import contextlib
import json

import pytest

from jupyterlab_tracker.entities import Metric
from jupyterlab_tracker.errors import (
    BAD_REQUEST,
    INVALID_PARAMETER_VALUE,
    TrackerError,
    json_preview,
    preview,
)
from jupyterlab_tracker.server.handlers import escaped_input_error
from jupyterlab_tracker.server.json_body import MAX_JSON_VALUES, BodyReader, parse_json
from jupyterlab_tracker.server.request_parsing import (
    entity_list,
    optional_int,
    parse_metric,
    required_number,
    required_str,
)
from jupyterlab_tracker.service.validation import validate_int64, validate_metric
from jupyterlab_tracker.store.paging import decode_page_token, encode_page_token


@contextlib.contextmanager
def refused(fragment: str, code: str = INVALID_PARAMETER_VALUE):
    with pytest.raises(TrackerError, match=fragment) as info:
        yield
    assert info.value.error_code == code


@pytest.mark.parametrize(
    "text, number",
    [("42", 42), ("-7", -7), ("+3", 3), (" 12 ", 12), (str(2**63 - 1), 2**63 - 1)],
)
def test_integers_in_text(text, number):
    assert optional_int({"n": text}, "n") == number


@pytest.mark.parametrize("text", ["--5", "²", "٣", "1e3", "1.5", "1_000", "0x10", "five"])
def test_text_that_is_not_a_decimal_integer(text):
    with refused("for parameter 'n' supplied:  Hint: Value was of type 'str'"):
        optional_int({"n": text}, "n")


@pytest.mark.parametrize(
    "value", [2**63, -(2**63) - 1, 10**30, str(2**63), "9" * 5000, "-" + "9" * 30]
)
def test_integers_beyond_64_bits(value):
    with refused("for parameter 'n' supplied: The integer must fit in 64 bits"):
        optional_int({"n": value}, "n")


def test_metric_values_beyond_the_doubles():
    with refused("for parameter 'value' supplied: It is too large for a double"):
        required_number({"value": 10**400}, "value")
    item = {"key": "m", "value": -(10**400), "timestamp": 1, "step": 0}
    with refused("'metrics.value' supplied: It is too large for a double"):
        parse_metric(item, "metrics.")
    with refused("too large for a double"):
        validate_metric(Metric("m", 10**400, 1, 0))  # the embedded client's path


def test_start_and_end_times_beyond_64_bits():
    validate_int64("start_time", None)
    validate_int64("start_time", 2**63 - 1)
    with refused("start_time .* does not fit in 64 bits"):
        validate_int64("start_time", 2**63)


def test_a_long_list_is_refused_before_its_items_are_parsed():
    def parse_item(item, where):
        raise AssertionError("no item may be parsed")

    with refused("can contain at most 1000 metrics. Got 1001 metrics"):
        entity_list({"metrics": [{}] * 1001}, "metrics", parse_item, max_items=1000)


def test_previews_of_huge_values_stay_short():
    assert preview(10**5000) == "<a 16610-bit integer>"
    deep = json.loads("[" * 500 + "]" * 500)
    assert len(preview(deep)) <= 60 and len(preview("x" * 10**6)) <= 60
    assert json_preview(10**5000) == "<a 16610-bit integer>"
    assert len(json_preview(deep)) <= 500 and len(json_preview("x" * 10**6)) <= 500
    assert len(json_preview([{"k": "x" * 1000}] * 10**5)) <= 500


def test_values_are_quoted_as_mlflow_quotes_them():
    """json.dumps(value, sort_keys=True, separators=(",", ":")), as in MLflow's messages."""
    assert json_preview(123) == "123" and json_preview(True) == "true"
    assert json_preview("a@b") == '"a@b"' and json_preview(None) == "null"
    assert json_preview({"b": [1, "x"], "a": None}) == '{"a":null,"b":[1,"x"]}'
    assert json_preview("\ud800") == '"\\ud800"'  # a lone surrogate, escaped


def test_missing_and_wrong_type_are_mlflows_words():
    with refused(
        "^Missing value for required parameter 'metrics\\[0\\].key'. See the API docs "
        "for more information about request parameters.$"
    ):
        parse_metric({"value": 1}, "metrics[0].")
    with refused(
        "^Invalid value 123 for parameter 'name' supplied:  Hint: Value was of type 'int'. "
        "See the API docs for more information about request parameters.$"
    ):
        required_str({"name": 123}, "name")


def test_a_metric_without_a_timestamp():
    assert parse_metric({"key": "m", "value": 1}).timestamp > 0  # the native API: now
    with refused("^Missing value for required parameter 'timestamp'"):  # MLflow's API
        parse_metric({"key": "m", "value": 1}, timestamp_required=True)


def _token(payload: str) -> str:
    return base64.urlsafe_b64encode(payload.encode()).decode()


def test_page_tokens_round_trip():
    assert decode_page_token(encode_page_token(2**63 - 1)) == 2**63 - 1
    assert decode_page_token(None) == 0


@pytest.mark.parametrize(
    "token",
    [
        _token(json.dumps({"offset": 10**30})),
        _token(json.dumps({"offset": 2**63})),
        _token(json.dumps({"offset": -1})),
        _token(json.dumps({"offset": 1.5})),
        _token(json.dumps({"offset": True})),
        _token("[" * 5000 + "]" * 5000),
        _token('{"offset": ' + "9" * 5000 + "}"),
        "x" * 101,
        "!!!",
    ],
)
def test_forged_page_tokens(token):
    with refused("Invalid page token"):
        decode_page_token(token)


# -- JSON bodies -------------------------------------------------------------------------


def _read(raw: bytes, limit: int = 10**9, piece: int = 65536) -> BodyReader:
    reader = BodyReader(limit)
    for start in range(0, len(raw), piece):
        reader.feed(raw[start : start + piece])
    return reader


@pytest.mark.parametrize("in_c", [True, False])
@pytest.mark.parametrize(
    "raw, fragment",
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a": "\\ud800"}', "lone UTF-16 surrogate"),
        (b'{"a": "x\\uDFFFy"}', "lone UTF-16 surrogate"),
        (b'{"a": "\xed\xa0\x80"}', "not UTF-8"),  # a surrogate in UTF-8 form
        (b"\xff\xfe{\x00}\x00", "not UTF-8"),  # UTF-16
        (b'{"a": ' + b"9" * 5000 + b"}", "more than 4300 digits"),
        (b'{"a": ', "not valid JSON"),
    ],
)
def test_bodies_that_are_not_requests(raw, fragment, in_c):
    with refused(fragment, BAD_REQUEST):
        parse_json(_read(raw).text(), in_c)


@pytest.mark.parametrize("in_c", [True, False])
def test_valid_bodies_parse_the_same_on_both_paths(in_c):
    text = '{"a": [1, 2.5, "\\ud83d\\ude80", "C:\\\\udata", null, true, {"b": NaN}]}'
    document = parse_json(text, in_c)
    assert document["a"][:4] == [1, 2.5, "🚀", "C:\\udata"]


def test_the_value_bound_counts_while_reading():
    batch = json.dumps({"metrics": [{"key": "m", "value": 1}] * 1000}).encode()
    reader = _read(batch)
    assert reader.value_bound == 1 + sum(batch.count(byte) for byte in (b"{", b"[", b","))
    assert reader.parses_in_c
    flood = json.dumps({"metrics": [{"key": "m", "value": 0}] * 200_000}).encode()
    reader = _read(flood)
    assert not reader.parses_in_c
    with refused(f"more than {MAX_JSON_VALUES:,} JSON values", BAD_REQUEST):
        parse_json(reader.text(), reader.parses_in_c)


def test_strings_full_of_commas_take_the_counting_parser_and_pass():
    tags = [{"key": f"t{i}", "value": ",{[" * 2000} for i in range(100)]
    reader = _read(json.dumps({"tags": tags}).encode())
    assert not reader.parses_in_c  # 600,000 structural bytes, all inside strings
    assert parse_json(reader.text(), reader.parses_in_c)["tags"] == tags


def test_a_body_over_the_limit_is_dropped_while_read():
    reader = _read(b"x" * 5000, limit=4096, piece=1000)
    assert reader.too_large and not reader._data  # nothing past the limit is kept
    with refused("5,000 bytes or more; JSON bodies are limited to 4,096 bytes", BAD_REQUEST):
        reader.text()


# -- the error mapper's last-resort net ----------------------------------------------------


@pytest.mark.parametrize(
    "error, fragment",
    [
        (UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"), "surrogate"),
        (OverflowError("Python int too large to convert to SQLite INTEGER"), "out of range"),
    ],
)
def test_errors_only_bad_input_can_cause_map_to_400(error, fragment):
    mapped = escaped_input_error(error)
    assert mapped.error_code == INVALID_PARAMETER_VALUE and fragment in mapped.message


@pytest.mark.parametrize(
    "error",
    [
        RecursionError("maximum recursion depth exceeded"),  # may be the server's own bug
        OverflowError("math range error"),
        UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
        ValueError("anything"),
        KeyError("x"),
    ],
)
def test_other_errors_stay_server_errors(error):
    assert escaped_input_error(error) is None


def test_a_body_declared_over_the_limit_is_not_kept_at_all():
    reader = BodyReader(4096, declared=5000)
    reader.feed(b"x" * 1000)
    assert reader.too_large and not reader._data
    with refused("limited to 4,096 bytes", BAD_REQUEST):
        reader.text()
