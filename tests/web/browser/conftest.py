"""Browser tests: Playwright for Python driving Debian's Chromium against a live uvicorn server.

* Chromium is ``/usr/bin/chromium`` from Debian (``make test`` installs the ``chromium`` package with
  apt when it is missing; Playwright never downloads a browser). Override with ``JASYL_CHROMIUM``.
  Without it the browser tests are skipped with the reason.
* ``live_server``: the app on a fresh copy of the test store, served by uvicorn in a thread on a free
  127.0.0.1 port (one per test module). ``live_server.url``, ``.env`` (the WebEnv).
* ``page``: a new page in a fresh browser profile (``--user-data-dir`` in the test's tmp dir) with
  the launch flags below; console errors and CSP violations are collected in ``page.jasyl_errors``.
* Screenshots go to ``test-artifacts/screenshots/`` at the top of the checkout (override with
  ``JASYL_ARTIFACTS``); ``shoot(page, name)`` writes ``<name>.png`` there.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tests.web.conftest import PASSWORD, Template, WebEnv, make_env

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = os.environ.get("JASYL_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("JASYL_ARTIFACTS", ROOT / "test-artifacts")) / "screenshots"
LAUNCH_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    env: WebEnv


@pytest.fixture(scope="module")
def live_server(web_template: Template, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = make_env(web_template, tmp_path_factory.mktemp("live"))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(env.app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="on", access_log=False))
    thread = threading.Thread(target=server.run, name="uvicorn-test", daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", env=env)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        env.engine.dispose()


@pytest.fixture(scope="module")
def playwright_instance() -> Iterator[Any]:
    """Playwright's sync API keeps an event loop running in this thread while it is open: module scope, so
    tests after the browser modules can use asyncio.run again."""
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"Chromium not found at {CHROMIUM} (install Debian's 'chromium' package: make chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture
def page(playwright_instance: Any, tmp_path: Path) -> Iterator[Any]:
    profile = tmp_path / "chromium-profile"
    context = playwright_instance.chromium.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, args=LAUNCH_FLAGS, locale="kk-KZ",
        viewport={"width": 1280, "height": 900}, timeout=60_000)
    page = context.pages[0] if context.pages else context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"{msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    page.jasyl_errors = errors
    page.set_default_timeout(20_000)
    try:
        yield page
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


def shoot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page: Any, server: LiveServer, username: str, password: str = PASSWORD, next_url: str = "") -> None:
    page.goto(f"{server.url}/login" + (f"?next={next_url}" if next_url else ""))
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    page.click("form.stack button[type=submit]")
    page.wait_for_load_state("networkidle")
