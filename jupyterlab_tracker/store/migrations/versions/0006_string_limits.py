"""Columns as wide as the limits the service checks; a digest for each logged batch.

Widened to what ``limits.py`` lets a request store (MLflow's figures): experiment names
(256 -> 500), experiment artifact locations and model version sources (1000 -> 2048),
and the run and logged-model artifact URIs made from a location (1000 -> 2112). Before,
PostgreSQL refused such values with an error (a 500) that SQLite, which ignores VARCHAR
lengths, never raised. So only PostgreSQL changes: widening a varchar there is a catalog
update, no table rewrite. SQLite's declared lengths stay as they were, and mean nothing.

``logged_batches.digest``: the SHA-256 of a batch's content, so that a batch id sent
again with different content is answered 409 instead of being dropped. Batches logged
before have none (NULL) and are matched by id alone, as they were.

Revision ID: 0006_string_limits
Revises: 0005_clustered_run_values
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_string_limits"
down_revision = "0005_clustered_run_values"
branch_labels = None
depends_on = None

# (table, column, old length, new length)
WIDENED = (
    ("experiments", "name", 256, 500),
    ("experiments", "artifact_location", 1000, 2048),
    ("runs", "artifact_uri", 1000, 2112),
    ("logged_models", "artifact_uri", 1000, 2112),
    ("model_versions", "source", 1000, 2048),
)


def _resize(upgrading: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, old, new in WIDENED:
        before, after = (old, new) if upgrading else (new, old)
        op.alter_column(
            table,
            column,
            existing_type=sa.String(before),
            type_=sa.String(after),
            existing_nullable=False,
        )


def upgrade() -> None:
    _resize(upgrading=True)
    op.add_column("logged_batches", sa.Column("digest", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("logged_batches") as batch:
        batch.drop_column("digest")
    _resize(upgrading=False)  # fails if a longer value was stored since, as it should
