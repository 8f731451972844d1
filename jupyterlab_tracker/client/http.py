"""The HTTP backend: a ``contracts.TrackingBackend`` over the server's native REST API.

It knows URLs and JSON, nothing about SQL: importing it loads ``requests`` and the
entities only. One ``requests.Session`` keeps connections alive; connection errors and
408/429/5xx answers are retried with bounded exponential backoff, any other 4xx is final
(``retry.py``); error bodies ``{"error_code", "message"}`` become ``TrackerError`` again,
carrying the answer's HTTP status.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import requests

from ..contracts import TrackingBackend
from ..domain.limits import SEARCH_RESULTS_DEFAULT
from ..entities import (
    ACTIVE_ONLY,
    DatasetInput,
    Experiment,
    Metric,
    Page,
    Param,
    Run,
    RunInfo,
    RunTag,
)
from ..errors import (
    BAD_REQUEST,
    ENDPOINT_NOT_FOUND,
    INTERNAL_ERROR,
    PERMISSION_DENIED,
    RESOURCE_DOES_NOT_EXIST,
    TEMPORARILY_UNAVAILABLE,
    TrackerError,
)
from .retry import RETRIED_STATUSES, RetryPolicy, is_final_status

# The error code of an answer without an error body (a proxy's, say), by its status.
_CODE_OF_BARE_STATUS = {401: PERMISSION_DENIED, 403: PERMISSION_DENIED, 404: ENDPOINT_NOT_FOUND}

# A JSON object as the API sends and answers it (values of any JSON type).
JsonObject = dict[str, Any]

# (connect, read) seconds. Reads are generous: a large search can take a while.
DEFAULT_TIMEOUT = (10.0, 120.0)


class HttpBackend(TrackingBackend):
    """Talks to ``<server>/<base_url>tracker``; see ``server/openapi.json`` for the routes."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        retry: RetryPolicy | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    ):
        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy.from_env()
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "jupyterlab-tracker-client"
        if token:
            self.session.headers["Authorization"] = f"token {token}"

    def close(self) -> None:
        self.session.close()

    # -- transport ---------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: JsonObject | None = None,
        json: JsonObject | None = None,
        attempts: int | None = None,
    ) -> JsonObject:
        """One API call, tried up to ``attempts`` times (default: the retry policy's) on
        transient failures; returns the JSON answer."""
        url = f"{self.base_url}/{path}"
        attempts = attempts or self.retry.max_attempts
        for attempt in range(attempts):
            last_try = attempt == attempts - 1
            try:
                response = self.session.request(
                    method, url, params=params, json=json, timeout=self.timeout
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                if last_try:
                    raise TrackerError(
                        f"Cannot reach the tracker at {self.base_url} "
                        f"after {attempts} attempts: {exc}",
                        TEMPORARILY_UNAVAILABLE,
                    ) from exc
                time.sleep(self.retry.delay(attempt))
                continue
            if response.status_code in RETRIED_STATUSES and not last_try:
                time.sleep(self._retry_after(response) or self.retry.delay(attempt))
                continue
            return self._answer(response)
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def _retry_after(self, response: requests.Response) -> float | None:
        """The server's Retry-After (seconds) when it gives one, capped by the policy."""
        value = response.headers.get("Retry-After", "")
        return min(float(value), self.retry.max_delay) if value.isdigit() else None

    @staticmethod
    def _answer(response: requests.Response) -> JsonObject:
        try:
            body = response.json() if response.content else {}
        except ValueError:
            body = None
        status = response.status_code
        if response.ok and isinstance(body, dict):
            return body
        if isinstance(body, dict) and "error_code" in body:
            raise TrackerError(body.get("message", ""), body["error_code"], http_status=status)
        if is_final_status(status):
            code = _CODE_OF_BARE_STATUS.get(status, BAD_REQUEST)
        else:
            code = TEMPORARILY_UNAVAILABLE if status in RETRIED_STATUSES else INTERNAL_ERROR
        raise TrackerError(
            f"HTTP {status} from {response.request.method} {response.url}: {response.text[:200]}",
            code,
            http_status=status,
        )

    # -- experiments -------------------------------------------------------------------
    def create_experiment(
        self, name: str, artifact_location: str | None = None, tags: dict[str, str] | None = None
    ) -> str:
        body = {"name": name, "artifact_location": artifact_location, "tags": tags or {}}
        answer = self.request("POST", "api/experiments", json=body)
        return answer["experiment"]["experiment_id"]

    def get_experiment(self, experiment_id: str) -> Experiment:
        answer = self.request("GET", f"api/experiments/{_segment(experiment_id)}")
        return Experiment.from_dict(answer["experiment"])

    def get_experiment_by_name(self, name: str) -> Experiment | None:
        try:
            answer = self.request("GET", "api/experiments/by-name", params={"name": name})
        except TrackerError as exc:
            if exc.error_code == RESOURCE_DOES_NOT_EXIST:
                return None
            raise
        return Experiment.from_dict(answer["experiment"])

    def search_experiments(
        self,
        view_type: str = ACTIVE_ONLY,
        max_results: int = SEARCH_RESULTS_DEFAULT,
        filter_string: str = "",
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[Experiment]:
        params = {
            "view_type": view_type,
            "max_results": max_results,
            "filter": filter_string,
            "order_by": order_by or [],
            "page_token": page_token,
        }
        answer = self.request("GET", "api/experiments", params=params)
        return Page(
            [Experiment.from_dict(e) for e in answer["experiments"]], answer.get("next_page_token")
        )

    def rename_experiment(self, experiment_id: str, new_name: str) -> None:
        self.request("PATCH", f"api/experiments/{_segment(experiment_id)}", json={"name": new_name})

    def delete_experiment(self, experiment_id: str) -> None:
        self.request("DELETE", f"api/experiments/{_segment(experiment_id)}")

    def restore_experiment(self, experiment_id: str) -> None:
        self.request("POST", f"api/experiments/{_segment(experiment_id)}/restore")

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        path = f"api/experiments/{_segment(experiment_id)}/tags"
        self.request("PUT", path, json={"key": key, "value": value})

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        path = f"api/experiments/{_segment(experiment_id)}/tags"
        self.request("DELETE", path, params={"key": key})

    # -- runs --------------------------------------------------------------------------
    def create_run(
        self,
        experiment_id: str,
        user_id: str = "",
        start_time: int | None = None,
        tags: dict[str, str] | None = None,
        run_name: str | None = None,
        heartbeat: bool = False,
    ) -> Run:
        body = {
            "experiment_id": experiment_id,
            "user_id": user_id,
            "start_time": start_time,
            "tags": tags or {},
            "run_name": run_name,
            "heartbeat": heartbeat,
        }
        return Run.from_dict(self.request("POST", "api/runs", json=body)["run"])

    def get_run(self, run_id: str) -> Run:
        return Run.from_dict(self.request("GET", f"api/runs/{_segment(run_id)}")["run"])

    def update_run_info(
        self,
        run_id: str,
        status: str | None = None,
        end_time: int | None = None,
        run_name: str | None = None,
    ) -> RunInfo:
        body = {"status": status, "end_time": end_time, "run_name": run_name}
        answer = self.request("PATCH", f"api/runs/{_segment(run_id)}", json=body)
        return RunInfo.from_dict(answer["run_info"])

    def delete_run(self, run_id: str) -> None:
        self.request("DELETE", f"api/runs/{_segment(run_id)}")

    def restore_run(self, run_id: str) -> None:
        self.request("POST", f"api/runs/{_segment(run_id)}/restore")

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[Metric] = (),
        params: Sequence[Param] = (),
        tags: Sequence[RunTag] = (),
        batch_id: str | None = None,
    ) -> None:
        body = {
            "metrics": [m.to_dict() for m in metrics],
            "params": [p.to_dict() for p in params],
            "tags": [t.to_dict() for t in tags],
            "batch_id": batch_id,
        }
        self.request("POST", f"api/runs/{_segment(run_id)}/batch", json=body)

    def delete_tag(self, run_id: str, key: str) -> None:
        self.request("DELETE", f"api/runs/{_segment(run_id)}/tags", params={"key": key})

    def heartbeat(self, run_ids: list[str]) -> list[str]:
        # One try: the next heartbeat is only seconds away.
        body = {"run_ids": list(run_ids)}
        return self.request("POST", "api/runs/heartbeat", json=body, attempts=1)["stopped_run_ids"]

    def log_inputs(self, run_id: str, datasets: list[DatasetInput]) -> None:
        body = {"datasets": [d.to_dict() for d in datasets]}
        self.request("POST", f"api/runs/{_segment(run_id)}/inputs", json=body)

    def get_metric_history(
        self, run_id: str, key: str, max_results: int | None = None, page_token: str | None = None
    ) -> Page[Metric]:
        params = {"key": key, "max_results": max_results, "page_token": page_token}
        answer = self.request("GET", f"api/runs/{_segment(run_id)}/metrics/history", params=params)
        return Page([Metric.from_dict(m) for m in answer["metrics"]], answer.get("next_page_token"))

    def sample_metric_history(self, run_id: str, key: str, max_points: int) -> list[Metric]:
        params = {"key": key, "max_points": max_points}
        answer = self.request("GET", f"api/runs/{_segment(run_id)}/metrics/history", params=params)
        return [Metric.from_dict(m) for m in answer["metrics"]]

    def search_runs(
        self,
        experiment_ids: list[str],
        filter_string: str = "",
        run_view_type: str = ACTIVE_ONLY,
        max_results: int = SEARCH_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[Run]:
        body = {
            "experiment_ids": list(experiment_ids),
            "filter": filter_string,
            "run_view_type": run_view_type,
            "max_results": max_results,
            "order_by": order_by or [],
            "page_token": page_token,
        }
        answer = self.request("POST", "api/runs/search", json=body)
        return Page([Run.from_dict(r) for r in answer["runs"]], answer.get("next_page_token"))

    def list_run_keys(self, experiment_ids: list[str]) -> dict[str, list[str]]:
        answer = self.request("GET", "api/runs/keys", params={"experiment_ids": experiment_ids})
        return {kind: answer.get(kind, []) for kind in ("metrics", "params", "tags")}


def _segment(value: str) -> str:
    """An id as one URL path segment (a malformed id then gets a clean 404, not another route)."""
    return quote(str(value), safe="")
