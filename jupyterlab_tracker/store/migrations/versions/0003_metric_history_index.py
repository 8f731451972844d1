"""A covering index for metric history reads.

``get_metric_history`` reads one (run, key) ordered by (step, timestamp, id). With every
column it reads in the index, in that order, the database walks the index alone: no
lookup into the table per point and no sort. It replaces ``ix_metrics_run_key_step``,
which is a prefix of it.

Revision ID: 0003_metric_history_index
Revises: 0002_registry
"""

from alembic import op

revision = "0003_metric_history_index"
down_revision = "0002_registry"
branch_labels = None
depends_on = None

HISTORY_COLUMNS = ["run_id", "key", "step", "timestamp", "id", "value", "is_nan"]


def upgrade() -> None:
    op.create_index("ix_metrics_history", "metrics", HISTORY_COLUMNS)
    op.drop_index("ix_metrics_run_key_step", table_name="metrics")


def downgrade() -> None:
    op.create_index("ix_metrics_run_key_step", "metrics", ["run_id", "key", "step"])
    op.drop_index("ix_metrics_history", table_name="metrics")
