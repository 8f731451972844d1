"""MLflow model code (sklearn and PyTorch flavors, the registry), run by the official client
against the tracker. Prints one JSON report on its last line."""

import json
import sys
import warnings

import mlflow
import numpy as np
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from sklearn.linear_model import LinearRegression

warnings.filterwarnings("ignore")
report = {}
client = MlflowClient()
mlflow.set_experiment("models")

X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 2.0]])
y = X @ np.array([2.0, -1.0]) + 0.5
estimator = LinearRegression().fit(X, y)

with mlflow.start_run(run_name="train") as run:
    mlflow.log_param("fit_intercept", True)
    mlflow.log_metric("r2", estimator.score(X, y), step=0)
    info = mlflow.sklearn.log_model(estimator, name="model", input_example=X[:2])
    mlflow.log_metric("after_model", 1.0, step=0)
report["model_uri"] = info.model_uri
report["model_id_form"] = info.model_id.startswith("m-")
report["r2_history_len"] = len(client.get_metric_history(run.info.run_id, "r2"))

loaded = mlflow.pyfunc.load_model(f"runs:/{run.info.run_id}/model")
report["pyfunc_prediction"] = np.allclose(loaded.predict(X), y)
loaded_sklearn = mlflow.sklearn.load_model(info.model_uri)
report["sklearn_prediction"] = np.allclose(loaded_sklearn.predict(X), y)

# -- registry ----------------------------------------------------------------------------
v1 = mlflow.register_model(f"runs:/{run.info.run_id}/model", "fraud")
v2 = mlflow.register_model(info.model_uri, "fraud")
report["versions"] = [v1.version, v2.version]
client.set_registered_model_alias("fraud", "champion", v1.version)
champion = mlflow.pyfunc.load_model("models:/fraud@champion")
report["champion_prediction"] = np.allclose(champion.predict(X), y)
report["by_version_prediction"] = np.allclose(
    mlflow.sklearn.load_model("models:/fraud/2").predict(X), y
)
report["alias_version"] = client.get_model_version_by_alias("fraud", "champion").version
client.set_model_version_tag("fraud", v1.version, "validated", "yes")
client.update_model_version("fraud", v1.version, description="first")
version = client.get_model_version("fraud", v1.version)
report["version_tags"] = version.tags
report["version_description"] = version.description
report["version_aliases"] = list(version.aliases)
with warnings.catch_warnings():
    staged = client.transition_model_version_stage("fraud", v2.version, "Production")
report["stage"] = staged.current_stage
latest = client.get_latest_versions("fraud", stages=["Production"])
report["latest_production"] = [v.version for v in latest]
client.set_registered_model_tag("fraud", "team", "risk")
client.update_registered_model("fraud", description="fraud model")
model = client.get_registered_model("fraud")
report["registered"] = {
    "tags": model.tags,
    "description": model.description,
    "aliases": model.aliases,
}
mlflow.register_model(info.model_uri, "other-model")
report["search_all"] = sorted(m.name for m in client.search_registered_models())
report["search_like"] = [m.name for m in client.search_registered_models("name LIKE 'fr%'")]
report["search_versions"] = sorted(
    v.version for v in client.search_model_versions("name = 'fraud'")
)
report["download_uri"] = client.get_model_version_download_uri("fraud", v1.version)
try:
    client.create_registered_model("fraud")
except MlflowException as error:
    report["duplicate_model_error"] = error.error_code
try:
    client.get_registered_model("missing")
except MlflowException as error:
    report["missing_model_error"] = error.error_code
client.delete_registered_model_alias("fraud", "champion")
report["aliases_after_delete"] = client.get_registered_model("fraud").aliases
client.rename_registered_model("other-model", "renamed-model")
client.delete_model_version("renamed-model", "1")
client.delete_registered_model("renamed-model")
report["after_delete"] = sorted(m.name for m in client.search_registered_models())

# -- PyTorch -------------------------------------------------------------------------------
try:
    import torch
except ImportError:
    report["torch"] = "missing"
else:
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Linear(2, 1))
    with mlflow.start_run(run_name="torch"):
        torch_info = mlflow.pytorch.log_model(
            module, name="net", registered_model_name="net", input_example=X[:2].astype("float32")
        )
    reloaded = mlflow.pytorch.load_model("models:/net/1")
    inputs = torch.as_tensor(X, dtype=torch.float32)
    with torch.no_grad():
        report["torch"] = bool(torch.allclose(module(inputs), reloaded(inputs)))
    report["torch_model_id"] = torch_info.model_id
report["run_id"] = run.info.run_id
report["model_id"] = info.model_id
print(json.dumps(report))
sys.stdout.flush()
