"""CSRF protection for every state-changing request (signed double-submit token).

A random token lives in the signed, HTTP-only, SameSite=Lax cookie ``jasyl_csrf``. Pages put the
same token into every form (``{{ csrf_field() }}``) and htmx sends it as the ``X-CSRF-Token`` header
(``hx-headers`` on ``<body>``). :func:`csrf_protect` is an app-wide dependency: a POST, PUT, PATCH or
DELETE whose form field / header does not match the cookie is refused with 403, as is one that the
browser marks as cross-site. Calls authenticated only by an API token (no cookies) are exempt: a
browser never attaches that header on its own. The token is replaced at log in and log out.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import HTTPException
from itsdangerous import BadSignature, Signer
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response

__all__ = ["CSRF_COOKIE", "CSRF_FIELD", "CSRF_HEADER", "csrf_token", "csrf_field", "csrf_protect",
           "set_csrf_cookie", "rotate_csrf", "UNSAFE_METHODS"]

CSRF_COOKIE = "jasyl_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _signer(request: Request) -> Signer:
    return Signer(request.app.state.settings.secret_key, salt="jasyl.csrf")


def _cookie_token(request: Request) -> str | None:
    raw = request.cookies.get(CSRF_COOKIE)
    if not raw:
        return None
    try:
        return _signer(request).unsign(raw).decode("ascii")
    except (BadSignature, UnicodeDecodeError):
        return None


def csrf_token(request: Request) -> str:
    """The request's token; a new one is made (and set as cookie by the middleware) if needed."""
    new = getattr(request.state, "new_csrf", None)
    if new:
        return str(new)
    token = _cookie_token(request)
    if token is None:
        token = secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def rotate_csrf(request: Request) -> str:
    """A fresh token (at log in / log out), set on the response by the middleware."""
    token = secrets.token_urlsafe(32)
    request.state.new_csrf = token
    return token


def csrf_field(request: Request) -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, escape(csrf_token(request)))


def set_csrf_cookie(request: Request, response: Response) -> None:
    token = getattr(request.state, "new_csrf", None)
    if not token:
        return
    response.set_cookie(CSRF_COOKIE, _signer(request).sign(token).decode("ascii"), httponly=True, samesite="lax",
                        secure=bool(request.app.state.settings.secure_cookies), path="/")


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: refuse a state-changing request without the right token."""
    if request.method not in UNSAFE_METHODS:
        return
    has_cookies = bool(request.cookies)
    if request.headers.get("authorization", "")[:7].lower() == "bearer " and not has_cookies:
        return
    if request.headers.get("sec-fetch-site", "") == "cross-site":
        raise HTTPException(status_code=403, detail="cross-site request refused")
    expected = _cookie_token(request)
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else ""
    if not expected or not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token: reload the page and try again")
