"""In HTTP mode the client loads no SQL, store, service or server code.

A fresh interpreter does real HTTP-mode work against a live server and then lists what
it imported; importing the package alone must be just as light.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

from support.import_rules import PACKAGE, imported_modules

from jupyterlab_tracker.config import STORE_URI_ENV, TOKEN_ENV

FORBIDDEN = (
    "sqlalchemy",
    "alembic",
    "tornado",
    "jupyter_server",
    "jupyterlab_tracker.store",
    "jupyterlab_tracker.service",
    "jupyterlab_tracker.server",
)

HTTP_MODE_WORK = f"""
import json, sys
import jupyterlab_tracker as jt
jt.set_experiment("boundaries")
with jt.start_run() as run:
    jt.log_param("p", 1)
    jt.log_metric("m", 1.0)
    jt.log_metrics({{"a": 1, "b": 2}}, step=1)
    jt.set_tag("t", "v")
    jt.log_dict({{"a": 1}}, "config.json")
    jt.log_model([1, 2], "model", registered_model_name="boundaries")
jt.get_run(run.info.run_id)
jt.list_artifacts(run.info.run_id)
jt.download_artifacts(run.info.run_id, "config.json")
assert jt.load_model("models:/boundaries/1") == [1, 2]
jt.get_metric_history(run.info.run_id, "m")
jt.search_runs(output_format="list")
loaded = sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r}))
print(json.dumps({{"run_id": run.info.run_id, "loaded": loaded}}))
"""


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def test_importing_the_package_is_light():
    code = (
        "import sys, jupyterlab_tracker\n"
        f"print([m for m in sys.modules if m.startswith({FORBIDDEN!r})])"
    )
    result = run_python(code, dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


async def test_http_mode_imports_no_sql_store_or_server(
    jp_serverapp, http_server_client, jp_base_url, tracker_api
):
    uri = f"http://127.0.0.1:{http_server_client.get_http_port()}{jp_base_url}tracker"
    env = {**os.environ, STORE_URI_ENV: uri, TOKEN_ENV: jp_serverapp.identity_provider.token}
    # The server answers on this event loop, so the child is awaited from a thread.
    result = await asyncio.to_thread(run_python, HTTP_MODE_WORK, env)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["loaded"] == []
    status, body = await tracker_api("GET", f"api/runs/{report['run_id']}")
    assert status == 200 and body["run"]["data"]["metrics"]["b"]["value"] == 2


def test_the_domain_imports_only_the_standard_library():
    """``domain/`` (tag names, limits, clock) is what every layer shares, the light HTTP
    client included: it imports the standard library and itself, nothing else."""
    files = sorted((PACKAGE / "domain").glob("*.py"))
    assert {path.name for path in files} >= {"tags.py", "limits.py", "clock.py"}
    for path in files:
        for name in imported_modules(path, "jupyterlab_tracker.domain"):
            top = name.partition(".")[0]
            assert top in sys.stdlib_module_names or name.startswith("jupyterlab_tracker.domain"), (
                f"{path.name} imports {name}"
            )
    code = (
        "import sys\n"
        "from jupyterlab_tracker.domain import clock, limits, tags\n"
        f"print([m for m in sys.modules if m.startswith({FORBIDDEN!r})])"
    )
    result = run_python(code, dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_contracts_import_only_what_every_layer_shares():
    """``contracts.py`` (the backend interfaces) is what the store, the service and the
    light HTTP client all implement: it imports the standard library, the entities and
    the domain, nothing else."""
    shared = ("jupyterlab_tracker.entities", "jupyterlab_tracker.domain")
    names = imported_modules(PACKAGE / "contracts.py", "jupyterlab_tracker")
    assert "jupyterlab_tracker.entities" in names
    for name in names:
        top = name.partition(".")[0]
        assert top in sys.stdlib_module_names or name.startswith(shared), name


def test_the_store_and_the_filter_parser_import_no_upper_layer():
    """The store knows nothing of the service, the server or the client: the rules and
    figures it shares with them live in the stdlib-only modules every layer imports
    (``domain``, ``errors``, ``entities``, ``search``)."""
    upper = (
        "jupyterlab_tracker.service",
        "jupyterlab_tracker.server",
        "jupyterlab_tracker.client",
        "tornado",
        "jupyter_server",
        "IPython",
        "ipywidgets",
    )
    files = {path: "jupyterlab_tracker.store" for path in (PACKAGE / "store").glob("*.py")}
    files[PACKAGE / "search.py"] = "jupyterlab_tracker"
    for path, package in files.items():
        for name in imported_modules(path, package):
            assert not name.startswith(upper), f"{path.name} imports {name}"
