"""An OpenAPI description of the MLflow routes we serve, built from MLflow's own protos.

The installed ``mlflow`` ships the descriptors of its REST API (``service_pb2``,
``model_registry_pb2``): each rpc names its HTTP method and path, and its request message
names every field with its proto type. Building the description from them at test time
keeps the fuzzed fields exactly MLflow's (no hand-copied spec that could drift from the
client we claim to serve), and only for the routes in ``server/routes.py``: a route whose
(method, path) MLflow does not define fails the build, so a new route cannot go unfuzzed.
The few routes MLflow's server defines without a proto (its web UI's file routes and
``get-history-bulk``, in ``mlflow/server/__init__.py``) are described by hand in
``WEB_UI_OPERATIONS``, from the arguments MLflow's handlers read. A route served under
both API prefixes (``api`` and ``ajax-api``, one handler) is described once, as ``api``.

Proto3 JSON, as MLflow's client speaks it: GET fields travel in the query string (repeated
fields as repeated arguments), every other verb sends a JSON object; int64 is a JSON number
(or a decimal string), enums are their names, nested messages are objects.
"""

from __future__ import annotations

import re

from google.protobuf.descriptor import FieldDescriptor
from mlflow.protos import databricks_pb2, model_registry_pb2, service_pb2

from jupyterlab_tracker.server.mlflow_api import MlflowHandler
from jupyterlab_tracker.server.routes import MLFLOW_ROUTES
from jupyterlab_tracker.service.registry import MODEL_ID_PATTERN

_PREFIX = re.compile(r"(ajax-)?api/2\.0(?=/mlflow/)")

_INTEGER_TYPES = {
    FieldDescriptor.TYPE_INT32: "int32",
    FieldDescriptor.TYPE_INT64: "int64",
    FieldDescriptor.TYPE_UINT32: "int32",
    FieldDescriptor.TYPE_UINT64: "int64",
    FieldDescriptor.TYPE_SINT32: "int32",
    FieldDescriptor.TYPE_SINT64: "int64",
    FieldDescriptor.TYPE_FIXED32: "int32",
    FieldDescriptor.TYPE_FIXED64: "int64",
    FieldDescriptor.TYPE_SFIXED32: "int32",
    FieldDescriptor.TYPE_SFIXED64: "int64",
}
_MAX_MESSAGE_DEPTH = 4  # nested messages deeper than this are left as free-form objects
_VERBS = ("get", "post", "put", "patch", "delete")


def _proto_endpoints() -> dict[tuple[str, str], object]:
    """``(METHOD, "/mlflow/...")`` -> the request message descriptor, for API 2.0 rpcs."""
    endpoints = {}
    for module in (service_pb2, model_registry_pb2):
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                rpc = method.GetOptions().Extensions[databricks_pb2.rpc]
                for endpoint in rpc.endpoints:
                    if endpoint.since.major == 2:
                        path = "/" + endpoint.path.lstrip("/")
                        endpoints[(endpoint.method, path)] = method.input_type
    return endpoints


def _field_schema(field, depth: int) -> dict:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        item = _message_schema(field.message_type, depth + 1)
    elif field.type == FieldDescriptor.TYPE_ENUM:
        item = {"type": "string", "enum": [v.name for v in field.enum_type.values]}
    elif field.type in _INTEGER_TYPES:
        item = {"type": "integer", "format": _INTEGER_TYPES[field.type]}
    elif field.type in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        item = {"type": "number"}
    elif field.type == FieldDescriptor.TYPE_BOOL:
        item = {"type": "boolean"}
    else:  # string, bytes
        item = {"type": "string"}
    return {"type": "array", "items": item} if field.is_repeated else item


def _required(field) -> bool:
    return bool(field.GetOptions().Extensions[databricks_pb2.validate_required])


def _message_schema(message, depth: int = 0, exclude: frozenset = frozenset()) -> dict:
    if depth > _MAX_MESSAGE_DEPTH:
        return {"type": "object"}
    fields = [f for f in message.fields if f.name not in exclude]
    schema = {
        "type": "object",
        "properties": {f.name: _field_schema(f, depth) for f in fields},
    }
    required = [f.name for f in fields if _required(f)]
    if required:
        schema["required"] = required
    return schema


def _query_parameters(message, exclude: frozenset) -> list[dict]:
    """GET fields: scalars and repeated scalars (MLflow's GET requests have no messages)."""
    parameters = []
    for field in message.fields:
        if field.name in exclude or field.type == FieldDescriptor.TYPE_MESSAGE:
            continue
        parameter = {
            "name": field.name,
            "in": "query",
            "required": _required(field),
            "schema": _field_schema(field, 0),
        }
        if field.is_repeated:
            parameter.update(style="form", explode=True)
        parameters.append(parameter)
    return parameters


_PATH_GROUP = re.compile(r"\(\?P<(\w+)>([^)]*)\)")
# The form the service accepts, where the route's regex is looser on purpose (a bad id gets
# a 400 that says so, not a 404): negative cases break it.
_PATH_PATTERNS = {"model_id": MODEL_ID_PATTERN.pattern}


def _openapi_path(route: str) -> tuple[str, dict[str, str]]:
    """``api/2.0/mlflow/x/(?P<model_id>[^/]+)`` -> ``api/2.0/mlflow/x/{model_id}``, and the
    pattern of each path parameter."""
    patterns = {
        name: f"^{_PATH_PATTERNS.get(name, regex)}$" for name, regex in _PATH_GROUP.findall(route)
    }
    return _PATH_GROUP.sub(r"{\1}", route), patterns


def _path_parameters(path_patterns: dict[str, str]) -> list[dict]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": pattern},
        }
        for name, pattern in path_patterns.items()
    ]


def _operation(method: str, message, path_patterns: dict[str, str]) -> dict:
    exclude = frozenset(path_patterns)
    parameters = _path_parameters(path_patterns)
    operation = {
        "operationId": f"{method.lower()}_{message.name}",
        "responses": {"default": {"description": "any answer but a 5xx"}},
    }
    if method == "GET":
        parameters += _query_parameters(message, exclude)
    else:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _message_schema(message, 0, exclude)}},
        }
    if parameters:
        operation["parameters"] = parameters
    return operation


def _query(name: str, schema: dict, required: bool = False) -> dict:
    parameter = {"name": name, "in": "query", "required": required, "schema": schema}
    if schema.get("type") == "array":
        parameter.update(style="form", explode=True)
    return parameter


_STRING = {"type": "string"}
_ANY_ANSWER = {"default": {"description": "any answer but a 5xx"}}
# (METHOD, route) -> operation, for the routes MLflow's protos do not describe.
# Routes with no input at all: nothing to generate (tests/server/mlflow_exact compares them).
_FIXED_ANSWERS = {f"{p}/3.0/mlflow/server-info" for p in ("api", "ajax-api")} | {
    "health",
    "version",
}

WEB_UI_OPERATIONS = {
    ("GET", "ajax-api/2.0/mlflow/metrics/get-history-bulk"): {
        "operationId": "get_history_bulk",
        "parameters": [
            _query("run_id", {"type": "array", "items": _STRING}),
            _query("metric_key", _STRING),
            _query("max_results", {"type": "integer", "format": "int64"}),
        ],
    },
    ("POST", "ajax-api/2.0/mlflow/upload-artifact"): {
        "operationId": "upload_artifact",
        "parameters": [_query("run_uuid", _STRING), _query("path", _STRING)],
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        },
    },
    ("GET", "get-artifact"): {
        "operationId": "get_artifact",
        "parameters": [
            _query("run_id", _STRING),
            _query("run_uuid", _STRING),
            _query("path", _STRING, required=True),
        ],
    },
    ("GET", "ajax-api/2.0/mlflow/logged-models/(?P<model_id>[^/]+)/artifacts/files"): {
        "operationId": "get_logged_model_artifact_file",
        "parameters": [_query("artifact_file_path", _STRING)],
    },
    ("GET", "model-versions/get-artifact"): {
        "operationId": "get_model_version_artifact",
        "parameters": [
            _query("name", _STRING, required=True),
            _query("version", _STRING, required=True),
            _query("path", _STRING, required=True),
        ],
    },
}


def mlflow_openapi(base_url: str) -> dict:
    """The OpenAPI 3.0 document of every MLflow REST route in ``MLFLOW_ROUTES``.

    ``base_url`` is the tracker's URL (``.../tracker``). The artifact proxy's routes are
    streamed file transfers, not proto messages, and are left to their own tests, as are
    ``api/3.0/mlflow/server-info``, ``health`` and ``version`` (fixed answers, no fields).
    """
    endpoints = _proto_endpoints()
    served = {route for route, _ in MLFLOW_ROUTES}
    paths: dict[str, dict] = {}
    for route, handler in MLFLOW_ROUTES:
        if route.startswith("ajax-api/") and "api/" + route.removeprefix("ajax-api/") in served:
            continue  # the same handler as the api/ route
        path, path_patterns = _openapi_path(route)
        for verb in _VERBS:
            if verb not in vars(handler):
                continue
            operation = WEB_UI_OPERATIONS.get((verb.upper(), route))
            if operation is not None:
                parameters = _path_parameters(path_patterns) + operation.get("parameters", [])
                operation = {**operation, "parameters": parameters, "responses": _ANY_ANSWER}
            elif not (_PREFIX.match(route) and issubclass(handler, MlflowHandler)):
                if "mlflow-artifacts/" in route or route in _FIXED_ANSWERS:
                    continue
                raise LookupError(f"No description of {verb.upper()} {route}: add one")
            else:
                proto_path = "/" + _PREFIX.sub("", path).lstrip("/")
                message = endpoints.get((verb.upper(), proto_path))
                if message is None:
                    raise LookupError(f"MLflow's protos define no {verb.upper()} {proto_path}")
                operation = _operation(verb.upper(), message, path_patterns)
            paths.setdefault("/" + path, {})[verb] = operation
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "MLflow REST API 2.0 (as served by jupyterlab_tracker)",
            "version": "2.0",
        },
        "servers": [{"url": base_url}],
        "paths": paths,
    }
