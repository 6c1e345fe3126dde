"""Language of a web request: ``?lang=`` -> the ``jasyl_lang`` cookie -> ``Accept-Language`` -> Kazakh.

The web offers the languages in the order Kazakh, Russian, English. Text comes from jasyl's YAML
catalogues (:mod:`jasyl.i18n`); web strings live in the ``web`` domain files
(``src/jasyl/i18n/web.<lang>.yaml``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from babel.core import negotiate_locale
from starlette.requests import Request

from jasyl.i18n import format_number, translate

__all__ = ["WEB_LANGUAGES", "DEFAULT_WEB_LANGUAGE", "LANG_COOKIE", "request_language", "gettext_for",
           "language_links", "LANGUAGE_NAMES"]

WEB_LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")
DEFAULT_WEB_LANGUAGE = "kk"
LANG_COOKIE = "jasyl_lang"
#: each language's own name, shown in the switcher
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def _from_accept_language(header: str) -> str | None:
    preferred: list[tuple[float, str]] = []
    for index, part in enumerate(header.split(",")[:20]):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:
            preferred.append((-quality + index * 1e-6, tag.strip().replace("_", "-")))
    tags = [tag for _, tag in sorted(preferred)]
    found = negotiate_locale(tags, list(WEB_LANGUAGES), sep="-")
    if found:
        return found
    for tag in tags:  # "ru-KZ" -> "ru"
        base = tag.split("-")[0].lower()
        if base in WEB_LANGUAGES:
            return base
    return None


def request_language(request: Request) -> str:
    """The language to answer in (cached on the request)."""
    cached = getattr(request.state, "lang", None)
    if cached:
        return str(cached)
    lang = request.query_params.get("lang", "")
    if lang not in WEB_LANGUAGES:
        lang = request.cookies.get(LANG_COOKIE, "")
    if lang not in WEB_LANGUAGES:
        lang = _from_accept_language(request.headers.get("accept-language", "")) or DEFAULT_WEB_LANGUAGE
    request.state.lang = lang
    return lang


def gettext_for(lang: str) -> Callable[..., str]:
    """``_("web.key", name=value)`` for templates."""

    def _(key: str, **values: Any) -> str:
        return translate(key, lang, **values)

    return _


def number_formatter(lang: str) -> Callable[..., str]:
    def fmt(value: float | int | None, digits: int = 0) -> str:
        if value is None:
            return "–"
        return format_number(value, lang, digits=digits)

    return fmt


def language_links(request: Request) -> list[dict[str, str]]:
    """For the switcher: the same page (path and query kept) in each language."""
    current = request_language(request)
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    links = []
    for lang in WEB_LANGUAGES:
        query = urlencode([*params, ("lang", lang)])
        links.append({"lang": lang, "name": LANGUAGE_NAMES[lang], "url": f"{request.url.path}?{query}",
                      "current": "1" if lang == current else ""})
    return links
