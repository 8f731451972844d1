"""Moving artifact files between this machine and a run's (or logged model's) storage.

Two transports with one interface, ``contracts.ArtifactTransport``: ``EmbeddedArtifacts``
writes straight to the repository (embedded mode), ``HttpArtifacts`` streams through the
server's artifact endpoints (HTTP mode; it imports no store or server code). ``owner`` is
``"runs"`` or ``"logged-models"``; files move in ``CHUNK_SIZE`` pieces, never whole.
"""

from __future__ import annotations

import os
import posixpath
from typing import TYPE_CHECKING

from ..artifacts.paths import normalize_artifact_path, resolve_artifact_path
from ..contracts import ArtifactTransport
from ..entities import FileInfo
from ..errors import invalid
from .progress import file_chunks, track

if TYPE_CHECKING:  # embedded mode only: HTTP mode never imports the service
    from ..service.artifacts import ArtifactService
    from .http import HttpBackend

CHUNK_SIZE = 1024 * 1024
RUN_OWNER = "runs"
MODEL_OWNER = "logged-models"


class FileTransport(ArtifactTransport):
    """What both transports share: directories are walked file by file."""

    def upload_dir(
        self, owner: str, owner_id: str, local_dir: str, artifact_path: str | None = None
    ) -> None:
        for directory, _subdirs, files in os.walk(local_dir):
            relative = os.path.relpath(directory, local_dir).replace(os.sep, "/")
            parts = [p for p in (artifact_path, relative) if p and p != "."]
            for name in sorted(files):
                self.upload_file(owner, owner_id, os.path.join(directory, name), "/".join(parts))

    def download(self, owner: str, owner_id: str, path: str | None, dst_dir: str) -> str:
        """Copy file or directory ``path`` ('' or None: everything) into ``dst_dir``;
        returns the local path of what ``path`` names.

        The names come from the server's listing, which is untrusted: each must lie inside
        the directory listed, and every file lands inside ``dst_dir`` (``..``, absolute
        names and symlinks leading out are refused)."""
        path = normalize_artifact_path((path or "").strip("/"))
        entries = self.list(owner, owner_id, path or None)
        resolve_artifact_path(dst_dir, path, local=True)  # raises if it would leave dst_dir
        target = os.path.join(dst_dir, *path.split("/")) if path else dst_dir
        if path and not entries:  # a file, or nothing (download_file then raises)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            self.download_file(owner, owner_id, path, target)
            return target
        os.makedirs(target, exist_ok=True)
        for entry in entries:
            child = normalize_artifact_path(entry.path)
            if not child or posixpath.dirname(child) != path:
                raise invalid(
                    f"The artifact listing of '{path}' names {entry.path!r}, which is not "
                    "directly inside it: refusing to download it"
                )
            self.download(owner, owner_id, child, dst_dir)
        return target


class EmbeddedArtifacts(FileTransport):
    def __init__(self, artifact_service: ArtifactService):
        self.service = artifact_service

    def list(self, owner: str, owner_id: str, path: str | None = None) -> list[FileInfo]:
        return self.service.repository(owner, owner_id).list_artifacts(path)

    def upload_file(
        self, owner: str, owner_id: str, local_file: str, artifact_path: str | None = None
    ) -> None:
        name = os.path.basename(local_file)
        path = posixpath.join(artifact_path, name) if artifact_path else name
        repository = self.service.repository(owner, owner_id)
        chunks = track(file_chunks(local_file, CHUNK_SIZE), os.path.getsize(local_file), path)
        with repository.open_upload(path) as target:
            for chunk in chunks:
                target.write(chunk)

    def download_file(self, owner: str, owner_id: str, path: str, local_file: str) -> None:
        repository = self.service.repository(owner, owner_id)
        size = repository.file_size(path)
        with open(local_file, "wb") as target:
            for chunk in track(repository.read_chunks(path), size, path):
                target.write(chunk)

    def artifact_uri(self, owner: str, owner_id: str) -> str:
        return self.service.artifact_uri(owner, owner_id)


class HttpArtifacts(FileTransport):
    def __init__(self, http_backend: HttpBackend):
        self.backend = http_backend

    def _path(self, owner: str, owner_id: str, suffix: str = "") -> str:
        from .http import _segment

        return f"api/{owner}/{_segment(owner_id)}/artifacts{suffix}"

    def list(self, owner: str, owner_id: str, path: str | None = None) -> list[FileInfo]:
        answer = self.backend.request("GET", self._path(owner, owner_id), params={"path": path})
        return [FileInfo.from_dict(f) for f in answer["files"]]

    def upload_file(
        self, owner: str, owner_id: str, local_file: str, artifact_path: str | None = None
    ) -> None:
        name = os.path.basename(local_file)
        path = posixpath.join(artifact_path, name) if artifact_path else name
        normalize_artifact_path(path)  # fail before sending anything (the server checks too)
        # A generator body: requests sends it chunked, so the file is never read whole.
        body = track(file_chunks(local_file, CHUNK_SIZE), os.path.getsize(local_file), path)
        response = self.backend.session.put(
            f"{self.backend.base_url}/{self._path(owner, owner_id, '/content')}",
            params={"path": path},
            data=body,
            headers={"Content-Type": "application/octet-stream"},
            timeout=self.backend.timeout,
        )
        self.backend._answer(response)

    def download_file(self, owner: str, owner_id: str, path: str, local_file: str) -> None:
        url = f"{self.backend.base_url}/{self._path(owner, owner_id, '/content')}"
        with self.backend.session.get(
            url, params={"path": path}, stream=True, timeout=self.backend.timeout
        ) as response:
            if not response.ok:
                self.backend._answer(response)  # raises the server's TrackerError
            size = int(response.headers.get("Content-Length") or 0) or None
            with open(local_file, "wb") as target:
                for chunk in track(response.iter_content(CHUNK_SIZE), size, path):
                    target.write(chunk)

    def artifact_uri(self, owner: str, owner_id: str) -> str:
        if owner == RUN_OWNER:
            return self.backend.get_run(owner_id).info.artifact_uri
        answer = self.backend.request("GET", f"api/logged-models/{owner_id}")
        return answer["model"]["artifact_uri"]
