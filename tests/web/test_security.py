"""Security properties over every route of the matrix: CSRF, hostile input, escaping, headers."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi import APIRouter, Depends, FastAPI

from jasyl.store.users import Account, recent_failures
from jasyl.web.access import check_routes, public, require
from tests.web.conftest import PASSWORD, WebEnv
from tests.web.role_matrix import Case, all_entries, case_data, request

MATRIX = all_entries()
WRITES = sorted(k for k in MATRIX if not k.startswith(("GET ", "HEAD ")))
READS = sorted(k for k in MATRIX if k.startswith("GET "))

XSS = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)>'
HOSTILE = [
    "' OR '1'='1",
    "'; DROP TABLE users; --",
    '" OR 1=1 --',
    "../../../../etc/passwd",
    "..\\..\\..\\windows\\win.ini",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/etc/passwd\x00.csv",
    XSS,
    "{{7*7}}{% raw %}",
    "ʼ; SELECT pg_sleep(5); --",
]


def _allowed_principal(key: str) -> str | None:
    """The lowest principal the case lets through: anonymous only on public routes (same answer for all)."""
    case = MATRIX[key]
    if len(set(case.expect.values())) == 1:
        return None
    for name in ("viewer", "analyst", "inspector", "admin"):
        if case.expect[name] in (200, 303):
            return name
    return "admin"


@pytest.mark.parametrize("key", WRITES)
def test_write_without_csrf_token_is_refused(web: WebEnv, key: str) -> None:
    method, template = key.split(" ", 1)
    case = MATRIX[key]
    client = web.client("admin")
    web.csrf(client)  # the client has a CSRF cookie, but the request does not carry the token
    assert request(web, client, method, template, case, csrf=False).status_code == 403
    assert request(web, client, method, template, case, csrf="forged-token").status_code == 403


def test_cross_site_post_is_refused_even_with_token(web: WebEnv) -> None:
    client = web.client("admin")
    token = web.csrf(client)
    response = client.post("/admin/users", data={"csrf_token": token, "username": "x1", "password": PASSWORD,
                                                 "city": "konaev", "role": "viewer"},
                           headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


@pytest.mark.parametrize("key", WRITES)
def test_hostile_strings_in_every_text_field_are_harmless(web: WebEnv, key: str) -> None:
    method, template = key.split(" ", 1)
    case = MATRIX[key]
    principal = _allowed_principal(key)
    fields = case.text_fields if case.text_fields is not None else tuple(
        k for k, v in case_data(case).items() if isinstance(v, str))
    client = web.client(principal)
    for field in fields:
        for payload in HOSTILE:
            data = case_data(case)
            data[field] = payload
            response = request(web, client, method, template, case, data_override=data)
            assert response.status_code < 500, f"{key} {field}={payload!r}: {response.status_code}"
            assert XSS not in response.text, f"{key} {field}: payload echoed unescaped"
    # the store is intact: the users table still answers and the viewer can still be found
    assert web.client("admin").get("/api/v1/admin/users").status_code == 200


UPLOADS = sorted(k for k in WRITES if MATRIX[k].files is not None)


@pytest.mark.parametrize("key", UPLOADS or ["(no upload route yet)"])
def test_hostile_file_names_stay_in_the_users_upload_folder(web: WebEnv, key: str) -> None:
    if key not in MATRIX:
        pytest.skip("no route takes a file yet")
    method, template = key.split(" ", 1)
    case = MATRIX[key]
    principal = _allowed_principal(key)
    client = web.client(principal)
    root = web.settings.data_dir.parent
    before = {p for p in root.rglob("*") if p.is_file()}
    files = case.files() if callable(case.files) else case.files
    assert files is not None
    names = [name for payload in HOSTILE for name in (payload, payload + Path(next(iter(files.values()))[0]).suffix)]
    for payload in names:
        renamed = {field: (payload, *spec[1:]) for field, spec in files.items()}
        hostile = Case(expect=case.expect, params=case.params, query=case.query, data=case.data, files=renamed)
        response = request(web, client, method, template, hostile)
        assert response.status_code < 500, f"{key} file name {payload!r}: {response.status_code}"
        assert XSS not in response.text
    uploads = web.settings.upload_dir.resolve()
    for path in {p for p in root.rglob("*") if p.is_file()} - before:
        resolved = path.resolve()
        inside = uploads in resolved.parents or web.settings.jobs_dir.resolve() in resolved.parents
        assert inside or resolved.suffix in (".sqlite", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal"), (
            f"{key}: a file was written outside the upload folder: {resolved}")
        if uploads in resolved.parents:
            assert resolved.stat().st_mode & 0o111 == 0, f"{resolved} is executable"


@pytest.mark.parametrize("key", READS)
def test_hostile_query_and_path_values_are_harmless(web: WebEnv, key: str) -> None:
    method, template = key.split(" ", 1)
    case = MATRIX[key]
    client = web.client("admin")
    for payload in HOSTILE:
        url = re.sub(r"\{[^}]+\}", quote(payload, safe="").replace("\\", "\\\\"), template)
        for target in (url, template.replace("{city}", "konaev").replace("{path}", "css/jasyl.css")
                       .split("{")[0] + f"?q={quote(payload)}&lang={quote(payload)}&page={quote(payload)}"):
            response = client.get(target)
            assert response.status_code < 500, f"{target}: {response.status_code}"
            assert XSS not in response.text, f"{target}: payload echoed unescaped"
    del case


def test_xss_in_a_stored_name_comes_back_escaped(web: WebEnv) -> None:
    admin = web.client("admin")
    response = web.post(admin, "/admin/users", {"username": "mallory", "display_name": "<script>alert(1)</script>",
                                                 "password": PASSWORD, "city": "konaev", "role": "viewer"})
    assert response.status_code == 303
    page = admin.get("/admin/users").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page
    audit = admin.get("/admin/audit").text
    assert "<script>alert(1)</script>" not in audit


class _Inline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {k.lower() for k, _ in attrs}
        kind = dict(attrs).get("type") or ""
        if tag == "script" and "src" not in names and kind != "application/json":  # JSON data blocks never run
            self.problems.append("inline <script>")
        if "style" in names:
            self.problems.append(f"style= on <{tag}>")
        self.problems += [f"{n}= on <{tag}>" for n in names if n.startswith("on")]
        if tag == "style":
            self.problems.append("<style> element")
        for k, v in attrs:
            if k in ("src", "href") and v and re.match(r"^(https?:)?//", v) and tag in ("script", "link", "img"):
                self.problems.append(f"external {tag} {v}")


@pytest.mark.parametrize("principal", [None, "admin"])
def test_pages_have_security_headers_and_no_inline_script(web: WebEnv, principal: str | None) -> None:
    client = web.client(principal)
    for key in READS:
        case = MATRIX[key]
        if case.expect["admin" if principal else "anonymous"] != 200:
            continue
        response = request(web, client, "GET", key.split(" ", 1)[1], case)
        headers = response.headers
        csp = headers.get("content-security-policy", "")
        script_src = re.search(r"script-src ([^;]*)", csp)
        assert script_src and "'unsafe-inline'" not in script_src.group(1) and "'unsafe-eval'" not in csp, key
        assert "frame-ancestors 'none'" in csp, key
        assert headers.get("x-content-type-options") == "nosniff", key
        if headers.get("content-type", "").startswith("text/html"):
            parser = _Inline()
            parser.feed(response.text)
            assert not parser.problems, f"{key}: {parser.problems}"


def test_cookies_are_httponly_samesite(web: WebEnv) -> None:
    client = web.client(None, fresh=True)
    response = client.get("/login")
    set_cookie = response.headers.get("set-cookie", "")
    assert "jasyl_csrf=" in set_cookie and "HttpOnly" in set_cookie and "SameSite=lax" in set_cookie
    token = re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)  # type: ignore[union-attr]
    response = client.post("/login", data={"username": "viewer1", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    cookies = response.headers.get_list("set-cookie")
    session = next(c for c in cookies if c.startswith("jasyl_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session
    # the session value is signed: a tampered cookie is no session
    value = session.split(";")[0].split("=", 1)[1]
    tampered = TestClientCookie.tamper(value)
    other = web.client(None, fresh=True)
    other.cookies.set("jasyl_session", tampered)
    assert other.get("/api/v1/me").status_code == 401


class TestClientCookie:
    @staticmethod
    def tamper(value: str) -> str:
        head, _, sig = value.rpartition(".")
        return head[:-1] + ("A" if head[-1] != "A" else "B") + "." + sig


def test_login_logout_and_open_redirect(web: WebEnv) -> None:
    client = web.client(None, fresh=True)
    response = web.post(client, "/login", {"username": "analyst1", "password": PASSWORD, "next": "//evil.example/x"})
    assert response.status_code == 303 and response.headers["location"] == "/konaev/"
    assert client.get("/api/v1/me").json()["username"] == "analyst1"
    assert web.post(client, "/logout", {}).status_code == 303
    assert client.get("/api/v1/me").status_code == 401


def test_login_is_rate_limited(web: WebEnv) -> None:
    client = web.client(None, fresh=True)
    limit = web.settings.login_max_failures_user
    for _ in range(limit):
        assert web.post(client, "/login", {"username": "viewer1", "password": "wrong-password"}).status_code == 200
    blocked = web.post(client, "/login", {"username": "viewer1", "password": PASSWORD})
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers
    assert recent_failures(web.engine, "viewer1", "testclient", 900)[0] == limit


def test_api_token_authenticates_and_is_csrf_exempt_only_without_cookies(web: WebEnv) -> None:
    client = web.client(None, fresh=True)
    headers = {"Authorization": f"Bearer {web.token}"}
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.json()["username"] == "viewer1" and me.json()["auth"] == "token"
    assert client.get("/api/v1/admin/users", headers=headers).status_code == 403
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer jsl_wrong"}).status_code == 401
    revoked = web.post(web.client("admin"), f"/admin/tokens/{web.token_id}/revoke", {})
    assert revoked.status_code == 303
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_a_route_without_policy_is_refused_at_start() -> None:
    app = FastAPI()
    router = APIRouter()

    @router.get("/open")
    def _open() -> dict[str, str]:
        return {}

    app.include_router(router)
    with pytest.raises(RuntimeError, match="exactly one access policy"):
        check_routes(app.routes)

    ok = FastAPI()
    good = APIRouter()

    @good.get("/fine")
    def _fine(user: Account | None = Depends(public)) -> dict[str, str]:
        return {}

    @good.get("/{city}/x")
    def _x(user: Account = Depends(require("analyst"))) -> dict[str, str]:
        return {}

    ok.include_router(good)
    check_routes(ok.routes)


def test_unknown_city_is_404_not_a_page(web: WebEnv) -> None:
    assert web.client(None).get("/nowhere/").status_code == 404


def test_other_city_admin_cannot_manage_konaev_users(web: WebEnv) -> None:
    other = web.client("other_admin")
    assert other.get("/admin/users").status_code == 200
    assert "viewer1" not in other.get("/admin/users").text
    assert other.get(f"/admin/users/{web.ids['viewer']}").status_code == 403
    response = web.post(other, f"/admin/users/{web.ids['viewer']}/role", {"city": "konaev", "role": "admin"})
    assert response.status_code == 403
    response = web.post(other, "/admin/users", {"username": "sneaky", "password": PASSWORD, "city": "*",
                                                "role": "admin"})
    assert response.status_code == 400
    audit = other.get("/api/v1/admin/audit").json()
    assert all(e["city"] == "almaty" for e in audit)


def test_static_files_stay_inside_the_static_folder(web: WebEnv) -> None:
    client = web.client(None)
    for path in ("/static/../settings.py", "/static/%2e%2e/settings.py", "/static/..%2fsettings.py",
                 "/static/vendor/../../app.py"):
        response = client.get(path)
        assert response.status_code == 404 or "WebSettings" not in response.text, path
    assert Path(__file__).exists()


def test_oversized_bodies_are_refused_before_parsing(web: WebEnv) -> None:
    client = web.client("admin")
    token = web.csrf(client)
    big = "x" * (web.settings.upload_max_bytes + 2 * 1024 * 1024)
    response = client.post("/admin/users", data={"csrf_token": token, "username": "big", "display_name": big,
                                                 "password": PASSWORD, "city": "konaev", "role": "viewer"})
    assert response.status_code == 413
