"""Language negotiation, catalogues, uploads, the audit log and the status API."""

from __future__ import annotations

import asyncio
import io
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from jasyl.errors import InputError
from jasyl.i18n import catalogue
from jasyl.monitoring.setup import init_monitoring
from jasyl.store.audit import read_audit
from jasyl.store.users import ROLES, create_user, set_role
from jasyl.web.i18n import WEB_LANGUAGES
from jasyl.web.templating import TEMPLATE_DIRS
from jasyl.web.uploads import UploadStore, UploadTooLarge, safe_filename
from tests.web.conftest import PASSWORD, WebEnv

KEY_CALL = re.compile(r"""_\(\s*["']([a-z0-9_.]+)["']""")


def test_every_template_key_exists_in_every_language() -> None:
    used: set[str] = set()
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            used |= {k for k in KEY_CALL.findall(path.read_text(encoding="utf-8")) if not k.endswith(".")}
    assert used
    dynamic = {f"web.role.{r}" for r in ROLES} | {f"web.error.{s}" for s in (400, 401, 403, 404, 405, 413, 422, 429,
                                                                             500, 503)}
    for lang in WEB_LANGUAGES:
        missing = sorted((used | dynamic) - set(catalogue(lang)))
        assert not missing, f"{lang}: {missing}"


def test_web_catalogues_have_the_same_keys_and_kk_ru_are_not_english() -> None:
    en = {k: v for k, v in catalogue("en").items() if k.startswith("web.")}
    for lang in ("kk", "ru"):
        other = {k: v for k, v in catalogue(lang).items() if k.startswith("web.")}
        assert set(other) == set(en), lang
        same = [k for k in en if en[k] == other[k] and re.search(r"[a-z]{4,}", en[k]) and "API" not in en[k]
                and k != "web.site.short"]
        assert not same, f"{lang} keeps English text: {same}"


@pytest.mark.parametrize(("header", "expected"), [
    ("", "kk"), ("ru-RU,ru;q=0.9,en;q=0.8", "ru"), ("en-GB,en;q=0.9", "en"), ("de-DE,de;q=0.9", "kk"),
    ("fr;q=0.9, en;q=0.5, ru;q=0.8", "ru"), ("kk-KZ", "kk"), ("ru-KZ", "ru"), ("en;q=0, ru;q=0.1", "ru"),
])
def test_language_from_accept_language(web: WebEnv, header: str, expected: str) -> None:
    response = web.client(None, fresh=True).get("/login", headers={"Accept-Language": header})
    assert f'<html lang="{expected}">' in response.text
    assert response.headers["content-language"] == expected


def test_lang_parameter_wins_and_is_remembered_and_switcher_keeps_the_page(web: WebEnv) -> None:
    client = web.client(None, fresh=True)
    page = client.get("/login?next=%2Fkonaev%2F&lang=ru", headers={"Accept-Language": "en"})
    assert '<html lang="ru">' in page.text and "Вход" in page.text
    assert client.get("/login", headers={"Accept-Language": "en"}).headers["content-language"] == "ru"
    links = re.findall(r'<a href="([^"]+)" hreflang="(\w\w)"', page.text)
    assert [lang for _, lang in links] == ["kk", "ru", "en"]
    for url, lang in links:
        assert url.startswith("/login?") and "next=%2Fkonaev%2F" in url and url.endswith(f"lang={lang}")
    assert 'aria-current="true">Русский' in page.text


def test_pages_in_each_language_show_no_catalogue_key(web: WebEnv) -> None:
    for lang in WEB_LANGUAGES:
        for url, principal in (("/login", None), ("/konaev/", None), ("/admin/users", "admin"),
                               ("/admin/audit", "admin"), ("/api/docs", None),
                               (f"/admin/users/{web.ids['viewer']}", "admin"), ("/nowhere/", None)):
            body = web.client(principal).get(f"{url}?lang={lang}").text
            leftovers = re.findall(r"\bweb\.[a-z_]+\.[a-z_.0-9]+", body)
            assert not leftovers, f"{url} [{lang}]: {leftovers}"


def _run(coro: Any) -> Any:
    """Run a coroutine on a fresh loop in its own thread (safe whatever loop this thread has)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


class _Upload:
    def __init__(self, name: str, data: bytes) -> None:
        self.filename = name
        self._buffer = io.BytesIO(data)

    async def read(self, size: int = -1) -> bytes:
        return self._buffer.read(size)


@pytest.mark.parametrize("name", ["../../etc/passwd.csv", "..\\..\\boot.ini.csv", "/abs/path/x.csv", ".hidden.csv",
                                  "a/../../b.csv", "con\x00trol.csv", "ок файл.csv", "....csv", "x" * 500 + ".csv"])
def test_uploads_stay_in_the_users_folder(tmp_path: Path, name: str) -> None:
    store = UploadStore(tmp_path / "uploads", max_bytes=1000)
    try:
        stored = _run(store.save(7, _Upload(name, b"a,b\n1,2\n"), kind="weather", suffixes=(".csv",)))
    except InputError:  # refused outright (e.g. nothing usable left of the name) is fine too
        assert not [p for p in tmp_path.rglob("*") if p.is_file()]
        return
    user_dir = (tmp_path / "uploads" / "u7" / "weather").resolve()
    assert stored.path.parent == user_dir and stored.path.is_file()
    assert stored.path.stat().st_mode & 0o777 == 0o600
    assert not stored.stored_name.startswith(".") and "/" not in stored.stored_name and len(stored.stored_name) < 130
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [stored.stored_name]
    assert store.open_path(7, "weather", stored.stored_name) == stored.path


def test_upload_limits_and_types(tmp_path: Path) -> None:
    store = UploadStore(tmp_path / "uploads", max_bytes=10)
    with pytest.raises(UploadTooLarge):
        _run(store.save(1, _Upload("big.csv", b"x" * 11), kind="city", suffixes=(".csv",)))
    with pytest.raises(InputError, match="not accepted"):
        _run(store.save(1, _Upload("run.sh", b"x"), kind="city", suffixes=(".csv",)))
    with pytest.raises(InputError, match="not accepted"):
        _run(store.save(1, _Upload("x.csv.exe", b"x"), kind="city", suffixes=(".csv",)))
    assert not [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()], "nothing half-written"
    with pytest.raises(InputError):
        store.open_path(1, "city", "../../secret")
    with pytest.raises(ValueError):
        store.user_dir(1, "../x")
    assert safe_filename("../../a b.CSV") == "a_b.csv"


def _append_only(url: str) -> None:
    engine = init_monitoring(url, demo=False)
    create_user(engine, "someone", PASSWORD, roles={"konaev": "viewer"})
    set_role(engine, 1, "konaev", "analyst")
    assert [e.action for e in read_audit(engine)] == ["user.role", "user.create"]
    for statement in ("UPDATE audit_log SET username = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    if engine.dialect.name == "postgresql":
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text("TRUNCATE audit_log"))
    assert len(read_audit(engine)) == 2
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_audit_log_is_append_only_in_the_database(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if backend == "sqlite":
        _append_only(f"sqlite:///{tmp_path / 'a.sqlite'}")
        return
    server = request.getfixturevalue("pg_server")
    if server.skip_reason:
        pytest.skip(server.skip_reason)
    _append_only(server.create_db())


def test_every_admin_write_is_audited_with_before_and_after(web: WebEnv) -> None:
    admin = web.client("admin")
    viewer = web.ids["viewer"]
    assert web.post(admin, f"/admin/users/{viewer}/role", {"city": "konaev", "role": "inspector"}).status_code == 303
    assert web.post(admin, f"/admin/users/{viewer}/active", {"active": "0"}).status_code == 303
    assert web.post(admin, f"/admin/users/{viewer}/password", {"password": "brand-new-pass-1"}).status_code == 303
    entries = admin.get("/api/v1/admin/audit?limit=3").json()
    assert [e["action"] for e in entries] == ["user.password", "user.active", "user.role"]
    role = entries[2]
    assert role["username"] == "admin1" and role["before"]["role"] == "viewer" and role["after"]["role"] == "inspector"
    assert entries[1]["before"]["active"] is True and entries[1]["after"]["active"] is False
    assert "brand-new" not in str(entries[0])
    # a disabled account is logged out at once
    assert web.client("viewer").get("/api/v1/me").status_code == 401


def test_status_api(web: WebEnv) -> None:
    client = web.client(None)
    assert client.get("/api/v1/health").json() == {"status": "ok", "database": "ok"}
    status = client.get("/api/v1/status").json()
    assert status["store"]["backend"] == "sqlite" and status["store"]["measurements"] > 0
    assert status["default_city"] == "konaev"
    monitoring = client.get("/api/v1/monitoring/status").json()
    assert monitoring["demo_data_present"] is True and "database" not in monitoring
    assert all(site["label"] == "DEMO" for site in monitoring["sites"] if site["demo"])
    spec = client.get("/api/openapi.json").json()
    assert "/api/v1/status" in spec["paths"] and not any(p.startswith("/admin") for p in spec["paths"])


def test_cache_serves_stale_while_refreshing_and_skips_unchanged_versions() -> None:
    import time as _time

    from jasyl.web.cache import TTLCache

    cache = TTLCache()
    calls = {"n": 0, "version": 1}

    def compute() -> int:
        calls["n"] += 1
        return calls["n"]

    assert cache.get(("k",), compute, 0.05, version=lambda: calls["version"]) == 1
    _time.sleep(0.1)
    assert cache.get(("k",), compute, 0.05, version=lambda: calls["version"]) == 1  # stale, refresh started
    _time.sleep(0.2)
    assert calls["n"] == 1  # same version: not recomputed
    calls["version"] = 2
    _time.sleep(0.1)
    assert cache.get(("k",), compute, 0.05, version=lambda: calls["version"]) == 1  # stale value meanwhile
    deadline = _time.time() + 5
    while cache.get(("k",), compute, 0.05, version=lambda: calls["version"]) != 2 and _time.time() < deadline:
        _time.sleep(0.05)
    assert calls["n"] == 2
    cache.invalidate("k")
    assert cache.get(("k",), compute, 0.05) == 3


def test_monitoring_status_is_recomputed_only_when_the_data_changed(web: WebEnv) -> None:
    import time as _time

    from jasyl.store.versions import monitoring_version
    from jasyl.web.routers import api

    client = web.client(None)
    first = client.get("/api/v1/monitoring/status").json()
    cache = web.app.state.cache
    computed = cache.computations[("monitoring-status",)]
    before = monitoring_version(web.engine)
    assert monitoring_version(web.engine) == before  # stable while nothing changes
    # a write through the web (audited) changes the fingerprint
    assert web.post(web.client("admin"), f"/admin/users/{web.ids['viewer']}/role",
                    {"city": "konaev", "role": "analyst"}).status_code == 303
    assert monitoring_version(web.engine) != before
    key = ("monitoring-status",)
    stamp, value, version = cache._values[key]
    cache._values[key] = (stamp - api.MONITORING_TTL_S - 1, value, version)  # as if the TTL had passed
    assert client.get("/api/v1/monitoring/status").json() == first  # stale answer served at once
    deadline = _time.time() + 60
    while cache.computations[key] == computed and _time.time() < deadline:
        _time.sleep(0.1)
    assert cache.computations[key] == computed + 1
    # unchanged data: a stale entry is re-stamped, not recomputed
    stamp, value, version = cache._values[key]
    cache._values[key] = (stamp - api.MONITORING_TTL_S - 1, value, version)
    client.get("/api/v1/monitoring/status")
    _time.sleep(1.0)
    assert cache.computations[key] == computed + 1


def test_each_worker_gets_a_job_manager_at_start(web_template: Any, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from jasyl.planning.jobs import JobManager
    from tests.web.conftest import make_env

    env = make_env(web_template, tmp_path, plan_at_start=False)
    assert env.app.state.jobs is None
    with TestClient(env.app) as client:  # runs the lifespan (start-up hooks)
        assert isinstance(env.app.state.jobs, JobManager)
        assert Path(env.app.state.jobs.root) == env.settings.jobs_dir
        assert client.get("/api/v1/health").status_code == 200
    env.engine.dispose()
