"""Logged models and the model registry: input checks and rules in front of the stores.

Every surface (REST handlers, the embedded client) calls this. Rules that need a
transaction (version numbering, one alias -> one version, archiving other versions)
live in the store; naming rules, stage spellings and "a version of a logged model needs
its files in place" live here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from ..contracts import RegistryBackend
from ..domain.limits import (
    LOGGED_MODEL_RESULTS_DEFAULT,
    MAX_DATASET_DIGEST_LENGTH,
    MAX_DATASET_NAME_LENGTH,
    MAX_DESCRIPTION_LENGTH,
    MAX_ENTITIES_PER_BATCH,
    MAX_FILTER_CLAUSES,
    MAX_KEY_LENGTH,
    MAX_LOGGED_MODEL_NAME_LENGTH,
    MAX_MODEL_ID_LENGTH,
    MAX_MODEL_TYPE_LENGTH,
    MAX_ORDER_BY_KEYS,
    MAX_REGISTERED_MODEL_NAME_LENGTH,
    MAX_REGISTERED_MODEL_RESULTS,
    MAX_VERSION_RUN_ID_LENGTH,
    REGISTERED_MODEL_RESULTS_DEFAULT,
    SEARCH_RESULTS_DEFAULT,
)
from ..domain.names import generate_run_name
from ..entities import (
    LOGGED_MODEL_STATUSES,
    MODEL_VERSION_STAGES,
    LoggedModel,
    ModelOutput,
    ModelVersion,
    Page,
    RegisteredModel,
)
from ..errors import (
    INVALID_STATE,
    RESOURCE_DOES_NOT_EXIST,
    TrackerError,
    invalid,
    logged_model_not_found,
    preview,
)
from ..registry_uris import MODEL_ID_PATTERN, MODELS_SCHEME, registered_version
from ..search import Comparison, LoggedModelOrderBy, parse_logged_model_filter
from ..store.registry_base import LoggedModelStore, RegistryStore
from . import validation as check
from . import version_sources as sources
from .tracking import TrackingService

# Aliases are identifiers; "latest" and "v<N>" would be ambiguous in models:/ URIs.
ALIAS_PATTERN = re.compile(r"[A-Za-z0-9_\-]{1,255}")
RESERVED_ALIAS = re.compile(r"(latest|v\d+)", re.IGNORECASE)
# Sources that name a run's or a logged model's artifacts rather than a storage location.
REFERENCE_SCHEMES = ("runs:/", "models:/")


def canonical_stage(stage: str) -> str:
    """MLflow accepts stage names in any case: 'production' -> 'Production'."""
    for known in MODEL_VERSION_STAGES:
        if isinstance(stage, str) and stage.lower() == known.lower():
            return known
    raise invalid(f"Unknown stage {stage!r}; use one of {', '.join(MODEL_VERSION_STAGES)}")


def validate_model_name(name: object) -> None:
    if not isinstance(name, str) or not name.strip():
        raise invalid(f"A registered model name must be a non-empty string, got {name!r}")
    check.validate_text("registered model name", name, MAX_REGISTERED_MODEL_NAME_LENGTH)


def _check_model_id(model_id: object) -> None:
    """Every logged model id is ``m-<32 hex>`` (the store makes them): any other string
    names no model, and is answered as an unknown id is, as MLflow does."""
    if not isinstance(model_id, str) or not MODEL_ID_PATTERN.fullmatch(model_id):
        raise logged_model_not_found(model_id)


# MLflow's rule (utils/validation.py _validate_logged_model_name): model names become
# parts of URIs (runs:/<run id>/<name>, models:/...).
LOGGED_MODEL_NAME_FORBIDDEN = ("/", ":", ".", "%", '"', "'")


def validate_logged_model_name(name: object) -> None:
    if (
        not isinstance(name, str)
        or not name
        or any(char in name for char in LOGGED_MODEL_NAME_FORBIDDEN)
    ):
        raise invalid(
            f"Invalid model name ({preview(name)}) provided. Model name must be a non-empty "
            f"string and cannot contain the following characters: {LOGGED_MODEL_NAME_FORBIDDEN}"
        )
    check.validate_text("logged model name", name, MAX_LOGGED_MODEL_NAME_LENGTH)


def _check_params(params: dict[str, str] | None) -> None:
    for key, value in (params or {}).items():
        check.validate_key("param", key)
        check.validate_param_value(key, value)


def _check_logged_model_status(status: object) -> None:
    if status not in LOGGED_MODEL_STATUSES:
        raise invalid(f"Invalid status {status!r}; use one of {LOGGED_MODEL_STATUSES}")


def validate_alias(alias: object) -> None:
    if not isinstance(alias, str) or not ALIAS_PATTERN.fullmatch(alias):
        raise invalid(f"Invalid alias {alias!r}: use letters, digits, '_' and '-'")
    if RESERVED_ALIAS.fullmatch(alias):
        raise invalid(f"Alias {alias!r} is reserved ('latest' and 'v<number>' name versions)")


def _check_description(description: str | None) -> str:
    if description is None:
        return ""
    check.validate_text("description", description, MAX_DESCRIPTION_LENGTH)
    return description


def _check_tags(tags: dict[str, str] | None) -> dict[str, str]:
    for key, value in (tags or {}).items():
        check.validate_key("tag", key)
        check.validate_tag_value(key, value)
    return dict(tags or {})


class ModelRegistryService(RegistryBackend):
    def __init__(
        self,
        registry: RegistryStore,
        logged_models: LoggedModelStore,
        tracking: TrackingService,
    ):
        self.registry = registry
        self.logged_models = logged_models
        self.tracking = tracking

    # -- logged models -----------------------------------------------------------------
    def create_logged_model(
        self,
        experiment_id: str,
        name: str | None = None,
        source_run_id: str | None = None,
        model_type: str = "",
        tags: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        *,
        as_run_output: bool = True,
    ) -> LoggedModel:
        """A new PENDING model. Without a name (None or empty) it gets a generated one, as
        in MLflow (``brave-owl-12``, the kind of name a run gets). ``as_run_output``: see
        ``LoggedModelStore.create_logged_model``."""
        check.validate_experiment_id(experiment_id)
        name = name or generate_run_name()
        validate_logged_model_name(name)
        if source_run_id is not None:
            check.validate_run_id(source_run_id)
        if model_type:
            check.validate_text("model type", model_type, MAX_MODEL_TYPE_LENGTH)
        _check_params(params)
        return self.logged_models.create_logged_model(
            experiment_id,
            name,
            source_run_id,
            model_type or "",
            _check_tags(tags),
            params,
            as_run_output=as_run_output,
        )

    def log_logged_model_params(self, model_id: str, params: dict[str, str]) -> None:
        """More params for a model (MLflow's client sends them 100 at a time)."""
        _check_model_id(model_id)
        if len(params) > MAX_ENTITIES_PER_BATCH:
            raise invalid(
                f"At most {MAX_ENTITIES_PER_BATCH} params can be logged in one request, "
                f"got {len(params)}"
            )
        _check_params(params)
        if params:
            self.logged_models.log_logged_model_params(model_id, params)

    def get_logged_model(self, model_id: str, allow_deleted: bool = False) -> LoggedModel:
        _check_model_id(model_id)
        return self.logged_models.get_logged_model(model_id, allow_deleted)

    def finalize_logged_model(self, model_id: str, status: str) -> LoggedModel:
        _check_model_id(model_id)
        _check_logged_model_status(status)
        return self.logged_models.set_logged_model_status(model_id, status)

    def update_logged_model(
        self, model_id: str, tags: dict[str, str] | None = None, status: str | None = None
    ) -> LoggedModel:
        """Set ``tags`` and then ``status`` (finalising the model), in one transaction:
        if either is refused, neither is kept. Returns the model as it is then."""
        _check_model_id(model_id)
        tags = _check_tags(tags)
        if status is not None:
            _check_logged_model_status(status)
        with self.logged_models.transaction():
            if tags:
                self.logged_models.set_logged_model_tags(model_id, tags)
            if status is not None:
                self.logged_models.set_logged_model_status(model_id, status)
            return self.logged_models.get_logged_model(model_id)

    def set_logged_model_tags(self, model_id: str, tags: dict[str, str]) -> None:
        _check_model_id(model_id)
        self.logged_models.set_logged_model_tags(model_id, _check_tags(tags))

    def delete_logged_model_tag(self, model_id: str, key: str) -> None:
        _check_model_id(model_id)
        check.validate_key("tag", key)
        self.logged_models.delete_logged_model_tag(model_id, key)

    def delete_logged_model(self, model_id: str) -> None:
        """Marks the model deleted (MLflow's soft delete); its files stay."""
        _check_model_id(model_id)
        self.logged_models.delete_logged_model(model_id)

    def search_logged_models(
        self,
        experiment_ids: list[str] | None = None,
        name: str | None = None,
        source_run_id: str | None = None,
        max_results: int = LOGGED_MODEL_RESULTS_DEFAULT,
        page_token: str | None = None,
        *,
        filter_string: str = "",
        datasets: Sequence[tuple[str, str | None]] = (),
        order_by: Sequence[LoggedModelOrderBy] = (),
    ) -> Page[LoggedModel]:
        """Active models of ``experiment_ids`` (None: every experiment), newest first.

        ``name`` and ``source_run_id`` (the native API's) and ``filter_string`` (MLflow's
        grammar for logged models, ``search.parse_logged_model_filter``) narrow the
        result; metric clauses look only at points on ``datasets`` ((name, digest or
        None) pairs) when given; ``order_by`` orders it first."""
        for experiment_id in experiment_ids or []:
            check.validate_experiment_id(experiment_id)
        comparisons = parse_logged_model_filter(filter_string)
        # Compared with stored values: no NUL (PostgreSQL cannot bind it), no longer than
        # anything stored can be.
        for key, value in (("name", name), ("source_run_id", source_run_id)):
            if value is not None:
                check.validate_text(f"logged model {key}", value, MAX_LOGGED_MODEL_NAME_LENGTH)
                comparisons.append(Comparison("attribute", key, "=", value))
        if len(datasets) > MAX_FILTER_CLAUSES:
            raise invalid(
                f"A search may name at most {MAX_FILTER_CLAUSES} datasets, got {len(datasets)}"
            )
        for dataset_name, dataset_digest in datasets:
            if not dataset_name:
                raise invalid("`dataset_name` in the `datasets` clause must be specified.")
            check.validate_text("dataset_name", dataset_name, MAX_DATASET_NAME_LENGTH)
            if dataset_digest is not None:
                check.validate_text("dataset_digest", dataset_digest, MAX_DATASET_DIGEST_LENGTH)
        if len(order_by) > MAX_ORDER_BY_KEYS:
            raise invalid(
                f"order_by may hold at most {MAX_ORDER_BY_KEYS} keys, got {len(order_by)}; "
                "order by fewer keys"
            )
        for order in order_by:
            for what, value, limit in (
                ("order_by key", order.key, MAX_KEY_LENGTH),
                ("order_by dataset_name", order.dataset_name, MAX_DATASET_NAME_LENGTH),
                ("order_by dataset_digest", order.dataset_digest, MAX_DATASET_DIGEST_LENGTH),
            ):
                if value is not None:
                    check.validate_text(what, value, limit)
        check.validate_max_results(max_results)
        return self.logged_models.search_logged_models(
            experiment_ids,
            comparisons,
            list(datasets),
            list(order_by),
            max_results,
            page_token,
        )

    def log_run_outputs(self, run_id: str, outputs: list[ModelOutput]) -> None:
        """``runs/outputs``: the run produced these logged models (at their steps)."""
        check.validate_run_id(run_id)
        for output in outputs:
            _check_model_id(output.model_id)
        self.logged_models.log_run_outputs(run_id, list(outputs))

    def log_run_model_inputs(self, run_id: str, model_ids: list[str]) -> None:
        """``runs/log-inputs`` with ``models``: the run used these logged models."""
        check.validate_run_id(run_id)
        for model_id in model_ids:
            _check_model_id(model_id)
        self.logged_models.log_run_model_inputs(run_id, list(model_ids))

    # -- registered models -------------------------------------------------------------
    def create_registered_model(
        self, name: str, description: str = "", tags: dict[str, str] | None = None
    ) -> RegisteredModel:
        validate_model_name(name)
        return self.registry.create_registered_model(
            name, _check_description(description), _check_tags(tags)
        )

    def get_registered_model(self, name: str) -> RegisteredModel:
        validate_model_name(name)
        return self.registry.get_registered_model(name)

    def rename_registered_model(self, name: str, new_name: str) -> RegisteredModel:
        validate_model_name(name)
        validate_model_name(new_name)
        return self.registry.rename_registered_model(name, new_name)

    def update_registered_model(self, name: str, description: str) -> RegisteredModel:
        validate_model_name(name)
        return self.registry.update_registered_model(name, _check_description(description))

    def change_registered_model(
        self, name: str, new_name: str | None = None, description: str | None = None
    ) -> RegisteredModel:
        """Describe and/or rename a registered model in one transaction: if the rename is
        refused (say, the new name is taken), the description is not changed either.
        Returns the model as it is then."""
        validate_model_name(name)
        if new_name is not None:
            validate_model_name(new_name)
        if description is not None:
            description = _check_description(description)
        with self.registry.transaction():
            if description is not None:
                self.registry.update_registered_model(name, description)
            if new_name is not None:
                self.registry.rename_registered_model(name, new_name)
            return self.registry.get_registered_model(new_name or name)

    def delete_registered_model(self, name: str) -> None:
        validate_model_name(name)
        self.registry.delete_registered_model(name)

    def set_registered_model_tag(self, name: str, key: str, value: str) -> None:
        validate_model_name(name)
        _check_tags({key: value})
        self.registry.set_registered_model_tag(name, key, value)

    def delete_registered_model_tag(self, name: str, key: str) -> None:
        validate_model_name(name)
        check.validate_key("tag", key)
        self.registry.delete_registered_model_tag(name, key)

    def search_registered_models(
        self,
        filter_string: str = "",
        max_results: int = REGISTERED_MODEL_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[RegisteredModel]:
        check.validate_max_results(max_results, MAX_REGISTERED_MODEL_RESULTS)
        check.validate_order_by(order_by)
        return self.registry.search_registered_models(
            filter_string or "", max_results, order_by, page_token
        )

    # -- versions ----------------------------------------------------------------------
    def create_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        model_id: str | None = None,
        description: str = "",
        tags: dict[str, str] | None = None,
        *,
        new_model: bool = False,
    ) -> ModelVersion:
        """A new version of ``name`` with its files at ``source``, taken as MLflow's server
        takes it. ``new_model``: create registered model ``name`` too, in the same
        transaction (if the version is refused, the model is not created either).

        ``run_id`` is any string (a run of another tracker, say), ``model_id`` a logged
        model here, READY (its files in place). ``None`` means "not given": a copied
        version's source (``models:/<name>/<version|stage|latest>`` or ``@alias``) lends
        its own then, and becomes ``models:/<name>/<number>``. The source must belong to
        the run or logged model (``version_sources``); a storage location must also meet
        the artifact location policy."""
        if new_model:
            with self.registry.transaction():
                self.create_registered_model(name)
                return self.create_model_version(name, source, run_id, model_id, description, tags)
        validate_model_name(name)
        check.validate_uri("model version source", source)  # its length, before parsing it
        for what, value, limit in (
            ("run_id", run_id, MAX_VERSION_RUN_ID_LENGTH),
            ("model_id", model_id, MAX_MODEL_ID_LENGTH),
        ):
            if value is not None:
                check.validate_text(what, value, limit)
        if sources.addresses_a_host(source):  # MLflow's first check, against our roots
            self.tracking.locations.confine(source, "source")
        source, run_id, model_id = self._copied_lineage(source, run_id, model_id)
        to_mlflow = self.tracking.locations.mlflow_uris.to_mlflow
        if model_id:
            sources.check_model_source(source, model_id, self._model_location, to_mlflow)
        else:
            sources.check_run_source(source, run_id, self._run_location, to_mlflow)
        if not source.startswith(REFERENCE_SCHEMES):
            self.tracking.locations.confine(source, "source")
        storage_location = None
        if model_id:
            model = self.get_logged_model(model_id)
            if model.status != "READY":
                raise TrackerError(
                    f"Logged model {model_id} is {model.status}, not READY: "
                    "its files are not all uploaded",
                    INVALID_STATE,
                )
            run_id = run_id or model.source_run_id  # as MLflow's store fills it in
            if source == MODELS_SCHEME + model_id:
                storage_location = model.artifact_uri
        if storage_location is None and source.startswith(MODELS_SCHEME):
            # A copy: its files are where the original's are now.
            copied_name, _, copied_number = source[len(MODELS_SCHEME) :].rpartition("/")
            storage_location = self._files_location(copied_name, copied_number)
        return self.registry.create_model_version(
            name,
            source,
            run_id or None,
            model_id or None,
            _check_description(description),
            _check_tags(tags),
            storage_location=storage_location,
        )

    def import_model_version(
        self,
        name: str,
        source: str,
        run_id: str | None = None,
        description: str = "",
        tags: dict[str, str] | None = None,
    ) -> ModelVersion:
        """A version read from another MLflow store (``jupyter tracker import-mlflow``),
        with the source MLflow took then: its run or logged model need not be here, so
        only the artifact location policy applies (a location under an allowed root, or a
        ``runs:/``/``models:/`` reference without an authority or ``.``/``..``)."""
        validate_model_name(name)
        check.validate_uri("model version source", source)
        if run_id is not None:
            check.validate_text("run_id", run_id, MAX_VERSION_RUN_ID_LENGTH)
        if source.startswith(REFERENCE_SCHEMES):
            if urlsplit(source).netloc:
                raise sources.invalid_source(source, "run_id")
            sources.check_no_relative_paths(source)
        else:
            self.tracking.locations.confine(source, "source")
        return self.registry.create_model_version(
            name, source, run_id or None, None, _check_description(description), _check_tags(tags)
        )

    def _copied_lineage(
        self, source: str, run_id: str | None, model_id: str | None
    ) -> tuple[str, str | None, str | None]:
        """MLflow's ``_resolve_registered_model_source_lineage``: a source naming a
        registered version becomes ``models:/<name>/<number>``; ``run_id`` and
        ``model_id`` must be that version's if given, and are taken from it if not."""
        parts = urlsplit(source)
        if parts.scheme != "models":
            return source, run_id, model_id
        if parts.netloc:
            raise invalid(
                f"Invalid model version source: '{source}'. Registered model sources must "
                "use the active model registry."
            )
        if sources.models_uri_model_id(source) is not None:
            return source, run_id, model_id
        sources.check_no_relative_paths(source)  # before ".." can be read as part of a name
        rest = parts.path[1:]
        name = rest.rpartition("/")[0] if "/" in rest else rest.rpartition("@")[0]
        self.get_registered_model(name)  # RESOURCE_DOES_NOT_EXIST first, as in MLflow
        copied = registered_version(self, rest, source)
        if (run_id is not None and run_id != (copied.run_id or "")) or (
            model_id is not None and model_id != (copied.model_id or "")
        ):
            raise invalid(
                f"Invalid model version source: '{source}'. The run_id and model_id request "
                "parameters must match the referenced model version."
            )
        return (
            f"{MODELS_SCHEME}{copied.name}/{copied.version}",
            copied.run_id if run_id is None else run_id,
            copied.model_id if model_id is None else model_id,
        )

    def _run_location(self, run_id: str) -> str | None:
        """The artifact URI of run ``run_id``, None if there is no such run."""
        if not check.is_run_id(run_id):
            return None  # not an id this tracker gives: no run here has it
        try:
            return self.tracking.get_run(run_id).info.artifact_uri
        except TrackerError as error:
            if error.error_code == RESOURCE_DOES_NOT_EXIST:
                return None
            raise

    def _model_location(self, model_id: str) -> str | None:
        """The artifact URI of logged model ``model_id``, None if there is no such model."""
        if not MODEL_ID_PATTERN.fullmatch(model_id):
            return None
        try:
            return self.logged_models.get_logged_model(model_id).artifact_uri
        except TrackerError as error:
            if error.error_code == RESOURCE_DOES_NOT_EXIST:
                return None
            raise

    def get_model_version(self, name: str, version: str) -> ModelVersion:
        validate_model_name(name)
        return self.registry.get_model_version(name, str(version))

    def update_model_version(self, name: str, version: str, description: str) -> ModelVersion:
        validate_model_name(name)
        return self.registry.update_model_version(
            name, str(version), _check_description(description)
        )

    def delete_model_version(self, name: str, version: str) -> None:
        validate_model_name(name)
        self.registry.delete_model_version(name, str(version))

    def transition_model_version_stage(
        self, name: str, version: str, stage: str, archive_existing_versions: bool = False
    ) -> ModelVersion:
        validate_model_name(name)
        return self.registry.transition_model_version_stage(
            name, str(version), canonical_stage(stage), bool(archive_existing_versions)
        )

    def set_model_version_tag(self, name: str, version: str, key: str, value: str) -> None:
        validate_model_name(name)
        _check_tags({key: value})
        self.registry.set_model_version_tag(name, str(version), key, value)

    def delete_model_version_tag(self, name: str, version: str, key: str) -> None:
        validate_model_name(name)
        check.validate_key("tag", key)
        self.registry.delete_model_version_tag(name, str(version), key)

    def search_model_versions(
        self,
        filter_string: str = "",
        max_results: int = SEARCH_RESULTS_DEFAULT,
        order_by: list[str] | None = None,
        page_token: str | None = None,
    ) -> Page[ModelVersion]:
        check.validate_max_results(max_results)
        check.validate_order_by(order_by)
        return self.registry.search_model_versions(
            filter_string or "", max_results, order_by, page_token
        )

    def get_latest_versions(self, name: str, stages: list[str] | None = None) -> list[ModelVersion]:
        validate_model_name(name)
        stages = [canonical_stage(s) for s in stages or []]
        return self.registry.get_latest_versions(name, stages or None)

    def _files_location(self, name: str, version: str) -> str:
        """Where the files of a version are (MLflow's store answer): its storage location,
        else its source. Versions made before storage locations were kept (schema 0007)
        with a logged model's source are resolved here."""
        location = self.registry.get_model_version_download_uri(name, str(version))
        if location.startswith(MODELS_SCHEME):
            model_id = location[len(MODELS_SCHEME) :]
            if MODEL_ID_PATTERN.fullmatch(model_id):
                return self.logged_models.get_logged_model(model_id).artifact_uri
        return location

    def get_model_version_download_uri(self, name: str, version: str) -> str:
        """Where the version's files are, as MLflow answers: its source, or for a source
        naming a logged model or another version, where that one's files were when this
        version was made. A ``runs:/`` source is answered as it is (its run may be on
        another tracker); a storage location (stored by any client, perhaps before the
        location policy existed) is confined again here."""
        validate_model_name(name)
        location = self._files_location(name, version)
        if location.startswith(REFERENCE_SCHEMES):
            return location
        what = f"The files of version {version} of '{name}'"
        return self.tracking.locations.confine(location, what)

    # -- aliases -----------------------------------------------------------------------
    def set_registered_model_alias(self, name: str, alias: str, version: str) -> None:
        validate_model_name(name)
        validate_alias(alias)
        self.registry.set_registered_model_alias(name, alias, str(version))

    def delete_registered_model_alias(self, name: str, alias: str) -> None:
        validate_model_name(name)
        validate_alias(alias)
        self.registry.delete_registered_model_alias(name, alias)

    def get_model_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        validate_model_name(name)
        validate_alias(alias)
        return self.registry.get_model_version_by_alias(name, alias)
