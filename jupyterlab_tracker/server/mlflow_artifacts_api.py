"""MLflow's artifact proxy (``<base_url>tracker/api/2.0/mlflow-artifacts/artifacts[/<path>]``).

The official client resolves ``mlflow-artifacts:/<path>`` to these URLs. ``<path>`` is
relative to the tracker's artifact root, where ``mlflow-artifacts:/<exp>/<run>/artifacts``
is the run's stored location (see ``artifacts/mlflow_uris.py``). Uploads and downloads
stream exactly as in the native API (the handlers are shared); every path goes through
the repository's one path-safety check. Lists and downloads read anywhere under the root;
uploads and deletes go to the run or logged model whose artifacts hold the path
(``ArtifactService.proxy_target``), so they meet the native API's checks.
"""

from __future__ import annotations

import posixpath

from tornado.web import authenticated

from ..artifacts import ArtifactRepository
from .artifacts_api import ArtifactContentHandler
from .handlers import TrackerHandler
from .mlflow_api import MLFLOW_STATUS
from .request_parsing import optional_str, query_args


def root_repository(handler: TrackerHandler) -> ArtifactRepository:
    return ArtifactRepository(handler.tracker.artifact_root)


class ArtifactProxyListHandler(TrackerHandler):
    """``GET artifacts?path=<dir>``: the directory's entries, by basename as MLflow does."""

    status_for_code = MLFLOW_STATUS

    @authenticated
    async def get(self):
        path = optional_str(query_args(self), "path")
        files = await self.run_blocking(root_repository(self).list_artifacts, path)
        entries = [{**f.to_dict(), "path": posixpath.basename(f.path)} for f in files]
        self.write_json({"files": [{k: v for k, v in e.items() if v is not None} for e in entries]})


class ArtifactProxyContentHandler(ArtifactContentHandler):
    """``PUT`` (streamed upload), ``GET`` (streamed download) and ``DELETE`` of one path."""

    status_for_code = MLFLOW_STATUS

    async def repository(self):
        return root_repository(self)

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
