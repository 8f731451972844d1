"""MLflow's search syntax: filter and order_by strings parsed into small, typed trees.

Stdlib only. The store compiles these trees into parameterised SQL; nothing here ever
builds SQL text. Every parse error is a ``TrackerError`` (INVALID_PARAMETER_VALUE)
whose message names the problem and the column where it is.

Grammar (keywords case-insensitive)::

    filter     := comparison (AND comparison)*
    comparison := identifier op value | identifier IN|NOT IN "(" string ("," string)* ")"
                | identifier IS [NOT] NULL
    identifier := prefix "." key      key: a word (may hold . - /), `backticked` or "quoted"
    order_by   := identifier [ASC|DESC]
    value      := 'string' | "string" | number     ('' or \' escapes a quote)

Which operators and value types each field accepts lives in one table per entity
(``_RUNS`` and ``_EXPERIMENTS`` below).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .domain.limits import MAX_FILTER_CLAUSES, MAX_FILTER_LENGTH, MAX_FILTER_VALUES
from .entities import RUN_STATUSES
from .errors import TrackerError, invalid

EntityKind = Literal["metric", "param", "tag", "attribute", "dataset"]

# Canonical run attribute names (aliases such as ``run name`` / ``created`` map to these).
STRING_RUN_ATTRIBUTES = (
    "run_id",
    "run_name",
    "status",
    "user_id",
    "artifact_uri",
    "lifecycle_stage",
)
NUMERIC_RUN_ATTRIBUTES = ("start_time", "end_time")


@dataclass(frozen=True)
class Comparison:
    """One ``<kind>.<key> <op> <value>`` clause of a filter (clauses are AND-ed).

    - ``op`` is one of ``= != < <= > >= LIKE ILIKE IN NOT IN IS NULL IS NOT NULL``
      (upper case, single spaces).
    - ``value`` is a float for metrics and numeric attributes, a str for string
      comparisons, a tuple of str for IN / NOT IN, and None for IS [NOT] NULL.
    """

    kind: EntityKind
    key: str
    op: str
    value: float | str | tuple[str, ...] | None


@dataclass(frozen=True)
class OrderBy:
    kind: EntityKind
    key: str
    ascending: bool = True


# --- Operators ------------------------------------------------------------------------------

_COMPARISON_OPS = ("=", "!=", "<", "<=", ">", ">=")
_TEXT_OPS = ("=", "!=", "LIKE", "ILIKE")
_LIST_OPS = ("IN", "NOT IN")
_NULL_OPS = ("IS NULL", "IS NOT NULL")
# Common slips get a hint instead of a bare "unknown operator".
_OPERATOR_HINTS = {"==": "=", "=>": ">=", "=<": "<=", "<>": "!=", "=!": "!="}


@dataclass(frozen=True)
class _Rule:
    """What one field accepts: its operators, its value type, and (optionally) fixed values."""

    ops: tuple[str, ...]
    numeric: bool = False
    allowed_values: tuple[str, ...] = ()  # checked, upper-cased, for exact matches


_METRIC_RULE = _Rule(_COMPARISON_OPS + _NULL_OPS, numeric=True)
_PARAM_OR_TAG_RULE = _Rule(_TEXT_OPS + _LIST_OPS + _NULL_OPS)
_STRING_FIELD_RULE = _Rule(_TEXT_OPS + _LIST_OPS)
_TIME_RULE = _Rule(_COMPARISON_OPS, numeric=True)


@dataclass(frozen=True)
class _Schema:
    """The searchable fields of one entity (runs or experiments)."""

    prefixes: dict[str, EntityKind]  # lower-cased prefix -> kind
    fixed_keys: dict[EntityKind, dict[str, str]]  # kind -> {lower-cased spelling: canonical key}
    rules: dict[tuple[EntityKind, str | None], _Rule]  # (kind, key) first, then (kind, None)
    order_kinds: tuple[EntityKind, ...]

    def rule_for(self, kind: EntityKind, key: str) -> _Rule:
        return self.rules.get((kind, key)) or self.rules[(kind, None)]


def _spellings(*names: str, **aliases: str) -> dict[str, str]:
    return {**{name: name for name in names}, **aliases}


_RUNS = _Schema(
    prefixes={
        **dict.fromkeys(("metric", "metrics"), "metric"),
        **dict.fromkeys(("param", "params", "parameter", "parameters"), "param"),
        **dict.fromkeys(("tag", "tags"), "tag"),
        **dict.fromkeys(("attribute", "attributes", "attr", "run"), "attribute"),
        **dict.fromkeys(("dataset", "datasets"), "dataset"),
    },
    fixed_keys={
        "attribute": {
            **_spellings(*STRING_RUN_ATTRIBUTES, *NUMERIC_RUN_ATTRIBUTES),
            "run name": "run_name",
            "created": "start_time",
            "run_uuid": "run_id",
        },
        "dataset": _spellings("name", "digest", "context"),
    },
    rules={
        ("metric", None): _METRIC_RULE,
        ("param", None): _PARAM_OR_TAG_RULE,
        ("tag", None): _PARAM_OR_TAG_RULE,
        ("dataset", None): _STRING_FIELD_RULE,
        ("attribute", None): _STRING_FIELD_RULE,
        ("attribute", "status"): _Rule(_STRING_FIELD_RULE.ops, allowed_values=RUN_STATUSES),
        ("attribute", "start_time"): _TIME_RULE,
        # A running run has no end_time yet, so "IS NULL" is a real question.
        ("attribute", "end_time"): _Rule(_COMPARISON_OPS + _NULL_OPS, numeric=True),
    },
    order_kinds=("metric", "param", "tag", "attribute"),
)

_EXPERIMENTS = _Schema(
    prefixes={
        **dict.fromkeys(("attribute", "attributes", "attr"), "attribute"),
        **dict.fromkeys(("tag", "tags"), "tag"),
    },
    fixed_keys={
        "attribute": _spellings("name", "experiment_id", "creation_time", "last_update_time"),
    },
    rules={
        ("tag", None): _PARAM_OR_TAG_RULE,
        ("attribute", "name"): _Rule(_TEXT_OPS),
        ("attribute", "experiment_id"): _Rule(("=", "!=") + _LIST_OPS),
        ("attribute", None): _TIME_RULE,  # creation_time, last_update_time
    },
    order_kinds=("attribute",),
)


# The model registry: registered models filter on name and tags, versions on a few
# attributes and tags (MLflow's registry grammar).
_REGISTERED_MODELS = _Schema(
    prefixes={
        **dict.fromkeys(("attribute", "attributes", "attr"), "attribute"),
        **dict.fromkeys(("tag", "tags"), "tag"),
    },
    fixed_keys={
        "attribute": _spellings(
            "name",
            "creation_timestamp",
            "last_updated_timestamp",
            timestamp="last_updated_timestamp",
        ),
    },
    rules={
        ("tag", None): _PARAM_OR_TAG_RULE,
        ("attribute", "name"): _STRING_FIELD_RULE,
        ("attribute", None): _TIME_RULE,
    },
    order_kinds=("attribute",),
)

_MODEL_VERSIONS = _Schema(
    prefixes={
        **dict.fromkeys(("attribute", "attributes", "attr"), "attribute"),
        **dict.fromkeys(("tag", "tags"), "tag"),
    },
    fixed_keys={
        "attribute": _spellings(
            "name",
            "version",
            "run_id",
            "model_id",
            "source",
            "current_stage",
            "creation_timestamp",
            "last_updated_timestamp",
            version_number="version",
            source_path="source",
        ),
    },
    rules={
        ("tag", None): _PARAM_OR_TAG_RULE,
        ("attribute", None): _STRING_FIELD_RULE,
        ("attribute", "version"): _Rule(_COMPARISON_OPS, numeric=True),
        ("attribute", "creation_timestamp"): _TIME_RULE,
        ("attribute", "last_updated_timestamp"): _TIME_RULE,
    },
    order_kinds=("attribute",),
)

# Logged models (MLflow 3): MLflow's grammar for them (mlflow/utils/search_logged_model_utils
# .py): the four plural prefixes, bare names are attributes; metrics compare numbers, params,
# tags and text attributes compare strings (no IS NULL: MLflow has none here).
LOGGED_MODEL_STATUSES_SEARCHED = ("PENDING", "READY", "FAILED")
_LOGGED_MODELS = _Schema(
    prefixes={
        "metrics": "metric",
        "params": "param",
        "tags": "tag",
        "attributes": "attribute",
    },
    fixed_keys={
        "attribute": _spellings(
            "name",
            "model_id",
            "model_type",
            "status",
            "source_run_id",
            "experiment_id",
            "creation_timestamp",
            "last_updated_timestamp",
            creation_time="creation_timestamp",
            creation_timestamp_ms="creation_timestamp",
            last_updated_time="last_updated_timestamp",
            last_updated_timestamp_ms="last_updated_timestamp",
        ),
    },
    rules={
        ("metric", None): _Rule(_COMPARISON_OPS, numeric=True),
        ("param", None): _STRING_FIELD_RULE,
        ("tag", None): _STRING_FIELD_RULE,
        ("attribute", None): _STRING_FIELD_RULE,
        ("attribute", "status"): _Rule(
            _STRING_FIELD_RULE.ops, allowed_values=LOGGED_MODEL_STATUSES_SEARCHED
        ),
        ("attribute", "experiment_id"): _Rule(("=", "!=") + _LIST_OPS),
        ("attribute", "creation_timestamp"): _TIME_RULE,
        ("attribute", "last_updated_timestamp"): _TIME_RULE,
    },
    order_kinds=("metric", "attribute"),
)


@dataclass(frozen=True)
class LoggedModelOrderBy:
    """One item of a logged-model search's ``order_by`` (MLflow sends objects, not text):
    a metric (its latest value, optionally on one dataset) or an attribute."""

    kind: Literal["metric", "attribute"]
    key: str
    ascending: bool = True
    dataset_name: str | None = None
    dataset_digest: str | None = None


# --- Public API ---------------------------------------------------------------------------


def parse_search_filter(text: str | None) -> list[Comparison]:
    """Parse a run filter such as ``metrics.acc > 0.9 AND params.opt = 'adam'``.

    Empty or None means "no filter" and gives ``[]``. Raises TrackerError otherwise.
    """
    return _Parser(text or "", "filter", _RUNS).parse_filter()


def parse_order_by(clause: str) -> OrderBy:
    """Parse one run order_by clause: ``<identifier> [ASC|DESC]``, e.g. ``metrics.acc DESC``.

    Bare attribute names (``start_time``, ``run_name``) are allowed, as in MLflow.
    """
    return _Parser(clause or "", "order_by", _RUNS).parse_order_by()


def parse_experiment_filter(text: str | None) -> list[Comparison]:
    """Parse an experiment filter, e.g. ``name LIKE 'exp%' AND tags.team = 'vision'``."""
    return _Parser(text or "", "filter", _EXPERIMENTS).parse_filter()


def parse_experiment_order_by(clause: str) -> OrderBy:
    """Parse one experiment order_by clause, e.g. ``creation_time DESC``."""
    return _Parser(clause or "", "order_by", _EXPERIMENTS).parse_order_by()


def parse_registered_model_filter(text: str | None) -> list[Comparison]:
    """Parse a registered model filter, e.g. ``name LIKE 'fraud%' AND tags.team = 'risk'``."""
    return _Parser(text or "", "filter", _REGISTERED_MODELS).parse_filter()


def parse_registered_model_order_by(clause: str) -> OrderBy:
    """``name``, ``creation_timestamp`` or ``last_updated_timestamp``, then ASC or DESC."""
    return _Parser(clause or "", "order_by", _REGISTERED_MODELS).parse_order_by()


def parse_model_version_filter(text: str | None) -> list[Comparison]:
    """Parse a model version filter, e.g. ``name = 'fraud' AND run_id = '...'``."""
    return _Parser(text or "", "filter", _MODEL_VERSIONS).parse_filter()


def parse_model_version_order_by(clause: str) -> OrderBy:
    return _Parser(clause or "", "order_by", _MODEL_VERSIONS).parse_order_by()


def parse_logged_model_filter(text: str | None) -> list[Comparison]:
    """Parse a logged model filter, e.g. ``metrics.acc > 0.9 AND params.lr = '0.01'``."""
    return _Parser(text or "", "filter", _LOGGED_MODELS).parse_filter()


def parse_logged_model_order_field(field_name: str) -> tuple[Literal["metric", "attribute"], str]:
    """The ``field_name`` of a logged-model ``order_by`` item, as MLflow reads it:
    ``metrics.<key>`` (the rest of the text is the key) or an attribute name."""
    if not isinstance(field_name, str) or not field_name:
        raise invalid("`field_name` in the `order_by` clause must be specified.")
    if "." in field_name:
        prefix, _, key = field_name.partition(".")
        if prefix != "metrics" or not key:
            raise invalid(
                f"Invalid order by field name: {_shorten(field_name)}. Only metrics are supported."
            )
        return "metric", key
    canonical = _LOGGED_MODELS.fixed_keys["attribute"].get(field_name.strip())
    if canonical is None:
        raise invalid(f"Invalid order by field name: {_shorten(field_name)}")
    return "attribute", canonical


# --- Tokenizer ----------------------------------------------------------------------------

_WORD, _BACKTICK, _STRING, _NUMBER, _OP, _PUNCT, _END = (
    "word",
    "backtick",
    "string",
    "number",
    "op",
    "punct",
    "end",
)
_DIGITS = "0123456789"  # not str.isdigit(): that accepts '²', which float() rejects
_OP_CHARS = "=!<>"
# Unquoted words may hold dots, dashes and slashes so `tags.mlflow.runName` and
# `metrics.train/loss` work without backticks.
_WORD_CHARS = "_.-/"


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str  # exactly as written, for error messages
    value: str  # unquoted content for strings and backticks; the text otherwise
    start: int  # 0-based offset into the input
    end: int

    def describe(self) -> str:
        if self.kind == _END:
            return "end of input"
        if self.kind in (_STRING, _BACKTICK):
            return _shorten(self.text)  # already quoted
        return f"'{_shorten(self.text)}'"


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch in _WORD_CHARS


class _Tokenizer:
    def __init__(self, text: str, fail):
        self.text = text
        self.pos = 0
        self.fail = fail  # fail(offset, message) -> TrackerError

    def next(self) -> _Token:
        """The next token (the end token, again and again, at the end of the text).

        Read as the parser asks, so a filter over the clause limit is refused before the
        rest of it is read."""
        self._skip_whitespace()
        if self.pos >= len(self.text):
            return _Token(_END, "", "", self.pos, self.pos)
        return self._next_token()

    def _skip_whitespace(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _peek(self, ahead: int = 0) -> str:
        index = self.pos + ahead
        return self.text[index] if index < len(self.text) else ""

    def _at(self, chars: str, ahead: int = 0) -> bool:
        # Spelled out because `"" in chars` is True at the end of the input.
        ch = self._peek(ahead)
        return ch != "" and ch in chars

    def _at_word_char(self) -> bool:
        return self._peek() != "" and _is_word_char(self._peek())

    def _next_token(self) -> _Token:
        start, ch = self.pos, self._peek()
        if ch in ("'", '"'):
            return self._quoted(_STRING, ch)
        if ch == "`":
            return self._quoted(_BACKTICK, ch)
        if self._starts_number():
            return self._number()
        if ch.isalpha() or ch == "_":
            while self._at_word_char():
                self.pos += 1
            return self._token(_WORD, start)
        if ch in _OP_CHARS:
            while self._at(_OP_CHARS):
                self.pos += 1
            return self._token(_OP, start)
        if ch in "(),":
            self.pos += 1
            return self._token(_PUNCT, start)
        raise self.fail(start, f"unexpected character {ch!r}")

    def _token(self, kind: str, start: int, value: str | None = None) -> _Token:
        text = self.text[start : self.pos]
        return _Token(kind, text, text if value is None else value, start, self.pos)

    def _quoted(self, kind: str, quote: str) -> _Token:
        """Read up to the closing quote. A doubled quote stands for one quote; a backslash
        escapes a quote or a backslash and is kept before anything else, so LIKE patterns
        such as '100\\%' reach the store unchanged."""
        start = self.pos
        self.pos += 1
        chars = []
        while True:
            ch = self._peek()
            if not ch:
                raise self.fail(start, f"unterminated {quote} quote")
            if ch == quote and self._peek(1) == quote:
                chars.append(quote)
                self.pos += 2
            elif ch == quote:
                self.pos += 1
                return self._token(kind, start, "".join(chars))
            elif ch == "\\" and self._peek(1) in (quote, "\\"):
                chars.append(self._peek(1))
                self.pos += 2
            else:
                chars.append(ch)
                self.pos += 1

    def _starts_number(self) -> bool:
        ahead = 1 if self._at("+-") else 0
        return self._at(_DIGITS, ahead) or (self._at(".", ahead) and self._at(_DIGITS, ahead + 1))

    def _number(self) -> _Token:
        """``[+-] digits [. digits] [e [+-] digits]`` (or ``.5``); ends at a non-word char."""
        start = self.pos
        if self._at("+-"):
            self.pos += 1
        self._digits()
        if self._at("."):
            self.pos += 1
            self._digits()
        if self._at("eE"):
            self.pos += 1
            if self._at("+-"):
                self.pos += 1
            if not self._digits():
                raise self.fail(start, f"malformed number {self.text[start : self.pos]!r}")
        if self._at_word_char():  # e.g. `1abc` or `1.2.3`
            while self._at_word_char():
                self.pos += 1
            raise self.fail(start, f"malformed number {self.text[start : self.pos]!r}")
        return self._token(_NUMBER, start)

    def _digits(self) -> int:
        start = self.pos
        while self._at(_DIGITS):
            self.pos += 1
        return self.pos - start


# --- Parser -------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, what: str, schema: _Schema):
        self.what = what
        self.schema = schema
        if len(text) > MAX_FILTER_LENGTH:
            raise invalid(
                f"The {what} is {len(text):,} characters long; the limit is {MAX_FILTER_LENGTH:,}"
            )
        if "\x00" in text:  # nothing stored holds one, and PostgreSQL cannot bind it
            raise self._error(text.index("\x00"), "NUL characters (\\x00) are not allowed")
        self.tokenizer = _Tokenizer(text, self._error)
        self.token = self.tokenizer.next()
        self.list_values = 0  # in all the IN (...) lists so far

    def _error(self, offset: int, message: str) -> TrackerError:
        return invalid(f"Invalid {self.what} at column {offset + 1}: {message}")

    def _peek(self) -> _Token:
        return self.token

    def _take(self) -> _Token:
        token = self.token
        if token.kind != _END:
            self.token = self.tokenizer.next()
        return token

    def _take_keyword(self, *words: str) -> _Token | None:
        token = self._peek()
        if token.kind == _WORD and token.value.upper() in words:
            return self._take()
        return None

    # filter := comparison (AND comparison)*
    def parse_filter(self) -> list[Comparison]:
        if self._peek().kind == _END:
            return []
        comparisons = [self._comparison()]
        while self._take_keyword("AND"):
            if len(comparisons) == MAX_FILTER_CLAUSES:
                raise invalid(
                    f"A {self.what} may hold at most {MAX_FILTER_CLAUSES} clauses joined by "
                    "AND; use fewer (an IN (...) list tests many values in one clause)"
                )
            comparisons.append(self._comparison())
        token = self._peek()
        if token.kind != _END:
            hint = " (only AND is supported)" if token.value.upper() == "OR" else ""
            raise self._error(
                token.start, f"expected AND or end of input but found {token.describe()}{hint}"
            )
        return comparisons

    # order_by := identifier [ASC | DESC]
    def parse_order_by(self) -> OrderBy:
        if self._peek().kind == _END:
            raise self._error(0, "expected a key to order by but found end of input")
        start = self._peek().start
        kind, key = self._identifier()
        if kind not in self.schema.order_kinds:
            raise self._error(start, f"cannot order by {kind} values")
        direction = self._take_keyword("ASC", "DESC")
        token = self._peek()
        if token.kind != _END:
            raise self._error(
                token.start, f"expected ASC, DESC or end of input but found {token.describe()}"
            )
        return OrderBy(kind, key, ascending=direction is None or direction.value.upper() == "ASC")

    # comparison := identifier operator [value]
    def _comparison(self) -> Comparison:
        kind, key = self._identifier()
        rule = self.schema.rule_for(kind, key)
        op_token, op = self._operator(f"{kind} '{key}'")
        if op not in rule.ops:
            raise self._error(
                op_token.start,
                f"{kind} '{key}' does not support {op}; use one of {', '.join(rule.ops)}",
            )
        value = self._value(kind, key, op, op_token, rule)
        return Comparison(kind, key, op, value)

    def _identifier(self) -> tuple[EntityKind, str]:
        """``<prefix>.<key>``, ``<prefix>.`quoted key```, or a bare (possibly quoted) name,
        which is an attribute as in MLflow (``status = 'FINISHED'``)."""
        token = self._take()
        if token.kind == _WORD and "." in token.value:
            prefix, _, key = token.value.partition(".")
            kind = self.schema.prefixes.get(prefix.lower())
            if kind is None:
                raise self._error(
                    token.start,
                    f"unknown prefix '{prefix}'; use one of {', '.join(self.schema.prefixes)}",
                )
            if not key:
                key = self._quoted_key_after(token)
        elif token.kind == _WORD or token.kind == _BACKTICK or _is_double_quoted(token):
            key = token.value
            kind = "attribute"
        else:
            raise self._error(
                token.start, f"expected a key such as metrics.acc but found {token.describe()}"
            )
        return kind, self._canonical_key(kind, key, token)

    def _quoted_key_after(self, prefix_token: _Token) -> str:
        # `metrics.` must be glued to a backticked or double-quoted key: metrics.`val loss`
        token = self._peek()
        glued = token.start == prefix_token.end
        if glued and (token.kind == _BACKTICK or _is_double_quoted(token)):
            self._take()
            if token.value:
                return token.value
        raise self._error(prefix_token.end, f"expected a key after '{prefix_token.value}'")

    def _canonical_key(self, kind: EntityKind, key: str, token: _Token) -> str:
        spellings = self.schema.fixed_keys.get(kind)
        if spellings is None:  # metrics, params and tags: any key
            return key
        canonical = spellings.get(key.lower())
        if canonical is None:
            valid = sorted(set(spellings.values()))
            raise self._error(token.start, f"unknown {kind} '{key}'; use one of {', '.join(valid)}")
        return canonical

    def _operator(self, subject: str) -> tuple[_Token, str]:
        token = self._take()
        if token.kind == _OP:
            if token.value in _COMPARISON_OPS:
                return token, token.value
            hint = _OPERATOR_HINTS.get(token.value)
            suggestion = f"; did you mean '{hint}'?" if hint else ""
            raise self._error(token.start, f"unknown operator '{token.value}'{suggestion}")
        word = token.value.upper() if token.kind == _WORD else ""
        if word in ("LIKE", "ILIKE", "IN"):
            return token, word
        if word == "NOT" and self._take_keyword("IN"):
            return token, "NOT IN"
        if word == "IS":
            negated = self._take_keyword("NOT") is not None
            if self._take_keyword("NULL"):
                return token, "IS NOT NULL" if negated else "IS NULL"
            found = self._peek()
            raise self._error(found.start, f"expected NULL but found {found.describe()}")
        if word == "NOT":
            found = self._peek()
            raise self._error(found.start, f"expected IN after NOT but found {found.describe()}")
        raise self._error(
            token.start, f"expected an operator after {subject} but found {token.describe()}"
        )

    def _value(self, kind: EntityKind, key: str, op: str, op_token: _Token, rule: _Rule):
        if op in _NULL_OPS:
            return None
        if op in _LIST_OPS:
            return self._string_list(kind, key, op, rule)
        if self._peek().kind == _END:
            raise self._error(
                self._peek().start,
                f"expected a value after '{op_token.text}' but found end of input",
            )
        if rule.numeric:
            return self._number(kind, key)
        return self._string(kind, key, op, rule)

    def _number(self, kind: EntityKind, key: str) -> float:
        token = self._take()
        if token.kind != _NUMBER:
            raise self._error(token.start, f"{kind} '{key}' needs a number, got {token.describe()}")
        return float(token.value)

    def _string(self, kind: EntityKind, key: str, op: str, rule: _Rule) -> str:
        token = self._take()
        if token.kind != _STRING:
            raise self._error(
                token.start, f"{kind} '{key}' needs a quoted string, got {token.describe()}"
            )
        if not rule.allowed_values:
            return token.value
        # Fixed vocabularies (run status) are upper case; patterns are not checked.
        value = token.value.upper()
        if op not in ("LIKE", "ILIKE") and value not in rule.allowed_values:
            raise self._error(
                token.start,
                f"{key} {token.describe()} is not one of {', '.join(rule.allowed_values)}",
            )
        return value

    # string_list := "(" string ("," string)* ")"
    def _string_list(self, kind: EntityKind, key: str, op: str, rule: _Rule) -> tuple[str, ...]:
        self._expect_punct("(", f"after {op}")
        values = [self._string(kind, key, op, rule)]
        while self._take_punct(","):
            values.append(self._string(kind, key, op, rule))
        self.list_values += len(values)
        if self.list_values > MAX_FILTER_VALUES:
            raise invalid(
                f"The IN (...) lists of a {self.what} may hold at most {MAX_FILTER_VALUES:,} "
                "values in all; search in several requests"
            )
        self._expect_punct(")", "or ',' to continue the list")
        return tuple(values)

    def _take_punct(self, char: str) -> bool:
        if self._peek().kind == _PUNCT and self._peek().value == char:
            self._take()
            return True
        return False

    def _expect_punct(self, char: str, context: str) -> None:
        if not self._take_punct(char):
            token = self._peek()
            raise self._error(
                token.start, f"expected '{char}' {context} but found {token.describe()}"
            )


def _is_double_quoted(token: _Token) -> bool:
    return token.kind == _STRING and token.text.startswith('"')
