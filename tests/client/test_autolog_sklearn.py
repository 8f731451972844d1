"""scikit-learn autologging with real scikit-learn: ``jt.autolog()`` against the embedded
store, and ``mlflow.autolog()`` and ``jt.autolog()`` side by side against a live lab server
(the same script, support/mlflow_scripts/sklearn_autolog.py, must leave the same runs)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from support.autologging import autolog_session
from support.scripts import run_script

import jupyterlab_tracker as jt
from jupyterlab_tracker.autologging import sklearn as sklearn_autolog
from jupyterlab_tracker.errors import TrackerError

# The small max_iter of some fits below does not always converge: not what is tested.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

CLASSIFIER_METRICS = {
    "training_score",
    "training_accuracy_score",
    "training_precision_score",
    "training_recall_score",
    "training_f1_score",
    "training_log_loss",
    "training_roc_auc",
}
REGRESSOR_METRICS = {
    "training_score",
    "training_mean_squared_error",
    "training_root_mean_squared_error",
    "training_mean_absolute_error",
    "training_r2_score",
}
CV_RESULT_METRICS = {
    "mean_fit_time",
    "std_fit_time",
    "mean_score_time",
    "std_score_time",
    "mean_test_score",
    "std_test_score",
    "rank_test_score",
}


@pytest.fixture
def iris():
    return load_iris(return_X_y=True)


@pytest.fixture
def session(monkeypatch, tmp_path):
    with autolog_session(monkeypatch, tmp_path) as jt_session:
        yield jt_session


def children_of(run_id: str):
    return jt.search_runs(
        experiment_ids=[jt.get_run(run_id).info.experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{run_id}'",
        output_format="list",
    )


def test_a_pipeline_fit_logs_params_metrics_and_the_model(session, iris):
    X, y = iris
    assert "sklearn" in jt.autolog()  # (and every other installed integration)
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=300))
    assert pipeline.fit(X, y) is pipeline  # fit still returns the estimator
    assert jt.active_run() is None  # the run autologging started is ended
    run = jt.last_active_run()
    assert run.info.status == "FINISHED"
    params = run.data.params
    assert params["logisticregression__C"] == "0.5" and params["memory"] == "None"
    assert set(params) == set(pipeline.get_params(deep=True))
    assert set(run.data.metrics) == CLASSIFIER_METRICS
    assert run.data.metrics["training_score"] == pytest.approx(pipeline.score(X, y))
    assert run.data.tags["estimator_name"] == "Pipeline"
    assert run.data.tags["estimator_class"] == "sklearn.pipeline.Pipeline"
    # One run for the whole fit: the steps' own fits log nothing of their own.
    assert len(jt.search_runs(output_format="list")) == 1
    loaded = jt.sklearn.load_model(f"runs:/{run.info.run_id}/model")
    np.testing.assert_array_equal(loaded.predict(X), pipeline.predict(X))


def test_a_regressor_logs_mlflows_regression_metrics(session):
    X, y = load_diabetes(return_X_y=True)
    jt.sklearn.autolog(log_models=False)
    model = Ridge(alpha=0.3).fit(X, y)
    metrics = jt.last_active_run().data.metrics
    assert set(metrics) == REGRESSOR_METRICS
    assert metrics["training_root_mean_squared_error"] == pytest.approx(
        math.sqrt(metrics["training_mean_squared_error"])
    )
    assert metrics["training_r2_score"] == pytest.approx(model.score(X, y))
    # log_models=False: no model (the run may hold the captured code of the process that ran it).
    artifacts = {info.path for info in jt.list_artifacts(jt.last_active_run().info.run_id)}
    assert "model" not in artifacts


def test_a_fit_inside_a_run_logs_into_it_and_leaves_it_running(session, iris):
    jt.autolog(log_models=False)
    with jt.start_run() as run:
        LogisticRegression(max_iter=300).fit(*iris)
        assert jt.active_run().info.run_id == run.info.run_id
    logged = jt.get_run(run.info.run_id)
    assert set(logged.data.metrics) == CLASSIFIER_METRICS and logged.data.params["C"] == "1.0"


def test_a_failing_fit_fails_its_run_and_raises(session):
    jt.autolog()
    with pytest.raises(ValueError):
        LinearRegression().fit([[1.0], [2.0]], [1.0])  # inconsistent numbers of samples
    run = jt.last_active_run()
    assert run.info.status == "FAILED" and jt.active_run() is None


def test_a_grid_search_has_a_child_run_per_candidate(session, iris):
    jt.autolog()
    search = GridSearchCV(LogisticRegression(max_iter=300), {"C": [0.01, 0.1, 1.0]}, cv=3)
    search.fit(*iris)
    parent = jt.last_active_run()
    assert parent.data.params["best_C"] == str(search.best_params_["C"])
    assert parent.data.params["estimator"] == str(search.estimator)  # get_params(deep=False)
    assert parent.data.metrics["best_cv_score"] == pytest.approx(search.best_score_)
    assert set(parent.data.metrics) >= CLASSIFIER_METRICS
    assert parent.data.tags["estimator_name"] == "GridSearchCV"
    children = children_of(parent.info.run_id)
    assert sorted(child.data.params["C"] for child in children) == ["0.01", "0.1", "1.0"]
    for child in children:
        assert child.info.status == "FINISHED"
        assert set(child.data.metrics) == CV_RESULT_METRICS
        assert child.data.tags["estimator_name"] == "LogisticRegression"
        index = [str(c) for c in search.cv_results_["param_C"]].index(child.data.params["C"])
        assert child.data.metrics["mean_test_score"] == pytest.approx(
            search.cv_results_["mean_test_score"][index]
        )
    best = jt.sklearn.load_model(f"runs:/{parent.info.run_id}/model")
    assert best.best_params_ == search.best_params_


def test_candidate_fits_on_joblib_threads_log_no_runs_of_their_own(session, iris):
    from joblib import parallel_backend

    jt.autolog(log_models=False)
    search = GridSearchCV(LogisticRegression(max_iter=300), {"C": [0.1, 1.0]}, cv=2, n_jobs=2)
    with parallel_backend("threading"):
        search.fit(*iris)
    parent = jt.last_active_run()
    assert len(children_of(parent.info.run_id)) == 2
    assert len(jt.search_runs(output_format="list")) == 3  # the parent and its children


def test_max_tuning_runs_keeps_the_best_candidates(session, iris):
    jt.sklearn.autolog(log_models=False, max_tuning_runs=2)
    search = RandomizedSearchCV(
        LogisticRegression(max_iter=300),
        {"C": [0.001, 0.01, 0.1, 1.0, 10.0]},
        n_iter=5,
        cv=3,
        random_state=0,
    )
    search.fit(*iris)
    children = children_of(jt.last_active_run().info.run_id)
    assert len(children) == 2
    assert (
        sorted(c.data.metrics["rank_test_score"] for c in children)
        == sorted(search.cv_results_["rank_test_score"])[:2]
    )
    with pytest.raises(TrackerError):
        jt.sklearn.autolog(max_tuning_runs=-1)


def test_disable_restores_every_fit(session, iris):
    original = vars(LogisticRegression)["fit"]
    jt.autolog()
    assert vars(LogisticRegression)["fit"] is not original
    assert sklearn_autolog.is_enabled()
    jt.autolog(disable=True)
    assert vars(LogisticRegression)["fit"] is original and vars(Pipeline)["fit"].__module__ == (
        "sklearn.pipeline"
    )
    LogisticRegression(max_iter=300).fit(*iris)
    assert jt.last_active_run() is None  # no run was started


def test_each_integration_can_be_left_out(session, iris):
    assert "sklearn" not in jt.autolog(exclude=["sklearn"])
    assert not sklearn_autolog.is_enabled()
    jt.sklearn.autolog()
    jt.sklearn.autolog(disable=True)  # on its own, as mlflow.sklearn.autolog(disable=True)
    LogisticRegression(max_iter=300).fit(*iris)
    assert jt.last_active_run() is None
    with pytest.raises(TrackerError) as error:
        jt.autolog(exclude=["sklern"])
    assert "sklearn" in error.value.message


def test_long_params_are_truncated_as_mlflow_truncates_them():
    truncated = sklearn_autolog.truncate({"k" * 300: "v" * 7000, "short": 1})
    (long_key, long_value), (short_key, short_value) = truncated.items()
    assert len(long_key) == 250 and long_key.endswith("...")
    assert len(long_value) == 6000 and long_value.endswith("...")
    assert (short_key, short_value) == ("short", "1")


# -- against a live lab server -----------------------------------------------------------


def autolog_script(server, client: str) -> dict:
    env = {
        "AUTOLOG_CLIENT": client,
        "AUTOLOG_EXPERIMENT": f"autolog-{client}",
        "JUPYTERLAB_TRACKER_URI": server.tracker_url,
        "JUPYTERLAB_TRACKER_TOKEN": server.token,
    }
    return run_script(server, "sklearn_autolog.py", env)


def summary(client: jt.TrackerClient, run_id: str) -> dict:
    """What autologging left in a run, ids left out."""
    run = client.get_run(run_id)
    children = client.search_all_runs(
        [run.info.experiment_id], f"tags.mlflow.parentRunId = '{run_id}'"
    )
    return {
        "status": run.info.status,
        "params": run.data.params,
        "metrics": {k: round(v, 6) for k, v in run.data.metrics.items()},
        "tags": {k: v for k, v in run.data.tags.items() if k.startswith("estimator_")},
        "children": sorted(
            (child.data.params["C"], sorted(child.data.metrics)) for child in children
        ),
    }


@pytest.mark.slow
def test_mlflow_autolog_and_jt_autolog_leave_the_same_runs_on_the_lab_server(lab_server):
    reports = {
        client: autolog_script(lab_server, client) for client in ("mlflow", "jupyterlab_tracker")
    }
    client = jt.TrackerClient(lab_server.tracker_url, token=lab_server.token)
    for fit in ("pipeline", "regressor", "search"):
        theirs = summary(client, reports["mlflow"][fit])
        ours = summary(client, reports["jupyterlab_tracker"][fit])
        assert theirs["status"] == "FINISHED" and theirs["metrics"], fit
        assert set(ours["metrics"]) == set(theirs["metrics"]), fit
        # Timing metrics differ run to run; the training metrics are the same numbers.
        assert ours["metrics"] == pytest.approx(theirs["metrics"]), fit
        assert {k: v for k, v in ours.items() if k != "metrics"} == {
            k: v for k, v in theirs.items() if k != "metrics"
        }, fit
    assert summary(client, reports["mlflow"]["search"])["children"]  # mlflow made children
    assert (
        not reports["mlflow"]["active_after"] and not reports["jupyterlab_tracker"]["active_after"]
    )
    client.close()


@pytest.mark.slow
def test_jt_autolog_over_http_in_process(jt_over_http, iris):
    try:
        jt.autolog()
        LogisticRegression(max_iter=300).fit(*iris)
    finally:
        jt.autolog(disable=True)
    run = jt.last_active_run()
    assert set(run.data.metrics) == CLASSIFIER_METRICS and run.data.params["C"] == "1.0"
    assert jt.sklearn.load_model(f"runs:/{run.info.run_id}/model").predict(iris[0][:2]).shape == (
        2,
    )
