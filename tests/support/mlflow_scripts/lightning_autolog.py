"""``mlflow.autolog()`` (mlflow.pytorch's Lightning integration) against the lab server, as
user code would run it: a tiny model, two epochs on CPU, no active run (autologging starts
and ends one). Prints a JSON report on its last line for
tests/client/test_autolog_lightning.py: the run id, the last loss, and a prediction of the
trained model beside the same prediction of the model reloaded through the MLflow routes.

Uses ``pytorch_lightning``: mlflow.pytorch's Lightning autologging imports that namespace.
"""

import json
import os
import warnings

import mlflow
import mlflow.pytorch
import pytorch_lightning as pl
import torch
from torch.utils.data import DataLoader, TensorDataset

warnings.filterwarnings("ignore")
torch.manual_seed(0)
mlflow.set_experiment(os.environ["AUTOLOG_EXPERIMENT"])
mlflow.autolog()


class Tiny(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = torch.nn.Linear(3, 1)

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = torch.nn.functional.mse_loss(self(x), y)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.05, momentum=0.9)


x = torch.randn(16, 3)
data = DataLoader(TensorDataset(x, x.sum(dim=1, keepdim=True)), batch_size=4)
model = Tiny()
trainer = pl.Trainer(
    max_epochs=2,
    logger=False,
    enable_checkpointing=False,
    enable_progress_bar=False,
    enable_model_summary=False,
    accelerator="cpu",
)
trainer.fit(model, data)
run = mlflow.last_active_run()
sample = torch.ones(1, 3)
with torch.no_grad():
    prediction = float(model(sample))
    reloaded = mlflow.pytorch.load_model(f"runs:/{run.info.run_id}/model")
    reloaded_prediction = float(reloaded(sample))
print(
    json.dumps(
        {
            "run_id": run.info.run_id,
            "last_train_loss": float(trainer.callback_metrics["train_loss"]),
            "prediction": prediction,
            "reloaded_prediction": reloaded_prediction,
            "active_after": mlflow.active_run() is not None,
        }
    )
)
