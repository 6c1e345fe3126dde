"""Planned against actual: indicators, annual values, deviation and status.

* **Annual values** (:func:`annual_values`). A whole-year row is the year's value. Without one, a flow
  (energy, fuel, heat, electricity, emissions) is the sum of its months when all twelve are there, and has
  no annual value otherwise (a partial year is shown month by month, not compared with a yearly plan); a
  stock (capacity in service, registered vehicles) is the value of the latest month given.
* **Indicators** (:data:`INDICATORS`). Energy-related CO2e in total and by the pathway's sectors
  (electricity, district heat, transport, fuel burnt in buildings, fuel burnt in industry), PV, wind,
  heat-pump and battery capacity, and electric vehicles by class. The planned value of a year comes from
  the adopted pathway (:func:`planned_series`), the actual one from the actuals (capacities, vehicles) or
  from the GHG inventory recomputed from them (emissions; :mod:`jasyl.tracking.inventory`).
* **Status** (:func:`deviation_status`). ``deviation_pct = 100 (actual - planned) / planned``. Within
  +-tolerance (default 5 %) the indicator is ``on_track``; beyond it, ``ahead`` or ``behind`` by the
  indicator's direction (less CO2 is ahead, more capacity is ahead). A planned value of 0 gives no
  percentage: ``on_track`` if the actual is 0 too, else ahead or behind by direction. No actual value:
  ``no_data``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from jasyl.tracking.actuals import QUANTITIES, ActualRow
from jasyl.vocabulary import VEHICLE_CLASSES

__all__ = [
    "Direction",
    "STATUSES",
    "IndicatorDef",
    "INDICATORS",
    "INDICATOR_BY_NAME",
    "AnnualValue",
    "annual_values",
    "deviation_status",
    "compare",
    "planned_series",
    "PLANNER_CAPACITY_MAP",
    "SECTOR_MAP",
    "EMISSION_SECTORS",
    "capacity_actuals",
    "vehicle_actuals",
    "DEFAULT_TOLERANCE_PCT",
]

Direction = Literal["higher_better", "lower_better"]
STATUSES: tuple[str, ...] = ("on_track", "behind", "ahead", "no_data")
DEFAULT_TOLERANCE_PCT = 5.0
#: planned values below this (in the indicator's unit) are numerical noise of the optimiser and count as 0
ZERO = 1e-6

#: the five energy sectors of the comparison (the pathway's sector keys map onto them, see SECTOR_MAP)
EMISSION_SECTORS: tuple[str, ...] = ("electricity", "district_heat", "transport", "buildings", "industry")


@dataclass(frozen=True)
class IndicatorDef:
    name: str
    unit: str
    direction: Direction
    group: Literal["emissions", "capacity", "vehicles"]


INDICATORS: tuple[IndicatorDef, ...] = (
    IndicatorDef("energy_co2e_t", "tCO2e", "lower_better", "emissions"),
    *(IndicatorDef(f"co2e_{s}_t", "tCO2e", "lower_better", "emissions") for s in EMISSION_SECTORS),
    IndicatorDef("pv_mw", "MW", "higher_better", "capacity"),
    IndicatorDef("wind_mw", "MW", "higher_better", "capacity"),
    IndicatorDef("heat_pump_mw_th", "MW_th", "higher_better", "capacity"),
    IndicatorDef("battery_mwh", "MWh", "higher_better", "capacity"),
    IndicatorDef("battery_mw", "MW", "higher_better", "capacity"),
    *(IndicatorDef(f"ev_{c}", "vehicles", "higher_better", "vehicles") for c in VEHICLE_CLASSES),
)
INDICATOR_BY_NAME: dict[str, IndicatorDef] = {d.name: d for d in INDICATORS}

#: planner-engine capacity names -> indicator
PLANNER_CAPACITY_MAP: dict[str, str] = {
    "pv_fixed": "pv_mw", "pv_tracking": "pv_mw", "pv_rooftop": "pv_mw", "wind": "wind_mw",
    "heat_pump_individual": "heat_pump_mw_th", "heat_pump_district": "heat_pump_mw_th",
    "battery_energy": "battery_mwh", "battery_power": "battery_mw",
    **{f"ev_{c}": f"ev_{c}" for c in VEHICLE_CLASSES},
}
#: pathway sector keys (both engines) -> comparison sector
SECTOR_MAP: dict[str, str] = {
    "electricity": "electricity", "district_heat": "district_heat", "transport": "transport",
    "individual_heat": "buildings", "buildings": "buildings", "industry_heat": "industry", "industry": "industry",
}
#: installed_capacity items -> indicator
CAPACITY_ITEMS: dict[str, str] = {"pv": "pv_mw", "wind": "wind_mw", "heat_pump": "heat_pump_mw_th",
                                  "battery_energy": "battery_mwh", "battery_power": "battery_mw"}


# ------------------------------------------------------------------------------------------ annual values

@dataclass(frozen=True)
class AnnualValue:
    value: float | None          # None: the year is incomplete for a flow
    basis: str                   # "year", "12 months", "month 10 (latest)", "months 1-7 only"
    months: tuple[int, ...] = ()


Key = tuple[str, str, str, str]  # quantity, sector, carrier, item


def annual_values(rows: Iterable[ActualRow]) -> dict[int, dict[Key, AnnualValue]]:
    """Year -> (quantity, sector, carrier, item) -> annual value, by the rules of the module docstring."""
    yearly: dict[tuple[int, Key], float] = {}
    monthly: dict[tuple[int, Key], dict[int, float]] = defaultdict(dict)
    for r in rows:
        key = (r.quantity, r.sector, r.carrier, r.item)
        if r.month == 0:
            yearly[(r.year, key)] = r.value
        else:
            monthly[(r.year, key)][r.month] = r.value
    out: dict[int, dict[Key, AnnualValue]] = defaultdict(dict)
    for (year, key), value in yearly.items():
        out[year][key] = AnnualValue(value, "year", tuple(sorted(monthly.get((year, key), {}))))
    for (year, key), months in monthly.items():
        if key in out[year]:
            continue
        got = tuple(sorted(months))
        if not QUANTITIES[key[0]].flow:
            out[year][key] = AnnualValue(months[got[-1]], f"month {got[-1]} (latest)", got)
        elif len(got) == 12:
            out[year][key] = AnnualValue(math.fsum(months.values()), "12 months", got)
        else:
            out[year][key] = AnnualValue(None, f"months {_ranges(got)} only", got)
    return dict(out)


def _ranges(months: tuple[int, ...]) -> str:
    parts: list[str] = []
    start = prev = months[0]
    for m in months[1:] + (99,):
        if m != prev + 1:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = m
        prev = m
    return ",".join(parts)


def capacity_actuals(annual: Mapping[int, Mapping[Key, AnnualValue]]) -> dict[str, dict[int, tuple[float, str]]]:
    """Indicator -> year -> (value, basis) for installed capacity (summed over sectors)."""
    out: dict[str, dict[int, tuple[float, str]]] = defaultdict(dict)
    for year, values in annual.items():
        sums: dict[str, list[tuple[float, str]]] = defaultdict(list)
        for (quantity, _sector, _carrier, item), av in values.items():
            if quantity == "installed_capacity" and av.value is not None:
                sums[CAPACITY_ITEMS[item]].append((av.value, av.basis))
        for name, parts in sums.items():
            out[name][year] = (math.fsum(v for v, _ in parts), "; ".join(sorted({b for _, b in parts})))
    return dict(out)


def vehicle_actuals(annual: Mapping[int, Mapping[Key, AnnualValue]]) -> dict[str, dict[int, tuple[float, str]]]:
    """``ev_<class>`` -> year -> (registered electric vehicles, basis)."""
    out: dict[str, dict[int, tuple[float, str]]] = defaultdict(dict)
    for year, values in annual.items():
        for (quantity, _sector, carrier, item), av in values.items():
            if quantity == "registered_vehicles" and carrier == "grid_electricity" and av.value is not None:
                out[f"ev_{item}"][year] = (av.value, av.basis)
    return dict(out)


# ------------------------------------------------------------------------------------------ status

def deviation_status(planned: float | None, actual: float | None, direction: Direction,
                     tolerance_pct: float = DEFAULT_TOLERANCE_PCT) -> tuple[float | None, str]:
    """(deviation in %, status) of one indicator-year (see the module docstring)."""
    if actual is None or planned is None:
        return None, "no_data"
    if abs(planned) < ZERO:
        if abs(actual) < ZERO:
            return None, "on_track"
        better = actual < 0 if direction == "lower_better" else actual > 0
        return None, "ahead" if better else "behind"
    dev = 100.0 * (actual - planned) / abs(planned)
    if abs(dev) <= tolerance_pct + 1e-9:
        return dev, "on_track"
    better = dev < 0 if direction == "lower_better" else dev > 0
    return dev, "ahead" if better else "behind"


def compare(planned: Mapping[str, Mapping[int, float]], actual: Mapping[str, Mapping[int, tuple[float, str]]],
            years: Iterable[int], *, tolerance_pct: float = DEFAULT_TOLERANCE_PCT,
            reasons: Mapping[tuple[str, int], str] | None = None) -> list[dict[str, Any]]:
    """One row per indicator (that the plan or the actuals have) and year.

    Keys of a row: ``name``, ``year``, ``unit``, ``planned``, ``actual``, ``deviation_pct``, ``status``, plus
    ``direction`` and ``actual_basis`` (where the actual value comes from, or why there is none).
    """
    rows: list[dict[str, Any]] = []
    year_list = sorted(set(years))
    for d in INDICATORS:
        plan = planned.get(d.name, {})
        act = actual.get(d.name, {})
        if not any(abs(v) >= ZERO for v in plan.values()) and not act:
            continue  # neither planned nor reported: not an indicator of this city
        for y in year_list:
            p = plan.get(y)
            p = 0.0 if p is not None and abs(p) < ZERO else p
            a, basis = act.get(y, (None, (reasons or {}).get((d.name, y), "no actual value reported")))
            dev, status = deviation_status(p, a, d.direction, tolerance_pct)
            rows.append({"name": d.name, "year": y, "unit": d.unit, "planned": p, "actual": a,
                         "deviation_pct": dev, "status": status,
                         "direction": d.direction, "actual_basis": basis})
    return rows


# ------------------------------------------------------------------------------------------ planned values

def planned_series(pathway: Mapping[str, Any], *, measure_map: Mapping[str, list[tuple[str, float]]] | None = None,
                   baseline_evs: Mapping[str, float] | None = None) -> dict[str, dict[int, float]]:
    """Indicator -> year -> planned value, from a pathway's JSON form (``Pathway.to_dict()``).

    ``measure_map`` translates the balance engine's measures into indicators (measure id -> [(indicator,
    factor)]; see :func:`jasyl.tracking.plan.measure_map`). ``baseline_evs`` are the electric vehicles the city
    file already has, by class: the plan's electric vehicles come on top of them.
    """
    engine = str(pathway.get("engine", "balance"))
    out: dict[str, dict[int, float]] = defaultdict(dict)
    for y in pathway["years"]:
        year = int(y["year"])
        out["energy_co2e_t"][year] = float(y["co2_t"])
        sectors: dict[str, float] = defaultdict(float)
        for key, value in (y.get("co2_by_sector_t") or {}).items():
            if key in SECTOR_MAP:
                sectors[SECTOR_MAP[key]] += float(value)
        for s in EMISSION_SECTORS:
            out[f"co2e_{s}_t"][year] = sectors.get(s, 0.0)
        caps: dict[str, float] = defaultdict(float)
        for key, value in (y.get("capacities") or {}).items():
            if engine == "planner":
                if key in PLANNER_CAPACITY_MAP:
                    caps[PLANNER_CAPACITY_MAP[key]] += float(value)
            else:
                for name, factor in (measure_map or {}).get(key, []):
                    caps[name] += float(value) * factor
        for name in ("pv_mw", "wind_mw", "heat_pump_mw_th", "battery_mwh", "battery_mw"):
            out[name][year] = caps.get(name, 0.0)
        for c in VEHICLE_CLASSES:
            base = float((baseline_evs or {}).get(c, 0.0))
            out[f"ev_{c}"][year] = base + caps.get(f"ev_{c}", 0.0)
    return {k: dict(v) for k, v in out.items()}
