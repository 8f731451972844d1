"""Every route of the extension, relative to ``<base_url>tracker/``: one table per API."""

from __future__ import annotations

from .native_api import VersionHandler

NATIVE_ROUTES = [
    (r"api/version", VersionHandler),
]
