"""Logged models and the model registry in the native JSON API.

Registered model names may contain '/', so names (and version numbers) travel in the
query string (GET, DELETE) or the JSON body (POST, PUT, PATCH), never in the URL path:
``registered-models/by-name?name=a/b``, ``model-versions/by-name?name=a/b&version=3``.
Logged model ids (``m-<32 hex>``) are safe in the path.
"""

from __future__ import annotations

from tornado.web import authenticated

from ..domain.limits import (
    LOGGED_MODEL_RESULTS_DEFAULT,
    REGISTERED_MODEL_RESULTS_DEFAULT,
    SEARCH_RESULTS_DEFAULT,
)
from ..service.model_details import ModelDetailsService
from .handlers import TrackerHandler
from .request_parsing import (
    optional_bool,
    optional_int,
    optional_str,
    query_args,
    required_id,
    required_str,
    str_dict,
    str_list,
)


class RegistryHandler(TrackerHandler):
    @property
    def registry(self):
        return self.tracker.registry

    def page_args(self, default_max: int) -> dict:
        """``filter``, ``max_results``, repeated ``order_by`` and ``page_token`` of a search."""
        query = query_args(self)
        return {
            "filter_string": optional_str(query, "filter", ""),
            "max_results": optional_int(query, "max_results", default_max, minimum=1),
            "order_by": self.get_query_arguments("order_by"),
            "page_token": optional_str(query, "page_token"),
        }


def _page(key: str, page) -> dict:
    return {key: [item.to_dict() for item in page.items], "next_page_token": page.next_page_token}


class RegistryTagsHandler(RegistryHandler):
    """PUT {<owner>, key, value} sets a tag, DELETE ?<owner>&key= removes it.

    Subclasses name the two registry methods and read the owner (the object the tag is
    on) from the body or the query.
    """

    set_tag_method: str
    delete_tag_method: str

    @staticmethod
    def owner(fields) -> tuple:
        raise NotImplementedError

    @authenticated
    async def put(self):
        body = await self.json_body()
        await self.run_blocking(
            getattr(self.registry, self.set_tag_method),
            *self.owner(body),
            required_str(body, "key"),
            optional_str(body, "value", ""),
        )
        self.write_json({})

    @authenticated
    async def delete(self):
        query = query_args(self)
        await self.run_blocking(
            getattr(self.registry, self.delete_tag_method),
            *self.owner(query),
            required_str(query, "key"),
        )
        self.write_json({})


# -- logged models ---------------------------------------------------------------------


class LoggedModelsHandler(RegistryHandler):
    @authenticated
    async def get(self):
        query = query_args(self)
        page = await self.run_blocking(
            self.registry.search_logged_models,
            experiment_ids=self.get_query_arguments("experiment_ids") or None,
            name=optional_str(query, "name"),
            source_run_id=optional_str(query, "source_run_id"),
            max_results=optional_int(query, "max_results", LOGGED_MODEL_RESULTS_DEFAULT, minimum=1),
            page_token=optional_str(query, "page_token"),
        )
        self.write_json(_page("models", page))

    @authenticated
    async def post(self):
        body = await self.json_body()
        model = await self.run_blocking(
            self.registry.create_logged_model,
            required_id(body, "experiment_id"),
            required_str(body, "name"),
            source_run_id=optional_str(body, "source_run_id"),
            model_type=optional_str(body, "model_type", ""),
            tags=str_dict(body, "tags"),
            params=str_dict(body, "params"),
        )
        self.write_json({"model": model.to_dict()}, status=201)


class LoggedModelHandler(RegistryHandler):
    @authenticated
    async def get(self, model_id: str):
        model = await self.run_blocking(self.registry.get_logged_model, model_id)
        self.write_json({"model": model.to_dict()})

    @authenticated
    async def patch(self, model_id: str):
        """``{"status": "READY"}`` finalises the model; ``{"tags": {...}}`` sets tags."""
        body = await self.json_body()
        model = await self.run_blocking(
            self.registry.update_logged_model,
            model_id,
            tags=str_dict(body, "tags"),
            status=optional_str(body, "status"),
        )
        self.write_json({"model": model.to_dict()})

    @authenticated
    async def delete(self, model_id: str):
        await self.run_blocking(self.registry.delete_logged_model, model_id)
        self.write_json({})


# -- registered models -----------------------------------------------------------------


class RegisteredModelsHandler(RegistryHandler):
    @authenticated
    async def get(self):
        page = await self.run_blocking(
            self.registry.search_registered_models,
            **self.page_args(REGISTERED_MODEL_RESULTS_DEFAULT),
        )
        self.write_json(_page("registered_models", page))

    @authenticated
    async def post(self):
        body = await self.json_body()
        model = await self.run_blocking(
            self.registry.create_registered_model,
            required_str(body, "name"),
            description=optional_str(body, "description", ""),
            tags=str_dict(body, "tags"),
        )
        self.write_json({"registered_model": model.to_dict()}, status=201)


class RegisteredModelByNameHandler(RegistryHandler):
    @authenticated
    async def get(self):
        name = required_str(query_args(self), "name")
        model = await self.run_blocking(self.registry.get_registered_model, name)
        self.write_json({"registered_model": model.to_dict()})

    @authenticated
    async def patch(self):
        """``{"name", "new_name"?, "description"?}``: rename and/or describe."""
        body = await self.json_body()
        model = await self.run_blocking(
            self.registry.change_registered_model,
            required_str(body, "name"),
            new_name=optional_str(body, "new_name"),
            description=optional_str(body, "description"),
        )
        self.write_json({"registered_model": model.to_dict()})

    @authenticated
    async def delete(self):
        name = required_str(query_args(self), "name")
        await self.run_blocking(self.registry.delete_registered_model, name)
        self.write_json({})


class RegisteredModelTagsHandler(RegistryTagsHandler):
    set_tag_method = "set_registered_model_tag"
    delete_tag_method = "delete_registered_model_tag"

    @staticmethod
    def owner(fields) -> tuple:
        return (required_str(fields, "name"),)


class RegisteredModelAliasesHandler(RegistryHandler):
    @authenticated
    async def get(self):
        query = query_args(self)
        version = await self.run_blocking(
            self.registry.get_model_version_by_alias,
            required_str(query, "name"),
            required_str(query, "alias"),
        )
        self.write_json({"model_version": version.to_dict()})

    @authenticated
    async def put(self):
        body = await self.json_body()
        await self.run_blocking(
            self.registry.set_registered_model_alias,
            required_str(body, "name"),
            required_str(body, "alias"),
            required_id(body, "version"),
        )
        self.write_json({})

    @authenticated
    async def delete(self):
        query = query_args(self)
        await self.run_blocking(
            self.registry.delete_registered_model_alias,
            required_str(query, "name"),
            required_str(query, "alias"),
        )
        self.write_json({})


class LatestVersionsHandler(RegistryHandler):
    @authenticated
    async def get(self):
        versions = await self.run_blocking(
            self.registry.get_latest_versions,
            required_str(query_args(self), "name"),
            str_list(self.get_query_arguments("stages"), "stages"),
        )
        self.write_json({"model_versions": [v.to_dict() for v in versions]})


# -- model versions --------------------------------------------------------------------


class ModelVersionsHandler(RegistryHandler):
    @authenticated
    async def get(self):
        page = await self.run_blocking(
            self.registry.search_model_versions, **self.page_args(SEARCH_RESULTS_DEFAULT)
        )
        self.write_json(_page("model_versions", page))

    @authenticated
    async def post(self):
        """``create_registered_model: true`` makes the registered model too, in the same
        transaction (nothing is left of it if the version is refused)."""
        body = await self.json_body()
        version = await self.run_blocking(
            self.registry.create_model_version,
            required_str(body, "name"),
            required_str(body, "source"),
            run_id=optional_str(body, "run_id"),
            model_id=optional_str(body, "model_id"),
            description=optional_str(body, "description", ""),
            tags=str_dict(body, "tags"),
            new_model=optional_bool(body, "create_registered_model"),
        )
        self.write_json({"model_version": version.to_dict()}, status=201)


class ModelVersionByNameHandler(RegistryHandler):
    @authenticated
    async def get(self):
        query = query_args(self)
        version = await self.run_blocking(
            self.registry.get_model_version,
            required_str(query, "name"),
            required_id(query, "version"),
        )
        self.write_json({"model_version": version.to_dict()})

    @authenticated
    async def patch(self):
        body = await self.json_body()
        version = await self.run_blocking(
            self.registry.update_model_version,
            required_str(body, "name"),
            required_id(body, "version"),
            optional_str(body, "description", ""),
        )
        self.write_json({"model_version": version.to_dict()})

    @authenticated
    async def delete(self):
        query = query_args(self)
        await self.run_blocking(
            self.registry.delete_model_version,
            required_str(query, "name"),
            required_id(query, "version"),
        )
        self.write_json({})


class ModelVersionStageHandler(RegistryHandler):
    @authenticated
    async def post(self):
        body = await self.json_body()
        version = await self.run_blocking(
            self.registry.transition_model_version_stage,
            required_str(body, "name"),
            required_id(body, "version"),
            required_str(body, "stage"),
            archive_existing_versions=optional_bool(body, "archive_existing_versions"),
        )
        self.write_json({"model_version": version.to_dict()})


class ModelVersionTagsHandler(RegistryTagsHandler):
    set_tag_method = "set_model_version_tag"
    delete_tag_method = "delete_model_version_tag"

    @staticmethod
    def owner(fields) -> tuple:
        return required_str(fields, "name"), required_id(fields, "version")


class ModelVersionDownloadUriHandler(RegistryHandler):
    @authenticated
    async def get(self):
        query = query_args(self)
        uri = await self.run_blocking(
            self.registry.get_model_version_download_uri,
            required_str(query, "name"),
            required_id(query, "version"),
        )
        self.write_json({"artifact_uri": uri})


class ModelVersionDetailsHandler(RegistryHandler):
    """``GET model-versions/details?name=&version=``: what the version page shows, in one
    request (the version, its source run, its MLmodel's signature and input example)."""

    @authenticated
    async def get(self):
        query = query_args(self)
        details = ModelDetailsService(self.tracker.artifacts)
        body = await self.run_blocking(
            details.model_version_details,
            required_str(query, "name"),
            required_id(query, "version"),
        )
        self.write_json(body)
