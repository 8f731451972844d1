"""Security: cookie-authenticated writes need the XSRF token, and SQL injection attempts
in names and filters are inert.

Also in the suite: every tracker route answers 403 without credentials
(``tests/server/test_auth.py``, which reads the routes from the running server, MLflow ones
included), and artifact path traversal (``..``, absolute, URL-encoded, symlinks) is
refused (``tests/server/test_artifacts_api.py``). Names with HTML are shown as text by the UI
(``ui-tests/test_security_ui.py``).
"""

from __future__ import annotations

import pytest
import requests
from reliability_figures import FIGURES
from sqlalchemy import create_engine, inspect, text

from jupyterlab_tracker.testing import LiveServer

INJECTION = "x'); DROP TABLE runs;--"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("security")) as server:
        yield server


def logged_in_session(server) -> requests.Session:
    """A browser-like session: log in with the token once, then only cookies."""
    session = requests.Session()
    session.get(f"{server.url}login", timeout=30)
    form = {"password": server.token, "_xsrf": session.cookies["_xsrf"]}
    assert session.post(f"{server.url}login", data=form, timeout=30).ok
    assert any(cookie.name.startswith("username-") for cookie in session.cookies)
    return session


def test_cookie_writes_need_the_xsrf_token(server):
    session = logged_in_session(server)
    url = f"{server.url}tracker/api/experiments"
    assert session.get(url, timeout=30).status_code == 200  # reads need no XSRF token

    refused = session.post(url, json={"name": "xsrf"}, timeout=30)
    assert refused.status_code == 403 and refused.json()["error_code"] == "PERMISSION_DENIED"
    xsrf = {"X-XSRFToken": session.cookies["_xsrf"]}
    created = session.post(url, json={"name": "xsrf"}, headers=xsrf, timeout=30)
    assert created.status_code == 201, created.text
    experiment = f"{url}/{created.json()['experiment']['experiment_id']}"
    # Every other writing verb too.
    for method, body in (("PATCH", {"name": "xsrf-2"}), ("DELETE", None)):
        assert session.request(method, experiment, json=body, timeout=30).status_code == 403
        answer = session.request(method, experiment, json=body, headers=xsrf, timeout=30)
        assert answer.ok, answer.text
    assert server.api("GET", "tracker/api/experiments/by-name", params={"name": "xsrf-2"}).ok


def test_a_refused_write_with_a_big_body_is_answered_and_keeps_the_connection(server):
    """The XSRF refusal waits for the body (tracker routes stream their bodies): answered
    before it, tornado would close the connection under a client still sending."""
    session = logged_in_session(server)
    url = f"{server.url}tracker/api/experiments"
    big = {"name": "xsrf-big", "tags": {f"t{i}": "v" * 8000 for i in range(100)}}  # ~800 kB
    for _ in range(3):  # the same kept-alive connection each time
        refused = session.post(url, json=big, timeout=30)
        assert refused.status_code == 403, refused.text
        assert refused.json()["error_code"] == "PERMISSION_DENIED"
    assert session.get(url, timeout=30).status_code == 200


def table_counts(db_path) -> dict[str, int]:
    engine = create_engine(f"sqlite:///{db_path}")
    with engine.connect() as connection:
        tables = inspect(connection).get_table_names()
        counts = {
            t: connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in tables
        }
    engine.dispose()
    return counts


def test_sql_injection_in_names_and_filters_is_inert(server):
    created = server.api("POST", "tracker/api/experiments", json={"name": INJECTION})
    assert created.status_code == 201
    experiment_id = created.json()["experiment"]["experiment_id"]
    run = server.api(
        "POST", "tracker/api/runs", json={"experiment_id": experiment_id, "run_name": INJECTION}
    ).json()["run"]["info"]
    batch = {
        "params": [{"key": "lr", "value": "1' OR '1'='1"}],
        "tags": [{"key": "note", "value": INJECTION}],
        "metrics": [{"key": "loss", "value": 1.0, "step": 0, "timestamp": 1}],
    }
    assert server.api("POST", f"tracker/api/runs/{run['run_id']}/batch", json=batch).ok
    before = table_counts(server.root / "tracker.db")

    found = server.api("GET", "tracker/api/experiments/by-name", params={"name": INJECTION})
    assert found.json()["experiment"]["name"] == INJECTION
    experiment_filters = [
        "name = 'x''); DROP TABLE runs;--'",
        "name LIKE '%'' OR 1=1 --%'",
        'name = "x\\"); DROP TABLE experiments;--"',
    ]
    for filter_string in experiment_filters:
        answer = server.api("GET", "tracker/api/experiments", params={"filter": filter_string})
        assert answer.status_code in (200, 400), answer.text
    run_filters = {
        "params.lr = '1'' OR ''1''=''1'": 1,  # the literal value, quotes and all
        "params.lr = '1' OR '1'='1'": None,  # not our grammar: refused, not run
        "tags.note = 'x''); DROP TABLE runs;--'": 1,
        "attributes.run_name = 'x''); DROP TABLE runs;--'": 1,
        "metrics.loss < 2; DROP TABLE metrics": None,
        "tags.`note'; DROP TABLE tags;--` = 'v'": 0,
        "params.lr = 'nothing' OR 1=1": None,
    }
    for filter_string, expected in run_filters.items():
        answer = server.api(
            "POST",
            "tracker/api/runs/search",
            json={"experiment_ids": [experiment_id], "filter": filter_string},
        )
        FIGURES["requests_fuzzed"] += 1
        if expected is None:
            assert answer.status_code == 400 and answer.json()["error_code"], answer.text
        else:
            assert answer.status_code == 200, (filter_string, answer.text)
            assert len(answer.json()["runs"]) == expected, filter_string
    assert table_counts(server.root / "tracker.db") == before  # every table there, unchanged
