"""Every route x {anonymous, viewer, analyst, inspector, admin} answers exactly as the matrix says."""

from __future__ import annotations

import pytest
from starlette.routing import Mount

from jasyl.store.audit import count_audit
from jasyl.web.access import iter_routes
from jasyl.web.app import create_app
from jasyl.web.settings import WebSettings
from tests.web.conftest import PRINCIPALS, SECRET, WebEnv
from tests.web.role_matrix import PRINCIPAL_NAMES, all_entries, request

MATRIX = all_entries()


def app_route_keys(app: object) -> set[str]:
    keys: set[str] = set()
    for info in iter_routes(app.routes):  # type: ignore[attr-defined]
        if isinstance(info.route, Mount):
            keys.add(f"GET {info.path}/{{path}}")
        for method in sorted(info.methods):
            if method != "HEAD":
                keys.add(f"{method} {info.path}")
    return keys


@pytest.fixture(scope="module")
def route_keys(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    folder = tmp_path_factory.mktemp("routes")
    settings = WebSettings(db_url=f"sqlite:///{folder / 'x.sqlite'}", data_dir=folder, secret_key=SECRET)
    return app_route_keys(create_app(settings, engine=object()))


def test_every_route_has_an_entry(route_keys: set[str]) -> None:
    missing = sorted(route_keys - set(MATRIX))
    assert not missing, f"routes without a role-matrix entry (add them to tests/web/matrix_<area>.py): {missing}"


def test_every_entry_has_a_route(route_keys: set[str]) -> None:
    stale = sorted(set(MATRIX) - route_keys)
    assert not stale, f"role-matrix entries without a route: {stale}"


def test_entries_are_complete() -> None:
    for key, case in MATRIX.items():
        assert set(case.expect) == set(PRINCIPAL_NAMES), key
        assert all(status in (200, 303, 401, 403) for status in case.expect.values()), key


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_route_answers_each_role(web: WebEnv, key: str) -> None:
    method, template = key.split(" ", 1)
    case = MATRIX[key]
    got = {}
    unaudited = []
    for principal, name in zip(PRINCIPALS, PRINCIPAL_NAMES, strict=True):
        client = web.client(principal)
        before = count_audit(web.engine)
        response = request(web, client, method, template, case)
        got[name] = response.status_code
        wrote = count_audit(web.engine) > before
        to_login = response.headers.get("location", "").startswith("/login")
        if method != "GET" and case.audited and response.status_code in (200, 303) and not to_login and not wrote:
            unaudited.append(name)
    assert got == dict(case.expect), f"{key}: got {got}, expected {dict(case.expect)}"
    assert not unaudited, f"{key}: a successful write by {unaudited} left no audit entry (call jasyl.web.audit.audit)"
