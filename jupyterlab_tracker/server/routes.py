"""Every route of the extension, relative to ``<base_url>tracker/``: one table per API.

Path parameters are named groups: tornado passes them to the handler by name, and
``openapi.json`` spells the same path with ``{name}`` (a test keeps the two in step).
"""

from __future__ import annotations

from . import artifacts_api as artifacts
from . import mlflow_api as ml
from . import mlflow_artifacts_api as ml_artifacts
from . import native_api as native
from . import registry_api as registry

EXPERIMENT = r"(?P<experiment_id>\d+)"
RUN = r"(?P<run_id>[0-9a-f]{32})"
# Loose on purpose: the service checks the m-<32 hex> form before any query (any other
# string names no model: 404, as MLflow answers).
MODEL = r"(?P<model_id>[^/]+)"

NATIVE_ROUTES = [
    (r"api/version", native.VersionHandler),
    (r"api/openapi.json", native.OpenAPIHandler),
    (r"api/experiments", native.ExperimentsHandler),
    (r"api/experiments/by-name", native.ExperimentByNameHandler),
    (rf"api/experiments/{EXPERIMENT}", native.ExperimentHandler),
    (rf"api/experiments/{EXPERIMENT}/restore", native.ExperimentRestoreHandler),
    (rf"api/experiments/{EXPERIMENT}/tags", native.ExperimentTagsHandler),
    (rf"api/experiments/{EXPERIMENT}/storage", native.ExperimentStorageHandler),
    (r"api/runs", native.RunsHandler),
    (r"api/runs/search", native.RunSearchHandler),
    (r"api/runs/keys", native.RunKeysHandler),
    (r"api/runs/heartbeat", native.RunHeartbeatsHandler),
    (r"api/runs/batch-update", native.RunsBatchUpdateHandler),
    (r"api/purge", native.PurgeHandler),
    (rf"api/runs/{RUN}", native.RunHandler),
    (rf"api/runs/{RUN}/restore", native.RunRestoreHandler),
    (rf"api/runs/{RUN}/batch", native.RunBatchHandler),
    (rf"api/runs/{RUN}/tags", native.RunTagsHandler),
    (rf"api/runs/{RUN}/inputs", native.RunInputsHandler),
    (rf"api/runs/{RUN}/storage", native.RunStorageHandler),
    (rf"api/runs/{RUN}/metrics/history", native.MetricHistoryHandler),
    (rf"api/runs/{RUN}/artifacts", artifacts.ArtifactListHandler),
    (rf"api/runs/{RUN}/artifacts/content", artifacts.ArtifactContentHandler),
    (r"api/logged-models", registry.LoggedModelsHandler),
    (rf"api/logged-models/{MODEL}", registry.LoggedModelHandler),
    (rf"api/logged-models/{MODEL}/artifacts", artifacts.ArtifactListHandler),
    (rf"api/logged-models/{MODEL}/artifacts/content", artifacts.ArtifactContentHandler),
    (r"api/registered-models", registry.RegisteredModelsHandler),
    (r"api/registered-models/by-name", registry.RegisteredModelByNameHandler),
    (r"api/registered-models/tags", registry.RegisteredModelTagsHandler),
    (r"api/registered-models/aliases", registry.RegisteredModelAliasesHandler),
    (r"api/registered-models/latest-versions", registry.LatestVersionsHandler),
    (r"api/model-versions", registry.ModelVersionsHandler),
    (r"api/model-versions/by-name", registry.ModelVersionByNameHandler),
    (r"api/model-versions/stage", registry.ModelVersionStageHandler),
    (r"api/model-versions/tags", registry.ModelVersionTagsHandler),
    (r"api/model-versions/download-uri", registry.ModelVersionDownloadUriHandler),
    (r"api/model-versions/details", registry.ModelVersionDetailsHandler),
]

# MLflow's REST API and artifact proxy (mlflow_api.py, mlflow_artifacts_api.py), relative to
# an API prefix: MLflow's server answers each of them under both MLFLOW_API_PREFIXES, "api"
# (its clients) and "ajax-api" (its web UI, whose routes scripts call too).
_ml = r"2.0/mlflow"
_MLFLOW_API = [
    (f"{_ml}/experiments/create", ml.endpoint(post=ml.create_experiment)),
    (f"{_ml}/experiments/get", ml.endpoint(get=ml.get_experiment)),
    (f"{_ml}/experiments/get-by-name", ml.endpoint(get=ml.get_experiment_by_name)),
    (
        f"{_ml}/experiments/search",
        ml.endpoint(get=ml.search_experiments, post=ml.search_experiments),
    ),
    (f"{_ml}/experiments/update", ml.endpoint(post=ml.update_experiment)),
    (f"{_ml}/experiments/delete", ml.endpoint(post=ml.delete_experiment)),
    (f"{_ml}/experiments/restore", ml.endpoint(post=ml.restore_experiment)),
    (f"{_ml}/experiments/set-experiment-tag", ml.endpoint(post=ml.set_experiment_tag)),
    (f"{_ml}/experiments/delete-experiment-tag", ml.endpoint(post=ml.delete_experiment_tag)),
    (f"{_ml}/runs/create", ml.endpoint(post=ml.create_run)),
    (f"{_ml}/runs/update", ml.endpoint(post=ml.update_run)),
    (f"{_ml}/runs/get", ml.endpoint(get=ml.get_run)),
    (f"{_ml}/runs/delete", ml.endpoint(post=ml.delete_run)),
    (f"{_ml}/runs/restore", ml.endpoint(post=ml.restore_run)),
    (f"{_ml}/runs/search", ml.endpoint(post=ml.search_runs)),
    (f"{_ml}/runs/log-metric", ml.endpoint(post=ml.log_metric)),
    (f"{_ml}/runs/log-parameter", ml.endpoint(post=ml.log_param)),
    (f"{_ml}/runs/set-tag", ml.endpoint(post=ml.set_tag)),
    (f"{_ml}/runs/delete-tag", ml.endpoint(post=ml.delete_tag)),
    (f"{_ml}/runs/log-batch", ml.endpoint(post=ml.log_batch)),
    (f"{_ml}/runs/log-inputs", ml.endpoint(post=ml.log_inputs)),
    (f"{_ml}/runs/outputs", ml.endpoint(post=ml.log_outputs)),
    (f"{_ml}/metrics/get-history", ml.endpoint(get=ml.get_metric_history)),
    (f"{_ml}/logged-models", ml.endpoint(post=ml.create_logged_model)),
    (f"{_ml}/logged-models/search", ml.endpoint(post=ml.search_logged_models)),
    (
        rf"{_ml}/logged-models/{MODEL}",
        ml.endpoint(
            get=ml.get_logged_model, patch=ml.finalize_logged_model, delete=ml.delete_logged_model
        ),
    ),
    (rf"{_ml}/logged-models/{MODEL}/tags", ml.endpoint(patch=ml.set_logged_model_tags)),
    (
        rf"{_ml}/logged-models/{MODEL}/tags/(?P<tag_key>[^/]+)",
        ml.endpoint(delete=ml.delete_logged_model_tag),
    ),
    (rf"{_ml}/logged-models/{MODEL}/params", ml.endpoint(post=ml.log_logged_model_params)),
    (
        rf"{_ml}/logged-models/{MODEL}/artifacts/directories",
        ml.endpoint(get=ml.list_logged_model_artifacts),
    ),
    (f"{_ml}/registered-models/create", ml.endpoint(post=ml.create_registered_model)),
    (f"{_ml}/registered-models/get", ml.endpoint(get=ml.get_registered_model)),
    (f"{_ml}/registered-models/rename", ml.endpoint(post=ml.rename_registered_model)),
    (f"{_ml}/registered-models/update", ml.endpoint(patch=ml.update_registered_model)),
    (f"{_ml}/registered-models/delete", ml.endpoint(delete=ml.delete_registered_model)),
    (f"{_ml}/registered-models/search", ml.endpoint(get=ml.search_registered_models)),
    (
        f"{_ml}/registered-models/get-latest-versions",
        ml.endpoint(get=ml.get_latest_versions, post=ml.get_latest_versions),
    ),
    (f"{_ml}/registered-models/set-tag", ml.endpoint(post=ml.set_registered_model_tag)),
    (f"{_ml}/registered-models/delete-tag", ml.endpoint(delete=ml.delete_registered_model_tag)),
    (
        f"{_ml}/registered-models/alias",
        ml.endpoint(get=ml.get_model_version_by_alias, post=ml.set_alias, delete=ml.delete_alias),
    ),
    (f"{_ml}/model-versions/create", ml.endpoint(post=ml.create_model_version)),
    (f"{_ml}/model-versions/get", ml.endpoint(get=ml.get_model_version)),
    (f"{_ml}/model-versions/update", ml.endpoint(patch=ml.update_model_version)),
    (f"{_ml}/model-versions/delete", ml.endpoint(delete=ml.delete_model_version)),
    (f"{_ml}/model-versions/search", ml.endpoint(get=ml.search_model_versions)),
    (f"{_ml}/model-versions/transition-stage", ml.endpoint(post=ml.transition_model_version_stage)),
    (f"{_ml}/model-versions/get-download-uri", ml.endpoint(get=ml.get_model_version_download_uri)),
    (f"{_ml}/model-versions/set-tag", ml.endpoint(post=ml.set_model_version_tag)),
    (f"{_ml}/model-versions/delete-tag", ml.endpoint(delete=ml.delete_model_version_tag)),
    (
        f"{_ml}/metrics/get-history-bulk-interval",
        ml.endpoint(get=ml.get_metric_history_bulk_interval),
    ),
    (f"{_ml}/artifacts/list", ml.endpoint(get=ml.list_artifacts)),
    (r"3.0/mlflow/server-info", ml.endpoint(get=ml.server_info)),
    (r"2.0/mlflow-artifacts/artifacts", ml_artifacts.ArtifactProxyListHandler),
    (
        r"2.0/mlflow-artifacts/artifacts/(?P<artifact_path>.+)",
        ml_artifacts.ArtifactProxyContentHandler,
    ),
]
MLFLOW_API_PREFIXES = ("api", "ajax-api")

# Routes MLflow's server mounts once, each at its own path (mlflow/server/__init__.py).
_MLFLOW_WEB_UI = [
    (
        f"ajax-api/{_ml}/metrics/get-history-bulk",
        ml.endpoint(get=ml.get_metric_history_bulk),
    ),
    (f"ajax-api/{_ml}/experiments/search-datasets", ml.endpoint(post=ml.search_datasets)),
    (f"ajax-api/{_ml}/upload-artifact", ml_artifacts.UploadArtifactHandler),
    (r"get-artifact", ml_artifacts.RunArtifactFileHandler),
    (r"model-versions/get-artifact", ml_artifacts.ModelVersionArtifactFileHandler),
    # Not in MLflow's protos: its server routes this one under ajax-api only.
    (
        rf"ajax-api/{_ml}/logged-models/{MODEL}/artifacts/files",
        artifacts.MlflowLoggedModelFileHandler,
    ),
    # At the tracking URI itself, as MLflow's server answers them.
    (r"health", ml.plain_text("OK")),
    (r"version", ml.plain_text(ml.MLFLOW_VERSION)),
]

MLFLOW_ROUTES = [
    (f"{prefix}/{route}", handler)
    for prefix in MLFLOW_API_PREFIXES
    for route, handler in _MLFLOW_API
] + _MLFLOW_WEB_UI
