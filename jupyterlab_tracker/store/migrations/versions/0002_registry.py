"""Logged models, run model outputs and the model registry.

Written by hand to match ``store/models.py`` (a test compares the two).

Revision ID: 0002_registry
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_registry"
down_revision = "0001"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _cascade(column: str) -> sa.ForeignKey:
    return sa.ForeignKey(column, ondelete="CASCADE")


def _tag_columns() -> list[sa.Column]:
    return [
        sa.Column("key", sa.String(250), primary_key=True),
        sa.Column("value", sa.String(8000), nullable=False),
    ]


def _timestamps() -> list[sa.Column]:
    return [
        sa.Column("creation_timestamp", sa.BigInteger(), nullable=False),
        sa.Column("last_updated_timestamp", sa.BigInteger(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "logged_models",
        sa.Column("model_id", sa.String(34), primary_key=True),
        sa.Column(
            "experiment_id", sa.Integer(), _cascade("experiments.experiment_id"), nullable=False
        ),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column(
            "source_run_id", sa.String(32), sa.ForeignKey("runs.run_id", ondelete="SET NULL")
        ),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("model_type", sa.String(500), nullable=False),
        sa.Column("artifact_uri", sa.String(1000), nullable=False),
        *_timestamps(),
    )
    op.create_index("ix_logged_models_run_name", "logged_models", ["source_run_id", "name"])
    op.create_table(
        "logged_model_tags",
        sa.Column("model_id", sa.String(34), _cascade("logged_models.model_id"), primary_key=True),
        *_tag_columns(),
    )
    op.create_table(
        "logged_model_params",
        sa.Column("model_id", sa.String(34), _cascade("logged_models.model_id"), primary_key=True),
        sa.Column("key", sa.String(250), primary_key=True),
        sa.Column("value", sa.String(6000), nullable=False),
    )
    op.create_table(
        "run_model_outputs",
        sa.Column("run_id", sa.String(32), _cascade("runs.run_id"), primary_key=True),
        sa.Column("model_id", sa.String(34), _cascade("logged_models.model_id"), primary_key=True),
        sa.Column("step", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "registered_models",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(256), nullable=False, unique=True),
        sa.Column("description", sa.String(5000), nullable=False),
        *_timestamps(),
    )
    op.create_table(
        "registered_model_tags",
        sa.Column(
            "registered_model_id", BIG_ID, _cascade("registered_models.id"), primary_key=True
        ),
        *_tag_columns(),
    )
    op.create_table(
        "model_versions",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("registered_model_id", BIG_ID, _cascade("registered_models.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("run_id", sa.String(32)),
        sa.Column("model_id", sa.String(34)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("current_stage", sa.String(20), nullable=False),
        sa.Column("description", sa.String(5000), nullable=False),
        *_timestamps(),
        sa.UniqueConstraint("registered_model_id", "version", name="uq_model_versions_number"),
    )
    op.create_index("ix_model_versions_run_id", "model_versions", ["run_id"])
    op.create_table(
        "model_version_tags",
        sa.Column("model_version_id", BIG_ID, _cascade("model_versions.id"), primary_key=True),
        *_tag_columns(),
    )
    op.create_table(
        "registered_model_aliases",
        sa.Column(
            "registered_model_id", BIG_ID, _cascade("registered_models.id"), primary_key=True
        ),
        sa.Column("alias", sa.String(256), primary_key=True),
        sa.Column("model_version_id", BIG_ID, _cascade("model_versions.id"), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "registered_model_aliases",
        "model_version_tags",
        "model_versions",
        "registered_model_tags",
        "registered_models",
        "run_model_outputs",
        "logged_model_params",
        "logged_model_tags",
        "logged_models",
    ):
        op.drop_table(table)
