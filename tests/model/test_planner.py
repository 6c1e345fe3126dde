"""Planner acceptance tests on short horizons (fast)."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from jasyl.errors import SolveError
from jasyl.model.api import solve_inputs
from jasyl.model.inputs import ELEC


def test_tiny_pv_battery_hand_solution(tiny_pv_battery):
    # Hour 1 needs 10 MW from the battery: 10/0.9 MWh leave the store, so the store holds E = 11.11 MWh,
    # charged with 11.11/0.9 = 12.35 MW of PV in hour 0 (power limit P = 12.35 MW, PV = 12.35 MW).
    r = solve_inputs(tiny_pv_battery)
    e = 10 / 0.9
    p = e / 0.9
    assert r.capacities["pv"] == pytest.approx(p, rel=1e-6)
    assert r.capacities["battery_energy"] == pytest.approx(e, rel=1e-6)
    assert r.capacities["battery_power"] == pytest.approx(p, rel=1e-6)
    assert r.total_annual_cost_usd * tiny_pv_battery.year_fraction == pytest.approx(100 * p + 10 * p + 20 * e, rel=1e-6)


def _bus_residuals(r) -> dict[str, float]:
    out = {}
    for bus in {c.split(":")[0] for c in r.dispatch.columns}:
        cols = [c for c in r.dispatch.columns if c.startswith(bus + ":")]
        out[bus] = float(np.abs(r.dispatch[cols].sum(axis=1)).max())
    return out


def test_hourly_balances_close_for_every_carrier(make_inputs):
    r = solve_inputs(make_inputs())
    res = _bus_residuals(r)
    assert set(res) >= {"electricity", "heat_district", "heat_individual", "heat_industry"}
    scale = float(np.abs(r.dispatch.to_numpy()).max())
    for bus, worst in res.items():
        assert worst <= 1e-6 * scale, (bus, worst)
    # storage state of charge follows charge and discharge with losses, cyclically
    inp = make_inputs()
    for st in inp.storages:
        soc = r.storage_soc[st.name].to_numpy()
        ch = -r.dispatch[f"{st.bus}:{st.name}_charge"].to_numpy()
        dis = r.dispatch[f"{st.bus}:{st.name}_discharge"].to_numpy() / st.discharge_efficiency
        expected = (1 - st.standing_loss) * np.roll(soc, 1) + st.charge_efficiency * ch - dis
        assert np.abs(soc - expected).max() <= 1e-6 * max(1.0, soc.max())


def test_zero_target_reaches_zero_and_co2_cap_binds(make_inputs):
    r0 = solve_inputs(make_inputs(target_co2_t=0.0))
    assert abs(r0.co2_after_t) <= 1e-3
    assert r0.co2_before_t > 1e4
    target = 0.4 * r0.co2_before_t
    r = solve_inputs(make_inputs(target_co2_t=target))
    assert r.co2_after_t == pytest.approx(target, rel=1e-5)
    assert sum(r.co2_after_by_sector_t.values()) == pytest.approx(r.co2_after_t, rel=1e-9)
    # the looser cap can only be cheaper
    assert r.total_annual_cost_usd <= r0.total_annual_cost_usd * (1 + 1e-7)
    assert math.isfinite(r0.cost_per_t_avoided_usd)


@pytest.mark.parametrize("what", ["pv", "battery", "heat_pump", "import"])
def test_raising_a_cost_never_lowers_total_cost(make_inputs, what):
    base = make_inputs(target_co2_t=20000.0)
    dearer = make_inputs(target_co2_t=20000.0)
    if what == "pv":
        dearer.generators = [replace(g, capital_cost=g.capital_cost * 1.5) if g.name.startswith("pv") else g
                             for g in dearer.generators]
    elif what == "battery":
        dearer.storages = [replace(s, energy_cost=s.energy_cost * 2) for s in dearer.storages]
    elif what == "heat_pump":
        dearer.converters = [replace(c, capital_cost=c.capital_cost * 1.3) for c in dearer.converters]
    else:
        dearer.import_price *= 1.5
    a = solve_inputs(base).total_annual_cost_usd
    b = solve_inputs(dearer).total_annual_cost_usd
    assert b >= a * (1 - 1e-7)


def test_vehicle_share_follows_costs(make_inputs):
    inp = make_inputs(target_co2_t=1e9)  # no CO2 pressure: electrify only what pays
    for v in inp.vehicles:
        v.ev_cost = 1e12  # prohibitive
    r = solve_inputs(inp)
    assert all(s <= 1e-6 for s in r.electrified_share.values())
    assert r.co2_after_by_sector_t["transport"] == pytest.approx(r.co2_before_by_sector_t["transport"], rel=1e-6)


def test_infeasible_land_limits_name_the_blocking_limit(make_inputs):
    inp = make_inputs(target_co2_t=0.0, land_pv_km2=0.5, land_wind_km2=0.5, rooftop_km2=0.05)
    with pytest.raises(SolveError) as info:
        solve_inputs(inp)
    text = str(info.value)
    assert "CO2 target" in text
    assert "land_pv_km2" in text or "land_wind_km2" in text or "rooftop_km2" in text
    assert "at least" in text
    assert "Traceback" not in text


def test_grid_limit_without_co2_target_is_named(make_inputs):
    inp = make_inputs(target_co2_t=1e9, technologies=(), grid_import_max_mw=5.0)
    with pytest.raises(SolveError) as info:
        solve_inputs(inp)
    assert "grid_import_max_mw" in str(info.value)
    assert "not what blocks" in str(info.value)


def test_result_serialises_to_json_and_csv(make_inputs, tmp_path):
    r = solve_inputs(make_inputs(hours=(0, 24)))
    data = json.loads(r.to_json())
    assert data["city"] == "synthetic"
    assert set(data["capacities"]) == set(r.capacities)
    full = r.to_dict(hourly=True)
    assert len(full["dispatch"]["index"]) == 24
    json.dumps(full)
    out = r.write_csv(tmp_path / "plan")
    for name in ("capacities.csv", "energy.csv", "costs.csv", "emissions.csv", "dispatch.csv"):
        assert (out / name).is_file()
    disp = pd.read_csv(out / "dispatch.csv", index_col=0)
    assert disp.shape == (24, r.dispatch.shape[1])
    caps = pd.read_csv(out / "capacities.csv")
    assert caps.set_index("technology")["capacity"].to_dict()["wind"] == pytest.approx(r.capacities["wind"], rel=1e-5)


def test_export_credit_option_lowers_cost_of_zero_target(make_inputs):
    plain = solve_inputs(make_inputs(target_co2_t=0.0))
    credit = solve_inputs(make_inputs(target_co2_t=0.0, export_credit=True))
    assert credit.total_annual_cost_usd <= plain.total_annual_cost_usd * (1 + 1e-7)
    assert credit.dispatch[f"{ELEC}:grid_import"].sum() >= 0


def test_costs_by_technology_add_up_to_total(make_inputs):
    r = solve_inputs(make_inputs(target_co2_t=10000.0))
    assert sum(r.costs_usd.values()) == pytest.approx(r.total_annual_cost_usd, rel=1e-6)


def test_unbounded_export_gives_plain_explanation(make_inputs):
    inp = make_inputs()
    inp.export_price = 5000.0  # exporting pays more than any plant costs
    with pytest.raises(SolveError, match="grid_export_max_mw"):
        solve_inputs(inp)


def test_no_imports_still_limits_exports_by_the_connection(make_inputs):
    # grid_import_max_mw=0 (no imports) is not "islanded": exports still pass through the city's
    # connection, which has a size and a reinforcement cost (a free, unlimited export line was a bug)
    inp = make_inputs(hours=(0, 48), grid_import_max_mw=0.0)
    assert inp.import_max_mw == 0.0 and inp.reserve is not None
    assert inp.connection is not None and np.isfinite(inp.connection.existing_mw)
    islanded = make_inputs(hours=(0, 48), islanded=True)
    assert islanded.export_max_mw == 0.0
