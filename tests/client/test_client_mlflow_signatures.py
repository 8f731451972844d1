"""``TrackerClient`` mirrors ``mlflow.MlflowClient`` (3.17): every method both have takes
MLflow's arguments, in MLflow's order and with MLflow's defaults, and returns the same kind
of thing; jt's additions are keyword-only or trailing optional arguments. Each intended
difference is listed here with its reason (and in docs/mlflow-compatibility.md); a new
mismatch, or a listed one that went away, fails the test."""

from __future__ import annotations

import inspect
import re

from mlflow import MlflowClient

from jupyterlab_tracker.client.tracker_client import TrackerClient

# method: why its signature differs from MlflowClient's.
INTENDED_DIFFERENCES = {
    "log_metric": "no dataset_name/dataset_digest/model_id: jt's metric buffer carries "
    "(key, value, timestamp, step) points; metrics linked to a logged model go through "
    "mlflow (the server stores them). Returns None: no RunOperations (jt's buffer is its own "
    "asynchrony; synchronous=True flushes it).",
    "log_batch": "returns None, not RunOperations (written at once); adds keyword-only "
    "batch_id, which makes a retried batch idempotent.",
    "set_tag": "returns None, not RunOperations: tags are written at once.",
    "log_image": "artifact_file only: no key/step/timestamp image series (MLflow's "
    "images/<key>+step+... files and mlflow.loggedImages tag).",
    "log_inputs": "no models argument: logged-model inputs are recorded by mlflow's "
    "log_inputs through the MLflow API, not by jt's client.",
    "set_terminated": "returns the updated RunInfo instead of None.",
    "search_logged_models": "jt's own filters (name, source_run_id) instead of MLflow's "
    "filter_string/datasets/order_by search language, which the MLflow API serves.",
    "create_model_version": "no run_link or await_creation_for (versions are READY when "
    "created); model_id comes fourth and description defaults to ''.",
    "create_registered_model": "no deployment_job_id (Databricks).",
    "update_registered_model": "no deployment_job_id (Databricks).",
    "set_model_version_tag": "version and key required; no stage (deprecated in MLflow, "
    "which picks the latest version of a stage).",
    "delete_model_version_tag": "version and key required; no stage, as set_model_version_tag.",
    "search_model_versions": "max_results default 1000 (the server's page limit; MLflow's 10000).",
}

# MlflowClient methods TrackerClient does not have, by family, with the reason.
NOT_IN_TRACKER_CLIENT = {
    "GenAI (prompts, traces, spans, datasets, webhooks, MCP servers, workspaces): outside "
    "jupyterlab_tracker's scope; use mlflow against the lab server for what it serves": (
        r"^(.*prompt.*|.*trace.*|.*span|.*webhook.*|.*mcp_.*|.*workspace.*|"
        r"create_dataset|delete_dataset.*|get_dataset|search_datasets|set_dataset_tags|"
        r"add_dataset_to_experiments|remove_dataset_from_experiments)$"
    ),
    "logged-model lifecycle calls (create/finalize/delete/tag, model params, model "
    "artifacts, outputs): jt.log_model does them in one call; mlflow's work over the API": (
        r"^(create_logged_model|finalize_logged_model|delete_logged_model.*|"
        r"set_logged_model_tags|log_model_params|log_model_artifacts?|"
        r"list_logged_model_artifacts|log_outputs)$"
    ),
    "not yet in jt's client (use mlflow, or jt.load_table-free pandas): update_run "
    "(update_run_info), get_parent_run, copy_model_version, get_model_version_stages, "
    "load_table, log_stream": (
        r"^(update_run|get_parent_run|copy_model_version|get_model_version_stages|"
        r"load_table|log_stream)$"
    ),
}


def _public_methods(cls) -> dict:
    return {
        name: member
        for name, member in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_")
    }


def _annotation(annotation) -> str:
    """An annotation without module paths (``mlflow.entities.run.Run`` -> ``Run``) and with
    MLflow's ``PagedList`` spelled as jt's ``Page``."""
    if annotation is inspect.Signature.empty:
        return ""
    text = annotation if isinstance(annotation, str) else inspect.formatannotation(annotation)
    text = re.sub(r"ForwardRef\('([^']*)'\)", r"\1", text)
    text = re.sub(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)", r"\1", text)
    return text.replace("PagedList", "Page").replace("'", "")


def _mismatches(theirs: inspect.Signature, ours: inspect.Signature) -> list[str]:
    """How a call written for MLflow's signature could fail or differ with ours."""
    problems = []
    our_params = list(ours.parameters.values())
    for position, param in enumerate(theirs.parameters.values()):
        mine = ours.parameters.get(param.name)
        if mine is None:
            problems.append(f"no {param.name}")
            continue
        if param.kind is param.POSITIONAL_OR_KEYWORD and (
            position >= len(our_params) or our_params[position].name != param.name
        ):
            problems.append(f"{param.name} not at position {position}")
        if mine.kind is not param.kind:
            problems.append(f"{param.name} is {mine.kind.name}, not {param.kind.name}")
        if mine.default != param.default:
            problems.append(f"{param.name} defaults to {mine.default!r}, not {param.default!r}")
    for mine in our_params:  # jt's additions must not be needed by a call written for MLflow
        if mine.name not in theirs.parameters and mine.default is mine.empty:
            problems.append(f"{mine.name} is required")
    their_return = _annotation(theirs.return_annotation)
    if their_return and _annotation(ours.return_annotation) != their_return:
        problems.append(f"returns {_annotation(ours.return_annotation)}, not {their_return}")
    return problems


def test_tracker_client_methods_take_and_return_what_mlflow_client_does():
    theirs, ours = _public_methods(MlflowClient), _public_methods(TrackerClient)
    found = {}
    for name in sorted(theirs.keys() & ours.keys()):
        problems = _mismatches(inspect.signature(theirs[name]), inspect.signature(ours[name]))
        if problems:
            found[name] = problems
    unexplained = {name: found[name] for name in found.keys() - INTENDED_DIFFERENCES.keys()}
    assert not unexplained, f"signatures differing from MlflowClient's: {unexplained}"
    gone = INTENDED_DIFFERENCES.keys() - found.keys()
    assert not gone, f"listed as differing, but now matching MlflowClient: {sorted(gone)}"


def test_every_mlflow_client_method_tracker_client_lacks_is_listed():
    missing = _public_methods(MlflowClient).keys() - _public_methods(TrackerClient).keys()
    patterns = [re.compile(pattern) for pattern in NOT_IN_TRACKER_CLIENT.values()]
    unlisted = sorted(name for name in missing if not any(p.match(name) for p in patterns))
    assert not unlisted, f"MlflowClient methods TrackerClient lacks, unexplained: {unlisted}"
