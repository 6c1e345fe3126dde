"""Administration (role admin): accounts, roles per city, API tokens, and the audit log (read only).

An admin of some cities manages the accounts whose roles lie within those cities and grants roles
only there; an admin on every city (``*``) manages everyone. No route changes the audit log.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException
from fastapi.responses import RedirectResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from jasyl.errors import InputError
from jasyl.store.audit import count_audit, read_audit
from jasyl.store.users import (
    ALL_CITIES,
    ROLES,
    Account,
    create_token,
    create_user,
    get_account,
    list_accounts,
    list_tokens,
    revoke_token,
    set_active,
    set_password,
    set_role,
)
from jasyl.web.access import require_any
from jasyl.web.audit import client_label
from jasyl.web.templating import render

__all__ = ["router", "admin_cities", "can_manage", "audit_scope"]

router = APIRouter(prefix="/admin", include_in_schema=False)
admin_only = require_any("admin")
PAGE = 50


def admin_cities(admin: Account, request: Request) -> list[str]:
    """Cities the admin may grant roles on (``*`` first for an admin on every city)."""
    cities = admin.cities_with("admin")
    served = list(request.app.state.settings.cities)
    if ALL_CITIES in cities:
        return [ALL_CITIES, *served]
    return [c for c in served if c in cities]


def can_manage(admin: Account, target: Account) -> bool:
    mine = set(admin.cities_with("admin"))
    if ALL_CITIES in mine:
        return True
    return ALL_CITIES not in target.roles and set(target.roles) <= mine


def audit_scope(admin: Account) -> list[str] | None:
    """Cities whose audit entries the admin reads (``None`` = all entries)."""
    mine = admin.cities_with("admin")
    return None if ALL_CITIES in mine else mine


def _target(request: Request, admin: Account, user_id: int) -> Account:
    target = get_account(request.app.state.engine, user_id)
    if target is None:
        raise HTTPException(status_code=404, detail=f"no user with id {user_id}")
    if not can_manage(admin, target):
        raise HTTPException(status_code=403, detail="this account has roles outside the cities you administer")
    return target


def _users_page(request: Request, admin: Account, *, error: InputError | None = None,
                form: dict[str, str] | None = None, status_code: int = 200) -> Response:
    engine = request.app.state.engine
    accounts = [a for a in list_accounts(engine) if can_manage(admin, a)]
    return render(request, "admin/users.html", {
        "accounts": accounts, "roles": ROLES, "grant_cities": admin_cities(admin, request), "error": error,
        "form": form or {"username": "", "display_name": "", "city": "", "role": "viewer"}},
        status_code=status_code)


@router.get("")
def admin_home(request: Request, user: Account = Depends(admin_only)) -> Response:
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/users")
def users(request: Request, user: Account = Depends(admin_only)) -> Response:
    return _users_page(request, user)


@router.post("/users")
def add_user(request: Request, username: str = Form(""), display_name: str = Form(""), password: str = Form(""),
             city: str = Form(""), role: str = Form("viewer"), user: Account = Depends(admin_only)) -> Response:
    form = {"username": username, "display_name": display_name, "city": city, "role": role}
    try:
        if city not in admin_cities(user, request):
            raise InputError(f"you cannot grant roles on '{city}'", field="city",
                             fix="choose one of the cities you administer")
        created = create_user(request.app.state.engine, username.strip(), password, roles={city: role},
                              display_name=display_name.strip(), actor=user.actor, client=client_label(request))
    except InputError as exc:
        return _users_page(request, user, error=exc, form=form, status_code=400)
    return RedirectResponse(f"/admin/users/{created.id}", status_code=303)


def _user_page(request: Request, admin: Account, target: Account, *, error: InputError | None = None,
               new_token: str | None = None, status_code: int = 200) -> Response:
    tokens = list_tokens(request.app.state.engine, target.id)
    return render(request, "admin/user.html", {
        "target": target, "roles": ROLES, "grant_cities": admin_cities(admin, request), "tokens": tokens,
        "error": error, "new_token": new_token, "is_self": admin.id == target.id}, status_code=status_code)


@router.get("/users/{user_id}")
def user_detail(request: Request, user_id: int, user: Account = Depends(admin_only)) -> Response:
    return _user_page(request, user, _target(request, user, user_id))


@router.post("/users/{user_id}/role")
def user_role(request: Request, user_id: int, city: str = Form(""), role: str = Form(""),
              user: Account = Depends(admin_only)) -> Response:
    target = _target(request, user, user_id)
    try:
        if city not in admin_cities(user, request):
            raise InputError(f"you cannot grant roles on '{city}'", field="city",
                             fix="choose one of the cities you administer")
        set_role(request.app.state.engine, target.id, city, role or None, actor=user.actor,
                 client=client_label(request))
    except InputError as exc:
        return _user_page(request, user, target, error=exc, status_code=400)
    return RedirectResponse(f"/admin/users/{target.id}", status_code=303)


@router.post("/users/{user_id}/active")
def user_active(request: Request, user_id: int, active: str = Form(""),
                user: Account = Depends(admin_only)) -> Response:
    target = _target(request, user, user_id)
    if target.id == user.id:
        return _user_page(request, user, target, status_code=400, error=InputError(
            "you cannot disable your own account", field="active", fix="ask another admin"))
    set_active(request.app.state.engine, target.id, active == "1", actor=user.actor, client=client_label(request))
    return RedirectResponse(f"/admin/users/{target.id}", status_code=303)


@router.post("/users/{user_id}/password")
def user_password(request: Request, user_id: int, password: str = Form(""),
                  user: Account = Depends(admin_only)) -> Response:
    target = _target(request, user, user_id)
    try:
        set_password(request.app.state.engine, target.id, password, actor=user.actor, client=client_label(request))
    except InputError as exc:
        return _user_page(request, user, target, error=exc, status_code=400)
    return RedirectResponse(f"/admin/users/{target.id}", status_code=303)


@router.post("/users/{user_id}/tokens")
def user_token(request: Request, user_id: int, name: str = Form(""), days: int = Form(365),
               user: Account = Depends(admin_only)) -> Response:
    target = _target(request, user, user_id)
    secret, _info = create_token(request.app.state.engine, target.id, name, days=max(1, min(days, 3650)),
                                 actor=user.actor, client=client_label(request))
    return _user_page(request, user, target, new_token=secret)


@router.post("/tokens/{token_id}/revoke")
def token_revoke(request: Request, token_id: int, user: Account = Depends(admin_only)) -> Response:
    engine = request.app.state.engine
    token = next((t for t in list_tokens(engine) if t.id == token_id), None)
    if token is None:
        raise HTTPException(status_code=404, detail=f"no API token with id {token_id}")
    target = _target(request, user, token.user_id)
    revoke_token(engine, token_id, actor=user.actor, client=client_label(request))
    return RedirectResponse(f"/admin/users/{target.id}", status_code=303)


def _audit_filters(action: str, username: str) -> dict[str, Any]:
    return {"action": action.strip()[:60] or None, "username": username.strip()[:64] or None}


@router.get("/audit")
async def audit_log(request: Request, action: str = "", username: str = "", page: int = 1,
                    user: Account = Depends(admin_only)) -> Response:
    engine = request.app.state.engine
    page = max(1, min(page, 100_000))
    filters = _audit_filters(action, username)
    cities = audit_scope(user)
    entries = await run_in_threadpool(lambda: read_audit(engine, cities=cities, limit=PAGE,
                                                         offset=(page - 1) * PAGE, **filters))
    total = await run_in_threadpool(lambda: count_audit(engine, cities=cities, **filters))
    return render(request, "admin/audit.html", {
        "entries": entries, "total": total, "page": page, "pages": max(1, -(-total // PAGE)),
        "action": action, "username": username})


@router.get("/audit.csv")
async def audit_csv(request: Request, action: str = "", username: str = "",
                    user: Account = Depends(admin_only)) -> Response:
    engine = request.app.state.engine
    entries = await run_in_threadpool(lambda: read_audit(engine, cities=audit_scope(user), limit=10_000,
                                                         **_audit_filters(action, username)))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "at_utc", "username", "user_id", "action", "object_type", "object_id", "city",
                     "before", "after", "client"])
    for e in entries:
        d = e.as_dict()
        writer.writerow([_cell(d[k]) for k in ("id", "at_utc", "username", "user_id", "action", "object_type",
                                               "object_id", "city", "before", "after", "client")])
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="jasyl-audit.csv"'})


def _cell(value: Any) -> str:
    """CSV cell safe to open in a spreadsheet (no formula injection)."""
    text = value if isinstance(value, str) else ("" if value is None else json.dumps(value, ensure_ascii=False))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
