"""A table of hostile values sent into every field of every route, native and MLflow.

The fields come from the two API descriptions (``server/openapi.json`` and MLflow's protos,
``mlflow_openapi``), so a new route or field is probed without editing this file. Each
request starts from a baseline that names existing objects (a run, an experiment, a logged
model, a registered model version), so the hostile value reaches the checks behind the
lookups, and swaps one field for one value: huge and 64-bit-overflowing integers, numbers
in strings that ``str.isdigit`` accepts and ``int`` does not, lone UTF-16 surrogates, deep
nesting, long lists, wrong types, forged page tokens, filters and orderings too big for the
database. Whole bodies are probed too (deeply nested, invalid UTF-8, not an object).

The answer to every one must be below 500 and, when a refusal, MLflow's
``{"error_code", "message"}``. The figure joins the fuzz suite's "N requests, 0 5xx".
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
import requests
from mlflow_openapi import mlflow_openapi
from reliability_figures import FIGURES

from jupyterlab_tracker.server.native_api import openapi_document
from jupyterlab_tracker.testing import LiveServer


def _token(payload: str) -> str:
    return base64.urlsafe_b64encode(payload.encode()).decode()


DEEP = 100_000  # levels of nesting in the deepest body


@dataclass(frozen=True)
class Raw:
    """JSON text spliced into a body as is, where json.dumps cannot write it (nesting)."""

    text: str


# Values for any field, as JSON; a few field names get more (``values_for``).
# Text that str.isdigit, int() or float() would take for a number, or too big for 64 bits.
NUMBER_LOOKALIKES = ["--5", "²", "٣", "1e3", str(10**30), str(2**63)]
ANY_VALUES = [
    10**30,
    2**63,
    -(2**63) - 1,
    10**400,
    -(10**400),
    1.5,
    -1,
    0,
    True,
    "",
    *NUMBER_LOOKALIKES,
    "\ud800",
    "a\udfffb",
    "x" * 70_000,
    "\x00",
    "../../etc/passwd",
    [],
    ["\ud800"],
    [10**30],
    ["x"] * 1000,
    {},
    {"key": "\ud800", "value": "\udc00"},
    Raw("[" * DEEP + "]" * DEEP),
    Raw('{"a":' * 5000 + "1" + "}" * 5000),
]
PAGE_TOKENS = [
    _token(json.dumps({"offset": 10**30})),
    _token(json.dumps({"offset": 2**63})),
    _token(json.dumps({"offset": 2**63 - 1})),
    _token(json.dumps({"offset": 1e308})),
    _token(json.dumps({"offset": -1})),
    _token(json.dumps({"offset": [1]})),
    _token('{"offset": 1, "offset": "\\ud800"}'),
    _token("[" * 5000 + "]" * 5000),
    _token('{"offset": ' + "9" * 5000 + "}"),
    _token("not json"),
    "!!!",
    "===",
]
FILTERS = [
    " AND ".join(f"metrics.m{i} > 0" for i in range(1000)),
    " AND ".join(f"params.p{i} = 'x'" for i in range(1000)),
    " AND ".join("attributes.status = 'RUNNING'" for _ in range(1000)),
    " AND ".join("name = 'x'" for _ in range(1000)),
    "attributes.run_id IN (" + ",".join(f"'{i:032x}'" for i in range(40_000)) + ")",
    "name IN (" + ",".join(f"'{i}'" for i in range(40_000)) + ")",
    f"metrics.m > {10**400}",
    f"attributes.start_time > {10**30}",
    f"attributes.experiment_id = {10**30}",
    f"experiment_id = {10**30}",
    f"version_number = {10**30}",
    f"version = {10**30}",
    "name = '\ud800'",
    "name LIKE '" + "%" * 10_000 + "'",
    "(" * 1000,
]
ORDER_BYS = [
    [f"metrics.m{i} DESC" for i in range(100)],
    [f"params.p{i}" for i in range(1000)],
    ["name ASC"] * 1000,
    ["start_time DESC"] * 100,
    ["\ud800"],
]
# Query-string values are text: numbers and their look-alikes, and bytes that are not UTF-8.
QUERY_VALUES = [
    *NUMBER_LOOKALIKES,
    "1.5",
    str(-(2**63) - 1),
    "9" * 5000,
    "",
    "x" * 10_000,
    "\x00",
    "true",
    "[]",
]
# Request lines longer than tornado's header limit (64 kB) get no answer but a closed
# connection; that is tornado's, not a route's.
MAX_QUERY_LENGTH = 32_000
RAW_QUERY_VALUES = ["%ED%A0%80", "%FF", "%C0%AF"]  # a UTF-8 surrogate, not UTF-8, overlong
BODIES = [
    b"[" * DEEP + b"]" * DEEP,
    b'{"a":' * 5000 + b"1" + b"}" * 5000,
    b'{"name": "\xed\xa0\x80"}',  # a surrogate in raw UTF-8 (invalid UTF-8)
    b'{"name": "\\ud800"}',
    b'{"name": ' + b"9" * 5000 + b"}",
    b'{"name": 1e999}',
    b"\xff\xfe{}",
    b"[]",
    b"null",
    b"{" * 10,
    json.dumps({"metrics": [{"key": "m", "value": 1, "timestamp": 1}] * 5000}).encode(),
]


def values_for(name: str, in_query: bool) -> list:
    """The hostile values worth sending in a field of this name."""
    special = []
    if "page_token" in name:
        special = PAGE_TOKENS
    elif name == "filter":
        special = FILTERS
    elif name == "order_by":
        special = ORDER_BYS
    if in_query:
        return QUERY_VALUES + special
    return ANY_VALUES + special


@dataclass
class Fixtures:
    """Existing objects, so that requests get past their lookups."""

    experiment_id: str
    run_id: str
    model_id: str
    model_name: str
    version: str = "1"

    def baseline(self, name: str):
        """A valid value for a field of this name (None: leave the field out)."""
        return {
            "experiment_id": self.experiment_id,
            "experiment_ids": [self.experiment_id],
            "run_id": self.run_id,
            "run_uuid": self.run_id,
            "source_run_id": self.run_id,
            "model_id": self.model_id,
            "name": self.model_name,
            "experiment_name": "Default",
            "version": self.version,
            "key": "probe_key",
            "metric_key": "m",
            "value": "1",
            "alias": "probe_alias",
            "stage": "Staging",
            "new_name": self.model_name,
            "source": f"runs:/{self.run_id}/model",
            "timestamp": 1,
            "status": "FINISHED",
        }.get(name)


@dataclass
class Operation:
    method: str
    path: str  # with {name} path parameters
    query: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    required: set[str] = field(default_factory=set)


def operations(spec: dict) -> Iterator[Operation]:
    for path, verbs in spec["paths"].items():
        for method, operation in verbs.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            if method == "put" and path.endswith("/artifacts/content"):
                continue  # uploads stream a file, not fields: tests/server/test_artifacts_api.py
            op = Operation(method.upper(), path)
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    op.query.append(parameter["name"])
                if parameter.get("required"):
                    op.required.add(parameter["name"])
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema", {})
            op.body = list(schema.get("properties", {}))
            op.required |= set(schema.get("required", []))
            yield op


def _dump(body: dict) -> bytes:
    """JSON text of a body whose values may be ``Raw`` pieces."""
    pieces = []
    for key, value in body.items():
        text = value.text if isinstance(value, Raw) else json.dumps(value)
        pieces.append(f"{json.dumps(key)}: {text}")
    return ("{" + ", ".join(pieces) + "}").encode()


class Prober:
    def __init__(self, server: LiveServer, fixtures: Fixtures):
        self.server, self.fixtures = server, fixtures
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {server.token}"
        self.problems: list[str] = []

    def url(self, op: Operation, query: str = "") -> str:
        path = op.path
        for name in ("run_id", "experiment_id", "model_id"):
            path = path.replace("{" + name + "}", getattr(self.fixtures, name))
        return f"{self.server.tracker_url}{path}" + (f"?{query}" if query else "")

    def send(self, op: Operation, what: str, *, query: str = "", body: bytes | None = None):
        FIGURES["requests_fuzzed"] += 1
        try:
            response = self.session.request(
                op.method,
                self.url(op, query),
                data=body,
                headers={"Content-Type": "application/json"} if body is not None else {},
                timeout=60,
            )
        except requests.ConnectionError as error:
            self.problems.append(f"{op.method} {op.path} {what}: connection failed: {error}")
            return
        if response.status_code >= 500:
            FIGURES["responses_5xx"] += 1
            self.problems.append(
                f"{op.method} {op.path} {what} -> {response.status_code}: {response.text[:300]}"
            )
        elif response.status_code >= 400:
            try:
                answer = response.json()
            except ValueError:
                answer = None
            if not (
                isinstance(answer, dict) and answer.get("error_code") and answer.get("message")
            ):
                self.problems.append(
                    f"{op.method} {op.path} {what} -> {response.status_code}: not an MLflow "
                    f"error body: {response.text[:200]}"
                )

    def baseline(self, op: Operation, names: list[str]) -> dict:
        values = {name: self.fixtures.baseline(name) for name in names if name in op.required}
        return {name: value for name, value in values.items() if value is not None}

    def probe(self, op: Operation) -> None:
        if op.query:
            base = self.baseline(op, op.query)
            for name in op.query:
                for value in values_for(name, in_query=True):
                    query = _encode({**base, name: value})
                    if len(query) > MAX_QUERY_LENGTH:
                        continue  # tornado closes the connection: no answer at all
                    self.send(op, f"?{name}={_short(value)}", query=query)
                for raw in RAW_QUERY_VALUES:
                    self.send(op, f"?{name}={raw}", query=f"{_encode(base)}&{name}={raw}")
        if op.method != "GET":
            base = self.baseline(op, op.body)
            for name in op.body:
                for value in values_for(name, in_query=False):
                    self.send(op, f"{name}={_short(value)}", body=_dump({**base, name: value}))
            for body in BODIES:
                self.send(op, f"body {body[:30]!r}", body=body)


def _encode(args: dict) -> str:
    """A query string; lists become repeated arguments."""
    pairs = []
    for name, value in args.items():
        for item in value if isinstance(value, list) else [value]:
            text = item if isinstance(item, str) else json.dumps(item)
            pairs.append(f"{quote(name)}={quote(text, safe='', errors='surrogatepass')}")
    return "&".join(pairs)


def _short(value) -> str:
    text = value.text if isinstance(value, Raw) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("bad-requests")) as server:
        yield server


@pytest.fixture(scope="module")
def fixtures(server) -> Fixtures:
    def api(method, path, **body):
        response = server.api(method, f"tracker/api/{path}", json=body)
        assert response.status_code < 300, response.text
        return response.json()

    experiment_id = api("POST", "experiments", name="probe")["experiment"]["experiment_id"]
    run_id = api("POST", "runs", experiment_id=experiment_id)["run"]["info"]["run_id"]
    api("POST", f"runs/{run_id}/batch", metrics=[{"key": "m", "value": 1, "timestamp": 1}])
    model_id = api("POST", "logged-models", experiment_id=experiment_id, name="probe")["model"][
        "model_id"
    ]
    api("POST", "registered-models", name="probe-model")
    api("POST", "model-versions", name="probe-model", source=f"runs:/{run_id}/model", run_id=run_id)
    api("PUT", "registered-models/aliases", name="probe-model", alias="probe_alias", version="1")
    return Fixtures(experiment_id, run_id, model_id, "probe-model")


@pytest.mark.parametrize("api", ["native", "mlflow"])
def test_hostile_values_in_every_field_get_4xx(server, fixtures, api):
    spec = openapi_document() if api == "native" else mlflow_openapi(server.tracker_url)
    prober = Prober(server, fixtures)
    ops = list(operations(spec))
    assert len(ops) >= 40
    for op in ops:
        prober.probe(op)
    assert not prober.problems, f"{len(prober.problems)} bad answers:\n" + "\n".join(
        prober.problems[:40]
    )
