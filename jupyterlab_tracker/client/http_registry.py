"""Logged models and the model registry over the native REST API (HTTP mode).

A ``contracts.RegistryBackend``, as ``service.registry.ModelRegistryService`` is, so
``TrackerClient`` does not care which one it has. Names travel in query strings and
bodies (they may contain '/'); see ``server/registry_api.py``.
"""

from __future__ import annotations

from ..contracts import RegistryBackend
from ..domain.limits import (
    LOGGED_MODEL_RESULTS_DEFAULT,
    REGISTERED_MODEL_RESULTS_DEFAULT,
    SEARCH_RESULTS_DEFAULT,
)
from ..entities import LoggedModel, ModelVersion, Page, RegisteredModel
from .http import HttpBackend, JsonObject, _segment


class HttpRegistryBackend(RegistryBackend):
    def __init__(self, http_backend: HttpBackend):
        self.http = http_backend

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: JsonObject | None = None,
        json: JsonObject | None = None,
    ) -> JsonObject:
        return self.http.request(method, f"api/{path}", params=params, json=json)

    # -- logged models -----------------------------------------------------------------
    def create_logged_model(
        self,
        experiment_id: str,
        name: str,
        source_run_id: str | None = None,
        model_type: str = "",
        tags: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
    ) -> LoggedModel:
        body = {
            "experiment_id": experiment_id,
            "name": name,
            "source_run_id": source_run_id,
            "model_type": model_type,
            "tags": tags or {},
            "params": params or {},
        }
        return LoggedModel.from_dict(self._call("POST", "logged-models", json=body)["model"])

    def get_logged_model(self, model_id: str) -> LoggedModel:
        answer = self._call("GET", f"logged-models/{_segment(model_id)}")
        return LoggedModel.from_dict(answer["model"])

    def finalize_logged_model(self, model_id: str, status: str) -> LoggedModel:
        return self._patch_logged_model(model_id, {"status": status})

    def set_logged_model_tags(self, model_id: str, tags: dict[str, str]) -> None:
        self._patch_logged_model(model_id, {"tags": tags})

    def _patch_logged_model(self, model_id: str, body: JsonObject) -> LoggedModel:
        answer = self._call("PATCH", f"logged-models/{_segment(model_id)}", json=body)
        return LoggedModel.from_dict(answer["model"])

    def delete_logged_model(self, model_id: str) -> None:
        self._call("DELETE", f"logged-models/{_segment(model_id)}")

    def search_logged_models(
        self,
        experiment_ids: list[str] | None = None,
        name: str | None = None,
        source_run_id: str | None = None,
        max_results: int = LOGGED_MODEL_RESULTS_DEFAULT,
        page_token: str | None = None,
    ) -> Page[LoggedModel]:
        params = {
            "experiment_ids": experiment_ids or [],
            "name": name,
            "source_run_id": source_run_id,
            "max_results": max_results,
            "page_token": page_token,
        }
        answer = self._call("GET", "logged-models", params=params)
        return Page(
            [LoggedModel.from_dict(m) for m in answer["models"]], answer.get("next_page_token")
        )

    # -- registered models -------------------------------------------------------------
    def create_registered_model(
        self, name: str, description: str = "", tags: dict[str, str] | None = None
    ) -> RegisteredModel:
        body = {"name": name, "description": description, "tags": tags or {}}
        return _registered(self._call("POST", "registered-models", json=body))

    def get_registered_model(self, name: str) -> RegisteredModel:
        return _registered(self._call("GET", "registered-models/by-name", params={"name": name}))

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        body = {"name": name, "new_name": new_name}
        return _registered(self._call("PATCH", "registered-models/by-name", json=body))

    def update_registered_model(self, name: str, description: str) -> RegisteredModel:
        body = {"name": name, "description": description}
        return _registered(self._call("PATCH", "registered-models/by-name", json=body))

    def delete_registered_model(self, name: str) -> None:
        self._call("DELETE", "registered-models/by-name", params={"name": name})

    def set_registered_model_tag(self, name: str, key: str, value: str) -> None:
        body = {"name": name, "key": key, "value": value}
        self._call("PUT", "registered-models/tags", json=body)

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        self._call("DELETE", "registered-models/tags", params={"name": name, "key": key})

    def search_registered_models(
        self,
        filter_string: str = "",
        max_results: int = REGISTERED_MODEL_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[RegisteredModel]:
        answer = self._call(
            "GET",
            "registered-models",
            params=_search_params(filter_string, max_results, order_by, page_token),
        )
        return Page(
            [RegisteredModel.from_dict(m) for m in answer["registered_models"]],
            answer.get("next_page_token"),
        )

    # -- versions ----------------------------------------------------------------------
    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        model_id: str | None = None,
        description: str = "",
        tags: dict[str, str] | None = None,
    ) -> ModelVersion:
        body = {
            "name": name,
            "source": source,
            "run_id": run_id,
            "model_id": model_id,
            "description": description,
            "tags": tags or {},
        }
        return _version(self._call("POST", "model-versions", json=body))

    def get_model_version(self, name: str, version: str) -> ModelVersion:
        params = {"name": name, "version": str(version)}
        return _version(self._call("GET", "model-versions/by-name", params=params))

    def update_model_version(self, name: str, version: str, description: str) -> ModelVersion:
        body = {"name": name, "version": str(version), "description": description}
        return _version(self._call("PATCH", "model-versions/by-name", json=body))

    def delete_model_version(self, name: str, version: str) -> None:
        params = {"name": name, "version": str(version)}
        self._call("DELETE", "model-versions/by-name", params=params)

    def transition_model_version_stage(
        self, name: str, version: str, stage: str, archive_existing_versions: bool = False
    ) -> ModelVersion:
        body = {
            "name": name,
            "version": str(version),
            "stage": stage,
            "archive_existing_versions": archive_existing_versions,
        }
        return _version(self._call("POST", "model-versions/stage", json=body))

    def set_model_version_tag(self, name: str, version: str, key: str, value: str) -> None:
        body = {"name": name, "version": str(version), "key": key, "value": value}
        self._call("PUT", "model-versions/tags", json=body)

    def delete_model_version_tag(self, name: str, version: str, key: str) -> None:
        params = {"name": name, "version": str(version), "key": key}
        self._call("DELETE", "model-versions/tags", params=params)

    def search_model_versions(
        self,
        filter_string: str = "",
        max_results: int = SEARCH_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[ModelVersion]:
        answer = self._call(
            "GET",
            "model-versions",
            params=_search_params(filter_string, max_results, order_by, page_token),
        )
        return Page(
            [ModelVersion.from_dict(v) for v in answer["model_versions"]],
            answer.get("next_page_token"),
        )

    def get_latest_versions(self, name: str, stages: list[str] | None = None) -> list[ModelVersion]:
        params = {"name": name, "stages": stages or []}
        answer = self._call("GET", "registered-models/latest-versions", params=params)
        return [ModelVersion.from_dict(v) for v in answer["model_versions"]]

    def get_model_version_download_uri(self, name: str, version: str) -> str:
        params = {"name": name, "version": str(version)}
        return self._call("GET", "model-versions/download-uri", params=params)["artifact_uri"]

    # -- aliases -----------------------------------------------------------------------
    def set_registered_model_alias(self, name: str, alias: str, version: str) -> None:
        body = {"name": name, "alias": alias, "version": str(version)}
        self._call("PUT", "registered-models/aliases", json=body)

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        self._call("DELETE", "registered-models/aliases", params={"name": name, "alias": alias})

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        params = {"name": name, "alias": alias}
        return _version(self._call("GET", "registered-models/aliases", params=params))


def _registered(answer: JsonObject) -> RegisteredModel:
    return RegisteredModel.from_dict(answer["registered_model"])


def _version(answer: JsonObject) -> ModelVersion:
    return ModelVersion.from_dict(answer["model_version"])


def _search_params(
    filter_string: str, max_results: int, order_by: list[str] | None, page_token: str | None
) -> JsonObject:
    return {
        "filter": filter_string,
        "max_results": max_results,
        "order_by": order_by or [],
        "page_token": page_token,
    }
