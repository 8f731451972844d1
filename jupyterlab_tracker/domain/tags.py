"""The reserved tag names, each spelled once (stdlib only).

MLflow's are those of ``mlflow/utils/mlflow_tags.py`` (and ``mlflow.prompt.is_prompt``,
``mlflow/prompt/constants.py``) that jupyterlab_tracker reads or writes; MLflow's own
clients and web UI read the same tags, so the names must stay exactly MLflow's. Ours start
with ``jupyterlab_tracker.``. ``tests/service/test_one_home.py`` fails if a module outside this one
spells a name out. The frontend's copies are in ``src/tags.ts``.
"""

from __future__ import annotations

# -- MLflow's run tags ---------------------------------------------------------------------
# The run's name; the store keeps runs.name equal to it.
RUN_NAME_TAG = "mlflow.runName"
# The run's description (MLflow's web UI edits it as the run's note).
NOTE_TAG = "mlflow.note.content"
# The run a nested run was started in.
PARENT_RUN_TAG = "mlflow.parentRunId"
# Who ran it; fills the run's user_id when none is given.
USER_TAG = "mlflow.user"
# Where it ran: the notebook or script, and which kind of source that is.
SOURCE_NAME_TAG = "mlflow.source.name"
SOURCE_TYPE_TAG = "mlflow.source.type"
SOURCE_TYPE_NOTEBOOK = "NOTEBOOK"  # MLflow's SourceType names
SOURCE_TYPE_LOCAL = "LOCAL"
GIT_COMMIT_TAG = "mlflow.source.git.commit"
# A JSON list of {"path", "type"} for the tables and images logged to the run.
LOGGED_ARTIFACTS_TAG = "mlflow.loggedArtifacts"
# A logged model's registered versions: a JSON list of {"name", "version"}.
MODEL_VERSIONS_TAG = "mlflow.modelVersions"

# -- MLflow's other tags -------------------------------------------------------------------
# A dataset input's role ("training", "eval", ...), a tag of the input.
DATASET_CONTEXT_TAG = "mlflow.data.context"
# MLflow keeps prompts as registered models with this tag set to "true"; registry
# searches leave them out unless the filter asks for them.
PROMPT_TAG = "mlflow.prompt.is_prompt"

# -- ours ------------------------------------------------------------------------------------
# The traceback of a %%track cell that failed (its last characters).
ERROR_TAG = "jupyterlab_tracker.error"
GIT_DIRTY_TAG = "jupyterlab_tracker.git.dirty"
PYTHON_VERSION_TAG = "jupyterlab_tracker.python_version"
# The source of the cell that started the run.
CELL_SOURCE_TAG = "jupyterlab_tracker.cell_source"

# Every name above that is a tag key (not a value such as SOURCE_TYPE_NOTEBOOK).
RESERVED_TAGS = frozenset(value for name, value in dict(globals()).items() if name.endswith("_TAG"))
