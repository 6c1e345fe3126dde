"""``jasyl serve``: the web platform on uvicorn, ready on a fresh machine with no set-up.

A fresh store (the default SQLite file, or ``--db``) is created; when it holds no monitoring data
at all, the labelled demo monitoring data is loaded into it explicitly (one line says so); a store
with data is only migrated. This
process then becomes ``python -m jasyl.web`` (``exec``): uvicorn running the app factory in
``--workers`` processes; each worker reads its settings from the environment set here
(``JASYL_DB_URL``, ``JASYL_WEB_DATA``, ``JASYL_CITIES``). The command line never imports the web
layer (the layers contract): it starts it as a program.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from jasyl.cli._console import err_console as _console
from jasyl.errors import InputError
from jasyl.monitoring.setup import counts, init_monitoring, open_monitoring
from jasyl.store.engine import default_db_url, display_url, is_initialised, make_engine
from jasyl.store.users import list_accounts

__all__ = ["register", "serve_cmd", "uvicorn_argv"]



def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)


def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for every interface)."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    db: str = typer.Option(None, "--db", help="Store URL (default: $JASYL_DB_URL or a SQLite file in the user "
                                              "data directory); postgresql+psycopg://user@host/db for PostgreSQL."),
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="uvicorn worker processes."),
    data: Path = typer.Option(None, "--data", help="Folder for uploads, job outputs and the session key "
                                                   "(default: $JASYL_WEB_DATA or <user data dir>/web)."),
    cities: str = typer.Option(None, "--cities", help="Comma-separated city ids served, the first is the "
                                                      "default (default: $JASYL_CITIES or konaev)."),
    demo: bool = typer.Option(True, "--demo/--no-demo", help="Load the labelled demo monitoring data into a "
                                                            "fresh store."),
    plan: bool = typer.Option(True, "--plan/--no-plan", help="Compute the default city's plan in the "
                                                            "background at start if it is not cached yet."),
    proxy: bool = typer.Option(False, "--behind-proxy", help="Trust X-Forwarded-* headers from 127.0.0.1 "
                                                             "(behind nginx or another reverse proxy)."),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level: critical | error | warning | "
                                                              "info | debug | trace."),
) -> None:
    """Start the web platform (public pages, analyst workspace, inspector and admin pages, JSON API)."""
    url = (db or default_db_url()).strip()
    if port < 1 or port > 65535:
        raise InputError(f"port {port} is not a TCP port", field="--port", fix="use a number from 1 to 65535")
    if log_level not in ("critical", "error", "warning", "info", "debug", "trace"):
        raise InputError(f"unknown log level '{log_level}'", field="--log-level",
                         fix="use critical, error, warning, info, debug or trace")
    os.environ["JASYL_DB_URL"] = url
    if data is not None:
        os.environ["JASYL_WEB_DATA"] = str(data.resolve())
    if cities:
        os.environ["JASYL_CITIES"] = cities
    os.environ["JASYL_PLAN_AT_START"] = "1" if plan else "0"
    fresh = not is_initialised(make_engine(url))
    engine = open_monitoring(url)  # schema created or migrated, standards loaded; no data written
    before = counts(engine)
    empty = before["sites"] == before["sources"] == before["measurements"] == 0
    if demo and empty:
        engine = init_monitoring(url, demo=True)
        c = counts(engine)
        _console.print(f"{'new' if fresh else 'empty'} store {display_url(url)}: loaded the labelled demo monitoring "
                       f"data ({c['sites_demo']} sites, {c['sources_demo']} sources, {c['measurements_demo']:,} "
                       "measurements, all marked DEMO; remove with 'jasyl monitor init --remove-demo')",
                       highlight=False)
    else:
        _console.print(f"store {display_url(url)}", highlight=False)
    if not any(a.active and a.cities_with("admin") for a in list_accounts(engine)):
        _console.print("no administrator yet: create one with  jasyl users add NAME --role admin", highlight=False)
    engine.dispose()
    if workers > 1 and not os.environ.get("DASK_SCHEDULER_ADDRESS", "").strip():
        _console.print("note: with several workers, start a Dask scheduler and set DASK_SCHEDULER_ADDRESS so that "
                       "long jobs share one cluster (otherwise each worker starts its own on its first job)",
                       highlight=False)
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    _console.print(f"jasyl serve: http://{shown}:{port}/  ({workers} worker{'s' if workers > 1 else ''}; "
                   "Ctrl+C stops)", highlight=False)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, uvicorn_argv(host, port, workers, log_level, proxy))


def uvicorn_argv(host: str, port: int, workers: int, log_level: str, proxy: bool) -> list[str]:
    """The command ``jasyl serve`` becomes: the web layer's own entry point (``python -m jasyl.web``)."""
    argv = [sys.executable, "-m", "jasyl.web", "--host", host, "--port", str(port), "--workers", str(workers),
            "--log-level", log_level]
    return argv + (["--behind-proxy"] if proxy else [])
