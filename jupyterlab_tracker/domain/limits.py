"""Every limit a request meets: string lengths, batch sizes, search sizes (stdlib only).

Each limit lives here once: ``service/validation.py`` checks requests against it, the
schema (``store/models.py``) sizes its columns from it, and the HTTP client, which may
not import the service, cuts what it sends to it. So SQLite (which ignores VARCHAR
lengths) and PostgreSQL (which enforces them) accept exactly the same inputs. A
migration that widens a column spells its new size out, as migrations must.

The figures are MLflow's (``mlflow/utils/validation.py`` and its SQL schema) unless
``docs/mlflow-compatibility.md`` says otherwise. Lengths count characters.
"""

from __future__ import annotations

# Metric, param and tag keys.
MAX_KEY_LENGTH = 250
# MLflow's logged_models.name column.
MAX_LOGGED_MODEL_NAME_LENGTH = 500
MAX_PARAM_VALUE_LENGTH = 6000
MAX_TAG_VALUE_LENGTH = 8000
# MLflow validates 500 (its own schema holds 256: MLflow on PostgreSQL fails in between).
MAX_EXPERIMENT_NAME_LENGTH = 500
# MLflow's runs.name column; the ``mlflow.runName`` tag always equals the run's name.
MAX_RUN_NAME_LENGTH = 250
# MLflow's runs.user_id column; ``mlflow.user`` fills it when no user is given.
MAX_USER_LENGTH = 256
# The longest run id looked up: MLflow's own pattern allows no longer one (ours are 32).
MAX_RUN_ID_LENGTH = 256
# An experiment's artifact location and a model version's source: MLflow's default
# MLFLOW_ARTIFACT_LOCATION_MAX_LENGTH.
MAX_URI_LENGTH = 2048
# What the store appends to an experiment's location for a run's or a logged model's
# artifact URI: "/<run id>/artifacts" (43) or "/models/m-<32 hex>/artifacts" (52).
ARTIFACT_URI_SUFFIX_ROOM = 64

MAX_DATASET_NAME_LENGTH = 500
MAX_DATASET_DIGEST_LENGTH = 36
MAX_DATASET_SOURCE_TYPE_LENGTH = 36
MAX_DATASET_SOURCE_LENGTH = 65535
MAX_DATASET_SCHEMA_LENGTH = 1048575
MAX_DATASET_PROFILE_LENGTH = 16777215
MAX_INPUT_TAG_VALUE_LENGTH = 500

MAX_MODEL_TYPE_LENGTH = 500
MAX_REGISTERED_MODEL_NAME_LENGTH = 256
# A model version's run_id: any string (MLflow's: the run may live on another tracker), up
# to MLflow's column width. Its model_id is a logged model here (34: "m-" and 32 hex).
MAX_VERSION_RUN_ID_LENGTH = 32
MAX_MODEL_ID_LENGTH = 34
MAX_DESCRIPTION_LENGTH = 5000
MAX_BATCH_ID_LENGTH = 64

MAX_METRICS_PER_BATCH = 1000
MAX_PARAMS_PER_BATCH = 100
MAX_TAGS_PER_BATCH = 100
MAX_ENTITIES_PER_BATCH = 1000
MAX_RESULTS_LIMIT = 50000
# Runs one action of the runs view (delete, restore, tag) or one permanent delete may name.
MAX_RUNS_PER_ACTION = 10000
# Tags one such action may set or remove on every run it names.
MAX_TAGS_PER_ACTION = 20
# Registered model searches: MLflow's default and largest page. Model version pages stop
# at MAX_RESULTS_LIMIT (MLflow's at 200,000, also its default).
REGISTERED_MODEL_RESULTS_DEFAULT = 100
MAX_REGISTERED_MODEL_RESULTS = 1000
# The other default pages, MLflow's: experiments, runs and model versions
# (SEARCH_MAX_RESULTS_DEFAULT), logged models (SEARCH_LOGGED_MODEL_MAX_RESULTS_DEFAULT).
SEARCH_RESULTS_DEFAULT = 1000
LOGGED_MODEL_RESULTS_DEFAULT = 100
# How many runs ``jt.search_runs`` (a DataFrame) reads by default, following pages:
# MLflow's SEARCH_MAX_RESULTS_PANDAS.
ALL_RUNS_RESULTS_DEFAULT = 100_000

# MLflow's bulk routes for its web UI (mlflow/server/handlers.py), which scripts call too:
# metrics/get-history-bulk (points in all), get-history-bulk-interval (points per run),
# experiments/search-datasets (summaries in all).
MAX_RUNS_PER_BULK_HISTORY = 100
MAX_BULK_HISTORY_POINTS = 25000
MAX_INTERVAL_POINTS_PER_RUN = 2500
MAX_EXPERIMENTS_PER_DATASET_SEARCH = 20
MAX_DATASET_SUMMARIES = 1000

# Search requests. Every real query fits with room to spare (the UI sends one order_by key
# and the filter a user types; MLflow's client adds one IN list of run ids), and each
# stays far from what the databases refuse or take long over: SQLite nests AND-ed clauses
# one level each up to its expression depth of 1000, joins at most 64 tables (runs + one
# per metric, param or tag order_by key) and binds at most 32766 values in a statement
# (SQLite >= 3.32); PostgreSQL plans each metric/param/tag clause as one more semi-join, in
# time that grows faster than the count (50 clauses: ~0.5 s, 100: ~3 s on 2 busy cores).
MAX_FILTER_CLAUSES = 50
MAX_FILTER_VALUES = 10_000  # in all the IN (...) lists of one filter
MAX_FILTER_LENGTH = 1_000_000  # characters: 50 clauses comparing whole 8000-char tag values
MAX_ORDER_BY_KEYS = 20

# Integers of MLflow's API are int64 (timestamps, steps, start/end times); they are
# stored in 64-bit integer columns.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
