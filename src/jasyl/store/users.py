"""Accounts of the web platform: users, roles per city, sessions, API tokens and login attempts.

Roles are linear (``viewer < analyst < inspector < admin``) and granted per city; the city ``*``
grants the role on every city. A user's role on a city is the higher of the two. Passwords are
hashed with Argon2id (pwdlib); session ids and API tokens are random and only their SHA-256 is
stored, so a copy of the database lets nobody log in.

Every function that writes takes an ``actor`` (who does it) and records an audit entry in the same
transaction (:mod:`jasyl.store.audit`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import (
    Boolean,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from jasyl.errors import InputError
from jasyl.store.audit import Actor, record_audit, utcnow
from jasyl.store.base import Base

__all__ = ["ROLES", "ROLE_RANK", "ALL_CITIES", "User", "UserRole", "WebSession", "ApiToken", "LoginAttempt",
           "Account", "TokenInfo", "hash_password", "verify_password", "check_username", "check_password",
           "check_role", "create_user", "get_account", "find_account", "list_accounts", "set_role",
           "set_active", "set_password", "authenticate", "create_session", "session_account",
           "delete_session", "create_token", "token_account", "list_tokens", "revoke_token",
           "record_login_attempt", "recent_failures", "role_on", "SYSTEM"]

ROLES: tuple[str, ...] = ("viewer", "analyst", "inspector", "admin")
ROLE_RANK: dict[str, int] = {role: rank for rank, role in enumerate(ROLES, start=1)}
ALL_CITIES = "*"
SYSTEM = Actor(user_id=None, username="system")

_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")
_CITY = re.compile(r"^(\*|[a-z0-9][a-z0-9_-]{0,63})$")
MIN_PASSWORD = 10

_hasher = PasswordHash((Argon2Hasher(),))


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "city", name="uq_user_role_city"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    city: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))


class WebSession(Base):
    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    client: Mapped[str] = mapped_column(String(100), default="")


class ApiToken(Base):
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)


class LoginAttempt(Base):
    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_user_at", "username", "at"),
                      Index("ix_login_attempts_client_at", "client", "at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(100))
    success: Mapped[bool] = mapped_column(Boolean)


@dataclass(frozen=True)
class Account:
    """A user as the application sees it (never the password hash)."""

    id: int
    username: str
    display_name: str
    active: bool
    roles: Mapping[str, str] = field(default_factory=dict)
    created_at: datetime | None = None
    last_login_at: datetime | None = None

    def role_on(self, city: str) -> str | None:
        return role_on(self.roles, city)

    def has_role(self, role: str, city: str) -> bool:
        have = self.role_on(city)
        return have is not None and ROLE_RANK[have] >= ROLE_RANK[role]

    def cities_with(self, role: str) -> list[str]:
        """Cities (``*`` included) on which the user has at least ``role``."""
        return sorted(c for c, r in self.roles.items() if ROLE_RANK[r] >= ROLE_RANK[role])

    @property
    def actor(self) -> Actor:
        return Actor(user_id=self.id, username=self.username)


@dataclass(frozen=True)
class TokenInfo:
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


def role_on(roles: Mapping[str, str], city: str) -> str | None:
    """The higher of the role granted on ``city`` and on every city (``*``)."""
    found = [r for c, r in roles.items() if c in (city, ALL_CITIES)]
    return max(found, key=ROLE_RANK.__getitem__) if found else None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return bool(_hasher.verify(password, password_hash))
    except Exception:  # noqa: BLE001 - an unreadable hash never verifies
        return False


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the user does not exist, so that timing does not reveal names."""
    return hash_password(secrets.token_urlsafe(16))


def check_username(username: str) -> str:
    if not _USERNAME.match(username or ""):
        raise InputError(f"user name '{username}' is not allowed", field="username",
                         fix="2-64 characters: letters, digits and . _ @ - (starting with a letter or digit)")
    return username


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise InputError(f"the password is too short ({len(password or '')} characters)", field="password",
                         fix=f"use at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise InputError("the password is longer than 1024 characters", field="password", fix="use a shorter one")
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"unknown role '{role}'", field="role", fix=f"use one of {', '.join(ROLES)}")
    return role


def check_city(city: str) -> str:
    if not _CITY.match(city or ""):
        raise InputError(f"city id '{city}' is not allowed", field="city",
                         fix="use a city id such as 'konaev' (lower case letters, digits, - and _) or '*'")
    return city


def _roles(conn: Connection, user_id: int) -> dict[str, str]:
    rows = conn.execute(select(UserRole.city, UserRole.role).where(UserRole.user_id == user_id))
    return {city: role for city, role in rows}


def _account(conn: Connection, row: Any) -> Account:
    return Account(id=row.id, username=row.username, display_name=row.display_name, active=bool(row.active),
                   roles=_roles(conn, row.id), created_at=row.created_at, last_login_at=row.last_login_at)


def _public(account: Account) -> dict[str, Any]:
    return {"username": account.username, "display_name": account.display_name, "active": account.active,
            "roles": dict(sorted(account.roles.items()))}


def create_user(engine: Engine, username: str, password: str, *, roles: Mapping[str, str] | None = None,
                display_name: str = "", actor: Actor = SYSTEM, client: str = "") -> Account:
    """Create an account (audited). Raises :class:`InputError` for a taken name or a weak password."""
    check_username(username)
    check_password(password)
    roles = dict(roles or {})
    for city, role in roles.items():
        check_city(city)
        check_role(role)
    pw_hash = hash_password(password)
    with engine.begin() as conn:
        taken = conn.scalar(select(func.count()).select_from(User).where(
            func.lower(User.username) == username.lower()))
        if taken:
            raise InputError(f"user '{username}' already exists", field="username", fix="choose another name")
        user_id = conn.execute(insert(User).values(
            username=username, display_name=display_name[:200], password_hash=pw_hash, active=True,
            created_at=utcnow()).returning(User.id)).scalar_one()
        for city, role in roles.items():
            conn.execute(insert(UserRole).values(user_id=user_id, city=city, role=role))
        row = conn.execute(select(User).where(User.id == user_id)).one()
        account = _account(conn, row)
        record_audit(conn, actor, "user.create", object_type="user", object_id=str(user_id),
                     city=_single_city(roles), before=None, after=_public(account), client=client)
    return account


def _single_city(roles: Mapping[str, str]) -> str | None:
    """The city an entry about this account belongs to (``None``: several or all cities - global admins only)."""
    cities = list(roles)
    return cities[0] if len(cities) == 1 and cities[0] != ALL_CITIES else None


def get_account(engine_or_conn: Engine | Connection, user_id: int) -> Account | None:
    def run(conn: Connection) -> Account | None:
        row = conn.execute(select(User).where(User.id == user_id)).one_or_none()
        return _account(conn, row) if row else None

    if isinstance(engine_or_conn, Connection):
        return run(engine_or_conn)
    with engine_or_conn.connect() as conn:
        return run(conn)


def find_account(engine: Engine, username: str) -> Account | None:
    with engine.connect() as conn:
        row = conn.execute(select(User).where(func.lower(User.username) == (username or "").lower())).one_or_none()
        return _account(conn, row) if row else None


def list_accounts(engine: Engine, *, city: str | None = None) -> list[Account]:
    """All accounts, or those with a role on ``city`` (``*`` roles included)."""
    with engine.connect() as conn:
        rows = conn.execute(select(User).order_by(User.username)).all()
        accounts = [_account(conn, row) for row in rows]
    if city is not None:
        accounts = [a for a in accounts if a.role_on(city) is not None]
    return accounts


def set_role(engine: Engine, user_id: int, city: str, role: str | None, *, actor: Actor = SYSTEM,
             client: str = "") -> Account:
    """Grant ``role`` on ``city`` (``None`` removes the role there); audited."""
    check_city(city)
    if role is not None:
        check_role(role)
    with engine.begin() as conn:
        before = get_account(conn, user_id)
        if before is None:
            raise InputError(f"no user with id {user_id}", field="user", fix="pick a user from the list")
        conn.execute(delete(UserRole).where(UserRole.user_id == user_id, UserRole.city == city))
        if role is not None:
            conn.execute(insert(UserRole).values(user_id=user_id, city=city, role=role))
        after = get_account(conn, user_id)
        assert after is not None
        if before.roles.get(city) != role:
            record_audit(conn, actor, "user.role", object_type="user", object_id=str(user_id), city=city,
                         before={"username": before.username, "city": city, "role": before.roles.get(city)},
                         after={"username": after.username, "city": city, "role": role}, client=client)
    return after


def set_active(engine: Engine, user_id: int, active: bool, *, actor: Actor = SYSTEM, client: str = "") -> Account:
    """Enable or disable an account; disabling also ends its sessions. Audited."""
    with engine.begin() as conn:
        before = get_account(conn, user_id)
        if before is None:
            raise InputError(f"no user with id {user_id}", field="user", fix="pick a user from the list")
        conn.execute(update(User).where(User.id == user_id).values(active=active))
        if not active:
            conn.execute(delete(WebSession).where(WebSession.user_id == user_id))
        if before.active != active:
            record_audit(conn, actor, "user.active", object_type="user", object_id=str(user_id),
                         city=_single_city(before.roles),
                         before={"username": before.username, "active": before.active},
                         after={"username": before.username, "active": active}, client=client)
        after = get_account(conn, user_id)
        assert after is not None
    return after


def set_password(engine: Engine, user_id: int, password: str, *, actor: Actor = SYSTEM, client: str = "") -> None:
    """Replace the password and end the user's sessions. Audited (never the password itself)."""
    check_password(password)
    pw_hash = hash_password(password)
    with engine.begin() as conn:
        before = get_account(conn, user_id)
        if before is None:
            raise InputError(f"no user with id {user_id}", field="user", fix="pick a user from the list")
        conn.execute(update(User).where(User.id == user_id).values(password_hash=pw_hash))
        conn.execute(delete(WebSession).where(WebSession.user_id == user_id))
        record_audit(conn, actor, "user.password", object_type="user", object_id=str(user_id),
                     city=_single_city(before.roles),
                     before={"username": before.username}, after={"username": before.username,
                                                                   "password": "changed"}, client=client)


def authenticate(engine: Engine, username: str, password: str) -> Account | None:
    """The active account whose password matches, else ``None`` (same work either way)."""
    with engine.connect() as conn:
        row = conn.execute(select(User).where(func.lower(User.username) == (username or "").lower())).one_or_none()
        if row is None:
            verify_password(password or "", _dummy_hash())
            return None
        if not verify_password(password or "", row.password_hash) or not row.active:
            return None
        account = _account(conn, row)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == account.id).values(last_login_at=utcnow()))
    return account


# --- sessions ------------------------------------------------------------------------------------

def create_session(engine: Engine, user_id: int, *, hours: float, client: str = "") -> str:
    """A new session id (random, 256 bits); the database keeps only its hash."""
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(delete(WebSession).where(WebSession.expires_at < now))
        conn.execute(insert(WebSession).values(id_hash=_sha256(session_id), user_id=user_id, created_at=now,
                                               expires_at=now + timedelta(hours=hours), client=client[:100]))
    return session_id


def session_account(engine: Engine, session_id: str) -> Account | None:
    """The active account of a live session, else ``None``."""
    with engine.connect() as conn:
        row = conn.execute(select(User).join(WebSession, WebSession.user_id == User.id).where(
            WebSession.id_hash == _sha256(session_id), WebSession.expires_at > utcnow(),
            User.active.is_(True))).one_or_none()
        return _account(conn, row) if row else None


def delete_session(engine: Engine, session_id: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(WebSession).where(WebSession.id_hash == _sha256(session_id)))


# --- API tokens ----------------------------------------------------------------------------------

TOKEN_PREFIX = "jsl_"


def create_token(engine: Engine, user_id: int, name: str, *, days: int | None = 365, actor: Actor = SYSTEM,
                 client: str = "") -> tuple[str, TokenInfo]:
    """A new API token; the secret is returned once and only its hash is stored. Audited."""
    name = (name or "").strip()[:100] or "token"
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    with engine.begin() as conn:
        owner = get_account(conn, user_id)
        if owner is None:
            raise InputError(f"no user with id {user_id}", field="user", fix="pick a user from the list")
        token_id = conn.execute(insert(ApiToken).values(
            user_id=user_id, name=name, token_hash=_sha256(secret), prefix=secret[:10], created_at=now,
            expires_at=now + timedelta(days=days) if days else None).returning(ApiToken.id)).scalar_one()
        row = conn.execute(select(ApiToken).where(ApiToken.id == token_id)).one()
        record_audit(conn, actor, "token.create", object_type="api_token", object_id=str(token_id),
                     city=_single_city(owner.roles),
                     before=None, after={"username": owner.username, "name": name, "prefix": row.prefix,
                                         "expires_at": row.expires_at.isoformat() if row.expires_at else None},
                     client=client)
    return secret, _token_info(row)


def _token_info(row: Any) -> TokenInfo:
    return TokenInfo(id=row.id, user_id=row.user_id, name=row.name, prefix=row.prefix, created_at=row.created_at,
                     expires_at=row.expires_at, revoked_at=row.revoked_at, last_used_at=row.last_used_at)


def token_account(engine: Engine, secret: str) -> Account | None:
    """The active account of a live (not revoked, not expired) token, else ``None``."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    now = utcnow()
    with engine.connect() as conn:
        columns = (User.__table__, ApiToken.id.label("token_id"), ApiToken.last_used_at.label("used"))
        row = conn.execute(select(*columns).join(
            ApiToken, ApiToken.user_id == User.id).where(
            ApiToken.token_hash == _sha256(secret), ApiToken.revoked_at.is_(None), User.active.is_(True))
            .where((ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now))).one_or_none()
        if row is None:
            return None
        account = _account(conn, row)
    if row.used is None or now - row.used > timedelta(minutes=5):
        with engine.begin() as conn:
            conn.execute(update(ApiToken).where(ApiToken.id == row.token_id).values(last_used_at=now))
    return account


def list_tokens(engine: Engine, user_id: int | None = None) -> list[TokenInfo]:
    with engine.connect() as conn:
        query = select(ApiToken).order_by(ApiToken.created_at.desc())
        if user_id is not None:
            query = query.where(ApiToken.user_id == user_id)
        return [_token_info(row) for row in conn.execute(query)]


def revoke_token(engine: Engine, token_id: int, *, actor: Actor = SYSTEM, client: str = "") -> TokenInfo:
    with engine.begin() as conn:
        row = conn.execute(select(ApiToken).where(ApiToken.id == token_id)).one_or_none()
        if row is None:
            raise InputError(f"no API token with id {token_id}", field="token", fix="pick a token from the list")
        if row.revoked_at is None:
            owner = get_account(conn, row.user_id)
            conn.execute(update(ApiToken).where(ApiToken.id == token_id).values(revoked_at=utcnow()))
            record_audit(conn, actor, "token.revoke", object_type="api_token", object_id=str(token_id),
                         city=_single_city(owner.roles) if owner else None,
                         before={"name": row.name, "prefix": row.prefix, "revoked": False},
                         after={"name": row.name, "prefix": row.prefix, "revoked": True}, client=client)
        row = conn.execute(select(ApiToken).where(ApiToken.id == token_id)).one()
    return _token_info(row)


# --- login rate limiting -------------------------------------------------------------------------

def record_login_attempt(engine: Engine, username: str, client: str, success: bool) -> None:
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(insert(LoginAttempt).values(at=now, username=(username or "")[:64].lower(),
                                                 client=client[:100], success=success))
        # keep the table small: attempts older than a day are of no use to the limiter
        conn.execute(delete(LoginAttempt).where(LoginAttempt.at < now - timedelta(days=1)))


def recent_failures(engine: Engine, username: str, client: str, window_s: int) -> tuple[int, int]:
    """Failed logins within the window: (for this user name, from this client address)."""
    since = utcnow() - timedelta(seconds=window_s)
    with engine.connect() as conn:
        by_user = conn.scalar(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.username == (username or "")[:64].lower(), LoginAttempt.at >= since,
            LoginAttempt.success.is_(False)))
        by_client = conn.scalar(select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.client == client[:100], LoginAttempt.at >= since, LoginAttempt.success.is_(False)))
    return int(by_user or 0), int(by_client or 0)
