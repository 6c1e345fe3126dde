"""Use cases of tracking: adopt a plan, compare the actuals with it, re-plan from the actual state.

Called alike by ``jasyl track`` and the web platform; each loads the city once.

* :func:`adopt_plan` computes the pathway (the ``jasyl pathway`` use case, from the city's inventory year)
  and stores it with its planned indicator series as the city's active plan;
* :func:`track_status` compares the stored actuals with the active plan (adopting one first when there is
  none): ``{"city", "pathway_engine", "indicators": [{"name", "year", "unit", "planned", "actual",
  "deviation_pct", "status"}, ...]}`` plus the inventories recomputed from the actuals;
* :func:`replan` solves the pathway again from the latest actual state (capacity in service kept, demand
  as reported, same target) and compares its cost with what the adopted plan still has to spend;
* :func:`track_report_data` gathers everything the HTML report shows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import Engine

from jasyl.errors import InputError
from jasyl.measures import MeasureLibrary, load_measures
from jasyl.monitoring.settings import get_settings
from jasyl.pathway.result import Pathway
from jasyl.planning.city_inputs import CityData
from jasyl.planning.options import Options, PathwayOptions
from jasyl.planning.pathway import run_pathway
from jasyl.progress import ProgressCallback, stage
from jasyl.technologies import load_catalogue
from jasyl.tracking.actuals import QUANTITIES, ActualRow
from jasyl.tracking.compare import (
    EMISSION_SECTORS,
    INDICATOR_BY_NAME,
    AnnualValue,
    Key,
    annual_values,
    capacity_actuals,
    compare,
    planned_series,
    vehicle_actuals,
)
from jasyl.tracking.inventory import ActualInventory, actual_inventory, city_from_actuals, energy_by_sector
from jasyl.tracking.store import active_plan, demo_present, load_actuals, save_plan
from jasyl.vocabulary import Language, PathwayEngine, PlanMethod

__all__ = ["TrackOptions", "adopt_plan", "track_status", "replan", "track_report_data", "measure_map",
           "ensure_plan", "REPLAN_ITEMS"]

#: planner technologies and balance measures reported in the re-plan, by indicator
REPLAN_ITEMS: tuple[str, ...] = ("pv_mw", "wind_mw", "heat_pump_mw_th", "battery_mwh", "battery_mw")


@dataclass(frozen=True)
class TrackOptions(Options):
    """Options of the tracking use cases (``jasyl track status|report|plan``)."""

    use_case: ClassVar[str] = "track"

    city: str | None = None
    #: pathway engine of a plan adopted by these options (an active plan keeps its own engine)
    engine: PathwayEngine = field(default="planner", metadata={"what": "pathway engine"})
    method: PlanMethod = field(default="typical_days", metadata={"what": "planner method"})
    #: hours of the year the planner solves (24..8760); None: all of them
    hours: int | None = None
    weather: str | None = None
    measures: str | None = None
    #: +- per cent within which an indicator is on track (None: the setting tracking.tolerance_pct)
    tolerance_pct: float | None = None
    #: re-solve the pathway from the actual state (report)
    replan: bool = True
    language: Language = field(default="en", metadata={"what": "language"})

    def check(self) -> None:
        if self.hours is not None and not 24 <= self.hours <= 8760:
            raise InputError(f"planner hours {self.hours} out of range", field="hours", fix="give 24 to 8760")
        if self.tolerance_pct is not None and not 0 <= self.tolerance_pct <= 100:
            raise InputError(f"tolerance {self.tolerance_pct} % out of range", field="tolerance_pct",
                             fix="give 0 to 100 (per cent)")
        for name, what in (("weather", "weather file"), ("measures", "measures file")):
            value = getattr(self, name)
            if value is not None and not Path(value).is_file():
                raise InputError(f"the {what} does not exist", file=value, field=name, fix="give an existing file")
        if self.weather is not None and self.engine != "planner":
            raise InputError("the weather file is used by the planner engine only", field="weather",
                             fix="use the planner engine")

    def pathway_options(self, start_year: int | None) -> PathwayOptions:
        return PathwayOptions(city=self.city, weather=self.weather, measures=self.measures, start_year=start_year,
                              engine=self.engine, method=self.method, hours=self.hours, language=self.language)


# ------------------------------------------------------------------------------------------ planned values

def measure_map(library: MeasureLibrary) -> dict[str, list[tuple[str, float]]]:
    """Balance-engine measures -> [(indicator, units of the indicator per unit of the measure)]."""
    out: dict[str, list[tuple[str, float]]] = {}
    for m in library.measures:
        ref = m.catalogue.ref if m.catalogue is not None else ""
        kw = m.catalogue.kw_per_unit if m.catalogue is not None else 1.0
        section, _, name = ref.partition(".")
        if section == "generators" and name.startswith("pv"):
            out[m.id] = [("pv_mw", kw / 1000.0)]
        elif section == "generators" and name.startswith("wind"):
            out[m.id] = [("wind_mw", kw / 1000.0)]
        elif section == "heat_converters" and name.startswith("heat_pump"):
            out[m.id] = [("heat_pump_mw_th", kw / 1000.0)]
        elif section == "storage" and name.startswith("battery"):
            hours = m.catalogue.hours if m.catalogue is not None and m.catalogue.hours else 4.0
            out[m.id] = [("battery_mwh", 1.0), ("battery_mw", 1.0 / hours)]
        elif section == "vehicles" and f"ev_{name}" in INDICATOR_BY_NAME:
            out[m.id] = [(f"ev_{name}", 1.0)]
        elif not ref and m.unit.startswith("MW_th") and "heat_pump" in m.id:
            out[m.id] = [("heat_pump_mw_th", 1.0)]
    return out


def _baseline_evs(data: CityData) -> dict[str, float]:
    out: dict[str, float] = {}
    for f in data.city.transport.on_road:
        if f.fuel == "grid_electricity":
            out[f.vehicle_class] = out.get(f.vehicle_class, 0.0) + f.vehicles.value
    return out


def _calibrated(series: dict[str, dict[int, float]], data: CityData, start: int) -> tuple[dict[str, dict[int, float]],
                                                                                           dict[str, float]]:
    """The plan's emissions on the inventory's accounting: per sector, x (inventory / plan) at the start year."""
    base = energy_by_sector(data.inventory)
    factors: dict[str, float] = {}
    out = {k: dict(v) for k, v in series.items()}
    for s in EMISSION_SECTORS:
        name = f"co2e_{s}_t"
        at_start = series.get(name, {}).get(start, 0.0)
        factors[s] = base[s] / at_start if at_start > 0 else 1.0
        out[name] = {y: v * factors[s] for y, v in series.get(name, {}).items()}
    years = sorted(series.get("energy_co2e_t", {}))
    out["energy_co2e_t"] = {y: math.fsum(out[f"co2e_{s}_t"].get(y, 0.0) for s in EMISSION_SECTORS) for y in years}
    return out, factors


def adopt_plan(db: Engine, options: TrackOptions, progress: ProgressCallback | None = None, *,
               data: CityData | None = None, note: str = "") -> dict[str, Any]:
    """Compute the pathway from the city's inventory year and store it as the city's active plan."""
    data = data if data is not None else CityData.load(options.city)
    library = load_measures(options.measures)
    popts = options.pathway_options(start_year=data.city.inventory_year)
    path = run_pathway(popts, progress, data=data, library=library)
    raw = planned_series(path.to_dict(), measure_map=measure_map(library), baseline_evs=_baseline_evs(data))
    planned, factors = _calibrated(raw, data, path.start_year)
    save_plan(db, data.city.slug, path.engine, popts.to_dict(), path.to_dict(),
              {"series": planned, "raw": raw, "calibration": factors}, note=note)
    plan = active_plan(db, data.city.slug)
    assert plan is not None
    return plan


def ensure_plan(db: Engine, options: TrackOptions, progress: ProgressCallback | None = None, *,
                data: CityData | None = None) -> dict[str, Any]:
    """The city's active plan; one is adopted with ``options`` when there is none."""
    data = data if data is not None else CityData.load(options.city)
    plan = active_plan(db, data.city.slug)
    if plan is None:
        plan = adopt_plan(db, options, progress, data=data,
                          note="adopted automatically on the first comparison")
    return plan


# ------------------------------------------------------------------------------------------ actual values

@dataclass
class _Actuals:
    rows: list[ActualRow]
    annual: dict[int, dict[Key, AnnualValue]]
    inventories: dict[int, ActualInventory] = field(default_factory=dict)


def _ev_kwh_per_km() -> dict[str, float]:
    cat = load_catalogue()
    return {name: float(v.ev_kwh_per_km) for name, v in cat.vehicles.items() if name != "default"}


def _reported_energy(values: Mapping[Key, AnnualValue]) -> tuple[float, str] | None:
    """Reported energy CO2e of a year: sector 'energy', else stationary_energy + transport (co2e)."""
    got = {k[1]: v.value for k, v in values.items() if k[0] == "emissions" and k[3] == "co2e" and v.value is not None}
    if "energy" in got:
        return float(got["energy"]), "reported emissions (energy)"
    if "stationary_energy" in got and "transport" in got:
        return float(got["stationary_energy"] + got["transport"]), "reported emissions (stationary energy + transport)"
    return None


def _emission_actuals(acts: _Actuals, data: CityData, min_cov: float) -> tuple[
        dict[str, dict[int, tuple[float, str]]], dict[tuple[str, int], str]]:
    out: dict[str, dict[int, tuple[float, str]]] = {}
    reasons: dict[tuple[str, int], str] = {}
    kwh = _ev_kwh_per_km()
    for year, values in sorted(acts.annual.items()):
        ai = actual_inventory(data.city, values, year, ev_kwh_per_km=kwh)
        if ai is not None:
            acts.inventories[year] = ai
        reported = _reported_energy(values)
        for s in ("energy", *EMISSION_SECTORS):
            name = "energy_co2e_t" if s == "energy" else f"co2e_{s}_t"
            cov = ai.coverage_pct.get(s, 0.0) if ai is not None else 0.0
            if ai is not None and cov >= min_cov and cov > 0:
                value = ai.energy_tco2e if s == "energy" else ai.by_sector[s]
                out.setdefault(name, {})[year] = (value, f"recomputed inventory ({cov:.0f} % of it from reported "
                                                         "figures)")
            elif s == "energy" and reported is not None:
                out.setdefault(name, {})[year] = reported
            elif ai is not None:
                reasons[(name, year)] = (f"only {cov:.0f} % of it rests on reported figures (minimum {min_cov:g} %, "
                                         "setting tracking.min_coverage_pct)")
    return out, reasons


def _incomplete_reasons(acts: _Actuals) -> dict[tuple[str, int], str]:
    """Why a year has no annual value although months were reported (shown instead of 'no actual')."""
    out: dict[tuple[str, int], str] = {}
    for year, values in acts.annual.items():
        partial = sorted({f"{k[0]} {v.basis}" for k, v in values.items() if v.value is None and QUANTITIES[k[0]].flow})
        if partial:
            text = "incomplete year: " + "; ".join(partial)
            for name in INDICATOR_BY_NAME:
                if INDICATOR_BY_NAME[name].group == "emissions":
                    out[(name, year)] = text
    return out


# ------------------------------------------------------------------------------------------ status

def _years(plan: dict[str, Any], acts: _Actuals, today: date) -> list[int]:
    series = plan["planned"]["series"]
    plan_years = sorted({y for s in series.values() for y in s})
    if not plan_years:
        return []
    last = max([today.year, *acts.annual])
    return [y for y in plan_years if y <= last] or plan_years[:1]


def _settings(db: Engine) -> dict[str, str]:
    return get_settings(db)


def track_status(db: Engine, options: TrackOptions, progress: ProgressCallback | None = None, *,
                 today: date | None = None, data: CityData | None = None, adopt: bool = True) -> dict[str, Any]:
    """Planned against actual for every indicator and year (see the module docstring).

    With ``adopt`` False (the web: no slow work in a request) a city without an adopted plan gets
    ``{"city", "pathway_engine": None, "indicators": [], "plan": None, ...}``.
    """
    today = today or date.today()
    with stage(progress, "track"):
        data = data if data is not None else CityData.load(options.city)
        if not adopt and active_plan(db, data.city.slug) is None:
            rows = load_actuals(db, data.city.slug)
            return {"city": data.city.name, "pathway_engine": None, "indicators": [], "plan": None,
                    "tolerance_pct": None, "inventory": {}, "counts": _counts([]), "today": today.isoformat(),
                    "actuals": {"rows": len(rows), "years": sorted({r.year for r in rows}),
                                "demo": demo_present(db, data.city.slug)}}
        plan = ensure_plan(db, options, progress, data=data)
        settings = _settings(db)
        tolerance = options.tolerance_pct if options.tolerance_pct is not None else float(
            settings["tracking.tolerance_pct"])
        min_cov = float(settings["tracking.min_coverage_pct"])
        slug = data.city.slug
        rows = load_actuals(db, slug)
        acts = _Actuals(rows, annual_values(rows))
        emissions, reasons = _emission_actuals(acts, data, min_cov)
        actual = {**capacity_actuals(acts.annual), **vehicle_actuals(acts.annual), **emissions}
        for key, text in _incomplete_reasons(acts).items():
            reasons[key] = text + (f"; {reasons[key]}" if key in reasons else "")
        years = _years(plan, acts, today)
        indicators = compare(plan["planned"]["series"], actual, years, tolerance_pct=tolerance, reasons=reasons)
        pathway = plan["pathway"]
        inventories = {}
        for year, ai in sorted(acts.inventories.items()):
            block = ai.to_dict()
            rep = _reported_energy(acts.annual.get(year, {}))
            block["reported_energy_tco2e"] = rep[0] if rep else None
            block["compared"] = ai.coverage_pct["energy"] >= min_cov
            inventories[str(year)] = block
        return {
            "city": data.city.name,
            "pathway_engine": plan["engine"],
            "indicators": indicators,
            "plan": {"adopted_at": plan["adopted_at"].isoformat(timespec="seconds"), "note": plan["note"],
                     "start_year": pathway.get("start_year"), "target_year": pathway.get("target_year"),
                     "target_co2_t": data.city.target.co2_target_t, "options": plan["options"],
                     "calibration": plan["planned"].get("calibration", {}),
                     "total_investment_usd": pathway.get("total_investment_usd")},
            "tolerance_pct": tolerance,
            "min_coverage_pct": min_cov,
            "inventory": inventories,
            "actuals": {"rows": len(rows), "years": sorted(acts.annual), "demo": demo_present(db, slug)},
            "counts": _counts(indicators),
            "today": today.isoformat(),
        }


def _counts(indicators: list[dict[str, Any]]) -> dict[str, Any]:
    """Statuses of the latest year that has any actual value."""
    with_actual = [r["year"] for r in indicators if r["actual"] is not None]
    if not with_actual:
        return {"year": None, "on_track": 0, "ahead": 0, "behind": 0, "no_data": 0}
    year = max(with_actual)
    out: dict[str, Any] = {"year": year, "on_track": 0, "ahead": 0, "behind": 0, "no_data": 0}
    for r in indicators:
        if r["year"] == year:
            out[r["status"]] += 1
    return out


# ------------------------------------------------------------------------------------------ re-plan

#: actual capacity (indicator) -> the engine's unit it floors
_PLANNER_FLOOR = {"pv_mw": "pv_fixed", "wind_mw": "wind", "heat_pump_mw_th": "heat_pump_individual",
                  "battery_mwh": "battery_energy", "battery_mw": "battery_power"}
_BALANCE_FLOOR = {"pv_mw": "pv_utility", "wind_mw": "wind_onshore", "heat_pump_mw_th": "heat_pumps_district",
                  "battery_mwh": "battery_storage"}


def _latest_stocks(annual: Mapping[int, Mapping[Key, AnnualValue]], up_to: int) -> dict[str, tuple[float, int]]:
    caps = capacity_actuals({y: v for y, v in annual.items() if y <= up_to})
    out: dict[str, tuple[float, int]] = {}
    for name, by_year in caps.items():
        year = max(by_year)
        out[name] = (by_year[year][0], year)
    return out


def _in_service(path: dict[str, Any], year: int, mmap: dict[str, list[tuple[str, float]]]) -> dict[str, float]:
    """Indicator capacities in service in ``year`` of a pathway's JSON."""
    series = planned_series(path, measure_map=mmap)
    return {k: series.get(k, {}).get(year, 0.0) for k in REPLAN_ITEMS}


def replan(db: Engine, options: TrackOptions, progress: ProgressCallback | None = None, *,
           today: date | None = None, data: CityData | None = None) -> dict[str, Any]:
    """Solve the pathway again from the actual state (see the module docstring).

    The start is this year; the demand is that of the latest year with whole-year energy actuals (the
    city file where there is none); the capacity in service is the latest reported; the engine and
    options are those of the active plan.
    """
    today = today or date.today()
    data = data if data is not None else CityData.load(options.city)
    plan = ensure_plan(db, options, progress, data=data)
    rows = load_actuals(db, data.city.slug)
    annual = annual_values(rows)
    popts = PathwayOptions.from_dict({k: v for k, v in plan["options"].items() if k != "use_case"})
    start = max(today.year, data.city.inventory_year)
    target = int(plan["pathway"]["target_year"])
    if start >= target:
        return {"computed": False, "reason": f"the target year {target} is not after {start}"}
    demand_years = [y for y, v in annual.items() if any(k[0] in ("energy_use", "fuel_sales", "district_heat_delivered",
                                                                  "grid_electricity_bought") and av.value is not None
                                                       for k, av in v.items())]
    city = data.city
    demand_note = "the city file's"
    if demand_years:
        y = max(demand_years)
        ai_city = _actual_city(data, annual[y], y)
        if ai_city is not None:
            city, demand_note = ai_city, f"reported for {y}"
    stocks = _latest_stocks(annual, start)
    floor_map = _PLANNER_FLOOR if popts.engine == "planner" else _BALANCE_FLOOR
    existing = {floor_map[k]: v for k, (v, _y) in stocks.items() if k in floor_map and v > 0}
    library = load_measures(popts.measures)
    new_data = CityData.load(city)
    with stage(progress, "replan"):
        path: Pathway = run_pathway(popts.replace(start_year=start), progress, data=new_data, library=library,
                                    existing=existing)
    new = path.to_dict()
    old = plan["pathway"]
    mmap = measure_map(library)
    old_left = math.fsum(float(y["investment_usd"]) for y in old["years"] if int(y["year"]) >= start)
    new_total = float(new["total_investment_usd"])
    now = {k: stocks.get(k, (0.0, start))[0] for k in REPLAN_ITEMS}
    needed = _in_service(new, target, mmap)
    return {
        "computed": True,
        "engine": path.engine,
        "start_year": start,
        "target_year": target,
        "target_co2_t": data.city.target.co2_target_t,
        "demand": demand_note,
        "built_now": {k: {"value": now[k], "as_of": stocks[k][1] if k in stocks else None,
                          "unit": INDICATOR_BY_NAME[k].unit} for k in REPLAN_ITEMS},
        "needed_at_target": {k: needed[k] for k in REPLAN_ITEMS},
        "left_to_build": {k: max(needed[k] - now[k], 0.0) for k in REPLAN_ITEMS},
        "adopted_at_target": _in_service(old, target, mmap),
        "investment_usd": {"replan": new_total, "adopted_remaining": old_left, "difference": new_total - old_left},
        "replan_co2_t": {str(y["year"]): y["co2_t"] for y in new["years"]},
        "adopted_co2_t": {str(y["year"]): y["co2_t"] for y in old["years"]},
        "meets_all_targets": bool(new.get("meets_all_targets", True)),
        "notes": list(new.get("notes", [])),
        "pathway": new,
    }


def _actual_city(data: CityData, values: Mapping[Key, AnnualValue], year: int) -> Any:
    """The city with the reported activity of ``year``; its inventory year stays (demand growth counts from
    it). None when nothing reported enters the city's figures."""
    state = city_from_actuals(data.city, values, year, _ev_kwh_per_km())
    if not state.any_actual:
        return None
    return state.city.model_copy(update={"inventory_year": data.city.inventory_year})


# ------------------------------------------------------------------------------------------ report data

def track_report_data(db: Engine, options: TrackOptions, progress: ProgressCallback | None = None, *,
                      today: date | None = None) -> dict[str, Any]:
    """Everything the tracking report shows: status, monthly actuals, re-plan (if asked)."""
    today = today or date.today()
    data = CityData.load(options.city)
    status = track_status(db, options, progress, today=today, data=data)
    rows = load_actuals(db, data.city.slug)
    monthly: dict[str, dict[str, dict[int, float]]] = {}
    for r in rows:
        if r.month and QUANTITIES[r.quantity].flow:
            label = r.quantity + (f" {r.sector}" if r.sector else "") + (f" {r.carrier}" if r.carrier and
                                                                         r.quantity == "energy_use" else "")
            monthly.setdefault(label, {}).setdefault(str(r.year), {})[r.month] = r.value
    plan = ensure_plan(db, options, progress, data=data)
    out: dict[str, Any] = {"status": status, "monthly": monthly, "planned": plan["planned"]["series"],
                           "city_names": dict(data.city.names), "generated": today.isoformat()}
    if options.replan:
        try:
            out["replan"] = replan(db, options, progress, today=today, data=data)
        except InputError as exc:
            out["replan"] = {"computed": False, "reason": str(exc)}
    else:
        out["replan"] = {"computed": False, "reason": "not asked for"}
    return out
