"""The ROLE MATRIX: what every route of the web app answers to each kind of caller.

Every route of ``create_app()`` (each method of each path, static files and the OpenAPI document
included) must have an entry; ``test_role_matrix.py`` fails for a route without one and for an entry
without a route. Entries live in ``tests/web/matrix_<area>.py`` files (one per area/owner, each
defining ``MATRIX: dict[str, Case]``) and are merged here.

Key: ``"METHOD /path/{template}"`` exactly as the route is declared. Principals, in the order the
test calls them (admin last, so that a successful write by a higher role cannot change what a
lower one sees): anonymous, viewer, analyst, inspector, admin (each the role on konaev).

    MATRIX = {
        "GET /{city}/air": public(),                          # 200 for everyone
        "GET /{city}/workspace": role("analyst"),             # 303 anon, 403 viewer, 200 analyst+
        "POST /{city}/sources": role("inspector", ok=303, data={"name": "x", ...}),
        "GET /api/v1/{city}/jobs": role("analyst", api=True), # 401 anon
    }

Path parameters default to ``SAMPLES`` (``{city}`` -> konaev, ``{user_id}`` -> the viewer's id, ...);
a case may give its own ``params`` (values may be callables taking the WebEnv). POST cases send
``data`` as a form with a valid CSRF token (``json`` / ``files`` also possible); when such a request
succeeds (200/303) the audit log must have grown, unless the case says ``audited=False``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.web import conftest

PRINCIPAL_NAMES: tuple[str, ...] = ("anonymous", "viewer", "analyst", "inspector", "admin")
_RANK = {"viewer": 1, "analyst": 2, "inspector": 3, "admin": 4}


@dataclass(frozen=True)
class Case:
    expect: Mapping[str, int]
    params: Mapping[str, Any] = field(default_factory=dict)
    query: str = ""
    data: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None
    json: Any = None
    files: Mapping[str, Any] | None = None
    #: text fields of ``data`` that the injection test fills with hostile strings (default: all str fields)
    text_fields: tuple[str, ...] | None = None
    #: a successful state-changing request must add an audit entry (False only for log in / log out and
    #: requests that store nothing; say why in ``note``)
    audited: bool = True
    note: str = ""

    def status_for(self, principal: str) -> int:
        return self.expect[principal]


def public(status: int = 200, **kw: Any) -> Case:
    """Everyone gets ``status``."""
    return Case(expect={p: status for p in PRINCIPAL_NAMES}, **kw)


def role(min_role: str, *, ok: int = 200, api: bool = False, **kw: Any) -> Case:
    """At least ``min_role`` gets ``ok``; lower roles 403; anonymous 303 (HTML) or 401 (``api``)."""
    expect = {"anonymous": 401 if api else 303}
    for principal in PRINCIPAL_NAMES[1:]:
        expect[principal] = ok if _RANK[principal] >= _RANK[min_role] else 403
    return Case(expect=expect, **kw)


def signed_in(*, ok: int = 200, api: bool = False, **kw: Any) -> Case:
    """Any account gets ``ok``; anonymous 303 (HTML) or 401 (``api``)."""
    return role("viewer", ok=ok, api=api, **kw)


#: default path parameter values (a callable gets the WebEnv)
SAMPLES: dict[str, Any] = {
    "city": conftest.CITY,
    "user_id": lambda env: env.ids["viewer"],
    "token_id": lambda env: env.token_id,
    "path": "css/jasyl.css",
}


def all_entries() -> dict[str, Case]:
    """Every ``MATRIX`` of the ``tests/web/matrix_*.py`` modules (a key defined twice is an error)."""
    import tests.web as package

    merged: dict[str, Case] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if not info.name.startswith("matrix_"):
            continue
        module = importlib.import_module(f"tests.web.{info.name}")
        for key, case in module.MATRIX.items():
            if key in merged:
                raise ValueError(f"role matrix: {key} defined twice (again in {info.name})")
            merged[key] = case
    return merged


def fill_path(template: str, case: Case, env: Any) -> str:
    path = template
    while "{" in path:
        start = path.index("{")
        end = path.index("}", start)
        name = path[start + 1:end].split(":")[0]
        value = case.params.get(name, SAMPLES.get(name))
        if value is None:
            raise KeyError(f"role matrix: no sample value for path parameter {{{name}}} in {template}")
        if callable(value):
            value = value(env)
        path = path[:start] + str(value) + path[end + 1:]
    return path


def case_data(case: Case) -> dict[str, Any]:
    """The form of a POST case (``data`` may be a callable that makes a fresh form per call, e.g. a
    unique name, so that a second principal's write is not refused as a duplicate)."""
    data = case.data() if callable(case.data) else case.data
    return dict(data or {})


def request(env: Any, client: Any, method: str, template: str, case: Case,
            data_override: Mapping[str, Any] | None = None, csrf: bool | str = True) -> Any:
    """Send the case's request with ``client`` (CSRF token added to forms unless ``csrf`` is False)."""
    url = fill_path(template, case, env) + (f"?{case.query}" if case.query else "")
    if method in ("GET", "HEAD"):
        return client.request(method, url)
    data = case_data(case) if data_override is None else dict(data_override)
    headers = {}
    if csrf is True:
        token = env.csrf(client)
        if case.json is not None:
            headers["X-CSRF-Token"] = token
        else:
            data["csrf_token"] = token
    elif isinstance(csrf, str):
        data["csrf_token"] = csrf
    if case.json is not None:
        body = case.json() if callable(case.json) else case.json
        return client.request(method, url, json=body, headers=headers)
    files: Callable[[], Any] | Any = case.files
    if callable(files):
        files = files()
    return client.request(method, url, data=data, files=files, headers=headers)
