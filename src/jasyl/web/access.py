"""Who may call a route: every route declares exactly one policy; none declared means refused.

Policies are FastAPI dependencies that also return the caller's account::

    @router.get("/{city}/workspace")
    def workspace(request: Request, user: Account = Depends(require("analyst"))) -> Response: ...

    @router.get("/{city}/air")
    def air(request: Request, user: Account | None = Depends(public)) -> Response: ...

* ``public`` - anyone; the account is ``None`` for an anonymous visitor.
* ``require(role)`` - at least ``role`` on the route's ``{city}`` path parameter (an unknown city is
  404), or on the default city for a route without one.
* ``require_any(role)`` - at least ``role`` on some city (admin pages; the handler then shows only
  what the user's cities allow).
* ``signed_in`` - any account, whatever its roles (log out, own profile).

Anonymous callers of a protected route get ``303`` to ``/login?next=...`` on HTML routes and ``401``
on ``/api`` routes; signed-in callers without the role get ``403``. The caller comes from an API
token (``Authorization: Bearer jsl_...``) or the signed session cookie. :func:`check_routes` is run
by the app factory and refuses to start an app with a route without exactly one policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException
from fastapi.routing import APIRoute
from itsdangerous import BadSignature, TimestampSigner
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request

try:  # FastAPI >= 0.16x nests included routers; this walks them
    from fastapi.routing import iter_route_contexts as _iter_route_contexts
except ImportError:  # pragma: no cover - older FastAPI flattens app.routes itself
    _iter_route_contexts = None  # type: ignore[assignment]

from jasyl.store.users import ROLE_RANK, ROLES, Account, session_account, token_account

__all__ = ["Policy", "public", "signed_in", "require", "require_any", "LoginRequired", "current_account",
           "SESSION_COOKIE", "session_signer", "route_policy", "check_routes", "is_api_path", "client_of",
           "iter_routes", "RouteInfo"]

SESSION_COOKIE = "jasyl_session"


class LoginRequired(Exception):
    """Raised for an anonymous caller of a protected route (turned into 303 or 401)."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def client_of(request: HTTPConnection) -> str:
    """The caller's address (as uvicorn saw it, proxy headers included when enabled)."""
    return request.client.host if request.client else ""


def session_signer(secret_key: str) -> TimestampSigner:
    return TimestampSigner(secret_key, salt="jasyl.session")


def current_account(request: Request) -> Account | None:
    """The caller's account from a bearer token or the session cookie (cached on the request)."""
    if hasattr(request.state, "account"):
        return request.state.account  # type: ignore[no-any-return]
    account: Account | None = None
    app_state = request.app.state
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        account = token_account(app_state.engine, auth[7:].strip())
        request.state.auth_method = "token" if account else "bad-token"
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            try:
                session_id = session_signer(app_state.settings.secret_key).unsign(
                    cookie, max_age=int(app_state.settings.session_hours * 3600)).decode("ascii")
            except (BadSignature, UnicodeDecodeError):
                session_id = ""
            if session_id:
                account = session_account(app_state.engine, session_id)
                request.state.session_id = session_id if account else None
        request.state.auth_method = "session" if account else None
    request.state.account = account
    return account


class Policy:
    """A route's access rule (see the module docstring)."""

    def __init__(self, name: str, role: str | None, scope: str) -> None:
        if role is not None and role not in ROLE_RANK:
            raise ValueError(f"unknown role {role!r}; roles are {ROLES}")
        self.name = name
        self.role = role
        self.scope = scope  # "public" | "signed_in" | "city" | "any"

    def __repr__(self) -> str:
        return f"Policy({self.name})"

    def _deny_anonymous(self, request: Request) -> None:
        if is_api_path(request.url.path):
            raise HTTPException(status_code=401, detail="authentication required",
                                headers={"WWW-Authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired("/login?next=" + quote(target, safe=""))

    def city_of(self, request: Request) -> str:
        settings = request.app.state.settings
        city = request.path_params.get("city")
        if city is None:
            return str(settings.default_city)
        if city not in settings.cities:
            raise HTTPException(status_code=404, detail=f"no city '{city}' here")
        return str(city)

    async def __call__(self, request: Request) -> Account | None:
        # the account lookup touches the database: off the event loop, and only when there are credentials
        if request.cookies.get(SESSION_COOKIE) or request.headers.get("authorization"):
            account = await run_in_threadpool(current_account, request)
        else:
            request.state.account = account = None
            request.state.auth_method = None
        if self.scope == "public":
            # still validate a {city} in the path, so /nowhere/air is a 404, not a page
            if "city" in request.path_params:
                self.city_of(request)
            return account
        if account is None:
            if getattr(request.state, "auth_method", None) == "bad-token":
                raise HTTPException(status_code=401, detail="invalid or expired API token",
                                    headers={"WWW-Authenticate": "Bearer"})
            self._deny_anonymous(request)
            raise AssertionError("unreachable")
        if self.scope == "signed_in":
            return account
        assert self.role is not None
        if self.scope == "city":
            city = self.city_of(request)
            if not account.has_role(self.role, city):
                raise HTTPException(status_code=403, detail=f"needs the role '{self.role}' for {city}")
            request.state.city = city
            return account
        if not account.cities_with(self.role):  # scope "any"
            raise HTTPException(status_code=403, detail=f"needs the role '{self.role}'")
        return account


public = Policy("public", None, "public")
signed_in = Policy("signed_in", None, "signed_in")
_CACHE: dict[tuple[str, str], Policy] = {}


def require(role: str) -> Policy:
    """At least ``role`` on the route's city."""
    return _CACHE.setdefault(("city", role), Policy(f"require({role})", role, "city"))


def require_any(role: str) -> Policy:
    """At least ``role`` on some city."""
    return _CACHE.setdefault(("any", role), Policy(f"require_any({role})", role, "any"))


def _policies(dependant: Any) -> list[Policy]:
    found: list[Policy] = []
    for dep in dependant.dependencies:
        if isinstance(dep.call, Policy):
            found.append(dep.call)
        found.extend(_policies(dep))
    return found


def route_policy(route: APIRoute) -> Policy | None:
    """The one policy a route declares (``None`` if it declares none or several)."""
    found = {id(p): p for p in _policies(route.dependant)}
    return next(iter(found.values())) if len(found) == 1 else None


@dataclass(frozen=True)
class RouteInfo:
    """One route of the app as served: full path, methods and the route object as declared."""

    path: str
    methods: frozenset[str]
    route: Any

    @property
    def policy(self) -> Policy | None:
        return route_policy(self.route) if isinstance(self.route, APIRoute) else None


def iter_routes(routes: Sequence[Any]) -> list[RouteInfo]:
    """The app's routes flattened (FastAPI >= 0.16x keeps included routers nested)."""
    out: list[RouteInfo] = []
    if _iter_route_contexts is not None:
        for ctx in _iter_route_contexts(list(routes)):
            path = ctx.path
            if path is None:
                continue
            out.append(RouteInfo(path=str(path), methods=frozenset(ctx.methods or ()), route=ctx.original_route))
        return out
    for route in routes:  # older FastAPI: included routes are copied into app.routes
        path = getattr(route, "path", None)
        if path is not None:
            out.append(RouteInfo(path=str(path), methods=frozenset(getattr(route, "methods", None) or ()),
                                 route=route))
    return out


def check_routes(routes: Sequence[Any]) -> None:
    """Refuse routes that declare no policy or more than one (deny by default)."""
    bad = []
    seen = 0
    for info in iter_routes(routes):
        if isinstance(info.route, APIRoute):
            seen += 1
            found = {id(p): p for p in _policies(info.route.dependant)}
            if len(found) != 1:
                bad.append(f"{','.join(sorted(info.methods))} {info.path}: {len(found)} policies")
    if seen == 0:
        raise RuntimeError("no API routes found: jasyl.web.access.iter_routes does not understand this FastAPI")
    if bad:
        raise RuntimeError("every route must declare exactly one access policy (jasyl.web.access): "
                           + "; ".join(bad))
