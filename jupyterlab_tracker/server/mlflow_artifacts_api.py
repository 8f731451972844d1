"""MLflow's artifact routes: its proxy (``<base_url>tracker/api/2.0/mlflow-artifacts/...``)
and the file routes of its web UI that scripts call too (``get-artifact``,
``model-versions/get-artifact``, ``ajax-api/2.0/mlflow/upload-artifact``).

The official client resolves ``mlflow-artifacts:/<path>`` to these URLs. ``<path>`` is
relative to the tracker's artifact root, where ``mlflow-artifacts:/<exp>/<run>/artifacts``
is the run's stored location (see ``artifacts/mlflow_uris.py``). Uploads and downloads
stream exactly as in the native API (the handlers are shared); every path goes through
the repository's one path-safety check. Lists and downloads read anywhere under the root;
uploads and deletes go to the run or logged model whose artifacts hold the path
(``ArtifactService.proxy_target``), so they meet the native API's checks. The web UI's
routes name a run or a model version and a path inside its files; downloads leave with
the headers of every stored file (``set_stored_file_headers``).
"""

from __future__ import annotations

import posixpath

from tornado.web import authenticated

from ..errors import invalid
from ..service.artifacts import RUN_OWNER
from . import mlflow_shapes as shapes
from .artifacts_api import ArtifactContentHandler, StoredFileHandler, StreamedUploadHandler
from .handlers import TrackerHandler
from .mlflow_api import MLFLOW_STATUS
from .request_parsing import optional_str, query_args, required_id, required_str


class ArtifactProxyListHandler(TrackerHandler):
    """``GET artifacts?path=<dir>``: the directory's entries, by basename as MLflow does."""

    status_for_code = MLFLOW_STATUS

    @authenticated
    async def get(self):
        path = optional_str(query_args(self), "path")
        files = await self.run_blocking(self.tracker.artifacts.proxy_list, path)
        entries = [{**f.to_dict(), "path": posixpath.basename(f.path)} for f in files]
        self.write_json({"files": [{k: v for k, v in e.items() if v is not None} for e in entries]})


class ArtifactProxyContentHandler(ArtifactContentHandler):
    """``PUT`` (streamed upload), ``GET`` (streamed download) and ``DELETE`` of one path."""

    status_for_code = MLFLOW_STATUS

    async def repository(self):
        return self.tracker.artifacts.proxy_repository()

    def artifact_path(self) -> str:
        return self.path_kwargs["artifact_path"]

    async def write_target(self):
        """Uploads and deletes stay inside one run's or logged model's artifacts."""
        return await self.run_blocking(
            self.tracker.artifacts.proxy_target, self.path_kwargs["artifact_path"]
        )

    @authenticated
    async def delete(self, artifact_path: str):
        repository, path = await self.write_target()
        await self.run_blocking(repository.delete, path)
        self.write_json({})


class RunArtifactFileHandler(StoredFileHandler):
    """``GET get-artifact?run_id=<id>&path=<file>`` (or ``run_uuid``): one file of a run."""

    status_for_code = MLFLOW_STATUS

    @authenticated
    async def get(self):
        args = query_args(self)
        run_id, path = shapes.run_id(args), required_str(args, "path")
        artifacts = self.tracker.artifacts
        repository = await self.run_blocking(artifacts.repository, RUN_OWNER, run_id)
        await self.send_stored_file(repository, path)


class ModelVersionArtifactFileHandler(StoredFileHandler):
    """``GET model-versions/get-artifact?name=&version=&path=``: one file of a version."""

    status_for_code = MLFLOW_STATUS

    @authenticated
    async def get(self):
        args = query_args(self)
        name, version = required_str(args, "name"), required_id(args, "version")
        path = required_str(args, "path")
        artifacts = self.tracker.artifacts
        repository = await self.run_blocking(artifacts.model_version_repository, name, version)
        await self.send_stored_file(repository, path)


class UploadArtifactHandler(StreamedUploadHandler):
    """``POST ajax-api/2.0/mlflow/upload-artifact?run_uuid=<id>&path=<file>``, the file as
    the raw body (streamed, under the artifact upload limit): MLflow's words for what is
    missing."""

    status_for_code = MLFLOW_STATUS
    upload_method = "POST"

    async def write_target(self):
        args = query_args(self)
        if not args.get("run_uuid"):
            raise invalid("Request must specify run_uuid.")
        if not args.get("path"):
            raise invalid("Request must specify path.")
        repository = await self.run_blocking(
            self.tracker.artifacts.repository, RUN_OWNER, args["run_uuid"], writing=True
        )
        return repository, args["path"]

    @authenticated
    async def post(self):
        await self.finish_upload(empty_body_error="Request must specify data.")
