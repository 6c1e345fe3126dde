"""The FastAPI application factory of ``jasyl serve``.

``create_app(settings)`` builds one app: the store (opened, never silently filled with demo data),
the routers of :data:`ROUTERS`, security middleware and error pages. uvicorn runs it as
``uvicorn --factory jasyl.web.app:create_app`` (this is what ``jasyl serve`` does), so every worker
builds its own app from the same environment.

Adding a page: write ``jasyl/web/routers/<area>.py`` with ``router = APIRouter()``, give every route
one access policy (:mod:`jasyl.web.access`), add the module to :data:`ROUTERS` and its routes to the
role matrix in ``tests/web/role_matrix.py``.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import ModuleType
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jasyl.errors import InputError, JasylError
from jasyl.planning.jobs import JobManager
from jasyl.store.engine import database_problem, open_store
from jasyl.web import access, csrf
from jasyl.web.cache import TTLCache
from jasyl.web.i18n import LANG_COOKIE, WEB_LANGUAGES, request_language
from jasyl.web.routers import (
    admin,
    air,
    api,
    api_jobs,
    api_pages,
    auth,
    city_pages,
    home,
    inspection,
    pages_data,
    tracking,
    workspace,
)
from jasyl.web.settings import WebSettings
from jasyl.web.templating import STATIC_DIR, render
from jasyl.web.uploads import UploadStore, UploadTooLarge
from jasyl.web.version import VERSION as __version__

__all__ = ["create_app", "ROUTERS", "STARTUP_HOOKS", "BUILTIN_HOOKS", "CSP", "security_headers", "start_job_manager"]

_log = logging.getLogger("jasyl.web")

#: router modules, in the order their routes are matched (each has ``router``)
ROUTERS: list[ModuleType] = [auth, api, api_pages, api_jobs, admin, air, inspection, tracking, workspace, city_pages,
                             home]

#: called with the app once it is built (in each worker), e.g. to start warming a cache or submit
#: the default city's plan as a background job; must return at once
STARTUP_HOOKS: list[Callable[[FastAPI], None]] = [pages_data.start_jobs, air.warm_air_pages]

def start_job_manager(app: FastAPI) -> None:
    """Start-up hook: this worker's job manager for long jobs (plans, trade-off curves, sweeps).

    One per uvicorn worker; it connects to ``DASK_SCHEDULER_ADDRESS`` when set, else starts a local
    Dask cluster lazily on the first job. Job folders are under ``JASYL_WEB_DATA/jobs`` (any worker
    can read any job's status from there)."""
    if getattr(app.state, "jobs", None) is None:
        app.state.jobs = JobManager(root=app.state.settings.jobs_dir)


#: start-up hooks of the core (the job manager, then warming the status caches in the background)
BUILTIN_HOOKS: list[Callable[[FastAPI], None]] = [start_job_manager, api.warm_caches]

#: Content-Security-Policy: no inline script, nothing from other origins
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
       "frame-ancestors 'none'")


def security_headers(response: Response, *, private: bool, https: bool = False) -> None:
    headers = response.headers
    if https:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if private and "cache-control" not in headers:
        headers["Cache-Control"] = "no-store"


class _Static(StaticFiles):
    """Static files, cacheable for a year when asked for with their content version (``?v=``)."""

    async def get_response(self, path: str, scope: Any) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            query = scope.get("query_string", b"")
            response.headers["Cache-Control"] = ("public, max-age=31536000, immutable" if b"v=" in query
                                                 else "public, max-age=3600")
        return response


class _HeadersMiddleware:
    """Pure ASGI middleware (no BaseHTTPMiddleware overhead): security headers, CSRF and language cookies."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                response = Response(status_code=message["status"])
                response.raw_headers = list(message.get("headers", []))
                csrf.set_csrf_cookie(request, response)
                lang = request.query_params.get("lang")
                if lang in WEB_LANGUAGES and request.cookies.get(LANG_COOKIE) != lang:
                    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True,
                                        secure=self.settings.secure_cookies, path="/")
                state = scope.get("state", {})
                private = bool(state.get("account")) or request.method != "GET"
                security_headers(response, private=private, https=self.settings.secure_cookies)
                path = scope.get("path", "")
                if "content-language" not in response.headers and not path.startswith("/static/"):
                    response.headers["Content-Language"] = request_language(request)
                if not path.startswith("/static/"):
                    response.headers.setdefault("Vary", "Cookie, Accept-Language")
                message = {**message, "headers": response.raw_headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _wants_json(request: Request) -> bool:
    return access.is_api_path(request.url.path) or "application/json" in request.headers.get("accept", "")


def _error(request: Request, status: int, message: str, fix: str | None = None,
           headers: dict[str, str] | None = None) -> Response:
    if _wants_json(request):
        body: dict[str, Any] = {"error": message}
        if fix:
            body["fix"] = fix
        return JSONResponse(body, status_code=status, headers=headers)
    return render(request, "error.html", {"status": status, "message": message, "fix": fix},
                  status_code=status, headers=headers)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(access.LoginRequired)
    async def _login(request: Request, exc: access.LoginRequired) -> Response:
        return RedirectResponse(exc.next_url, status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        detail = "page not found" if exc.status_code == 404 and exc.detail == "Not Found" else str(exc.detail)
        return _error(request, exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()) if p != 'body')}: {e.get('msg')}"
                             for e in exc.errors()[:5])
        return _error(request, 422, f"invalid request: {problems}")

    @app.exception_handler(UploadTooLarge)
    async def _too_large(request: Request, exc: UploadTooLarge) -> Response:
        return _error(request, 413, exc.message, exc.fix)

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> Response:
        return _error(request, 400, exc.message, exc.fix)

    @app.exception_handler(JasylError)
    async def _jasyl(request: Request, exc: JasylError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        problem = database_problem(exc, None, during="this request")
        if problem is not None:  # busy, read-only, full or unreachable database: say so, 503, try later
            _log.warning("database problem on %s %s: %s", request.method, request.url.path, exc)
            return _error(request, 503, problem.message, problem.fix, headers={"Retry-After": "30"})
        _log.exception("internal error on %s %s", request.method, request.url.path)
        return _error(request, 500, "internal error: the server log has the details")


def create_app(settings: WebSettings | None = None, *, engine: Any = None) -> FastAPI:
    """Build the web app (``engine`` may be given by tests; otherwise the store of ``settings``)."""
    settings = settings or WebSettings.from_env()
    engine = engine if engine is not None else open_store(settings.db_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        for hook in [*BUILTIN_HOOKS, *STARTUP_HOOKS]:
            try:
                hook(app)
            except Exception:  # noqa: BLE001 - a failing warm-up must not stop the server
                _log.exception("start-up hook %s failed", getattr(hook, "__name__", hook))
        yield
        jobs = getattr(app.state, "jobs", None)
        if jobs is not None and hasattr(jobs, "close"):
            jobs.close()

    limits: dict[str, Any] = {}
    if "max_body_size" in inspect.signature(FastAPI.__init__).parameters:
        # refuse oversized bodies before any parsing (uploads: their limit + room for the form around them)
        limits["max_body_size"] = settings.upload_max_bytes + 1024 * 1024
    app = FastAPI(title="jasyl", version=__version__, description="Green City platform: JSON API (v1)",
                  docs_url=None, redoc_url=None, openapi_url="/api/openapi.json", lifespan=lifespan,
                  dependencies=[Depends(csrf.csrf_protect)], **limits)
    app.state.settings = settings
    app.state.engine = engine
    app.state.cache = TTLCache()
    app.state.uploads = UploadStore(settings.upload_dir, settings.upload_max_bytes)
    app.state.jobs = None  # set at start-up by start_job_manager (tests without a lifespan keep None)

    for module in ROUTERS:
        app.include_router(module.router)
    access.check_routes(app.routes)
    app.mount("/static", _Static(directory=STATIC_DIR), name="static")
    _install_handlers(app)

    app.add_middleware(_HeadersMiddleware, settings=settings)
    return app
