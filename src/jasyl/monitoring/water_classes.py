"""Water-quality classes of a sample and a site: Order 111-НҚ (2025) shipped, a user table as override.

The per-class limits are data (``data/monitoring/water_classes_111.yaml``: the six classes of the Unified
classification of Order No. 111-НҚ of 4 June 2025, with its source, status and scope note). A table the user
loads from a legal text (:func:`load_table` with a path) replaces it; both use the same shapes:

* ``upper: [b1, ..., b5]`` - class k is met when ``value <= b_k`` (``"<7.0"`` makes a bound strict);
* ``lower: [...]`` - a minimum such as dissolved oxygen: class k is met when ``value >= b_k`` (``">90"`` strict);
* ``range: [[lo, hi], ...]`` - pH: class k is met when ``lo <= value <= hi``;
* ``above_background: [...]`` - suspended solids: class k is met when ``value <= background + b_k``;
* the layout of :mod:`jasyl.monitoring.water_quality` (``upper_limits`` / ``lower_limits``) is accepted too.

Bounds may repeat between neighbouring classes (the order prints them so); the best class met wins, and a
value that meets no class is the last (worst) class. A sample takes the worst class of its indicators; a
site over a period takes the worst class of its indicators' mean (or maximum) concentrations. Results are
labelled *indicative*: Kazhydromet's assessment also weighs biological indicators and the background class
of each section, and the shipped table is a transcription, not the official text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from jasyl.errors import InputError

__all__ = [
    "Bound",
    "IndicatorRule",
    "WaterClassTable",
    "IndicatorClass",
    "WaterClassResult",
    "official_table",
    "load_table",
    "parse_table",
    "classify_value",
    "classify_sample",
    "classify_site",
    "INDICATIVE_LABEL",
]

INDICATIVE_LABEL = "indicative class"
_FIX = ("give a YAML mapping with act, source, classes (best first) and indicators, each with one of upper, "
        "lower, range or above_background (one entry per class boundary); see docs/monitoring.md")

RuleKind = Literal["upper", "lower", "range", "above_background"]


@dataclass(frozen=True)
class Bound:
    value: float
    strict: bool = False


@dataclass(frozen=True)
class IndicatorRule:
    name: str
    kind: RuleKind
    bounds: tuple[Bound, ...] = ()
    ranges: tuple[tuple[float, float], ...] = ()
    unit: str = "mg/L"
    note: str = ""

    def meets(self, k: int, value: float, background: float | None = None) -> bool:
        """Whether ``value`` meets class number ``k`` (0 = best) of this indicator."""
        if self.kind == "range":
            lo, hi = self.ranges[k]
            return lo <= value <= hi
        b = self.bounds[k]
        if self.kind == "lower":
            return value > b.value if b.strict else value >= b.value
        limit = b.value + (background or 0.0) if self.kind == "above_background" else b.value
        return value < limit if b.strict else value <= limit

    def describe(self, k: int, background: float | None = None) -> str:
        """The printed bound of class ``k`` in words (for reports)."""
        if self.kind == "range":
            lo, hi = self.ranges[k]
            return f"{lo:g}-{hi:g}"
        b = self.bounds[k]
        if self.kind == "lower":
            return f"{'>' if b.strict else '>='} {b.value:g}"
        if self.kind == "above_background":
            bg = "C_bg" if background is None else f"{background:g}"
            return f"{'<' if b.strict else '<='} {bg} + {b.value:g}"
        return f"{'<' if b.strict else '<='} {b.value:g}"


@dataclass(frozen=True)
class WaterClassTable:
    act: str
    source: str
    classes: tuple[str, ...]
    indicators: dict[str, IndicatorRule]
    status: str = "user table"
    scope: str = ""
    act_short: str = ""
    valid_from: str = ""
    path: str | None = None
    official: bool = False
    meanings: dict[str, str] = field(default_factory=dict)

    def rank(self, klass: str) -> int:
        return self.classes.index(klass)

    def provenance(self) -> dict[str, Any]:
        """Act, source, status and scope of the table (shown beside every class)."""
        return {"act": self.act, "act_short": self.act_short or self.act, "source": self.source,
                "status": self.status, "scope": self.scope, "valid_from": self.valid_from,
                "table": "shipped" if self.official else f"user table {self.path or ''}".strip(),
                "label": INDICATIVE_LABEL}


@dataclass(frozen=True)
class IndicatorClass:
    parameter: str
    value: float
    klass: str
    bound: str                  # the bound of the class it met, in words ("<= 0.5"); "" for the worst class


@dataclass(frozen=True)
class WaterClassResult:
    klass: str | None                            # None when no indicator of the input is in the table
    by_indicator: dict[str, IndicatorClass]
    limiting: list[str]                          # indicators at the class (or above the background class)
    unclassified: dict[str, str]                 # indicator -> why it was not classified
    provenance: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "class": self.klass,
            "label": INDICATIVE_LABEL,
            "limiting": self.limiting,
            "indicators": {p: {"value": c.value, "class": c.klass, "bound": c.bound}
                           for p, c in self.by_indicator.items()},
            "unclassified": self.unclassified,
            **{k: v for k, v in self.provenance.items() if k != "label"},
        }


# ----------------------------------------------------------------------------------------------- parsing

def _bound(raw: Any, where: str, path: str | None) -> Bound:
    if isinstance(raw, bool):
        raise InputError(f"'{raw}' is not a number", file=path, field=where, fix=_FIX)
    if isinstance(raw, int | float):
        value, strict = float(raw), False
    elif isinstance(raw, str):
        text = raw.strip().replace("≤", "").replace("≥", "").replace("<=", "").replace(">=", "")
        strict = text.startswith(("<", ">"))
        text = text.lstrip("<>").strip()
        try:
            value = float(text)
        except ValueError:
            raise InputError(f"'{raw}' is not a number (optionally with < or >)", file=path, field=where,
                             fix=_FIX) from None
    else:
        raise InputError(f"'{raw}' is not a number", file=path, field=where, fix=_FIX)
    if not math.isfinite(value) or value < 0:
        raise InputError(f"'{raw}' is not a finite number >= 0", file=path, field=where, fix=_FIX)
    return Bound(value, strict)


def _rule(name: str, spec: Any, n: int, path: str | None) -> IndicatorRule:
    where = f"indicators.{name}"
    if not isinstance(spec, dict):
        raise InputError("expected a mapping", file=path, field=where, fix=_FIX)
    aliases = {"upper_limits": "upper", "lower_limits": "lower"}
    keys = [k for k in ("upper", "lower", "range", "above_background", "upper_limits", "lower_limits") if k in spec]
    if len(keys) != 1:
        raise InputError("give exactly one of upper, lower, range or above_background", file=path, field=where,
                         fix=_FIX)
    key = keys[0]
    kind: RuleKind = aliases.get(key, key)  # type: ignore[assignment]
    raw = spec[key]
    if not isinstance(raw, list) or len(raw) != n:
        raise InputError(f"expected a list of {n} entries (one per boundary between {n + 1} classes)",
                         file=path, field=f"{where}.{key}", fix=_FIX)
    unit = str(spec.get("unit", "mg/L"))
    note = str(spec.get("note", ""))
    if kind == "range":
        ranges: list[tuple[float, float]] = []
        for i, item in enumerate(raw):
            if not isinstance(item, list) or len(item) != 2:
                raise InputError("each range is [low, high]", file=path, field=f"{where}.range[{i}]", fix=_FIX)
            lo = _bound(item[0], f"{where}.range[{i}]", path).value
            hi = _bound(item[1], f"{where}.range[{i}]", path).value
            if lo > hi:
                raise InputError(f"low {lo:g} is above high {hi:g}", file=path, field=f"{where}.range[{i}]", fix=_FIX)
            ranges.append((lo, hi))
        for (lo_a, hi_a), (lo_b, hi_b) in zip(ranges, ranges[1:], strict=False):
            if lo_b > lo_a or hi_b < hi_a:
                raise InputError("ranges must widen (or stay) from the best class to the worst", file=path,
                                 field=f"{where}.range", fix=_FIX)
        return IndicatorRule(name, "range", ranges=tuple(ranges), unit=unit, note=note)
    bounds = tuple(_bound(item, f"{where}.{key}[{i}]", path) for i, item in enumerate(raw))
    values = [b.value for b in bounds]
    steps = list(zip(values, values[1:], strict=False))
    ordered = all(a >= b for a, b in steps) if kind == "lower" else all(a <= b for a, b in steps)
    if not ordered:
        raise InputError(f"{key} must not {'increase' if kind == 'lower' else 'decrease'} from the best class "
                         "to the worst", file=path, field=f"{where}.{key}", fix=_FIX)
    if key in ("upper_limits", "lower_limits") and len(set(values)) != len(values):
        raise InputError(f"{key} must be strictly monotonic (use upper/lower for tables that repeat bounds)",
                         file=path, field=f"{where}.{key}", fix=_FIX)
    return IndicatorRule(name, kind, bounds=bounds, unit=unit, note=note)


def parse_table(data: Any, path: str | None = None, *, known: set[str] | None = None,
                official: bool = False) -> WaterClassTable:
    """A class table from its parsed YAML; ``known`` restricts the indicator names (jasyl parameters)."""
    if not isinstance(data, dict):
        raise InputError("the class table is not a YAML mapping", file=path, fix=_FIX)
    for key in ("act", "source"):
        if not str(data.get(key) or "").strip():
            raise InputError(f"'{key}' is missing: every class limit needs the act and where it was read",
                             file=path, field=key, fix=_FIX)
    classes = data.get("classes")
    if not isinstance(classes, list) or len(classes) < 2 or len({str(c) for c in classes}) != len(classes):
        raise InputError("'classes' must list at least two distinct class names, best first", file=path,
                         field="classes", fix=_FIX)
    names = tuple(str(c) for c in classes)
    raw = data.get("indicators")
    if not isinstance(raw, dict) or not raw:
        raise InputError("'indicators' is missing or empty", file=path, field="indicators", fix=_FIX)
    rules: dict[str, IndicatorRule] = {}
    for name, spec in raw.items():
        if known is not None and str(name) not in known:
            raise InputError(f"unknown water indicator '{name}'", file=path, field=f"indicators.{name}",
                             fix="use one of " + ", ".join(sorted(known)))
        rules[str(name)] = _rule(str(name), spec, len(names) - 1, path)
    meanings = data.get("class_meanings") or {}
    return WaterClassTable(act=str(data["act"]), source=str(data["source"]), classes=names, indicators=rules,
                           status=str(data.get("status", "user table")), scope=str(data.get("scope", "")),
                           act_short=str(data.get("act_short", "")), valid_from=str(data.get("valid_from", "")),
                           path=path, official=official,
                           meanings={str(k): str(v) for k, v in meanings.items()} if isinstance(meanings, dict)
                           else {})


@cache
def official_table() -> WaterClassTable:
    """The shipped table: Order 111-НҚ of 4 June 2025 (six classes), with source, status and scope."""
    text = (resources.files("jasyl") / "data" / "monitoring" / "water_classes_111.yaml").read_text(encoding="utf-8")
    return parse_table(yaml.safe_load(text), "water_classes_111.yaml", official=True)


def load_table(path: str | Path | None = None, *, known: set[str] | None = None) -> WaterClassTable:
    """The user's table of ``path`` (it overrides the shipped one), or the shipped table when ``path`` is None."""
    if path is None:
        return official_table()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the class table: {getattr(exc, 'strerror', None) or exc}", file=p,
                         fix="give the path of an existing UTF-8 YAML file") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", file=p, fix=_FIX) from None
    return parse_table(data, str(p), known=known)


# ------------------------------------------------------------------------------------------ classifying

def classify_value(table: WaterClassTable, parameter: str, value: float,
                   background: float | None = None) -> IndicatorClass | None:
    """Class of one indicator value (the table's unit), None if the table has no rule for it.

    Raises ``ValueError`` for a value that is not a finite number >= 0 (pH may be any finite number), and
    for suspended solids without a background concentration.
    """
    rule = table.indicators.get(parameter)
    if rule is None:
        return None
    v = float(value)
    if not math.isfinite(v) or (v < 0 and rule.kind != "range"):
        raise ValueError(f"{parameter}: {value} is not a concentration")
    if rule.kind == "above_background" and background is None:
        raise ValueError(f"{parameter}: the class needs the background concentration of the section")
    for k, klass in enumerate(table.classes[:-1]):
        if rule.meets(k, v, background):
            return IndicatorClass(parameter, v, klass, rule.describe(k, background))
    return IndicatorClass(parameter, v, table.classes[-1], "")


def classify_sample(table: WaterClassTable, values: Mapping[str, float], *,
                    backgrounds: Mapping[str, float] | None = None,
                    background_class: str | None = None) -> WaterClassResult:
    """Class of one sample: the worst class of its indicators (worst indicator wins)."""
    if background_class is not None and background_class not in table.classes:
        raise InputError(f"background class '{background_class}' is not one of {', '.join(table.classes)}",
                         field="background_class", fix="use a class name of the table")
    by: dict[str, IndicatorClass] = {}
    unclassified: dict[str, str] = {}
    for param, value in values.items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if param not in table.indicators:
            unclassified[param] = "not in the class table"
            continue
        try:
            res = classify_value(table, param, float(value), (backgrounds or {}).get(param))
        except ValueError as exc:
            unclassified[param] = str(exc).split(": ", 1)[-1]
            continue
        if res is not None:
            by[param] = res
    if not by:
        return WaterClassResult(None, {}, [], unclassified, table.provenance())
    worst = max((c.klass for c in by.values()), key=table.rank)
    if background_class is None:
        limiting = [p for p, c in by.items() if c.klass == worst]
    else:
        limiting = [p for p, c in by.items() if table.rank(c.klass) > table.rank(background_class)]
    limiting.sort(key=lambda p: (-table.rank(by[p].klass), p))
    return WaterClassResult(worst, by, limiting, unclassified, table.provenance())


def classify_site(table: WaterClassTable, samples: Any, *, statistic: str = "mean",
                  backgrounds: Mapping[str, float] | None = None,
                  background_class: str | None = None) -> WaterClassResult:
    """Class of a site over a period from its samples (a DataFrame with columns ``parameter`` and ``value``).

    Each indicator is summarised by ``statistic`` (``mean`` or ``max``; for a minimum such as dissolved
    oxygen ``max`` takes the lowest value, the worst case) and classified; the worst indicator wins.
    """
    if statistic not in ("mean", "max"):
        raise InputError(f"statistic '{statistic}' is unknown", field="statistic", fix="use mean or max")
    missing = {"parameter", "value"} - set(samples.columns)
    if missing:
        raise InputError(f"the samples lack the column(s) {', '.join(sorted(missing))}", field="samples",
                         fix="give a table with columns parameter and value")
    summary: dict[str, float] = {}
    for param, grp in samples.groupby("parameter"):
        vals = grp["value"].astype(float)
        rule = table.indicators.get(str(param))
        if statistic == "mean":
            summary[str(param)] = float(vals.mean())
        elif rule is not None and rule.kind == "lower":
            summary[str(param)] = float(vals.min())
        elif rule is not None and rule.kind == "range":
            # the value furthest outside the best class's range is the worst case
            lo, hi = rule.ranges[0]
            summary[str(param)] = float(max(vals, key=lambda v: max(lo - v, v - hi)))
        else:
            summary[str(param)] = float(vals.max())
    return classify_sample(table, summary, backgrounds=backgrounds, background_class=background_class)
