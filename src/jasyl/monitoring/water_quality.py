"""Kazakhstan's Unified water-quality classification: the class of an indicator, a sample and a site.

The classification sorts water into classes from best to worst (six classes I-VI in the system of order
No. 70 of 20 March 2024, applied by Kazhydromet since January 2025; five classes plus "worse than 5" in the
2016 system). Each indicator has a limit per class; a sample takes the class of its worst indicator.

The per-class limits are data, never code. The shipped table of Order 111-НҚ (2025) and its classifier
(repeated bounds, strict bounds, pH ranges, background-relative suspended solids) are in
:mod:`jasyl.monitoring.water_classes`, which monitoring status and report use. This module keeps the older
strictly-monotonic layout for tables loaded from a YAML file of this form (values in jasyl's canonical units,
mg/L of the ion, as the ``csv`` ingestion stores them)::

    act: "Order of the Minister of Agriculture of RK of 20 March 2024 No. 70"
    source: "adilet.zan.kz/rus/docs/..., appendix 1, read 2026-12-01"
    classes: [I, II, III, IV, V, VI]          # best to worst
    indicators:
      ammonium: {upper_limits: [...]}          # len(classes) - 1 increasing numbers:
                                               #   class k = first k with value <= upper_limits[k]
      dissolved_oxygen: {lower_limits: [...]}  # for a minimum: decreasing numbers,
                                               #   class k = first k with value >= lower_limits[k]

A value beyond every limit gets the last class. jasyl's conventions (the methodological recommendations
of MENR order No. 275-p (2024) were not available to check them against): a sample's class is the worst of
its indicators' classes; a site's class over a period is computed the same way from each indicator's mean
(or maximum) concentration; the *limiting* indicators are those whose class is worse than the background
class of the section when one is given (Kazhydromet reports name the indicators above the background
class), otherwise those at the site's class.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from jasyl.errors import InputError
from jasyl.monitoring.standards import load_data, parameters

__all__ = ["IndicatorLimits", "ClassTable", "ClassResult", "load_class_table", "indicator_class",
           "sample_class", "site_class"]

_FIX_TABLE = ("give a YAML file with act, source, classes (best to worst) and indicators "
              "(upper_limits, or lower_limits for a minimum such as dissolved oxygen); see docs/monitoring.md")


@dataclass(frozen=True)
class IndicatorLimits:
    limits: tuple[float, ...]
    minimum: bool = False  # True: the limits are lower bounds (dissolved oxygen)


@dataclass(frozen=True)
class ClassTable:
    act: str
    source: str
    classes: tuple[str, ...]
    indicators: dict[str, IndicatorLimits]
    path: str | None = None

    def rank(self, klass: str) -> int:
        """0 for the best class."""
        return self.classes.index(klass)


@dataclass(frozen=True)
class ClassResult:
    klass: str | None                   # None when no indicator of the input is in the table
    by_indicator: dict[str, str]        # class of each classified indicator
    values: dict[str, float]            # the value each class was taken from
    limiting: list[str]                 # indicators that set the class (or exceed the background class)
    unclassified: list[str]             # indicators given but not in the table


def _number_list(raw: Any, where: str, path: str | None, n: int) -> tuple[float, ...]:
    if not isinstance(raw, list) or len(raw) != n:
        raise InputError(f"expected a list of {n} numbers (one per boundary between {n + 1} classes)",
                         file=path, field=where, fix=_FIX_TABLE)
    out: list[float] = []
    for item in raw:
        if isinstance(item, bool) or not isinstance(item, int | float) or not math.isfinite(float(item)) \
                or float(item) < 0:
            raise InputError(f"'{item}' is not a number >= 0", file=path, field=where, fix=_FIX_TABLE)
        out.append(float(item))
    return tuple(out)


def _parse_table(data: Any, path: str | None) -> ClassTable:
    if not isinstance(data, dict):
        raise InputError("the class table is not a YAML mapping", file=path, fix=_FIX_TABLE)
    for key in ("act", "source"):
        if not str(data.get(key) or "").strip():
            raise InputError(f"'{key}' is missing: every class limit needs the act and where it was read",
                             file=path, field=key, fix=_FIX_TABLE)
    classes = data.get("classes")
    if not isinstance(classes, list) or len(classes) < 2 or len({str(c) for c in classes}) != len(classes):
        raise InputError("'classes' must list at least two distinct class names, best first",
                         file=path, field="classes", fix=_FIX_TABLE)
    names = tuple(str(c) for c in classes)
    raw_ind = data.get("indicators")
    if not isinstance(raw_ind, dict) or not raw_ind:
        raise InputError("'indicators' is missing or empty", file=path, field="indicators", fix=_FIX_TABLE)
    known = {name for name, p in parameters().items() if p.medium == "water"}
    indicators: dict[str, IndicatorLimits] = {}
    for name, spec in raw_ind.items():
        where = f"indicators.{name}"
        if name not in known:
            raise InputError(f"unknown water indicator '{name}'", file=path, field=where,
                             fix="use one of " + ", ".join(sorted(known)))
        if not isinstance(spec, dict) or ("upper_limits" in spec) == ("lower_limits" in spec):
            raise InputError("give exactly one of upper_limits or lower_limits", file=path, field=where,
                             fix=_FIX_TABLE)
        minimum = "lower_limits" in spec
        key = "lower_limits" if minimum else "upper_limits"
        limits = _number_list(spec[key], f"{where}.{key}", path, len(names) - 1)
        steps = list(zip(limits, limits[1:], strict=False))
        ordered = all(a > b for a, b in steps) if minimum else all(a < b for a, b in steps)
        if not ordered:
            raise InputError(f"{key} must be strictly {'decreasing' if minimum else 'increasing'} "
                             "from the best class to the worst", file=path, field=f"{where}.{key}",
                             fix=_FIX_TABLE)
        indicators[str(name)] = IndicatorLimits(limits=limits, minimum=minimum)
    return ClassTable(act=str(data["act"]), source=str(data["source"]), classes=names,
                      indicators=indicators, path=path)


def load_class_table(path: str | Path | None = None) -> ClassTable:
    """The class table of ``path`` (YAML), or the embedded one (``water_quality.yaml``: ``class_limits``).

    Raises :class:`InputError` naming the file and field when the table is malformed, and when no path
    is given and jasyl ships no table (the case today).
    """
    if path is None:
        embedded = load_data("water_quality.yaml")["classification"].get("class_limits")
        if embedded is None:
            raise InputError("jasyl ships no per-class limits of the Unified water classification (the "
                             "tables of order No. 70 (2024) and of the 2016 system could not be sourced)",
                             field="classification.class_limits",
                             fix="load the table from its legal text: " + _FIX_TABLE)
        return _parse_table(embedded, "water_quality.yaml")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the class table: {exc.strerror or exc}", file=p,
                         fix="give the path of an existing YAML file") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=p, fix=_FIX_TABLE) from None
    return _parse_table(data, str(p))


def indicator_class(table: ClassTable, parameter: str, value: float) -> str | None:
    """Class of one indicator value (mg/L), None if the table has no limits for it."""
    spec = table.indicators.get(parameter)
    if spec is None:
        return None
    v = float(value)
    if math.isnan(v) or v < 0:
        raise ValueError(f"{parameter}: {value} is not a concentration")
    for klass, limit in zip(table.classes, spec.limits, strict=False):
        if (v >= limit) if spec.minimum else (v <= limit):
            return klass
    return table.classes[-1]


def _classify(table: ClassTable, values: Mapping[str, float], background: str | None) -> ClassResult:
    if background is not None and background not in table.classes:
        raise InputError(f"background class '{background}' is not one of {', '.join(table.classes)}",
                         field="background_class", fix="use a class name of the table")
    by: dict[str, str] = {}
    used: dict[str, float] = {}
    unclassified: list[str] = []
    for param, value in values.items():
        if value is None or math.isnan(float(value)):
            continue
        klass = indicator_class(table, param, float(value))
        if klass is None:
            unclassified.append(param)
        else:
            by[param] = klass
            used[param] = float(value)
    if not by:
        return ClassResult(None, {}, {}, [], sorted(unclassified))
    worst = max(by.values(), key=table.rank)
    if background is None:
        limiting = [p for p, k in by.items() if k == worst]
    else:
        limiting = [p for p, k in by.items() if table.rank(k) > table.rank(background)]
    limiting.sort(key=lambda p: (-table.rank(by[p]), p))
    return ClassResult(worst, by, used, limiting, sorted(unclassified))


def sample_class(table: ClassTable, concentrations: Mapping[str, float],
                 background_class: str | None = None) -> ClassResult:
    """Class of one sample: the worst class among its indicators (mg/L, canonical units)."""
    return _classify(table, concentrations, background_class)


def site_class(table: ClassTable, samples: pd.DataFrame, *, statistic: str = "mean",
               background_class: str | None = None) -> ClassResult:
    """Class of a site over a period from its samples (columns ``parameter``, ``value`` in mg/L).

    Each indicator is summarised by ``statistic`` (``mean`` or ``max``) over the samples given, then
    classified; the site's class is the worst of them.
    """
    if statistic not in ("mean", "max"):
        raise InputError(f"statistic '{statistic}' is unknown", field="statistic", fix="use mean or max")
    missing = {"parameter", "value"} - set(samples.columns)
    if missing:
        raise InputError(f"the samples lack the column(s) {', '.join(sorted(missing))}", field="samples",
                         fix="give a table with columns parameter and value (mg/L)")
    if samples.empty:
        return ClassResult(None, {}, {}, [], [])
    grouped = samples.groupby("parameter")["value"]
    summary = grouped.mean() if statistic == "mean" else grouped.max()
    return _classify(table, {str(k): float(v) for k, v in summary.items()}, background_class)
