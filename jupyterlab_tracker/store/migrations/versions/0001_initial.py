"""Initial schema: experiments, runs, params, tags, metrics, datasets, batches.

Written by hand to match ``store/models.py`` (a test compares the two).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _run_fk() -> sa.ForeignKey:
    return sa.ForeignKey("runs.run_id", ondelete="CASCADE")


def _experiment_fk() -> sa.ForeignKey:
    return sa.ForeignKey("experiments.experiment_id", ondelete="CASCADE")


def _value_search_indexes(table: str) -> None:
    # (key, value) on SQLite; (key) only on PostgreSQL, whose btree entries cannot hold
    # the longest param/tag values (see models.value_search_indexes).
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(f"ix_{table}_key", table, ["key"])
    else:
        op.create_index(f"ix_{table}_key_value", table, ["key", "value"])


def upgrade() -> None:
    op.create_table(
        "experiments",
        sa.Column("experiment_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(256), nullable=False, unique=True),
        sa.Column("artifact_location", sa.String(1000), nullable=False),
        sa.Column("lifecycle_stage", sa.String(32), nullable=False),
        sa.Column("creation_time", sa.BigInteger),
        sa.Column("last_update_time", sa.BigInteger),
    )
    op.create_table(
        "experiment_tags",
        sa.Column("experiment_id", sa.Integer, _experiment_fk(), primary_key=True),
        sa.Column("key", sa.String(250), primary_key=True),
        sa.Column("value", sa.String(8000), nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("run_id", sa.String(32), primary_key=True),
        sa.Column("experiment_id", sa.Integer, _experiment_fk(), nullable=False),
        sa.Column("name", sa.String(250), nullable=False),
        sa.Column("user_id", sa.String(256), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("start_time", sa.BigInteger),
        sa.Column("end_time", sa.BigInteger),
        sa.Column("lifecycle_stage", sa.String(32), nullable=False),
        sa.Column("artifact_uri", sa.String(1000), nullable=False),
        sa.Column("deleted_time", sa.BigInteger),
        sa.Column("source_type", sa.String(20)),
        sa.Column("source_name", sa.String(500)),
    )
    op.create_index(
        "ix_runs_experiment_stage_start", "runs", ["experiment_id", "lifecycle_stage", "start_time"]
    )
    op.create_table(
        "params",
        sa.Column("run_id", sa.String(32), _run_fk(), primary_key=True),
        sa.Column("key", sa.String(250), primary_key=True),
        sa.Column("value", sa.String(6000), nullable=False),
    )
    _value_search_indexes("params")
    op.create_table(
        "tags",
        sa.Column("run_id", sa.String(32), _run_fk(), primary_key=True),
        sa.Column("key", sa.String(250), primary_key=True),
        sa.Column("value", sa.String(8000), nullable=False),
    )
    _value_search_indexes("tags")
    op.create_table(
        "metrics",
        sa.Column("id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(32), _run_fk(), nullable=False),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("value", sa.Double),
        sa.Column("timestamp", sa.BigInteger, nullable=False),
        sa.Column("step", sa.BigInteger, nullable=False),
        sa.Column("is_nan", sa.Boolean, nullable=False),
    )
    op.create_index("ix_metrics_run_key_step", "metrics", ["run_id", "key", "step"])
    op.create_table(
        "latest_metrics",
        sa.Column("run_id", sa.String(32), _run_fk(), primary_key=True),
        sa.Column("key", sa.String(250), primary_key=True),
        sa.Column("value", sa.Double),
        sa.Column("timestamp", sa.BigInteger, nullable=False),
        sa.Column("step", sa.BigInteger, nullable=False),
        sa.Column("is_nan", sa.Boolean, nullable=False),
    )
    op.create_index("ix_latest_metrics_key_value", "latest_metrics", ["key", "value"])
    op.create_table(
        "datasets",
        sa.Column("dataset_id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column("experiment_id", sa.Integer, _experiment_fk(), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("digest", sa.String(36), nullable=False),
        sa.Column("source_type", sa.String(36), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("schema", sa.Text, nullable=False),
        sa.Column("profile", sa.Text, nullable=False),
        sa.UniqueConstraint("experiment_id", "name", "digest"),
    )
    op.create_table(
        "inputs",
        sa.Column("input_id", BIG_ID, primary_key=True, autoincrement=True),
        sa.Column(
            "dataset_id",
            BIG_ID,
            sa.ForeignKey("datasets.dataset_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("run_id", sa.String(32), _run_fk(), nullable=False),
        sa.UniqueConstraint("dataset_id", "run_id"),
    )
    op.create_index("ix_inputs_run_id", "inputs", ["run_id"])
    op.create_table(
        "input_tags",
        sa.Column(
            "input_id",
            BIG_ID,
            sa.ForeignKey("inputs.input_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.String(250), primary_key=True),
        sa.Column("value", sa.String(500), nullable=False),
    )
    op.create_table(
        "logged_batches",
        sa.Column("run_id", sa.String(32), _run_fk(), primary_key=True),
        sa.Column("batch_id", sa.String(64), primary_key=True),
        sa.Column("logged_time", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "logged_batches",
        "input_tags",
        "inputs",
        "datasets",
        "latest_metrics",
        "metrics",
        "tags",
        "params",
        "runs",
        "experiment_tags",
        "experiments",
    ):
        op.drop_table(table)
