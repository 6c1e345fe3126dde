"""Fixtures for the web platform: an in-process app on a fresh store with one user per role.

* ``web`` - a :class:`WebEnv`: ``web.client(role)`` gives a TestClient signed in as that role
  (``None`` = anonymous), ``web.app``, ``web.engine``, ``web.settings``, ``web.ids[role]`` (user ids),
  ``web.csrf(client)`` (the token for forms), ``web.post(client, url, data)`` (a form POST with the
  CSRF token). Every test gets its own copy of the store (SQLite file copied from a template built
  once per test worker: migrations, standards, the labelled demo data, the users and one API token).
* ``live_server`` (in ``tests/web/browser/conftest.py``) - uvicorn on a free 127.0.0.1 port.

Users (password ``PASSWORD`` for all): ``viewer1``, ``analyst1``, ``inspector1``, ``admin1``, each with
that role on konaev; ``other_admin`` is admin of another city only (for scope tests).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from jasyl.monitoring.setup import init_monitoring
from jasyl.planning.jobs import JobManager
from jasyl.planning.options import PlanOptions
from jasyl.planning.overview import run_overview
from jasyl.report.outputs import write_plan_outputs
from jasyl.store.engine import make_engine
from jasyl.store.users import create_session, create_token, create_user
from jasyl.web.access import SESSION_COOKIE, session_signer
from jasyl.web.app import create_app
from jasyl.web.routers.pages_data import ENV_OVERVIEW_HOURS, ENV_OVERVIEW_PATHWAY, overview_file, overview_options
from jasyl.web.settings import WebSettings

ROLES = ("viewer", "analyst", "inspector", "admin")
PRINCIPALS: tuple[str | None, ...] = (None, *ROLES)
PASSWORD = "test-password-123"
SECRET = "test-secret-key-" + "x" * 40
CITY = "konaev"
OTHER_CITY = "almaty"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
#: the public overview of the test apps: a 24-hour plan with its pathway (computed once per test run)
os.environ[ENV_OVERVIEW_HOURS] = "24"
os.environ[ENV_OVERVIEW_PATHWAY] = "1"


@dataclass
class Template:
    path: Path
    ids: dict[str, int]
    token: str
    token_id: int
    overview: Path | None = None
    #: a jobs folder holding one finished 24-hour plan of konaev started from the workspace (``job_id``)
    jobs_root: Path | None = None
    job_id: str = ""


def _shared_job(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One real plan run through the job manager (LocalCluster, one worker) as the workspace runs it,
    shared by the test workers of the run like the overview."""
    root = tmp_path_factory.getbasetemp()
    shared = root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root
    jobs_root = shared / "jobs"
    marker = shared / "job-id.txt"
    with (shared / "job.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            options = PlanOptions(city=CITY, hours=24, pathway=False, language="kk")
            with JobManager(root=jobs_root, workers=1, writers={"plan": write_plan_outputs}) as jobs:
                job_id = jobs.submit("plan", options)
                state = jobs.wait(job_id, timeout_s=900).state
            assert state == "done", f"the shared workspace job ended {state}"
            (jobs_root / job_id / "web.json").write_text(json.dumps(
                {"city": CITY, "owner": "analyst1", "title": "CO₂ ≤ 0 t, 24 h, exact", "options": options.to_dict()}),
                encoding="utf-8")
            marker.write_text(job_id, encoding="utf-8")
    return jobs_root, marker.read_text(encoding="utf-8").strip()


def _shared_overview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The konaev overview as JSON, computed by the first test worker that needs it (the others wait
    on a lock in the run's common temp folder and read it)."""
    root = tmp_path_factory.getbasetemp()
    shared = root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root
    target = shared / f"overview-{CITY}.json"
    with (shared / "overview.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            data = run_overview(overview_options(CITY))
            target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return target


@pytest.fixture(scope="session")
def web_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    folder = tmp_path_factory.mktemp("web-template")
    path = folder / "store.sqlite"
    engine = init_monitoring(f"sqlite:///{path}", demo=True)
    ids = {}
    for role in ROLES:
        ids[role] = create_user(engine, f"{role}1", PASSWORD, roles={CITY: role}, display_name=f"Test {role}").id
    ids["other_admin"] = create_user(engine, "other_admin", PASSWORD, roles={OTHER_CITY: "admin"}).id
    token, info = create_token(engine, ids["viewer"], "test token")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    with sqlite3.connect(path) as raw:  # one self-contained file to copy
        raw.execute("PRAGMA journal_mode=DELETE")
    jobs_root, job_id = _shared_job(tmp_path_factory)
    return Template(path=path, ids=ids, token=token, token_id=info.id, overview=_shared_overview(tmp_path_factory),
                    jobs_root=jobs_root, job_id=job_id)


@dataclass
class WebEnv:
    app: Any
    engine: Any
    settings: WebSettings
    ids: dict[str, int]
    token: str
    token_id: int
    job_id: str = ""
    clients: dict[str | None, TestClient] = field(default_factory=dict)

    def client(self, role: str | None = None, *, fresh: bool = False) -> TestClient:
        """A client signed in as ``role`` (``"viewer"`` ... ``"admin"``, ``"other_admin"``) or anonymous."""
        if role in self.clients and not fresh:
            return self.clients[role]
        client = TestClient(self.app, base_url="http://testserver", follow_redirects=False)
        if role is not None:
            session_id = create_session(self.engine, self.ids[role], hours=1, client="testclient")
            client.cookies.set(SESSION_COOKIE, session_signer(SECRET).sign(session_id).decode("ascii"))
        if not fresh:
            self.clients[role] = client
        return client

    def csrf(self, client: TestClient, page: str = "/login") -> str:
        """The CSRF token of ``client`` (read from a form on ``page``; sets the cookie)."""
        response = client.get(page)
        found = _CSRF.search(response.text)
        assert found, f"no CSRF field on {page} ({response.status_code})"
        return found.group(1)

    def post(self, client: TestClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """A form POST carrying the client's CSRF token."""
        body = dict(data or {})
        body.setdefault("csrf_token", self.csrf(client))
        return client.post(url, data=body, **kwargs)


def make_env(template: Template, folder: Path, **settings_overrides: Any) -> WebEnv:
    path = folder / "store.sqlite"
    shutil.copyfile(template.path, path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    settings = WebSettings(db_url=url, data_dir=folder / "web", secret_key=SECRET, cities=(CITY, OTHER_CITY),
                           **settings_overrides)
    app = create_app(settings, engine=engine)
    if template.overview is not None:  # the public pages' overview is there, as after a first start
        target = overview_file(app, CITY)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template.overview, target)
    return WebEnv(app=app, engine=engine, settings=settings, ids=dict(template.ids), token=template.token,
                  token_id=template.token_id, job_id=template.job_id)


@pytest.fixture
def web(web_template: Template, tmp_path: Path) -> Iterator[WebEnv]:
    env = make_env(web_template, tmp_path)
    if web_template.jobs_root is not None:  # the workspace's jobs: the shared folder (a cluster starts on a submit)
        env.app.state.jobs = JobManager(root=web_template.jobs_root, workers=1, writers={"plan": write_plan_outputs})
    try:
        yield env
    finally:
        for client in env.clients.values():
            client.close()
        if env.app.state.jobs is not None:
            env.app.state.jobs.close()
        env.engine.dispose()
