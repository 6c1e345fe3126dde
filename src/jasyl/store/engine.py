"""The jasyl database: engine, schema migrations (Alembic) and dialect helpers.

SQLite by default (``monitoring.sqlite`` under the user's data directory, WAL journal), any other
SQLAlchemy URL through ``JASYL_DB_URL`` (``postgresql+psycopg://user@host:port/db``). The schema of
every table in :mod:`jasyl.store.models` is created and upgraded by the Alembic scripts shipped in
``jasyl/store/migrations``. :func:`open_store` creates or upgrades the schema and nothing else: it
never writes data (demonstration data are loaded only by ``jasyl monitor init``).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pandas as pd
import psycopg
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from platformdirs import user_data_dir
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from jasyl.errors import InputError

__all__ = ["ENV_VAR", "default_db_url", "make_engine", "upgrade", "is_initialised", "open_store",
           "insert_ignore", "to_utc_naive", "display_url", "utcnow", "placeholder", "db_times",
           "SQLITE_TIME_FORMAT", "write_transaction", "database_problem", "LOCK_WAIT_S", "DATABASE_ERRORS",
           "is_retryable"]

ENV_VAR = "JASYL_DB_URL"
#: how long a writer waits for another one before it gives up (SQLite busy timeout, PostgreSQL lock timeout)
LOCK_WAIT_S = int(os.environ.get("JASYL_DB_LOCK_WAIT_S", "120"))


def default_db_url() -> str:
    """``JASYL_DB_URL`` if set, else a SQLite file under the user data directory."""
    url = os.environ.get(ENV_VAR, "").strip()
    if url:
        return url
    path = Path(user_data_dir("jasyl", appauthor=False)) / "monitoring.sqlite"
    return f"sqlite:///{path}"


def display_url(url: str) -> str:
    """The URL without its password, for messages (a SQLite URL, which has none, as given)."""
    if url.startswith("sqlite"):
        return unquote(url)  # a URI filename comes back from SQLAlchemy as sqlite:///file%3A/...
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL is shown as given
        return url


def make_engine(url: str | None = None) -> Engine:
    """Create the engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    url = url or default_db_url()
    try:
        if url.startswith("sqlite"):
            db_path = url.split("///", 1)[1] if "///" in url else ""
            # a URI filename (sqlite:///file:/path?mode=ro&uri=true) names the file between "file:" and "?"
            db_path = db_path.removeprefix("file:").split("?", 1)[0]
            if db_path and db_path != ":memory:" and "mode=ro" not in url:
                Path(db_path).parent.mkdir(parents=True, exist_ok=True)
            # a writer waits up to LOCK_WAIT_S for another one (an ingest holds the write lock while it runs)
            engine = create_engine(url, connect_args={"timeout": LOCK_WAIT_S})

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()

            return engine
        return create_engine(url, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise InputError(f"cannot use database URL '{display_url(url)}': {exc}", field=ENV_VAR,
                         fix="use e.g. sqlite:////path/to/file.sqlite or postgresql+psycopg://user@host/db") from exc


def _alembic_config(connection: Any) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("jasyl.store") / "migrations"))
    cfg.attributes["connection"] = connection
    return cfg


#: PostgreSQL advisory lock key of schema upgrades ("jasylschema" folded into 63 bits)
_PG_SCHEMA_LOCK = 0x6A61_7379_6C73


def _at_revision(conn: Any, revision: str) -> bool:
    """True when the database is already at ``revision`` (read-only check, takes no lock)."""
    if revision != "head":
        return False
    heads = set(ScriptDirectory.from_config(_alembic_config(conn)).get_heads())
    return set(MigrationContext.configure(conn).get_current_heads()) == heads


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with the shipped Alembic scripts (idempotent).

    Safe when several processes open a new or older database at once: the upgrade runs under the
    database's write lock (SQLite ``BEGIN IMMEDIATE``; PostgreSQL an advisory lock in the upgrade's
    transaction), so one process upgrades and the others find the schema done. A database already at
    ``revision`` is only read (no lock: opening never waits for a running ingest).
    """
    try:
        with engine.connect() as conn:
            if _at_revision(conn, revision):
                return
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # DDL is transactional in SQLite
            elif conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_SCHEMA_LOCK})")
            command.upgrade(_alembic_config(conn), revision)
            conn.commit()
    except SQLAlchemyError as exc:
        raise InputError(f"cannot create or upgrade the database: {exc.__class__.__name__}: "
                         f"{str(exc).splitlines()[0]}", field=ENV_VAR,
                         fix="check that the database server is running and the URL is right") from exc


def is_initialised(engine: Engine) -> bool:
    try:
        return inspect(engine).has_table("alembic_version")
    except SQLAlchemyError as exc:
        raise InputError(f"cannot open the database: {str(exc).splitlines()[0]}", field=ENV_VAR,
                         fix="check that the database server is running and the URL is right") from exc


def insert_ignore(engine_or_conn: Any, table: Any) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` for the connection's dialect."""
    name = engine_or_conn.dialect.name
    if name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    if name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    raise InputError(f"database dialect '{name}' is not supported", field=ENV_VAR, fix="use SQLite or PostgreSQL")


#: how SQLAlchemy's SQLite DateTime type stores values; raw bulk writes use the same text so that
#: keys and range comparisons agree with rows written through the ORM
SQLITE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def placeholder(conn: Any) -> str:
    """The DB-API placeholder of the connection's driver (``?`` for sqlite3, ``%s`` for psycopg)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def db_times(conn: Any, times: Any) -> list[Any]:
    """Naive UTC times (a pandas Series) as the driver wants them for raw SQL."""
    series = pd.Series(pd.to_datetime(times))
    if conn.dialect.name == "sqlite":
        return list(series.dt.strftime(SQLITE_TIME_FORMAT))
    return list(series.dt.to_pydatetime())


def to_utc_naive(value: datetime) -> datetime:
    """Naive UTC datetime (aware values are converted; naive ones are taken as UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def open_store(url: str | None = None) -> Engine:
    """Engine of the database at ``url`` (default :func:`default_db_url`) with its schema created or
    brought up to date. Writes no data: a fresh database stays empty."""
    engine = make_engine(url)
    upgrade(engine)
    return engine


#: PostgreSQL advisory lock key of the writers that take it (ingests): "jasyl" in ASCII
_PG_WRITER_LOCK = 0x6A6173796C


@contextlib.contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that no other :func:`write_transaction` runs beside: SQLite ``BEGIN IMMEDIATE``
    (the database's one write lock, waited for up to :data:`LOCK_WAIT_S`), PostgreSQL a transaction-level
    advisory lock (same wait). Committed at the end of the block, rolled back on any exception."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql(f"PRAGMA busy_timeout = {LOCK_WAIT_S * 1000}")
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_S}s'")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_WRITER_LOCK})")
        try:
            yield conn
        except BaseException:
            with contextlib.suppress(*DATABASE_ERRORS):  # a lost connection cannot roll back: the server does
                conn.rollback()
            raise
        conn.commit()


#: errors of the database layer: SQLAlchemy's and the drivers' own (raw DB-API calls of the bulk writers:
#: sqlite3's executemany, psycopg's COPY)
DATABASE_ERRORS: tuple[type[BaseException], ...] = (SQLAlchemyError, sqlite3.Error, psycopg.Error)

#: a transaction that lost a conflict with another one and may simply be run again
_RETRYABLE = ("deadlock detected", "could not serialize access", "serialization failure")


def is_retryable(exc: BaseException) -> bool:
    """True for a deadlock or serialization failure (PostgreSQL rolled the transaction back; run it again)."""
    return isinstance(exc, DATABASE_ERRORS) and any(k in " ".join(str(exc).lower().split()) for k in _RETRYABLE)


_LOCKED = ("database is locked", "database table is locked", "lock timeout", "lock not available",
           "deadlock detected")
_READ_ONLY = ("readonly database", "read-only transaction", "read only", "permission denied",
              "attempt to write a readonly")
_FULL = ("database or disk is full", "no space left on device", "could not extend file", "disk full",
         "disk i/o error", "file too large")
_LOST = ("server closed the connection", "terminating connection", "connection is closed", "connection is lost",
         "consuming input failed", "could not receive data", "connection refused", "connection failed",
         "connection to server", "the database system is shutting down", "the database system is starting up",
         "ssl syscall error", "eof detected", "server conn crashed", "closed the connection unexpectedly")


def database_problem(exc: BaseException, engine: Engine | str | None, *, during: str) -> InputError | None:
    """A clear :class:`InputError` for a database failure the user can act on (another writer holds the
    lock, the database is read-only, the disk is full, the server went away); None for anything else
    (and for any exception that is not a database error, :data:`DATABASE_ERRORS`). In each case the
    transaction was rolled back: nothing of ``during`` was stored. ``engine`` (or its URL) names the
    database in the message; None: "the database"."""
    if not isinstance(exc, DATABASE_ERRORS):
        return None
    text = " ".join(str(exc).lower().split())
    if engine is None:
        where = "the database"
    else:
        where = display_url(str(engine.url) if isinstance(engine, Engine) else engine)
    kept = "nothing of it was stored"
    if any(k in text for k in _LOCKED):
        return InputError(f"{where}: another process was writing to the database; {during} waited "
                          f"{LOCK_WAIT_S} s and stopped ({kept})", field="database",
                          fix="run it again when the other ingest has finished")
    if any(k in text for k in _READ_ONLY):
        return InputError(f"{where}: the database is read-only for jasyl; {during} was refused ({kept}, "
                          "the stored data are unchanged)", field="database",
                          fix="give write permission on the database file and its folder, or connect as a "
                              "user who may write")
    if any(k in text for k in _FULL):
        return InputError(f"{where}: the disk of the database is full; {during} was rolled back ({kept}, "
                          "the stored data are unchanged)", field="database",
                          fix="free disk space, then run the same command again")
    if any(k in text for k in _LOST):
        return InputError(f"{where}: the connection to the database was lost during {during} ({kept}; the "
                          "server rolled the transaction back)", field="database",
                          fix="check that the database server is running, then run the same command again")
    return None
