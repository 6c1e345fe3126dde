"""Marginal abatement cost curve (MACC) on a running annual energy balance.

Method
------
1. The city's annual final energy (:func:`jasyl.inventory.final_energy`) is the starting balance:
   one row per sub-sector, carrier and vehicle class. Its emissions use the inventory's own factors
   (fuel rows: the inventory's tCO2e per MWh including CH4 and N2O; grid electricity and district heat:
   the inventory's scope-2 factors), so the balance reproduces the inventory's energy emissions exactly.
2. A measure changes the balance through its effects (see ``jasyl/data/measures.yaml``): it scales a
   use, moves it to another carrier (heat pumps, electric vehicles), makes district heat electric, or
   adds local renewable electricity, storage or a renewable power purchase. Electricity is one system:
   its emissions are ``(demand - usable local renewables - green purchase) x grid factor``, so
   electrification adds electricity that renewables must then cover.
3. Merit order: starting from today, every remaining measure is tried at full uptake on the *current*
   balance; the one with the lowest cost per tonne avoided is taken and the balance updated; repeat.
   Each measure's tonnes and cost are the change it makes to the running balance, so interactions are
   counted once (insulation lowers the heat heat pumps later replace; PV covers the electricity of
   heat pumps and electric vehicles) and the tonnes of all measures add up to the total avoided when all
   measures are applied together. Measures that avoid nothing once the cheaper ones are in place are
   listed apart (``not_effective``).
4. Cost per tonne = (capital annuity + fixed O&M + change in the annual energy bill at the prices of
   the measures file or planner catalogue) / tonnes avoided per year. Money: USD 2024, real.

This is an annual balance, not the hourly planner: how much PV and wind the city can use hour by hour
is approximated by the matching limits of the measures file (the planner, :mod:`jasyl.model`, computes
it from hourly profiles). Waste emissions are outside the measures library (reported, not reduced).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from jasyl.abatement.balance import Balance, Context, Outcome, apply_measure, build_context, evaluate
from jasyl.city import City
from jasyl.finance import annuity
from jasyl.measures import Measure, MeasureLibrary

__all__ = ["MaccRow", "MaccResult", "compute_macc"]


@dataclass(frozen=True)
class MaccRow:
    id: str
    name: str
    category: str
    unit: str
    units: float
    investment_usd: float
    capital_annuity_usd: float
    fixed_om_usd: float
    energy_cost_change_usd: float
    annualised_cost_usd: float
    abatement_t_per_year: float
    cost_usd_per_t: float
    cumulative_abatement_t: float
    lifetime_years: float
    cost_source: str
    share_of_max: float = 1.0
    tranche: int = 1
    tranches: int = 1
    merit_rank: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class MaccResult:
    city: str
    year: int
    rows: list[MaccRow]
    baseline_tco2e: float
    energy_baseline_tco2e: float
    waste_tco2e: float
    total_abatement_t: float
    residual_energy_tco2e: float
    not_effective: list[dict[str, Any]] = field(default_factory=list)
    assumptions: dict[str, Any] = field(default_factory=dict)
    method: str = ""
    city_names: dict[str, str] = field(default_factory=dict)

    def city_label(self, lang: str) -> str:
        return self.city_names.get(lang, self.city)

    def steps(self) -> list[tuple[str, float]]:
        """The merit order (order taken) as (measure id, share of its maximum uptake) steps."""
        return [(r.id, r.share_of_max) for r in sorted(self.rows, key=lambda r: r.merit_rank)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "city": self.city,
            "year": self.year,
            "currency": "USD 2024",
            "baseline_tco2e": self.baseline_tco2e,
            "energy_baseline_tco2e": self.energy_baseline_tco2e,
            "waste_tco2e": self.waste_tco2e,
            "total_abatement_t": self.total_abatement_t,
            "residual_energy_tco2e": self.residual_energy_tco2e,
            "total_investment_usd": math.fsum(r.investment_usd for r in self.rows),
            "measures": [r.to_dict() for r in self.rows],
            "not_effective": self.not_effective,
            "assumptions": self.assumptions,
            "method": self.method,
        }


def _costs(ctx: Context, m: Measure, units: float, capex_per_unit: float | None = None) -> tuple[float, float, float]:
    """(investment, capital annuity, fixed O&M) of ``units`` of a measure, USD."""
    capex = (capex_per_unit if capex_per_unit is not None else m.capex_usd_per_unit.value) * units
    return capex, capex * annuity(ctx.discount_rate, m.lifetime_years.value), m.fixed_om_usd_per_unit_year.value * units


def compute_macc(
    city: City | None = None, library: MeasureLibrary | None = None, *, ctx: Context | None = None
) -> MaccResult:
    """The MACC of a city: measures in merit order with interactions (see the module docstring).

    A measure with ``tranches: n`` (supply only) enters the merit order as n equal steps, so that the
    first megawatts of PV can come early and the last ones after electrification has raised demand.
    """
    if ctx is None:
        if city is None or library is None:
            raise ValueError("compute_macc needs a city and its measures library, or a balance context")
        ctx = build_context(city, library)
    lib = ctx.library
    tol = max(1e-9 * ctx.energy_inventory_t, 1e-6)
    state = ctx.base
    current = evaluate(ctx, state)
    baseline = current
    taken: dict[str, int] = {m.id: 0 for m in lib.measures if m.id in ctx.max_units}
    rows: list[MaccRow] = []
    cumulative = 0.0
    while True:
        best: tuple[float, Measure, Balance, Outcome, float] | None = None
        for m in lib.measures:
            if m.id not in taken or taken[m.id] >= m.tranches:
                continue
            trial = apply_measure(ctx, state, m, 1.0 / m.tranches)
            out = evaluate(ctx, trial)
            abated = current.emissions_t - out.emissions_t
            if abated <= tol:
                continue
            _, ann, om = _costs(ctx, m, ctx.max_units[m.id] / m.tranches)
            cpt = (ann + om + out.energy_cost_usd - current.energy_cost_usd) / abated
            if best is None or cpt < best[0] - 1e-9:
                best = (cpt, m, trial, out, abated)
        if best is None:
            break
        cpt, m, state, out, abated = best
        taken[m.id] += 1
        units = ctx.max_units[m.id] / m.tranches
        invest, ann, om = _costs(ctx, m, units)
        d_energy = out.energy_cost_usd - current.energy_cost_usd
        cumulative += abated
        rows.append(
            MaccRow(
                id=m.id,
                name=m.label("en") + (f" ({taken[m.id]}/{m.tranches})" if m.tranches > 1 else ""),
                category=m.category,
                unit=m.unit,
                units=units,
                investment_usd=invest,
                capital_annuity_usd=ann,
                fixed_om_usd=om,
                energy_cost_change_usd=d_energy,
                annualised_cost_usd=ann + om + d_energy,
                abatement_t_per_year=abated,
                cost_usd_per_t=cpt,
                cumulative_abatement_t=cumulative,
                lifetime_years=m.lifetime_years.value,
                cost_source=m.cost_source,
                share_of_max=1.0 / m.tranches,
                tranche=taken[m.id],
                tranches=m.tranches,
                merit_rank=len(rows) + 1,
            )
        )
        current = out
    not_effective: list[dict[str, Any]] = []
    for m in lib.measures:
        if m.id in ctx.not_applicable:
            not_effective.append(
                {
                    "id": m.id,
                    "name": m.label("en"),
                    "abatement_t_per_year": 0.0,
                    "units_left": 0.0,
                    "reason": ctx.not_applicable[m.id],
                }
            )
        elif taken[m.id] < m.tranches:
            left = (m.tranches - taken[m.id]) / m.tranches
            rest = evaluate(ctx, apply_measure(ctx, state, m, left))
            not_effective.append(
                {
                    "id": m.id,
                    "name": m.label("en"),
                    "abatement_t_per_year": current.emissions_t - rest.emissions_t,
                    "units_left": left * ctx.max_units[m.id],
                    "reason": "avoids no CO2 once the measures above are in place",
                }
            )
    total = math.fsum(r.abatement_t_per_year for r in rows)
    # the curve is drawn cheapest first; each row keeps the tonnes and cost it had where it was taken in
    # the merit order (merit_rank), so the tonnes still add up to the total avoided
    ordered = sorted(rows, key=lambda r: (r.cost_usd_per_t, r.merit_rank))
    cumulative = 0.0
    rows = []
    seen: dict[str, int] = {}
    for r in ordered:
        cumulative += r.abatement_t_per_year
        seen[r.id] = seen.get(r.id, 0) + 1  # tranches are equal: number them along the curve
        name = lib.measure(r.id).label("en") + (f" ({seen[r.id]}/{r.tranches})" if r.tranches > 1 else "")
        rows.append(replace(r, cumulative_abatement_t=cumulative, tranche=seen[r.id], name=name))
    return MaccResult(
        city=ctx.city.name,
        year=ctx.city.inventory_year,
        rows=rows,
        baseline_tco2e=ctx.inventory_total_t,
        energy_baseline_tco2e=baseline.emissions_t,
        waste_tco2e=ctx.waste_t,
        total_abatement_t=total,
        residual_energy_tco2e=current.emissions_t,
        not_effective=not_effective,
        city_names=dict(ctx.city.names),
        assumptions=_assumptions(ctx),
        method=(
            "annual energy balance; measures taken one by one in merit order (lowest cost per tonne on the "
            "running balance), each measure's tonnes and cost measured against the balance left by the "
            "measures before it"
        ),
    )


def _assumptions(ctx: Context) -> dict[str, Any]:
    lib = ctx.library
    return {
        "discount_rate": lib.discount_rate.value,
        "discount_rate_source": lib.discount_rate.describe(),
        "prices_usd_per_mwh": dict(ctx.prices),
        "prices_source": lib.prices_source,
        "grid_factor_tco2e_per_mwh": ctx.grid_factor,
        "district_heat_factor_tco2e_per_mwh": ctx.heat_factor,
        "measures_file": lib.source_file,
        "unsourced_figures": lib.unsourced(),
    }
