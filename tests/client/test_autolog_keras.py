"""Keras 3 autologging with real Keras on its torch backend (TensorFlow is not installed):
``jt.keras.Callback`` and ``jt.autolog()`` against the embedded store, a tiny model, a few
steps."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("KERAS_BACKEND", "torch")  # before keras is imported

import keras  # noqa: E402
import mlflow.keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from support.autologging import autolog_session, metric_points  # noqa: E402

import jupyterlab_tracker as jt  # noqa: E402
from jupyterlab_tracker.autologging import keras as keras_autolog  # noqa: E402
from jupyterlab_tracker.client import fluent  # noqa: E402

pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn.t accept a copy keyword:DeprecationWarning"
)

EPOCHS = 3
SAMPLES = 24
BATCH = 8  # 3 optimizer steps an epoch


@pytest.fixture
def session(monkeypatch, tmp_path):
    assert keras.backend.backend() == "torch"
    with autolog_session(monkeypatch, tmp_path) as jt_session:
        keras.utils.set_random_seed(0)
        yield jt_session
    keras_autolog.unpatch()


def data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(SAMPLES, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


def tiny_model():
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    return model


def test_autolog_logs_params_epoch_metrics_and_the_model(session, tmp_path):
    assert "keras" in jt.autolog()
    x, y = data()
    model = tiny_model()
    history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, validation_split=0.25, verbose=0)
    assert jt.active_run() is None
    run = jt.last_active_run()
    assert run.info.status == "FINISHED"
    params = run.data.params
    assert params["batch_size"] == str(BATCH) and params["epochs"] == str(EPOCHS)
    assert params["validation_split"] == "0.25" and params["shuffle"] == "True"
    assert params["optimizer_name"] == "adam"
    assert float(params["optimizer_learning_rate"]) == pytest.approx(0.01)
    assert not {"x", "y", "callbacks", "verbose", "validation_data"} & set(params)
    # Keras's epoch logs, at step = epoch, with Keras's values.
    assert set(run.data.metrics) == set(history.history) == {"loss", "mae", "val_loss", "val_mae"}
    for key, values in history.history.items():
        logged = metric_points(run.info.run_id, key)
        assert [step for step, _ in logged] == list(range(EPOCHS)), key
        np.testing.assert_allclose([v for _, v in logged], values, rtol=1e-6)
    # The model in MLflow's keras flavor: loads in jt and in mlflow.keras, and predicts.
    expected = model.predict(x[:4], verbose=0)
    loaded = jt.load_model(f"runs:/{run.info.run_id}/model")
    np.testing.assert_allclose(loaded.predict(x[:4], verbose=0), expected, rtol=1e-5)
    client = fluent._client()
    (logged_model,) = client.search_logged_models(source_run_id=run.info.run_id).items
    local = client.artifacts.download(
        "logged-models", logged_model.model_id, "", str(tmp_path / "dl")
    )
    assert os.path.isfile(os.path.join(local, "data", "model.keras"))
    descriptor = mlflow.models.Model.load(local)
    assert descriptor.flavors["keras"]["keras_backend"] == "torch"
    np.testing.assert_allclose(mlflow.keras.load_model(local).predict(x[:4], verbose=0), expected)
    np.testing.assert_allclose(mlflow.pyfunc.load_model(local).predict(x[:4]), expected, rtol=1e-5)
    assert "model_summary.txt" in {f.path for f in jt.list_artifacts(run.info.run_id)}


def test_the_callback_by_hand_with_batch_metrics_every_n_steps(session):
    x, y = data()
    with jt.start_run() as run:
        callback = jt.keras.Callback(log_every_n_steps=2, log_models=False)
        tiny_model().fit(x, y, batch_size=BATCH, epochs=EPOCHS, callbacks=[callback], verbose=0)
        assert jt.active_run().info.run_id == run.info.run_id  # logs into the user's run
    logged = jt.get_run(run.info.run_id)
    assert logged.data.params["batch_size"] == str(BATCH)
    steps = [step for step, _ in metric_points(run.info.run_id, "loss")]
    assert steps == list(range(2, EPOCHS * SAMPLES // BATCH + 1, 2))  # optimizer iterations
    assert fluent._client().search_logged_models(source_run_id=run.info.run_id).items == []


def test_a_failing_fit_fails_its_run_and_raises(session):
    class Exploding(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                raise RuntimeError("the loss exploded")

    jt.autolog()
    x, y = data()
    with pytest.raises(RuntimeError, match="exploded"):
        tiny_model().fit(x, y, batch_size=BATCH, epochs=EPOCHS, callbacks=[Exploding()], verbose=0)
    run = jt.last_active_run()
    assert run.info.status == "FAILED" and jt.active_run() is None
    assert run.data.params["epochs"] == str(EPOCHS)


def test_disable_and_exclude(session):
    gc.collect()  # the jt Callbacks earlier tests made by hand (they keep fit patched)
    original = keras.Model.fit
    jt.autolog()
    assert keras.Model.fit is not original and keras_autolog.is_enabled()
    jt.keras.autolog(disable=True)  # on its own
    assert keras.Model.fit is original and not keras_autolog.is_enabled()
    assert "keras" not in jt.autolog(exclude=["keras"])
    assert not keras_autolog.is_enabled()
    x, y = data()
    tiny_model().fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
    assert jt.last_active_run() is None  # no run was started
