"""The routes of MLflow's web UI that scripts call, answered as ``mlflow server`` answers.

``tests/support/mlflow_scripts/web_ui_routes.py`` makes the same data with the official
client on the tracker and on ``mlflow server`` (the installed mlflow, SQLite, proxied
artifacts), calls each route with raw REST (the Python client never calls them) and
reports the answers; this test compares the two reports. Where we differ on purpose, the
difference is listed here and in docs/mlflow-compatibility.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support.paths import MLFLOW_SCRIPTS

from jupyterlab_tracker.testing import LiveServer, MlflowServer

pytestmark = pytest.mark.slow  # a live lab server and a real mlflow server

SCRIPT = MLFLOW_SCRIPTS / "web_ui_routes.py"

# Cases whose message our code words as MLflow does (scripts may match on them). Other
# messages may say more (a path that is refused says why, a missing file names it).
MLFLOW_WORDED = {
    "bulk no run",
    "bulk no key",
    "bulk too many runs",
    "interval start only",
    "interval reversed",
    "interval 0",
    "interval 2501",
    "interval 101 runs",
    "datasets empty",
    "datasets 21",
    "upload empty",
    "upload no run",
    "upload run_id only",
    "upload no path",
}
# MLflow answers a successful upload with an empty body labelled JSON; we send {}.
# An unknown ajax-api route: MLflow's Flask 404 page, our ENDPOINT_NOT_FOUND JSON.
BODY_DIFFERS = {"upload", "ajax unknown"}


def run_script(env: dict, cwd: Path) -> dict:
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=600, cwd=cwd
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    root = tmp_path_factory.mktemp("web-ui-routes")
    with LiveServer(root / "ours") as ours:
        our_report = run_script(ours.mlflow_env(), root)
    with MlflowServer(root / "mlflow") as mlflow_server:
        mlflow_report = run_script(mlflow_server.env(), root)
    return our_report, mlflow_report


def _sorted_summaries(answer: dict) -> dict:
    body = answer.get("body", {})
    if "dataset_summaries" in body:  # MLflow's query has no ORDER BY
        key = lambda s: json.dumps(s, sort_keys=True)  # noqa: E731
        body = {"dataset_summaries": sorted(body["dataset_summaries"], key=key)}
        return {**answer, "body": body}
    return answer


def test_every_case_is_answered_as_mlflow_answers(reports):
    ours, mlflow = reports
    assert set(ours) == set(mlflow)
    different = []
    for case, theirs in mlflow.items():
        mine = ours[case]
        if isinstance(theirs, dict):
            same = mine["status"] == theirs["status"]
            same &= mine.get("error_code") == theirs.get("error_code") or case in BODY_DIFFERS
            if case in MLFLOW_WORDED:
                same &= mine.get("message") == theirs.get("message")
            if "error_code" not in theirs and case not in BODY_DIFFERS:
                same &= _sorted_summaries(mine) == _sorted_summaries(theirs)
        else:
            same = mine == theirs
        if not same:
            different.append(f"{case}:\n  ours   {mine}\n  mlflow {theirs}")
    assert not different, "\n".join(different)


def test_the_cases_show_what_they_are_about(reports):
    """The comparison above is only as good as the cases: they do exercise each route."""
    ours, _ = reports
    bulk = ours["bulk"]
    assert bulk["runs in id order"] and len(bulk["points by run"]["<run 1>"]) == 40
    assert ours["bulk first 5"]["the first 5 of the whole"] is True
    assert len(ours["interval /api/2.0/mlflow"]["body"]["metrics"]) == 10  # 5 per run
    assert ours["interval unknown run"] == {"status": 200, "body": {}}
    contexts = {s.get("context") for s in ours["datasets"]["body"]["dataset_summaries"]}
    assert contexts == {"training", "eval", None}
    assert ours["list /ajax-api/2.0/mlflow"]["body"]["files"] == [
        {"path": "a", "is_dir": True},
        {"path": "page.html", "is_dir": False, "file_size": 25},
    ]
    assert ours["upload read back"]["bytes"] == "\x00\x01data"
    html = ours["get html"]
    assert (html["disposition"], html["filename"], html["nosniff"]) == (
        "attachment",
        "page.html",
        True,
    )
    assert ours["version file"]["status"] == 200 and "mlflow" in ours["version file"]["bytes"]
