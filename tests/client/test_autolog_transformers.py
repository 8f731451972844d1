"""transformers autologging with a real ``Trainer`` on a tiny model built from a config
(2 layers, hidden size 16; nothing is downloaded) and a tiny in-memory dataset:
``report_to=["jupyterlab_tracker"]``, ``jt.transformers.Callback()`` and ``jt.autolog()``."""

from __future__ import annotations

import os

import pytest
from support.autologging import artifact_json, autolog_session, metric_points

import jupyterlab_tracker as jt

os.environ.setdefault("HF_HUB_OFFLINE", "1")
torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("accelerate")

from transformers import (  # noqa: E402
    BertConfig,
    BertForSequenceClassification,
    Trainer,
    TrainingArguments,
)

from jupyterlab_tracker.autologging import transformers as transformers_autolog  # noqa: E402

STEPS = 3


@pytest.fixture
def session(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with autolog_session(monkeypatch, tmp_path) as jt_session:
        yield jt_session


def tiny_model():
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=32,
        hidden_size=16,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=16,
        num_labels=2,
    )
    return BertForSequenceClassification(config)


class TinyDataset(torch.utils.data.Dataset):
    def __init__(self, size: int = 8):
        generator = torch.Generator().manual_seed(0)
        self.input_ids = torch.randint(0, 32, (size, 6), generator=generator)
        self.labels = self.input_ids[:, 0] % 2

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return {"input_ids": self.input_ids[i], "labels": self.labels[i]}


def arguments(tmp_path, **kwargs) -> TrainingArguments:
    return TrainingArguments(
        output_dir=str(tmp_path / "out"),
        max_steps=STEPS,
        per_device_train_batch_size=4,
        learning_rate=1e-3,
        logging_steps=1,
        save_strategy="no",
        use_cpu=True,
        disable_tqdm=True,
        **kwargs,
    )


def test_report_to_logs_arguments_config_and_every_logged_metric(session, tmp_path):
    import jupyterlab_tracker.transformers  # noqa: F401  (registers the report_to name)

    model = tiny_model()
    trainer = Trainer(
        model=model,
        args=arguments(tmp_path, report_to=["jupyterlab_tracker"], run_name="tiny-bert"),
        train_dataset=TinyDataset(),
        eval_dataset=TinyDataset(4),
    )
    assert any(
        isinstance(cb, jt.transformers.Callback) for cb in trainer.callback_handler.callbacks
    )
    trainer.train()
    eval_loss = trainer.evaluate()["eval_loss"]
    run = jt.last_active_run()
    assert len(jt.search_runs(output_format="list")) == 1
    assert run.info.run_name == "tiny-bert"
    params = run.data.params
    assert params["learning_rate"] == "0.001" and params["max_steps"] == str(STEPS)
    assert params["hidden_size"] == "16" and params["num_hidden_layers"] == "2"  # the config
    assert params["model_type"] == "bert"
    assert artifact_json(run.info.run_id, "model_config.json", str(tmp_path))["hidden_size"] == 16
    losses = metric_points(run.info.run_id, "loss")
    assert [step for step, _ in losses] == [1, 2, 3]
    logged_losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    assert [value for _, value in losses] == pytest.approx(logged_losses)
    assert [step for step, _ in metric_points(run.info.run_id, "learning_rate")] == [1, 2, 3]
    assert metric_points(run.info.run_id, "train_runtime")[0][0] == STEPS
    assert metric_points(run.info.run_id, "eval_loss")[0] == (STEPS, pytest.approx(eval_loss))
    # The run the callback started ended with training; evaluate() afterwards logged into
    # the run the callback had, without reopening it.
    assert run.info.status == "FINISHED"


def test_the_callback_logs_into_the_active_run(session, tmp_path):
    with jt.start_run() as run:
        Trainer(
            model=tiny_model(),
            args=arguments(tmp_path, report_to="none"),
            train_dataset=TinyDataset(),
            callbacks=[jt.transformers.Callback()],
        ).train()
        assert jt.active_run().info.run_id == run.info.run_id  # left running
    assert [step for step, _ in metric_points(run.info.run_id, "loss")] == [1, 2, 3]


def test_autolog_logs_every_trainer_and_fails_the_run_of_a_failing_one(session, tmp_path):
    assert "transformers" in jt.autolog(exclude=["sklearn"])
    Trainer(
        model=tiny_model(), args=arguments(tmp_path, report_to="none"), train_dataset=TinyDataset()
    ).train()
    run = jt.last_active_run()
    assert run.info.status == "FINISHED" and "loss" in run.data.metrics
    assert run.data.params["per_device_train_batch_size"] == "4"

    class Broken(TinyDataset):
        def __getitem__(self, i):
            raise RuntimeError("a broken batch")

    with pytest.raises(RuntimeError, match="a broken batch"):
        Trainer(
            model=tiny_model(), args=arguments(tmp_path, report_to="none"), train_dataset=Broken()
        ).train()
    failed = jt.last_active_run()
    assert failed.info.run_id != run.info.run_id
    assert failed.info.status == "FAILED" and jt.active_run() is None


def test_disable_and_exclude_leave_the_trainer_alone(session, tmp_path):
    original = vars(Trainer)["train"]
    jt.autolog(exclude=["transformers", "sklearn"])
    assert vars(Trainer)["train"] is original and not transformers_autolog.is_enabled()
    jt.transformers.autolog()
    assert vars(Trainer)["train"] is not original
    jt.transformers.autolog(disable=True)
    assert vars(Trainer)["train"] is original
    Trainer(
        model=tiny_model(), args=arguments(tmp_path, report_to="none"), train_dataset=TinyDataset()
    ).train()
    assert jt.last_active_run() is None
