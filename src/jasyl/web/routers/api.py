"""The JSON API under ``/api/v1`` (OpenAPI at ``/api/openapi.json``, docs at ``/api/docs``).

Same roles as the pages; callers authenticate with the session cookie or an API token
(``Authorization: Bearer jsl_...``, made by an admin at ``/admin/users/<id>``). Anonymous callers
of a protected endpoint get 401, callers without the role 403. Other routers add their own
endpoints with ``APIRouter(prefix="/api/v1/...", tags=[...])``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from jasyl.monitoring.setup import counts
from jasyl.monitoring.status import status as monitoring_status
from jasyl.store.audit import read_audit
from jasyl.store.users import Account, list_accounts
from jasyl.store.versions import monitoring_version
from jasyl.web.access import public, require_any, signed_in
from jasyl.web.routers.admin import audit_scope, can_manage
from jasyl.web.templating import render
from jasyl.web.version import VERSION

__all__ = ["router", "monitoring_cached", "warm_caches", "MONITORING_TTL_S"]

router = APIRouter()
_v1 = APIRouter(prefix="/api/v1")
docs_router = APIRouter(include_in_schema=False)
_STARTED = time.time()


class Health(BaseModel):
    status: str
    database: str


class StoreInfo(BaseModel):
    backend: str
    sites: int
    sources: int
    measurements: int
    demo_rows: int


class Status(BaseModel):
    version: str
    uptime_s: float
    cities: list[str]
    default_city: str
    store: StoreInfo


class Me(BaseModel):
    id: int
    username: str
    display_name: str
    roles: dict[str, str]
    auth: str


def _ping(engine: Any) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")


#: the monitoring status reads up to a year of every site's data (tens of seconds for 1 M rows): every
#: MONITORING_TTL_S a worker asks the store's cheap fingerprint (jasyl.store.versions) and recomputes, in
#: the background, only when the data changed
MONITORING_TTL_S = 15.0


def _counts(engine: Any) -> dict[str, int]:
    return counts(engine)


def _monitoring(engine: Any) -> dict[str, Any]:
    out = dict(monitoring_status(engine))
    out.pop("database", None)  # the store URL is for admins and the CLI, not the public
    return out


def _monitoring_entry(app: Any) -> tuple[dict[str, Any], bytes]:
    """The monitoring status and its JSON encoding (tens of kB: encoding it per request would cost more than
    everything else the request does), cached together."""
    state = app.state

    def compute() -> tuple[dict[str, Any], bytes]:
        value = _monitoring(state.engine)
        return value, json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    entry: tuple[dict[str, Any], bytes] = state.cache.get(
        ("monitoring-status",), compute, MONITORING_TTL_S, version=lambda: monitoring_version(state.engine))
    return entry


def monitoring_cached(app: Any) -> dict[str, Any]:
    """The monitoring status from the worker's cache (shared by the API and any page that shows it)."""
    return _monitoring_entry(app)[0]


def warm_caches(app: Any) -> None:
    """Start-up hook: compute the status answers in a background thread, so no visitor waits for them."""
    state = app.state

    def run() -> None:
        try:
            state.cache.get(("status-counts",), lambda: _counts(state.engine), state.settings.public_cache_s)
            _monitoring_entry(app)
        except Exception:  # noqa: BLE001 - the request path computes (and reports) it again
            logging.getLogger("jasyl.web").exception("warming the status caches failed")

    threading.Thread(target=run, name="jasyl-warm", daemon=True).start()


@_v1.get("/health", response_model=Health, tags=["status"])
async def health(request: Request, response: Response, user: Account | None = Depends(public)) -> Health:
    """Liveness and database reachability (503 when the store does not answer)."""
    engine = request.app.state.engine
    try:
        await run_in_threadpool(_ping, engine)
    except Exception:  # noqa: BLE001 - report, do not crash
        response.status_code = 503
        return Health(status="error", database="unreachable")
    return Health(status="ok", database="ok")


@_v1.get("/status", response_model=Status, tags=["status"])
async def platform_status(request: Request, user: Account | None = Depends(public)) -> Status:
    """Version, uptime, cities served and what the store holds (cached for a few seconds)."""
    state = request.app.state
    engine = state.engine

    numbers = await run_in_threadpool(state.cache.get, ("status-counts",), lambda: _counts(engine),
                                      state.settings.public_cache_s)
    return Status(version=VERSION, uptime_s=round(time.time() - _STARTED, 1), cities=list(state.settings.cities),
                  default_city=state.settings.default_city,
                  store=StoreInfo(backend=engine.dialect.name,
                                  sites=numbers["sites"], sources=numbers["sources"],
                                  measurements=numbers["measurements"],
                                  demo_rows=numbers["sites_demo"] + numbers["sources_demo"]
                                  + numbers["measurements_demo"]))


@_v1.get("/monitoring/status", tags=["monitoring"], response_model=dict[str, Any])
async def monitoring(request: Request, user: Account | None = Depends(public)) -> Response:
    """Per site: latest values (with averaging period), indices, exceedances, open alerts; sources.

    The same JSON as ``jasyl monitor status --format json`` (without the store address), recomputed in
    the background when the data changed (checked every 15 s per worker). Rows marked ``"label": "DEMO"``
    are demonstration data.
    """
    _value, body = await run_in_threadpool(_monitoring_entry, request.app)
    return Response(body, media_type="application/json")


@_v1.get("/me", response_model=Me, tags=["accounts"])
def me(request: Request, user: Account = Depends(signed_in)) -> Me:
    """The caller's account and roles per city."""
    return Me(id=user.id, username=user.username, display_name=user.display_name, roles=dict(user.roles),
              auth=str(getattr(request.state, "auth_method", "") or ""))


@_v1.get("/admin/users", tags=["admin"])
def api_users(request: Request, user: Account = Depends(require_any("admin"))) -> list[dict[str, Any]]:
    """Accounts the caller administers, with their roles per city."""
    return [{"id": a.id, "username": a.username, "display_name": a.display_name, "active": a.active,
             "roles": dict(a.roles), "last_login_utc": a.last_login_at.isoformat() + "Z" if a.last_login_at else None}
            for a in list_accounts(request.app.state.engine) if can_manage(user, a)]


@_v1.get("/admin/audit", tags=["admin"])
def api_audit(request: Request, action: str = "", username: str = "", limit: int = Query(100, ge=1, le=1000),
              offset: int = Query(0, ge=0), user: Account = Depends(require_any("admin"))) -> list[dict[str, Any]]:
    """Audit entries, newest first (read only; the log cannot be edited)."""
    return [e.as_dict() for e in read_audit(request.app.state.engine, cities=audit_scope(user),
                                            action=action or None, username=username or None,
                                            limit=limit, offset=offset)]


@docs_router.get("/api/docs")
def api_docs(request: Request, user: Account | None = Depends(public)) -> Response:
    """Swagger UI from the vendored swagger-ui-dist (no CDN, no inline script)."""
    return render(request, "api_docs.html", {})


router.include_router(_v1)
router.include_router(docs_router)
