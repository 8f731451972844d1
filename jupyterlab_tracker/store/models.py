"""SQLAlchemy ORM models: the schema of the tracking database.

The store mostly runs Core statements against ``Model.__table__`` (bulk inserts, upserts,
search); the ORM classes are the single place where the tables are described. The initial
Alembic migration (``migrations/versions/0001_initial.py``) creates exactly these tables;
a test checks that the two agree.

Conventions:
- times are integer milliseconds since the epoch (BigInteger);
- metric values are doubles; NaN is stored as ``value = NULL`` plus ``is_nan = true`` on
  every dialect (SQLite cannot store NaN at all), +-inf are stored as themselves;
- experiment ids are integers in the database and strings everywhere else.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ..domain.limits import (
    ARTIFACT_URI_SUFFIX_ROOM,
    MAX_BATCH_ID_LENGTH,
    MAX_DATASET_DIGEST_LENGTH,
    MAX_DATASET_NAME_LENGTH,
    MAX_DATASET_SOURCE_TYPE_LENGTH,
    MAX_DESCRIPTION_LENGTH,
    MAX_EXPERIMENT_NAME_LENGTH,
    MAX_INPUT_TAG_VALUE_LENGTH,
    MAX_LOGGED_MODEL_NAME_LENGTH,
    MAX_MODEL_ID_LENGTH,
    MAX_MODEL_TYPE_LENGTH,
    MAX_REGISTERED_MODEL_NAME_LENGTH,
    MAX_RUN_NAME_LENGTH,
    MAX_URI_LENGTH,
    MAX_USER_LENGTH,
    MAX_VERSION_RUN_ID_LENGTH,
)
from ..domain.limits import MAX_KEY_LENGTH as KEY_LENGTH
from ..domain.limits import MAX_PARAM_VALUE_LENGTH as PARAM_VALUE_LENGTH
from ..domain.limits import MAX_TAG_VALUE_LENGTH as TAG_VALUE_LENGTH

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigIntId = BigInteger().with_variant(Integer(), "sqlite")

# A run's or logged model's artifact URI: its experiment's location plus a suffix.
ARTIFACT_URI_LENGTH = MAX_URI_LENGTH + ARTIFACT_URI_SUFFIX_ROOM
# The SHA-256 (hex) of a logged batch's content.
BATCH_DIGEST_LENGTH = 64

# Experiment ids and model version numbers are INTEGER columns, 32-bit on PostgreSQL: a
# number from 2**31 on names nothing (and would make the driver fail, not answer).
INTEGER_LIMIT = 2**31


class Base(DeclarativeBase):
    pass


# SQLite: the table is its primary-key B-tree (migration 0005), so reading a run's rows
# by (run_id, key) is one search, not an index search plus a rowid lookup per row.
CLUSTERED_ON_PRIMARY_KEY = {"sqlite_with_rowid": False}


def value_search_indexes(table: str) -> tuple:
    """Indexes for ``params``/``tags`` filters: (key, value) on SQLite, (key) on PostgreSQL,
    and the table options of both.

    Why not (key, value) everywhere: a PostgreSQL btree entry must fit in ~2.7 kB, and
    param/tag values may be up to 6000/8000 characters, so inserting a long value would fail.
    """
    return (
        Index(f"ix_{table}_key_value", "key", "value").ddl_if(dialect="sqlite"),
        Index(f"ix_{table}_key", "key").ddl_if(dialect="postgresql"),
        CLUSTERED_ON_PRIMARY_KEY,
    )


class ExperimentModel(Base):
    __tablename__ = "experiments"

    experiment_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(
        String(MAX_EXPERIMENT_NAME_LENGTH), nullable=False, unique=True
    )
    artifact_location: Mapped[str] = mapped_column(
        String(MAX_URI_LENGTH), nullable=False, default=""
    )
    lifecycle_stage: Mapped[str] = mapped_column(String(32), nullable=False, default="active")
    creation_time: Mapped[int | None] = mapped_column(BigInteger)
    last_update_time: Mapped[int | None] = mapped_column(BigInteger)


class ExperimentTagModel(Base):
    __tablename__ = "experiment_tags"

    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(String(TAG_VALUE_LENGTH), nullable=False, default="")


class RunModel(Base):
    __tablename__ = "runs"

    run_id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4().hex
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(MAX_RUN_NAME_LENGTH), nullable=False, default="")
    user_id: Mapped[str] = mapped_column(String(MAX_USER_LENGTH), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="RUNNING")
    start_time: Mapped[int | None] = mapped_column(BigInteger)
    end_time: Mapped[int | None] = mapped_column(BigInteger)
    lifecycle_stage: Mapped[str] = mapped_column(String(32), nullable=False, default="active")
    artifact_uri: Mapped[str] = mapped_column(
        String(ARTIFACT_URI_LENGTH), nullable=False, default=""
    )
    # MLflow-shaped room for later features (garbage collection of deleted runs, sources).
    deleted_time: Mapped[int | None] = mapped_column(BigInteger)
    source_type: Mapped[str | None] = mapped_column(String(20))
    source_name: Mapped[str | None] = mapped_column(String(500))
    # Milliseconds; NULL until the client's first heartbeat (migration 0004).
    last_heartbeat: Mapped[int | None] = mapped_column(BigInteger)

    __table_args__ = (
        # The search hot path: runs of some experiments, active/deleted, newest first.
        Index("ix_runs_experiment_stage_start", "experiment_id", "lifecycle_stage", "start_time"),
        # The dead-run reaper: RUNNING runs whose heartbeat is old.
        Index("ix_runs_status_heartbeat", "status", "last_heartbeat"),
    )


class ParamModel(Base):
    __tablename__ = "params"

    run_id: Mapped[str] = mapped_column(
        ForeignKey("runs.run_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(String(PARAM_VALUE_LENGTH), nullable=False)

    __table_args__ = value_search_indexes("params")


class TagModel(Base):
    __tablename__ = "tags"

    run_id: Mapped[str] = mapped_column(
        ForeignKey("runs.run_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(String(TAG_VALUE_LENGTH), nullable=False, default="")

    __table_args__ = value_search_indexes("tags")


class MetricModel(Base):
    """Every logged point: the full history of each metric."""

    __tablename__ = "metrics"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(
        ForeignKey("runs.run_id", ondelete="CASCADE"), nullable=False
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), nullable=False)
    value: Mapped[float | None] = mapped_column(Double)  # NULL when is_nan
    timestamp: Mapped[int] = mapped_column(BigInteger, nullable=False)
    step: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    is_nan: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (
        # Covers history reads: one (run, key) in (step, timestamp, id) order, read from
        # the index alone (migration 0003).
        Index("ix_metrics_history", "run_id", "key", "step", "timestamp", "id", "value", "is_nan"),
    )


class LatestMetricModel(Base):
    """One row per (run, key): the point with the highest step, ties by timestamp.

    Search and sort read this table, never the history.
    """

    __tablename__ = "latest_metrics"

    run_id: Mapped[str] = mapped_column(
        ForeignKey("runs.run_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[float | None] = mapped_column(Double)
    timestamp: Mapped[int] = mapped_column(BigInteger, nullable=False)
    step: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    is_nan: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    __table_args__ = (
        Index("ix_latest_metrics_key_value", "key", "value"),
        CLUSTERED_ON_PRIMARY_KEY,
    )


class DatasetModel(Base):
    """A dataset, deduplicated per experiment by (name, digest)."""

    __tablename__ = "datasets"

    dataset_id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(MAX_DATASET_NAME_LENGTH), nullable=False)
    digest: Mapped[str] = mapped_column(String(MAX_DATASET_DIGEST_LENGTH), nullable=False)
    source_type: Mapped[str] = mapped_column(
        String(MAX_DATASET_SOURCE_TYPE_LENGTH), nullable=False, default=""
    )
    source: Mapped[str] = mapped_column(Text, nullable=False, default="")
    schema: Mapped[str] = mapped_column(Text, nullable=False, default="")
    profile: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (UniqueConstraint("experiment_id", "name", "digest"),)


class InputModel(Base):
    """A run used a dataset (MLflow's ``inputs`` with destination type RUN)."""

    __tablename__ = "inputs"

    input_id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    dataset_id: Mapped[int] = mapped_column(
        ForeignKey("datasets.dataset_id", ondelete="CASCADE"), nullable=False
    )
    run_id: Mapped[str] = mapped_column(
        ForeignKey("runs.run_id", ondelete="CASCADE"), nullable=False
    )

    __table_args__ = (
        UniqueConstraint("dataset_id", "run_id"),
        Index("ix_inputs_run_id", "run_id"),
    )


class InputTagModel(Base):
    """Tags of one dataset input, e.g. ``mlflow.data.context = training``."""

    __tablename__ = "input_tags"

    input_id: Mapped[int] = mapped_column(
        ForeignKey("inputs.input_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(
        String(MAX_INPUT_TAG_VALUE_LENGTH), nullable=False, default=""
    )


class LoggedBatchModel(Base):
    """Batch ids already applied to a run, so a retried ``log_batch`` is a no-op.

    ``digest`` is a hash of the batch's content (migration 0006; NULL for batches logged
    before): a batch id sent again with other content is refused, not silently dropped.
    """

    __tablename__ = "logged_batches"

    run_id: Mapped[str] = mapped_column(
        ForeignKey("runs.run_id", ondelete="CASCADE"), primary_key=True
    )
    batch_id: Mapped[str] = mapped_column(String(MAX_BATCH_ID_LENGTH), primary_key=True)
    logged_time: Mapped[int] = mapped_column(BigInteger, nullable=False)
    digest: Mapped[str | None] = mapped_column(String(BATCH_DIGEST_LENGTH))


# -- logged models and the model registry (migration 0002) ------------------------------


class LoggedModelModel(Base):
    """A model logged by a run (MLflow 3's LoggedModel), with artifacts of its own."""

    __tablename__ = "logged_models"

    model_id: Mapped[str] = mapped_column(String(34), primary_key=True)  # m-<32 hex>
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(String(MAX_LOGGED_MODEL_NAME_LENGTH), nullable=False)
    source_run_id: Mapped[str | None] = mapped_column(
        ForeignKey("runs.run_id", ondelete="SET NULL")
    )
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="PENDING")
    model_type: Mapped[str] = mapped_column(
        String(MAX_MODEL_TYPE_LENGTH), nullable=False, default=""
    )
    artifact_uri: Mapped[str] = mapped_column(String(ARTIFACT_URI_LENGTH), nullable=False)
    creation_timestamp: Mapped[int] = mapped_column(BigInteger, nullable=False)
    last_updated_timestamp: Mapped[int] = mapped_column(BigInteger, nullable=False)
    # Deleting a logged model marks it deleted, as MLflow does (migration 0008).
    lifecycle_stage: Mapped[str] = mapped_column(String(32), nullable=False, default="active")

    __table_args__ = (Index("ix_logged_models_run_name", "source_run_id", "name"),)


class LoggedModelTagModel(Base):
    __tablename__ = "logged_model_tags"

    model_id: Mapped[str] = mapped_column(
        ForeignKey("logged_models.model_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(String(TAG_VALUE_LENGTH), nullable=False, default="")


class LoggedModelParamModel(Base):
    __tablename__ = "logged_model_params"

    model_id: Mapped[str] = mapped_column(
        ForeignKey("logged_models.model_id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(String(PARAM_VALUE_LENGTH), nullable=False)


class LoggedModelMetricModel(Base):
    """A run's metric point linked to a logged model (migration 0008): MLflow's
    ``logged_model_metrics``. The point is also in ``metrics`` (the run's history); this
    row adds the link and the dataset the value was computed on. NaN is NULL plus
    ``is_nan``, as in ``metrics``."""

    __tablename__ = "logged_model_metrics"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    model_id: Mapped[str] = mapped_column(
        ForeignKey("logged_models.model_id", ondelete="CASCADE"), nullable=False
    )
    run_id: Mapped[str] = mapped_column(
        ForeignKey("runs.run_id", ondelete="CASCADE"), nullable=False
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), nullable=False)
    value: Mapped[float | None] = mapped_column(Double)
    timestamp: Mapped[int] = mapped_column(BigInteger, nullable=False)
    step: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    is_nan: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    dataset_name: Mapped[str | None] = mapped_column(String(MAX_DATASET_NAME_LENGTH))
    dataset_digest: Mapped[str | None] = mapped_column(String(MAX_DATASET_DIGEST_LENGTH))

    __table_args__ = (
        # A model's points (get, search filters, order by a metric) and a run's, for the
        # cascade when a run goes and for spotting repeats.
        Index("ix_logged_model_metrics_model_key", "model_id", "key", "timestamp", "step"),
        Index("ix_logged_model_metrics_run_id", "run_id"),
    )


# The columns of a logged_model_metrics row as the stores write and read them.
LOGGED_MODEL_METRIC_COLUMNS = (
    "model_id",
    "run_id",
    "key",
    "value",
    "timestamp",
    "step",
    "is_nan",
    "dataset_name",
    "dataset_digest",
)


class RunModelInputModel(Base):
    """A run used a logged model (MLflow's ``run.inputs.model_inputs``; migration 0008)."""

    __tablename__ = "run_model_inputs"

    run_id: Mapped[str] = mapped_column(
        ForeignKey("runs.run_id", ondelete="CASCADE"), primary_key=True
    )
    model_id: Mapped[str] = mapped_column(
        ForeignKey("logged_models.model_id", ondelete="CASCADE"), primary_key=True
    )


class RunModelOutputModel(Base):
    """A run produced a logged model (MLflow's run outputs)."""

    __tablename__ = "run_model_outputs"

    run_id: Mapped[str] = mapped_column(
        ForeignKey("runs.run_id", ondelete="CASCADE"), primary_key=True
    )
    model_id: Mapped[str] = mapped_column(
        ForeignKey("logged_models.model_id", ondelete="CASCADE"), primary_key=True
    )
    step: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class RegisteredModelModel(Base):
    """A registered model. The surrogate id keeps renames to one UPDATE of one row.

    ``last_version`` is the highest version number it has given: the next version takes
    the one after, so a number is never given twice, even after its version is deleted."""

    __tablename__ = "registered_models"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(
        String(MAX_REGISTERED_MODEL_NAME_LENGTH), nullable=False, unique=True
    )
    description: Mapped[str] = mapped_column(
        String(MAX_DESCRIPTION_LENGTH), nullable=False, default=""
    )
    creation_timestamp: Mapped[int] = mapped_column(BigInteger, nullable=False)
    last_updated_timestamp: Mapped[int] = mapped_column(BigInteger, nullable=False)
    last_version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")


class RegisteredModelTagModel(Base):
    __tablename__ = "registered_model_tags"

    registered_model_id: Mapped[int] = mapped_column(
        ForeignKey("registered_models.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(String(TAG_VALUE_LENGTH), nullable=False, default="")


class ModelVersionModel(Base):
    """One version; (registered_model_id, version) is unique, so two writers racing for
    the same number cannot both win.

    ``storage_location`` is where the files are when the source names another registry
    object (``models:/m-<id>``, ``models:/<name>/<n>``), resolved at creation as MLflow
    does; NULL when that is the source itself."""

    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True, autoincrement=True)
    registered_model_id: Mapped[int] = mapped_column(
        ForeignKey("registered_models.id", ondelete="CASCADE"), nullable=False
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    source: Mapped[str] = mapped_column(String(MAX_URI_LENGTH), nullable=False, default="")
    storage_location: Mapped[str | None] = mapped_column(String(ARTIFACT_URI_LENGTH))
    run_id: Mapped[str | None] = mapped_column(String(MAX_VERSION_RUN_ID_LENGTH))
    model_id: Mapped[str | None] = mapped_column(String(MAX_MODEL_ID_LENGTH))
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="READY")
    current_stage: Mapped[str] = mapped_column(String(20), nullable=False, default="None")
    description: Mapped[str] = mapped_column(
        String(MAX_DESCRIPTION_LENGTH), nullable=False, default=""
    )
    creation_timestamp: Mapped[int] = mapped_column(BigInteger, nullable=False)
    last_updated_timestamp: Mapped[int] = mapped_column(BigInteger, nullable=False)

    __table_args__ = (
        UniqueConstraint("registered_model_id", "version", name="uq_model_versions_number"),
        Index("ix_model_versions_run_id", "run_id"),
    )


class ModelVersionTagModel(Base):
    __tablename__ = "model_version_tags"

    model_version_id: Mapped[int] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(String(TAG_VALUE_LENGTH), nullable=False, default="")


class RegisteredModelAliasModel(Base):
    """``alias`` -> one version of one registered model."""

    __tablename__ = "registered_model_aliases"

    registered_model_id: Mapped[int] = mapped_column(
        ForeignKey("registered_models.id", ondelete="CASCADE"), primary_key=True
    )
    alias: Mapped[str] = mapped_column(String(256), primary_key=True)
    model_version_id: Mapped[int] = mapped_column(
        ForeignKey("model_versions.id", ondelete="CASCADE"), nullable=False
    )


def _table(model: type[Base]) -> Table:
    """A model's table (SQLAlchemy types ``__table__`` as any FromClause; a declarative
    model's is a Table, which insert/update/delete need)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


experiments = _table(ExperimentModel)
experiment_tags = _table(ExperimentTagModel)
runs = _table(RunModel)
params = _table(ParamModel)
tags = _table(TagModel)
metrics = _table(MetricModel)
latest_metrics = _table(LatestMetricModel)
datasets = _table(DatasetModel)
inputs = _table(InputModel)
input_tags = _table(InputTagModel)
logged_batches = _table(LoggedBatchModel)

logged_models = _table(LoggedModelModel)
logged_model_tags = _table(LoggedModelTagModel)
logged_model_params = _table(LoggedModelParamModel)
logged_model_metrics = _table(LoggedModelMetricModel)
run_model_inputs = _table(RunModelInputModel)
run_model_outputs = _table(RunModelOutputModel)
registered_models = _table(RegisteredModelModel)
registered_model_tags = _table(RegisteredModelTagModel)
model_versions = _table(ModelVersionModel)
model_version_tags = _table(ModelVersionTagModel)
registered_model_aliases = _table(RegisteredModelAliasModel)
