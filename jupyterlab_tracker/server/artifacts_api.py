"""Artifact files of runs and logged models over HTTP: list, download (with Range), upload.

The same three handlers serve ``runs/{run_id}/artifacts...`` and
``logged-models/{model_id}/artifacts...``; the route's path parameter names the owner.
Every path goes through the repository, whose ``location`` is the one path-safety check.
Bodies stream both ways in chunks: an upload goes to a temporary file as it arrives
(``stream_request_body``), a download leaves with ``write`` + ``flush`` per chunk.
"""

from __future__ import annotations

import mimetypes
import posixpath
import re
from contextlib import AbstractContextManager
from typing import BinaryIO
from urllib.parse import quote

import tornado.web
from tornado.http1connection import HTTP1Connection
from tornado.web import authenticated

from ..artifacts import CHUNK_SIZE
from ..errors import BAD_REQUEST, TrackerError, invalid
from ..service.artifacts import MODEL_OWNER, RUN_OWNER
from .handlers import TrackerHandler
from .request_parsing import optional_str, query_args, required_str

MAX_UPLOAD_BYTES = 64 * 1024**3  # tornado's default (100 MB) is far too small for models
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``Range: bytes=a-b`` as a half-open (start, end); None means the whole file.

    Only single ranges are honoured (several ranges get the whole file, which RFC 9110
    allows). An unsatisfiable range raises ``ValueError``.
    """
    match = _RANGE.fullmatch((header or "").strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        start, end = max(size - int(last), 0), size
    else:
        start, end = int(first), min(int(last) + 1, size) if last else size
    if start >= size or start >= end:
        raise ValueError(f"range {header!r} is outside a file of {size} bytes")
    return start, end


def set_stored_file_headers(handler: tornado.web.RequestHandler, path: str) -> None:
    """The headers of a stored file's bytes (native API and MLflow's proxy alike).

    A stored file is user content: an HTML page, an SVG or XML with scripts, opened
    directly must never run as a document of the Jupyter origin. It is a download
    (``attachment``), never sniffed into a more active type (``nosniff``, set here so
    that a ``headers`` setting cannot drop it), and sandboxed should a browser render it
    anyway (``content_security_policy`` adds ``sandbox``: a unique origin, no scripts).
    The frontend reads the bytes with ``fetch``, which none of this affects.
    """
    handler.set_header("Content-Type", mimetypes.guess_type(path)[0] or "application/octet-stream")
    # RFC 6266 with RFC 5987's encoding: any file name, header-safe, saved under its name.
    filename = quote(posixpath.basename(path), safe="")
    handler.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{filename}")
    handler.set_header("X-Content-Type-Options", "nosniff")


class StoredFileHandler(TrackerHandler):
    """Base of the handlers that send a stored file's bytes (with Range)."""

    @property
    def content_security_policy(self) -> str:
        # Artifacts are user content (HTML figures, SVG): never let them run as the
        # Jupyter origin, as jupyter_server does for its own file downloads.
        return super().content_security_policy + "; sandbox"

    async def send_stored_file(self, repository, path: str) -> None:
        """File ``path`` of ``repository``, streamed a chunk at a time."""
        size = await self.run_blocking(repository.file_size, path)
        try:
            byte_range = parse_range(self.request.headers.get("Range"), size)
        except ValueError as exc:
            self.set_header("Content-Range", f"bytes */{size}")
            self.write_json(invalid(str(exc)).to_dict(), status=416)
            return
        start, end = byte_range or (0, size)
        if byte_range is not None:
            self.set_status(206)
            self.set_header("Content-Range", f"bytes {start}-{end - 1}/{size}")
        self.set_header("Accept-Ranges", "bytes")
        self.set_header("Content-Length", str(end - start))
        set_stored_file_headers(self, path)
        chunks = repository.read_chunks(path, start, end, CHUNK_SIZE)
        while (chunk := await self.run_blocking(next, chunks, None)) is not None:
            self.write(chunk)
            await self.flush()  # one chunk in memory at a time
        self.finish()


@tornado.web.stream_request_body
class StreamedUploadHandler(TrackerHandler):
    """Base of the handlers whose ``upload_method`` request body is a file to store.

    The body goes to the repository's upload as it arrives, a chunk per trip to a thread;
    the verb then calls ``finish_upload``. Subclasses say where it goes: ``write_target``.
    """

    upload_method = "PUT"
    _upload: AbstractContextManager[BinaryIO] | None = None  # while the body streams in
    _sink: BinaryIO | None = None  # the file the body is written to
    _rejection = None  # why the body is being drained instead of stored
    _received = 0  # bytes of body so far

    async def write_target(self):
        """(repository, path) that the upload writes."""
        raise NotImplementedError

    async def prepare(self) -> None:  # type: ignore[override]  # as TrackerHandler.prepare
        await super().prepare()
        if self.request.method != self.upload_method:
            return
        # The body streams before the verb runs, so authenticate before accepting any of it.
        if self.current_user is None:
            raise tornado.web.HTTPError(403)
        if isinstance(self.request.connection, HTTP1Connection):  # tornado's only kind
            self.request.connection.set_max_body_size(MAX_UPLOAD_BYTES)
        try:
            repository, path = await self.write_target()
            upload = repository.open_upload(path)
            self._sink = await self.run_blocking(upload.__enter__)
            self._pending = bytearray()
            self._upload = upload
        except (TrackerError, tornado.web.HTTPError) as error:
            # Answering now would reset a client that is still sending: drain the body
            # and answer in the verb. (HTTPError: tornado refuses an argument that is not
            # UTF-8.)
            self._rejection = error

    async def data_received(self, chunk: bytes) -> None:
        self._received += len(chunk)
        if self._sink is None:
            return
        # tornado hands over 64 kB pieces; gather a chunk before each trip to a thread.
        self._pending += chunk
        if len(self._pending) >= CHUNK_SIZE:
            await self._write_pending()

    async def _write_pending(self) -> None:
        data, self._pending = bytes(self._pending), bytearray()
        if data and self._sink is not None:
            await self.run_blocking(self._sink.write, data)

    async def finish_upload(self, empty_body_error: str | None = None) -> None:
        """Publish the file and answer ``{}``. ``empty_body_error``: refuse an empty body
        with this message (nothing is published)."""
        if self._rejection is not None:
            raise self._rejection
        if empty_body_error is not None and self._received == 0:
            raise invalid(empty_body_error)
        await self._write_pending()
        upload, self._upload = self._upload, None
        assert upload is not None, "prepare() opened the upload or set _rejection"
        await self.run_blocking(upload.__exit__, None, None, None)
        self.write_json({})

    def on_finish(self) -> None:
        self._discard_upload()

    def on_connection_close(self) -> None:
        self._discard_upload()

    def _discard_upload(self) -> None:
        """A body that did not arrive whole (or was refused) is never published."""
        upload, self._upload = self._upload, None
        if upload is not None:
            error = ConnectionError("upload interrupted")
            upload.__exit__(ConnectionError, error, None)


class ArtifactHandler(TrackerHandler):
    """Base of the artifact handlers: finds the owner's repository from the route."""

    def repository_owner(self) -> tuple[str, str]:
        if "run_id" in self.path_kwargs:
            return RUN_OWNER, self.path_kwargs["run_id"]
        return MODEL_OWNER, self.path_kwargs["model_id"]

    async def repository(self):
        return await self.run_blocking(self.tracker.artifacts.repository, *self.repository_owner())

    def artifact_path(self) -> str:
        """The file a content request is about: the ``path`` query argument."""
        return required_str(query_args(self), "path")

    async def write_target(self):
        """(repository, path) that an upload or delete changes."""
        repository = await self.run_blocking(
            self.tracker.artifacts.repository, *self.repository_owner(), writing=True
        )
        return repository, self.artifact_path()


class ArtifactListHandler(ArtifactHandler):
    @authenticated
    async def get(self, **_owner):
        repository = await self.repository()
        path = optional_str(query_args(self), "path")
        files = await self.run_blocking(repository.list_artifacts, path)
        self.write_json({"files": [f.to_dict() for f in files]})


class ArtifactContentHandler(ArtifactHandler, StreamedUploadHandler, StoredFileHandler):
    """``PUT`` (streamed upload) and ``GET`` (streamed download, with Range) of one file."""

    @authenticated
    async def put(self, **_owner):
        await self.finish_upload()

    @authenticated
    async def get(self, **_owner):
        await self.send_stored_file(await self.repository(), self.artifact_path())


class MlflowLoggedModelFileHandler(ArtifactHandler, StoredFileHandler):
    """MLflow's ``ajax-api/2.0/mlflow/logged-models/{model_id}/artifacts/files``: one file
    of a logged model (``artifact_file_path``), as its UI downloads it. Read-only: uploads
    go through the artifact proxy, as MLflow's client sends them."""

    def artifact_path(self) -> str:
        path = optional_str(query_args(self), "artifact_file_path")
        if not path:  # MLflow's answer, code included
            raise TrackerError(
                'Request must include the "artifact_file_path" query parameter.', BAD_REQUEST
            )
        return path

    @authenticated
    async def get(self, **_owner):
        await self.send_stored_file(await self.repository(), self.artifact_path())
