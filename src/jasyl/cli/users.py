"""``jasyl users``: accounts of the web platform (add, list, role, disable/enable, password, token)."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from jasyl.city import embedded_cities
from jasyl.errors import InputError
from jasyl.store.engine import open_store
from jasyl.store.users import (
    ALL_CITIES,
    ROLES,
    SYSTEM,
    Account,
    check_password,
    create_token,
    create_user,
    find_account,
    list_accounts,
    set_active,
    set_password,
    set_role,
)

__all__ = ["register", "users_app"]

users_app = typer.Typer(help="Web platform accounts and their roles per city.", no_args_is_help=True)
_err = Console(stderr=True)
DB_HELP = "Store URL (default: $JASYL_DB_URL or a SQLite file in the user data directory)."
ROLE_HELP = f"Role on the city: {' | '.join(ROLES)} (each includes the ones before it)."
CITY_HELP = f"City id the role applies to ('{ALL_CITIES}' = every city)."


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


def _read_password(from_stdin: bool, confirm: bool = True) -> str:
    """From the first line of standard input (``--password-stdin`` or not a terminal), else prompted."""
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise InputError("no password on standard input", field="password",
                             fix="pipe the password as the first line: printf '%s\\n' \"$PW\" | jasyl users add ...")
        return check_password(password)
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=confirm)
    return check_password(password)


def _check_city(city: str) -> str:
    """A city id jasyl knows: an embedded city, one of ``$JASYL_CITIES``, or ``*`` (every city)."""
    known = set(embedded_cities()) | {c.strip() for c in os.environ.get("JASYL_CITIES", "").split(",") if c.strip()}
    if city != ALL_CITIES and city not in known:
        raise InputError(f"unknown city '{city}'", field="--city",
                         fix=f"use one of {', '.join(sorted(known))}, '*' for every city, or list the city in "
                             "JASYL_CITIES")
    return city


def _account_or_fail(engine: Any, name: str) -> Account:
    account = find_account(engine, name)
    if account is None:
        raise InputError(f"no user '{name}'", field="NAME", fix="see the names in 'jasyl users list'")
    return account


@users_app.command("add")
def add_cmd(
    name: str = typer.Argument(..., help="User name (2-64 letters, digits, . _ @ -)."),
    role: str = typer.Option(..., "--role", help=ROLE_HELP),
    city: str = typer.Option("konaev", "--city", help=CITY_HELP),
    display_name: str = typer.Option("", "--name", help="Full name shown on the pages."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Create an account with a role on a city (password prompted, or read from standard input)."""
    if role not in ROLES:
        raise InputError(f"unknown role '{role}'", field="--role", fix=f"use one of {', '.join(ROLES)}")
    _check_city(city)
    password = _read_password(password_stdin)
    engine = open_store(db)
    account = create_user(engine, name, password, roles={city: role}, display_name=display_name, actor=SYSTEM,
                          client="cli")
    _err.print(f"created user '{account.username}' with role {role} on {city}", highlight=False)


@users_app.command("list")
def list_cmd(
    fmt: str = typer.Option("table", "--format", help="table | json"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """List accounts with their roles per city."""
    if fmt not in ("table", "json"):
        raise InputError(f"unknown format '{fmt}'", field="--format", fix="use table or json")
    accounts = list_accounts(open_store(db))
    rows: list[dict[str, Any]] = [
        {"username": a.username, "display_name": a.display_name, "active": a.active, "roles": dict(a.roles),
         "last_login_utc": a.last_login_at.isoformat() + "Z" if a.last_login_at else None} for a in accounts]
    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    table = Table("user", "name", "active", "roles", "last log in (UTC)")
    for r in rows:
        table.add_row(r["username"], r["display_name"], "yes" if r["active"] else "no",
                      ", ".join(f"{c}: {x}" for c, x in sorted(r["roles"].items())) or "-", r["last_login_utc"] or "-")
    Console().print(table)


@users_app.command("role")
def role_cmd(
    name: str = typer.Argument(..., help="User name."),
    role: str = typer.Option(..., "--role", help=ROLE_HELP + " 'none' removes the role on the city."),
    city: str = typer.Option("konaev", "--city", help=CITY_HELP),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Grant (or with --role none, remove) a role on a city."""
    if role != "none" and role not in ROLES:
        raise InputError(f"unknown role '{role}'", field="--role", fix=f"use one of {', '.join(ROLES)} or none")
    _check_city(city)
    engine = open_store(db)
    account = _account_or_fail(engine, name)
    set_role(engine, account.id, city, None if role == "none" else role, actor=SYSTEM, client="cli")
    _err.print(f"{name}: role on {city} is now {role}", highlight=False)


@users_app.command("disable")
def disable_cmd(name: str = typer.Argument(...), db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Disable an account (its sessions end at once)."""
    engine = open_store(db)
    set_active(engine, _account_or_fail(engine, name).id, False, actor=SYSTEM, client="cli")
    _err.print(f"{name}: disabled", highlight=False)


@users_app.command("enable")
def enable_cmd(name: str = typer.Argument(...), db: str = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Enable a disabled account."""
    engine = open_store(db)
    set_active(engine, _account_or_fail(engine, name).id, True, actor=SYSTEM, client="cli")
    _err.print(f"{name}: enabled", highlight=False)


@users_app.command("password")
def password_cmd(
    name: str = typer.Argument(...),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Set a new password (its sessions end)."""
    engine = open_store(db)
    account = _account_or_fail(engine, name)
    set_password(engine, account.id, _read_password(password_stdin), actor=SYSTEM, client="cli")
    _err.print(f"{name}: password changed", highlight=False)


@users_app.command("token")
def token_cmd(
    name: str = typer.Argument(..., help="User name the token acts as."),
    label: str = typer.Option("cli", "--label", help="What the token is for."),
    days: int = typer.Option(365, "--days", min=1, max=3650, help="Validity in days."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Make an API token (printed once on standard output; only its hash is stored)."""
    engine = open_store(db)
    account = _account_or_fail(engine, name)
    secret, _info = create_token(engine, account.id, label, days=days, actor=SYSTEM, client="cli")
    print(secret)
