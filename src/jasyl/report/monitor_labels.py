"""Names of monitoring things in the reader's language: parameters, units, averaging periods,
standards, alert rules, severities, the labelled demo sites and sources, local times.

Shared by the static monitoring report and the web pages, so that a reader never sees a key such as
``water_fishery_mpc_bod5`` or an English note inside a Kazakh page.

>>> MonitorLabels("ru").standard("kz_mpc_ss_pm25")
'ПДК среднесуточная (Казахстан): PM2.5 (мелкие взвешенные частицы)'
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

import pandas as pd
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from jasyl.i18n import catalogue, check_lang, format_number, locale_for, translate
from jasyl.monitoring.standards import DEFAULT_TZ, StandardDef, air_standards, water_standards

__all__ = ["MonitorLabels", "slug", "standard_by_id"]

PREFIX = "monitor."


def slug(text: str) -> str:
    """``Narynkol brick works`` -> ``narynkol_brick_works`` (keys of the demo names)."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


@cache
def _standards() -> dict[str, StandardDef]:
    return {s.id: s for s in (*air_standards(), *water_standards())}


def standard_by_id(standard_id: str) -> StandardDef | None:
    return _standards().get(standard_id)


class MonitorLabels:
    """Monitoring names for one language; unknown names fall back to readable text, never a key."""

    def __init__(self, lang: str = "en", tz: str = DEFAULT_TZ) -> None:
        self.lang = check_lang(lang)
        self.locale = locale_for(self.lang)
        self.tz = tz

    # --------------------------------------------------------------- plumbing
    def t(self, key: str, /, **values: Any) -> str:
        return translate(PREFIX + key, self.lang, **values)

    def has(self, key: str) -> bool:
        return PREFIX + key in catalogue(self.lang)

    def _or(self, key: str, fallback: str) -> str:
        return self.t(key) if self.has(key) else fallback

    def num(self, value: float | None, digits: int = 2) -> str:
        if value is None:
            return "—"
        return format_number(float(value), self.lang, digits)

    def sig(self, value: float | None) -> str:
        """A measured value or a limit with sensible digits and no trailing zeros (0,0061; 1,44; 12,7; 5; 160)."""
        if value is None:
            return "—"
        size = abs(float(value))
        pattern = "#,##0" if size >= 100 else "#,##0.#" if size >= 10 else "#,##0.##" if size >= 1 else "0.####"
        return str(format_decimal(float(value), format=pattern, locale=self.locale))

    # --------------------------------------------------------------- names
    def demo_tag(self) -> str:
        return self.t("demo_tag")

    def parameter(self, name: str) -> str:
        return self._or(f"parameter.{name}", name)

    def unit(self, unit: str) -> str:
        return self._or(f"unit.{unit}", unit)

    def averaging(self, key: str) -> str:
        """``24h`` -> 24-hour mean; ``sample``; ``5h`` (a run of the duration rule) -> 5 hours in a row."""
        if self.has(f"averaging.{key}"):
            return self.t(f"averaging.{key}")
        m = re.fullmatch(r"(\d+)h", key)
        if m:
            return self.t("averaging.hours", hours=m.group(1))
        return key

    def period(self, period_s: int) -> str:
        """Averaging period of a stored value (seconds; 0 = a single sample)."""
        mapping = {0: "sample", 3600: "1h", 8 * 3600: "8h", 86400: "24h"}
        if period_s in mapping:
            return self.averaging(mapping[period_s])
        return self.t("averaging.seconds", minutes=format_number(period_s / 60.0, self.lang, 0))

    def body(self, body: str) -> str:
        return self._or(f"body.{body}", body)

    def standard_kind(self, kind: str, averaging: str = "") -> str:
        if not self.has(f"std.{kind}"):
            return kind.replace("_", " ")
        return self.t(f"std.{kind}", averaging=self.averaging(averaging)) if "{averaging}" in catalogue(
            self.lang)[PREFIX + f"std.{kind}"] else self.t(f"std.{kind}")

    def standard(self, standard_id: str, *, with_parameter: bool = True) -> str:
        """Full name of a standard (``kz_mpc_ss_pm25``, ``water_fishery_mpc_bod5``, ``threshold:<rule>``)."""
        if standard_id.startswith("threshold:"):
            return self.t("std.threshold") + ": " + self.rule(standard_id.split(":", 1)[1])
        std = standard_by_id(standard_id)
        if std is None:
            return standard_id.replace("_", " ")
        kind = self.standard_kind(std.kind, std.averaging)
        if not with_parameter:
            return kind
        return self.t("std.name", standard=kind, parameter=self.parameter(std.parameter))

    def standard_status(self, status: str) -> str:
        return self._or(f"std_status.{status}", status.replace("-", " "))

    def rule(self, rule_id: str) -> str:
        return self._or(f"rule.{rule_id}", rule_id.replace("_", " "))

    def severity(self, severity: str) -> str:
        return self._or(f"severity.{severity}", severity)

    def alert_status(self, status: str) -> str:
        return self._or(f"alert_status.{status}", status)

    def source_type(self, kind: str) -> str:
        return self._or(f"source_type.{kind}", kind.replace("_", " "))

    def source_status(self, status: str) -> str:
        return self._or(f"source_status.{status}", status.replace("_", " "))

    def site_kind(self, kind: str) -> str:
        return self._or(f"site_kind.{kind}", kind.replace("_", " "))

    def aqi_category(self, category: str | None) -> str:
        return "—" if not category else self._or(f"aqi_cat.{category}", category)

    def level(self, level: str | None) -> str:
        return "—" if not level else self._or(f"level.{level}", level)

    # --------------------------------------------------------------- data written by people
    def site_name(self, code: str, name: str, demo: bool) -> str:
        """A demo site's name in the reader's language; a real site's name as it was registered."""
        if demo and code.startswith("demo:") and self.has(f"demo.site.{code[5:]}"):
            return self.t(f"demo.site.{code[5:]}")
        return name

    def source_name(self, name: str, demo: bool) -> str:
        key = f"demo.source.{slug(name)}.name"
        return self.t(key) if demo and self.has(key) else name

    def source_notes(self, name: str, notes: str | None, demo: bool) -> str:
        key = f"demo.source.{slug(name)}.notes"
        return self.t(key) if demo and self.has(key) else (notes or "")

    def operator(self, operator: str | None, demo: bool) -> str:
        if not operator:
            return ""
        key = f"demo.operator.{operator}"
        return self.t(key) if demo and self.has(key) else operator

    # --------------------------------------------------------------- times
    def local_time(self, value: Any, *, with_zone: bool = True, fmt: str = "medium") -> str:
        """A UTC time (ISO text with or without ``Z``, or a naive UTC datetime) in the city's local time."""
        ts = pd.Timestamp(str(value).rstrip("Z") if isinstance(value, str) else value)
        if ts.tzinfo is None:
            ts = ts.tz_localize("UTC")
        local = ts.tz_convert(self.tz)
        text = str(format_datetime(local.to_pydatetime(), "d MMM y, HH:mm" if fmt == "medium" else fmt,
                                   locale=self.locale))
        return f"{text} ({self.zone_text(local.to_pydatetime())})" if with_zone else text

    def local_date(self, value: dt.date | str) -> str:
        return str(format_date(pd.Timestamp(value).date(), "d MMM y", locale=self.locale))

    def zone_text(self, moment: dt.datetime | None = None) -> str:
        """``Almaty time, UTC+5`` (the zone's name in the language where the catalogue has it)."""
        moment = moment or dt.datetime.now(dt.UTC)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        offset = pd.Timestamp(moment).tz_convert(self.tz).utcoffset() or dt.timedelta(0)
        hours = offset.total_seconds() / 3600
        sign = "+" if hours >= 0 else "-"
        text = f"{abs(hours):g}"
        return f"{self._or(f'zone.{self.tz}', self.tz)}, UTC{sign}{text}"
