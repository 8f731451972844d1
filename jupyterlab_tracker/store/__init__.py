"""The tracking store: the only package that knows SQL.

``open_store(db_uri, artifact_root)`` picks the implementation from the URI scheme;
today every supported database (``sqlite:///...``, ``postgresql://...``) goes to the
SQLAlchemy store, which creates or upgrades its schema on open.
"""

from __future__ import annotations

from .base import TrackingStore
from .registry_base import LoggedModelStore, RegistryStore


def open_store(db_uri: str, artifact_root: str) -> TrackingStore:
    scheme = db_uri.split(":", 1)[0].split("+", 1)[0]
    if scheme not in ("sqlite", "postgresql", "postgres"):
        from ..errors import invalid

        raise invalid(f"Unsupported store URI scheme '{scheme}' (use sqlite:/// or postgresql://)")
    if scheme == "postgres":  # SQLAlchemy only knows the long spelling
        db_uri = "postgresql" + db_uri[len("postgres") :]
    from .sqlalchemy_store import SqlAlchemyStore

    return SqlAlchemyStore(db_uri, artifact_root)


def open_model_stores(tracking_store: TrackingStore) -> tuple[LoggedModelStore, RegistryStore]:
    """The logged-model and registry stores on the tracking store's database.

    Opened after the tracking store, whose opening brought the schema to head.
    """
    from .logged_models import SqlLoggedModelStore
    from .registry_store import SqlRegistryStore

    db = tracking_store.db
    return SqlLoggedModelStore(db), SqlRegistryStore(db)


def __getattr__(name: str) -> type[TrackingStore]:
    # Lazy, so that importing the package (e.g. for TrackingStore) does not load SQLAlchemy.
    if name == "SqlAlchemyStore":
        from .sqlalchemy_store import SqlAlchemyStore

        return SqlAlchemyStore
    raise AttributeError(name)


__all__ = ["SqlAlchemyStore", "TrackingStore", "open_model_stores", "open_store"]
