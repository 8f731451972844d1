"""One base handler for every route: authentication, JSON in and out, errors, threads.

Handlers stay thin: parse the request, call one service method off the event loop,
write the result. Domain errors become HTTP here and nowhere else.

Bodies stream in (``stream_request_body``): tornado would otherwise buffer a whole body,
up to ServerApp.max_body_size (512 MB), before any handler code runs. A ``BodyReader``
keeps at most ``Tracker.max_body_size`` bytes, and nothing for a caller that is not
authenticated; see ``json_body.py`` for how the JSON is then read.
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TYPE_CHECKING

import tornado.web
from jupyter_server.base.handlers import APIHandler
from tornado.ioloop import IOLoop

from ..config import TOKEN_ENV
from ..errors import (
    BAD_REQUEST,
    ENDPOINT_NOT_FOUND,
    INTERNAL_ERROR,
    INVALID_PARAMETER_VALUE,
    INVALID_STATE,
    PERMISSION_DENIED,
    RESOURCE_ALREADY_EXISTS,
    RESOURCE_DOES_NOT_EXIST,
    TEMPORARILY_UNAVAILABLE,
    TrackerError,
)
from .json_body import BodyReader, parse_json

if TYPE_CHECKING:
    from ..service.tracking import TrackingService
    from .extension import TrackerContext

# What a request without valid credentials is told, on every tracker route (403).
NOT_AUTHENTICATED_MESSAGE = (
    "Not authenticated: this request carries no valid Jupyter server token. Send the "
    "token the server was started with (see `jupyter server list`): MLflow clients read "
    f"it from MLFLOW_TRACKING_TOKEN, the jupyterlab_tracker client from {TOKEN_ENV}, and "
    "raw HTTP clients send the header 'Authorization: token <token>'."
)

# Store calls block (SQLite, PostgreSQL, files): they run here, never on the event loop.
_store_executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="tracker-store")

NATIVE_STATUS = {
    INVALID_PARAMETER_VALUE: 400,
    BAD_REQUEST: 400,
    INVALID_STATE: 400,
    RESOURCE_DOES_NOT_EXIST: 404,
    ENDPOINT_NOT_FOUND: 404,
    RESOURCE_ALREADY_EXISTS: 409,
    PERMISSION_DENIED: 403,
    TEMPORARILY_UNAVAILABLE: 503,
    INTERNAL_ERROR: 500,
}


def _json_default(value):
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _dumps(payload) -> str:
    return json.dumps(payload, default=_json_default, allow_nan=False)


def json_text(payload) -> str:
    """``payload`` as JSON, NaN and infinities as MLflow's strings. Almost no payload holds
    one, so dump it as it is first: walking it to replace them cost more than the dump
    itself (a search returning 1000 runs, a long metric history)."""
    try:
        return _dumps(payload)
    except ValueError:  # a non-finite float ("Out of range float values ...")
        return _dumps(_replace_non_finite(payload))


def _replace_non_finite(value):
    """JSON has no NaN or Infinity: send them as MLflow does, as strings."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _replace_non_finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_replace_non_finite(v) for v in value]
    return value


def escaped_input_error(error: BaseException) -> TrackerError | None:
    """The 400 for an exception that only bad input can cause, when validation missed it.

    Lone UTF-16 surrogates exist only in text decoded from a request, and integers too
    large for a database column only come from a request's numbers; anything else stays a
    500, since it may be a bug of the server's own.
    """
    if isinstance(error, UnicodeError) and "surrogates not allowed" in str(error):
        return TrackerError(
            "A string in the request holds a lone UTF-16 surrogate: send valid Unicode",
            INVALID_PARAMETER_VALUE,
        )
    if isinstance(error, OverflowError) and "too large to convert" in str(error):
        return TrackerError(
            f"A number in the request is out of range ({error}): send a smaller one",
            INVALID_PARAMETER_VALUE,
        )
    return None


@tornado.web.stream_request_body
class TrackerHandler(APIHandler):
    """Base for every tracker route. Subclasses decorate verbs with ``@authenticated``."""

    status_for_code = NATIVE_STATUS
    _body: BodyReader | None = None

    # APIHandler.prepare drops JupyterHandler.prepare's _redirect_to_login keyword (and
    # silences mypy for it); this override is APIHandler's.
    async def prepare(self) -> None:  # type: ignore[override]
        try:
            await super().prepare()
        except tornado.web.HTTPError as refusal:
            # A refusal here (a failed XSRF or host check) would be answered before the body
            # is read, and tornado then closes the connection: a client still sending sees
            # a reset, and a kept-alive connection dies. Answer once the body is in (and
            # dropped) instead. A handler that reads its own body (artifact uploads) answers
            # as it always has.
            if type(self).data_received is not TrackerHandler.data_received:
                raise
            self._body = BodyReader(0)
            setattr(self, self.request.method.lower(), partial(self._refuse, refusal))
            return
        # Unauthenticated callers get their 403 from the verb; none of their body is kept.
        limit = self.tracker.max_body_size if self.current_user is not None else 0
        declared = self.request.headers.get("Content-Length", "")
        self._body = BodyReader(
            limit, int(declared) if declared.isascii() and declared.isdigit() else None
        )

    @staticmethod
    def _refuse(refusal: tornado.web.HTTPError, *args, **kwargs):
        raise refusal

    def data_received(self, chunk: bytes) -> Awaitable[None] | None:
        if self._body is not None:  # None: prepare() refused the request
            self._body.feed(chunk)
        return None

    # -- authentication: Jupyter's, with a message that says what to send ---------------
    def _not_authenticated(self) -> bool:
        """Jupyter found no user for this request (no token, a wrong one, no login cookie).

        ``_jupyter_current_user`` is what ``JupyterHandler.prepare`` resolved; before that
        there is nothing to judge yet.
        """
        return hasattr(self, "_jupyter_current_user") and self._jupyter_current_user is None

    def check_xsrf_cookie(self) -> None:
        """Jupyter's XSRF check stays for requests that have a user (a login cookie without
        the ``X-XSRFToken`` header is still refused); a write without any credentials is
        told to send the token rather than that an ``_xsrf`` argument is missing."""
        if self._not_authenticated():
            raise TrackerError(NOT_AUTHENTICATED_MESSAGE, PERMISSION_DENIED)
        super().check_xsrf_cookie()

    def get_login_url(self) -> str:
        """``@authenticated`` asks for it to redirect a GET without a user: a 403 instead
        (as Jupyter's APIHandler answers), with the same message."""
        if self._not_authenticated():
            raise TrackerError(NOT_AUTHENTICATED_MESSAGE, PERMISSION_DENIED)
        return super().get_login_url()

    @property
    def tracker(self) -> TrackerContext:
        """The ``TrackerContext`` the extension put in the app settings."""
        return self.settings["tracker"]

    @property
    def service(self) -> TrackingService:
        return self.tracker.service

    async def run_blocking(self, fn, *args, **kwargs):
        return await IOLoop.current().run_in_executor(_store_executor, partial(fn, *args, **kwargs))

    async def json_body(self) -> dict:
        """The request body as a JSON object; an empty body is ``{}``."""
        assert self._body is not None, "prepare() reads every body"
        text = self._body.text()
        if not text:
            return {}
        if self._body.parses_in_c:
            body = parse_json(text)
        else:  # the slow, interruptible parser: off the event loop
            body = await self.run_blocking(parse_json, text, in_c=False)
        if not isinstance(body, dict):
            raise TrackerError("Request body must be a JSON object", BAD_REQUEST)
        return body

    def write_json(self, payload, status: int = 200, *, finite: bool = False) -> None:
        """``finite=True``: the payload holds no NaN/Infinity floats (``to_dict`` output);
        ``allow_nan=False`` still refuses one that slipped through."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json_text(payload) if not finite else _dumps(payload))

    def write_error(self, status_code: int, **kwargs) -> None:
        """Every error leaves as ``{"error_code", "message"}``, never as an HTML page."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, TrackerError):
            error = exc
        elif isinstance(exc, tornado.web.HTTPError):
            code = {403: PERMISSION_DENIED, 404: ENDPOINT_NOT_FOUND}.get(
                exc.status_code, BAD_REQUEST if exc.status_code < 500 else INTERNAL_ERROR
            )
            error = TrackerError(exc.log_message or self._reason, code)
        else:
            error = TrackerError("Internal error; the server log has the details", INTERNAL_ERROR)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(error.to_dict()))

    def _handle_request_exception(self, e: BaseException) -> None:
        escaped = escaped_input_error(e)
        if escaped is not None:
            self.log.warning("Bad input got past validation: %s", e, exc_info=e)
            e = escaped
        if isinstance(e, TrackerError):
            if self._finished:
                return
            self.send_error(
                self.status_for_code.get(e.error_code, 400), exc_info=(type(e), e, None)
            )
            return
        super()._handle_request_exception(e)


class EndpointNotFoundHandler(TrackerHandler):
    """Unknown paths under ``tracker/api``: 404 ENDPOINT_NOT_FOUND (MLflow's probes expect it)."""

    def _not_found(self, *args):
        raise TrackerError(
            f"No endpoint {self.request.method} {self.request.path}", ENDPOINT_NOT_FOUND
        )

    get = tornado.web.authenticated(_not_found)
    post = tornado.web.authenticated(_not_found)
    put = tornado.web.authenticated(_not_found)
    patch = tornado.web.authenticated(_not_found)
    delete = tornado.web.authenticated(_not_found)
