"""The Python client: ``TrackerClient`` (explicit) and the fluent API in ``fluent``.

Nothing here imports SQLAlchemy, the store or the server: the backend for a URI is
imported when a client first uses it (``backend.open_backend``).
"""

from .tracker_client import TrackerClient

__all__ = ["TrackerClient"]
