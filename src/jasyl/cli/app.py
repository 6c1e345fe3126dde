"""The ``jasyl`` command line: the typer app, its commands and the exit codes.

Each command lives in its own module of :mod:`jasyl.cli` with a ``register(app)`` function; this module
imports them explicitly (:data:`COMMANDS`) and turns errors into exit codes:

* :class:`jasyl.errors.JasylError` (bad input, infeasible plan): one clear message, exit status 2;
* usage errors (unknown option, bad choice): typer/click's message, exit status 2;
* a database the user must act on (locked by another writer, read-only, disk full, server gone; see
  :func:`jasyl.store.engine.database_problem`): one clear message naming the database and the fix, exit 2;
* anything else is a bug: the traceback goes to a log file, the user gets its path, exit status 1.
"""

from __future__ import annotations

import logging
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import typer
from platformdirs import user_log_dir
from rich.markup import escape

from jasyl.cli import (
    inventory,
    macc,
    monitor,
    monitor_register,
    pathway,
    plan,
    profiles,
    serve,
    sweep,
    track,
    tradeoff,
    users,
)
from jasyl.cli._console import err_console
from jasyl.errors import JasylError
from jasyl.store.engine import database_problem

__all__ = ["app", "main", "err_console", "log_path", "COMMANDS"]

#: the command modules, each with ``register(app)``; a new command is one import and one entry here
COMMANDS: tuple[ModuleType, ...] = (inventory, monitor, monitor_register, profiles, plan, tradeoff, macc, pathway,
                                    sweep, serve, users, track)

app = typer.Typer(
    name="jasyl",
    help="Green City planner: inventory, hourly zero-carbon plan, pathway and monitoring.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _register_commands() -> None:
    for module in COMMANDS:
        module.register(app)


@app.callback()
def _root() -> None:
    """Green City planner: inventory, hourly zero-carbon plan, pathway and monitoring."""


_register_commands()


def log_path() -> Path:
    """Where internal-failure tracebacks are written (user log directory)."""
    return Path(user_log_dir("jasyl", appauthor=False)) / "jasyl-error.log"


def _log_internal_error(exc: BaseException) -> Path:
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now(UTC).isoformat()} jasyl {' '.join(sys.argv[1:])}\n")
            handle.write("".join(traceback.format_exception(exc)))
    except OSError:
        logging.getLogger("jasyl").exception("could not write the error log")
    return path


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point; returns (and exits with) the process status."""
    args = sys.argv[1:] if argv is None else argv
    try:
        # standalone mode: typer/click print usage errors themselves and exit with status 2
        app(args=args, standalone_mode=True, prog_name="jasyl")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except JasylError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True, soft_wrap=True)
        code = exc.exit_code
    except KeyboardInterrupt:
        err_console.print("interrupted")
        code = 130
    except Exception as exc:  # noqa: BLE001 - last line of defence: log, do not dump
        problem = database_problem(exc, None, during="the command")
        if problem is not None:  # locked, read-only, full disk, server gone: the user can act on it
            err_console.print(f"[bold red]error:[/] {escape(str(problem))}", highlight=False, markup=True,
                              soft_wrap=True)
            code = problem.exit_code
            if argv is None:
                sys.exit(code)
            return code
        path = _log_internal_error(exc)
        err_console.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {exc}\n"
            f"This is a bug in jasyl. The full traceback is in {path}",
            highlight=False,
            soft_wrap=True,
        )
        code = 1
    if argv is None:
        sys.exit(code)
    return code
