"""Vega-Lite charts: one spec for the browser (vega-embed) and for static reports (SVG via vl-convert).

A chart is a Vega-Lite JSON spec built with Altair, with its data inline and its locale in
``config.locale`` (d3 number and time formats made from Babel's CLDR data, so Kazakh works although
d3 ships no ``kk`` locale). The browser renders it with the vendored vega-embed; :func:`chart_svg`
renders the very same spec to SVG for the HTML reports, with element ids unique per figure so several
charts can share one page. :func:`chart_csv` writes the table behind a chart ("download the data").

Times: charts that show clock time take wall-clock times of the city's time zone and put them on a
``utc`` scale (:func:`wallclock_ms`), so neither the browser's nor the server's time zone moves them.

>>> spec = {"mark": "bar", "data": {"values": [{"a": "x", "b": 1}]},
...         "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}}
>>> svg = chart_svg(with_locale(spec, "ru"), "fig-demo")   # doctest: +SKIP
"""

from __future__ import annotations

import io
import json
import math
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pandas as pd
import vl_convert as vlc
from babel.dates import get_day_names, get_month_names, get_period_names
from babel.numbers import get_decimal_symbol, get_group_symbol

from jasyl.i18n import check_lang, locale_for

__all__ = [
    "VEGA_LITE_VERSION",
    "Chart",
    "d3_number_locale",
    "d3_time_locale",
    "locale_config",
    "with_locale",
    "chart_svg",
    "chart_csv",
    "spec_json",
    "wallclock_ms",
    "month_label",
    "records",
]

#: Vega-Lite line the specs are written for (Altair 6.3 targets 6.4; vl-convert 1.9 bundles 6.4)
VEGA_LITE_VERSION = "6.4"

#: default look shared by every chart (fonts the reports already use; no external resources)
BASE_CONFIG: dict[str, Any] = {
    "font": "DejaVu Sans, Verdana, sans-serif",
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 11, "gridColor": "#e3e3e3"},
    "legend": {"labelFontSize": 11, "titleFontSize": 11, "labelLimit": 320},
    "title": {"fontSize": 13, "anchor": "start"},
    "background": "white",
}


@dataclass
class Chart:
    """A chart ready for a page or a report.

    ``id`` is the HTML id (``fig-inventory``); ``spec`` the Vega-Lite JSON (data inline, locale set);
    ``data`` the table behind it (what the CSV download gives, with units in the column names);
    ``sources`` the sources of the figures, in the reader's language where they are ours.
    """

    id: str
    title: str
    spec: dict[str, Any]
    data: pd.DataFrame
    sources: list[str] = field(default_factory=list)
    caption: str = ""
    lang: str = "en"

    def svg(self) -> str:
        return chart_svg(self.spec, self.id, title=self.title)

    def csv(self) -> str:
        return chart_csv(self.data)

    def spec_json(self) -> str:
        return spec_json(self.spec)


# ------------------------------------------------------------------------------------ locale
@cache
def d3_number_locale(lang: str) -> dict[str, Any]:
    """d3-format locale (decimal and group signs) of a jasyl language, from CLDR via Babel."""
    loc = locale_for(check_lang(lang))
    group = get_group_symbol(loc)
    # CLDR gives a narrow no-break space for some locales; d3 and fonts handle U+00A0 better
    group = "\u00a0" if group in ("\u202f", " ") else group
    currency = {"en": ["$", ""], "ru": ["", "\u00a0₸"], "kk": ["", "\u00a0₸"]}[lang]
    return {"decimal": get_decimal_symbol(loc), "thousands": group, "grouping": [3], "currency": currency}


@cache
def d3_time_locale(lang: str) -> dict[str, Any]:
    """d3-time-format locale (month and day names, date patterns) from CLDR via Babel."""
    loc = locale_for(check_lang(lang))
    months = get_month_names("wide", context="format", locale=loc)
    short_months = get_month_names("abbreviated", context="stand-alone", locale=loc)
    days = get_day_names("wide", context="format", locale=loc)
    short_days = get_day_names("abbreviated", context="stand-alone", locale=loc)
    # Babel counts weekdays from Monday (0); d3 lists them from Sunday
    order = [6, 0, 1, 2, 3, 4, 5]
    periods = get_period_names(locale=loc)
    patterns = {
        "en": {"dateTime": "%x, %X", "date": "%-m/%-d/%Y", "time": "%-I:%M:%S %p"},
        "ru": {"dateTime": "%d.%m.%Y %H:%M:%S", "date": "%d.%m.%Y", "time": "%H:%M:%S"},
        "kk": {"dateTime": "%d.%m.%Y %H:%M:%S", "date": "%d.%m.%Y", "time": "%H:%M:%S"},
    }[lang]
    return {
        **patterns,
        "periods": [str(periods.get("am", "AM")), str(periods.get("pm", "PM"))],
        "days": [str(days[i]) for i in order],
        "shortDays": [str(short_days[i]).rstrip(".") for i in order],
        # CLDR capitalises a few Kazakh abbreviations and not the others: month names are lower case
        # in running kk/ru text, so all of them are here
        "months": [_month_case(str(months[i]), lang) for i in range(1, 13)],
        "shortMonths": [_month_case(str(short_months[i]).rstrip("."), lang) for i in range(1, 13)],
    }


def _month_case(name: str, lang: str) -> str:
    return name if lang == "en" else name.lower()


def month_label(moment: Any, lang: str) -> str:
    """``янв 2025`` / ``қаң 2025`` / ``Jan 2025`` (the same abbreviations as the charts' axes)."""
    ts = pd.Timestamp(moment)
    return f"{d3_time_locale(lang)['shortMonths'][ts.month - 1]} {ts.year}"


def locale_config(lang: str) -> dict[str, Any]:
    """The ``config.locale`` block of a spec for ``lang``."""
    return {"number": d3_number_locale(lang), "time": d3_time_locale(lang)}


def with_locale(spec: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A copy of ``spec`` with the base look and the locale of ``lang`` in its ``config``."""
    out = dict(spec)
    config = {**BASE_CONFIG, **dict(out.get("config") or {})}
    config["locale"] = locale_config(lang)
    out["config"] = config
    return out


# ------------------------------------------------------------------------------------ data
def wallclock_ms(times: Iterable[Any], tz: str) -> list[int]:
    """Epoch milliseconds of the wall-clock time in ``tz``, read as if it were UTC.

    Plotted on a ``utc`` scale, the axis then shows the city's local time whatever the time zone of
    the browser or the server. Naive inputs are taken as UTC.
    """
    idx = pd.DatetimeIndex(pd.to_datetime(list(times)))
    if idx.tz is None:
        idx = idx.tz_localize("UTC")
    local = idx.tz_convert(tz).tz_localize(None)
    # not ``asi8``: its unit follows the index's resolution (s, ms, us or ns) in pandas >= 2
    delta = (local - pd.Timestamp("1970-01-01")) // pd.Timedelta(milliseconds=1)
    return [int(v) for v in delta]


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            return _clean(value.item())
        except (ValueError, AttributeError):
            return value
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-safe row records of ``frame`` (NaN -> null, numpy scalars -> Python)."""
    cols = [str(c) for c in frame.columns]
    return [{c: _clean(v) for c, v in zip(cols, row, strict=True)} for row in frame.itertuples(index=False)]


# ------------------------------------------------------------------------------------ output
_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_URL = re.compile(r"url\(#([^)]+)\)")
_HREF = re.compile(r'href="#([^"]+)"')
#: vl-convert drives one JavaScript runtime; calls are serialised here so threads never interleave
_LOCK = threading.Lock()


def _escape_attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def chart_svg(spec: Mapping[str, Any] | Any, figure_id: str, *, title: str | None = None) -> str:
    """Inline SVG of a Vega-Lite spec (dict or Altair chart), element ids prefixed by ``figure_id``.

    The markup has no XML prologue; every ``id`` and every reference to one (``url(#...)``,
    ``href="#..."``) is prefixed, so any number of charts can be inlined in one HTML page.
    """
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", figure_id):
        raise ValueError(f"figure id '{figure_id}' must be a valid HTML id (letters, digits, - and _)")
    as_dict = spec.to_dict() if hasattr(spec, "to_dict") else dict(spec)
    with _LOCK:
        text = vlc.vegalite_to_svg(as_dict, vl_version=VEGA_LITE_VERSION)
    text = _PROLOGUE.sub("", text, count=1)
    text = _ID.sub(lambda m: f'id="{figure_id}-{m.group(1)}"', text)
    text = _URL.sub(lambda m: f"url(#{figure_id}-{m.group(1)})", text)
    text = _HREF.sub(lambda m: f'href="#{figure_id}-{m.group(1)}"', text)
    label = title if title is not None else str((as_dict.get("title") or {}).get("text", "")
                                                 if isinstance(as_dict.get("title"), dict)
                                                 else as_dict.get("title") or "")
    head_end = text.find(">")
    head, rest = text[:head_end], text[head_end:]
    head = re.sub(r'\sclass="[^"]*"', "", head)
    attrs = 'role="img" class="plot vega-svg"'
    if label:
        attrs += f' aria-label="{_escape_attr(label)}"'
    return head.replace("<svg ", f"<svg {attrs} ", 1) + rest


def chart_csv(data: pd.DataFrame | Chart, *, float_format: str = "%.6g") -> str:
    """CSV text (UTF-8, header row, no index) of the table behind a chart."""
    frame = data.data if isinstance(data, Chart) else data
    buf = io.StringIO()
    frame.to_csv(buf, index=False, float_format=float_format, lineterminator="\n")
    return buf.getvalue()


def spec_json(spec: Mapping[str, Any]) -> str:
    """Compact JSON of a spec, safe to place inside ``<script type="application/json">``."""
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
