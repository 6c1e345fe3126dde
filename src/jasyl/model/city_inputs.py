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
from jasyl.factors import amount_to_mwh, fuels
from jasyl.model.grid import CleanContract, GridConnection, OperatingReserve
from jasyl.model.inputs import (
    ELEC,
    Converter,
    FossilSupply,
    Generator,
    LandLimit,
    PlanInputs,
    Storage,
    VehicleClass,
    baseline_today,
)
from jasyl.prices import CityPrices
from jasyl.technologies import Catalogue, annuity, load_catalogue

__all__ = ["InputOptions", "inputs_from_profiles", "with_city_boiler_houses", "HEAT_FUELS"]

HEAT_FUELS = ("coal", "lignite", "anthracite", "natural_gas", "lpg", "fuel_oil", "firewood")
#: stationary motor fuels of construction sites and generators: not heat (issue 11)
MACHINERY_FUELS = ("diesel", "gasoline")
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
    accounting: str = "hourly"  # hourly | annual-net | ppa (jasyl.model.grid)
    price_basis: str = "financial"  # financial | economic: fuel prices the plan is optimised with
    islanded: bool = False  # no connection: batteries hold the operating reserve
    grid_connection_mw: float | None = None  # existing connection (None: city file, else today's peak)
    contract_mw: float | None = None  # ppa contract overrides (None: the city file's contract)
    contract_mwh: float | None = None
    contract_price_usd_per_mwh: float | None = None
    contract_source: str | None = None
    #: scenario overrides that win over the city file, its country's data and the catalogue (sweeps):
    #: fuel price USD/MWh by carrier, factor on the fuel price by carrier, grid import/export price
    #: USD/MWh and grid emission factor t/MWh (None: not overridden)
    fuel_price_usd_per_mwh: dict[str, float] = field(default_factory=dict)
    fuel_price_multiplier: dict[str, float] = field(default_factory=dict)
    grid_import_price_usd_per_mwh: float | None = None
    grid_export_price_usd_per_mwh: float | None = None
    grid_emission_factor_t_per_mwh: float | None = None


class _Pricing:
    """Prices and CO2 factors of one city: city file -> country -> catalogue (jasyl.prices), the fuel
    CO2 factors of the inventory (jasyl.factors, IPCC 2006), the grid factor of the inventory."""

    def __init__(self, cat: Catalogue, prices: CityPrices | None, basis: str, grid_factor: float | None,
                 opt: InputOptions | None = None) -> None:
        self.cat, self.prices, self.basis = cat, prices, basis
        o = opt or InputOptions()
        self.fuel_override, self.fuel_multiplier = dict(o.fuel_price_usd_per_mwh), dict(o.fuel_price_multiplier)
        self.grid_factor = cat.grid_emission_factor_t_per_mwh if grid_factor is None else float(grid_factor)
        self.import_price = prices.grid_import_usd_per_mwh.value if prices else cat.import_price_usd_per_mwh
        self.export_price = prices.grid_export_usd_per_mwh.value if prices else cat.export_price_usd_per_mwh
        # overrides (scenario settings) win over the city file, the country data and the catalogue
        if o.grid_emission_factor_t_per_mwh is not None:
            self.grid_factor = float(o.grid_emission_factor_t_per_mwh)
        if o.grid_import_price_usd_per_mwh is not None:
            self.import_price = float(o.grid_import_price_usd_per_mwh)
        if o.grid_export_price_usd_per_mwh is not None:
            self.export_price = float(o.grid_export_price_usd_per_mwh)
        self.export_credit = (prices.export_credit_factor_t_per_mwh.value if prices
                              else cat.export_credit_factor_t_per_mwh)
        self._ef = {k: f.co2_kg_per_tj * 3.6e-6 * (0.0 if f.biogenic else 1.0) for k, f in fuels().items()}

    def price(self, carrier: str, basis: str | None = None) -> float:
        """Fuel price USD/MWh on a basis; overrides apply to the basis the plan is optimised with."""
        b = basis or self.basis
        if b == self.basis and carrier in self.fuel_override:
            return float(self.fuel_override[carrier])
        factor = float(self.fuel_multiplier.get(carrier, 1.0)) if b == self.basis else 1.0
        if self.prices is not None and carrier in self.prices.fuels_usd_per_mwh:
            return self.prices.fuel(carrier, b) * factor
        if carrier not in self.cat.fuel_price_usd_per_mwh:
            raise InputError(f"no fuel price for carrier '{carrier}' in the technology catalogue",
                             file=self.cat.source_path, field=f"fuels.{carrier}", fix="add the fuel to the catalogue")
        return self.cat.fuel_price_usd_per_mwh[carrier] * factor

    def co2(self, carrier: str) -> float:
        if carrier in self._ef:
            return self._ef[carrier]
        return self.cat.fuel_emission_factor_t_per_mwh.get(carrier, 0.0)


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


def _fuel_totals(rows: pd.DataFrame, px: _Pricing) -> tuple[float, float, float, float]:
    """(fuel MWh, fuel cost USD, CO2 t, fuel cost at economic prices USD) of final-energy rows."""
    mwh = cost = co2 = eco = 0.0
    for carrier, e in rows.groupby("carrier")["energy_mwh"].sum().items():
        c = str(carrier)
        mwh += float(e)
        cost += float(e) * px.price(c)
        eco += float(e) * px.price(c, "economic")
        co2 += float(e) * px.co2(c)
    return mwh, cost, co2, eco


def inputs_from_profiles(
    supply: pd.DataFrame,
    demand: pd.DataFrame,
    temp_air_c: np.ndarray | pd.Series,
    final_energy: pd.DataFrame,
    *,
    catalogue: Catalogue | None = None,
    options: InputOptions | None = None,
    city: str = "",
    prices: CityPrices | None = None,
    grid_factor_t_per_mwh: float | None = None,
    contract: CleanContract | None = None,
    existing_connection_mw: float | None = None,
) -> PlanInputs:
    """Full-year :class:`PlanInputs` from profile frames (UTC hourly) and the final-energy table.

    ``prices`` (:func:`jasyl.prices.city_prices`) and ``grid_factor_t_per_mwh`` (the inventory's) make
    the figures the city's own; without them the catalogue's apply. ``contract``: the clean contract of
    the ``ppa`` rule; ``existing_connection_mw``: the city's grid connection (None: today's peak).
    """
    cat = catalogue or load_catalogue(options.catalogue_path if options else None)
    opt = options or InputOptions()
    px = _Pricing(cat, prices, opt.price_basis, grid_factor_t_per_mwh, opt)
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
                              standing_loss=st.standing_loss_per_hour,
                              energy_to_power_h=st.energy_to_power_hours))

    # --- heat converters (COP and cold-weather derating from the hourly air temperature)
    temp = np.asarray(temp_air_c, dtype=float)
    convs: list[Converter] = []
    for c in cat.converters.values():
        if not use(c.name) or not np.any(demand_map[c.bus] > 0):
            continue
        cc = cat.capital_cost_per_mw_year(c.capex_usd_per_kw, c.lifetime_years, c.fixed_om_usd_per_kw_year)
        convs.append(Converter(c.name, c.bus, efficiency=c.efficiency_series(temp), capital_cost=cc * yf,
                               marginal_cost=c.variable_om_usd_per_mwh, availability=c.availability_series(temp)))

    # --- existing fuel-burning heat supply
    fossil: list[FossilSupply] = []
    fuel = cat.district_heat_fuel
    if heat_dh.sum() > 0:
        eff = cat.district_boiler_efficiency or cat.heat_efficiency[fuel]
        fossil.append(FossilSupply("district_boilers", "heat_district", cost_per_mwh=px.price(fuel) / eff,
                                   co2_per_mwh=px.co2(fuel) / eff, capacity_mw=float(heat_dh.max()),
                                   sector="district_heat", economic_cost_per_mwh=px.price(fuel, "economic") / eff))
    for name, bus, series, subs in (
        ("building_stoves", "heat_individual", heat_ind, INDIVIDUAL_SUBSECTORS),
        ("industry_boilers", "heat_industry", heat_prod, INDUSTRY_SUBSECTORS),
    ):
        useful = float(series.sum()) / yf  # per year, like the final-energy rows
        if useful <= 0:
            continue
        rows = _rows(fe, sector="stationary_energy", carriers=HEAT_FUELS, subsectors=subs)
        mwh, cost, co2, eco = _fuel_totals(rows, px)
        if mwh <= 0:  # no fuel rows: assume natural gas at catalogue efficiency
            eff = cat.heat_efficiency["natural_gas"]
            cost = useful / eff * px.price("natural_gas")  # per year
            eco = useful / eff * px.price("natural_gas", "economic")
            co2 = useful / eff * px.co2("natural_gas")
        fossil.append(FossilSupply(name, bus, cost_per_mwh=cost / useful, co2_per_mwh=co2 / useful,
                                   capacity_mw=float(series.max()), sector=bus.replace("heat_", "") + "_heat",
                                   economic_cost_per_mwh=eco / useful))

    # --- vehicles
    vehicles: list[VehicleClass] = []
    trows = fe.loc[(fe["sector"] == "transport") & (fe["vehicle_class"].astype(str) != "")
                   & (fe["carrier"] != "grid_electricity")]
    if len(trows) and ev_total.sum() > 0:
        weights: dict[str, float] = {}
        per_class: dict[str, tuple[float, float, float, float, float]] = {}
        for vc, rows in trows.groupby("vehicle_class"):
            vc = str(vc)
            mwh, cost, co2, eco = _fuel_totals(rows, px)
            vkm = float(rows["vkm"].sum()) if "vkm" in rows else 0.0
            nveh = float(rows["vehicles"].sum()) if "vehicles" in rows else 0.0
            weights[vc] = vkm * cat.vehicle(vc).ev_kwh_per_km if vkm > 0 else mwh * 0.3
            per_class[vc] = (mwh, cost, co2, nveh, eco)
        # group columns (cars, buses, trucks) when the profiles provide them and cover every class
        groups = {vc: EV_GROUP_COLUMNS.get(vc, "") for vc in per_class}
        use_groups = all(g in demand.columns for g in groups.values())
        for vc, (mwh, cost, co2, nveh, eco) in per_class.items():
            if weights[vc] <= 0:
                continue
            if use_groups:
                same = [w for k, w in weights.items() if groups[k] == groups[vc]]
                profile = _col(demand, groups[vc], n) * weights[vc] / sum(same)
            else:
                profile = ev_total * weights[vc] / sum(weights.values())
            vehicles.append(VehicleClass(vc, ev_profile=profile, fuel_cost=cost * yf,
                                         fuel_co2_t=co2 * yf, ev_cost=nveh * cat.vehicle_cost_per_year(vc) * yf,
                                         fuel_mwh=mwh * yf, vehicles=nveh, economic_fuel_cost=eco * yf))

    # --- stationary motor fuel of construction sites and generators (not heat): may be electrified
    mrows = _rows(fe, sector="stationary_energy", carriers=MACHINERY_FUELS)
    mwh, cost, co2, eco = _fuel_totals(mrows, px)
    if mwh > 0:
        spec = cat.raw.get("construction_machinery", {})
        per_fuel = float(spec.get("electricity_per_fuel_energy", {}).get("value", 0.4))
        premium = float(spec.get("premium_usd_per_mwh_fuel", {}).get("value", 25.0))
        vehicles.append(VehicleClass("construction_machinery", ev_profile=np.full(n, mwh * per_fuel / 8760.0),
                                     fuel_cost=cost * yf, fuel_co2_t=co2 * yf, ev_cost=premium * mwh * yf,
                                     fuel_mwh=mwh * yf, sector="industry_other", economic_fuel_cost=eco * yf))

    # --- grid, accounting rule, contracts, connection, reserve
    contracts: list[CleanContract] = []
    if opt.accounting == "ppa":
        contracts.append(_contract(opt, contract))
    elif opt.accounting not in ("hourly", "annual-net"):
        raise InputError(f"unknown accounting rule '{opt.accounting}'", field="accounting",
                         fix="use hourly, annual-net or ppa")
    if opt.accounting == "annual-net":
        credit = px.grid_factor  # exports offset imports at the same factor, electricity only
    elif opt.accounting == "hourly" and opt.export_credit:
        credit = px.export_credit
    else:
        credit = 0.0
    export_max = 0.0 if not opt.allow_export or opt.islanded else (
        opt.grid_export_max_mw if opt.grid_export_max_mw is not None else float("inf"))
    import_max = 0.0 if opt.islanded else (
        opt.grid_import_max_mw if opt.grid_import_max_mw is not None else float("inf"))
    connection = None
    reserve = None
    if import_max == 0.0:  # nothing to lean on in a shortfall: batteries hold the reserve
        reserve = OperatingReserve(cat.reserve_share_of_load, cat.reserve_largest_infeed_mw)
    if import_max > 0.0 or export_max > 0.0:  # the connection limits exports too, even with no imports
        existing = opt.grid_connection_mw if opt.grid_connection_mw is not None else existing_connection_mw
        per_peak = prices.connection_per_peak if prices is not None else 1.0
        existing_mw = float(existing) if existing is not None else per_peak * float(elec.max(initial=0.0))
        capex = prices.reinforcement_capex_usd_per_kw.value if prices is not None else 200.0
        life = prices.reinforcement_lifetime_years if prices is not None else 40.0
        fom = prices.reinforcement_fixed_om_fraction if prices is not None else 0.02
        cost_mw = 1000.0 * capex * (annuity(cat.discount_rate, life) + fom) * yf
        connection = GridConnection(existing_mw=existing_mw, reinforcement_cost=cost_mw)

    assumptions = cat.assumptions() + list(opt.extra_assumptions)
    if prices is not None:
        assumptions += prices.assumptions()
    assumptions.append({"name": "grid.emission_factor_t_per_mwh (used)", "value": px.grid_factor,
                        "unit": "tCO2/MWh", "source": "the inventory's grid factor (city file, else country data)"
                        if grid_factor_t_per_mwh is not None else "catalogue (Kazakhstan)"})
    assumptions.append({"name": "co2_target_t", "value": opt.target_co2_t, "unit": "t CO2/yr",
                        "source": "user option (default 0: zero CO2)"})
    assumptions.append({"name": "accounting", "value": opt.accounting, "unit": "",
                        "source": "user option (docs/accounting-and-tradeoff.md)"})
    assumptions.append({"name": "price_basis", "value": opt.price_basis, "unit": "",
                        "source": "user option: fuel prices the plan is optimised with"})
    assumptions.append({"name": "export_credit_factor (used)", "value": credit, "unit": "tCO2/MWh",
                        "source": "annual-net: the grid factor; hourly with export_credit: the combined margin; "
                        "capped at the electricity imports"})
    if connection is not None:
        assumptions.append({"name": "grid.existing_connection_mw (used)", "value": connection.existing_mw,
                            "unit": "MW", "source": "user option or city file" if (
                                opt.grid_connection_mw is not None or existing_connection_mw is not None)
                            else "estimate: today's peak electricity demand"})
    for k in contracts:
        assumptions += [
            {"name": "contract.source", "value": k.name, "unit": "", "source": k.source},
            {"name": "contract.firm_mw", "value": k.firm_mw, "unit": "MW", "source": k.source},
            {"name": "contract.annual_mwh", "value": k.annual_mwh, "unit": "MWh/yr", "source": k.source},
            {"name": "contract.price_usd_per_mwh", "value": k.price_usd_per_mwh, "unit": "USD/MWh",
             "source": k.source},
        ]
    inp = PlanInputs(
        index=index,
        demand=demand_map,
        generators=gens,
        storages=stores,
        converters=convs,
        fossil=fossil,
        vehicles=vehicles,
        land_limits=land,
        import_price=px.import_price,
        import_co2_per_mwh=px.grid_factor,
        import_max_mw=import_max,
        export_price=px.export_price,
        export_credit_co2_per_mwh=credit,
        export_max_mw=export_max,
        co2_target_t=opt.target_co2_t * yf,
        city=city,
        year_fraction=yf,
        limit_labels={
            "co2": "CO2 target (target_co2_t)",
            "land_pv": "land for utility PV (land_pv_km2)",
            "land_wind": "land for wind (land_wind_km2)",
            "cap_pv_rooftop": "rooftop PV capacity allowed by the roof area (rooftop_km2)",
            "grid_import": "grid import connection (grid_import_max_mw)",
        },
        assumptions=assumptions,
        accounting=opt.accounting,
        contracts=contracts,
        connection=connection,
        reserve=reserve,
    )
    # today: every MWh from the grid, every heat bus from its fuel, every vehicle on fuel (per year);
    # in the economic view the same fuel at economic prices
    inp.baseline = baseline_today(inp)
    return inp


def _contract(opt: InputOptions, default: CleanContract | None) -> CleanContract:
    """The ``ppa`` contract: the city file's, with the user's overrides."""
    if default is None and opt.contract_mw is None and opt.contract_mwh is None:
        raise InputError("the ppa accounting rule needs a clean-electricity contract; the city file lists none",
                         field="contract_mw",
                         fix="give the contract's firm MW and/or MWh a year and its price (--contract-mw, "
                         "--contract-mwh, --contract-price), or add local_supply.contracts to the city file")
    base = default or CleanContract("contract", "user contract", float("inf"), float("inf"), 0.0)
    price = opt.contract_price_usd_per_mwh if opt.contract_price_usd_per_mwh is not None else base.price_usd_per_mwh
    if default is None and opt.contract_price_usd_per_mwh is None:
        raise InputError("the contract needs a price", field="contract_price_usd_per_mwh",
                         fix="give the delivered price in USD/MWh (--contract-price)")
    mw = opt.contract_mw if opt.contract_mw is not None else (
        base.firm_mw if opt.contract_mwh is None or default is not None else float("inf"))
    mwh = opt.contract_mwh if opt.contract_mwh is not None else (
        base.annual_mwh if opt.contract_mw is None or default is not None else float("inf"))
    return CleanContract(base.name, opt.contract_source or base.source, float(mw), float(mwh), float(price))


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
