"""Logged models keep their metrics, their runs' links, and a deleted state (MLflow 3).

- ``logged_model_metrics``: a run's metric point linked to a logged model (the
  ``model_id`` of MLflow's metrics), with the dataset it was computed on. MLflow's
  ``get_logged_model(id).metrics``, ``search_logged_models`` filters and ``order_by`` on
  metrics read it. The point itself stays in ``metrics`` too (the run's history).
- ``run_model_inputs``: a run used a logged model (``run.inputs.model_inputs``).
- ``logged_models.lifecycle_stage``: deleting a logged model marks it ``deleted`` as in
  MLflow (``get`` answers 404 unless asked for deleted models, search skips it); every
  existing model is ``active``.

Revision ID: 0008_logged_model_metrics
Revises: 0007_registry_numbering
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_logged_model_metrics"
down_revision = "0007_registry_numbering"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _cascade(column: str) -> sa.ForeignKey:
    return sa.ForeignKey(column, ondelete="CASCADE")


def upgrade() -> None:
    op.add_column(
        "logged_models",
        sa.Column("lifecycle_stage", sa.String(32), nullable=False, server_default="active"),
    )
    op.create_table(
        "logged_model_metrics",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("model_id", sa.String(34), _cascade("logged_models.model_id"), nullable=False),
        sa.Column("run_id", sa.String(32), _cascade("runs.run_id"), nullable=False),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("value", sa.Double()),
        sa.Column("timestamp", sa.BigInteger(), nullable=False),
        sa.Column("step", sa.BigInteger(), nullable=False),
        sa.Column("is_nan", sa.Boolean(), nullable=False),
        sa.Column("dataset_name", sa.String(500)),
        sa.Column("dataset_digest", sa.String(36)),
    )
    op.create_index(
        "ix_logged_model_metrics_model_key",
        "logged_model_metrics",
        ["model_id", "key", "timestamp", "step"],
    )
    op.create_index("ix_logged_model_metrics_run_id", "logged_model_metrics", ["run_id"])
    op.create_table(
        "run_model_inputs",
        sa.Column("run_id", sa.String(32), _cascade("runs.run_id"), primary_key=True),
        sa.Column("model_id", sa.String(34), _cascade("logged_models.model_id"), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("run_model_inputs")
    op.drop_table("logged_model_metrics")
    with op.batch_alter_table("logged_models") as batch:
        batch.drop_column("lifecycle_stage")
