"""Every tracker endpoint refuses requests without credentials (403).

The routes are read from the running server, not from our route tables, so any handler
added later under ``/tracker/`` is covered too. With ``allow_unauthenticated_access``
False, Jupyter Server itself refuses undecorated handlers; the server is also run with it
True (a deployment may set that), where only our ``@authenticated`` decorators protect.
"""

from __future__ import annotations

import json
import re
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import pytest
import tornado.web
from tornado.routing import PathMatches

from jupyterlab_tracker.server.link_page import LinkPageHandler

FAKE_RUN_ID = "0123456789abcdef0123456789abcdef"
HTTP_VERBS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(params=[False, True], ids=["server-enforced", "decorators-only"])
def jp_server_config(request, jp_server_config):
    config = {**jp_server_config, "ServerApp": dict(jp_server_config["ServerApp"])}
    config["ServerApp"]["allow_unauthenticated_access"] = request.param
    return config


def _rules(router):
    for rule in getattr(router, "rules", []):
        if hasattr(rule.target, "rules"):  # a nested router (per-host handler lists)
            yield from _rules(rule.target)
        else:
            yield rule


def tracker_routes(web_app) -> list[tuple[str, type]]:
    routes = []
    for router in (web_app.wildcard_router, web_app.default_router):
        for rule in _rules(router):
            if isinstance(rule.matcher, PathMatches) and "/tracker/" in rule.matcher.regex.pattern:
                routes.append((rule.matcher.regex.pattern, rule.target))
    return routes


def concrete_path(pattern: str) -> str:
    """A URL path that the route's regex matches, with made-up values for its groups."""

    def fill(group: re.Match) -> str:
        inner = group.group(1)
        if "0-9a-f" in inner:
            return FAKE_RUN_ID
        if inner.startswith(r"\d"):
            return "1"
        return "x"

    path = re.sub(r"\((?:\?P<\w+>)?([^()]*)\)", fill, pattern.rstrip("$"))
    path = path.replace(".*", "x").replace("\\", "")
    assert re.fullmatch(pattern, path), (pattern, path)
    return path


def verbs(handler) -> list[str]:
    """The verbs the handler implements itself (RequestHandler's defaults answer 405)."""
    from tornado.web import RequestHandler

    return [
        verb
        for verb in HTTP_VERBS
        if getattr(handler, verb.lower(), None) is not getattr(RequestHandler, verb.lower())
    ]


# The code object of tornado.web.authenticated's wrapper: a verb decorated with it has it.
AUTHENTICATED_WRAPPER = tornado.web.authenticated(lambda self: None).__code__


def test_every_verb_is_decorated_authenticated(jp_serverapp):
    undecorated = [
        f"{verb} {pattern}"
        for pattern, handler in tracker_routes(jp_serverapp.web_app)
        for verb in verbs(handler)
        if getattr(handler, verb.lower()).__code__ is not AUTHENTICATED_WRAPPER
    ]
    assert not undecorated


def test_tracker_routes_are_found(jp_serverapp):
    patterns = [pattern for pattern, _ in tracker_routes(jp_serverapp.web_app)]
    assert any(p.endswith("tracker/api/runs/search$") for p in patterns), patterns
    assert any("experiment_id" in p for p in patterns)
    # The MLflow-compatible API and its artifact proxy are covered the same way.
    assert any(p.endswith("tracker/api/2.0/mlflow/runs/create$") for p in patterns)
    assert any("mlflow-artifacts/artifacts/(?P<artifact_path>" in p for p in patterns)
    assert any(p.endswith("tracker/api/3.0/mlflow/server-info$") for p in patterns)
    # MLflow's REST API under its web UI's prefix too, and the routes of its web UI.
    assert any(p.endswith("tracker/ajax-api/2.0/mlflow/runs/create$") for p in patterns)
    assert any(p.endswith("tracker/ajax-api/2.0/mlflow/upload-artifact$") for p in patterns)
    assert any(p.endswith("tracker/get-artifact$") for p in patterns)
    assert any(p.endswith("tracker/model-versions/get-artifact$") for p in patterns)


async def test_every_tracker_endpoint_requires_authentication(jp_serverapp, http_server_client):
    # http_server_client sends no token (jp_fetch would add one).
    checked = []
    for pattern, handler in tracker_routes(jp_serverapp.web_app):
        if handler is LinkPageHandler:  # a page: the test below
            continue
        path = concrete_path(pattern)
        for verb in verbs(handler):
            body = b"{}" if verb in ("POST", "PUT", "PATCH") else None
            response = await http_server_client.fetch(
                path,
                method=verb,
                body=body,
                raise_error=False,
                allow_nonstandard_methods=True,
            )
            assert response.code == 403, f"{verb} {path} answered {response.code} without a token"
            assert_says_what_to_send(response, f"{verb} {path}")
            checked.append(f"{verb} {path}")
    assert len(checked) >= 80, checked


async def test_the_link_page_sends_a_browser_without_login_to_the_login_page(
    http_server_client, jp_base_url
):
    """``<base_url>tracker/`` (where the mlflow client's links lead) is a Jupyter page: a
    browser without a login is sent to Jupyter's login, and comes back to it after."""
    response = await http_server_client.fetch(
        jp_base_url + "tracker/", raise_error=False, follow_redirects=False
    )
    assert response.code == 302
    login = urlsplit(response.headers["Location"])
    assert login.path == jp_base_url + "login"
    assert parse_qs(login.query) == {"next": [jp_base_url + "tracker/"]}
    assert b"tracker-open" not in response.body


def assert_says_what_to_send(response, what: str = "") -> None:
    """A 403 in MLflow's error shape whose message names every way to send the token."""
    body = json.loads(response.body)
    assert body["error_code"] == "PERMISSION_DENIED", (what, body)
    for hint in ("MLFLOW_TRACKING_TOKEN", "JUPYTERLAB_TRACKER_TOKEN", "Authorization: token"):
        assert hint in body["message"], (what, hint, body["message"])
    assert "_xsrf" not in body["message"], what


# Native and MLflow routes, reads and writes.
SAMPLE_REQUESTS = [
    ("GET", "tracker/api/experiments"),
    ("POST", "tracker/api/experiments"),
    ("PATCH", f"tracker/api/runs/{FAKE_RUN_ID}"),
    ("DELETE", f"tracker/api/runs/{FAKE_RUN_ID}"),
    ("GET", "tracker/api/2.0/mlflow/experiments/search"),
    ("POST", "tracker/api/2.0/mlflow/runs/create"),
    ("PATCH", "tracker/api/2.0/mlflow/registered-models/update"),
    ("DELETE", "tracker/api/2.0/mlflow/registered-models/delete"),
]


@pytest.mark.parametrize("header", ["token wrong-token", "Bearer wrong-token"])
@pytest.mark.parametrize(("verb", "path"), SAMPLE_REQUESTS)
async def test_a_wrong_token_is_refused_with_what_to_send(
    http_server_client, jp_base_url, header, verb, path
):
    response = await http_server_client.fetch(
        jp_base_url + path,
        method=verb,
        headers={"Authorization": header},
        body=b"{}" if verb != "GET" else None,
        raise_error=False,
        allow_nonstandard_methods=True,
    )
    assert response.code == 403
    assert_says_what_to_send(response, f"{verb} {path}")


async def _login_cookie(jp_fetch) -> str:
    """The login cookie Jupyter sets on a token-authenticated request (a browser's)."""
    response = await jp_fetch("tracker", "api", "version")
    cookies = SimpleCookie()
    for header in response.headers.get_list("Set-Cookie"):
        cookies.load(header)
    return "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())


@pytest.mark.parametrize(("verb", "path"), [r for r in SAMPLE_REQUESTS if r[0] != "GET"])
async def test_a_cookie_write_without_the_xsrf_header_is_still_refused(
    jp_fetch, http_server_client, jp_base_url, verb, path
):
    cookie = await _login_cookie(jp_fetch)
    common = {
        "method": verb,
        "body": b"{}",
        "raise_error": False,
        "allow_nonstandard_methods": True,
    }
    url = jp_base_url + path
    refused = await http_server_client.fetch(url, headers={"Cookie": cookie}, **common)
    assert refused.code == 403
    assert "_xsrf" in json.loads(refused.body)["message"]  # Jupyter's XSRF check, as before
    # The same cookie with the XSRF token passes authentication (whatever the answer).
    xsrf = "0123456789abcdef0123456789abcdef"
    passed = await http_server_client.fetch(
        url,
        headers={"Cookie": f"{cookie}; _xsrf={xsrf}", "X-XSRFToken": xsrf},
        **common,
    )
    assert passed.code != 403, passed.body
