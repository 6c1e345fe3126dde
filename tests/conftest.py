"""Shared fixtures: isolated user directories and database, the Konaev balance context, MACC and
pathway (computed once), and database URLs on SQLite and a private PostgreSQL server.

PostgreSQL comes from Debian's ``postgresql`` package (``make postgres`` installs it when missing
and run as root). The server runs as the ``postgres`` user when the tests run as root (postgres
refuses to run as root), with trust authentication on a free local port and a private socket
directory. Where the binaries are missing or the server cannot start, the PostgreSQL variants are
skipped with the reason.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from jasyl.abatement import Context, MaccResult, build_context, compute_macc
from jasyl.city import load_city
from jasyl.measures import load_measures
from jasyl.pathway import Pathway, build_pathway

# user directories of the whole session (session- and module-scoped fixtures run before the per-test
# isolation below): nothing a test does reaches the real home directory, cache included
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="jasyl-tests-home-"))
for _var in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME"):
    os.environ[_var] = str(_SESSION_HOME / _var.lower())

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep user data, logs and the monitoring database out of the real home directory."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    os.environ.pop("JASYL_DB_URL", None)


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.exists():
        pytest.skip(f"../shared not found beside the project ({SHARED})")
    return SHARED


@pytest.fixture(scope="session")
def konaev_ctx() -> Context:
    return build_context(load_city(), load_measures())


@pytest.fixture(scope="session")
def konaev_macc(konaev_ctx: Context) -> MaccResult:
    return compute_macc(ctx=konaev_ctx)


@pytest.fixture(scope="session")
def konaev_pathway(konaev_ctx: Context, konaev_macc: MaccResult) -> Pathway:
    return build_pathway(konaev_ctx.city, konaev_ctx.library, start_year=2026, ctx=konaev_ctx, macc=konaev_macc)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    exe = shutil.which("initdb")
    return Path(exe).parent if exe else None


class _PgServer:
    def __init__(self) -> None:
        self.skip_reason = ""
        self.port = 0
        self.datadir: Path | None = None
        self.bindir = _pg_bindir()
        self.prefix: list[str] = []
        self.tmp: str | None = None

    def start(self) -> None:
        if self.bindir is None:
            self.skip_reason = "PostgreSQL binaries not found (install Debian's postgresql package: make postgres)"
            return
        self.tmp = tempfile.mkdtemp(prefix="jasyl-pg-")
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                self.skip_reason = "running as root and there is no 'postgres' user to run the server"
                return
            shutil.chown(self.tmp, "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.datadir = Path(self.tmp) / "data"
        self.port = _free_port()
        log = Path(self.tmp) / "server.log"
        try:
            subprocess.run([*self.prefix, str(self.bindir / "initdb"), "-D", str(self.datadir), "-U", "postgres",
                            "--auth=trust", "-E", "UTF8", "--no-sync"], check=True, capture_output=True, timeout=120)
            subprocess.run([*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-l", str(log), "-w",
                            "-o", f"-p {self.port} -k {self.tmp} -c listen_addresses=127.0.0.1 -c fsync=off",
                            "start"], check=True, capture_output=True, timeout=120)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
            self.skip_reason = f"could not start PostgreSQL: {exc} {detail.decode(errors='replace')[-300:]} {tail}"

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_db(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        deadline = time.time() + 20
        while True:
            try:
                with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                                     autocommit=True) as conn:
                    conn.execute(f'CREATE DATABASE "{name}"')
                return self.url(name)
            except psycopg.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)

    def stop(self) -> None:
        if self.datadir is not None and self.datadir.exists():
            subprocess.run([*self.prefix, str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w",
                            "stop"], capture_output=True, timeout=60, check=False)
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[_PgServer]:
    server = _PgServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'monitoring.sqlite'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'monitoring.sqlite'}"
    server: _PgServer = request.getfixturevalue("pg_server")
    if server.skip_reason:
        pytest.skip(server.skip_reason)
    return server.create_db()


@pytest.fixture(autouse=True)
def _isolated_db(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Never touch the user's real database: the default URL points into the test's tmp dir."""
    monkeypatch.setenv("JASYL_DB_URL", f"sqlite:///{tmp_path / 'default.sqlite'}")
