"""The tracking store on SQLAlchemy: one implementation for SQLite and PostgreSQL.

Reads and writes are Core statements on the tables of ``models.py``; ORM rows never
leave this package (callers get entities). Every public method is one transaction, or
joins the ``Database.transaction()`` under way. One mixin per concern:

- ``experiments``: experiments and their tags;
- ``runs``: run lifecycle, heartbeats, and ``log_batch`` (params, tags, points);
- ``run_sets``: many runs at once (lifecycle, tags), permanent deletion (gc);
- ``metrics``: writing points, reading a metric's history (``downsample`` for overviews);
- ``datasets``: the datasets runs log as inputs, and summaries of them;
- ``search``: searching experiments and runs, and the keys their runs hold;
- ``rows``: the row lookups and entity building they share.

SQL shared with the registry and logged-model stores is in ``store/sql.py`` and
``store/paging.py``.
"""

from __future__ import annotations

from ..base import TrackingStore
from ..db import Database
from ..migrate import upgrade_database
from ..sql import Statements
from .datasets import DatasetsMixin
from .experiments import ExperimentsMixin
from .metrics import MetricsMixin
from .rows import run_data_queries
from .run_sets import RunSetsMixin
from .runs import RunsMixin
from .search import SearchMixin


class SqlAlchemyStore(
    ExperimentsMixin,
    RunsMixin,
    RunSetsMixin,
    MetricsMixin,
    DatasetsMixin,
    SearchMixin,
    TrackingStore,
):
    def __init__(self, db_uri: str, artifact_root: str):
        self.db_uri = db_uri
        self.artifact_root = artifact_root.rstrip("/")
        self.db = Database(db_uri)
        self.sql = Statements(self.db)
        self.run_data = run_data_queries(self.db.dialect)
        upgrade_database(self.db)
        self._ensure_default_experiment()

    def close(self) -> None:
        self.db.dispose()


__all__ = ["SqlAlchemyStore"]
