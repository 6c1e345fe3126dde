"""The annual energy balance a city's measures act on (the model behind the MACC and the balance pathway).

The city's annual final energy (:func:`jasyl.inventory.final_energy`) is the starting balance: one row
per sub-sector, carrier and vehicle class, its emissions with the inventory's own factors. A measure
changes the balance through its effects (``jasyl/data/measures.yaml``); :func:`evaluate` gives the
emissions and energy bill of a balance. See :mod:`jasyl.abatement.macc` for the method as a whole.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import pandas as pd

from jasyl.city import City
from jasyl.errors import InputError
from jasyl.factors import fuels, gwp
from jasyl.inventory import Inventory, compute_inventory, final_energy
from jasyl.measures import Effect, Measure, MeasureLibrary

__all__ = ["Key", "Row", "Balance", "Outcome", "Context", "build_context", "apply_measure", "apply_all", "evaluate",
           "ELECTRICITY", "HEAT"]

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


def build_context(
    city: City,
    library: MeasureLibrary,
    *,
    energy: pd.DataFrame | None = None,
    inventory: Inventory | None = None,
) -> Context:
    """The city's energy balance and inventory factors, every measure sized for it.

    ``energy`` (:func:`jasyl.inventory.final_energy`) and ``inventory`` (:func:`compute_inventory`) of
    ``city`` are computed when not given; a use case that has them already passes them in.
    """
    energy = final_energy(city) if energy is None else energy
    inventory = compute_inventory(city) if inventory is None else inventory
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
