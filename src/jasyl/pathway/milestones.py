"""Years and emission targets of a pathway: milestones, the allowed-emissions trajectory, checks.

Errors name the option's field (``milestones``, ``start_year``, ``target_year``, ``growth``,
``engine``); front ends map them to their own words.
"""

from __future__ import annotations

import datetime as _dt

from jasyl.city import City
from jasyl.errors import InputError
from jasyl.vocabulary import PATHWAY_ENGINE_SET, PATHWAY_ENGINES

__all__ = [
    "parse_milestones",
    "trajectory",
    "resolve_years",
    "planner_milestone_years",
    "retire_year",
    "check_engine",
    "ENGINES",
]

ENGINES = PATHWAY_ENGINES


def parse_milestones(text: str | None) -> dict[int, float]:
    """``"2030:0.5,2035:0"`` -> ``{2030: 0.5, 2035: 0.0}`` (fractions of the start-year emissions)."""
    if not text:
        return {}
    out: dict[int, float] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        year_text, sep, frac_text = part.partition(":")
        try:
            year = int(year_text)
            frac = float(frac_text.rstrip("%")) / (100.0 if frac_text.endswith("%") else 1.0)
        except ValueError:
            raise InputError(
                f"cannot read milestone '{part}'",
                field="milestones",
                fix="write YEAR:FRACTION pairs separated by commas, e.g. 2030:0.5,2035:0",
            ) from None
        if not sep or not 0 <= frac <= 1.5:
            raise InputError(
                f"milestone '{part}' needs a fraction of the start-year emissions between 0 and 1.5",
                field="milestones",
                fix="e.g. 2030:0.5 means half of the start-year emissions in 2030",
            )
        out[year] = frac
    return dict(sorted(out.items()))


def trajectory(
    start_year: int, start_co2: float, target_year: int, target_co2: float, milestones: dict[int, float] | None = None
) -> dict[int, float]:
    """Allowed emissions for every year from ``start_year`` to ``target_year`` (inclusive)."""
    points = {start_year: start_co2}
    for year, frac in (milestones or {}).items():
        points[year] = frac * start_co2
    if target_year not in points:
        points[target_year] = target_co2
    years = sorted(points)
    out: dict[int, float] = {}
    for y in range(start_year, target_year + 1):
        lo = max(p for p in years if p <= y)
        hi = min((p for p in years if p >= y), default=lo)
        if hi == lo:
            out[y] = points[lo]
        else:
            out[y] = points[lo] + (points[hi] - points[lo]) * (y - lo) / (hi - lo)
    return out

def retire_year(year: int, lifetime: float) -> int:
    return year + max(1, round(lifetime))


def resolve_years(
    city: City,
    start_year: int | None,
    target_year: int | None,
    milestones: dict[int, float] | None,
    growth_per_year: float | None,
    default_growth: float,
) -> tuple[int, int, dict[int, float], float]:
    """Start year, target year, milestones and demand growth of a pathway, checked (both engines)."""
    target_y = target_year if target_year is not None else city.target.target_year
    start = start_year if start_year is not None else max(city.inventory_year, _dt.date.today().year)
    if start_year is None and start >= target_y > city.inventory_year:
        start = city.inventory_year  # the target year is this year or past: show the path from the inventory
    if target_y <= start:
        raise InputError(
            f"target year {target_y} is not after the start year {start}",
            field="target_year",
            fix="give a target year after the start year (Kazakhstan's national goal is 2060)",
        )
    if start < city.inventory_year - 50 or target_y > 2100:
        raise InputError("years out of range", field="start_year", fix="use years between the inventory year and 2100")
    checked = dict(milestones or {})
    for y in checked:
        if not start < y <= target_y:
            raise InputError(
                f"milestone year {y} is outside {start + 1}-{target_y}",
                field="milestones",
                fix="give milestone years after the start year and up to the target year",
            )
    growth = growth_per_year if growth_per_year is not None else default_growth
    if not -0.2 < growth < 0.3:
        raise InputError(f"demand growth {growth} a year is out of range", field="growth", fix="e.g. 0.015 for 1.5 %")
    return start, target_y, checked, growth

def check_engine(engine: str) -> str:
    """The engine name, or an :class:`InputError` naming the field ``engine``."""
    if engine not in PATHWAY_ENGINE_SET:
        raise InputError(
            f"unknown pathway engine '{engine}'",
            field="engine",
            fix="use planner (hourly optimiser at milestone years) or balance (annual balance of the measures)",
        )
    return engine


def planner_milestone_years(start: int, target: int, milestones: dict[int, float] | None = None) -> list[int]:
    """Years the planner engine solves: the start year, every 5 years after it (or the user's milestone
    years) and the target year."""
    if milestones:
        years = {start, target, *milestones}
    else:
        years = {start, target, *range(start, target + 1, 5)}
    return sorted(y for y in years if start <= y <= target)
