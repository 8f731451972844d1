"""The native JSON API (``<base_url>tracker/api/...``) the lab frontend talks to."""

from __future__ import annotations

from tornado.web import authenticated

from .handlers import TrackerHandler


class VersionHandler(TrackerHandler):
    @authenticated
    async def get(self):
        self.write_json(self.tracker.describe())
