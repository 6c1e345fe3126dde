"""Section fragments of a report: paragraphs and one data table, rendered by ``section.html.j2``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from jasyl.i18n import format_number
from jasyl.report.html import render

__all__ = ["Column", "section_html"]


@dataclass(frozen=True)
class Column:
    """A table column: ``key`` of the row dict, ``header`` text, ``digits`` for numbers (None: as text)."""

    key: str
    header: str
    digits: int | None = None


def section_html(texts: Sequence[str], columns: Sequence[Column], rows: Sequence[dict[str, Any]], lang: str) -> str:
    """A trusted HTML fragment: ``texts`` as paragraphs, then ``rows`` as a table (all text escaped)."""
    return render("section.html.j2", texts=list(texts), columns=list(columns), rows=list(rows),
                  num=lambda value, digits: format_number(float(value), lang, digits))
