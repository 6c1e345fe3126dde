"""Server-rendered pages: one Jinja2 environment (autoescaped) and :func:`render`.

Every template gets: ``request``, ``lang``, ``_`` (translate a catalogue key), ``num`` (number in the
page's language), ``csrf_field()`` / ``csrf_token``, ``user`` (the account or ``None``), ``city``
(the page's city id), ``cities``, ``lang_links`` (the same page in kk/ru/en), ``static(path)``
(versioned URL of a file under ``static/``) and ``has_role(role)``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from jasyl.store.users import ROLE_RANK, Account
from jasyl.web.access import current_account
from jasyl.web.csrf import csrf_field, csrf_token
from jasyl.web.i18n import gettext_for, language_links, number_formatter, request_language
from jasyl.web.version import VERSION

__all__ = ["environment", "render", "render_string", "static_url", "TEMPLATE_DIRS", "STATIC_DIR", "NAV", "NavItem",
           "local_time", "LOCAL_TZ"]

LOCAL_TZ = ZoneInfo("Asia/Almaty")


@dataclass(frozen=True)
class NavItem:
    """A link of the main navigation: catalogue key, URL (``{city}`` is filled in), minimum role."""

    key: str
    url: str
    role: str | None = None
    order: int = 100


#: the main navigation; routers append their items (shown only to users with the role)
NAV: list[NavItem] = [NavItem("web.nav.admin", "/admin/users", "admin", order=900)]


def nav_items(user: Account | None, city: str) -> list[dict[str, str]]:
    out = []
    for item in sorted(NAV, key=lambda i: i.order):
        if item.role is not None:
            if user is None:
                continue
            if item.url.startswith("/admin"):
                if not user.cities_with(item.role):
                    continue
            elif not user.has_role(item.role, city):
                continue
        out.append({"key": item.key, "url": item.url.replace("{city}", city)})
    return out


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Naive-UTC (or aware) time as Asia/Almaty wall-clock text."""
    if value is None:
        return "–"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ).strftime(fmt)


def pretty_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)

STATIC_DIR = Path(str(resources.files("jasyl.web") / "static"))
#: template folders searched in order; other packages may prepend theirs
TEMPLATE_DIRS: list[Path] = [Path(str(resources.files("jasyl.web") / "templates"))]


@cache
def _file_version(path: str) -> str:
    file = STATIC_DIR / path
    try:
        return hashlib.sha256(file.read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def static_url(path: str) -> str:
    """``/static/<path>?v=<content hash>``: long-cacheable, refreshed when the file changes."""
    return f"/static/{path}?v={_file_version(path)}"


@cache
def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader([str(d) for d in TEMPLATE_DIRS])]),
        autoescape=select_autoescape(["html", "xml", "svg"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static"] = static_url
    env.globals["local_time"] = local_time
    env.globals["nav_items"] = nav_items
    env.globals["version"] = VERSION
    env.globals["ROLE_RANK"] = ROLE_RANK
    env.filters["pretty_json"] = pretty_json
    return env


def _context(request: Request, extra: dict[str, Any]) -> dict[str, Any]:
    lang = request_language(request)
    account = current_account(request)
    settings = request.app.state.settings
    city = getattr(request.state, "city", None) or request.path_params.get("city") or settings.default_city
    ctx: dict[str, Any] = {
        "request": request,
        "lang": lang,
        "_": gettext_for(lang),
        "num": number_formatter(lang),
        "csrf_token": csrf_token(request),
        "csrf_field": lambda: csrf_field(request),
        "user": account,
        "city": city,
        "cities": settings.cities,
        "lang_links": language_links(request),
        "has_role": lambda role, c=None: bool(account and account.has_role(role, c or city)),
        "path": request.url.path,
    }
    ctx.update(extra)
    return ctx


def render(request: Request, template: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    """Render ``template`` with the page context; the answer is HTML in the request's language."""
    html = environment().get_template(template).render(_context(request, context or {}))
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    response.headers["Content-Language"] = request_language(request)
    return response


def render_string(request: Request, template: str, context: dict[str, Any] | None = None) -> Markup:
    """A fragment (for htmx swaps or composing pages), autoescaped like any page."""
    return Markup(environment().get_template(template).render(_context(request, context or {})))
