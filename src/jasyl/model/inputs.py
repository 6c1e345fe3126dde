"""The planner's own input: plain arrays and numbers, independent of any city file.

:class:`PlanInputs` holds everything the linear programme needs, already annualised and scaled to the
horizon. :func:`jasyl.planning.city_inputs.inputs_from_city` builds it from a city; tests build tiny
hand-solvable instances directly.

Sign and unit conventions: power in MW (one-hour steps, so MW = MWh per step), money in USD 2024,
emissions in t CO2. ``capital_cost`` values are per MW (or MWh) **for the modelled horizon**: the annual
annuity + fixed O&M times ``hours / 8760``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from jasyl.model.grid import CleanContract, GridConnection, OperatingReserve

__all__ = [
    "BUSES",
    "Generator",
    "Storage",
    "Converter",
    "FossilSupply",
    "VehicleClass",
    "LandLimit",
    "PlanInputs",
    "baseline_today",
]

ELEC = "electricity"
BUSES = (ELEC, "heat_district", "heat_individual", "heat_industry")


@dataclass
class Generator:
    """Extendable variable renewable generator on the electricity bus."""

    name: str
    cf: np.ndarray  # capacity factor 0..1 per hour
    capital_cost: float  # USD per MW over the horizon
    marginal_cost: float = 0.0  # USD/MWh
    existing_mw: float = 0.0
    max_mw: float = float("inf")


@dataclass
class Storage:
    """Storage with power (MW) and energy (MWh) sized separately; cyclic state of charge."""

    name: str
    bus: str
    power_cost: float  # USD per MW over the horizon (0 -> power not limited)
    energy_cost: float  # USD per MWh over the horizon
    charge_efficiency: float = 1.0
    discharge_efficiency: float = 1.0
    standing_loss: float = 0.0  # fraction of the state of charge lost per hour
    max_energy_mwh: float = float("inf")
    min_energy_mwh: float = 0.0
    min_power_mw: float = 0.0
    max_power_mw: float = float("inf")
    #: charge and discharge at most energy / this many hours (pit storage: 150 h); None: not limited
    energy_to_power_h: float | None = None


@dataclass
class Converter:
    """Electricity -> heat converter (heat pump, electric boiler), capacity in MW of heat."""

    name: str
    bus: str
    efficiency: np.ndarray  # heat out per electricity in, per hour (COP)
    capital_cost: float  # USD per MW_th over the horizon
    marginal_cost: float = 0.0  # USD per MWh of heat
    max_mw: float = float("inf")
    min_mw: float = 0.0
    #: share of the rated heat capacity available per hour (cold-weather derating); None: 1 every hour
    availability: np.ndarray | None = None


@dataclass
class FossilSupply:
    """Existing fuel-burning supply of a heat bus (no capital cost); capacity in MW of heat."""

    name: str
    bus: str
    cost_per_mwh: float  # fuel + variable O&M per MWh of heat delivered
    co2_per_mwh: float  # t CO2 per MWh of heat delivered
    capacity_mw: float = float("inf")
    sector: str = ""
    #: the same heat's cost with fuel at economic (export-parity) prices; None: as cost_per_mwh
    economic_cost_per_mwh: float | None = None


@dataclass
class VehicleClass:
    """A vehicle class whose fuel use can be replaced, in a continuous share, by electric vehicles."""

    name: str
    ev_profile: np.ndarray  # MW drawn from the grid if the whole class were electric
    fuel_cost: float  # USD over the horizon if the whole class runs on fuel
    fuel_co2_t: float  # t CO2 over the horizon if the whole class runs on fuel
    ev_cost: float  # extra vehicle cost over the horizon if the whole class is electric
    fuel_mwh: float = 0.0
    vehicles: float = 0.0
    fixed_share: float | None = None  # fix the electrified share (design check)
    sector: str = "transport"  # where its fuel CO2 is reported (construction machinery: industry_other)
    economic_fuel_cost: float | None = None  # fuel cost at economic prices over the horizon; None: fuel_cost


@dataclass
class LandLimit:
    """sum(capacity_mw / density_mw_per_km2) <= limit_km2 over the listed generators."""

    name: str
    density_mw_per_km2: dict[str, float]
    limit_km2: float
    fix: str = ""


@dataclass
class PlanInputs:
    """Everything the linear programme needs."""

    index: pd.DatetimeIndex
    demand: dict[str, np.ndarray]  # bus -> MW per hour (fixed demand)
    generators: list[Generator] = field(default_factory=list)
    storages: list[Storage] = field(default_factory=list)
    converters: list[Converter] = field(default_factory=list)
    fossil: list[FossilSupply] = field(default_factory=list)
    vehicles: list[VehicleClass] = field(default_factory=list)
    land_limits: list[LandLimit] = field(default_factory=list)
    import_price: float = 0.0
    import_co2_per_mwh: float = 0.0
    import_max_mw: float = float("inf")
    export_price: float = 0.0
    export_credit_co2_per_mwh: float = 0.0  # 0 -> exports earn no CO2 credit
    export_max_mw: float = float("inf")
    co2_target_t: float = float("inf")  # over the horizon
    city: str = ""
    year_fraction: float = 1.0  # hours / 8760, used to annualise results
    baseline: dict[str, Any] = field(default_factory=dict)
    # slack key (``co2``, ``land_<name>``, ``cap_<tech>``, ``grid_import``) -> how the user relaxes it
    limit_labels: dict[str, str] = field(default_factory=dict)
    assumptions: list[dict[str, Any]] = field(default_factory=list)
    #: "hourly", "annual-net" or "ppa" (jasyl.model.grid); the rule is carried by the fields below
    accounting: str = "hourly"
    contracts: list[CleanContract] = field(default_factory=list)
    connection: GridConnection | None = None
    reserve: OperatingReserve | None = None

    @property
    def n_hours(self) -> int:
        return len(self.index)

    def validate(self) -> None:
        """Check array lengths and signs; raise ValueError on programming errors."""
        n = self.n_hours
        for bus, d in self.demand.items():
            if bus not in BUSES:
                raise ValueError(f"unknown bus {bus!r}")
            if len(d) != n:
                raise ValueError(f"demand {bus}: {len(d)} values for {n} hours")
        for g in self.generators:
            if len(g.cf) != n:
                raise ValueError(f"generator {g.name}: {len(g.cf)} values for {n} hours")
        for c in self.converters:
            if len(c.efficiency) != n or np.any(c.efficiency <= 0):
                raise ValueError(f"converter {c.name}: efficiency must be positive with {n} values")
        for v in self.vehicles:
            if len(v.ev_profile) != n:
                raise ValueError(f"vehicle class {v.name}: profile length")
        for c in self.converters:
            if c.availability is not None and len(c.availability) != n:
                raise ValueError(f"converter {c.name}: {len(c.availability)} availability values for {n} hours")
        for k in self.contracts:
            if k.shape is not None and len(k.shape) != n:
                raise ValueError(f"contract {k.name}: {len(k.shape)} shape values for {n} hours")

    def subset(self, start: int, stop: int) -> PlanInputs:
        """The same problem on hours ``start:stop`` with costs and targets scaled to that horizon."""
        n_new = stop - start
        f = n_new / self.n_hours

        def cut(a: np.ndarray) -> np.ndarray:
            return np.asarray(a)[start:stop].copy()

        conn = self.connection
        sub = replace(
            self,
            index=self.index[start:stop],
            demand={k: cut(v) for k, v in self.demand.items()},
            generators=[replace(g, cf=cut(g.cf), capital_cost=g.capital_cost * f) for g in self.generators],
            storages=[replace(s, power_cost=s.power_cost * f, energy_cost=s.energy_cost * f)
                      for s in self.storages],
            converters=[replace(c, efficiency=cut(c.efficiency), capital_cost=c.capital_cost * f,
                                availability=None if c.availability is None else cut(c.availability))
                        for c in self.converters],
            vehicles=[self._cut_vehicle(v, start, stop, f) for v in self.vehicles],
            contracts=[replace(k, shape=None if k.shape is None else cut(k.shape)) for k in self.contracts],
            connection=None if conn is None else replace(conn, reinforcement_cost=conn.reinforcement_cost * f),
            co2_target_t=self.co2_target_t * f,
            year_fraction=self.year_fraction * f,
        )
        # today's CO2 and cost of the window itself, per year (heat is winter-heavy: a January window
        # must not be compared with the year's average)
        if self.baseline:
            sub.baseline = {**self.baseline, **baseline_today(sub)}
        return sub

    @staticmethod
    def _cut_vehicle(v: VehicleClass, start: int, stop: int, f: float) -> VehicleClass:
        """Fuel use and emissions follow the class's driving profile; the vehicle cost follows time."""
        total = float(np.sum(v.ev_profile))
        share = float(np.sum(v.ev_profile[start:stop])) / total if total > 0 else f
        return replace(
            v, ev_profile=np.asarray(v.ev_profile)[start:stop].copy(), fuel_cost=v.fuel_cost * share,
            fuel_co2_t=v.fuel_co2_t * share, fuel_mwh=v.fuel_mwh * share, ev_cost=v.ev_cost * f,
            economic_fuel_cost=None if v.economic_fuel_cost is None else v.economic_fuel_cost * share,
        )


def baseline_today(inp: PlanInputs) -> dict[str, Any]:
    """Today's CO2 by sector and cost of the modelled system over ``inp``'s horizon, per year.

    Today: all electricity from the grid (at the import price and factor), every heat bus from its
    existing fuel-burning supply, every vehicle class on fuel. Keys ``co2_by_sector_t``,
    ``annual_cost_usd`` and ``economic_annual_cost_usd`` (fuel at economic prices).
    """
    yf = inp.year_fraction
    elec = float(np.sum(inp.demand.get(ELEC, np.zeros(0))))
    co2: dict[str, float] = {"electricity": elec * inp.import_co2_per_mwh}
    cost = elec * inp.import_price
    economic = cost
    for fs in inp.fossil:
        total = float(np.sum(inp.demand.get(fs.bus, np.zeros(0))))
        sector = fs.sector or fs.bus
        co2[sector] = co2.get(sector, 0.0) + fs.co2_per_mwh * total
        cost += fs.cost_per_mwh * total
        economic += (fs.cost_per_mwh if fs.economic_cost_per_mwh is None else fs.economic_cost_per_mwh) * total
    for v in inp.vehicles:
        co2[v.sector] = co2.get(v.sector, 0.0) + v.fuel_co2_t
        cost += v.fuel_cost
        economic += v.fuel_cost if v.economic_fuel_cost is None else v.economic_fuel_cost
    return {"co2_by_sector_t": {k: x / yf for k, x in co2.items()}, "annual_cost_usd": cost / yf,
            "economic_annual_cost_usd": economic / yf}
