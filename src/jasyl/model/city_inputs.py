"""Build :class:`~jasyl.model.inputs.PlanInputs` from a city's profiles, final energy and the catalogue.

The profiles and final energy are made by the caller (:mod:`jasyl.planning.city_inputs`); nothing here
loads a city, weather or profiles.

Mapping of today's energy use onto the planner's buses:

* ``electricity``: ``elec_residential_mw + elec_commercial_mw + elec_industry_mw`` (today from the grid);
* ``heat_district``: ``heat_district_mw`` divided by ``1 - network loss`` (heat leaves the plant; the
  loss applies to every district-heat source alike); today from the district fuel (natural gas);
* ``heat_individual``: ``heat_individual_mw``, today from the building stoves and boilers with the fuel
  mix of the residential and commercial rows of ``final_energy`` (one blended supply: cost and CO2 per
  MWh of useful heat = fuel cost and CO2 of those rows / annual useful heat);
* ``heat_industry``: ``heat_industry_mw``, today from the fuels of the manufacturing rows;
* transport: per vehicle class the fuel rows of ``final_energy`` (cost, CO2) and an EV profile with the
  shape of ``transport_ev_mw``, split between classes by vehicle-km x EV kWh/km of the catalogue and
  scaled so that the classes add up to ``transport_ev_mw``.

Firewood CO2 is biogenic and not counted (GPC). Existing fuel-burning capacity equals today's peak.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from jasyl.city import City
from jasyl.errors import InputError
from jasyl.factors import amount_to_mwh
from jasyl.model.inputs import (
    ELEC,
    Converter,
    FossilSupply,
    Generator,
    LandLimit,
    PlanInputs,
    Storage,
    VehicleClass,
)
from jasyl.technologies import Catalogue, annuity, load_catalogue

__all__ = ["InputOptions", "inputs_from_profiles", "with_city_boiler_houses", "HEAT_FUELS"]

HEAT_FUELS = ("coal", "natural_gas", "lpg", "fuel_oil", "firewood", "diesel", "gasoline")
# EV profile columns of jasyl.profiles by vehicle class (shape of charging); others use transport_ev_mw
EV_GROUP_COLUMNS = {"passenger_car": "transport_ev_cars_mw", "bus": "transport_ev_bus_mw",
                    "minibus": "transport_ev_bus_mw", "light_truck": "transport_ev_trucks_mw",
                    "heavy_truck": "transport_ev_trucks_mw"}
INDIVIDUAL_SUBSECTORS = ("residential", "commercial_institutional")
INDUSTRY_SUBSECTORS = ("manufacturing_construction", "manufacturing", "construction", "industry",
                       "agriculture_forestry_fishing")


@dataclass
class InputOptions:
    """Options of the planner inputs (all optional; :class:`jasyl.planning.InputOptions` holds the user's)."""

    target_co2_t: float = 0.0  # per year
    export_credit: bool = False  # credit exported electricity at the grid combined-margin factor
    allow_export: bool = True
    land_pv_km2: float | None = None  # utility PV (fixed + tracking)
    land_wind_km2: float | None = None
    rooftop_km2: float | None = None  # usable roof area for rooftop PV
    grid_import_max_mw: float | None = None
    grid_export_max_mw: float | None = None
    technologies: tuple[str, ...] | None = None  # restrict the extendable technologies (names)
    catalogue_path: str | None = None
    extra_assumptions: list[dict[str, Any]] = field(default_factory=list)


def _col(frame: pd.DataFrame, name: str, n: int, *, required: bool = True) -> np.ndarray:
    if name in frame.columns:
        return np.nan_to_num(np.asarray(frame[name], dtype=float), nan=0.0)
    if required:
        raise InputError(f"profile column '{name}' is missing", field=name,
                         fix="build the profiles with jasyl.profiles.build_profiles")
    return np.zeros(n)


def _rows(fe: pd.DataFrame, *, sector: str, carriers: tuple[str, ...] | None = None,
          subsectors: tuple[str, ...] | None = None) -> pd.DataFrame:
    sel = fe["sector"] == sector
    if carriers is not None:
        sel &= fe["carrier"].isin(carriers)
    if subsectors is not None:
        sel &= fe["subsector"].isin(subsectors)
    return fe.loc[sel]


def _fuel_totals(rows: pd.DataFrame, cat: Catalogue) -> tuple[float, float, float]:
    """(fuel MWh, fuel cost USD, CO2 t) of final-energy rows."""
    mwh = cost = co2 = 0.0
    for carrier, e in rows.groupby("carrier")["energy_mwh"].sum().items():
        c = str(carrier)
        if c not in cat.fuel_price_usd_per_mwh:
            raise InputError(f"no fuel price for carrier '{c}' in the technology catalogue",
                             file=cat.source_path, field=f"fuels.{c}", fix="add the fuel to the catalogue")
        mwh += float(e)
        cost += float(e) * cat.fuel_price_usd_per_mwh[c]
        co2 += float(e) * cat.fuel_emission_factor_t_per_mwh[c]
    return mwh, cost, co2


def inputs_from_profiles(
    supply: pd.DataFrame,
    demand: pd.DataFrame,
    temp_air_c: np.ndarray | pd.Series,
    final_energy: pd.DataFrame,
    *,
    catalogue: Catalogue | None = None,
    options: InputOptions | None = None,
    city: str = "",
) -> PlanInputs:
    """Full-year :class:`PlanInputs` from profile frames (UTC hourly) and the final-energy table."""
    cat = catalogue or load_catalogue(options.catalogue_path if options else None)
    opt = options or InputOptions()
    index = pd.DatetimeIndex(demand.index)
    n = len(index)
    if len(supply) != n or len(np.asarray(temp_air_c)) != n:
        raise InputError("supply, demand and temperature profiles differ in length", field="profiles")
    yf = n / 8760.0
    fe = final_energy
    allowed = set(opt.technologies) if opt.technologies is not None else None

    def use(name: str) -> bool:
        return allowed is None or name in allowed

    # --- demand
    elec = np.zeros(n)
    for col in ("elec_residential_mw", "elec_commercial_mw", "elec_industry_mw"):
        elec = elec + _col(demand, col, n)
    loss = cat.district_network_loss_fraction
    heat_dh = _col(demand, "heat_district_mw", n) / (1.0 - loss)
    heat_ind = _col(demand, "heat_individual_mw", n)
    heat_prod = _col(demand, "heat_industry_mw", n)
    ev_total = _col(demand, "transport_ev_mw", n)
    demand_map = {ELEC: np.asarray(elec, dtype=float), "heat_district": heat_dh,
                  "heat_individual": heat_ind, "heat_industry": heat_prod}

    # --- generators
    gens: list[Generator] = []
    for g in cat.generators.values():
        if not use(g.name):
            continue
        cf = np.clip(_col(supply, g.profile, n), 0.0, 1.0)
        cc = cat.capital_cost_per_mw_year(g.capex_usd_per_kw, g.lifetime_years, g.fixed_om_usd_per_kw_year)
        max_mw = float("inf")
        if g.roof_mw_per_km2 and opt.rooftop_km2 is not None:
            max_mw = opt.rooftop_km2 * g.roof_mw_per_km2
        gens.append(Generator(g.name, cf=cf, capital_cost=cc * yf, marginal_cost=g.variable_om_usd_per_mwh,
                              max_mw=max_mw))
    land: list[LandLimit] = []
    if opt.land_pv_km2 is not None:
        dens = {g.name: float(g.land_mw_per_km2) for g in cat.generators.values()
                if g.land_mw_per_km2 and g.name.startswith("pv")}
        land.append(LandLimit("pv", dens, opt.land_pv_km2, fix="raise land_pv_km2"))
    if opt.land_wind_km2 is not None:
        dens = {g.name: float(g.land_mw_per_km2) for g in cat.generators.values()
                if g.land_mw_per_km2 and g.name.startswith("wind")}
        land.append(LandLimit("wind", dens, opt.land_wind_km2, fix="raise land_wind_km2"))

    # --- storage
    stores: list[Storage] = []
    for st in cat.storage.values():
        if not use(st.name) or (st.bus != ELEC and not np.any(demand_map[st.bus] > 0)):
            continue
        f = annuity(cat.discount_rate, st.lifetime_years) + st.fixed_om_fraction_of_capex
        stores.append(Storage(st.name, st.bus, power_cost=1000.0 * st.capex_power_usd_per_kw * f * yf,
                              energy_cost=1000.0 * st.capex_energy_usd_per_kwh * f * yf,
                              charge_efficiency=st.charge_efficiency,
                              discharge_efficiency=st.discharge_efficiency,
                              standing_loss=st.standing_loss_per_hour))

    # --- heat converters
    temp = np.asarray(temp_air_c, dtype=float)
    convs: list[Converter] = []
    for c in cat.converters.values():
        if not use(c.name) or not np.any(demand_map[c.bus] > 0):
            continue
        cc = cat.capital_cost_per_mw_year(c.capex_usd_per_kw, c.lifetime_years, c.fixed_om_usd_per_kw_year)
        convs.append(Converter(c.name, c.bus, efficiency=c.efficiency_series(temp), capital_cost=cc * yf,
                               marginal_cost=c.variable_om_usd_per_mwh))

    # --- existing fuel-burning heat supply and baseline
    co2_before: dict[str, float] = {"electricity": float(elec.sum()) * cat.grid_emission_factor_t_per_mwh}
    cost_before = float(elec.sum()) * cat.import_price_usd_per_mwh
    fossil: list[FossilSupply] = []
    fuel = cat.district_heat_fuel
    if heat_dh.sum() > 0:
        eff = cat.district_boiler_efficiency or cat.heat_efficiency[fuel]
        fossil.append(FossilSupply("district_boilers", "heat_district",
                                   cost_per_mwh=cat.fuel_price_usd_per_mwh[fuel] / eff,
                                   co2_per_mwh=cat.fuel_emission_factor_t_per_mwh[fuel] / eff,
                                   capacity_mw=float(heat_dh.max()), sector="district_heat"))
    for name, bus, series, subs in (
        ("building_stoves", "heat_individual", heat_ind, INDIVIDUAL_SUBSECTORS),
        ("industry_boilers", "heat_industry", heat_prod, INDUSTRY_SUBSECTORS),
    ):
        useful = float(series.sum()) / yf  # per year, like the final-energy rows
        if useful <= 0:
            continue
        rows = _rows(fe, sector="stationary_energy", carriers=HEAT_FUELS, subsectors=subs)
        mwh, cost, co2 = _fuel_totals(rows, cat)
        if mwh <= 0:  # no fuel rows: assume natural gas at catalogue efficiency
            eff = cat.heat_efficiency["natural_gas"]
            cost = useful / eff * cat.fuel_price_usd_per_mwh["natural_gas"]  # per year
            co2 = useful / eff * cat.fuel_emission_factor_t_per_mwh["natural_gas"]
        fossil.append(FossilSupply(name, bus, cost_per_mwh=cost / useful, co2_per_mwh=co2 / useful,
                                   capacity_mw=float(series.max()), sector=bus.replace("heat_", "") + "_heat"))
    for fs in fossil:
        total = float(demand_map[fs.bus].sum())
        co2_before[fs.sector] = co2_before.get(fs.sector, 0.0) + fs.co2_per_mwh * total
        cost_before += fs.cost_per_mwh * total

    # --- vehicles
    vehicles: list[VehicleClass] = []
    trows = fe.loc[(fe["sector"] == "transport") & (fe["vehicle_class"].astype(str) != "")
                   & (fe["carrier"] != "grid_electricity")]
    if len(trows) and ev_total.sum() > 0:
        weights: dict[str, float] = {}
        per_class: dict[str, tuple[float, float, float, float]] = {}
        for vc, rows in trows.groupby("vehicle_class"):
            vc = str(vc)
            mwh, cost, co2 = _fuel_totals(rows, cat)
            vkm = float(rows["vkm"].sum()) if "vkm" in rows else 0.0
            nveh = float(rows["vehicles"].sum()) if "vehicles" in rows else 0.0
            weights[vc] = vkm * cat.vehicle(vc).ev_kwh_per_km if vkm > 0 else mwh * 0.3
            per_class[vc] = (mwh, cost, co2, nveh)
        # group columns (cars, buses, trucks) when the profiles provide them and cover every class
        groups = {vc: EV_GROUP_COLUMNS.get(vc, "") for vc in per_class}
        use_groups = all(g in demand.columns for g in groups.values())
        for vc, (mwh, cost, co2, nveh) in per_class.items():
            if weights[vc] <= 0:
                continue
            if use_groups:
                same = [w for k, w in weights.items() if groups[k] == groups[vc]]
                profile = _col(demand, groups[vc], n) * weights[vc] / sum(same)
            else:
                profile = ev_total * weights[vc] / sum(weights.values())
            vehicles.append(VehicleClass(vc, ev_profile=profile, fuel_cost=cost * yf,
                                         fuel_co2_t=co2 * yf, ev_cost=nveh * cat.vehicle_cost_per_year(vc) * yf,
                                         fuel_mwh=mwh * yf, vehicles=nveh))
            co2_before["transport"] = co2_before.get("transport", 0.0) + co2 * yf
            cost_before += cost * yf

    # baseline: horizon amounts -> per year
    co2_before = {k: v / yf for k, v in co2_before.items()}
    cost_before /= yf

    export_max = 0.0 if not opt.allow_export else (
        opt.grid_export_max_mw if opt.grid_export_max_mw is not None else float("inf"))
    assumptions = cat.assumptions() + list(opt.extra_assumptions)
    assumptions.append({"name": "co2_target_t", "value": opt.target_co2_t, "unit": "t CO2/yr",
                        "source": "user option (default 0: zero CO2)"})
    assumptions.append({"name": "export_credit", "value": float(opt.export_credit), "unit": "bool",
                        "source": "user option; default no CO2 credit for exported electricity"})
    return PlanInputs(
        index=index,
        demand=demand_map,
        generators=gens,
        storages=stores,
        converters=convs,
        fossil=fossil,
        vehicles=vehicles,
        land_limits=land,
        import_price=cat.import_price_usd_per_mwh,
        import_co2_per_mwh=cat.grid_emission_factor_t_per_mwh,
        import_max_mw=opt.grid_import_max_mw if opt.grid_import_max_mw is not None else float("inf"),
        export_price=cat.export_price_usd_per_mwh,
        export_credit_co2_per_mwh=cat.export_credit_factor_t_per_mwh if opt.export_credit else 0.0,
        export_max_mw=export_max,
        co2_target_t=opt.target_co2_t * yf,
        city=city,
        year_fraction=yf,
        baseline={"co2_by_sector_t": co2_before, "annual_cost_usd": cost_before},
        limit_labels={
            "co2": "CO2 target (target_co2_t)",
            "land_pv": "land for utility PV (land_pv_km2)",
            "land_wind": "land for wind (land_wind_km2)",
            "cap_pv_rooftop": "rooftop PV capacity allowed by the roof area (rooftop_km2)",
            "grid_import": "grid import connection (grid_import_max_mw)",
        },
        assumptions=assumptions,
    )


def with_city_boiler_houses(cat: Catalogue, city: City, final_energy: pd.DataFrame) -> Catalogue:
    """The catalogue with the district-heat fuel, boiler efficiency and network loss of the city's own
    boiler houses (``local_supply.boiler_houses`` with ``fuel_use`` and ``heat_output``), so that the
    planner's "CO2 today" rests on the same data as the inventory. Without such data: unchanged."""
    houses = [h for h in city.local_supply.boiler_houses if h.heat_output is not None]
    if not houses:
        return cat
    fuel_by_carrier: dict[str, float] = {}
    heat_out = 0.0
    for i, h in enumerate(houses):
        assert h.heat_output is not None  # filtered above
        where = f"local_supply.boiler_houses[{i}]"
        mwh = amount_to_mwh(h.fuel, h.fuel_use.value, h.fuel_use.unit or "", where=f"{where}.fuel_use")
        fuel_by_carrier[h.fuel] = fuel_by_carrier.get(h.fuel, 0.0) + mwh
        heat_out += amount_to_mwh("district_heat", h.heat_output.value, h.heat_output.unit or "MWh",
                                  where=f"{where}.heat_output")
    fuel_mwh = sum(fuel_by_carrier.values())
    delivered = float(final_energy.loc[final_energy["carrier"] == "district_heat", "energy_mwh"].sum())
    fuel = max(fuel_by_carrier, key=lambda k: fuel_by_carrier[k])
    if fuel_mwh <= 0 or heat_out <= 0 or fuel not in cat.fuel_price_usd_per_mwh:
        return cat
    efficiency = heat_out / fuel_mwh
    loss = 1.0 - delivered / heat_out if delivered > 0 else cat.district_network_loss_fraction
    if not (0.3 <= efficiency <= 1.1 and 0.0 <= loss < 0.5):
        raise InputError(
            f"boiler houses give {heat_out:,.0f} MWh of heat from {fuel_mwh:,.0f} MWh of fuel "
            f"(efficiency {efficiency:.2f}) for {delivered:,.0f} MWh delivered (network loss {loss:.0%})",
            file=getattr(city, "source_file", None), field="local_supply.boiler_houses",
            fix="check fuel_use and heat_output: efficiency should be 0.3-1.1 and network loss 0-50 %",
        )
    return replace(cat, district_heat_fuel=fuel, district_boiler_efficiency=efficiency,
                   district_network_loss_fraction=loss)
