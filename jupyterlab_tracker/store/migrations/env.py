"""Alembic environment, run programmatically by ``store/migrate.py``.

The caller passes an open connection in ``config.attributes["connection"]`` (already
inside a transaction that holds the migration lock), so there is no alembic.ini and no
URL handling here. Running ``alembic`` by hand also works with ``sqlalchemy.url`` set.
"""

from alembic import context
from sqlalchemy import create_engine

from jupyterlab_tracker.store.models import Base

config = context.config


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite can only change tables by copying them: let future migrations do that.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(config.get_main_option("sqlalchemy.url", ""))
    with engine.begin() as new_connection:
        _run(new_connection)
