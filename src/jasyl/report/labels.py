"""Every word of the plan report and the ``jasyl plan`` command, in the chosen language.

All text comes from the ``plan.<lang>.yaml`` catalogues through :func:`jasyl.i18n.translate`; this
module only adds the composition rules for technology and sector names and locale-aware numbers and
dates (Babel).

>>> Labels("ru").tech("heat_pump_district")
'Тепловые насосы для центрального теплоснабжения'
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_decimal

from jasyl.i18n import catalogue, check_lang, format_number, locale_for, translate

__all__ = ["Labels", "PREFIX", "TECH_SUFFIXES", "VEHICLE_PREFIXES"]

PREFIX = "plan."
#: technology-name suffixes composed with a base technology name (``battery_energy``)
TECH_SUFFIXES: tuple[str, ...] = ("energy", "power", "charge", "discharge")
#: technology-name prefixes composed with a vehicle class (``ev_bus``, ``fuel_bus``)
VEHICLE_PREFIXES: tuple[str, ...] = ("ev", "fuel")


class Labels:
    """Translations for one language.

    ``t("summary.title")`` looks up ``plan.summary.title``; a missing key raises :class:`KeyError`
    (the test suite checks that every key exists in every language).
    """

    def __init__(self, lang: str = "en") -> None:
        self.lang = check_lang(lang)
        self.locale = locale_for(self.lang)

    # ------------------------------------------------------------------ messages
    def t(self, key: str, /, **values: Any) -> str:
        """The message ``plan.<key>`` with ``{placeholders}`` filled."""
        return translate(PREFIX + key, self.lang, **values)

    def has(self, key: str) -> bool:
        return PREFIX + key in catalogue(self.lang)

    # ------------------------------------------------------------------ numbers and dates
    def num(self, value: float | None, digits: int = 0) -> str:
        """Locale-formatted number; a missing or non-finite value is a dash."""
        if value is None or not math.isfinite(float(value)):
            return "—"
        return format_number(float(value), self.lang, digits)

    def sig(self, value: float | None) -> str:
        """A number with a sensible count of digits for a reader (123 456; 1 234; 12,3; 0,45)."""
        if value is None or not math.isfinite(float(value)):
            return "—"
        size = abs(float(value))
        if size == 0 or size >= 100:
            digits = 0
        elif size >= 10:
            digits = 1
        elif size >= 1:
            digits = 2
        else:  # up to three significant digits for small numbers, no trailing zeros (0,99; 0,0005)
            digits = min(2 - math.floor(math.log10(size)), 6)
            return str(format_decimal(float(value), format="#,##0." + "#" * digits, locale=self.locale))
        return self.num(value, digits)

    def date(self, value: dt.date | dt.datetime, fmt: str = "long") -> str:
        """A date in the locale's words (``15 января 2025 г.``)."""
        return str(format_date(value, fmt, locale=self.locale))

    def day(self, value: dt.date | dt.datetime) -> str:
        """A short day label for a time axis (``Wed, Jan 15`` / ``ср, 15 янв.``)."""
        return str(format_skeleton("MMMEd", value, locale=self.locale))

    def month_day(self, value: dt.date | dt.datetime) -> str:
        return str(format_skeleton("dMMM", value, locale=self.locale))

    def datetime(self, value: dt.datetime) -> str:
        return str(format_datetime(value, "medium", locale=self.locale))

    # ------------------------------------------------------------------ domain names
    def tech(self, name: str) -> str:
        """Readable name of a planner technology (``pv_fixed``, ``battery_energy``, ``ev_bus``)."""
        if self.has(f"tech.{name}"):
            return self.t(f"tech.{name}")
        for prefix in VEHICLE_PREFIXES:
            if name.startswith(prefix + "_"):
                vehicle = name[len(prefix) + 1 :]
                return self.t(f"tech.{prefix}_vehicles", vehicle=self.vehicle(vehicle))
        for suffix in TECH_SUFFIXES:
            if name.endswith("_" + suffix) and self.has(f"tech.{name[: -len(suffix) - 1]}"):
                return self.t(f"tech.suffix.{suffix}", tech=self.t(f"tech.{name[: -len(suffix) - 1]}"))
        return name.replace("_", " ")

    def vehicle(self, name: str) -> str:
        return self.t(f"vehicle.{name}") if self.has(f"vehicle.{name}") else name.replace("_", " ")

    def sector(self, name: str) -> str:
        """Readable name of a sector or sub-sector (planner buses and GPC sectors)."""
        return self.t(f"sector.{name}") if self.has(f"sector.{name}") else name.replace("_", " ")

    def unit(self, name: str) -> str:
        return self.t(f"unit.{name}") if self.has(f"unit.{name}") else name
