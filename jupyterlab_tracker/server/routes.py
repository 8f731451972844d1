"""Every route of the extension, relative to ``<base_url>tracker/``: one table per API.

Path parameters are named groups: tornado passes them to the handler by name, and
``openapi.json`` spells the same path with ``{name}`` (a test keeps the two in step).
"""

from __future__ import annotations

from . import native_api as native

EXPERIMENT = r"(?P<experiment_id>\d+)"
RUN = r"(?P<run_id>[0-9a-f]{32})"

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
    (rf"api/runs/{RUN}/batch", native.RunBatchHandler),
    (rf"api/runs/{RUN}/tags", native.RunTagsHandler),
    (rf"api/runs/{RUN}/inputs", native.RunInputsHandler),
    (rf"api/runs/{RUN}/metrics/history", native.MetricHistoryHandler),
]
