"""PyTorch Lightning autologging with real Lightning (a tiny CPU model, a few steps):
``jt.lightning.Logger`` and ``jt.autolog()`` against the embedded store, checked against
Lightning's own CSVLogger of the same fit; and ``mlflow.autolog()`` (mlflow.pytorch) with
Lightning end to end against a live lab server."""

from __future__ import annotations

import csv
import gc
import math

import mlflow.pytorch
import numpy as np
import pytest
import torch
from lightning.pytorch import LightningModule, Trainer
from lightning.pytorch.callbacks import ModelCheckpoint
from lightning.pytorch.loggers import CSVLogger
from support.autologging import autolog_session, metric_points
from support.scripts import run_script
from torch.utils.data import DataLoader, TensorDataset

import jupyterlab_tracker as jt
from jupyterlab_tracker.autologging import lightning as lightning_autolog
from jupyterlab_tracker.client import fluent

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*does not have many workers.*"),
    pytest.mark.filterwarnings("ignore:.*LeafSpec.*"),  # Lightning 2.6 on torch 2.13
    pytest.mark.filterwarnings("ignore:You defined a `validation_step` but have no"),
]

STEPS_PER_EPOCH = 4
EPOCHS = 2


class Tiny(LightningModule):
    def __init__(self, hidden: int = 4, lr: float = 0.05, fail_at_step: int | None = None):
        super().__init__()
        self.save_hyperparameters()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(3, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 1)
        )

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        if self.hparams.fail_at_step == self.global_step:
            raise RuntimeError("the loss exploded")
        x, y = batch
        loss = torch.nn.functional.mse_loss(self(x), y)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.log("val_loss", torch.nn.functional.mse_loss(self(x), y))

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr, momentum=0.9)


def loader():
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(4 * STEPS_PER_EPOCH, 3, generator=generator)
    y = x.sum(dim=1, keepdim=True)
    return DataLoader(TensorDataset(x, y), batch_size=4)


def trainer(tmp_path, logger, **kwargs) -> Trainer:
    return Trainer(
        max_epochs=EPOCHS,
        logger=logger,
        log_every_n_steps=1,
        accelerator="cpu",
        enable_progress_bar=False,
        enable_model_summary=False,
        num_sanity_val_steps=0,
        default_root_dir=str(tmp_path),
        **kwargs,
    )


@pytest.fixture
def session(monkeypatch, tmp_path):
    with autolog_session(monkeypatch, tmp_path) as jt_session:
        torch.manual_seed(0)
        yield jt_session
    lightning_autolog.unpatch()


def csv_points(csv_logger: CSVLogger) -> dict[str, list[tuple[int, float]]]:
    """What Lightning's own CSVLogger recorded: metric -> [(step, value)]."""
    points: dict[str, list[tuple[int, float]]] = {}
    with open(f"{csv_logger.log_dir}/metrics.csv", encoding="utf-8") as file:
        for row in csv.DictReader(file):
            for key, value in row.items():
                if key != "step" and value != "":
                    points.setdefault(key, []).append((int(row["step"]), float(value)))
    return points


def jt_points(run_id: str, keys) -> dict[str, list[tuple[int, float]]]:
    return {key: metric_points(run_id, key) for key in keys}


def downloaded_model(run_id: str, tmp_path) -> str:
    client = fluent._client()
    (logged,) = client.search_logged_models(source_run_id=run_id).items
    return client.artifacts.download("logged-models", logged.model_id, "", str(tmp_path / "dl"))


def test_the_logger_logs_params_every_metric_with_its_step_and_the_best_checkpoint(
    session, tmp_path
):
    csv_logger = CSVLogger(str(tmp_path / "csv"))
    checkpoint = ModelCheckpoint(monitor="val_loss", mode="min", save_top_k=1)
    model = Tiny()
    fit = trainer(tmp_path, [jt.lightning.Logger(), csv_logger], callbacks=[checkpoint])
    fit.fit(model, loader(), loader())
    assert jt.active_run() is None  # the run the logger started is ended
    run = jt.last_active_run()
    assert run.info.status == "FINISHED"
    params = run.data.params
    assert params["hidden"] == "4" and params["lr"] == "0.05"  # save_hyperparameters
    assert params["fail_at_step"] == "None"
    assert params["epochs"] == str(EPOCHS) and params["optimizer_name"] == "SGD"
    assert params["momentum"] == "0.9"  # the optimizer's defaults, as MLflow logs them
    # Every point Lightning logged, at its step, with its value: as its CSVLogger has them.
    theirs = csv_points(csv_logger)
    assert set(theirs) == {"train_loss", "val_loss", "epoch"} == set(run.data.metrics)
    ours = jt_points(run.info.run_id, theirs)
    for key, points in theirs.items():
        assert [step for step, _ in ours[key]] == [step for step, _ in points], key
        np.testing.assert_allclose([v for _, v in ours[key]], [v for _, v in points], rtol=1e-6)
    assert len(ours["train_loss"]) == EPOCHS * STEPS_PER_EPOCH
    assert [step for step, _ in ours["train_loss"]] == list(range(EPOCHS * STEPS_PER_EPOCH))
    # The model is the best checkpoint's weights, in MLflow's pytorch flavor.
    assert run.data.tags[lightning_autolog.LOGGED_MODEL_TAG] == "best_checkpoint"
    best = torch.load(checkpoint.best_model_path, weights_only=False)["state_dict"]
    local = downloaded_model(run.info.run_id, tmp_path)
    loaded = mlflow.pytorch.load_model(local)
    for name, tensor in loaded.state_dict().items():
        torch.testing.assert_close(tensor, best[name])
    features = np.random.default_rng(0).normal(size=(2, 3)).astype(np.float32)
    with torch.no_grad():
        expected = loaded(torch.as_tensor(features)).numpy()
    predicted = jt.load_model(f"runs:/{run.info.run_id}/model").predict(features)
    np.testing.assert_allclose(predicted, expected, rtol=1e-6)
    assert "model_summary.txt" in {f.path for f in jt.list_artifacts(run.info.run_id)}


def test_log_metrics_only_appends_to_the_buffer(session, tmp_path, monkeypatch):
    """No write per step: the points reach the store in the buffer's batches."""
    logger = jt.lightning.Logger()
    client = fluent._client()
    writes = []
    log_batch = client.backend.log_batch

    def counted(*args, **kwargs):
        writes.append(1)
        return log_batch(*args, **kwargs)

    monkeypatch.setattr(client.backend, "log_batch", counted)
    client._buffer.flush_interval = 3600  # the writer thread waits: only flush writes
    for step in range(50):
        logger.log_metrics({"loss": 1.0 / (step + 1), "epoch": 0}, step)
    assert writes == [] and len(client._buffer) == 100
    jt.flush()
    assert len(writes) == 1
    assert [m.step for m in jt.get_metric_history(logger.run_id, "loss")] == list(range(50))
    jt.end_run()


def test_autolog_adds_the_logger_to_every_fit_and_logs_the_final_model(session, tmp_path):
    assert "lightning" in jt.autolog()
    model = Tiny(hidden=3)
    fit = trainer(tmp_path, False, enable_checkpointing=False)
    fit.fit(model, loader())
    run = jt.last_active_run()
    assert run.info.status == "FINISHED" and jt.active_run() is None
    assert run.data.params["hidden"] == "3" and run.data.params["optimizer_name"] == "SGD"
    assert set(run.data.metrics) == {"train_loss", "epoch"}
    assert len(jt.get_metric_history(run.info.run_id, "train_loss")) == EPOCHS * STEPS_PER_EPOCH
    assert fit.loggers == []  # the trainer is left as it was given
    assert run.data.tags[lightning_autolog.LOGGED_MODEL_TAG] == "final"
    loaded = jt.load_model(f"runs:/{run.info.run_id}/model")
    features = np.ones((2, 3), dtype=np.float32)
    with torch.no_grad():
        expected = model(torch.as_tensor(features)).numpy()
    np.testing.assert_allclose(loaded.predict(features), expected, rtol=1e-6)


def test_a_fit_inside_a_run_logs_into_it_and_leaves_it_running(session, tmp_path):
    jt.lightning.autolog(log_models=False)
    with jt.start_run() as run:
        trainer(tmp_path, False, enable_checkpointing=False).fit(Tiny(), loader())
        assert jt.active_run().info.run_id == run.info.run_id
    logged = jt.get_run(run.info.run_id)
    assert logged.data.params["optimizer_name"] == "SGD" and "train_loss" in logged.data.metrics
    assert fluent._client().search_logged_models(source_run_id=run.info.run_id).items == []


def test_a_failing_fit_fails_its_run_and_raises(session, tmp_path):
    jt.autolog()
    with pytest.raises(RuntimeError, match="exploded"):
        trainer(tmp_path, False, enable_checkpointing=False).fit(Tiny(fail_at_step=2), loader())
    run = jt.last_active_run()
    assert run.info.status == "FAILED" and jt.active_run() is None
    # The steps before the failure are logged.
    assert [m.step for m in jt.get_metric_history(run.info.run_id, "train_loss")] == [0, 1]


def test_disable_and_exclude(session, tmp_path):
    gc.collect()  # the jt Loggers earlier tests made by hand (they keep Trainer.fit patched)
    original = vars(Trainer)["fit"]
    jt.autolog()
    assert vars(Trainer)["fit"] is not original and lightning_autolog.is_enabled()
    jt.lightning.autolog(disable=True)  # on its own
    assert vars(Trainer)["fit"] is original and not lightning_autolog.is_enabled()
    assert jt.sklearn is not None and "sklearn" in jt.autolog(exclude=["lightning"])
    assert not lightning_autolog.is_enabled()
    trainer(tmp_path, False, enable_checkpointing=False).fit(Tiny(), loader())
    assert jt.last_active_run() is None  # no run was started


def test_lightning_metrics_are_finite_floats(session, tmp_path):
    """The values are the losses Lightning computed, not tensors' reprs."""
    jt.autolog(log_models=False)
    trainer(tmp_path, False, enable_checkpointing=False).fit(Tiny(), loader())
    values = [
        m.value for m in jt.get_metric_history(jt.last_active_run().info.run_id, "train_loss")
    ]
    assert all(isinstance(v, float) and math.isfinite(v) for v in values)


# -- mlflow.autolog() against a live lab server ------------------------------------------


@pytest.mark.slow
def test_mlflow_autolog_with_lightning_works_against_the_lab_server(lab_server):
    report = run_script(lab_server, "lightning_autolog.py", {"AUTOLOG_EXPERIMENT": "lightning"})
    client = jt.TrackerClient(lab_server.tracker_url, token=lab_server.token)
    run = client.get_run(report["run_id"])
    assert run.info.status == "FINISHED"
    params = run.data.params
    assert params["epochs"] == "2" and params["optimizer_name"] == "SGD"
    assert params["lr"] == "0.05" and params["momentum"] == "0.9"
    # mlflow.pytorch logs the epoch metrics at step = epoch.
    history = client.get_metric_history(run.info.run_id, "train_loss")
    assert [m.step for m in history] == [0, 1]
    assert history[-1].value == pytest.approx(report["last_train_loss"], rel=1e-5)
    artifacts = {f.path for f in client.list_artifacts(run.info.run_id)}
    assert "model_summary.txt" in artifacts
    assert report["reloaded_prediction"] == pytest.approx(report["prediction"], rel=1e-6)
    client.close()
