"""``ArtifactRepository``: the files of one run or logged model, under its artifact URI.

A local directory (a plain path or ``file://``) or any fsspec URL (``s3://bucket/prefix``
with ``s3fs`` installed). Files move in chunks of ``CHUNK_SIZE``, never whole, so a
500 MB artifact costs a few MB of memory. Uploads become visible only when complete:
locally a temporary file in the repository's staging directory (``.tracker-upload-staging``)
is renamed into place; object stores publish an object when its (multipart) upload finishes.

Names starting with ``.tracker-upload-`` are the repository's own: never listed, read or
written by callers. A temporary file left by a crash is removed by a later upload to the
same repository once nothing has written to it for ``STALE_UPLOAD_SECONDS``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import posixpath
import shutil
import tempfile
import time
from collections.abc import Iterator
from typing import BinaryIO

from ..entities import FileInfo
from ..errors import invalid, not_found
from .paths import is_within, normalize_artifact_path, resolve_artifact_path

CHUNK_SIZE = 1024 * 1024
_UPLOAD_PREFIX = ".tracker-upload-"  # the repository's own names: unfinished uploads
_STAGING_DIR = _UPLOAD_PREFIX + "staging"
# A live upload writes its temporary file every chunk; one untouched this long was left by
# a crash (a killed server, a lost disk) and is removed by the next upload.
STALE_UPLOAD_SECONDS = 3600


@contextlib.contextmanager
def storage_errors(path: str) -> Iterator[None]:
    """What the file system says about a caller's path, as INVALID_PARAMETER_VALUE saying
    what to fix (the one mapping of such errors)."""
    try:
        yield
    except IsADirectoryError:
        raise invalid(f"Cannot write artifact '{path}': a directory of that name exists") from None
    except (NotADirectoryError, FileExistsError):
        raise invalid(
            f"Cannot write artifact '{path}': a file is in the way of one of its directories"
        ) from None
    except OSError as error:
        if error.errno != errno.ENAMETOOLONG:
            raise
        raise invalid(
            f"Artifact path '{path[:80]}...' is too long for the artifact store: keep each name "
            "under 255 bytes and the whole path under 4096"
        ) from None


def _make_directories(directory: str) -> None:
    """``os.makedirs(directory, exist_ok=True)`` without its recursion (a path 2000 levels
    deep must fail as too long, not as RecursionError)."""
    missing = []
    while not os.path.isdir(directory):
        missing.append(directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(path)
        if not os.path.isdir(path):
            raise NotADirectoryError(errno.ENOTDIR, "Not a directory", path)


def _remove_stale_uploads(staging: str) -> None:
    cutoff = time.time() - STALE_UPLOAD_SECONDS
    with contextlib.suppress(FileNotFoundError), os.scandir(staging) as entries:
        for entry in entries:
            with contextlib.suppress(FileNotFoundError):
                if entry.name.startswith(_UPLOAD_PREFIX) and entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)


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
        relative = normalize_artifact_path(path)
        if any(name.startswith(_UPLOAD_PREFIX) for name in relative.split("/")):
            raise invalid(
                f"Invalid artifact path {path!r}: names starting with {_UPLOAD_PREFIX} are reserved"
            )
        return resolve_artifact_path(self.root, relative, local=self.local)

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
            kind = self._kind(entry)
            if kind is not None:
                is_dir, size = kind
                infos.append(FileInfo(self._relative(name), is_dir, size))
        return sorted(infos, key=lambda info: info.path)

    def _kind(self, entry: dict) -> tuple[bool, int | None] | None:
        """(is a directory, file size) of a listed entry; None for what cannot be read
        here: a symlink leading out of the root or nowhere, a FIFO, a socket."""
        if entry["type"] in ("directory", "file"):
            is_dir = entry["type"] == "directory"
            return is_dir, None if is_dir else int(entry["size"])
        if not (self.local and entry.get("islink")):
            return None
        target = os.path.realpath(entry["name"])
        if not is_within(os.path.realpath(self.root), target):
            return None  # listed as nothing, never followed outside
        if os.path.isdir(target):
            return True, None
        return (False, os.path.getsize(target)) if os.path.isfile(target) else None

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
        staging = os.path.join(self.location(None), _STAGING_DIR)
        with storage_errors(path):
            _make_directories(os.path.dirname(location))
            _make_directories(staging)
            _remove_stale_uploads(staging)
            handle, temporary = tempfile.mkstemp(prefix=_UPLOAD_PREFIX, dir=staging)
        try:
            with os.fdopen(handle, "wb") as file:
                yield file
            # The directory was checked above, but a symlink could have been planted since.
            self.location(path)
            with storage_errors(path):
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

    # -- the whole repository: its size, and permanent deletion ------------------------
    def usage(self) -> tuple[int, int]:
        """(bytes, files) stored under the root; (0, 0) when it is missing. Symbolic links
        are never followed (a link counts as nothing: removing it frees nothing)."""
        if not self.local:
            if not self.fs.isdir(self.root):
                return 0, 0
            found = self.fs.find(self.root, detail=True).values()
            sizes = [int(info.get("size") or 0) for info in found]
            return sum(sizes), len(sizes)
        total = files = 0
        pending = [self.root]
        while pending:
            with (
                contextlib.suppress(FileNotFoundError, NotADirectoryError),
                os.scandir(pending.pop()) as entries,
            ):
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        total += entry.stat(follow_symlinks=False).st_size
                        files += 1
        return total, files

    def delete_all(self) -> None:
        """Remove the root and everything under it. Locally: a root that is itself a
        symbolic link is refused (its target is not ours to remove), and links below it
        are removed, never followed. Then the parent directory goes too if that left it
        empty (a run's ``<run id>/`` around its ``artifacts/``)."""
        if not self.local:
            if self.fs.exists(self.root):
                self.fs.rm(self.root, recursive=True)
            return
        if os.path.islink(self.root):
            raise invalid(f"Refusing to delete {self.artifact_uri}: it is a symbolic link")
        if not os.path.lexists(self.root):
            return
        shutil.rmtree(self.root)
        if os.path.basename(self.root) == "artifacts":
            with contextlib.suppress(OSError):  # not empty: leave it
                os.rmdir(os.path.dirname(self.root))
