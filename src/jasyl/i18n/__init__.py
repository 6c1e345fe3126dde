"""Message catalogues (Kazakh, Russian, English) and locale-aware number formatting.

Catalogues are YAML files beside this module named ``<domain>.<lang>.yaml`` (for example
``plan.kk.yaml``), each a flat mapping of keys (``plan.summary.title``) to text with ``{name}``
placeholders. All files of one language are merged; a key defined twice is an error. English is the
reference: every key in English must exist in ``kk`` and ``ru`` (a test enforces this).

>>> translate("common.yes", "ru")
'да'
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml
from babel.numbers import format_decimal

from jasyl.errors import InputError
from jasyl.vocabulary import DEFAULT_LANGUAGE, LANGUAGE_SET, LANGUAGES

__all__ = ["LANGUAGES", "DEFAULT_LANGUAGE", "translate", "catalogue", "format_number", "locale_for", "check_lang"]

_LOCALES = {"en": "en_US", "ru": "ru_RU", "kk": "kk_KZ"}


def check_lang(lang: str) -> str:
    """Return ``lang`` if supported, else raise :class:`jasyl.errors.InputError`."""
    if lang not in LANGUAGE_SET:
        raise InputError(f"unknown language '{lang}'", field="language", fix=f"use one of {', '.join(LANGUAGES)}")
    return lang


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All messages of one language, merged from every ``*.<lang>.yaml`` file."""
    merged: dict[str, str] = {}
    root = resources.files(__package__)
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(f".{lang}.yaml"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        for key, text in data.items():
            if key in merged:
                raise ValueError(f"message key '{key}' defined twice ({entry.name})")
            merged[str(key)] = str(text)
    return merged


def translate(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: Any) -> str:
    """Return the message ``key`` in ``lang`` with ``{placeholders}`` filled.

    A key missing from ``lang`` raises :class:`KeyError`: the test suite checks all catalogues, so
    this never reaches a user with a complete installation.
    """
    text = catalogue(lang)[key]
    return text.format(**values) if values else text


def locale_for(lang: str) -> str:
    """Babel locale identifier for a jasyl language code."""
    return _LOCALES[lang]


def format_number(value: float, lang: str = DEFAULT_LANGUAGE, digits: int = 0) -> str:
    """Format a number with the locale's grouping and decimal signs (``12 345,6`` in ru/kk)."""
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return str(format_decimal(value, format=pattern, locale=locale_for(lang)))
