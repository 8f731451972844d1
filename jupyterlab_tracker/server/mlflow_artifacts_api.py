"""MLflow's artifact proxy (``<base_url>tracker/api/2.0/mlflow-artifacts/artifacts[/<path>]``).

The official client resolves ``mlflow-artifacts:/<path>`` to these URLs. ``<path>`` is
relative to the tracker's artifact root, where ``mlflow-artifacts:/<exp>/<run>/artifacts``
is the run's stored location (see ``artifacts/mlflow_uris.py``). Uploads and downloads
stream exactly as in the native API (the handlers are shared); every path goes through
the repository's one path-safety check.
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

    @authenticated
    async def delete(self, artifact_path: str):
        await self.run_blocking(root_repository(self).delete, artifact_path)
        self.write_json({})
