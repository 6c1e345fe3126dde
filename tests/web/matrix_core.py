"""Role matrix entries of the platform core (web-core): log in, admin, API framework, docs, static."""

from __future__ import annotations

from tests.web.conftest import CITY, PASSWORD
from tests.web.role_matrix import Case, public, role, signed_in

MATRIX: dict[str, Case] = {
    "GET /": public(303),
    "GET /login": public(),
    "POST /login": public(200, data={"username": "nobody", "password": "wrong-password", "next": "/"},
                          text_fields=("username", "next"),  # each password try costs an Argon2 hash
                          audited=False, note="log-in attempts go to login_attempts, not the audit log"),
    "POST /logout": signed_in(ok=303, audited=False, note="ends a session, changes no data"),
    "GET /admin": role("admin", ok=303),
    "GET /admin/users": role("admin"),
    "POST /admin/users": role("admin", ok=303, data={"username": "newuser", "display_name": "New User",
                                                      "password": PASSWORD, "city": CITY, "role": "viewer"}),
    "GET /admin/users/{user_id}": role("admin"),
    "POST /admin/users/{user_id}/role": role("admin", ok=303, data={"city": CITY, "role": "analyst"}),
    "POST /admin/users/{user_id}/active": role("admin", ok=303, data={"active": "0"}),
    "POST /admin/users/{user_id}/password": role("admin", ok=303, data={"password": "another-password-1"}),
    "POST /admin/users/{user_id}/tokens": role("admin", data={"name": "report bot", "days": "30"}),
    "POST /admin/tokens/{token_id}/revoke": role("admin", ok=303, data={}),
    "GET /admin/audit": role("admin", query="action=user.&username=&page=1"),
    "GET /admin/audit.csv": role("admin"),
    "GET /api/v1/health": public(),
    "GET /api/v1/status": public(),
    "GET /api/v1/monitoring/status": public(),
    "GET /api/v1/me": signed_in(api=True),
    "GET /api/v1/admin/users": role("admin", api=True),
    "GET /api/v1/admin/audit": role("admin", api=True, query="limit=5"),
    "GET /api/docs": public(),
    "GET /api/openapi.json": public(),
    "GET /static/{path}": public(),
}
