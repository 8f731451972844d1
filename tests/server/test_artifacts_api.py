"""Artifact endpoints of the native API: listing, Range downloads, streamed uploads and
path-traversal attempts (which must all be refused with 400)."""

from __future__ import annotations

import json
import os
from urllib.parse import quote

import pytest
from tornado.httpclient import AsyncHTTPClient


async def new_run(tracker_api) -> str:
    _, body = await tracker_api("POST", "api/runs", {"experiment_id": "0"})
    return body["run"]["info"]["run_id"]


@pytest.fixture
def artifact_fetch(jp_fetch):
    """Raw (non-JSON) calls to ``api/runs/<id>/artifacts/content``."""

    async def call(run_id, method="GET", *, path, body=None, headers=None):
        response = await jp_fetch(
            "tracker", "api", "runs", run_id, "artifacts", "content",
            method=method, params={"path": path}, body=body, headers=headers, raise_error=False,
        )  # fmt: skip
        return response

    return call


async def test_upload_list_download_and_ranges(tracker_api, artifact_fetch):
    run_id = await new_run(tracker_api)
    data = bytes(range(256)) * 40  # 10 kB
    response = await artifact_fetch(run_id, "PUT", path="data/blob.bin", body=data)
    assert response.code == 200
    await artifact_fetch(run_id, "PUT", path="notes.txt", body=b"hello")

    status, body = await tracker_api("GET", f"api/runs/{run_id}/artifacts")
    assert status == 200
    assert body["files"] == [
        {"path": "data", "is_dir": True, "file_size": None},
        {"path": "notes.txt", "is_dir": False, "file_size": 5},
    ]
    _, body = await tracker_api("GET", f"api/runs/{run_id}/artifacts", params={"path": "data"})
    assert body["files"] == [{"path": "data/blob.bin", "is_dir": False, "file_size": len(data)}]

    whole = await artifact_fetch(run_id, path="data/blob.bin")
    assert whole.code == 200 and whole.body == data
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert whole.headers["Content-Type"] == "application/octet-stream"
    text = await artifact_fetch(run_id, path="notes.txt")
    assert text.headers["Content-Type"].startswith("text/plain")
    await artifact_fetch(run_id, "PUT", path="page.html", body=b"<script>alert(1)</script>")
    page = await artifact_fetch(run_id, path="page.html")
    assert page.headers["Content-Type"] == "text/html"
    assert "sandbox" in page.headers["Content-Security-Policy"]  # never runs as Jupyter
    assert page.headers["Content-Disposition"] == "attachment; filename*=UTF-8''page.html"

    part = await artifact_fetch(run_id, path="data/blob.bin", headers={"Range": "bytes=10-19"})
    assert part.code == 206 and part.body == data[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
    tail = await artifact_fetch(run_id, path="data/blob.bin", headers={"Range": "bytes=-5"})
    assert tail.code == 206 and tail.body == data[-5:]
    rest = await artifact_fetch(run_id, path="data/blob.bin", headers={"Range": "bytes=10000-"})
    assert rest.body == data[10000:]
    outside = await artifact_fetch(run_id, path="notes.txt", headers={"Range": "bytes=50-60"})
    assert outside.code == 416 and outside.headers["Content-Range"] == "bytes */5"

    missing = await artifact_fetch(run_id, path="nope.txt")
    assert missing.code == 404


UPLOAD_ROUTES = {
    # The native API's PUT, and MLflow's web UI route (POST, run and path in the query).
    "native": ("PUT", "tracker/api/runs/{run_id}/artifacts/content?path={path}"),
    "mlflow-web-ui": (
        "POST",
        "tracker/ajax-api/2.0/mlflow/upload-artifact?run_uuid={run_id}&path={path}",
    ),
}


async def stream_upload(http_server_client, jp_base_url, jp_auth_header, route, run_id, path, size):
    """Upload ``size`` random bytes in 64 kB pieces (a body producer); returns (response, data)."""
    chunk = os.urandom(64 * 1024)
    pieces = size // len(chunk)

    async def producer(write):
        for _ in range(pieces):
            await write(chunk)

    method, template = UPLOAD_ROUTES[route]
    port = http_server_client.get_http_port()
    url = f"http://127.0.0.1:{port}{jp_base_url}" + template.format(run_id=run_id, path=path)
    response = await AsyncHTTPClient().fetch(
        url,
        method=method,
        body_producer=producer,
        headers={**jp_auth_header, "Content-Length": str(len(chunk) * pieces)},
        raise_error=False,
    )
    return response, chunk * pieces


@pytest.mark.parametrize("route", UPLOAD_ROUTES)
async def test_streamed_upload_larger_than_one_chunk(
    tracker_api,
    artifact_fetch,
    tracker_artifact_root,
    http_server_client,
    jp_base_url,
    jp_auth_header,
    route,
):
    """A body sent in many pieces arrives whole, and only under its final name: no
    temporary upload file is left behind. 20 MB: over MLflow's 10 MB for this route and
    over the JSON body limit, under the artifact upload limit."""
    run_id = await new_run(tracker_api)
    response, data = await stream_upload(
        http_server_client, jp_base_url, jp_auth_header, route, run_id, "big/stream.bin", 20 << 20
    )
    assert response.code == 200, response.body
    downloaded = await artifact_fetch(run_id, path="big/stream.bin")
    assert downloaded.body == data
    stored = [name for _, _, names in os.walk(tracker_artifact_root) for name in names]
    assert "stream.bin" in stored
    assert not [name for name in stored if name.startswith(".tracker-upload")]


@pytest.mark.parametrize("route", UPLOAD_ROUTES)
async def test_an_undecodable_path_gets_a_400_after_the_body_not_a_reset(
    tracker_api, http_server_client, jp_base_url, jp_auth_header, route
):
    """``%C0%AF`` is not UTF-8: tornado refuses the argument with an HTTPError. Raised
    while the client still sends 4 MB, it reset the connection (the MLflow fuzz saw it);
    the body is drained and the 400 answered after it, as for any refused upload."""
    run_id = await new_run(tracker_api)
    response, _ = await stream_upload(
        http_server_client, jp_base_url, jp_auth_header, route, run_id, "%C0%AF", 4 << 20
    )
    assert response.code == 400, (response.code, response.error)
    assert json.loads(response.body)["error_code"] in ("BAD_REQUEST", "INVALID_PARAMETER_VALUE")


@pytest.mark.parametrize("route", UPLOAD_ROUTES)
async def test_uploads_over_the_limit_are_refused_and_not_stored(
    tracker_api, artifact_fetch, http_server_client, jp_base_url, jp_auth_header, route, monkeypatch
):
    monkeypatch.setattr("jupyterlab_tracker.server.artifacts_api.MAX_UPLOAD_BYTES", 1 << 20)
    run_id = await new_run(tracker_api)
    try:
        response, _ = await stream_upload(
            http_server_client, jp_base_url, jp_auth_header, route, run_id, "big.bin", 3 << 20
        )
        assert response.code >= 400
    except OSError:  # the server may close the connection while the body is sent
        pass
    assert (await artifact_fetch(run_id, path="big.bin")).code == 404


TRAVERSALS = [
    "../escape.txt",
    "a/../../escape.txt",
    "/etc/passwd",
    "%2e%2e%2fescape.txt",
    "%252e%252e%252fescape.txt",
    "a\\..\\escape.txt",
    "ok/%00.txt",
]


@pytest.mark.parametrize("path", TRAVERSALS)
async def test_path_traversal_is_refused(tracker_api, artifact_fetch, path):
    run_id = await new_run(tracker_api)
    upload = await artifact_fetch(run_id, "PUT", path=path, body=b"x")
    assert upload.code == 400, upload.body
    download = await artifact_fetch(run_id, path=path)
    assert download.code == 400
    status, body = await tracker_api("GET", f"api/runs/{run_id}/artifacts", params={"path": path})
    assert status == 400 and body["error_code"] == "INVALID_PARAMETER_VALUE"


async def test_symlink_escaping_the_root_is_refused(tracker_api, artifact_fetch, tmp_path):
    run_id = await new_run(tracker_api)
    _, body = await tracker_api("GET", f"api/runs/{run_id}")
    root = body["run"]["info"]["artifact_uri"]
    os.makedirs(root, exist_ok=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    os.symlink(outside, os.path.join(root, "link"))
    assert (await artifact_fetch(run_id, path="link/secret.txt")).code == 400
    assert (await artifact_fetch(run_id, "PUT", path="link/new.txt", body=b"x")).code == 400
    assert not (outside / "new.txt").exists()
    status, _ = await tracker_api("GET", f"api/runs/{run_id}/artifacts", params={"path": "link"})
    assert status == 400


async def test_artifacts_need_an_existing_owner(tracker_api, artifact_fetch):
    status, _ = await tracker_api("GET", f"api/runs/{'0' * 32}/artifacts")
    assert status == 404
    # An id of another form names no model either (MLflow's answer), and reaches no query.
    status, _ = await tracker_api("GET", "api/logged-models/m-nothex/artifacts")
    assert status == 404


ACTIVE_FILES = {  # stored files a browser would run as a document of the Jupyter origin
    "page.html": b"<script>parent.pwned = 1</script>",
    "page.xhtml": b'<html xmlns="http://www.w3.org/1999/xhtml"><script>top.pwned=1</script></html>',
    "figure.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="top.pwned=1"/>',
    "data.xml": b'<x:script xmlns:x="http://www.w3.org/1999/xhtml">top.pwned=1</x:script>',
    "no-extension": b"<script>top.pwned=1</script>",
    'a "quoted"\r\nname ü.html': b"<script>top.pwned=1</script>",  # header-safe name
}


@pytest.mark.parametrize("route", ["native", "mlflow-proxy", "mlflow-model-file", "mlflow-web-ui"])
async def test_stored_files_never_run_as_the_jupyter_origin(
    tracker_api, artifact_fetch, jp_fetch, route
):
    """Opened directly (a link in a description, a typed URL), a stored HTML, SVG or XML
    file is a sandboxed download that is never sniffed: every download route, and ranges."""
    run_id = await new_run(tracker_api)
    _, body = await tracker_api("POST", "api/logged-models", {"experiment_id": "0", "name": "m"})
    model_id = body["model"]["model_id"]

    async def fetch(name, method="GET", body=None, headers=None):
        if route == "native":
            return await artifact_fetch(run_id, method, path=name, body=body, headers=headers)
        if route == "mlflow-model-file":  # MLflow UI's download of a logged model's file
            if method == "PUT":  # uploaded through the native API
                parts = ("api", "logged-models", model_id, "artifacts", "content")
                params = {"path": name}
            else:
                parts = ("ajax-api", "2.0", "mlflow", "logged-models", model_id, "artifacts")
                parts, params = (*parts, "files"), {"artifact_file_path": name}
            return await jp_fetch(
                "tracker", *parts,
                method=method, params=params, body=body, headers=headers, raise_error=False,
            )  # fmt: skip
        if route == "mlflow-web-ui":  # MLflow's upload-artifact and get-artifact routes
            where = ("ajax-api", "2.0", "mlflow", "upload-artifact") if body else ("get-artifact",)
            params = {"run_uuid" if body else "run_id": run_id, "path": name}
            return await jp_fetch(
                "tracker", *where, method="POST" if body else method,
                params=params, body=body, headers=headers, raise_error=False,
            )  # fmt: skip
        return await jp_fetch(
            "tracker", "api", "2.0", "mlflow-artifacts", "artifacts",
            "0", run_id, "artifacts", name,
            method=method, body=body, headers=headers, raise_error=False,
        )  # fmt: skip

    for name, content in ACTIVE_FILES.items():
        assert (await fetch(name, "PUT", body=content)).code == 200
        for headers in (None, {"Range": "bytes=0-9"}):
            response = await fetch(name, headers=headers)
            assert response.code in (200, 206)
            assert response.body == content[: 10 if headers else None]
            disposition = response.headers["Content-Disposition"]
            assert disposition == f"attachment; filename*=UTF-8''{quote(name)}"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            policy = [d.strip() for d in response.headers["Content-Security-Policy"].split(";")]
            assert "sandbox" in policy  # a unique origin with no scripts, whatever renders it
