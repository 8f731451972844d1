"""``ArtifactRepository``: the files of one run or logged model, under its artifact URI.

A local directory (a plain path or ``file://``) or any fsspec URL (``s3://bucket/prefix``
with ``s3fs`` installed). Files move in chunks of ``CHUNK_SIZE``, never whole, so a
500 MB artifact costs a few MB of memory. Uploads become visible only when complete:
locally a temporary file beside the target is renamed into place; object stores publish
an object when its (multipart) upload finishes.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import shutil
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from ..entities import FileInfo
from ..errors import invalid, not_found
from .paths import normalize_artifact_path, resolve_artifact_path

CHUNK_SIZE = 1024 * 1024
_UPLOAD_PREFIX = ".tracker-upload-"  # temporary files of unfinished local uploads


def is_local_uri(uri: str) -> bool:
    return uri.startswith("file://") or "://" not in uri


class ArtifactRepository:
    def __init__(self, artifact_uri: str):
        import fsspec  # deferred: creating a client must stay cheap

        self.artifact_uri = artifact_uri
        self.local = is_local_uri(artifact_uri)
        if self.local:
            root = artifact_uri.removeprefix("file://")
            self.root = os.path.abspath(os.path.expanduser(root))
            self.fs = fsspec.filesystem("file")
        else:
            # Other processes write here too (kernels, the server): never trust a cached
            # directory listing.
            self.fs, self.root = fsspec.core.url_to_fs(artifact_uri, use_listings_cache=False)
            self.root = self.root.rstrip("/")

    def __repr__(self) -> str:
        return f"ArtifactRepository({self.artifact_uri!r})"

    def location(self, path: str | None) -> str:
        """Where ``path`` is stored; every method goes through here (path safety)."""
        return resolve_artifact_path(self.root, path, local=self.local)

    def _relative(self, location: str) -> str:
        root = os.path.realpath(self.root) if self.local else self.root
        return posixpath.relpath(location.replace(os.sep, "/"), root.replace(os.sep, "/"))

    # -- reading -----------------------------------------------------------------------
    def list_artifacts(self, path: str | None = None) -> list[FileInfo]:
        """The direct children of directory ``path`` ([] when it is missing or a file)."""
        location = self.location(path)
        if not self.fs.isdir(location):
            return []
        infos = []
        for entry in self.fs.ls(location, detail=True):
            name = entry["name"].rstrip("/")
            if posixpath.basename(name).startswith(_UPLOAD_PREFIX) or name == location:
                continue
            is_dir = entry["type"] == "directory"
            infos.append(
                FileInfo(self._relative(name), is_dir, None if is_dir else int(entry["size"]))
            )
        return sorted(infos, key=lambda info: info.path)

    def file_size(self, path: str) -> int:
        """The size of file ``path``; RESOURCE_DOES_NOT_EXIST if it is missing or a directory."""
        location = self.location(path)
        if not self.fs.isfile(location):
            raise not_found(f"No artifact file '{path}' in {self.artifact_uri}")
        return int(self.fs.size(location))

    def read_chunks(
        self, path: str, start: int = 0, end: int | None = None, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[bytes]:
        """Bytes ``start`` to ``end`` (exclusive; None: to the end) of file ``path``."""
        size = self.file_size(path)
        end = size if end is None else min(end, size)
        with self.fs.open(self.location(path), "rb") as file:
            file.seek(start)
            remaining = end - start
            while remaining > 0:
                chunk = file.read(min(chunk_size, remaining))
                if not chunk:
                    return
                remaining -= len(chunk)
                yield chunk

    def download(self, path: str, dst_dir: str) -> str:
        """Copy file or directory ``path`` into ``dst_dir``; returns the local path."""
        relative = posixpath.relpath(self.location(path), self.location(None)) if path else ""
        target = os.path.join(dst_dir, relative) if relative != "." else dst_dir
        if relative and self.fs.isfile(self.location(path)):
            os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
            with open(target, "wb") as out:
                for chunk in self.read_chunks(path):
                    out.write(chunk)
            return target
        if relative and not self.fs.isdir(self.location(path)):
            raise not_found(f"No artifact '{path}' in {self.artifact_uri}")
        os.makedirs(target, exist_ok=True)
        for info in self.list_artifacts(path):
            self.download(info.path, dst_dir)
        return target

    # -- writing -----------------------------------------------------------------------
    @contextlib.contextmanager
    def open_upload(self, path: str) -> Iterator[BinaryIO]:
        """A binary file to write artifact ``path`` into; published when the block ends
        without an error, discarded otherwise."""
        if not normalize_artifact_path(path):
            raise invalid("An artifact file needs a path, not the artifact root")
        location = self.location(path)
        if not self.local:
            file = self.fs.open(location, "wb")
            try:
                yield file
            except BaseException:
                if hasattr(file, "discard"):
                    file.discard()  # abort the multipart upload: publish nothing
                    file.closed = True  # so that garbage collection does not flush it
                else:
                    file.close()
                raise
            file.close()  # completes the (multipart) upload
            return
        directory = os.path.dirname(location)
        os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=_UPLOAD_PREFIX, dir=directory)
        try:
            with os.fdopen(handle, "wb") as file:
                yield file
            # The directory was checked above, but a symlink could have been planted since.
            self.location(path)
            os.replace(temporary, location)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def log_file(self, local_file: str, artifact_path: str | None = None) -> str:
        """Upload one local file as ``<artifact_path>/<its name>``; returns that path."""
        name = os.path.basename(local_file)
        path = posixpath.join(artifact_path, name) if artifact_path else name
        with open(local_file, "rb") as source, self.open_upload(path) as target:
            shutil.copyfileobj(source, target, CHUNK_SIZE)
        return path

    def log_dir(self, local_dir: str, artifact_path: str | None = None) -> None:
        """Upload the files under ``local_dir`` to ``artifact_path`` (keeping the layout)."""
        for directory, _subdirs, files in os.walk(local_dir):
            relative = os.path.relpath(directory, local_dir).replace(os.sep, "/")
            parts = [p for p in (artifact_path, relative) if p and p != "."]
            for name in files:
                self.log_file(os.path.join(directory, name), "/".join(parts) or None)

    def delete(self, path: str) -> None:
        location = self.location(path)
        if location == self.location(None):
            raise invalid("Refusing to delete the whole artifact root")
        if self.fs.exists(location):
            self.fs.rm(location, recursive=True)
