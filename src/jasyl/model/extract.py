"""Turn a solved model into a :class:`~jasyl.model.result.PlanResult` (annual figures)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from jasyl.model.grid import electricity_co2_t
from jasyl.model.inputs import ELEC, PlanInputs
from jasyl.model.result import PlanResult
from jasyl.model.solve import Solution

__all__ = ["assemble_result", "co2_by_sector", "SECTOR_ELECTRICITY", "SECTOR_TRANSPORT"]

SECTOR_ELECTRICITY = "electricity"
SECTOR_TRANSPORT = "transport"


def _val(sol: Solution, name: str, n: int | None = None) -> np.ndarray:
    """Hourly values (length ``n``) or, with ``n=None``, a scalar (first block of a chained capacity)."""
    if name in sol.values:
        v = np.nan_to_num(np.asarray(sol.values[name], dtype=float), nan=0.0)
        if n is None:
            return np.array(float(np.ravel(v)[0]) if v.size else 0.0)
        return v
    return np.zeros(n) if n is not None else np.array(0.0)


def co2_by_sector(inp: PlanInputs, sol: Solution, weight: np.ndarray | None = None) -> dict[str, float]:
    """CO2 over the horizon by sector for a solution (t); ``weight``: hours each model hour stands for."""
    n = inp.n_hours
    w = np.ones(n) if weight is None else np.asarray(weight, dtype=float)
    out: dict[str, float] = {SECTOR_ELECTRICITY: electricity_co2_t(
        inp, _val(sol, "grid_import", n), _val(sol, "grid_export", n), w)}
    for f in inp.fossil:
        sector = f.sector or f.bus
        out[sector] = out.get(sector, 0.0) + f.co2_per_mwh * float((w * _val(sol, f"fossil_{f.name}", n)).sum())
    for v in inp.vehicles:
        out[v.sector] = out.get(v.sector, 0.0) + v.fuel_co2_t * (1.0 - float(_val(sol, f"share_{v.name}")))
    return out


def assemble_result(inp: PlanInputs, sol: Solution, *, method: str, weight: np.ndarray | None = None) -> PlanResult:
    """Collect capacities, energy, costs, emissions and hourly dispatch (annualised by ``year_fraction``).

    ``weight`` (typical-period models): how many hours each model hour stands for; CO2 and the economic
    cost are weighted with it (the objective already is).
    """
    n = inp.n_hours
    yf = inp.year_fraction
    caps: dict[str, float] = {}
    units: dict[str, str] = {}
    existing: dict[str, float] = {}
    energy: dict[str, float] = {}
    costs: dict[str, float] = {}
    dispatch: dict[str, np.ndarray] = {}
    soc_cols: dict[str, np.ndarray] = {}
    curtail = 0.0

    for g in inp.generators:
        cap = float(_val(sol, f"cap_{g.name}"))
        avail = np.asarray(g.cf, dtype=float) * cap
        # lean formulation: no per-generator dispatch; the generator's available output is reported and
        # the electricity surplus becomes the `electricity:curtailment` column below
        p = _val(sol, f"gen_{g.name}", n) if f"gen_{g.name}" in sol.values else avail
        caps[g.name], units[g.name], existing[g.name] = cap, "MW", g.existing_mw
        costs[g.name] = (g.capital_cost * cap + g.marginal_cost * float(p.sum())) / yf
        curtail += float(np.maximum(avail - p, 0.0).sum()) / yf
        dispatch[f"{ELEC}:{g.name}"] = p

    imp = _val(sol, "grid_import", n)
    exp = _val(sol, "grid_export", n)
    energy["grid_import"] = float(imp.sum()) / yf
    costs["grid_import"] = inp.import_price * float(imp.sum()) / yf
    dispatch[f"{ELEC}:grid_import"] = imp
    if "grid_export" in sol.values:
        energy["grid_export"] = float(exp.sum()) / yf
        costs["grid_export"] = -inp.export_price * float(exp.sum()) / yf
        dispatch[f"{ELEC}:grid_export"] = -exp
    for contract in inp.contracts:
        q_c = _val(sol, f"contract_{contract.name}", n)
        ckey = f"contract_{contract.name}"
        energy[ckey] = float(q_c.sum()) / yf
        costs[ckey] = contract.price_usd_per_mwh * float(q_c.sum()) / yf
        dispatch[f"{ELEC}:{ckey}"] = q_c
    if inp.connection is not None and "reinforce_grid" in sol.values:
        r = float(_val(sol, "reinforce_grid"))
        caps["grid_reinforcement"], units["grid_reinforcement"], existing["grid_reinforcement"] = r, "MW", 0.0
        costs["grid_reinforcement"] = inp.connection.reinforcement_cost * r / yf

    for s in inp.storages:
        e_cap = float(_val(sol, f"energy_{s.name}"))
        ch = _val(sol, f"charge_{s.name}", n)
        dis = _val(sol, f"discharge_{s.name}", n)
        caps[f"{s.name}_energy"], units[f"{s.name}_energy"] = e_cap, "MWh"
        existing[f"{s.name}_energy"] = 0.0
        cost = s.energy_cost * e_cap
        if s.power_cost > 0:
            p_cap = float(_val(sol, f"power_{s.name}"))
            caps[f"{s.name}_power"], units[f"{s.name}_power"] = p_cap, "MW"
            existing[f"{s.name}_power"] = 0.0
            cost += s.power_cost * p_cap
        else:
            caps[f"{s.name}_power"] = float(max(ch.max(initial=0.0), (dis * s.discharge_efficiency).max(initial=0.0)))
            units[f"{s.name}_power"] = "MW"
            existing[f"{s.name}_power"] = 0.0
        costs[s.name] = cost / yf
        energy[s.name] = float((dis * s.discharge_efficiency).sum()) / yf
        dispatch[f"{s.bus}:{s.name}_discharge"] = dis * s.discharge_efficiency
        dispatch[f"{s.bus}:{s.name}_charge"] = -ch
        soc_cols[s.name] = _val(sol, f"soc_{s.name}", n)

    for c in inp.converters:
        cap = float(_val(sol, f"cap_{c.name}"))
        q = _val(sol, f"heat_{c.name}", n)
        caps[c.name], units[c.name], existing[c.name] = cap, "MW_th", 0.0
        energy[c.name] = float(q.sum()) / yf
        costs[c.name] = (c.capital_cost * cap + c.marginal_cost * float(q.sum())) / yf
        dispatch[f"{c.bus}:{c.name}"] = q
        dispatch[f"{ELEC}:{c.name}"] = -q / np.asarray(c.efficiency)

    for f in inp.fossil:
        q = _val(sol, f"fossil_{f.name}", n)
        cap = f.capacity_mw if math.isfinite(f.capacity_mw) else float(q.max(initial=0.0))
        existing[f.name], units[f.name] = cap, "MW_th"
        caps[f.name] = cap
        energy[f.name] = float(q.sum()) / yf
        costs[f.name] = f.cost_per_mwh * float(q.sum()) / yf
        dispatch[f"{f.bus}:{f.name}"] = q

    shares: dict[str, float] = {}
    for v in inp.vehicles:
        s_v = float(np.clip(_val(sol, f"share_{v.name}"), 0.0, 1.0))
        shares[v.name] = s_v
        key = f"ev_{v.name}"
        caps[key], units[key], existing[key] = s_v, "share", 0.0
        energy[key] = s_v * float(np.sum(v.ev_profile)) / yf
        energy[f"fuel_{v.name}"] = (1.0 - s_v) * v.fuel_mwh / yf
        costs[key] = s_v * v.ev_cost / yf
        costs[f"fuel_{v.name}"] = (1.0 - s_v) * v.fuel_cost / yf
        dispatch[f"{ELEC}:{key}"] = -s_v * np.asarray(v.ev_profile)

    for bus, d in inp.demand.items():
        dispatch[f"{bus}:demand"] = -np.asarray(d, dtype=float)
    # electricity surplus (lean formulation: balance is >=) is curtailed renewable output
    surplus = np.sum([v for k, v in dispatch.items() if k.startswith(f"{ELEC}:")], axis=0)
    surplus = np.where(surplus > 0, surplus, 0.0)
    dispatch[f"{ELEC}:curtailment"] = -surplus
    curtail += float(surplus.sum()) / yf
    gen_used = {g.name: dispatch[f"{ELEC}:{g.name}"] for g in inp.generators}
    avail_total = np.sum(list(gen_used.values()), axis=0) if gen_used else np.zeros(n)
    for g in inp.generators:  # annual energy used, curtailment shared pro rata to availability
        frac = np.divide(gen_used[g.name], avail_total, out=np.zeros(n), where=avail_total > 0)
        energy[g.name] = float((gen_used[g.name] - frac * surplus).sum()) / yf

    after = {k: v / yf for k, v in co2_by_sector(inp, sol, weight).items()}
    before = dict(inp.baseline.get("co2_by_sector_t", {}))
    for k in after:
        before.setdefault(k, 0.0)
    for k in before:
        after.setdefault(k, 0.0)
    co2_before = float(sum(before.values()))
    co2_after = float(sum(after.values()))
    total = sol.objective / yf
    baseline_cost = float(inp.baseline.get("annual_cost_usd", float("nan")))
    avoided = co2_before - co2_after
    per_t = (total - baseline_cost) / avoided if avoided > 1e-6 and math.isfinite(baseline_cost) else float("nan")
    # the same plan and today's system with fuel at economic (export-parity) prices
    w = np.ones(n) if weight is None else np.asarray(weight, dtype=float)
    fuel_shift = 0.0
    for f in inp.fossil:
        if f.economic_cost_per_mwh is not None:
            q_f = _val(sol, f"fossil_{f.name}", n)
            fuel_shift += (f.economic_cost_per_mwh - f.cost_per_mwh) * float((w * q_f).sum())
    for v in inp.vehicles:
        if v.economic_fuel_cost is not None:
            fuel_shift += (v.economic_fuel_cost - v.fuel_cost) * (1.0 - shares[v.name])
    eco_total = total + fuel_shift / yf
    eco_base = float(inp.baseline.get("economic_annual_cost_usd", baseline_cost))
    eco_per_t = (eco_total - eco_base) / avoided if avoided > 1e-6 and math.isfinite(eco_base) else float("nan")
    demand_mwh = {bus: float(np.sum(d)) / yf for bus, d in inp.demand.items()}
    demand_mwh["transport_ev_if_all_electric"] = sum(float(np.sum(v.ev_profile)) for v in inp.vehicles) / yf
    served = sum(demand_mwh[b] for b in inp.demand) + sum(
        shares[v.name] * float(np.sum(v.ev_profile)) for v in inp.vehicles) / yf
    lcoe = total / served if served > 0 else float("nan")
    return PlanResult(
        city=inp.city,
        target_co2_t=inp.co2_target_t / yf,
        co2_before_t=co2_before,
        co2_after_t=co2_after,
        co2_before_by_sector_t=before,
        co2_after_by_sector_t=after,
        capacities=caps,
        capacity_units=units,
        existing_capacities=existing,
        energy_mwh=energy,
        costs_usd=costs,
        total_annual_cost_usd=total,
        baseline_annual_cost_usd=baseline_cost,
        cost_per_t_avoided_usd=per_t,
        curtailment_mwh=curtail,
        dispatch=pd.DataFrame(dispatch, index=inp.index),
        storage_soc=pd.DataFrame(soc_cols, index=inp.index),
        solve_seconds=sol.seconds,
        assumptions=list(inp.assumptions),
        levelised_cost_usd_per_mwh=lcoe,
        electrified_share=shares,
        demand_mwh=demand_mwh,
        method=method,
        hours=n,
        economic_total_annual_cost_usd=eco_total,
        economic_baseline_annual_cost_usd=eco_base,
        economic_cost_per_t_avoided_usd=eco_per_t,
        accounting=inp.accounting,
    )
