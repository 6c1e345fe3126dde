"""Year-by-year pathway to the city's CO2 target.

Method (annual energy balance, the same as :mod:`jasyl.macc`):

* **Trajectory.** The allowed energy emissions fall from the start year's level to the target
  (the city's ``target.co2_target_t``, default 0) in the target year: linearly, or through user
  milestones ``{year: fraction of the start-year emissions}``, linear between milestones.
* **Demand growth.** Every use grows by ``demand_growth_per_year`` (measures file) from the city's
  inventory year; measure sizes tied to the energy they address grow with it.
* **What to build.** Each year, after retiring the units that reached the end of their lifetime, the
  model (1) keeps every unit still alive, (2) rolls out the measures that save money (negative cost in
  the MACC) at ``1 / rollout_years`` of their maximum a year, and (3) if the emissions are still above
  the trajectory, takes the MACC merit-order steps one after the other, the last one only as far as
  needed (bisection). Units built in a year form a vintage that stays until ``year + lifetime`` and is
  rebuilt then if it is still needed, so capacity never disappears before the end of its life.
* **Costs.** Capital costs fall from their reference-year value to the ``capex_2030`` value of the
  measures file (linear to 2030, flat after). Investment of a year = new units x that year's capital cost.

The hourly planner (:func:`jasyl.plan`) can check chosen milestone years (``planner_years``): it is run
with that year's CO2 cap and its capacities and cost are reported beside the annual-balance pathway.

That is the ``balance`` engine. The ``planner`` engine (:func:`build_planner_pathway`,
``build_pathway(engine="planner")``, the default of ``jasyl pathway``) solves the hourly planner at
milestone years with that year's cap, demand and capital costs and interpolates the years in between;
see docs/macc-and-pathway.md.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jasyl.city import City, load_city
from jasyl.errors import InputError
from jasyl.macc import Balance, Context, MaccResult, apply_measure, build_context, compute_macc, evaluate
from jasyl.measures import Measure, MeasureLibrary, annuity

__all__ = [
    "Vintage",
    "PathwayYear",
    "Pathway",
    "parse_milestones",
    "trajectory",
    "build_pathway",
    "build_planner_pathway",
    "ENGINES",
    "check_engine",
    "planner_milestone_years",
    "catalogue_for_year",
    "grow_inputs",
    "with_floor",
    "capex_in_year",
    "planner_check_for",
    "pathway_figure",
    "pathway_rows",
    "pathway_section",
    "report_section",
]

PlannerCheck = Callable[[int, float], dict[str, Any]]


@dataclass(frozen=True)
class Vintage:
    measure: str
    year_built: int
    units: float
    retire_year: int  # first year the units are no longer in service
    capex_usd_per_unit: float


@dataclass
class PathwayYear:
    year: int
    target_co2_t: float
    co2_t: float
    frozen_co2_t: float
    investment_usd: float
    annual_cost_usd: float
    capacities: dict[str, float]
    built: dict[str, float]
    retired: dict[str, float]
    investment_by_measure_usd: dict[str, float]
    by_sector_t: dict[str, float]
    meets_target: bool
    planner: dict[str, Any] | None = None
    engine: str = "balance"
    milestone: bool = False
    required_capacities: dict[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "year": self.year,
            "engine": self.engine,
            "target_co2_t": self.target_co2_t,
            "co2_t": self.co2_t,
            "frozen_technology_co2_t": self.frozen_co2_t,
            "investment_usd": self.investment_usd,
            "annual_cost_usd": self.annual_cost_usd,
            "meets_target": self.meets_target,
            "capacities": self.capacities,
            "built": self.built,
            "retired": self.retired,
            "investment_by_measure_usd": self.investment_by_measure_usd,
            "co2_by_sector_t": self.by_sector_t,
        }
        if self.planner is not None:
            out["planner"] = self.planner
        if self.engine == "planner":
            out["milestone"] = self.milestone
            out["required_capacities"] = self.required_capacities or {}
        return out


@dataclass
class Pathway:
    city: str
    start_year: int
    target_year: int
    milestones: dict[int, float]
    start_co2_t: float
    waste_tco2e: float
    years: list[PathwayYear]
    vintages: list[Vintage]
    units: dict[str, str]
    names: dict[str, str]
    growth_per_year: float
    method: str
    notes: list[str] = field(default_factory=list)
    city_names: dict[str, str] = field(default_factory=dict)
    engine: str = "balance"

    def city_label(self, lang: str) -> str:
        return self.city_names.get(lang, self.city)

    @property
    def total_investment_usd(self) -> float:
        return math.fsum(y.investment_usd for y in self.years)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "city": self.city,
            "engine": self.engine,
            "currency": "USD 2024",
            "start_year": self.start_year,
            "target_year": self.target_year,
            "milestones": {str(k): v for k, v in self.milestones.items()},
            "start_co2_t": self.start_co2_t,
            "waste_tco2e_not_covered": self.waste_tco2e,
            "demand_growth_per_year": self.growth_per_year,
            "total_investment_usd": self.total_investment_usd,
            "meets_all_targets": all(y.meets_target for y in self.years),
            "capacity_units": self.units,
            "measure_names": self.names,
            "years": [y.to_dict() for y in self.years],
            "vintages": [v.__dict__ for v in self.vintages],
            "method": self.method,
            "notes": self.notes,
        }
        if self.engine == "planner":
            out.pop("waste_tco2e_not_covered")
        return out


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
                field="--milestones",
                fix="write YEAR:FRACTION pairs separated by commas, e.g. 2030:0.5,2035:0",
            ) from None
        if not sep or not 0 <= frac <= 1.5:
            raise InputError(
                f"milestone '{part}' needs a fraction of the start-year emissions between 0 and 1.5",
                field="--milestones",
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


def capex_in_year(m: Measure, year: int, ref_year: int = 2025, curve_year: int = 2030) -> float:
    """Capital cost per unit in ``year``: linear from the reference value to the 2030 value, flat after."""
    base = m.capex_usd_per_unit.value
    if m.capex_2030_usd_per_unit is None or curve_year <= ref_year:
        return base
    t = min(max((year - ref_year) / (curve_year - ref_year), 0.0), 1.0)
    return base + (m.capex_2030_usd_per_unit.value - base) * t


def _retire_year(year: int, lifetime: float) -> int:
    return year + max(1, round(lifetime))


def _resolve_years(
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
            field="--target-year",
            fix="give a target year after the start year (Kazakhstan's national goal is 2060)",
        )
    if start < city.inventory_year - 50 or target_y > 2100:
        raise InputError("years out of range", field="--start", fix="use years between the inventory year and 2100")
    checked = dict(milestones or {})
    for y in checked:
        if not start < y <= target_y:
            raise InputError(
                f"milestone year {y} is outside {start + 1}-{target_y}",
                field="--milestones",
                fix="give milestone years after the start year and up to the target year",
            )
    growth = growth_per_year if growth_per_year is not None else default_growth
    if not -0.2 < growth < 0.3:
        raise InputError(f"demand growth {growth} a year is out of range", field="--growth", fix="e.g. 0.015 for 1.5 %")
    return start, target_y, checked, growth


def build_pathway(
    city: City | str | None = None,
    library: MeasureLibrary | None = None,
    *,
    start_year: int | None = None,
    target_year: int | None = None,
    milestones: dict[int, float] | None = None,
    growth_per_year: float | None = None,
    macc: MaccResult | None = None,
    ctx: Context | None = None,
    planner_years: list[int] | None = None,
    planner_check: PlannerCheck | None = None,
    engine: str = "balance",
    weather: Any = None,
    planner_method: str = "typical_days",
    planner_hours: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Pathway:
    """Build the year-by-year pathway (see the module docstring).

    ``engine="balance"`` (default of the Python function): the annual energy balance of the measures
    library. ``engine="planner"``: the hourly planner at milestone years (:func:`build_planner_pathway`
    with ``weather``, ``planner_method`` and ``planner_hours``; ``macc``, ``ctx``, ``planner_years`` and
    ``planner_check`` are not used then).
    """
    check_engine(engine)
    if engine == "planner":
        return build_planner_pathway(
            city,
            weather=weather,
            library=library if library is not None else (ctx.library if ctx is not None else None),
            start_year=start_year,
            target_year=target_year,
            milestones=milestones,
            growth_per_year=growth_per_year,
            method=planner_method,
            hours=planner_hours,
            progress=progress,
        )
    city = city if isinstance(city, City) else load_city(city)
    ctx = ctx or build_context(city, library)
    lib = ctx.library
    macc = macc or compute_macc(ctx=ctx)
    start, target_y, milestones, growth = _resolve_years(
        city, start_year, target_year, milestones, growth_per_year, lib.pathway.demand_growth_per_year.value
    )
    ref_year, curve_year = lib.pathway.cost_reference_year, lib.pathway.cost_curve_year
    rollout = max(lib.pathway.rollout_years.value, 1.0)

    # merit-order steps: (measure, share of max) in the order the MACC took them
    steps: list[tuple[Measure, float]] = [(lib.measure(mid), share) for mid, share in macc.steps()]
    # what the MACC left untaken (it avoided nothing on the inventory-year balance) stays available at the
    # end of the merit order: with demand growth it may be needed (more PV and wind for more electricity)
    for item in macc.not_effective:
        mid = item["id"]
        if mid in ctx.max_units and item.get("units_left", 0.0) > 0:
            steps.append((lib.measure(mid), item["units_left"] / ctx.max_units[mid]))
    no_regret: dict[str, float] = {}
    for r in macc.rows:
        if r.cost_usd_per_t < 0:
            no_regret[r.id] = no_regret.get(r.id, 0.0) + r.share_of_max
    measures_in_order: list[Measure] = []
    for m, _ in steps:
        if m not in measures_in_order:
            measures_in_order.append(m)

    def growth_factor(year: int) -> float:
        return (1.0 + growth) ** (year - city.inventory_year)

    def max_units(m: Measure, year: int) -> float:
        base = ctx.max_units[m.id]
        return base if m.uptake.max_units is not None else base * growth_factor(year)

    def state_for(year: int, units: dict[str, float]) -> Balance:
        balance = ctx.base.scaled(growth_factor(year))
        left = dict(units)
        for m, share in steps:
            mu = max_units(m, year)
            step_units = share * mu
            take = min(left.get(m.id, 0.0), step_units)
            left[m.id] = left.get(m.id, 0.0) - take
            if take > 0 and mu > 0:
                # a step fills up to its share of the maximum; units beyond the maximum have no effect
                balance = apply_measure(ctx, balance, m, take / mu, mu)
        return balance

    def emissions(year: int, units: dict[str, float]) -> float:
        return evaluate(ctx, state_for(year, units)).emissions_t

    frozen_start = evaluate(ctx, ctx.base.scaled(growth_factor(start))).emissions_t
    allowed = trajectory(start, frozen_start, target_y, city.target.co2_target_t, milestones)
    tol = 1e-6 * max(frozen_start, 1.0)

    vintages: list[Vintage] = []
    years: list[PathwayYear] = []
    for year in range(start, target_y + 1):
        alive_before = {m.id: 0.0 for m in measures_in_order}
        retired: dict[str, float] = {}
        for v in vintages:
            if v.year_built < year < v.retire_year:
                alive_before[v.measure] += v.units
            elif v.retire_year == year:
                retired[v.measure] = retired.get(v.measure, 0.0) + v.units
        units = dict(alive_before)
        # no-regret measures: roll out at 1/rollout_years of their maximum a year
        for m in measures_in_order:
            if m.id in no_regret:
                mu = max_units(m, year) * no_regret[m.id]
                wanted = min(mu, mu * (year - start + 1) / rollout)
                units[m.id] = max(units[m.id], wanted)
        target = allowed[year]
        # walk the merit order; a step that avoids nothing now (electrification before the electricity is
        # clean) is skipped and tried again in the next pass, after the supply steps behind it
        for _pass in range(4):
            if emissions(year, units) <= target + tol:
                break
            changed = False
            for idx, (m, share) in enumerate(steps):
                mu = max_units(m, year)
                filled_before = sum(s for mm, s in steps[:idx] if mm.id == m.id) * mu
                step_top = filled_before + share * mu
                if units[m.id] >= step_top - 1e-12:
                    continue
                trial = dict(units)
                trial[m.id] = step_top
                now, after = emissions(year, units), emissions(year, trial)
                if after >= now - tol:
                    continue  # avoids nothing in this year's balance (yet): do not build it
                changed = True
                if after > target + tol:
                    units = trial
                    continue
                lo, hi = units[m.id], step_top
                for _ in range(40):
                    mid = 0.5 * (lo + hi)
                    trial[m.id] = mid
                    if emissions(year, trial) > target + tol:
                        lo = mid
                    else:
                        hi = mid
                units[m.id] = hi
                break
            if not changed:
                break
        built: dict[str, float] = {}
        invest: dict[str, float] = {}
        for m in measures_in_order:
            new = units[m.id] - alive_before[m.id]
            if new > 1e-9:
                price = capex_in_year(m, year, ref_year, curve_year)
                vintages.append(Vintage(m.id, year, new, _retire_year(year, m.lifetime_years.value), price))
                built[m.id] = new
                invest[m.id] = new * price
        outcome = evaluate(ctx, state_for(year, units))
        alive = [v for v in vintages if v.year_built <= year < v.retire_year]
        capital = math.fsum(
            v.units
            * (
                v.capex_usd_per_unit * annuity(ctx.discount_rate, lib.measure(v.measure).lifetime_years.value)
                + lib.measure(v.measure).fixed_om_usd_per_unit_year.value
            )
            for v in alive
        )
        check = None
        if planner_check is not None and year in (planner_years or []):
            check = planner_check(year, target)
        years.append(
            PathwayYear(
                year=year,
                target_co2_t=target,
                co2_t=outcome.emissions_t,
                frozen_co2_t=evaluate(ctx, ctx.base.scaled(growth_factor(year))).emissions_t,
                investment_usd=math.fsum(invest.values()),
                annual_cost_usd=capital + outcome.energy_cost_usd,
                capacities={k: v for k, v in units.items() if v > 1e-9},
                built=built,
                retired=retired,
                investment_by_measure_usd=invest,
                by_sector_t=outcome.by_sector_t,
                meets_target=outcome.emissions_t <= target + tol * 10,
                planner=check,
            )
        )
    notes = [
        "Emissions are energy-related CO2e (stationary energy and transport, GPC scopes 1 and 2); waste "
        "emissions are reported but no measure in the library reduces them.",
        "Annual energy balance with matching limits for PV and wind; the hourly planner checks milestone "
        "years only when asked (--planner-years).",
    ]
    if not all(y.meets_target for y in years):
        short = [y.year for y in years if not y.meets_target]
        notes.append(
            f"The measures library cannot meet the trajectory in {', '.join(map(str, short))}: "
            "every measure is at its maximum uptake. Add measures or raise their maximum uptake."
        )
    return Pathway(
        city=city.name,
        start_year=start,
        target_year=target_y,
        milestones=milestones,
        start_co2_t=frozen_start,
        waste_tco2e=ctx.waste_t,
        years=years,
        vintages=vintages,
        units={m.id: m.unit for m in lib.measures},
        names={m.id: m.label("en") for m in lib.measures},
        growth_per_year=growth,
        method="annual energy balance with MACC merit order, vintages and capital-cost decline",
        notes=notes,
        city_names=dict(city.names),
    )


def planner_check_for(city: City, hours: int | None = None) -> PlannerCheck:
    """A milestone check that runs the hourly planner (:func:`jasyl.plan`) with that year's CO2 cap.

    The planner sees today's demand (no growth) and its own technology set; its result is reported
    beside the pathway year as a cross-check of the annual balance, not used to choose the measures.
    """
    import jasyl

    plan = jasyl.plan

    def check(year: int, target_co2_t: float) -> dict[str, Any]:
        result = plan(city, None, target_co2_t, hours=hours)
        return {
            "target_co2_t": target_co2_t,
            "co2_before_t": result.co2_before_t,
            "co2_after_t": result.co2_after_t,
            "capacities": {k: float(v) for k, v in result.capacities.items()},
            "capacity_units": dict(result.capacity_units),
            "total_annual_cost_usd": result.total_annual_cost_usd,
            "hours": result.hours,
            "method": result.method,
        }

    return check


# ------------------------------------------------------------------------------------ figure, report


def pathway_figure(path: Pathway, lang: str = "en") -> Any:
    """Emissions against the trajectory (top) and investment per year (bottom)."""
    from matplotlib.figure import Figure

    from jasyl.i18n import translate

    years = [y.year for y in path.years]
    fig = Figure(figsize=(10, 7), dpi=100)
    top = fig.add_subplot(2, 1, 1)
    top.plot(
        years,
        [y.frozen_co2_t / 1000 for y in path.years],
        color="#999999",
        linestyle=":",
        label=translate("pathway.path.legend_frozen", lang),
    )
    top.plot(
        years,
        [y.target_co2_t / 1000 for y in path.years],
        color="#e15759",
        linestyle="--",
        label=translate("pathway.path.legend_target", lang),
    )
    top.plot(
        years,
        [y.co2_t / 1000 for y in path.years],
        color="#4e79a7",
        marker="o",
        markersize=3,
        label=translate("pathway.path.legend_co2", lang),
    )
    top.set_ylabel(translate("pathway.path.ylabel_co2", lang))
    top.set_ylim(bottom=0)
    top.legend(fontsize=8)
    top.set_title(
        translate("pathway.path.title", lang, city=path.city_label(lang), start=path.start_year, end=path.target_year)
    )
    bottom = fig.add_subplot(2, 1, 2, sharex=top)
    bottom.bar(years, [y.investment_usd / 1e6 for y in path.years], color="#59a14f")
    bottom.set_ylabel(translate("pathway.path.ylabel_invest", lang))
    bottom.set_xlabel(translate("pathway.col.year", lang))
    fig.tight_layout()
    return fig


def pathway_rows(path: Pathway, lang: str = "en", library: MeasureLibrary | None = None) -> list[dict[str, Any]]:
    """One row a year: allowed and actual emissions, investment, the three largest builds of the year."""
    names = dict(path.names)
    if library is not None and path.engine == "balance":
        names.update({m.id: m.label(lang) for m in library.measures})
    if path.engine == "planner":
        from jasyl.report.labels import Labels  # the planner's technology names in kk/ru/en

        labels = Labels(lang)
        names.update({k: labels.tech(k) for k in path.units})
    rows = []
    for y in path.years:
        top = sorted(y.investment_by_measure_usd.items(), key=lambda kv: -kv[1])[:3]
        rows.append(
            {
                "year": y.year,
                "target_co2_t": y.target_co2_t,
                "co2_t": y.co2_t,
                "investment_usd": y.investment_usd,
                "investment_musd": y.investment_usd / 1e6,
                "built": ", ".join(names.get(k, k) for k, _ in top),
                "meets_target": y.meets_target,
            }
        )
    return rows


def pathway_section(
    city: City | str | None = None,
    lang: str = "en",
    *,
    library: MeasureLibrary | None = None,
    path: Pathway | None = None,
) -> dict[str, Any]:
    """Data of the report's pathway section: title, texts, SVG figure and one table row a year."""
    from jasyl.i18n import check_lang, format_number, translate
    from jasyl.macc import figure_bytes

    check_lang(lang)
    from jasyl.measures import load_measures

    library = library or load_measures()
    path = path or build_pathway(city, library)
    kind = (
        translate(
            "pathway.path.milestones",
            lang,
            milestones=", ".join(f"{y}: {format_number(100 * f, lang)} %" for y, f in path.milestones.items()),
        )
        if path.milestones
        else translate("pathway.path.linear", lang)
    )
    last = path.years[-1]
    planner = path.engine == "planner"
    marks = ", ".join(str(y.year) for y in path.years if y.milestone and y.year != path.start_year)
    texts = [
        translate(
            "pathway.path.intro_planner" if planner else "pathway.path.intro",
            lang,
            start_co2=format_number(path.start_co2_t, lang),
            start=path.start_year,
            target=format_number(last.target_co2_t, lang),
            end=path.target_year,
            kind=kind,
            growth=format_number(100 * path.growth_per_year, lang, 1),
            invest=format_number(path.total_investment_usd / 1e6, lang, 1),
        ),
        translate("pathway.path.method_planner", lang, years=marks)
        if planner
        else translate("pathway.path.method", lang),
    ]
    if not planner:
        texts.append(translate("pathway.path.engine_hint", lang))
    short = [str(y.year) for y in path.years if not y.meets_target]
    if short:
        key = "pathway.path.shortfall_planner" if planner else "pathway.path.shortfall"
        texts.append(translate(key, lang, years=", ".join(short)))
    fig = pathway_figure(path, lang)
    return {
        "id": "pathway",
        "title": translate("pathway.path.section_title", lang),
        "texts": texts,
        "figure_svg": figure_bytes(fig, "svg").decode("utf-8"),
        "figure_title": translate(
            "pathway.path.title", lang, city=path.city_label(lang), start=path.start_year, end=path.target_year
        ),
        "columns": {k: translate(f"pathway.col.{k}", lang) for k in ("year", "target", "co2", "investment", "built")},
        "rows": pathway_rows(path, lang, library),
        "data": path.to_dict(),
    }


def report_section(ctx: Any) -> Any:
    """Section provider for the ``jasyl plan`` report (see :mod:`jasyl.report.context`)."""
    from jasyl.macc import section_html
    from jasyl.report.context import ReportFigure, ReportSection

    lang = ctx.lang
    section = pathway_section(ctx.city, lang)
    html = section_html(
        section,
        lang,
        [
            ("year", "year", -1),
            ("target_co2_t", "target", 0),
            ("co2_t", "co2", 0),
            ("investment_musd", "investment", 2),
            ("built", "built", -1),
        ],
    )
    svg = section["figure_svg"]
    svg = svg[svg.index("<svg") :] if "<svg" in svg else svg
    return ReportSection(
        id="pathway",
        title=section["title"],
        html=html,
        figures=[ReportFigure(id="fig-pathway", title=section["figure_title"], svg=svg)],
    )


# ------------------------------------------------------------------------------------ planner engine

ENGINES = ("planner", "balance")
PlannerSolve = Callable[[Any], Any]  # PlanInputs -> PlanResult


def check_engine(engine: str) -> str:
    """The engine name, or an :class:`InputError` naming ``--engine``."""
    if engine not in ENGINES:
        raise InputError(
            f"unknown pathway engine '{engine}'",
            field="--engine",
            fix="use --engine planner (hourly optimiser at milestone years) or --engine balance (annual balance)",
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


def _cost_ratios(year: int, library: MeasureLibrary | None) -> dict[str, float]:
    """Catalogue reference (``generators.wind``) -> capital cost of ``year`` / reference capital cost.

    Taken from the measures library's ``capex_2030_usd_per_unit`` of the measures that name a catalogue
    entry (the same cost decline as the balance engine); entries without one keep their cost.
    """
    if library is None:
        return {}
    ref_year, curve_year = library.pathway.cost_reference_year, library.pathway.cost_curve_year
    out: dict[str, float] = {}
    for m in library.measures:
        if m.catalogue is None or m.capex_2030_usd_per_unit is None or m.catalogue.ref in out:
            continue
        base = m.capex_usd_per_unit.value
        if base > 0:
            out[m.catalogue.ref] = capex_in_year(m, year, ref_year, curve_year) / base
    # tracking PV follows fixed PV when it has no measure of its own
    if "generators.pv_fixed" in out:
        out.setdefault("generators.pv_tracking", out["generators.pv_fixed"])
    return out


def catalogue_for_year(catalogue: Any, year: int, library: MeasureLibrary | None) -> Any:
    """A copy of the planner catalogue with the capital costs of ``year`` (see :func:`_cost_ratios`)."""
    from dataclasses import replace

    ratios = _cost_ratios(year, library)
    if not ratios:
        return catalogue

    def r(section: str, name: str) -> float:
        return ratios.get(f"{section}.{name}", 1.0)

    return replace(
        catalogue,
        generators={
            k: replace(g, capex_usd_per_kw=g.capex_usd_per_kw * r("generators", k))
            for k, g in catalogue.generators.items()
        },
        storage={
            k: replace(
                s,
                capex_power_usd_per_kw=s.capex_power_usd_per_kw * r("storage", k),
                capex_energy_usd_per_kwh=s.capex_energy_usd_per_kwh * r("storage", k),
            )
            for k, s in catalogue.storage.items()
        },
        converters={
            k: replace(c, capex_usd_per_kw=c.capex_usd_per_kw * r("heat_converters", k))
            for k, c in catalogue.converters.items()
        },
        vehicles={
            k: replace(v, ev_premium_usd=v.ev_premium_usd * r("vehicles", k)) for k, v in catalogue.vehicles.items()
        },
    )


def grow_inputs(inp: Any, factor: float) -> Any:
    """Planner inputs with every demand (electricity, heat, vehicle fleet and its fuel) times ``factor``.

    Works on :class:`jasyl.model.inputs.PlanInputs` from outside the model package: demand arrays, the
    capacity of today's fuel-burning heat supply, each vehicle class's charging profile, fuel use, fuel
    cost, fuel CO2, electric-vehicle cost and number of vehicles, and the baseline (today's) CO2 and cost.
    """
    from dataclasses import replace

    if factor == 1.0:
        return inp
    base = dict(inp.baseline)
    base["co2_by_sector_t"] = {k: v * factor for k, v in base.get("co2_by_sector_t", {}).items()}
    if "annual_cost_usd" in base:
        base["annual_cost_usd"] = base["annual_cost_usd"] * factor
    return replace(
        inp,
        demand={k: v * factor for k, v in inp.demand.items()},
        fossil=[replace(f, capacity_mw=f.capacity_mw * factor) for f in inp.fossil],
        vehicles=[
            replace(
                v,
                ev_profile=v.ev_profile * factor,
                fuel_cost=v.fuel_cost * factor,
                fuel_co2_t=v.fuel_co2_t * factor,
                ev_cost=v.ev_cost * factor,
                fuel_mwh=v.fuel_mwh * factor,
                vehicles=v.vehicles * factor,
            )
            for v in inp.vehicles
        ],
        baseline=base,
    )


def with_floor(inp: Any, floor: dict[str, float]) -> Any:
    """Planner inputs whose capacities are at least ``floor`` (technology -> MW, MWh or MW_th).

    Uses the planner's lower bounds (``Generator.existing_mw``, ``Converter.min_mw``,
    ``Storage.min_energy_mwh`` / ``min_power_mw``); the capital cost is still charged on the whole
    capacity, a constant for the sunk part. Electric-vehicle shares have no lower bound in the planner's
    inputs and are not floored.
    """
    from dataclasses import replace

    if not any(v > 0 for v in floor.values()):
        return inp
    return replace(
        inp,
        generators=[replace(g, existing_mw=max(g.existing_mw, floor.get(g.name, 0.0))) for g in inp.generators],
        converters=[replace(c, min_mw=max(c.min_mw, floor.get(c.name, 0.0))) for c in inp.converters],
        storages=[
            replace(
                st,
                min_energy_mwh=max(st.min_energy_mwh, floor.get(f"{st.name}_energy", 0.0)),
                min_power_mw=max(st.min_power_mw, floor.get(f"{st.name}_power", 0.0))
                if st.power_cost > 0
                else st.min_power_mw,
            )
            for st in inp.storages
        ],
    )


@dataclass(frozen=True)
class _Design:
    """One solved (or today's) milestone design in pathway units."""

    capacities: dict[str, float]  # required units in service (MW, MWh, MW_th, vehicles)
    co2_t: float
    by_sector_t: dict[str, float]
    annual_cost_usd: float
    info: dict[str, Any] | None


def _tech_data(catalogue: Any, inp: Any) -> tuple[dict[str, str], dict[str, float], dict[str, float], dict[str, str]]:
    """Units, capital cost per unit (USD), lifetime (years) and labels of every planner decision."""
    units: dict[str, str] = {}
    capex: dict[str, float] = {}
    life: dict[str, float] = {}
    label: dict[str, str] = {}
    for g in inp.generators:
        t = catalogue.generators[g.name]
        units[g.name], capex[g.name], life[g.name], label[g.name] = (
            "MW",
            1000 * t.capex_usd_per_kw,
            t.lifetime_years,
            t.label,
        )
    for s in inp.storages:
        t = catalogue.storage[s.name]
        for part, unit, cost in (
            ("energy", "MWh", t.capex_energy_usd_per_kwh),
            ("power", "MW", t.capex_power_usd_per_kw),
        ):
            key = f"{s.name}_{part}"
            units[key], capex[key], life[key], label[key] = unit, 1000 * cost, t.lifetime_years, f"{t.label} ({part})"
    for c in inp.converters:
        t = catalogue.converters[c.name]
        units[c.name], capex[c.name], life[c.name], label[c.name] = (
            "MW_th",
            1000 * t.capex_usd_per_kw,
            t.lifetime_years,
            t.label,
        )
    for v in inp.vehicles:
        t = catalogue.vehicle(v.name)
        key = f"ev_{v.name}"
        units[key], capex[key], life[key] = "vehicles", t.ev_premium_usd, t.lifetime_years
        label[key] = f"electric vehicles: {v.name.replace('_', ' ')} (price premium)"
    return units, capex, life, label


def _design_from_result(result: Any, inp: Any, seconds: float) -> _Design:
    caps: dict[str, float] = {}
    fleet = {f"ev_{v.name}": v.vehicles for v in inp.vehicles}
    fossil = {f.name for f in inp.fossil}
    for k, v in result.capacities.items():
        if k in fossil:
            continue  # today's fuel-burning plants: kept, no investment
        caps[k] = float(v) * fleet[k] if k in fleet else float(v)
    info = {
        "co2_after_t": float(result.co2_after_t),
        "total_annual_cost_usd": float(result.total_annual_cost_usd),
        "hours": int(result.hours),
        "method": str(result.method),
        "seconds": seconds,
        "energy_mwh": {k: float(v) for k, v in result.energy_mwh.items()},
        "plan_capacities": {k: float(v) for k, v in result.capacities.items()},
        "plan_capacity_units": dict(result.capacity_units),
    }
    return _Design(
        capacities=caps,
        co2_t=float(result.co2_after_t),
        by_sector_t={k: float(v) for k, v in result.co2_after_by_sector_t.items()},
        annual_cost_usd=float(result.total_annual_cost_usd),
        info=info,
    )


def build_planner_pathway(
    city: City | str | None = None,
    *,
    weather: Any = None,
    library: MeasureLibrary | None = None,
    start_year: int | None = None,
    target_year: int | None = None,
    milestones: dict[int, float] | None = None,
    growth_per_year: float | None = None,
    method: str = "typical_days",
    hours: int | None = None,
    catalogue: Any = None,
    solve: PlannerSolve | None = None,
    progress: Callable[[str], None] | None = None,
) -> Pathway:
    """Pathway built on the hourly planner (``engine="planner"``).

    * **Milestones.** The start year (today's system: nothing new, emissions as today with demand
      growth), every 5 years after it (or the years of ``milestones``) and the target year. Each
      milestone after the start is solved with the hourly planner (:func:`jasyl.model.api.solve_inputs`,
      ``method``, first ``hours`` hours or the full year) under that year's CO2 cap of the trajectory,
      with that year's demand (growth from the inventory year, :func:`grow_inputs`) and capital costs
      (:func:`catalogue_for_year`, from the measures library's 2030 costs).
    * **Years between milestones.** Required capacities and CO2 are interpolated linearly between the
      two milestone designs (see docs/macc-and-pathway.md for why the interpolated design is feasible).
    * **Vintages.** Capacity built in a year = required capacity - units still in service from earlier
      vintages (never negative); a vintage lives for its technology's lifetime (planner catalogue) and is
      rebuilt when it retires if still needed. Investment = units built x that year's capital cost.
      Electric vehicles count as vehicles (electrified share x fleet) at the EV price premium.
    """
    from jasyl.model.api import plan_inputs, solve_inputs
    from jasyl.model.catalogue import Catalogue, load_catalogue

    city = city if isinstance(city, City) else load_city(city)
    if library is None:
        from jasyl.measures import load_measures

        library = load_measures()
    start, target_y, milestones, growth = _resolve_years(
        city, start_year, target_year, milestones, growth_per_year, library.pathway.demand_growth_per_year.value
    )
    if hours is not None and not 24 <= hours <= 8760:
        raise InputError(
            f"planner hours {hours} out of range", field="--planner-hours", fix="give 24 to 8760 hours (e.g. 168)"
        )
    base_cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)

    def growth_factor(year: int) -> float:
        return float((1.0 + growth) ** (year - city.inventory_year))

    def inputs_for(year: int, cap_t: float) -> tuple[Any, Any]:
        cat = catalogue_for_year(base_cat, year, library)
        inp = grow_inputs(plan_inputs(city, weather, cap_t, catalogue=cat), growth_factor(year))
        if hours is not None:
            inp = inp.subset(0, min(hours, inp.n_hours))
        return inp, cat

    def say(text: str) -> None:
        if progress is not None:
            progress(text)

    inp0, cat0 = inputs_for(start, 0.0)
    start_co2 = math.fsum(inp0.baseline.get("co2_by_sector_t", {}).values())
    start_cost = float(inp0.baseline.get("annual_cost_usd", 0.0))
    allowed = trajectory(start, start_co2, target_y, city.target.co2_target_t, milestones)
    tol = 1e-4 * max(start_co2, 1.0)
    units, _, life, labels = _tech_data(cat0, inp0)

    designs: dict[int, _Design] = {
        start: _Design(
            {k: 0.0 for k in units}, start_co2, dict(inp0.baseline.get("co2_by_sector_t", {})), start_cost, None
        )
    }
    run = solve or (lambda inp: solve_inputs(inp, method=method))
    marks = planner_milestone_years(start, target_y, milestones)
    vintages: list[Vintage] = []
    years: list[PathwayYear] = []

    def process(year: int) -> None:
        """Interpolate, retire, build and account for one year (its milestones are solved)."""
        lo = max(m for m in marks if m <= year)
        hi = min(m for m in marks if m >= year)
        w = 0.0 if hi == lo else (year - lo) / (hi - lo)
        a, b = designs[lo], designs[hi]

        def mix(x: float, y: float) -> float:
            return (1.0 - w) * x + w * y  # noqa: B023 - evaluated within this iteration

        required = {k: mix(a.capacities.get(k, 0.0), b.capacities.get(k, 0.0)) for k in units}
        sectors = sorted(set(a.by_sector_t) | set(b.by_sector_t))
        _, capex_y, _, _ = _tech_data(catalogue_for_year(base_cat, year, library), inp0)
        alive_before = {k: 0.0 for k in units}
        retired: dict[str, float] = {}
        for v in vintages:
            if v.year_built < year < v.retire_year:
                alive_before[v.measure] += v.units
            elif v.retire_year == year:
                retired[v.measure] = retired.get(v.measure, 0.0) + v.units
        built: dict[str, float] = {}
        invest: dict[str, float] = {}
        in_service: dict[str, float] = {}
        for k in units:
            new = required[k] - alive_before[k]
            scale = max(1.0, abs(required[k]))
            if new > 1e-7 * scale:
                vintages.append(Vintage(k, year, new, _retire_year(year, life[k]), capex_y[k]))
                built[k] = new
                if capex_y[k] * new > 0:
                    invest[k] = capex_y[k] * new
            service = alive_before[k] + built.get(k, 0.0)
            if service > 1e-9:
                in_service[k] = service
        co2 = mix(a.co2_t, b.co2_t)
        is_mark = year in designs
        info = None
        if is_mark and designs[year].info is not None:
            info = dict(designs[year].info or {})
            info["milestone"] = True
        years.append(
            PathwayYear(
                year=year,
                target_co2_t=allowed[year],
                co2_t=co2,
                frozen_co2_t=start_co2 * growth_factor(year) / growth_factor(start),
                investment_usd=math.fsum(invest.values()),
                annual_cost_usd=mix(a.annual_cost_usd, b.annual_cost_usd),
                capacities=in_service,
                built=built,
                retired=retired,
                investment_by_measure_usd=invest,
                by_sector_t={s: mix(a.by_sector_t.get(s, 0.0), b.by_sector_t.get(s, 0.0)) for s in sectors},
                meets_target=co2 <= allowed[year] + tol,
                planner=info,
                engine="planner",
                milestone=is_mark,
                required_capacities={k: v for k, v in required.items() if v > 1e-9},
            )
        )

    process(start)
    for year in marks[1:]:
        # units of earlier vintages that still stand in this milestone year are sunk: the design keeps them
        floor: dict[str, float] = {}
        for v in vintages:
            if v.retire_year > year:
                floor[v.measure] = floor.get(v.measure, 0.0) + v.units
        say(f"pathway: hourly planner for {year} (CO2 cap {allowed[year]:,.0f} t) ...")
        inp, _cat = inputs_for(year, allowed[year])
        inp = with_floor(inp, floor)
        t0 = _dt.datetime.now()
        result = run(inp)
        seconds = (_dt.datetime.now() - t0).total_seconds()
        designs[year] = _design_from_result(result, inp, seconds)
        say(f"pathway: {year} solved in {seconds:.0f} s")
        for y in range(years[-1].year + 1, year + 1):
            process(y)

    horizon = "the full year" if hours is None else f"the first {hours} hours of the year"
    notes = [
        "Energy-related CO2 of electricity, heat and road transport as the hourly planner counts it "
        "(catalogue emission factors); waste is not covered.",
        f"Milestone years {', '.join(str(m) for m in marks[1:])} solved with the hourly planner "
        f"(method {method}, {horizon}); the start year is today's system; years between milestones are "
        "linear interpolations of the milestone designs.",
        "Demand grows from the inventory year (electricity, heat and vehicle fleet alike); capital costs "
        "follow the measures library's 2030 costs where it gives one (PV, wind, batteries, EV premiums). "
        "Efficiency measures (insulation, LED, modal shift) are not in the planner: use --engine balance for those.",
        "Units of earlier vintages still standing at a milestone are lower bounds of its design (sunk); "
        "capacity in service never falls below what earlier vintages still provide.",
    ]
    if not all(y.meets_target for y in years):
        short = [y.year for y in years if not y.meets_target]
        notes.append(f"The planner's designs miss the trajectory in {', '.join(map(str, short))}.")
    return Pathway(
        city=city.name,
        start_year=start,
        target_year=target_y,
        milestones=milestones,
        start_co2_t=start_co2,
        waste_tco2e=0.0,
        years=years,
        vintages=vintages,
        units=units,
        names=labels,
        growth_per_year=growth,
        method=f"hourly planner ({method}) at milestone years {', '.join(map(str, marks))}, linear "
        "interpolation between them, vintages by technology lifetime and capital-cost decline",
        notes=notes,
        city_names=dict(city.names),
        engine="planner",
    )
