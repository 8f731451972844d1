/**
 * The reserved run tags the frontend reads, MLflow's names. Their one home is the Python
 * module `jupyterlab_tracker/domain/tags.py`: these are copies with the same names, and
 * `tests/views/test_tags_parity.py` checks that they stay equal.
 */

/** The run's description (MLflow's web UI edits it as the run's note). */
export const NOTE_TAG = 'mlflow.note.content';
/** The run a nested run was started in. */
export const PARENT_RUN_TAG = 'mlflow.parentRunId';
/** The notebook or script the run came from. */
export const SOURCE_NAME_TAG = 'mlflow.source.name';
export const GIT_COMMIT_TAG = 'mlflow.source.git.commit';

/** MLflow reserves the tags under this prefix; the run page lists the others. */
export const RESERVED_TAG_PREFIX = 'mlflow.';
