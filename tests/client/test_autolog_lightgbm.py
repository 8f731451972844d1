"""LightGBM autologging with real LightGBM (tiny data, few rounds): ``jt.autolog()``
patching ``lightgbm.train`` and the scikit-learn API, and ``jt.lightgbm.Callback()`` alone."""

from __future__ import annotations

import numpy as np
import pytest
from support.autologging import artifact_json, autolog_session, metric_points, model_directory

import jupyterlab_tracker as jt
from jupyterlab_tracker.autologging import lightgbm as lightgbm_autolog

lgb = pytest.importorskip("lightgbm")

PARAMS = {"objective": "binary", "num_leaves": 4, "min_data_in_leaf": 5, "verbose": -1}


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
    jt.lightgbm.autolog()
    train_set = lgb.Dataset(X[:90], label=y[:90])
    valid_set = lgb.Dataset(X[90:], label=y[90:], reference=train_set)
    evals: dict = {}
    booster = lgb.train(
        PARAMS,
        train_set,
        num_boost_round=4,
        valid_sets=[train_set, valid_set],
        valid_names=["train", "valid"],
        callbacks=[lgb.record_evaluation(evals)],
    )
    run = jt.last_active_run()
    assert run.info.status == "FINISHED" and jt.active_run() is None
    params = run.data.params
    assert params["num_leaves"] == "4" and params["objective"] == "binary"
    assert params["num_boost_round"] == "4" and params["keep_training_booster"] == "False"
    assert "valid_sets" not in params and "callbacks" not in params
    assert set(run.data.metrics) == {"train-binary_logloss", "valid-binary_logloss"}
    logged = metric_points(run.info.run_id, "valid-binary_logloss")
    assert [step for step, _ in logged] == [0, 1, 2, 3]
    assert [value for _, value in logged] == pytest.approx(evals["valid"]["binary_logloss"])
    for importance_type in ("split", "gain"):
        importance = artifact_json(
            run.info.run_id, f"feature_importance_{importance_type}.json", str(tmp_path)
        )
        expected = booster.feature_importance(importance_type=importance_type).tolist()
        assert importance == pytest.approx(dict(zip(booster.feature_name(), expected, strict=True)))

    loaded = jt.lightgbm.load_model(f"runs:/{run.info.run_id}/model")
    assert isinstance(loaded, lgb.Booster)
    np.testing.assert_allclose(loaded.predict(X), booster.predict(X))
    import mlflow.lightgbm
    import mlflow.pyfunc

    local = model_directory(f"runs:/{run.info.run_id}/model", str(tmp_path / "model"))
    np.testing.assert_allclose(mlflow.lightgbm.load_model(local).predict(X), booster.predict(X))
    np.testing.assert_allclose(mlflow.pyfunc.load_model(local).predict(X), booster.predict(X))


def test_early_stopping_logs_the_best_iteration_as_mlflow_does(session, data):
    X, y = data
    jt.lightgbm.autolog(log_models=False)
    train_set = lgb.Dataset(X[:90], label=y[:90])
    noise = lgb.Dataset(X[90:], label=1 - y[90:], reference=train_set)  # gets worse at once
    booster = lgb.train(
        PARAMS,
        train_set,
        num_boost_round=30,
        valid_sets=[noise],
        callbacks=[lgb.early_stopping(2, verbose=False)],
    )
    run = jt.last_active_run()
    points = metric_points(run.info.run_id, "valid_0-binary_logloss")
    stopped = len(points) - 1  # the iterations, then the best one again
    assert booster.best_iteration > 0
    assert run.data.metrics["best_iteration"] == booster.best_iteration
    assert run.data.metrics["stopped_iteration"] == stopped
    assert points[-1] == (stopped, pytest.approx(points[booster.best_iteration - 1][1]))


def test_a_scikit_learn_api_fit_logs_its_estimator(session, data, tmp_path):
    X, y = data
    jt.autolog()
    classifier = lgb.LGBMClassifier(n_estimators=3, num_leaves=4, verbose=-1)
    assert (
        classifier.fit(X, y, eval_X=(X[:40],), eval_y=(y[:40],), eval_names=["holdout"])
        is classifier
    )
    run = jt.last_active_run()
    assert run.info.status == "FINISHED"
    assert run.data.params["num_boost_round"] == "3" and run.data.params["num_leaves"] == "4"
    assert [step for step, _ in metric_points(run.info.run_id, "holdout-binary_logloss")] == [
        0,
        1,
        2,
    ]
    assert artifact_json(run.info.run_id, "feature_importance_split.json", str(tmp_path))
    loaded = jt.lightgbm.load_model(f"runs:/{run.info.run_id}/model")
    assert type(loaded) is lgb.LGBMClassifier
    np.testing.assert_array_equal(loaded.predict(X), classifier.predict(X))
    assert len(jt.search_runs(output_format="list")) == 1


def test_the_callback_alone_starts_and_ends_a_run(session, data):
    X, y = data
    lgb.train(
        PARAMS,
        lgb.Dataset(X, label=y),
        num_boost_round=3,
        valid_sets=[lgb.Dataset(X, label=y)],
        callbacks=[jt.lightgbm.Callback()],
    )
    run = jt.last_active_run()
    assert run.info.status == "FINISHED" and jt.active_run() is None
    assert run.data.params["num_leaves"] == "4"  # the params LightGBM hands its callbacks
    assert [step for step, _ in metric_points(run.info.run_id, "valid_0-binary_logloss")] == [
        0,
        1,
        2,
    ]
    assert {f.path for f in jt.list_artifacts(run.info.run_id)} >= {
        "feature_importance_split.json",
        "feature_importance_gain.json",
    }
    assert isinstance(jt.lightgbm.load_model(f"runs:/{run.info.run_id}/model"), lgb.Booster)


def test_a_failing_training_fails_the_run_autologging_started(session):
    jt.lightgbm.autolog()
    with pytest.raises(lgb.basic.LightGBMError):
        lgb.train({"objective": "no_such_objective", "verbose": -1}, lgb.Dataset(np.ones((4, 2))))
    assert jt.last_active_run().info.status == "FAILED" and jt.active_run() is None


def test_disable_and_exclude_leave_lightgbm_unpatched(session, data):
    X, y = data
    original_train, original_fit = lgb.train, vars(lgb.LGBMClassifier)["fit"]
    # (sklearn left out too: its autolog would log the LabelEncoder fit LightGBM makes)
    jt.autolog(exclude=["lightgbm", "transformers", "sklearn"])
    assert lgb.train is original_train and not lightgbm_autolog.is_enabled()
    jt.lightgbm.autolog()
    assert lgb.train is not original_train
    jt.lightgbm.autolog(disable=True)
    assert lgb.train is original_train and vars(lgb.LGBMClassifier)["fit"] is original_fit
    lgb.LGBMClassifier(n_estimators=2, verbose=-1).fit(X, y)
    assert jt.last_active_run() is None
