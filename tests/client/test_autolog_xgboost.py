"""XGBoost autologging with real XGBoost (tiny data, few rounds): ``jt.autolog()`` patching
``xgboost.train`` and the scikit-learn API, and ``jt.xgboost.Callback()`` on its own."""

from __future__ import annotations

import numpy as np
import pytest
from support.autologging import artifact_json, autolog_session, metric_points, model_directory

import jupyterlab_tracker as jt
from jupyterlab_tracker.autologging import xgboost as xgboost_autolog

xgb = pytest.importorskip("xgboost")

PARAMS = {"objective": "binary:logistic", "max_depth": 2, "eval_metric": ["logloss", "auc"]}


@pytest.fixture
def session(monkeypatch, tmp_path):
    with autolog_session(monkeypatch, tmp_path) as jt_session:
        yield jt_session


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    return X, y


def test_train_logs_params_metrics_per_iteration_importance_and_the_booster(
    session, data, tmp_path
):
    X, y = data
    jt.xgboost.autolog()
    dtrain, dvalid = xgb.DMatrix(X[:90], label=y[:90]), xgb.DMatrix(X[90:], label=y[90:])
    evals_result: dict = {}
    booster = xgb.train(
        PARAMS,
        dtrain,
        num_boost_round=4,
        evals=[(dtrain, "train"), (dvalid, "valid")],
        evals_result=evals_result,
        verbose_eval=False,
    )
    run = jt.last_active_run()
    assert run.info.status == "FINISHED" and jt.active_run() is None
    params = run.data.params
    assert params["max_depth"] == "2" and params["objective"] == "binary:logistic"
    assert params["num_boost_round"] == "4" and params["early_stopping_rounds"] == "None"
    assert "evals" not in params and "callbacks" not in params
    assert set(run.data.metrics) == {"train-logloss", "train-auc", "valid-logloss", "valid-auc"}
    for data_name in ("train", "valid"):
        logged = metric_points(run.info.run_id, f"{data_name}-logloss")
        assert [step for step, _ in logged] == [0, 1, 2, 3]
        assert [value for _, value in logged] == pytest.approx(evals_result[data_name]["logloss"])
    importance = artifact_json(run.info.run_id, "feature_importance_weight.json", str(tmp_path))
    assert importance == booster.get_score(importance_type="weight") and importance

    loaded = jt.xgboost.load_model(f"runs:/{run.info.run_id}/model")
    assert isinstance(loaded, xgb.Booster)
    np.testing.assert_allclose(loaded.predict(dvalid), booster.predict(dvalid))
    # MLflow's own loaders take it.
    import mlflow.pyfunc
    import mlflow.xgboost

    local = model_directory(f"runs:/{run.info.run_id}/model", str(tmp_path / "model"))
    np.testing.assert_allclose(
        mlflow.xgboost.load_model(local).predict(dvalid), booster.predict(dvalid)
    )
    np.testing.assert_allclose(
        mlflow.pyfunc.load_model(local).predict(X[90:]), booster.predict(dvalid)
    )


def test_early_stopping_logs_the_best_iteration_as_mlflow_does(session, data):
    X, y = data
    jt.autolog(log_models=False)
    dtrain, dvalid = xgb.DMatrix(X[:90], label=y[:90]), xgb.DMatrix(X[90:], label=y[90:] * 0)
    booster = xgb.train(
        {"objective": "binary:logistic", "eval_metric": "logloss"},
        dtrain,
        num_boost_round=30,
        evals=[(dvalid, "valid")],
        early_stopping_rounds=2,
        verbose_eval=False,
    )
    run = jt.last_active_run()
    stopped = (
        len(metric_points(run.info.run_id, "valid-logloss")) - 2
    )  # + the best iteration's point
    assert run.data.metrics["best_iteration"] == booster.best_iteration
    assert run.data.metrics["stopped_iteration"] == stopped
    last_step, best_value = metric_points(run.info.run_id, "valid-logloss")[-1]
    assert last_step == stopped + 1
    assert best_value == pytest.approx(float(booster.attr("best_score")))


def test_a_scikit_learn_api_fit_logs_its_estimator(session, data, tmp_path):
    X, y = data
    jt.autolog()
    classifier = xgb.XGBClassifier(n_estimators=3, max_depth=2, eval_metric="logloss")
    assert classifier.fit(X, y, eval_set=[(X, y)], verbose=False) is classifier
    run = jt.last_active_run()
    assert run.info.status == "FINISHED"
    assert run.data.params["num_boost_round"] == "3" and run.data.params["max_depth"] == "2"
    assert [step for step, _ in metric_points(run.info.run_id, "validation_0-logloss")] == [0, 1, 2]
    assert artifact_json(run.info.run_id, "feature_importance_weight.json", str(tmp_path))
    loaded = jt.xgboost.load_model(f"runs:/{run.info.run_id}/model")
    assert type(loaded) is xgb.XGBClassifier
    np.testing.assert_array_equal(loaded.predict(X), classifier.predict(X))
    assert len(jt.search_runs(output_format="list")) == 1  # the fit's train logs no run of its own


def test_the_callback_alone_logs_into_the_active_run(session, data):
    X, y = data
    with jt.start_run() as run:
        xgb.train(
            {"objective": "binary:logistic"},
            xgb.DMatrix(X, label=y),
            num_boost_round=2,
            evals=[(xgb.DMatrix(X, label=y), "train")],
            verbose_eval=False,
            callbacks=[jt.xgboost.Callback(importance_types=["gain"], params={"lr": 0.3})],
        )
        assert jt.active_run().info.run_id == run.info.run_id  # left running
    logged = jt.get_run(run.info.run_id)
    assert logged.data.params == {"lr": "0.3"}
    assert [step for step, _ in metric_points(run.info.run_id, "train-logloss")] == [0, 1]
    paths = {f.path for f in jt.list_artifacts(run.info.run_id)}  # (+ any captured code)
    assert "feature_importance_gain.json" in paths and "feature_importance_weight.json" not in paths
    assert isinstance(jt.xgboost.load_model(f"runs:/{run.info.run_id}/model"), xgb.Booster)


def test_a_failing_training_fails_the_run_autologging_started(session):
    jt.autolog()
    with pytest.raises(xgb.core.XGBoostError):
        xgb.train({"objective": "no:such:objective"}, xgb.DMatrix(np.ones((4, 2))), 2)
    assert jt.last_active_run().info.status == "FAILED" and jt.active_run() is None


def test_disable_and_exclude_leave_xgboost_unpatched(session, data):
    X, y = data
    original_train, original_fit = xgb.train, vars(xgb.XGBClassifier)["fit"]
    jt.autolog(exclude=["xgboost"])
    assert xgb.train is original_train and not xgboost_autolog.is_enabled()
    jt.autolog()
    assert xgb.train is not original_train
    jt.xgboost.autolog(disable=True)
    assert xgb.train is original_train and vars(xgb.XGBClassifier)["fit"] is original_fit
    xgb.XGBClassifier(n_estimators=2).fit(X, y)
    assert jt.last_active_run() is None
