"""mlflow's fluent run stack and active experiment, as jt's fluent API shares them (one
active run and one current experiment per kernel).

Everything here looks at ``mlflow`` only when the user's code has already imported it
(``sys.modules``): jt never imports mlflow itself. jt and mlflow share runs only when they
log to the same store (see ``shares_store``); otherwise they stay two worlds, as before.
The rules are in docs/mlflow-compatibility.md ("jt and mlflow in one kernel: one active
run", "... one current experiment").
"""

from __future__ import annotations

import os
import sys
import threading

from ..config import STORE_URI_ENV

FLUENT_MODULE = "mlflow.tracking.fluent"
RUN_ID_ENV = "MLFLOW_RUN_ID"  # mlflow's own: its next start_run() resumes this run
# mlflow's own: its runs go here when its fluent module has no active experiment.
EXPERIMENT_ID_ENV = "MLFLOW_EXPERIMENT_ID"
TRACKING_URI_ENV = "MLFLOW_TRACKING_URI"
MAIN_THREAD_ID = threading.main_thread().ident


def loaded_fluent():
    """mlflow's fluent module if the kernel has imported mlflow and this is the main
    thread, else None (never imports).

    mlflow's active run is per thread, jt's per process: they are one in the main thread,
    where a notebook's cells run. Other threads (a live chart polling, user threads) see
    jt's active run through jt and their own through mlflow, as before."""
    if threading.get_ident() != MAIN_THREAD_ID:
        return None
    return sys.modules.get(FLUENT_MODULE)


def top_run_id(fluent) -> str | None:
    """The id of mlflow's active run (thread-local, as in mlflow), or None."""
    run = fluent.active_run()
    return run.info.run_id if run is not None else None


def stack_run_ids(fluent) -> list[str]:
    """mlflow's active runs, outermost first (its public API shows only the innermost)."""
    return [run.info.run_id for run in fluent._active_run_stack.get()]


def push(fluent, run_id: str) -> None:
    """Make ``run_id`` (RUNNING already, started by jt) mlflow's active run, nested in the
    one mlflow has. What ``mlflow.start_run(run_id=...)`` ends with, without its
    status update (the run is running) or its check against mlflow's current experiment
    (the run is jt's; its experiment is jt's choice)."""
    from mlflow import MlflowClient

    fluent._active_run_stack.get().append(fluent.ActiveRun(MlflowClient().get_run(run_id)))


def same_store(jt_uri: str, mlflow_uri: str) -> bool:
    """Whether jt (``jt_uri``) and mlflow (``mlflow_uri``) read and write the same runs.

    Yes when both are the same tracker URL, or when both still have what the Jupyter
    server gave its kernels: its store for jt (``$JUPYTERLAB_TRACKER_URI``) and its
    MLflow API for mlflow (``$MLFLOW_TRACKING_URI``, set in the same launch)."""
    if not mlflow_uri:
        return False
    if jt_uri.rstrip("/") == mlflow_uri.rstrip("/"):
        return True
    return (
        jt_uri == os.environ.get(STORE_URI_ENV)
        and mlflow_uri == os.environ.get(TRACKING_URI_ENV)
        and mlflow_uri.rstrip("/").endswith("/tracker")
    )


def shares_store(jt_uri: str) -> bool:
    """Whether the loaded mlflow logs where jt does (reads mlflow's current URI)."""
    import mlflow  # loaded already: the caller found its fluent module

    return same_store(jt_uri, mlflow.get_tracking_uri())


def env_would_share_store(jt_uri: str) -> bool:
    """Whether an mlflow imported later (configured from the environment) would log where
    jt does."""
    return same_store(jt_uri, os.environ.get(TRACKING_URI_ENV, ""))


def announce(run_id: str | None) -> None:
    """Tell an mlflow not imported yet which run is active: its first fluent call
    (``mlflow.log_metric``, ``mlflow.start_run()``) resumes ``run_id`` (mlflow clears the
    variable when it does, and on ``end_run``). None withdraws it."""
    if run_id is None:
        os.environ.pop(RUN_ID_ENV, None)
    else:
        os.environ[RUN_ID_ENV] = run_id


def active_experiment_id(jt_uri: str) -> str | None:
    """mlflow's current experiment (``mlflow.set_experiment``'s, or one jt gave it), when
    the kernel has imported mlflow and it logs where jt does; else None.

    mlflow keeps it per process (not per thread), so every thread sees it, as in mlflow."""
    fluent = sys.modules.get(FLUENT_MODULE)
    experiment_id = getattr(fluent, "_active_experiment_id", None)
    if not experiment_id or not shares_store(jt_uri):
        return None
    return experiment_id


def share_experiment(jt_uri: str, experiment_id: str) -> None:
    """jt made ``experiment_id`` current: make it mlflow's too, as ``mlflow.set_experiment``
    would (its module global now, when mlflow is loaded; its ``MLFLOW_EXPERIMENT_ID``,
    which a later-imported mlflow and subprocesses read, either way)."""
    fluent = sys.modules.get(FLUENT_MODULE)
    if fluent is not None:
        if not shares_store(jt_uri):
            return
        vars(fluent)["_active_experiment_id"] = experiment_id  # mlflow's module global
    elif not env_would_share_store(jt_uri):
        return
    os.environ[EXPERIMENT_ID_ENV] = experiment_id
