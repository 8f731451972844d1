"""Schemathesis against both APIs' descriptions, on a live server with the token.

The native API is described by ``server/openapi.json``; the MLflow routes by MLflow's own
protos (``mlflow_openapi``, built at test time for the routes we serve). Every operation
gets a bounded number of generated requests, valid and invalid (``TRACKER_FUZZ_EXAMPLES``
each, default 12: about 1300 requests per API, well under a minute each). No answer may be
a 5xx, and every 4xx must be ``{"error_code", "message"}`` JSON.
"""

from __future__ import annotations

import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from mlflow_openapi import mlflow_openapi
from reliability_figures import FIGURES
from schemathesis import GenerationMode

from jupyterlab_tracker.testing import LiveServer

EXAMPLES = int(os.environ.get("TRACKER_FUZZ_EXAMPLES", 12))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("fuzz")) as server:
        yield server


def check_answer(case, response: requests.Response, problems: list[str]) -> None:
    FIGURES["requests_fuzzed"] += 1
    where = f"{case.method} {case.formatted_path} -> {response.status_code}"
    if response.status_code >= 500:
        FIGURES["responses_5xx"] += 1
        problems.append(f"{where}: {response.text[:300]}\n{case.as_curl_command()}")
    elif response.status_code >= 400:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not (isinstance(body, dict) and body.get("error_code") and "message" in body):
            problems.append(
                f"{where}: error body is not JSON error_code/message: {response.text[:200]}"
            )


@pytest.mark.parametrize("api", ["native", "mlflow"])
def test_every_operation_survives_generated_requests(server, api):
    if api == "native":
        spec = server.api("GET", "tracker/api/openapi.json").json()
    else:
        spec = mlflow_openapi(server.tracker_url)
    schema = schemathesis.openapi.from_dict(spec)
    session = requests.Session()
    session.headers["Authorization"] = f"token {server.token}"
    problems: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,  # the same requests on every run: failures reproduce
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def fuzz(case):
                response = case.call(base_url=server.tracker_url, session=session, timeout=30)
                check_answer(case, response, problems)

            fuzz()
    assert not problems, "\n\n".join(problems[:10])
