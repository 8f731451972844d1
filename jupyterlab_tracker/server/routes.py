"""Every route of the extension, relative to ``<base_url>tracker/``: one table per API.

Path parameters are named groups: tornado passes them to the handler by name, and
``openapi.json`` spells the same path with ``{name}`` (a test keeps the two in step).
"""

from __future__ import annotations

from . import artifacts_api as artifacts
from . import native_api as native
from . import registry_api as registry

EXPERIMENT = r"(?P<experiment_id>\d+)"
RUN = r"(?P<run_id>[0-9a-f]{32})"
# Loose on purpose: the service checks the m-<32 hex> form and answers 400, not 404.
MODEL = r"(?P<model_id>[^/]+)"

NATIVE_ROUTES = [
    (r"api/version", native.VersionHandler),
    (r"api/openapi.json", native.OpenAPIHandler),
    (r"api/experiments", native.ExperimentsHandler),
    (r"api/experiments/by-name", native.ExperimentByNameHandler),
    (rf"api/experiments/{EXPERIMENT}", native.ExperimentHandler),
    (rf"api/experiments/{EXPERIMENT}/restore", native.ExperimentRestoreHandler),
    (rf"api/experiments/{EXPERIMENT}/tags", native.ExperimentTagsHandler),
    (r"api/runs", native.RunsHandler),
    (r"api/runs/search", native.RunSearchHandler),
    (r"api/runs/keys", native.RunKeysHandler),
    (rf"api/runs/{RUN}", native.RunHandler),
    (rf"api/runs/{RUN}/restore", native.RunRestoreHandler),
    (rf"api/runs/{RUN}/heartbeat", native.RunHeartbeatHandler),
    (rf"api/runs/{RUN}/batch", native.RunBatchHandler),
    (rf"api/runs/{RUN}/tags", native.RunTagsHandler),
    (rf"api/runs/{RUN}/inputs", native.RunInputsHandler),
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
]
