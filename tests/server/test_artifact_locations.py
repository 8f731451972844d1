"""Where the server reads and writes artifacts: under its artifact root, or under the roots
an administrator allows (``c.Tracker.allowed_artifact_roots``), nowhere else.

Covers what a client can pick (experiment ``artifact_location`` on both APIs, model-version
``source`` on both APIs) and what is already stored (locations written before the policy, or
by an embedded client straight into the database): the artifact handlers and the download
URI refuse those too, unless an administrator allows their root.
"""

from __future__ import annotations

import http.server
import threading

import pytest

import jupyterlab_tracker as jt
from jupyterlab_tracker.artifacts.locations import ArtifactLocations
from jupyterlab_tracker.config import ALLOWED_ARTIFACT_ROOTS_ENV
from jupyterlab_tracker.errors import TrackerError
from jupyterlab_tracker.importing.mlflow_import import _portable_source

ML = "api/2.0/mlflow"


@pytest.fixture
def shared_root(tmp_path):
    root = tmp_path / "shared"
    root.mkdir()
    return root


@pytest.fixture
def jp_server_config(jp_server_config, shared_root):
    tracker = {**jp_server_config["Tracker"]}
    tracker["allowed_artifact_roots"] = [str(shared_root), "s3://bucket/prefix"]
    return {**jp_server_config, "Tracker": tracker}


@pytest.fixture
def tracker(jp_serverapp):
    """The server's ``TrackerContext``: to store data as an older version (or an embedded
    client writing the database directly) would have, bypassing the policy."""
    return jp_serverapp.web_app.settings["tracker"]


def outside_locations(tmp_path):
    return [
        str(tmp_path / "elsewhere"),  # absolute, outside every root
        f"file://{tmp_path}/elsewhere",
        "relative/dir",  # resolved against the Jupyter root otherwise
        "~/artifacts",
        "mlflow-artifacts:/../../escape",
        "mlflow-artifacts:/%2e%2e/escape",
        "http://169.254.169.254/latest",  # the server would fetch it (SSRF)
        "https://example.com/artifacts",
        "s3://bucket/other",  # the allowed bucket, another prefix
        "s3://bucket/prefix/../other",
        "s3:/bucket/prefix/x",  # not a URL fsspec would read as one
        "s3://bucket/prefix/x?versionId=1",
        f"{tmp_path}/shared/../elsewhere",
        "runs:/0123456789abcdef0123456789abcdef/model",
    ]


async def test_experiment_locations_outside_the_roots_are_refused(tracker_api, tmp_path):
    for i, location in enumerate(outside_locations(tmp_path)):
        for route, body in [
            ("api/experiments", {"name": f"n{i}", "artifact_location": location}),
            (f"{ML}/experiments/create", {"name": f"m{i}", "artifact_location": location}),
        ]:
            status, answer = await tracker_api("POST", route, body)
            assert status == 400, (route, location, answer)
            assert answer["error_code"] == "INVALID_PARAMETER_VALUE", location
    status, answer = await tracker_api(
        "POST", "api/experiments", {"name": "x", "artifact_location": str(tmp_path / "nope")}
    )
    # The message names the allowed roots and how to allow another.
    assert str(tmp_path / "artifacts") in answer["message"]
    assert "s3://bucket/prefix" in answer["message"]
    assert "allowed_artifact_roots" in answer["message"]
    _, found = await tracker_api("GET", "api/experiments")
    assert [e["name"] for e in found["experiments"]] == ["Default"]


async def test_locations_under_the_roots_are_kept(tracker_api, tmp_path, shared_root):
    root = tmp_path / "artifacts"
    cases = {
        str(root / "mine"): str(root / "mine"),
        f"file://{root}/filed": f"file://{root}/filed",
        "mlflow-artifacts:/proxied": f"{root}/proxied",  # translated on both APIs
        str(shared_root / "team"): str(shared_root / "team"),
        "s3://bucket/prefix/team": "s3://bucket/prefix/team",
    }
    for i, (given, stored) in enumerate(cases.items()):
        status, answer = await tracker_api(
            "POST", "api/experiments", {"name": f"e{i}", "artifact_location": given}
        )
        assert status == 201, answer
        assert answer["experiment"]["artifact_location"] == stored
    status, answer = await tracker_api(
        "POST",
        f"{ML}/experiments/create",
        {"name": "m", "artifact_location": "mlflow-artifacts:/x"},
    )
    assert status == 200
    _, got = await tracker_api(
        "GET", f"{ML}/experiments/get", params={"experiment_id": answer["experiment_id"]}
    )
    assert got["experiment"]["artifact_location"] == "mlflow-artifacts:/x"


async def test_a_relative_location_is_resolved_as_mlflow_resolves_it(
    tracker_api, tmp_path, shared_root, monkeypatch
):
    """Against the server's working directory (MLflow's ``resolve_uri_if_local``), and then
    confined like any other location."""
    monkeypatch.chdir(shared_root)
    cases = {"team/x": f"{shared_root}/team/x", "file:team/y": f"file://{shared_root}/team/y"}
    for i, (given, resolved) in enumerate(cases.items()):
        body = {"name": f"r{i}", "artifact_location": given}
        status, answer = await tracker_api("POST", f"{ML}/experiments/create", body)
        assert status == 200, answer
        query = {"experiment_id": answer["experiment_id"]}
        _, got = await tracker_api("GET", f"{ML}/experiments/get", params=query)
        assert got["experiment"]["artifact_location"] == resolved
    monkeypatch.chdir(tmp_path)  # outside the roots once resolved: refused, saying where
    body = {"name": "out", "artifact_location": "team/z"}
    status, answer = await tracker_api("POST", f"{ML}/experiments/create", body)
    assert (status, answer["error_code"]) == (400, "INVALID_PARAMETER_VALUE")
    assert str(tmp_path / "team" / "z") in answer["message"]


async def test_model_version_sources_outside_the_roots_are_refused(tracker_api, tracker, tmp_path):
    """MLflow's rules (a source belongs to the request's run) and the location policy,
    on both APIs."""
    await tracker_api("POST", "api/registered-models", {"name": "m"})
    store = tracker.service.store
    experiment_id = store.create_experiment("sources")
    run = store.create_run(experiment_id)
    run_id, run_dir = run.info.run_id, run.info.artifact_uri  # a path under the root
    refused = [
        ("/etc", run_id),
        ("file:///etc/passwd", run_id),
        (str(tmp_path / "elsewhere" / "model"), run_id),
        (f"{run_dir}/model", None),  # MLflow: a local source needs its run
        ("http://169.254.169.254/model", None),
        ("relative/model", run_id),
        (f"runs:/{run_id}/../../model", run_id),
        (f"runs:/{run_id}/%2e%2e/model", run_id),
        (f"runs:/{run_id}/model", None),  # MLflow: the run_id must be the source's
        ("runs://elsewhere/model", "elsewhere"),
        ("models:/other/../1", None),
        ("mlflow-artifacts:/../model", run_id),
        ("s3://bucket/other/model", None),  # MLflow takes it; outside the allowed prefix
    ]

    async def create_on_both_apis(source: str, source_run_id: str | None) -> list:
        body = {"name": "m", "source": source, "run_id": source_run_id}
        return [
            (route, *await tracker_api("POST", route, body))
            for route in ("api/model-versions", f"{ML}/model-versions/create")
        ]

    for source, source_run_id in refused:
        for route, status, answer in await create_on_both_apis(source, source_run_id):
            assert status == 400, (route, source, answer)
            assert answer["error_code"] == "INVALID_PARAMETER_VALUE"
    accepted = [
        (f"runs:/{run_id}/model", run_id),
        ("runs:/run_1/model", "run_1"),  # any run id, as in MLflow
        (f"{run_dir}/model", run_id),
        (f"mlflow-artifacts:/{experiment_id}/{run_id}/artifacts/model", run_id),
        ("s3://bucket/prefix/model", None),
        ("models:/m/1", None),
    ]
    for source, source_run_id in accepted:
        for route, status, answer in await create_on_both_apis(source, source_run_id):
            assert status in (200, 201), (route, source, answer)


class CountingHandler(http.server.BaseHTTPRequestHandler):
    requests = 0

    def do_GET(self):  # noqa: N802 (http.server's naming)
        CountingHandler.requests += 1
        self.send_response(200)
        self.end_headers()

    do_HEAD = do_GET  # noqa: N815

    def log_message(self, *args):
        pass


@pytest.fixture
def probe_server():
    """A local HTTP server that counts the requests it gets (an SSRF target)."""
    CountingHandler.requests = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


async def test_stored_locations_outside_the_roots_are_never_opened(
    tracker_api, tracker, tmp_path, probe_server
):
    """Data written before the policy existed (or by an embedded client) is refused by
    every artifact handler, and the server sends no request to a stored URL."""
    elsewhere = tmp_path / "elsewhere"
    store = tracker.service.store
    for name, location in [("local", str(elsewhere)), ("url", f"{probe_server}/artifacts")]:
        experiment_id = store.create_experiment(name, artifact_location=location)
        run_id = store.create_run(experiment_id).info.run_id
        status, answer = await tracker_api("GET", f"api/runs/{run_id}/artifacts")
        assert status == 400 and "allowed_artifact_roots" in answer["message"], answer
        status, _ = await tracker_api(
            "GET", f"api/runs/{run_id}/artifacts/content", params={"path": "f.txt"}
        )
        assert status == 400
        status, _ = await tracker_api(
            "PUT", f"api/runs/{run_id}/artifacts/content", params={"path": "f.txt"}, raw="x"
        )
        assert status == 400
        # MLflow's web UI routes, which scripts call too.
        for verb, route, params in [
            ("GET", f"{ML}/artifacts/list", {"run_id": run_id}),
            ("GET", f"ajax-{ML}/artifacts/list", {"run_id": run_id, "path": "d"}),
            ("GET", "get-artifact", {"run_id": run_id, "path": "f.txt"}),
        ]:
            status, answer = await tracker_api(verb, route, params=params)
            assert status == 400 and "allowed_artifact_roots" in answer["message"], answer
        status, answer = await tracker_api(
            "POST",
            f"ajax-{ML}/upload-artifact",
            params={"run_uuid": run_id, "path": "f.txt"},
            raw="x",
        )
        assert status == 400 and "allowed_artifact_roots" in answer["message"], answer
    assert not elsewhere.exists()
    assert CountingHandler.requests == 0


async def test_stored_sources_outside_the_roots_get_no_download_uri(tracker_api, tracker):
    registry_store = tracker.registry.registry
    registry_store.create_registered_model("old")
    registry_store.create_model_version("old", "/etc/ssh")
    for route, params in [
        ("api/model-versions/download-uri", {"name": "old", "version": "1"}),
        (f"{ML}/model-versions/get-download-uri", {"name": "old", "version": "1"}),
    ]:
        status, answer = await tracker_api("GET", route, params=params)
        assert status == 400 and "/etc/ssh" in answer["message"], answer
    # Nor are its files read (MLflow's model-versions/get-artifact), nor those of a copy
    # whose source names it.
    registry_store.create_registered_model("copy")
    registry_store.create_model_version("copy", "models:/old/1")
    for name in ("old", "copy"):
        params = {"name": name, "version": "1", "path": "id_rsa.pub"}
        status, answer = await tracker_api("GET", "model-versions/get-artifact", params=params)
        assert status == 400 and "/etc/ssh" in answer["message"], answer


async def test_existing_data_under_an_allowed_root_keeps_working(tracker_api, tracker, shared_root):
    """What an administrator allows (here ``shared_root``) is read and written as usual."""
    experiment_id = tracker.service.store.create_experiment("old", str(shared_root / "old"))
    run_id = tracker.service.store.create_run(experiment_id).info.run_id
    status, _ = await tracker_api(
        "PUT", f"api/runs/{run_id}/artifacts/content", params={"path": "f.txt"}, raw="data"
    )
    assert status == 200
    _, listing = await tracker_api("GET", f"api/runs/{run_id}/artifacts")
    assert listing["files"] == [{"path": "f.txt", "is_dir": False, "file_size": 4}]
    assert (shared_root / "old" / run_id / "artifacts" / "f.txt").read_text() == "data"


def test_the_embedded_client_is_confined_the_same_way(tmp_path, monkeypatch):
    """An embedded client applies the same policy, with the roots the server gives kernels
    (or its own arguments): what it stores, the server can serve."""
    monkeypatch.delenv(ALLOWED_ARTIFACT_ROOTS_ENV, raising=False)
    uri, root = f"sqlite:///{tmp_path}/e.db", str(tmp_path / "root")
    client = jt.TrackerClient(uri, artifact_root=root)
    with pytest.raises(TrackerError) as error:
        client.create_experiment("x", artifact_location=str(tmp_path / "mine"))
    assert error.value.error_code == "INVALID_PARAMETER_VALUE"
    client.close()
    monkeypatch.setenv(ALLOWED_ARTIFACT_ROOTS_ENV, f'["{tmp_path / "mine"}"]')
    client = jt.TrackerClient(uri, artifact_root=root)
    experiment_id = client.create_experiment("x", artifact_location=str(tmp_path / "mine" / "x"))
    run_id = client.create_run(experiment_id).info.run_id
    client.log_text(run_id, "hi", "a.txt")
    assert (tmp_path / "mine" / "x" / run_id / "artifacts" / "a.txt").read_text() == "hi"
    client.close()
    monkeypatch.setenv(ALLOWED_ARTIFACT_ROOTS_ENV, "/not/json")
    with pytest.raises(ValueError, match=ALLOWED_ARTIFACT_ROOTS_ENV):
        jt.TrackerClient(uri, artifact_root=root).backend  # noqa: B018


def test_policy_rules(tmp_path):
    root = tmp_path / "root"
    (tmp_path / "outside").mkdir()
    root.mkdir()
    (root / "link").symlink_to(tmp_path / "outside")
    policy = ArtifactLocations(str(root), ["s3://Bucket/p"])
    assert policy.confine(str(root / "a"), "x") == str(root / "a")
    assert policy.confine("s3://bucket/p/q", "x") == "s3://bucket/p/q"
    assert policy.confine("mlflow-artifacts://host:5000/a/b", "x") == f"{root}/a/b"
    for refused in [str(root / "link" / "x"), "s3://bucket/pq", "s3://bucket", "file://host/x"]:
        with pytest.raises(TrackerError):
            policy.confine(refused, "x")
    with pytest.raises(TrackerError):
        ArtifactLocations(str(root), ["s3://bucket/../x"])


def test_imported_sources_inside_a_run_become_runs_uris():
    run_id = "0123456789abcdef0123456789abcdef"
    for source in [
        f"file:///old/mlruns/1/{run_id}/artifacts/model",
        f"/old/mlruns/1/{run_id}/artifacts/model",
        f"mlflow-artifacts:/1/{run_id}/artifacts/model",
    ]:
        assert _portable_source(source, run_id) == f"runs:/{run_id}/model"
    assert _portable_source(f"/x/{run_id}/artifactsy/m", run_id) == f"/x/{run_id}/artifactsy/m"
    assert _portable_source("s3://b/m", None) == "s3://b/m"


def test_the_mlflow_import_keeps_what_it_can_and_says_what_it_cannot(tmp_path):
    """A version whose MLflow source lies outside the allowed roots is reported, not a crash."""
    from jupyterlab_tracker.importing.mlflow_import import MlflowImporter
    from jupyterlab_tracker.importing.mlflow_sources import (
        SourceModelVersion,
        SourceRegisteredModel,
    )
    from jupyterlab_tracker.service.factory import open_services

    class Source:
        def experiments(self):
            return []

        def run_ids(self):
            return []

        def registered_models(self):
            versions = [
                SourceModelVersion("1", "/old/mlruns/1/model", None),
                SourceModelVersion("2", "models:/other/1", None),
            ]
            return [SourceRegisteredModel("m", versions=versions)]

    services = open_services(f"sqlite:///{tmp_path}/t.db", str(tmp_path / "art"))
    report = MlflowImporter(services, show_progress=False).run(Source())
    assert report.model_versions == 1
    assert len(report.warnings) == 1 and "version 1 of 'm' not imported" in report.warnings[0]
    assert services.registry.get_model_version("m", "1").source == "models:/other/1"
