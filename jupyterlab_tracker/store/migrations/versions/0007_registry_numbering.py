"""Version numbers are never given twice; a version keeps where its files were found.

``registered_models.last_version``: the highest version number the model has given.
A new version takes ``last_version + 1`` (one UPDATE of the model's row, which also
serialises concurrent writers), so deleting the newest version no longer frees its
number for the next one: ``models:/m/3`` keeps naming what it named, as in MLflow
(which keeps deleted versions as hidden rows to the same end). Existing models start
from their highest remaining version, the best that can be known of what came before.

``model_versions.storage_location``: where the version's files are, resolved when it
was created, for sources that name another registry object (``models:/m-<id>``, a
logged model; ``models:/<name>/<n>``, a copied version), as MLflow's column of that
name. NULL means "the source itself"; versions created before have NULL and are
resolved when read, as they were.

Revision ID: 0007_registry_numbering
Revises: 0006_string_limits
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_registry_numbering"
down_revision = "0006_string_limits"
branch_labels = None
depends_on = None

# models.ARTIFACT_URI_LENGTH when this revision was written (2048 + 64).
STORAGE_LOCATION_LENGTH = 2112


def upgrade() -> None:
    op.add_column(
        "registered_models",
        sa.Column("last_version", sa.Integer(), nullable=False, server_default="0"),
    )
    op.execute(
        "UPDATE registered_models SET last_version = COALESCE("
        "(SELECT MAX(version) FROM model_versions"
        " WHERE model_versions.registered_model_id = registered_models.id), 0)"
    )
    op.add_column(
        "model_versions",
        sa.Column("storage_location", sa.String(STORAGE_LOCATION_LENGTH), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("model_versions") as batch:
        batch.drop_column("storage_location")
    with op.batch_alter_table("registered_models") as batch:
        batch.drop_column("last_version")
