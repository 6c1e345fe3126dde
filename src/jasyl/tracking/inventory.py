"""The GHG inventory of a year recomputed from the actuals, where they allow it.

:func:`city_from_actuals` returns a copy of the city profile with that year's reported activity in place of
the city file's figures, and says which figures were replaced; :func:`actual_inventory` computes the GPC
inventory of that city (the same method as ``jasyl inventory``) and the share of the energy emissions that
rests on reported figures (coverage). The rules:

* **Stationary energy.** ``energy_use`` of a sub-sector and carrier replaces the city file's figure (or adds
  one). ``district_heat_delivered`` and ``grid_electricity_bought`` by sector do the same; given as a city
  total, the part not already given by sector is shared over the other sub-sectors in the proportions of the
  city file.
* **Road transport.** Transport fuel by carrier (``energy_use`` with sector transport, else ``fuel_sales``
  of a motor fuel with sector transport or empty) sets the fuel use of the city file's fleets of that fuel,
  shared by their modelled use (vehicles x km x consumption). ``registered_vehicles`` replaces the number of
  vehicles of a class and fuel (km and consumption stay those of the city file; a new electric class takes
  the km of its class and the planner catalogue's kWh/km).
* Everything else (waste, factors, population, boiler houses) is the city file's, and is listed as carried.

Only whole-year values are used (:func:`jasyl.tracking.compare.annual_values`).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jasyl.city import City, Figure, FuelUse, VehicleFleet
from jasyl.factors import amount_to_mwh
from jasyl.inventory import Inventory, compute_inventory, final_energy
from jasyl.tracking.compare import EMISSION_SECTORS, AnnualValue, Key
from jasyl.vocabulary import STATIONARY_SUBSECTORS

__all__ = ["ActualState", "city_from_actuals", "actual_inventory", "ActualInventory", "energy_by_sector",
           "MOTOR_FUELS"]

MOTOR_FUELS: tuple[str, ...] = ("gasoline", "diesel", "lpg", "cng")


@dataclass
class ActualState:
    city: City
    year: int
    replaced: set[tuple[str, str]] = field(default_factory=set)   # (subsector, carrier) from the actuals
    notes: list[str] = field(default_factory=list)

    @property
    def any_actual(self) -> bool:
        return bool(self.replaced)


def _fig(mwh: float, year: int, what: str) -> Figure:
    return Figure(value=mwh, unit="MWh", source=f"actuals {year}: {what}", year=year)


def _mwh(fuel_use: FuelUse) -> float:
    return amount_to_mwh(fuel_use.fuel, fuel_use.amount.value, fuel_use.amount.unit or "")


def city_from_actuals(city: City, annual: Mapping[Key, AnnualValue], year: int,
                      ev_kwh_per_km: Mapping[str, float] | None = None) -> ActualState:
    """The city of ``year`` as the actuals describe it (see the module docstring)."""
    vals = {k: v.value for k, v in annual.items() if v.value is not None}
    state = ActualState(city=city, year=year)
    stationary: dict[str, dict[str, float]] = {s: {} for s in STATIONARY_SUBSECTORS}
    for (quantity, sector, carrier, _item), value in vals.items():
        if quantity in ("energy_use", "district_heat_delivered", "grid_electricity_bought") and sector in stationary:
            stationary[sector][carrier] = value
    # city totals of heat and electricity, shared over the sub-sectors not given
    for quantity, carrier in (("district_heat_delivered", "district_heat"), ("grid_electricity_bought",
                                                                             "grid_electricity")):
        total = vals.get((quantity, "", carrier, ""))
        if total is None:
            continue
        given = math.fsum(stationary[s][carrier] for s in stationary if carrier in stationary[s])
        rest = [s for s in STATIONARY_SUBSECTORS if carrier not in stationary[s]]
        base = {s: math.fsum(_mwh(u) for u in getattr(city.stationary_energy, s) if u.fuel == carrier)
                for s in rest}
        share_total = math.fsum(base.values())
        left = total - given
        if left < -1e-6 * max(total, 1.0):
            state.notes.append(f"{quantity} {year}: the city total {total:,.0f} MWh is below the sum given by sector "
                               f"({given:,.0f} MWh); the total is not used")
            continue
        if share_total <= 0:
            if left > 1e-6 * max(total, 1.0):
                state.notes.append(f"{quantity} {year}: {left:,.0f} MWh not given by sector and the city file has "
                                   "no use of that carrier to share it by; not used")
            continue
        for s in rest:
            if base[s] > 0:
                stationary[s][carrier] = max(left, 0.0) * base[s] / share_total
    updates: dict[str, list[FuelUse]] = {}
    for s in STATIONARY_SUBSECTORS:
        uses = list(getattr(city.stationary_energy, s))
        if not stationary[s]:
            continue
        kept = [u for u in uses if u.fuel not in stationary[s]]
        new = [FuelUse(fuel=c, amount=_fig(v, year, f"{s} {c}")) for c, v in sorted(stationary[s].items())]
        updates[s] = kept + new
        state.replaced.update((s, c) for c in stationary[s])
    fleets = list(city.transport.on_road)
    # registered vehicles replace the number of vehicles of a class and fuel
    counts = {(item, carrier): v for (q, _s, carrier, item), v in vals.items() if q == "registered_vehicles"}
    new_fleets: list[VehicleFleet] = []
    for f in fleets:
        n = counts.pop((f.vehicle_class, f.fuel), None)
        if n is not None:
            f = f.model_copy(update={"vehicles": Figure(value=n, source=f"actuals {year}: registered vehicles",
                                                        year=year)})
            state.replaced.add(("on_road", f"vehicles:{f.vehicle_class}:{f.fuel}"))
        new_fleets.append(f)
    for (cls, fuel), n in sorted(counts.items()):
        if n <= 0:
            continue
        same = [f for f in fleets if f.vehicle_class == cls and f.annual_km_per_vehicle is not None]
        kwh = (ev_kwh_per_km or {}).get(cls)
        if fuel != "grid_electricity" or not same or kwh is None:
            state.notes.append(f"registered {cls} ({fuel}) {year}: {n:,.0f} vehicles with no km or consumption in "
                               "the city file; counted in the indicators, not in the inventory")
            continue
        km = same[0].annual_km_per_vehicle
        new_fleets.append(VehicleFleet(
            vehicle_class=cls, fuel="grid_electricity", public_transport=same[0].public_transport,
            vehicles=Figure(value=n, source=f"actuals {year}: registered vehicles", year=year),
            annual_km_per_vehicle=km,
            consumption=Figure(value=100.0 * kwh, unit="kWh/100km", estimate="planner catalogue ev_kwh_per_km")))
        state.replaced.add(("on_road", f"vehicles:{cls}:{fuel}"))
    # transport fuel by carrier sets the fuel use of the fleets of that fuel
    fuel_mwh: dict[str, tuple[float, str]] = {}
    for (q, sector, carrier, _item), v in vals.items():
        if q == "energy_use" and sector == "transport":
            fuel_mwh[carrier] = (v, "energy use")
    for (q, sector, carrier, _item), v in vals.items():
        if q == "fuel_sales" and carrier in MOTOR_FUELS and sector in ("transport", "") and carrier not in fuel_mwh:
            fuel_mwh[carrier] = (v, "fuel sales")
    final: list[VehicleFleet] = []
    modelled = _fleet_mwh(city, new_fleets)
    by_fuel: dict[str, float] = defaultdict(float)
    for f, m in zip(new_fleets, modelled, strict=True):
        by_fuel[f.fuel] += m
    for f, m in zip(new_fleets, modelled, strict=True):
        if f.fuel in fuel_mwh and by_fuel[f.fuel] > 0:
            total, what = fuel_mwh[f.fuel]
            share = total * m / by_fuel[f.fuel]
            f = f.model_copy(update={"fuel_use": _fig(share, year, f"transport {f.fuel} {what}")})
            state.replaced.add(("on_road", f.fuel))
        final.append(f)
    for fuel, (total, what) in fuel_mwh.items():
        if by_fuel.get(fuel, 0.0) <= 0 and total > 0:
            state.notes.append(f"transport {fuel} {year} ({what}, {total:,.0f} MWh): no fleet of that fuel in the city "
                               "file to assign it to; not in the inventory")
    transport = city.transport.model_copy(update={"on_road": final})
    stat = city.stationary_energy.model_copy(update=updates)
    state.city = city.model_copy(update={"stationary_energy": stat, "transport": transport, "inventory_year": year})
    return state


def _fleet_mwh(city: City, fleets: list[VehicleFleet]) -> list[float]:
    probe = city.model_copy(update={"transport": city.transport.model_copy(update={"on_road": fleets}),
                                    "stationary_energy": city.stationary_energy.model_copy(
                                        update={s: [] for s in STATIONARY_SUBSECTORS})})
    energy = final_energy(probe)
    return [float(v) for v in energy.loc[energy["sector"] == "transport", "energy_mwh"]]


def energy_by_sector(inv: Inventory) -> dict[str, float]:
    """Energy CO2e of an inventory in the comparison's five sectors (scopes 1 and 2 of energy and transport)."""
    out = {s: 0.0 for s in EMISSION_SECTORS}
    for r in inv.rows.itertuples(index=False):
        if r.sector not in ("stationary_energy", "transport"):
            continue
        out[_sector_of(str(r.subsector), str(r.carrier))] += float(r.tco2e)
    return out


def _sector_of(subsector: str, carrier: str) -> str:
    if carrier in ("grid_electricity", "electricity"):
        return "electricity"
    if carrier == "district_heat":
        return "district_heat"
    if subsector == "on_road":
        return "transport"
    if subsector == "manufacturing_construction":
        return "industry"
    return "buildings"


@dataclass
class ActualInventory:
    year: int
    inventory: Inventory
    by_sector: dict[str, float]
    coverage_pct: dict[str, float]      # per sector and "energy": share of CO2e resting on reported figures
    replaced: list[str]
    notes: list[str]

    @property
    def energy_tco2e(self) -> float:
        return math.fsum(self.by_sector.values())

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "total_tco2e": self.inventory.total_tco2e, "energy_tco2e": self.energy_tco2e,
                "energy_by_sector_tco2e": self.by_sector, "coverage_pct": self.coverage_pct,
                "from_actuals": self.replaced, "notes": self.notes,
                "method": "GPC BASIC inventory (jasyl inventory) of the city file with the year's reported activity "
                          "in place of the file's figures"}


def actual_inventory(city: City, annual: Mapping[Key, AnnualValue], year: int, *, gwp_set: str = "AR5",
                     ev_kwh_per_km: Mapping[str, float] | None = None) -> ActualInventory | None:
    """The inventory of ``year`` from the actuals, or None when no reported activity can enter it."""
    state = city_from_actuals(city, annual, year, ev_kwh_per_km)
    if not state.any_actual:
        return None
    inv = compute_inventory(state.city, gwp_set)
    by_sector = energy_by_sector(inv)
    covered: dict[str, float] = defaultdict(float)
    transport_fuels = {c for s, c in state.replaced if s == "on_road" and not c.startswith("vehicles:")}
    vehicle_keys = {c for s, c in state.replaced if s == "on_road" and c.startswith("vehicles:")}
    for r in inv.rows.itertuples(index=False):
        if r.sector not in ("stationary_energy", "transport"):
            continue
        sector = _sector_of(str(r.subsector), str(r.carrier))
        if r.subsector == "on_road":
            fuel = str(r.carrier)
            ok = fuel in transport_fuels or f"vehicles:{r.vehicle_class}:{fuel}" in vehicle_keys
        else:
            ok = (str(r.subsector), str(r.carrier)) in state.replaced
        if ok:
            covered[sector] += float(r.tco2e)
    coverage = {s: (100.0 * covered[s] / by_sector[s] if by_sector[s] > 0 else 0.0) for s in EMISSION_SECTORS}
    total = math.fsum(by_sector.values())
    coverage["energy"] = 100.0 * math.fsum(covered.values()) / total if total > 0 else 0.0
    replaced = sorted(f"{s}:{c}" for s, c in state.replaced)
    return ActualInventory(year=year, inventory=inv, by_sector=by_sector, coverage_pct=coverage, replaced=replaced,
                           notes=state.notes)
