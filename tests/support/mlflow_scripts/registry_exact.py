"""Registry calls of the official client, for comparing two servers' answers exactly.

    python registry_exact.py <section>     (MLFLOW_TRACKING_URI names the server)

``tests/server/test_mlflow_registry_exact.py`` runs each section against the lab server and
against a real ``mlflow server`` and compares the reports. Every answer is recorded (a
value, or an error's code and message) with the ids each server made up replaced by
names (``<run0>``, ``<exp>``, ``<model0>``), so equal behaviour gives equal reports.
Writes are a few milliseconds apart, so that ordering by timestamps has no ties.
Prints one JSON report on its last line.
"""

import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

warnings.filterwarnings("ignore")
client = MlflowClient()
report = {}
names = {}  # made-up id -> its placeholder


def name_of(value: str, placeholder: str) -> str:
    names.setdefault(value, placeholder)
    return value


def normal(value):
    """``value`` with every made-up id replaced by its placeholder (longest first)."""
    if isinstance(value, dict):
        return {normal(k): normal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normal(v) for v in value]
    if isinstance(value, str):
        for made_up in sorted(names, key=len, reverse=True):
            value = value.replace(made_up, names[made_up])
        return value
    return value


def answer(call, *args, **kwargs):
    """``["ok", value]`` or ``[error_code, message]``."""
    try:
        return ["ok", call(*args, **kwargs)]
    except MlflowException as error:
        return [error.error_code, error.message]


def pause():
    # Spacing the writes is the point (distinct timestamps on both servers, whose clocks are
    # this machine's): a script run against two servers, so a plain sleep, not a wait.
    time.sleep(0.005)


def version_fields(version) -> dict:
    return {"version": version.version, "source": version.source, "run_id": version.run_id}


def new_run() -> str:
    experiment = client.get_experiment_by_name("registry-exact")
    if experiment is None:
        experiment_id = client.create_experiment("registry-exact")
    else:
        experiment_id = experiment.experiment_id
    name_of(f"mlflow-artifacts:/{experiment_id}/", "mlflow-artifacts:/<exp>/")  # ids are short
    run_id = client.create_run(experiment_id).info.run_id
    return name_of(run_id, f"<run{len([n for n in names.values() if 'run' in n])}>")


# -- sections --------------------------------------------------------------------------


def numbering():
    run_id = new_run()
    client.create_registered_model("numbered")

    def create():
        pause()
        return client.create_model_version("numbered", f"runs:/{run_id}/m", run_id=run_id).version

    made = [create() for _ in range(3)]
    client.delete_model_version("numbered", "3")
    made.append(create())  # MLflow: 4, never 3 again
    client.delete_model_version("numbered", "4")
    client.delete_model_version("numbered", "2")
    made.append(create())
    client.rename_registered_model("numbered", "renumbered")
    made.append(
        client.create_model_version("renumbered", f"runs:/{run_id}/m", run_id=run_id).version
    )
    report["made"] = made
    report["deleted_version"] = answer(client.get_model_version, "renumbered", "3")[0]
    report["models_uri_of_deleted"] = answer(
        client.get_model_version_download_uri, "renumbered", "4"
    )[0]
    report["latest"] = [v.version for v in client.get_latest_versions("renumbered")]
    client.delete_registered_model("renumbered")
    client.create_registered_model("renumbered")
    report["recreated"] = client.create_model_version(
        "renumbered", f"runs:/{run_id}/m", run_id=run_id
    ).version


def sources():
    run_id = new_run()
    run = client.get_run(run_id)
    proxied = run.info.artifact_uri  # mlflow-artifacts:/<exp>/<run>/artifacts
    client.create_registered_model("sourced")
    client.create_model_version("sourced", f"runs:/{run_id}/model", run_id=run_id)
    cases = {
        "runs without run_id": (f"runs:/{run_id}/model", None),
        "runs with its run_id": (f"runs:/{run_id}/model", run_id),
        "runs with another run_id": (f"runs:/{run_id}/model", "run_id_1"),
        "runs of any run id": ("runs:/run_1/model", "run_1"),
        "runs with an authority": ("runs://run_1/model", "run_1"),
        "runs with ..": ("runs:/run_1/../model", "run_1"),
        "runs with .": ("runs:/run_1/./model", "run_1"),
        "runs with %2e%2e": ("runs:/run_1/%2e%2e/model", "run_1"),
        "runs with %252e%252e": ("runs:/run_1/%252e%252e/model", "run_1"),
        "runs, nothing": ("runs:/", None),
        "local without a run": ("/tmp/elsewhere/model", None),
        "relative": ("relative/model", None),
        "local outside the run": ("/tmp/elsewhere/model", run_id),
        "file URI outside the run": ("file:///tmp/elsewhere", run_id),
        "local with an unknown run": ("/tmp/elsewhere/model", "0" * 32),
        "proxied inside the run": (f"{proxied}/model", run_id),
        "proxied without a run": (f"{proxied}/model", None),
        "proxied in another run": ("mlflow-artifacts:/0/other/artifacts/model", run_id),
        "proxied with ..": (f"{proxied}/../../other", run_id),
        "proxied of an unknown run": (f"{proxied}/model", "run_2"),
        "proxy route over http": ("http://h/api/2.0/mlflow-artifacts/artifacts/x", run_id),
        "bucket root": ("s3://bucket", None),
        "models, nothing": ("models:/", None),
        "models with an authority": ("models://x/1", None),
        "models of a missing model": ("models:/missing/1", None),
        "models of a missing version": ("models:/sourced/9", None),
        "models of a logged model without model_id": ("models:/m-" + "0" * 32, None),
        "models, name and version": ("models:/sourced/1", None),
        "models, latest": ("models:/sourced/latest", None),
        "models, a missing alias": ("models:/sourced@champion", None),
        "models, run_id not the original's": ("models:/sourced/1", "run_9"),
        "models, run_id the original's": ("models:/sourced/1", run_id),
    }
    for case, (source, source_run_id) in cases.items():
        pause()
        result = answer(client.create_model_version, "sourced", source, run_id=source_run_id)
        if result[0] == "ok":
            result[1] = version_fields(result[1])
        report[case] = result
    client.set_registered_model_alias("sourced", "champion", "1")
    created = client.create_model_version("sourced", "models:/sourced@champion")
    report["models, an alias"] = version_fields(created)


def download_uris():
    run_id = new_run()
    run = client.get_run(run_id)
    client.create_registered_model("d")
    client.create_model_version("d", "runs:/run_1/model", run_id="run_1")  # a run elsewhere
    report["runs of a run not here"] = client.get_model_version_download_uri("d", "1")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "MLmodel").write_text("flavors: {}\n")
        client.log_artifact(run_id, str(Path(tmp) / "MLmodel"), "model")
    proxied = f"{run.info.artifact_uri}/model"
    original = client.create_model_version("d", proxied, run_id=run_id)
    report["proxied"] = client.get_model_version_download_uri("d", original.version)
    copy = client.copy_model_version(f"models:/d/{original.version}", "d-copy")
    report["copy"] = [version_fields(copy), client.get_model_version_download_uri("d-copy", "1")]
    copy_of_copy = client.copy_model_version("models:/d-copy/1", "d-copy")
    report["copy of a copy"] = [
        version_fields(copy_of_copy),
        client.get_model_version_download_uri("d-copy", copy_of_copy.version),
    ]
    runs_copy = client.copy_model_version("models:/d/1", "d-copy")
    report["copy of a runs source"] = [
        version_fields(runs_copy),
        client.get_model_version_download_uri("d-copy", runs_copy.version),
    ]
    client.delete_model_version("d", original.version)
    report["copy, original deleted"] = client.get_model_version_download_uri("d-copy", "1")

    import numpy as np
    from sklearn.linear_model import LinearRegression

    mlflow.set_experiment("registry-exact")
    with mlflow.start_run() as logged_run:
        estimator = LinearRegression().fit(np.eye(2), [0.0, 1.0])
        info = mlflow.sklearn.log_model(estimator, name="estimator")
    name_of(logged_run.info.run_id, "<logged_run>")
    name_of(info.model_id, "<model0>")
    registered = mlflow.register_model(info.model_uri, "logged")
    report["logged model"] = [
        version_fields(registered),
        client.get_model_version_download_uri("logged", registered.version),
    ]
    by_run = mlflow.register_model(f"runs:/{logged_run.info.run_id}/estimator", "logged")
    report["logged model by run"] = version_fields(by_run)
    copied = client.copy_model_version("models:/logged/1", "logged-copy")
    report["logged model copy"] = [
        version_fields(copied),
        client.get_model_version_download_uri("logged-copy", copied.version),
    ]
    loaded = mlflow.sklearn.load_model("models:/logged-copy/1")
    report["logged model copy loads"] = loaded.predict(np.eye(2)).round(6).tolist()


def timestamps():
    run_id = new_run()
    client.create_registered_model("t")
    for _ in range(4):
        client.create_model_version("t", f"runs:/{run_id}/m", run_id=run_id)
    name = {"current": "t"}

    def stamps():
        model = client.get_registered_model(name["current"])
        version = client.get_model_version(name["current"], "1")
        return model.last_updated_timestamp, version.last_updated_timestamp

    operations = {
        "create a version": lambda: client.create_model_version("t", f"runs:/{run_id}/x", run_id),
        "delete a version": lambda: client.delete_model_version("t", "2"),
        "stage": lambda: client.transition_model_version_stage("t", "1", "Staging"),
        "stage archiving it": lambda: client.transition_model_version_stage(
            "t", "3", "Staging", archive_existing_versions=True
        ),
        "stage of another": lambda: client.transition_model_version_stage("t", "4", "Production"),
        "set an alias": lambda: client.set_registered_model_alias("t", "a", "1"),
        "delete an alias": lambda: client.delete_registered_model_alias("t", "a"),
        "set a model tag": lambda: client.set_registered_model_tag("t", "k", "v"),
        "delete a model tag": lambda: client.delete_registered_model_tag("t", "k"),
        "set a version tag": lambda: client.set_model_version_tag("t", "1", "k", "v"),
        "delete a version tag": lambda: client.delete_model_version_tag("t", "1", "k"),
        "describe the model": lambda: client.update_registered_model("t", description="d"),
        "describe the version": lambda: client.update_model_version("t", "1", description="d"),
        "describe another version": lambda: client.update_model_version("t", "3", "d"),
        "rename": lambda: client.rename_registered_model("t", "t2"),
    }
    for operation, call in operations.items():
        before = stamps()
        time.sleep(0.01)  # so a timestamp that moves is seen to move
        call()
        if operation == "rename":
            name["current"] = "t2"
        after = stamps()
        report[operation] = {
            "model moved": after[0] != before[0],
            "version 1 moved": after[1] != before[1],
        }
    created = client.create_model_version("t2", f"runs:/{run_id}/y", run_id=run_id)
    model = client.get_registered_model("t2")
    report["a new version's times"] = [
        created.creation_timestamp == created.last_updated_timestamp,
        model.last_updated_timestamp == created.creation_timestamp,
    ]


SEARCH_FILTERS = [
    "",
    "name = 'alpha'",
    "name != 'alpha'",
    "name LIKE 'al%'",
    "name ILIKE 'AL%'",
    "name IN ('alpha', 'gamma')",
    "name NOT IN ('alpha')",
    "run_id = '{run0}'",
    "run_id IN ('{run0}', '{run1}')",
    "run_id NOT IN ('{run0}')",
    "run_id LIKE '%'",
    "source_path = 'runs:/{run1}/m3'",
    "source_path LIKE 'runs:/{run1}/%'",
    "source_path ILIKE 'RUNS:/%'",
    "version_number = 2",
    "version_number > 1",
    "version_number <= 2 AND name = 'beta'",
    "version_number != 1",
    "tags.team = 'risk'",
    "tag.team != 'risk'",
    "tags.team LIKE 'r%'",
    "tags.team ILIKE 'R%'",
    "`tags`.team = 'risk'",
    "tags.`team` = 'risk'",
    "tags.team = 'risk' AND tags.stage = 'prod'",
    "name = 'alpha' AND version_number >= 2 AND tags.team = 'risk'",
    "attribute.name = 'beta'",
    "current_stage = 'None'",
    "version = 1",
    "metrics.x > 1",
    "name = 'alpha' OR name = 'beta'",
    "tags.team IS NULL",
    "source_path IN ('x')",
    "version_number IN ('1')",
    "version_number = 'x'",
    "version_number = 1.5",
    "tags.team > 'a'",
    "name > 'a'",
    "run_id = 1",
    "tags.team = 1",
]
SEARCH_ORDERS = [
    [],
    ["name"],
    ["name DESC"],
    ["version_number"],
    ["version_number ASC", "name DESC"],
    ["creation_timestamp"],
    ["creation_timestamp DESC"],
    ["last_updated_timestamp"],
    ["last_updated_timestamp DESC", "name ASC"],
    ["attribute.name DESC", "version_number DESC"],
    ["name", "name DESC"],
    ["run_id"],
    ["tags.team"],
    ["name SIDEWAYS"],
]
MODEL_FILTERS = [
    "",
    "name = 'alpha'",
    "name LIKE 'a%'",
    "name ILIKE 'A%'",
    "name IN ('alpha', 'beta')",
    "name NOT IN ('alpha')",
    "tags.owner = 'ann'",
    "tags.owner != 'ann'",
    "tags.owner LIKE 'a%'",
    "name != 'gamma' AND tags.owner = 'ann'",
    "tags.`mlflow.prompt.is_prompt` = 'true'",
    "creation_timestamp > 0",
    "description = 'x'",
    "tags.owner IS NULL",
    "name = 'a' OR name = 'b'",
]
MODEL_ORDERS = [
    [],
    ["name DESC"],
    ["timestamp"],
    ["timestamp DESC"],
    ["last_updated_timestamp DESC"],
    ["last_updated_timestamp", "name DESC"],
    ["timestamp", "last_updated_timestamp"],
    ["creation_timestamp"],
    ["tags.owner"],
]


def walk(search, page_size, **kwargs):
    """Every page of a search: the items of each and whether a token followed."""
    pages, token = [], None
    while True:
        page = search(max_results=page_size, page_token=token, **kwargs)
        pages.append([page_item(item) for item in page])
        token = page.token
        if not token or len(pages) > 20:
            return pages


def page_item(item):
    version = getattr(item, "version", None)
    return [item.name, version] if version is not None else item.name


def search():
    runs = [new_run(), new_run()]
    specs = [  # (model, run, source, tags), each created a few ms after the one before
        ("alpha", 0, "runs:/{run0}/m1", {"team": "risk", "stage": "prod"}),
        ("beta", 1, "runs:/{run1}/m2", {"team": "ops"}),
        ("alpha", 1, "runs:/{run1}/m3", {"team": "risk"}),
        ("gamma", 0, "runs:/{run0}/m4", {}),
        ("beta", 0, "runs:/{run0}/m5", {"team": "Risk"}),
        ("alpha", 0, "runs:/{run0}/m6", {"stage": "prod"}),
        ("beta", 1, "runs:/{run1}/m7", {}),
    ]
    owners = {"alpha": "ann", "beta": "bob", "gamma": "ann"}
    for name in ("gamma", "alpha", "beta"):
        client.create_registered_model(name, tags={"owner": owners[name]})
        pause()
    ids = {"run0": runs[0], "run1": runs[1]}
    for name, run, source, tags in specs:
        pause()
        run_id = runs[run]
        client.create_model_version(name, source.format(**ids), run_id=run_id, tags=tags)
    pause()
    client.update_model_version("beta", "1", description="touched")  # moves its timestamp
    pause()
    # The client refuses prompt tags on create_registered_model; its registry client
    # sends what register_prompt sends.
    registry = client._get_registry_client()
    registry.create_registered_model("prompt", tags={"mlflow.prompt.is_prompt": "true"})
    client.create_registered_model("delta")

    for filter_string in SEARCH_FILTERS:
        for order_by in SEARCH_ORDERS if filter_string in ("", "name != 'alpha'") else [[]]:
            key = f"versions {filter_string!r} {order_by}"
            text = filter_string.format(**ids)
            report[key] = answer(
                walk, client.search_model_versions, 3, filter_string=text, order_by=order_by
            )
    for order_by in SEARCH_ORDERS[:6]:
        key = f"versions one page {order_by}"
        report[key] = answer(walk, client.search_model_versions, 100, order_by=order_by)
    for filter_string in MODEL_FILTERS:
        for order_by in MODEL_ORDERS if filter_string == "" else [[]]:
            key = f"models {filter_string!r} {order_by}"
            report[key] = answer(
                walk,
                client.search_registered_models,
                2,
                filter_string=filter_string,
                order_by=order_by,
            )
    report["models max_results 1000"] = answer(
        lambda: len(client.search_registered_models(max_results=1000))
    )
    report["models max_results 1001"] = answer(
        lambda: len(client.search_registered_models(max_results=1001))
    )[0]
    report["versions max_results 0"] = answer(
        lambda: len(client.search_model_versions(max_results=0))
    )[0]
    report["versions default max_results"] = answer(lambda: len(client.search_model_versions()))


def latest():
    run_id = new_run()
    client.create_registered_model("L")
    for _ in range(6):
        client.create_model_version("L", f"runs:/{run_id}/m", run_id=run_id)
    for version, stage in (
        ("2", "Production"),
        ("4", "Staging"),
        ("1", "Archived"),
        ("6", "Staging"),
    ):
        client.transition_model_version_stage("L", version, stage)
    client.delete_model_version("L", "5")
    report["all stages"] = [v.version for v in client.get_latest_versions("L")]
    report["some stages"] = [
        v.version for v in client.get_latest_versions("L", ["Staging", "Production", "None"])
    ]
    report["one stage, any case"] = [
        v.version for v in client.get_latest_versions("L", ["staging"])
    ]
    report["in the model"] = [v.version for v in client.get_registered_model("L").latest_versions]
    report["unknown stage"] = answer(client.get_latest_versions, "L", ["Live"])[0]


SECTIONS = {
    "numbering": numbering,
    "sources": sources,
    "download_uris": download_uris,
    "timestamps": timestamps,
    "search": search,
    "latest": latest,
}

if __name__ == "__main__":
    name_of(os.environ["MLFLOW_TRACKING_URI"].rstrip("/"), "<server>")
    SECTIONS[sys.argv[1]]()
    print(json.dumps(normal(report)))
    sys.stdout.flush()
