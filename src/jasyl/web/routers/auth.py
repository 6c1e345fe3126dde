"""Log in and log out (session cookie), with login rate limiting."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from jasyl.store.users import (
    Account,
    authenticate,
    create_session,
    delete_session,
    recent_failures,
    record_login_attempt,
)
from jasyl.web.access import SESSION_COOKIE, client_of, public, session_signer, signed_in
from jasyl.web.csrf import rotate_csrf
from jasyl.web.i18n import request_language
from jasyl.web.templating import render

__all__ = ["router", "safe_next"]

router = APIRouter(include_in_schema=False)


def safe_next(value: str | None, default: str = "/") -> str:
    """Only a local path may be a redirect target (no ``//host``, no scheme, no backslash)."""
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value or any(ord(c) < 32 for c in value):
        return default
    return value[:2000]


@router.get("/login")
def login_page(request: Request, next: str = "", user: Account | None = Depends(public)) -> Response:
    return render(request, "login.html", {"next": safe_next(next, ""), "error": None, "username": ""})


@router.post("/login")
async def login(request: Request, username: str = Form(""), password: str = Form(""), next: str = Form(""),
                user: Account | None = Depends(public)) -> Response:
    state = request.app.state
    settings = state.settings
    client = client_of(request)
    username = username.strip()[:64]
    ctx: dict[str, Any] = {"next": safe_next(next, ""), "username": username}
    _ = request_language(request)
    by_user, by_client = await run_in_threadpool(recent_failures, state.engine, username, client,
                                                 settings.login_window_s)
    if by_user >= settings.login_max_failures_user or by_client >= settings.login_max_failures_ip:
        minutes = max(1, settings.login_window_s // 60)
        return render(request, "login.html", {**ctx, "error": "web.login.too_many", "minutes": minutes},
                      status_code=429, headers={"Retry-After": str(settings.login_window_s)})
    account = await run_in_threadpool(authenticate, state.engine, username, password)
    await run_in_threadpool(record_login_attempt, state.engine, username, client, account is not None)
    if account is None:
        return render(request, "login.html", {**ctx, "error": "web.login.failed"}, status_code=200)
    session_id = await run_in_threadpool(create_session, state.engine, account.id, hours=settings.session_hours,
                                         client=client)
    response = RedirectResponse(safe_next(next, f"/{settings.default_city}/"), status_code=303)
    response.set_cookie(SESSION_COOKIE, session_signer(settings.secret_key).sign(session_id).decode("ascii"),
                        max_age=int(settings.session_hours * 3600), httponly=True, samesite="lax",
                        secure=settings.secure_cookies, path="/")
    rotate_csrf(request)
    return response


@router.post("/logout")
async def logout(request: Request, user: Account = Depends(signed_in)) -> Response:
    session_id = getattr(request.state, "session_id", None)
    if session_id:
        await run_in_threadpool(delete_session, request.app.state.engine, session_id)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    rotate_csrf(request)
    return response
