"""Wires the store, the service and the routes into a running Jupyter Server."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jupyter_server.utils import url_path_join
from traitlets import Bool, Float, Int, List, Unicode
from traitlets.config import Configurable

from .. import __version__
from ..config import (
    ALLOWED_ARTIFACT_ROOTS_ENV,
    ARTIFACT_ROOT_ENV,
    STORE_URI_ENV,
    TOKEN_ENV,
    default_allowed_artifact_roots,
    default_artifact_root,
    default_store_uri,
    redact_uri,
)
from .handlers import EndpointNotFoundHandler
from .json_body import DEFAULT_MAX_BODY_BYTES
from .kernel_env import add_kernel_env, server_url
from .link_page import LinkPageHandler
from .routes import MLFLOW_API_PREFIXES, MLFLOW_ROUTES, NATIVE_ROUTES

if TYPE_CHECKING:  # the services are opened when the extension loads
    from ..service.artifacts import ArtifactService
    from ..service.registry import ModelRegistryService
    from ..service.tracking import TrackingService

URL_PREFIX = "tracker"


class Tracker(Configurable):
    """Settings of the tracker server extension (``c.Tracker.<name>`` in jupyter config)."""

    store_uri = Unicode(
        help=f"Database URL of the tracking store (sqlite:///... or postgresql://...). "
        f"Default: ${STORE_URI_ENV}, else a SQLite file in the Jupyter data directory.",
    ).tag(config=True)

    artifact_root = Unicode(
        help="Where run artifacts are stored: a directory or an fsspec URL.",
    ).tag(config=True)

    allowed_artifact_roots = List(
        Unicode(),
        help="Artifact roots besides artifact_root where the server may read and write "
        "(directories or URLs such as s3://bucket/prefix). Experiment locations, model "
        "version sources and stored artifact URIs outside these roots are refused. "
        f"Default: the JSON list in ${ALLOWED_ARTIFACT_ROOTS_ENV}, else none.",
    ).tag(config=True)

    configure_kernels = Bool(
        True,
        help="Give kernels started by this server the tracker's URI and token in their "
        "environment, so notebooks log to this tracker with no setup.",
    ).tag(config=True)

    heartbeat_timeout = Float(
        30.0,
        help="Seconds without a heartbeat after which a RUNNING run is marked KILLED "
        "(clients send one every 10 s). Runs that never sent a heartbeat are never marked.",
    ).tag(config=True)

    reap_interval = Float(
        10.0, help="Seconds between two checks for runs whose heartbeat timed out."
    ).tag(config=True)

    configure_mlflow_env = Bool(
        True,
        help="Give kernels started by this server MLFLOW_TRACKING_URI (this server's "
        "MLflow-compatible API) and MLFLOW_TRACKING_TOKEN, so unchanged MLflow code logs here.",
    ).tag(config=True)

    max_body_size = Int(
        DEFAULT_MAX_BODY_BYTES,
        help="Largest request body, in bytes, that a tracker route accepts (JSON requests); "
        "a larger one is answered 400 and never held in memory. Artifact uploads stream "
        "to disk and have their own limit.",
    ).tag(config=True)

    def _store_uri_default(self):  # traitlets dynamic defaults
        return default_store_uri()

    def _artifact_root_default(self):
        return default_artifact_root()

    def _allowed_artifact_roots_default(self):
        return default_allowed_artifact_roots()


@dataclass
class TrackerContext:
    """What handlers reach through ``self.settings["tracker"]``."""

    service: TrackingService
    store_uri: str
    artifact_root: str
    registry: ModelRegistryService
    artifacts: ArtifactService
    max_body_size: int = DEFAULT_MAX_BODY_BYTES  # bytes of a JSON request body
    version: str = __version__

    def describe(self) -> dict:
        return {
            "name": "jupyterlab_tracker",
            "version": self.version,
            "status": "ok",
            "store": {
                "type": self.store_uri.split(":", 1)[0].split("+", 1)[0],
                "uri": redact_uri(self.store_uri),
            },
            "artifact_root": self.artifact_root,
        }


def load_extension(serverapp) -> None:
    from ..service.factory import open_services

    settings = Tracker(parent=serverapp)
    services = open_services(
        settings.store_uri, settings.artifact_root, settings.allowed_artifact_roots
    )
    locations = services.tracking.locations
    context = TrackerContext(
        service=services.tracking,
        store_uri=settings.store_uri,
        artifact_root=locations.artifact_root,
        registry=services.registry,
        artifacts=services.artifacts,
        max_body_size=settings.max_body_size,
    )
    web_app = serverapp.web_app
    web_app.settings["tracker"] = context

    base = url_path_join(web_app.settings["base_url"], URL_PREFIX)
    routes = NATIVE_ROUTES + MLFLOW_ROUTES
    handlers = [(url_path_join(base, pattern), handler) for pattern, handler in routes]
    # <tracking uri>/#/experiments/...: the links the mlflow client prints.
    handlers.append((base + "/", LinkPageHandler))
    # The native API lives under "api" too.
    for prefix in MLFLOW_API_PREFIXES:
        handlers.append((url_path_join(base, prefix, ".*"), EndpointNotFoundHandler))
    web_app.add_handlers(".*$", handlers)

    add_kernel_env(serverapp.kernel_manager, lambda: kernel_env(serverapp, settings))
    serverapp.log.info(
        "jupyterlab_tracker %s: store %s, artifacts %s, API at %s",
        __version__,
        redact_uri(settings.store_uri),
        ", ".join(locations.roots),
        base,
    )


def kernel_env(serverapp, settings: Tracker) -> dict[str, str]:
    """The variables a kernel started by this server gets (``kernel_env.add_kernel_env``)."""
    token = getattr(serverapp.identity_provider, "token", "") or ""
    env = {}
    if settings.configure_kernels:
        env[STORE_URI_ENV] = settings.store_uri
        env[ARTIFACT_ROOT_ENV] = settings.artifact_root
        if settings.allowed_artifact_roots:  # the kernel's embedded client confines the same
            env[ALLOWED_ARTIFACT_ROOTS_ENV] = json.dumps(list(settings.allowed_artifact_roots))
        if token:
            env[TOKEN_ENV] = token
    url = server_url(serverapp)
    if settings.configure_mlflow_env and url:
        # Always this server's HTTP API: never hand mlflow a database URI.
        env["MLFLOW_TRACKING_URI"] = url + URL_PREFIX
        if token:
            env["MLFLOW_TRACKING_TOKEN"] = token
    return env
