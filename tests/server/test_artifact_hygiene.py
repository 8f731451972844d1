"""Artifact store hygiene: what the MLflow artifact proxy may change, temporary upload
files, symlinks, deleted runs, hostile listings on the client side, and file-system errors
from bad upload paths (each a 400 saying what to fix, never a 500)."""

from __future__ import annotations

import os
import time

import pytest

from jupyterlab_tracker.artifacts.repository import STALE_UPLOAD_SECONDS, ArtifactRepository
from jupyterlab_tracker.client.artifacts import FileTransport
from jupyterlab_tracker.entities import FileInfo
from jupyterlab_tracker.errors import TrackerError

PROXY = "api/2.0/mlflow-artifacts/artifacts"


@pytest.fixture
def raw(jp_fetch):
    """A raw request to ``tracker/<path>``: (status, body bytes)."""

    async def call(method, path, *, body=None, params=None):
        if method in ("PUT", "POST") and body is None:
            body = b""
        response = await jp_fetch(
            "tracker", *path.split("/"), method=method, body=body, params=params,
            raise_error=False, allow_nonstandard_methods=True,
        )  # fmt: skip
        return response.code, response.body

    return call


async def new_run(tracker_api) -> tuple[str, str]:
    """(run id, its artifacts directory on disk)."""
    _, body = await tracker_api("POST", "api/runs", {"experiment_id": "0"})
    info = body["run"]["info"]
    return info["run_id"], info["artifact_uri"]


# -- the MLflow artifact proxy ---------------------------------------------------------


async def test_proxy_cannot_delete_a_run_root_or_anything_above(tracker_api, raw):
    run_id, root = await new_run(tracker_api)
    run_path = f"{PROXY}/0/{run_id}/artifacts"
    assert (await raw("PUT", f"{run_path}/keep.txt", body=b"k"))[0] == 200
    assert (await raw("PUT", f"{run_path}/sub/gone.txt", body=b"g"))[0] == 200
    for above in ["0", f"0/{run_id}", f"0/{run_id}/artifacts", f"0/{run_id}/artifacts/"]:
        status, body = await raw("DELETE", f"{PROXY}/{above}")
        assert status == 400, (above, body)
    assert sorted(os.listdir(root)) == [".tracker-upload-staging", "keep.txt", "sub"]
    assert (await raw("DELETE", f"{run_path}/sub"))[0] == 200
    assert not os.path.exists(os.path.join(root, "sub"))


async def test_proxy_cannot_put_a_file_where_a_run_directory_belongs(tracker_api, raw):
    run_id, root = await new_run(tracker_api)
    for path in [f"0/{run_id}", f"0/{run_id}/artifacts", "0/loose.txt", "loose.txt"]:
        status, _ = await raw("PUT", f"{PROXY}/{path}", body=b"x")
        assert status == 400, path
    # ... so later uploads to the run still work.
    assert (await raw("PUT", f"{PROXY}/0/{run_id}/artifacts/a.txt", body=b"a"))[0] == 200
    with open(os.path.join(root, "a.txt"), "rb") as file:
        assert file.read() == b"a"
    # A run id that is not there, or a run whose artifacts live elsewhere, is refused too.
    status, _ = await raw("PUT", f"{PROXY}/0/{'f' * 32}/artifacts/a.txt", body=b"a")
    assert status == 404
    status, _ = await raw("PUT", f"{PROXY}/7/{run_id}/artifacts/a.txt", body=b"a")
    assert status == 400


async def test_uploads_to_a_deleted_run_are_refused(tracker_api, raw):
    run_id, _root = await new_run(tracker_api)
    await tracker_api("DELETE", f"api/runs/{run_id}")
    native = f"api/runs/{run_id}/artifacts/content"
    for method, path, params in [
        ("PUT", native, {"path": "late.txt"}),
        ("PUT", f"{PROXY}/0/{run_id}/artifacts/late.txt", None),
        ("DELETE", f"{PROXY}/0/{run_id}/artifacts/late.txt", None),
    ]:
        status, body = await raw(
            method, path, body=b"x" if method == "PUT" else None, params=params
        )
        assert status == 400 and b"'active' state" in body, (method, path, body)
    await tracker_api("POST", f"api/runs/{run_id}/restore")
    assert (await raw("PUT", native, body=b"x", params={"path": "late.txt"}))[0] == 200


# -- temporary upload files ------------------------------------------------------------


async def test_temporary_upload_files_are_hidden_and_stale_ones_cleaned(tracker_api, raw):
    run_id, root = await new_run(tracker_api)
    content = f"api/runs/{run_id}/artifacts/content"
    assert (await raw("PUT", content, body=b"1", params={"path": "first.txt"}))[0] == 200
    staging = os.path.join(root, ".tracker-upload-staging")
    stale = os.path.join(staging, ".tracker-upload-crashed")
    fresh = os.path.join(staging, ".tracker-upload-in-flight")
    for path in (stale, fresh):
        with open(path, "wb") as file:
            file.write(b"partial")
    old = time.time() - STALE_UPLOAD_SECONDS - 60
    os.utime(stale, (old, old))
    _, listing = await tracker_api("GET", f"api/runs/{run_id}/artifacts")
    assert [f["path"] for f in listing["files"]] == ["first.txt"]
    status, proxied = await tracker_api("GET", PROXY, params={"path": f"0/{run_id}/artifacts"})
    assert [f["path"] for f in proxied["files"]] == ["first.txt"]
    for path in (".tracker-upload-staging/.tracker-upload-in-flight", ".tracker-upload-x"):
        assert (await raw("GET", content, params={"path": path}))[0] == 400
        assert (await raw("PUT", content, body=b"x", params={"path": path}))[0] == 400
    # The next upload removes what a crash left behind, not what is still being written.
    assert (await raw("PUT", content, body=b"2", params={"path": "second.txt"}))[0] == 200
    assert not os.path.exists(stale) and os.path.exists(fresh)


# -- symlinks --------------------------------------------------------------------------


def test_symlinks_are_listed_as_their_target_inside_the_root_or_not_at_all(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "dir").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    (root / "real.txt").write_text("abc")
    os.symlink(root / "real.txt", root / "inside-file")
    os.symlink(root / "dir", root / "inside-dir")
    os.symlink(outside / "secret.txt", root / "out-file")
    os.symlink(outside, root / "out-dir")
    os.symlink(root / "missing", root / "dangling")
    os.mkfifo(root / "fifo")  # opening it for reading would block a thread forever
    listing = ArtifactRepository(str(root)).list_artifacts()
    assert [(f.path, f.is_dir, f.file_size) for f in listing] == [
        ("dir", True, None),
        ("inside-dir", True, None),
        ("inside-file", False, 3),
        ("real.txt", False, 3),
    ]


# -- the client confines what a server lists -------------------------------------------


class HostileListing(FileTransport):
    """A server whose listing names files outside the directory it lists."""

    def __init__(self, names):
        self.names = names
        self.downloaded = []

    def list(self, owner, owner_id, path=None):
        return [FileInfo(name, False, 1) for name in self.names] if not path else []

    def download_file(self, owner, owner_id, path, local_file):
        self.downloaded.append(local_file)
        with open(local_file, "wb") as file:
            file.write(b"x")


@pytest.mark.parametrize(
    "name", ["../escape.txt", "a/../../escape.txt", "/tmp/escape.txt", "%2e%2e/escape.txt", ""]
)
def test_the_client_never_writes_outside_the_download_folder(tmp_path, name):
    destination = tmp_path / "dst"
    transport = HostileListing(["ok.txt", name])
    with pytest.raises(TrackerError):
        transport.download("runs", "r", "", str(destination))
    assert not (tmp_path / "escape.txt").exists() and not os.path.exists("/tmp/escape.txt")
    assert all(path.startswith(str(destination)) for path in transport.downloaded)


def test_the_client_refuses_a_symlink_out_of_the_download_folder(tmp_path):
    destination, outside = tmp_path / "dst", tmp_path / "outside"
    destination.mkdir()
    outside.mkdir()
    os.symlink(outside, destination / "link")
    with pytest.raises(TrackerError):
        HostileListing(["link/x.txt"]).download("runs", "r", "link/x.txt", str(destination))
    assert not (outside / "x.txt").exists()


# -- file-system errors from upload paths ----------------------------------------------


@pytest.mark.parametrize("route", ["native", "proxy"])
async def test_bad_upload_paths_are_400s_that_say_what_to_fix(tracker_api, raw, route):
    run_id, _root = await new_run(tracker_api)

    async def put(path):
        if route == "native":
            return await raw(
                "PUT", f"api/runs/{run_id}/artifacts/content", body=b"x", params={"path": path}
            )
        return await raw("PUT", f"{PROXY}/0/{run_id}/artifacts/{path}", body=b"x")

    assert (await put("d/f"))[0] == 200
    cases = {
        "d": b"a directory of that name exists",
        "d/f/g": b"a file is in the way",
        "a" * 300: b"too long",
        f"{'b' * 300}/c": b"too long",
        "/".join(["a"] * 2000): b"at most 256 levels",
    }
    for path, message in cases.items():
        status, body = await put(path)
        assert status == 400, (path[:20], body)
        assert b'"error_code": "INVALID_PARAMETER_VALUE"' in body and message in body, body
