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

import io
import math
import textwrap
from dataclasses import dataclass, field, replace
from typing import Any

from jasyl.city import City, load_city
from jasyl.errors import InputError
from jasyl.factors import fuels, gwp
from jasyl.inventory import compute_inventory, final_energy
from jasyl.measures import Effect, Measure, MeasureLibrary, annuity, load_measures

__all__ = [
    "Balance",
    "Context",
    "MaccRow",
    "MaccResult",
    "build_context",
    "apply_measure",
    "apply_all",
    "evaluate",
    "compute_macc",
    "macc_figure",
    "figure_bytes",
    "table_rows",
    "unit_label",
    "macc_section",
    "section_html",
    "report_section",
]

Key = tuple[str, str, str]  # (subsector, carrier, vehicle_class)
ELECTRICITY = "grid_electricity"
HEAT = "district_heat"
MWH_TO_TJ = 0.0036
_USE = {
    "residential": "residential",
    "commercial_institutional": "commercial_institutional",
    "manufacturing_construction": "manufacturing_construction",
    "agriculture_forestry_fishing": "commercial_institutional",
    "on_road": "on_road",
}


@dataclass(frozen=True)
class Row:
    energy_mwh: float
    vkm: float = 0.0
    vehicles: float = 0.0


@dataclass(frozen=True)
class Balance:
    """Annual energy balance of the city plus the supply-side state the measures change."""

    rows: dict[Key, Row]
    dh_electric: tuple[tuple[float, float], ...] = ()  # (share of district heat, MWh electricity per MWh heat)
    dh_supply_factor: float = 1.0  # heat produced per MWh delivered, relative to today
    generation_mwh: tuple[tuple[str, float], ...] = ()  # (pv|wind, MWh a year)
    storage_mwh: float = 0.0
    green: tuple[tuple[float, float], ...] = ()  # (share of remaining grid electricity, premium USD/MWh)

    def scaled(self, factor: float) -> Balance:
        """All uses multiplied by ``factor`` (demand growth)."""
        rows = {k: Row(r.energy_mwh * factor, r.vkm * factor, r.vehicles * factor) for k, r in self.rows.items()}
        return replace(self, rows=rows)


@dataclass(frozen=True)
class Outcome:
    emissions_t: float
    energy_cost_usd: float
    electricity_mwh: float
    local_renewable_used_mwh: float
    exported_mwh: float
    by_sector_t: dict[str, float]


@dataclass
class Context:
    """City-specific constants of the balance: factors, prices, limits, maximum uptakes."""

    city: City
    library: MeasureLibrary
    base: Balance
    factors: dict[Key, float]
    grid_factor: float
    heat_factor: float
    prices: dict[str, float]
    max_units: dict[str, float]
    not_applicable: dict[str, str]
    inventory_total_t: float
    energy_inventory_t: float
    waste_t: float

    @property
    def discount_rate(self) -> float:
        return self.library.discount_rate.value

    def factor(self, key: Key) -> float:
        if key in self.factors:
            return self.factors[key]
        for (sub, carrier, _), value in self.factors.items():
            if sub == key[0] and carrier == key[1]:
                return value
        return _fuel_factor(key[1], _USE.get(key[0], "commercial_institutional"), self.city)

    def price(self, carrier: str) -> float:
        if carrier not in self.prices:
            raise InputError(
                f"no price for {carrier}",
                file=self.library.source_file,
                field=f"prices.{carrier}",
                fix="add it in USD per MWh with its source",
            )
        return self.prices[carrier]


def _fuel_factor(carrier: str, use: str, city: City) -> float:
    """tCO2e per MWh of a fuel from the IPCC factor catalogue (for fuels the city does not use yet)."""
    spec = fuels().get(carrier)
    if spec is None:
        raise InputError(f"no emission factor for '{carrier}'", file=city.source_file, field="carrier")
    g = gwp()
    ch4, n2o = spec.non_co2(use)
    co2 = 0.0 if spec.biogenic else spec.co2_kg_per_tj
    return MWH_TO_TJ * (co2 * g["co2"] + ch4 * g["ch4"] + n2o * g["n2o"]) / 1000.0


def build_context(city: City | str | None = None, library: MeasureLibrary | None = None) -> Context:
    """Read the city's energy balance and inventory factors and size every measure for it."""
    city = load_city(city) if not isinstance(city, City) else city
    library = library or load_measures()
    energy = final_energy(city)
    inventory = compute_inventory(city)
    rows: dict[Key, Row] = {}
    for rec in energy.itertuples(index=False):
        key = (str(rec.subsector), str(rec.carrier), str(rec.vehicle_class))
        old = rows.get(key, Row(0.0))
        rows[key] = Row(
            old.energy_mwh + float(rec.energy_mwh), old.vkm + float(rec.vkm), old.vehicles + float(rec.vehicles)
        )
    factors: dict[Key, float] = {}
    inv = inventory.rows
    energy_rows = inv[inv["sector"].isin(["stationary_energy", "transport"])]
    fuel_rows = energy_rows[~energy_rows["carrier"].isin([ELECTRICITY, HEAT]) & (energy_rows["activity_mwh"] > 0)]
    # the same key may appear more than once (two fleets of one class): energy-weighted factor
    for (sub, carrier, vclass), part in fuel_rows.groupby(["subsector", "carrier", "vehicle_class"], sort=False):
        factors[(str(sub), str(carrier), str(vclass))] = math.fsum(part["tco2e"]) / math.fsum(part["activity_mwh"])
    grid = float(inventory.factors.get(ELECTRICITY, {}).get("value", 0.0))
    heat = float(inventory.factors.get(HEAT, {}).get("value", 0.0))
    waste = math.fsum(inv.loc[inv["sector"] == "waste", "tco2e"])
    base = Balance(rows=rows)
    ctx = Context(
        city=city,
        library=library,
        base=base,
        factors=factors,
        grid_factor=grid,
        heat_factor=heat,
        prices={k: v.value for k, v in library.prices.items()},
        max_units={},
        not_applicable={},
        inventory_total_t=inventory.total_tco2e,
        energy_inventory_t=math.fsum(energy_rows["tco2e"]),
        waste_t=waste,
    )
    missing = sorted({k[1] for k in rows if k[1] not in ctx.prices and k[1] != HEAT})
    if missing:
        raise InputError(
            f"no price for {', '.join(missing)} (used in {city.name})",
            file=library.source_file,
            field=f"prices.{missing[0]}",
            fix="add a price in USD per MWh (with its source) for every carrier the city uses",
        )
    for m in library.measures:
        units = _max_units(ctx, m)
        if units > 0:
            ctx.max_units[m.id] = units
        else:
            ctx.not_applicable[m.id] = "nothing to address in this city (no matching energy use)"
    return ctx


def _matches(key: Key, effect: Effect) -> bool:
    sub, carrier, vclass = key
    if effect.subsector is not None and sub != effect.subsector:
        return False
    if effect.carriers and carrier not in effect.carriers:
        return False
    return not (effect.vehicle_classes and vclass not in effect.vehicle_classes)


def _dh_delivered(balance: Balance) -> float:
    return math.fsum(r.energy_mwh for k, r in balance.rows.items() if k[1] == HEAT)


def _max_units(ctx: Context, m: Measure) -> float:
    up = m.uptake
    if up.max_units is not None:
        return up.max_units.value
    if up.vehicles:
        return math.fsum(
            r.vehicles
            for e in m.effects
            if e.kind == "switch"
            for k, r in ctx.base.rows.items()
            if _matches(k, e) and k[1] != ELECTRICITY
        )
    first = m.effects[0]
    if first.kind in ("generation", "storage", "green_power"):
        # supply is sized to the city's whole final energy use (electrification turns much of it into electricity)
        addressed = math.fsum(r.energy_mwh for r in ctx.base.rows.values())
    elif first.kind in ("district_heat_electric", "district_heat_losses"):
        loss = ctx.library.district_heating.network_loss_fraction.value
        addressed = _dh_delivered(ctx.base) / (1.0 - loss)
    else:
        addressed = math.fsum(r.energy_mwh for k, r in ctx.base.rows.items() if _matches(k, first))
    fraction = up.addressed_fraction.value if up.addressed_fraction is not None else 1.0
    assert up.addressed_mwh_per_unit is not None
    return addressed * fraction / up.addressed_mwh_per_unit.value


# ------------------------------------------------------------------------------------ the balance


def apply_measure(
    ctx: Context, balance: Balance, measure: Measure, share: float, max_units: float | None = None
) -> Balance:
    """The balance after ``measure`` is taken up to ``share`` (0..1) of its maximum uptake."""
    share = min(max(share, 0.0), 1.0)
    if share <= 0:
        return balance
    units = share * (max_units if max_units is not None else ctx.max_units.get(measure.id, 0.0))
    rows = dict(balance.rows)
    out = balance
    for e in measure.effects:
        if e.kind == "scale":
            assert e.change_at_full is not None
            f = 1.0 + e.change_at_full.value * share
            for k, r in list(rows.items()):
                if _matches(k, e):
                    rows[k] = Row(r.energy_mwh * f, r.vkm * f, r.vehicles * f)
        elif e.kind == "absolute":
            assert e.mwh_per_unit is not None
            matched = [k for k in rows if _matches(k, e)]
            total = math.fsum(rows[k].energy_mwh for k in matched)
            delta = e.mwh_per_unit.value * units
            if total > 0 and matched:
                delta = max(delta, -total)
                for k in matched:
                    r = rows[k]
                    rows[k] = Row(r.energy_mwh + delta * r.energy_mwh / total, r.vkm, r.vehicles)
        elif e.kind == "switch":
            f = e.fraction_at_full.value * share
            assert e.to is not None
            for k, r in list(rows.items()):
                if not _matches(k, e) or k[1] == e.to:
                    continue
                moved = r.energy_mwh * f
                if e.kwh_per_km is not None:
                    new_mwh = r.vkm * f * e.kwh_per_km.value / 1000.0
                else:
                    assert e.to_efficiency is not None
                    new_mwh = moved * e.from_efficiency[k[1]] / e.to_efficiency.value
                rows[k] = Row(r.energy_mwh - moved, r.vkm * (1 - f), r.vehicles * (1 - f))
                target = (k[0], e.to, k[2])
                old = rows.get(target, Row(0.0))
                rows[target] = Row(old.energy_mwh + new_mwh, old.vkm + r.vkm * f, old.vehicles + r.vehicles * f)
        elif e.kind == "district_heat_electric":
            assert e.share_at_full is not None and e.to_efficiency is not None
            taken = math.fsum(s for s, _ in out.dh_electric)
            s = min(e.share_at_full.value * share, max(0.0, 1.0 - taken))
            out = replace(out, dh_electric=(*out.dh_electric, (s, 1.0 / e.to_efficiency.value)))
        elif e.kind == "district_heat_losses":
            assert e.change_at_full is not None
            out = replace(out, dh_supply_factor=out.dh_supply_factor * (1.0 + e.change_at_full.value * share))
        elif e.kind == "generation":
            assert e.technology is not None and e.mwh_per_unit_year is not None
            out = replace(out, generation_mwh=(*out.generation_mwh, (e.technology, e.mwh_per_unit_year.value * units)))
        elif e.kind == "storage":
            assert e.mwh_per_unit is not None
            out = replace(out, storage_mwh=out.storage_mwh + e.mwh_per_unit.value * units)
        elif e.kind == "green_power":
            assert e.share_at_full is not None and e.premium_usd_per_mwh is not None
            out = replace(out, green=(*out.green, (e.share_at_full.value * share, e.premium_usd_per_mwh.value)))
    return replace(out, rows=rows)


def apply_all(
    ctx: Context, balance: Balance, steps: list[tuple[Measure, float]], max_units: dict[str, float] | None = None
) -> Balance:
    """Apply measures in the given order, each at its share of full uptake."""
    for measure, share in steps:
        mu = (max_units or ctx.max_units).get(measure.id, 0.0)
        balance = apply_measure(ctx, balance, measure, share, mu)
    return balance


def evaluate(ctx: Context, balance: Balance) -> Outcome:
    """Annual emissions (tCO2e) and energy bill (USD) of a balance."""
    lib = ctx.library
    emissions: dict[str, float] = {
        "buildings": 0.0,
        "industry": 0.0,
        "transport": 0.0,
        "electricity": 0.0,
        "district_heat": 0.0,
    }
    cost = 0.0
    electricity = 0.0
    for key, r in balance.rows.items():
        if r.energy_mwh == 0:
            continue
        sub, carrier, _ = key
        if carrier == ELECTRICITY:
            electricity += r.energy_mwh
        elif carrier == HEAT:
            continue
        else:
            sector = (
                "transport" if sub == "on_road" else "industry" if sub == "manufacturing_construction" else "buildings"
            )
            emissions[sector] += r.energy_mwh * ctx.factor(key)
            cost += r.energy_mwh * ctx.price(carrier)
    # district heat: gas boilers, minus the share made by heat pumps / electric boilers
    delivered = _dh_delivered(balance)
    if delivered > 0:
        loss = lib.district_heating.network_loss_fraction.value
        produced = delivered / (1.0 - loss) * balance.dh_supply_factor
        electric = min(1.0, math.fsum(s for s, _ in balance.dh_electric))
        emissions["district_heat"] = delivered * balance.dh_supply_factor * (1.0 - electric) * ctx.heat_factor
        fuel = ctx.prices.get("natural_gas", 0.0) / lib.district_heating.boiler_efficiency.value
        cost += produced * (1.0 - electric) * fuel
        electricity += math.fsum(produced * s * e for s, e in balance.dh_electric)
    # electricity: local renewables within the matching limits, storage, green purchase, grid
    m = lib.electricity_matching
    pv = math.fsum(v for t, v in balance.generation_mwh if t == "pv")
    wind = math.fsum(v for t, v in balance.generation_mwh if t == "wind")
    direct = min(
        min(pv, m.pv_direct_share_max.value * electricity) + min(wind, m.wind_direct_share_max.value * electricity),
        m.combined_direct_share_max.value * electricity,
        electricity,
    )
    surplus = pv + wind - direct
    rte = m.storage_round_trip_efficiency.value
    shifted = min(surplus * rte, balance.storage_mwh * m.storage_cycles_per_year.value, electricity - direct)
    shifted = max(shifted, 0.0)
    exported = max(surplus - shifted / rte, 0.0)
    residual = max(electricity - direct - shifted, 0.0)
    uncovered = residual
    for s, premium in balance.green:
        covered = uncovered * s
        cost += covered * premium
        uncovered -= covered
    cost += residual * ctx.price(ELECTRICITY) - exported * ctx.prices.get("export_electricity", 0.0)
    emissions["electricity"] = uncovered * ctx.grid_factor
    return Outcome(
        emissions_t=math.fsum(emissions.values()),
        energy_cost_usd=cost,
        electricity_mwh=electricity,
        local_renewable_used_mwh=direct + shifted,
        exported_mwh=exported,
        by_sector_t=emissions,
    )


# ------------------------------------------------------------------------------------------- MACC


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

    @property
    def order(self) -> list[str]:
        return [r.id for r in self.rows]

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
    city: City | str | None = None, library: MeasureLibrary | None = None, *, ctx: Context | None = None
) -> MaccResult:
    """The MACC of a city: measures in merit order with interactions (see the module docstring).

    A measure with ``tranches: n`` (supply only) enters the merit order as n equal steps, so that the
    first megawatts of PV can come early and the last ones after electrification has raised demand.
    """
    ctx = ctx or build_context(city, library)
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


# ------------------------------------------------------------------------------------------- figure

#: bars above this cost per tonne are cut in the figure (their value is printed)
CLIP_USD_PER_T = 1000.0

_CATEGORY_COLOURS = {
    "buildings": "#4e79a7",
    "heat": "#f28e2b",
    "transport": "#59a14f",
    "industry": "#9c755f",
    "supply": "#edc948",
    "other": "#bab0ac",
}


def macc_figure(result: MaccResult, lang: str = "en", library: MeasureLibrary | None = None) -> Any:
    """A step-width MACC: bar width = tonnes a year, height = USD per tonne (matplotlib Figure)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    from jasyl.i18n import translate

    fig = Figure(figsize=(11, 6.5), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    limit = CLIP_USD_PER_T
    clipped = False
    x = 0.0
    for i, r in enumerate(result.rows):
        width = r.abatement_t_per_year / 1000.0
        colour = _CATEGORY_COLOURS.get(r.category, "#bab0ac")
        height = max(min(r.cost_usd_per_t, limit), -limit)
        ax.bar(x, height, width=width, align="edge", color=colour, edgecolor="white", linewidth=0.6)
        label = f"{i + 1}"
        if height != r.cost_usd_per_t:
            clipped = True
            label += f"\n{r.cost_usd_per_t:,.0f}"
        if width > 0.004 * max(result.total_abatement_t / 1000.0, 1e-9):
            ax.text(x + width / 2, height, label, ha="center", va="bottom" if height >= 0 else "top", fontsize=6.5)
        x += width
    if clipped:
        ax.text(
            0.99,
            0.02,
            translate("pathway.macc.clipped", lang, limit=f"{limit:,.0f}"),
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=7,
            color="#555555",
        )
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xlabel(translate("pathway.macc.xlabel", lang))
    ax.set_ylabel(translate("pathway.macc.ylabel", lang))
    ax.set_title(translate("pathway.macc.title", lang, city=result.city_label(lang)))
    used = sorted({r.category for r in result.rows})
    ax.legend(
        handles=[
            Patch(color=_CATEGORY_COLOURS.get(c, "#bab0ac"), label=translate(f"pathway.category.{c}", lang))
            for c in used
        ],
        loc="upper left",
        fontsize=8,
    )
    listing = "\n".join(
        f"{row['rank']}. {textwrap.shorten(row['name'], 62, placeholder='...')}"
        for row in table_rows(result, lang, library)
    )
    fig.text(0.64, 0.5, listing, fontsize=6.5, va="center", ha="left")
    fig.subplots_adjust(left=0.08, right=0.62, top=0.92, bottom=0.1)
    return fig


def figure_bytes(fig: Any, fmt: str = "svg") -> bytes:
    """Render a matplotlib figure to SVG or PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------ report section


def unit_label(unit: str, lang: str) -> str:
    """A measure's unit in ``lang`` when the message catalogue knows it, else as written in the file."""
    import re

    from jasyl.i18n import catalogue

    key = "pathway.unit." + re.sub(r"[^a-z0-9]+", "_", unit.lower().replace("%", "pct")).strip("_")
    return catalogue(lang).get(key, unit)


def table_rows(result: MaccResult, lang: str = "en", library: MeasureLibrary | None = None) -> list[dict[str, Any]]:
    """Rows of the MACC table with names in ``lang`` (cheapest first)."""
    from jasyl.i18n import translate

    names = {m.id: m.label(lang) for m in library.measures} if library is not None else {}
    out = []
    for i, r in enumerate(result.rows):
        name = names.get(r.id, r.name)
        if r.tranches > 1:
            name += f" ({r.tranche}/{r.tranches})"
        out.append(
            {
                "rank": i + 1,
                "id": r.id,
                "name": name,
                "category": translate(f"pathway.category.{r.category}", lang),
                "units": r.units,
                "unit": unit_label(r.unit, lang),
                "investment_usd": r.investment_usd,
                "annualised_cost_usd": r.annualised_cost_usd,
                "abatement_t_per_year": r.abatement_t_per_year,
                "cost_usd_per_t": r.cost_usd_per_t,
            }
        )
    return out


def macc_section(
    city: City | str | None = None,
    lang: str = "en",
    *,
    library: MeasureLibrary | None = None,
    result: MaccResult | None = None,
) -> dict[str, Any]:
    """Data of the report's MACC section: title, intro text, SVG figure and table rows in ``lang``."""
    from jasyl.i18n import check_lang, format_number, translate

    check_lang(lang)
    library = library or load_measures()
    result = result or compute_macc(city, library)
    fig = macc_figure(result, lang, library)
    names = {m.id: m.label(lang) for m in library.measures}
    negative = sum(1 for r in result.rows if r.cost_usd_per_t < 0)
    texts = [
        translate(
            "pathway.macc.intro",
            lang,
            rate=format_number(100 * library.discount_rate.value, lang, 1),
            total=format_number(result.total_abatement_t, lang),
            baseline=format_number(result.energy_baseline_tco2e, lang),
        ),
    ]
    if negative:
        texts.append(translate("pathway.macc.negative", lang, count=negative))
    left = []
    for n in result.not_effective:
        name = names.get(n["id"], n["name"])
        partial = any(r.id == n["id"] for r in result.rows)
        if partial:
            unit = unit_label(library.measure(n["id"]).unit, lang)
            taken = sum(r.units for r in result.rows if r.id == n["id"])
            name = translate("pathway.macc.remaining", lang, name=name, left=format_number(n["units_left"], lang),
                             total=format_number(taken + n["units_left"], lang), unit=unit)
        left.append(name)
    if left:
        texts.append(translate("pathway.macc.not_effective", lang, names=", ".join(left)))
    if result.waste_tco2e > 0:
        texts.append(translate("pathway.macc.waste_note", lang, waste=format_number(result.waste_tco2e, lang)))
    return {
        "id": "macc",
        "title": translate("pathway.macc.section_title", lang),
        "texts": texts,
        "figure_svg": figure_bytes(fig, "svg").decode("utf-8"),
        "figure_title": translate("pathway.macc.title", lang, city=result.city_label(lang)),
        "columns": {
            k: translate(f"pathway.col.{k}", lang)
            for k in ("rank", "measure", "category", "units", "unit", "investment", "abatement", "cost_per_t")
        },
        "rows": table_rows(result, lang, library),
        "data": result.to_dict(),
    }


def section_html(section: dict[str, Any], lang: str, columns: list[tuple[str, str, int]]) -> str:
    """A trusted HTML fragment (escaped text, a table) for a section dict; ``columns``: (key, header key, digits)."""
    from html import escape

    from jasyl.i18n import format_number

    parts = [f"<p>{escape(t)}</p>" for t in section["texts"]]
    num_class = ' class="num"'
    head = "".join(
        f"<th{num_class if digits >= 0 else ''}>{escape(section['columns'][h])}</th>" for _, h, digits in columns
    )
    body = []
    for row in section["rows"]:
        cells = []
        for key, _, digits in columns:
            value = row.get(key, "")
            if digits >= 0 and isinstance(value, int | float):
                cells.append(f'<td class="num">{escape(format_number(float(value), lang, digits))}</td>')
            else:
                cells.append(f"<td>{escape(str(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    parts.append(f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>')
    return "\n".join(parts)


def report_section(ctx: Any) -> Any:
    """Section provider for the ``jasyl plan`` report (see :mod:`jasyl.report.context`)."""
    from jasyl.report.context import ReportFigure, ReportSection

    lang = ctx.lang
    section = macc_section(ctx.city, lang)
    for row in section["rows"]:
        row["investment_musd"] = row["investment_usd"] / 1e6
    section["columns"]["investment_musd"] = section["columns"]["investment"]
    html = section_html(
        section,
        lang,
        [
            ("rank", "rank", -1),
            ("name", "measure", -1),
            ("category", "category", -1),
            ("units", "units", 0),
            ("unit", "unit", -1),
            ("investment_musd", "investment_musd", 2),
            ("abatement_t_per_year", "abatement", 0),
            ("cost_usd_per_t", "cost_per_t", 0),
        ],
    )
    svg = section["figure_svg"]
    svg = svg[svg.index("<svg") :] if "<svg" in svg else svg
    return ReportSection(
        id="macc",
        title=section["title"],
        html=html,
        figures=[ReportFigure(id="fig-macc", title=section["figure_title"], svg=svg)],
    )
