"""The registry answers as MLflow's own server does: each section of
``tests/support/mlflow_scripts/registry_exact.py`` runs through the official client against the lab
server and against a real ``mlflow server`` (``mlflow_reference.py``), and the two reports
must be equal, except for the differences ``docs/mlflow-compatibility.md`` lists (each is
named here with its reason)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.mlflow_reference import MlflowReferenceServer  # noqa: E402
from support.paths import MLFLOW_SCRIPTS

from jupyterlab_tracker.testing import LiveServer

pytestmark = pytest.mark.slow  # a live lab server and a real mlflow server

SCRIPT = MLFLOW_SCRIPTS / "registry_exact.py"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    ours = LiveServer(tmp_path_factory.mktemp("registry-ours")).start()
    try:
        reference = MlflowReferenceServer(tmp_path_factory.mktemp("registry-mlflow")).start()
    except BaseException:
        ours.stop()
        raise
    yield ours, reference
    reference.stop()
    ours.stop()


def run_section(env: dict, section: str, cwd: Path, log: Path) -> dict:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), section],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=cwd,
    )
    assert result.returncode == 0, (
        f"{result.stderr[-4000:]}\n--- log ---\n{log.read_text()[-3000:]}"
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def both(servers, section: str) -> tuple[dict, dict]:
    ours, reference = servers
    return (
        run_section(ours.mlflow_env(), section, ours.root, ours.log_path),
        run_section(reference.mlflow_env(), section, reference.root, reference.log_path),
    )


def assert_same(
    ours: dict, mlflow: dict, differences: dict | None = None, messages: bool = True
) -> None:
    """Equal reports; ``differences``: {key: (what we answer, why)} for the documented ones.
    "What we answer" is a prefix of the answer: ``["ok"]``, an error code, or all of it.
    ``messages=False``: where both refuse, the error codes must be equal, not the wording
    (the search parser's messages are its own: they name the column and the choices)."""
    differences = differences or {}

    def same(key) -> bool:
        mine, theirs = ours.get(key), mlflow.get(key)
        if not messages and _refused(mine) and _refused(theirs):
            return mine[0] == theirs[0]
        return mine == theirs

    unequal = {
        key: {"ours": ours.get(key), "mlflow": mlflow.get(key)}
        for key in sorted(set(ours) | set(mlflow))
        if not same(key) and key not in differences
    }
    assert not unequal, json.dumps(unequal, indent=1)
    for key, (expected, _why) in differences.items():
        assert ours[key][: len(expected)] == expected, (key, ours[key], mlflow[key])
        assert not same(key), f"{key} is no longer a difference: drop it"


def _refused(answer) -> bool:
    return isinstance(answer, list) and len(answer) == 2 and answer[0] not in ("ok", None)


def test_version_numbers_are_never_reused(servers):
    ours, mlflow = both(servers, "numbering")
    assert ours["made"] == ["1", "2", "3", "4", "5", "6"]
    assert_same(ours, mlflow)


def test_sources_are_checked_as_mlflow_checks_them(servers):
    ours, mlflow = both(servers, "sources")
    assert ours["runs of any run id"][0] == "ok"
    policy = "The artifact location policy refuses it first, naming the roots it allows"
    assert_same(ours, mlflow, {"proxy route over http": (["INVALID_PARAMETER_VALUE"], policy)})


def test_download_uris_are_mlflows(servers):
    ours, mlflow = both(servers, "download_uris")
    assert ours["runs of a run not here"] == "runs:/run_1/model"
    assert_same(ours, mlflow)


def test_last_updated_timestamps_move_when_mlflows_do(servers):
    ours, mlflow = both(servers, "timestamps")
    assert_same(ours, mlflow)


# Where MLflow's server fails (500) we answer: a duplicate order_by key is a 400 with
# MLflow's own message for it, and IS NULL on a tag is our grammar's.
MLFLOW_FAILS = "MLflow's server answers 500 INTERNAL_ERROR"
# Searches MLflow refuses that our grammar takes (the native API's searches share it).
EXTENSION = "an extension of the search grammar, listed in docs/mlflow-compatibility.md"
SEARCH_DIFFERENCES = {
    **dict.fromkeys(
        (
            "versions '' ['name', 'name DESC']",
            "versions \"name != 'alpha'\" ['name', 'name DESC']",
            "models '' ['timestamp', 'last_updated_timestamp']",
        ),
        (["INVALID_PARAMETER_VALUE"], MLFLOW_FAILS),
    ),
    **dict.fromkeys(
        ("models 'tags.owner IS NULL' []", "versions 'tags.team IS NULL' []"),
        (["ok"], MLFLOW_FAILS),
    ),
    **dict.fromkeys(
        (
            "models '' ['creation_timestamp']",
            "models 'creation_timestamp > 0' []",
            "versions \"current_stage = 'None'\" []",
            "versions '' ['run_id']",
            "versions \"name != 'alpha'\" ['run_id']",
            "versions 'version = 1' []",
            "versions 'version_number = 1.5' []",
            "versions \"source_path IN ('x')\" []",
        ),
        (["ok"], EXTENSION),
    ),
}


def test_searches_filter_order_and_page_as_mlflow(servers):
    ours, mlflow = both(servers, "search")
    assert_same(ours, mlflow, SEARCH_DIFFERENCES, messages=False)


def test_latest_versions_in_mlflows_order(servers):
    ours, mlflow = both(servers, "latest")
    assert_same(ours, mlflow)
