"""Write an MLflow store with MLflow itself, for the import test: argv[1] is the tracking
URI (sqlite:///... or file:///...). Prints the counts it wrote as JSON."""

import json
import sys
import warnings

import mlflow
from mlflow import MlflowClient

warnings.filterwarnings("ignore")
uri = sys.argv[1]
mlflow.set_tracking_uri(uri)
mlflow.set_registry_uri(uri)
client = MlflowClient()
mlflow.set_experiment("imported")
run_ids = []
for i in range(3):
    with mlflow.start_run(run_name=f"run-{i}") as run:
        mlflow.log_params({"i": i, "kind": "import"})
        for step in range(10):
            mlflow.log_metric("loss", 1.0 / (step + 1 + i), step=step)
        mlflow.set_tag("team", "data")
        mlflow.log_text(f"notes {i}", "notes/readme.txt")
        run_ids.append(run.info.run_id)
client.set_experiment_tag(mlflow.get_experiment_by_name("imported").experiment_id, "k", "v")
gone = client.create_experiment("gone")
client.delete_experiment(gone)
client.create_registered_model("imported-model", tags={"t": "1"}, description="d")
for run_id in run_ids[:2]:
    client.create_model_version("imported-model", f"runs:/{run_id}/model", run_id=run_id)
client.set_registered_model_alias("imported-model", "champion", "2")
client.set_model_version_tag("imported-model", "1", "validated", "yes")
print(json.dumps({"run_ids": run_ids, "metrics": 30, "runs": 3}))
