"""The search grammar: valid and invalid filters, order_by, experiments, and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jupyterlab_tracker.entities import RUN_STATUSES
from jupyterlab_tracker.errors import INVALID_PARAMETER_VALUE, TrackerError
from jupyterlab_tracker.search import (
    Comparison,
    OrderBy,
    parse_experiment_filter,
    parse_experiment_order_by,
    parse_order_by,
    parse_search_filter,
)

C = Comparison

VALID_RUN_FILTERS = [
    # metrics: every comparator, number spellings
    ("metrics.acc = 1", [C("metric", "acc", "=", 1.0)]),
    ("metrics.acc != 1", [C("metric", "acc", "!=", 1.0)]),
    ("metrics.acc < 0.5", [C("metric", "acc", "<", 0.5)]),
    ("metrics.acc <= .5", [C("metric", "acc", "<=", 0.5)]),
    ("metrics.acc > -2", [C("metric", "acc", ">", -2.0)]),
    ("metrics.acc >= 1e-3", [C("metric", "acc", ">=", 0.001)]),
    ("metrics.acc>=+2.5E+2", [C("metric", "acc", ">=", 250.0)]),
    ("metric.acc > 1.", [C("metric", "acc", ">", 1.0)]),
    ("metrics.acc IS NULL", [C("metric", "acc", "IS NULL", None)]),
    ("metrics.acc is  not\tnull", [C("metric", "acc", "IS NOT NULL", None)]),
    # key quoting and dotted keys
    ("metrics.`val loss` < 1", [C("metric", "val loss", "<", 1.0)]),
    ('metrics."val loss" < 1', [C("metric", "val loss", "<", 1.0)]),
    ("metrics.`a``b` < 1", [C("metric", "a`b", "<", 1.0)]),
    ("metrics.train/loss < 1", [C("metric", "train/loss", "<", 1.0)]),
    ("metrics.précision > 0", [C("metric", "précision", ">", 0.0)]),
    ("tags.`mlflow.runName` = 'a'", [C("tag", "mlflow.runName", "=", "a")]),
    ("tags.mlflow.runName = 'a'", [C("tag", "mlflow.runName", "=", "a")]),
    ("TAGS.x = 'a'", [C("tag", "x", "=", "a")]),
    # params and tags: every operator
    ("params.opt = 'adam'", [C("param", "opt", "=", "adam")]),
    ("param.opt != 'adam'", [C("param", "opt", "!=", "adam")]),
    ("parameters.opt LIKE 'ad%'", [C("param", "opt", "LIKE", "ad%")]),
    ("parameter.opt like 'ad%'", [C("param", "opt", "LIKE", "ad%")]),
    ("params.opt ILike 'AD%'", [C("param", "opt", "ILIKE", "AD%")]),
    ("params.opt IN ('a', 'b')", [C("param", "opt", "IN", ("a", "b"))]),
    ("params.opt not  in ('a')", [C("param", "opt", "NOT IN", ("a",))]),
    ("params.opt IS NULL", [C("param", "opt", "IS NULL", None)]),
    ("tag.t IS NOT NULL", [C("tag", "t", "IS NOT NULL", None)]),
    ("tags.t ILIKE '%x%'", [C("tag", "t", "ILIKE", "%x%")]),
    # string quoting and escapes
    ('params.opt = "adam"', [C("param", "opt", "=", "adam")]),
    ("params.p = 'it''s'", [C("param", "p", "=", "it's")]),
    ("params.p = 'it\\'s'", [C("param", "p", "=", "it's")]),
    ('params.p = "say ""hi"""', [C("param", "p", "=", 'say "hi"')]),
    ("params.p = 'a\\\\b'", [C("param", "p", "=", "a\\b")]),
    ("params.p LIKE '100\\%'", [C("param", "p", "LIKE", "100\\%")]),
    ("params.p = ''", [C("param", "p", "=", "")]),
    ("params.p = 'AND x'", [C("param", "p", "=", "AND x")]),
    # attributes, prefixes and aliases
    ("attributes.run_id = 'abc'", [C("attribute", "run_id", "=", "abc")]),
    ("attribute.run_uuid IN ('a','b')", [C("attribute", "run_id", "IN", ("a", "b"))]),
    ("attr.run_name LIKE 'x%'", [C("attribute", "run_name", "LIKE", "x%")]),
    ("run.`run name` = 'x'", [C("attribute", "run_name", "=", "x")]),
    ("attributes.\"Run name\" = 'x'", [C("attribute", "run_name", "=", "x")]),
    ("attributes.`Run Name` != 'x'", [C("attribute", "run_name", "!=", "x")]),
    ("attributes.user_id ILIKE 'ann%'", [C("attribute", "user_id", "ILIKE", "ann%")]),
    ("attributes.artifact_uri NOT IN ('x')", [C("attribute", "artifact_uri", "NOT IN", ("x",))]),
    ("attributes.lifecycle_stage = 'active'", [C("attribute", "lifecycle_stage", "=", "active")]),
    ("attributes.status = 'finished'", [C("attribute", "status", "=", "FINISHED")]),
    # MLflow reads unprefixed names as attributes.
    ("status = 'FINISHED'", [C("attribute", "status", "=", "FINISHED")]),
    ("`Run name` = 'x'", [C("attribute", "run_name", "=", "x")]),
    ("attributes.status != 'KILLED'", [C("attribute", "status", "!=", "KILLED")]),
    (
        "attributes.status IN ('running', 'Failed')",
        [C("attribute", "status", "IN", ("RUNNING", "FAILED"))],
    ),
    ("attributes.status LIKE 'fin%'", [C("attribute", "status", "LIKE", "FIN%")]),
    ("attributes.start_time >= 1700000000000", [C("attribute", "start_time", ">=", 1.7e12)]),
    ("attributes.created < 5", [C("attribute", "start_time", "<", 5.0)]),
    ("attributes.Created < 5", [C("attribute", "start_time", "<", 5.0)]),
    ("attributes.end_time IS NULL", [C("attribute", "end_time", "IS NULL", None)]),
    ("attributes.end_time > 0", [C("attribute", "end_time", ">", 0.0)]),
    # datasets
    ("datasets.name = 'iris'", [C("dataset", "name", "=", "iris")]),
    ("dataset.digest IN ('a1', 'b2')", [C("dataset", "digest", "IN", ("a1", "b2"))]),
    ("datasets.context LIKE 'train%'", [C("dataset", "context", "LIKE", "train%")]),
    # AND, case and whitespace
    (
        "metrics.acc > 0.9 AND params.opt = 'adam'",
        [C("metric", "acc", ">", 0.9), C("param", "opt", "=", "adam")],
    ),
    (
        "  metrics.acc>0.9\n and\tparams.opt='adam'  ",
        [C("metric", "acc", ">", 0.9), C("param", "opt", "=", "adam")],
    ),
    (
        "metrics.a>1 And metrics.b<2 aNd tags.c IS NULL",
        [C("metric", "a", ">", 1.0), C("metric", "b", "<", 2.0), C("tag", "c", "IS NULL", None)],
    ),
    (
        "params.opt IN('a','b')AND metrics.x=1",
        [C("param", "opt", "IN", ("a", "b")), C("metric", "x", "=", 1.0)],
    ),
    ("", []),
    ("   ", []),
    (None, []),
]


@pytest.mark.parametrize(("text", "expected"), VALID_RUN_FILTERS)
def test_valid_run_filters(text, expected):
    assert parse_search_filter(text) == expected


INVALID_RUN_FILTERS = [
    # (filter, 1-based column, fragment of the message)
    ("metrics.acc >", 14, "expected a value after '>' but found end of input"),
    ("metrics.acc => 1", 13, "unknown operator '=>'; did you mean '>='?"),
    ("metrics.acc == 1", 13, "unknown operator '=='"),
    ("metrics.acc > 'high'", 15, "metric 'acc' needs a number, got 'high'"),
    ("metrics.acc > high", 15, "metric 'acc' needs a number, got 'high'"),
    ("metrics.acc LIKE '1'", 13, "metric 'acc' does not support LIKE"),
    ("metrics.acc IN (1)", 13, "metric 'acc' does not support IN"),
    ("params.lr > '1'", 11, "param 'lr' does not support >; use one of =, !=, LIKE"),
    ("params.lr = 0.1", 13, "param 'lr' needs a quoted string, got '0.1'"),
    ("tags.t < 'a'", 8, "tag 't' does not support <"),
    ("attributes.run_name > 'a'", 21, "attribute 'run_name' does not support >"),
    ("attributes.run_name IS NULL", 21, "does not support IS NULL"),
    ("attributes.start_time IS NULL", 23, "does not support IS NULL"),
    ("attributes.start_time = 'x'", 25, "attribute 'start_time' needs a number"),
    ("attributes.start_time LIKE '1%'", 23, "does not support LIKE"),
    ("datasets.name > 'a'", 15, "dataset 'name' does not support >"),
    ("datasets.schema = 'a'", 1, "unknown dataset 'schema'; use one of context, digest, name"),
    ("attributes.colour = 'red'", 1, "unknown attribute 'colour'"),
    ("attributes.status = 'DONE'", 21, "status 'DONE' is not one of RUNNING, SCHEDULED"),
    ("attributes.status IN ('RUNNING', 'nope')", 34, "status 'nope' is not one of"),
    ("acc > 1", 1, "unknown attribute 'acc'; use one of"),
    ("foo.bar = 'x'", 1, "unknown prefix 'foo'"),
    ("metrics. > 1", 9, "expected a key after 'metrics.'"),
    ("metrics.`` > 1", 9, "expected a key after 'metrics.'"),
    ("metrics. `acc` > 1", 9, "expected a key after 'metrics.'"),
    ("metrics.'acc' > 1", 9, "expected a key after 'metrics.'"),
    ("metrics.acc", 12, "expected an operator after metric 'acc' but found end of input"),
    ("metrics.acc 1", 13, "expected an operator after metric 'acc' but found '1'"),
    ("metrics.acc > 1 metrics.b < 2", 17, "expected AND or end of input but found 'metrics.b'"),
    ("metrics.acc > 1 OR metrics.b < 2", 17, "only AND is supported"),
    ("metrics.acc > 1 AND", 20, "expected a key such as metrics.acc but found end of input"),
    ("AND metrics.acc > 1", 1, "unknown attribute 'AND'"),
    ("metrics.acc > 1abc", 15, "malformed number '1abc'"),
    ("metrics.acc > 1.2.3", 15, "malformed number '1.2.3'"),
    ("metrics.acc > 1e", 15, "malformed number '1e'"),
    ("params.p = 'open", 12, "unterminated ' quote"),
    ("metrics.`val loss > 1", 9, "unterminated ` quote"),
    ("params.p = 'a' # note", 16, "unexpected character '#'"),
    ("params.p = 'a' ;", 16, "unexpected character ';'"),
    ("params.p IN 'a'", 13, "expected '(' after IN but found 'a'"),
    ("params.p IN ()", 14, "param 'p' needs a quoted string, got ')'"),
    ("params.p IN ('a' 'b')", 18, "expected ')' or ',' to continue the list but found 'b'"),
    ("params.p IN ('a',", 18, "needs a quoted string, got end of input"),
    ("params.p NOT LIKE 'a'", 14, "expected IN after NOT but found 'LIKE'"),
    ("params.p IS 'a'", 13, "expected NULL but found 'a'"),
    ("params.p IS NOT", 16, "expected NULL but found end of input"),
    ("(metrics.acc > 1)", 1, "expected a key such as metrics.acc but found '('"),
]


@pytest.mark.parametrize(("text", "column", "fragment"), INVALID_RUN_FILTERS)
def test_invalid_run_filters_name_the_column_and_problem(text, column, fragment):
    with pytest.raises(TrackerError) as caught:
        parse_search_filter(text)
    assert caught.value.error_code == INVALID_PARAMETER_VALUE
    assert caught.value.message.startswith(f"Invalid filter at column {column}: ")
    assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("metrics.acc DESC", OrderBy("metric", "acc", ascending=False)),
        ("metrics.acc desc", OrderBy("metric", "acc", ascending=False)),
        ("metrics.acc ASC", OrderBy("metric", "acc", ascending=True)),
        ("metrics.acc", OrderBy("metric", "acc", ascending=True)),
        ("params.`lr`", OrderBy("param", "lr")),
        ("metrics.`val loss` DESC", OrderBy("metric", "val loss", ascending=False)),
        ("tags.mlflow.runName", OrderBy("tag", "mlflow.runName")),
        ("attributes.start_time", OrderBy("attribute", "start_time")),
        ("start_time", OrderBy("attribute", "start_time")),
        ("  end_time   DESC ", OrderBy("attribute", "end_time", ascending=False)),
        ("run_name", OrderBy("attribute", "run_name")),
        ("`Run name` DESC", OrderBy("attribute", "run_name", ascending=False)),
        ("created", OrderBy("attribute", "start_time")),
        ("status", OrderBy("attribute", "status")),
    ],
)
def test_order_by(clause, expected):
    assert parse_order_by(clause) == expected


@pytest.mark.parametrize(
    ("clause", "column", "fragment"),
    [
        ("", 1, "expected a key to order by but found end of input"),
        ("metrics.acc UP", 13, "expected ASC, DESC or end of input but found 'UP'"),
        ("metrics.acc DESC ASC", 18, "expected ASC, DESC or end of input"),
        ("datasets.name", 1, "cannot order by dataset values"),
        ("colour", 1, "unknown attribute 'colour'"),
        ("metrics.acc, params.lr", 12, "expected ASC, DESC or end of input but found ','"),
    ],
)
def test_invalid_order_by(clause, column, fragment):
    with pytest.raises(TrackerError) as caught:
        parse_order_by(clause)
    assert caught.value.message.startswith(f"Invalid order_by at column {column}: ")
    assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name = 'exp'", [C("attribute", "name", "=", "exp")]),
        ("name LIKE 'exp%'", [C("attribute", "name", "LIKE", "exp%")]),
        ("attributes.name ILIKE '%Exp%'", [C("attribute", "name", "ILIKE", "%Exp%")]),
        ("attribute.name != 'x'", [C("attribute", "name", "!=", "x")]),
        ("creation_time > 1000", [C("attribute", "creation_time", ">", 1000.0)]),
        ("attr.last_update_time <= 5", [C("attribute", "last_update_time", "<=", 5.0)]),
        ("experiment_id IN ('1', '2')", [C("attribute", "experiment_id", "IN", ("1", "2"))]),
        ("experiment_id = '0'", [C("attribute", "experiment_id", "=", "0")]),
        ("tags.team = 'vision'", [C("tag", "team", "=", "vision")]),
        ("tags.`team name` LIKE 'v%'", [C("tag", "team name", "LIKE", "v%")]),
        (
            "name LIKE 'a%' and tags.team IS NOT NULL",
            [C("attribute", "name", "LIKE", "a%"), C("tag", "team", "IS NOT NULL", None)],
        ),
        ("", []),
        (None, []),
    ],
)
def test_experiment_filters(text, expected):
    assert parse_experiment_filter(text) == expected


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("name > 'a'", 6, "attribute 'name' does not support >; use one of =, !=, LIKE, ILIKE"),
        ("creation_time = 'today'", 17, "attribute 'creation_time' needs a number"),
        ("metrics.acc > 1", 1, "unknown prefix 'metrics'"),
        ("lifecycle_stage = 'active'", 1, "unknown attribute 'lifecycle_stage'"),
        ("experiment_id LIKE '1%'", 15, "does not support LIKE"),
    ],
)
def test_invalid_experiment_filters(text, column, fragment):
    with pytest.raises(TrackerError) as caught:
        parse_experiment_filter(text)
    assert caught.value.message.startswith(f"Invalid filter at column {column}: ")
    assert fragment in caught.value.message


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("name", OrderBy("attribute", "name")),
        ("experiment_id DESC", OrderBy("attribute", "experiment_id", ascending=False)),
        ("creation_time desc", OrderBy("attribute", "creation_time", ascending=False)),
        ("attributes.last_update_time ASC", OrderBy("attribute", "last_update_time")),
    ],
)
def test_experiment_order_by(clause, expected):
    assert parse_experiment_order_by(clause) == expected


@pytest.mark.parametrize("clause", ["tags.team", "start_time", "name sideways"])
def test_invalid_experiment_order_by(clause):
    with pytest.raises(TrackerError, match="^Invalid order_by at column"):
        parse_experiment_order_by(clause)


# --- Properties ---------------------------------------------------------------------------

PARSERS = [parse_search_filter, parse_order_by, parse_experiment_filter, parse_experiment_order_by]

# Fragments of the grammar, so random input often gets past the first token.
FRAGMENTS = st.sampled_from(
    [
        "metrics.acc", "params.`a b`", "tags.", "attributes.status", "datasets.name", "name",
        "start_time", "`", "'", '"', "'x'", '"y"', "1.5", "-2e3", ".", "e", "-", "+",
        "=", "!=", "<", ">=", "=>", "AND", "and", "OR", "IN", "NOT", "IS", "NULL", "LIKE",
        "(", ")", ",", "\\", " ", "\t", "DESC", "é", "²",
    ]
)  # fmt: skip
FUZZ_TEXT = st.one_of(st.text(), st.lists(FRAGMENTS, max_size=12).map("".join))


@settings(max_examples=1000)
@given(text=FUZZ_TEXT)
def test_parsers_return_results_or_raise_tracker_error(text):
    for parse in PARSERS:
        try:
            result = parse(text)
        except TrackerError as error:
            assert error.error_code == INVALID_PARAMETER_VALUE
            assert error.message.startswith("Invalid ")
        else:
            if isinstance(result, list):
                assert all(isinstance(item, Comparison) for item in result)
            else:
                assert isinstance(result, OrderBy)


COMPARISON_OPS = ("=", "!=", "<", "<=", ">", ">=")
TEXT_OPS = ("=", "!=", "LIKE", "ILIKE")
LIST_OPS = ("IN", "NOT IN")
NULL_OPS = ("IS NULL", "IS NOT NULL")

# Any text but NUL, which no filter may hold (nothing stored can, see docs/input-rules.md).
SEARCHABLE = st.characters(exclude_characters="\x00")
free_keys = st.text(SEARCHABLE, min_size=1)
numbers = st.floats(allow_nan=False, allow_infinity=False)
strings = st.text(SEARCHABLE)


def clauses(kind, keys, ops, values):
    """Comparisons of one kind; the value's shape follows the operator."""
    options = []
    scalar_ops = [op for op in ops if op not in LIST_OPS + NULL_OPS]
    if scalar_ops:
        options.append(st.builds(C, st.just(kind), keys, st.sampled_from(scalar_ops), values))
    if set(ops) & set(LIST_OPS):
        tuples = st.lists(values, min_size=1, max_size=3).map(tuple)
        options.append(st.builds(C, st.just(kind), keys, st.sampled_from(LIST_OPS), tuples))
    if set(ops) & set(NULL_OPS):
        options.append(st.builds(C, st.just(kind), keys, st.sampled_from(NULL_OPS), st.none()))
    return st.one_of(options)


run_clauses = st.one_of(
    clauses("metric", free_keys, COMPARISON_OPS + NULL_OPS, numbers),
    clauses("param", free_keys, TEXT_OPS + LIST_OPS + NULL_OPS, strings),
    clauses("tag", free_keys, TEXT_OPS + LIST_OPS + NULL_OPS, strings),
    clauses(
        "attribute",
        st.sampled_from(["run_id", "run_name", "user_id", "artifact_uri", "lifecycle_stage"]),
        TEXT_OPS + LIST_OPS,
        strings,
    ),
    clauses("attribute", st.just("status"), ("=", "!=") + LIST_OPS, st.sampled_from(RUN_STATUSES)),
    clauses("attribute", st.just("start_time"), COMPARISON_OPS, numbers),
    clauses("attribute", st.just("end_time"), COMPARISON_OPS + NULL_OPS, numbers),
    clauses(
        "dataset", st.sampled_from(["name", "digest", "context"]), TEXT_OPS + LIST_OPS, strings
    ),
)

PREFIXES = {
    "metric": "metrics",
    "param": "params",
    "tag": "tags",
    "attribute": "attributes",
    "dataset": "datasets",
}


def quote(text: str, mark: str) -> str:
    """Quote ``text`` so the tokenizer reads it back exactly."""
    escaped = text.replace("\\", "\\\\").replace(mark, mark * 2)
    return f"{mark}{escaped}{mark}"


def render_value(value) -> str:
    if isinstance(value, tuple):
        return "(" + ", ".join(render_value(item) for item in value) + ")"
    if isinstance(value, float):
        return repr(value)
    return quote(value, "'")


def render(comparison: Comparison) -> str:
    identifier = f"{PREFIXES[comparison.kind]}.{quote(comparison.key, '`')}"
    if comparison.value is None:
        return f"{identifier} {comparison.op}"
    return f"{identifier} {comparison.op} {render_value(comparison.value)}"


@settings(max_examples=500)
@given(
    comparisons=st.lists(run_clauses, max_size=5),
    joiner=st.sampled_from([" AND ", " and ", "\nAnd\t"]),
)
def test_rendered_filters_parse_back_to_the_same_comparisons(comparisons, joiner):
    text = joiner.join(render(comparison) for comparison in comparisons)
    assert parse_search_filter(text) == comparisons


@settings(max_examples=300)
@given(
    kind=st.sampled_from(["metric", "param", "tag"]),
    key=free_keys,
    direction=st.sampled_from(["", " ASC", " DESC", " desc"]),
)
def test_rendered_order_by_parses_back(kind, key, direction):
    order = parse_order_by(f"{PREFIXES[kind]}.{quote(key, '`')}{direction}")
    assert order == OrderBy(kind, key, ascending="DESC" not in direction.upper())


@given(value=numbers)
def test_number_literals_parse_exactly(value):
    (comparison,) = parse_search_filter(f"metrics.m = {value!r}")
    assert comparison.value == value and not math.isnan(comparison.value)
