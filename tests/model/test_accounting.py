"""Accounting rules, contracts, the grid connection and the operating reserve on hand-solvable cases."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from jasyl.errors import SolveError
from jasyl.model.api import solve_inputs
from jasyl.model.grid import CleanContract, GridConnection, OperatingReserve
from jasyl.model.inputs import FossilSupply, Generator, PlanInputs, Storage


def _flat(n: int = 4, demand: float = 10.0, **kw) -> PlanInputs:
    idx = pd.date_range("2025-01-01", periods=n, freq="h", tz="UTC")
    base = {"index": idx, "demand": {"electricity": np.full(n, demand)}, "import_price": 50.0,
            "import_co2_per_mwh": 1.0, "export_max_mw": 0.0, "city": "flat"}
    base.update(kw)
    return PlanInputs(**base)


def test_contract_volume_enters_the_co2_balance_exactly_once() -> None:
    contract = CleanContract("hydro", "test hydro", firm_mw=4.0, annual_mwh=float("inf"), price_usd_per_mwh=60.0)
    inp = _flat(contracts=[contract], co2_target_t=24.0, year_fraction=4 / 8760)
    res = solve_inputs(inp)
    # 4 h x 10 MW: 16 MWh from the contract (zero CO2), 24 MWh imported at 1 t/MWh
    assert res.energy_mwh["contract_hydro"] * inp.year_fraction == pytest.approx(16.0, rel=1e-6)
    assert res.co2_after_t * inp.year_fraction == pytest.approx(24.0, rel=1e-6)
    assert res.co2_after_by_sector_t["electricity"] * inp.year_fraction == pytest.approx(24.0, rel=1e-6)
    assert res.total_annual_cost_usd * inp.year_fraction == pytest.approx(16 * 60 + 24 * 50, rel=1e-6)
    with pytest.raises(SolveError):  # a tighter cap than the contract allows has no plan
        solve_inputs(replace(inp, co2_target_t=23.0))


def test_contract_annual_volume_limits_the_energy() -> None:
    contract = CleanContract("hydro", "test hydro", firm_mw=10.0, annual_mwh=20.0 * 8760 / 4,
                             price_usd_per_mwh=10.0)
    inp = _flat(contracts=[contract], year_fraction=4 / 8760)
    res = solve_inputs(inp)  # cheap contract: used up to its annual volume (20 MWh over the 4 hours)
    assert res.energy_mwh["contract_hydro"] * inp.year_fraction == pytest.approx(20.0, rel=1e-6)


def test_exports_offset_electricity_imports_only_never_heat() -> None:
    # electricity: PV in hours 0-1 only, import otherwise; heat: a gas boiler that cannot be replaced
    n = 4
    pv = Generator("pv", cf=np.array([1.0, 1.0, 0.0, 0.0]), capital_cost=1.0)
    heat = FossilSupply("boiler", "heat_district", cost_per_mwh=20.0, co2_per_mwh=0.2, sector="district_heat")
    base = _flat(n, demand=10.0, generators=[pv], fossil=[heat], export_max_mw=1000.0, export_price=0.0)
    base.demand["heat_district"] = np.full(n, 5.0)
    heat_co2 = 0.2 * 5.0 * n
    net = replace(base, export_credit_co2_per_mwh=1.0, co2_target_t=heat_co2)
    res = solve_inputs(net)  # the PV covers its own hours and exports enough to offset the imports
    assert res.co2_after_by_sector_t["electricity"] == pytest.approx(0.0, abs=1e-6)
    assert res.co2_after_t * net.year_fraction == pytest.approx(heat_co2, rel=1e-6)
    with pytest.raises(SolveError):  # exports cannot offset the boiler's CO2
        solve_inputs(replace(net, co2_target_t=heat_co2 * 0.5))


def test_export_is_limited_by_the_connection_and_reinforcement_has_a_cost() -> None:
    n = 4
    pv = Generator("pv", cf=np.ones(n), capital_cost=0.0, existing_mw=50.0, max_mw=50.0)
    conn = GridConnection(existing_mw=20.0, reinforcement_cost=1e9)  # too dear: no reinforcement
    inp = _flat(n, demand=10.0, generators=[pv], export_max_mw=1000.0, export_price=30.0, connection=conn)
    res = solve_inputs(inp)
    assert res.dispatch["electricity:grid_export"].abs().max() == pytest.approx(20.0, rel=1e-6)
    cheap = replace(inp, connection=GridConnection(existing_mw=20.0, reinforcement_cost=1.0))
    res2 = solve_inputs(cheap)  # cheap reinforcement: export all 40 MW of surplus
    assert res2.dispatch["electricity:grid_export"].abs().max() == pytest.approx(40.0, rel=1e-6)
    assert res2.capacities["grid_reinforcement"] == pytest.approx(20.0, rel=1e-6)


def test_islanded_city_holds_an_operating_reserve_in_batteries() -> None:
    n = 4
    pv = Generator("pv", cf=np.array([1.0, 1.0, 1.0, 1.0]), capital_cost=1.0)
    bat = Storage("battery", "electricity", power_cost=10.0, energy_cost=1.0)
    inp = _flat(n, demand=10.0, generators=[pv], storages=[bat], import_max_mw=0.0, import_co2_per_mwh=0.0)
    without = solve_inputs(inp)
    assert without.capacities.get("battery_power", 0.0) == pytest.approx(0.0, abs=1e-6)
    res = solve_inputs(replace(inp, reserve=OperatingReserve(share_of_load=0.1, largest_infeed_mw=5.0)))
    # reserve 0.1 x 10 + 5 = 6 MW of spare power and 6 MWh of stored energy in every hour
    assert res.capacities["battery_power"] >= 6.0 - 1e-6
    assert res.capacities["battery_energy"] >= 6.0 - 1e-6
