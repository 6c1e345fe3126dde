"""Build the planner's linear programme with linopy.

Decision variables (``t`` = hour):

* ``cap[g]`` (MW) and ``gen[g, t]`` for each renewable generator, ``gen <= cf * cap``
  (the gap is curtailment);
* ``grid_import[t]``, ``grid_export[t]`` (MW, bounded by the grid connection);
* per storage: ``power[s]`` (MW), ``energy[s]`` (MWh), ``charge[s, t]`` (from the bus),
  ``discharge[s, t]`` (out of the store; the bus receives ``discharge * eta_d``), ``soc[s, t]`` with
  ``soc[t] = (1 - loss) soc[t-1] + eta_c charge[t] - discharge[t]`` and ``soc[-1] = soc[T-1]`` (cyclic);
* per converter: ``cap[c]`` (MW heat) and ``heat[c, t] <= cap``, drawing ``heat / COP[t]`` electricity;
* per existing fossil supply: ``fossil[f, t] <= capacity``;
* per vehicle class: ``share[v]`` in [0, 1], the electrified share; it draws ``share * ev_profile[t]``
  and leaves ``(1 - share)`` of the class's fuel (cost and CO2).

Constraints: hourly balance of every bus, one CO2 cap over the horizon, optional land limits.
Objective: capital (annuity + fixed O&M, already scaled to the horizon) + operating cost. The constant
fuel cost of a fully fossil fleet is kept outside linopy (``PlanModel.objective_constant``).

With ``relax=...`` the same model gets penalised slack variables on the CO2 cap, the land limits and
the capacity / grid limits; :mod:`jasyl.model.explain` uses them to name what blocks a target.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import linopy
import numpy as np
import pandas as pd
import xarray as xr

from jasyl.model.aggregate import Aggregation
from jasyl.model.grid import ReserveUnit, add_exchange, add_reserve
from jasyl.model.inputs import BUSES, ELEC, PlanInputs

__all__ = ["PlanModel", "build_model", "SLACK_PENALTY"]

FLOW_BOUND_FACTOR = 1000.0  # hourly flows are bounded by this multiple of the city's scale (flow_bound_mw)
SLACK_PENALTY = 1.0e6  # USD per unit of slack: far above any real cost, so slack is used only if needed


@dataclass
class PlanModel:
    """A linopy model plus the handles needed to read the solution."""

    model: linopy.Model
    inputs: PlanInputs
    objective_constant: float
    slacks: dict[str, linopy.Variable] = field(default_factory=dict)
    flow_bound_mw: float = np.inf  # bound on every hourly flow without one of its own (see flow_bound_mw)
    #: CO2 kept outside the ``co2_cap`` row (fuel CO2 of a fully fossil fleet): row bound = cap - this
    co2_offset_t: float = 0.0


def _time(inp: PlanInputs) -> pd.RangeIndex:
    return pd.RangeIndex(inp.n_hours, name="t")


def _series(values: np.ndarray, t: pd.RangeIndex) -> xr.DataArray:
    return xr.DataArray(np.asarray(values, dtype=float), coords={"t": t}, dims="t")


def _ub(x: float) -> float:
    return float(x) if np.isfinite(x) else np.inf


def _bound(ub: np.ndarray | float, t: pd.RangeIndex) -> xr.DataArray | float:
    return _series(ub, t) if isinstance(ub, np.ndarray) else ub


def _add(terms: list) -> linopy.LinearExpression:
    """Sum linopy terms of equal dimensions."""
    total = 1.0 * terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def _link_storage(m: linopy.Model, agg: Aggregation, t: pd.RangeIndex, name: str, soc: linopy.Variable,
                  ch: linopy.Variable, dis: linopy.Variable, e_cap: linopy.Variable, keep: float,
                  eta_c: float) -> None:
    """Intra-period state of charge (starts at 0 each typical period) + inter-period levels per day."""
    h = agg.hours_per_period
    n = len(t)
    start = xr.DataArray((np.arange(n) % h != 0).astype(float), coords={"t": t}, dims="t")
    m.add_constraints(soc - keep * start * soc.roll(t=1) - eta_c * ch + dis == 0, name=f"soc_{name}")
    k = pd.RangeIndex(agg.n_periods, name="k")
    d = pd.RangeIndex(len(agg.order), name="d")
    period_of_t = xr.DataArray(np.arange(n) // h, coords={"t": t}, dims="t")
    hi = m.add_variables(coords=[k], name=f"soc_max_{name}")
    lo = m.add_variables(coords=[k], name=f"soc_min_{name}")
    m.add_constraints(soc - hi.isel(k=period_of_t) <= 0, name=f"soc_hi_{name}")
    m.add_constraints(soc - lo.isel(k=period_of_t) >= 0, name=f"soc_lo_{name}")
    level = m.add_variables(lower=0.0, coords=[d], name=f"soc_level_{name}")
    order = xr.DataArray(agg.order, coords={"d": d}, dims="d")
    end_of = xr.DataArray(np.arange(agg.n_periods) * h + h - 1, coords={"k": k}, dims="k")
    delta = soc.isel(t=end_of)  # change over each typical period (dim k)
    m.add_constraints(level.roll(d=-1) - keep**h * level - delta.isel(k=order) == 0, name=f"soc_link_{name}")
    m.add_constraints(level + hi.isel(k=order) - e_cap <= 0, name=f"soc_level_hi_{name}")
    m.add_constraints(level + lo.isel(k=order) >= 0, name=f"soc_level_lo_{name}")


def flow_bound_mw(inp: PlanInputs) -> float:
    """A bound on every hourly flow that no sensible plan reaches: 1,000 x the city's scale.

    The scale is the sum of the peak demands of all buses and vehicle classes plus every capacity that
    must be kept or is given (existing generators, minimum sizes, a finite import line). HiGHS's HiPO
    interior-point solver stalls on this LP when no column has a finite upper bound; a bound this far
    away changes nothing else (a flow that reaches half of it makes the plan unbounded in practice and
    is reported as such by :func:`jasyl.model.solve.solve_model`).
    """
    scale = sum(float(np.max(np.asarray(d, dtype=float), initial=0.0)) for d in inp.demand.values())
    scale += sum(float(np.max(np.asarray(v.ev_profile, dtype=float), initial=0.0)) for v in inp.vehicles)
    scale += sum(g.existing_mw for g in inp.generators) + sum(c.min_mw for c in inp.converters)
    scale += sum(s.min_power_mw + s.min_energy_mwh for s in inp.storages)
    if np.isfinite(inp.import_max_mw):
        scale += inp.import_max_mw
    return FLOW_BOUND_FACTOR * max(scale, 1.0)


def co2_implied_bounds(inp: PlanInputs,
                       weight: np.ndarray | None = None) -> tuple[dict[str, np.ndarray], dict[str, float]]:
    """Bounds the CO2 cap implies on its own terms (the physics of the cap, before any solver sees it).

    The cap reads ``sum_h w_h (sum_j a_j x_jh - credit * export_h) - sum_v fuel_v share_v <= target -
    sum_v fuel_v`` with ``x >= 0``, ``share <= 1`` (or fixed) and ``export <= export_max``. The smallest
    value the other terms can take gives each emitting flow an upper bound and each vehicle share a
    lower bound. Returns ``(upper bound per hour of each emitting flow, lower bound of each share)``;
    keys ``grid_import`` and ``fossil_<name>``, ``share_<name>``. With a zero target and no export credit
    every emitting flow is bounded by 0 and every share by 1: the cap then removes those columns entirely.
    """
    n = inp.n_hours
    w = np.ones(n) if weight is None else np.asarray(weight, dtype=float)
    fuel_hi = [v.fuel_co2_t * (1.0 if v.fixed_share is None else v.fixed_share) for v in inp.vehicles]
    rhs = inp.co2_target_t - float(sum(v.fuel_co2_t for v in inp.vehicles))
    min_activity = -float(sum(fuel_hi))
    if inp.export_credit_co2_per_mwh > 0 and inp.export_max_mw > 0:
        min_activity -= inp.export_credit_co2_per_mwh * inp.export_max_mw * float(w.sum())
    room = rhs - min_activity  # CO2 the emitting flows may still add (inf - inf cannot occur: rhs finite)
    scale = max(1.0, abs(inp.co2_target_t), float(sum(v.fuel_co2_t for v in inp.vehicles)))
    if not np.isfinite(room):
        return {}, {}
    room = 0.0 if room < 1e-9 * scale else room
    flows: dict[str, np.ndarray] = {}
    if inp.import_co2_per_mwh > 0:
        flows["grid_import"] = room / (inp.import_co2_per_mwh * w)
    for f in inp.fossil:
        if f.co2_per_mwh > 0:
            flows[f"fossil_{f.name}"] = room / (f.co2_per_mwh * w)
    shares: dict[str, float] = {}
    for v in inp.vehicles:  # a fixed share has its bounds already
        if v.fuel_co2_t > 0 and v.fixed_share is None:
            lo = 1.0 - room / v.fuel_co2_t
            if lo > 1e-12:
                shares[f"share_{v.name}"] = 1.0 if lo > 1.0 - 1e-12 else lo
    return flows, shares


def build_model(
    inp: PlanInputs,
    *,
    relax: frozenset[str] = frozenset(),
    lean: bool = True,
    block_hours: int | None = None,
    co2_chain: bool = False,
    aggregation: Aggregation | None = None,
    co2_bounds: bool = True,
    flow_bounds: bool = True,
) -> PlanModel:
    """Build the LP.

    ``relax`` may contain ``"co2"`` and/or ``"limits"`` (slack variables). Formulation switches (same
    optimum, different solver speed; see docs/planner.md):

    * ``lean``: renewables with zero variable cost enter the electricity balance as their available
      output ``sum_g cf_g[t] cap_g`` and that balance becomes ``>=`` (the surplus is curtailment), so
      there are no per-hour generator columns and rows;
    * ``block_hours``: each capacity is copied per block of hours, the copies chained by equalities, so
      no column spans the whole year (dense columns slow the solvers);
    * ``co2_chain``: the CO2 cap is written as a chain of cumulative per-block sums instead of one row
      over every hour (block length ``block_hours`` or 24);
    * ``aggregation``: ``inp`` holds typical periods (:mod:`jasyl.model.aggregate`); hourly costs and
      emissions are weighted by the days each typical hour stands for, and storage state of charge is
      split into an intra-period part and one inter-period level per original period (seasonal link).
    """
    inp.validate()
    m = linopy.Model(force_dim_names=True)
    t = _time(inp)
    n = inp.n_hours
    obj: list[linopy.LinearExpression] = []
    balance: dict[str, list[linopy.LinearExpression]] = {b: [] for b in BUSES}
    co2_terms: list[linopy.LinearExpression] = []
    slacks: dict[str, linopy.Variable] = {}
    relax_limits = "limits" in relax
    agg = aggregation
    if agg is not None:
        block_hours, co2_chain = None, False
        weight = _series(agg.hour_weight, t)

    def total(expr: linopy.LinearExpression) -> linopy.LinearExpression:
        """Sum over the hours of the year (weighted by represented days when aggregated)."""
        return (expr * weight).sum() if agg is not None else expr.sum()

    implied_ub: dict[str, np.ndarray] = {}
    implied_lb: dict[str, float] = {}
    if co2_bounds and "co2" not in relax and np.isfinite(inp.co2_target_t):
        implied_ub, implied_lb = co2_implied_bounds(inp, None if agg is None else agg.hour_weight)

    def flow_ub(name: str, upper: float) -> np.ndarray | float | None:
        """Upper bound of an hourly emitting flow; ``None`` if the CO2 cap forbids it in every hour."""
        if name not in implied_ub:
            return _ub(upper)
        ub = np.minimum(implied_ub[name], _ub(upper))
        return None if not np.any(ub > 0) else ub

    big = flow_bound_mw(inp) if flow_bounds else np.inf

    def ub_flow(upper: float = np.inf) -> float:
        """``big``, or a capacity limit the flow can never exceed (unless limits are relaxed)."""
        return big if relax_limits else min(_ub(upper), big)

    use_blocks = bool(block_hours) and n > int(block_hours or 0)
    if use_blocks:
        bh = int(block_hours or 24)
        blocks = pd.RangeIndex((n + bh - 1) // bh, name="b")
        block_of_t = xr.DataArray(np.arange(n) // bh, coords={"t": t}, dims="t")

    def capacity(name: str, lower: float, upper: float, cost: float,
                 prefix: str = "cap") -> tuple[linopy.Variable, linopy.Variable]:
        """(the capacity, the capacity as seen by each hour); limits may be relaxed with slack."""
        relaxed = relax_limits and np.isfinite(upper)
        ub = np.inf if relaxed else _ub(upper)
        if use_blocks:
            capb = m.add_variables(lower=lower, upper=ub, coords=[blocks], name=f"{prefix}_{name}")
            cap = capb.isel(b=0)
            m.add_constraints(capb.isel(b=slice(1, None)) - capb.shift(b=1).isel(b=slice(1, None)) == 0,
                              name=f"chain_{prefix}_{name}")
            per_hour = capb.isel(b=block_of_t)
        else:
            cap = m.add_variables(lower=lower, upper=ub, name=f"{prefix}_{name}")
            per_hour = cap
        if relaxed:
            s = m.add_variables(lower=0.0, name=f"slack_{prefix}_{name}")
            m.add_constraints(cap - s <= upper, name=f"limit_{prefix}_{name}")
            slacks[f"{prefix}_{name}"] = s
            obj.append(SLACK_PENALTY * s)
        if cost:
            obj.append(cost * cap)
        return cap, per_hour

    # --- renewable generators
    gen_caps: dict[str, linopy.Variable] = {}
    for g in inp.generators:
        cap, cap_t = capacity(g.name, g.existing_mw, g.max_mw, g.capital_cost)
        gen_caps[g.name] = cap
        cf = _series(g.cf, t)
        if lean and g.marginal_cost == 0:
            balance[ELEC].append(cf * cap_t)
            continue
        p = m.add_variables(lower=0.0, upper=big, coords=[t], name=f"gen_{g.name}")
        m.add_constraints(p - cf * cap_t <= 0, name=f"avail_{g.name}")
        balance[ELEC].append(1.0 * p)
        if g.marginal_cost:
            obj.append(total(g.marginal_cost * p))

    # --- grid
    hourly_co2: list[linopy.LinearExpression] = []
    imp: linopy.Variable | None = None
    imp_ub = flow_ub("grid_import", inp.import_max_mw)
    if imp_ub is not None:
        if relax_limits and np.isfinite(inp.import_max_mw):
            imp = m.add_variables(lower=0.0, upper=big, coords=[t], name="grid_import")
            s_imp = m.add_variables(lower=0.0, name="slack_import")
            m.add_constraints(imp - s_imp <= inp.import_max_mw, name="limit_import")
            slacks["grid_import"] = s_imp
            obj.append(SLACK_PENALTY * s_imp)
        else:
            imp = m.add_variables(lower=0.0, upper=_bound(np.minimum(imp_ub, big), t), coords=[t],
                                  name="grid_import")
        balance[ELEC].append(1.0 * imp)
        if inp.import_price:
            obj.append(total(inp.import_price * imp))
    exp = None
    if inp.export_max_mw > 0:
        exp = m.add_variables(lower=0.0, upper=ub_flow(inp.export_max_mw), coords=[t], name="grid_export")
        balance[ELEC].append(-1.0 * exp)
        if inp.export_price:
            obj.append(total(-inp.export_price * exp))
    # contracts, the connection and the import/export CO2 of the accounting rule (jasyl.model.grid)
    exchange_co2, scalar_co2 = add_exchange(m, inp, t, imp, exp, total=total, capacity=capacity, obj=obj,
                                            elec_balance=balance[ELEC])
    hourly_co2.extend(exchange_co2)
    co2_terms.extend(scalar_co2)
    reserve_units: dict[str, ReserveUnit] = {}

    # --- storage
    for s in inp.storages:
        e_cap, e_t = capacity(s.name, s.min_energy_mwh, s.max_energy_mwh, s.energy_cost, prefix="energy")
        ch = m.add_variables(lower=0.0, upper=ub_flow(s.max_power_mw), coords=[t], name=f"charge_{s.name}")
        dis = m.add_variables(lower=0.0, upper=ub_flow(s.max_power_mw), coords=[t], name=f"discharge_{s.name}")
        soc = m.add_variables(lower=0.0 if agg is None else -np.inf, coords=[t], name=f"soc_{s.name}",
                              upper=np.inf if agg is not None else min(ub_flow(s.max_energy_mwh), big * n))
        if s.power_cost > 0:
            _p_cap, p_t = capacity(s.name, s.min_power_mw, s.max_power_mw, s.power_cost, prefix="power")
            m.add_constraints(ch - p_t <= 0, name=f"charge_limit_{s.name}")
            m.add_constraints(dis - p_t <= 0, name=f"discharge_limit_{s.name}")
            if s.bus == ELEC:
                reserve_units[s.name] = ReserveUnit(p_t, soc, ch, dis, s.discharge_efficiency)
        if s.energy_to_power_h:
            m.add_constraints(s.energy_to_power_h * ch - e_t <= 0, name=f"charge_rate_{s.name}")
            m.add_constraints(s.energy_to_power_h * dis - e_t <= 0, name=f"discharge_rate_{s.name}")
        keep = 1.0 - s.standing_loss
        if agg is None:
            m.add_constraints(soc - e_t <= 0, name=f"soc_limit_{s.name}")
            prev = soc.roll(t=1)  # cyclic: hour 0 follows the last hour
            m.add_constraints(soc - keep * prev - s.charge_efficiency * ch + dis == 0, name=f"soc_{s.name}")
        else:
            _link_storage(m, agg, t, s.name, soc, ch, dis, e_cap, keep, s.charge_efficiency)
        balance[s.bus].append(s.discharge_efficiency * dis - ch)

    # --- converters (electricity -> heat)
    for c in inp.converters:
        _cap, cap_t = capacity(c.name, c.min_mw, c.max_mw, c.capital_cost)
        q = m.add_variables(lower=0.0, upper=ub_flow(c.max_mw), coords=[t], name=f"heat_{c.name}")
        avail = 1.0 if c.availability is None else _series(np.clip(c.availability, 0.0, 1.0), t)
        m.add_constraints(q - avail * cap_t <= 0, name=f"heat_limit_{c.name}")
        balance[c.bus].append(1.0 * q)
        balance[ELEC].append(-(1.0 / _series(c.efficiency, t)) * q)
        if c.marginal_cost:
            obj.append(total(c.marginal_cost * q))

    # --- existing fossil heat supply
    for f in inp.fossil:
        f_ub = flow_ub(f"fossil_{f.name}", f.capacity_mw)
        if f_ub is None:
            continue
        q = m.add_variables(lower=0.0, upper=_bound(f_ub, t), coords=[t], name=f"fossil_{f.name}")
        balance[f.bus].append(1.0 * q)
        if f.cost_per_mwh:
            obj.append(total(f.cost_per_mwh * q))
        if f.co2_per_mwh:
            hourly_co2.append(f.co2_per_mwh * q)

    # --- vehicle classes
    constant = 0.0
    for v in inp.vehicles:
        lo, hi = (0.0, 1.0) if v.fixed_share is None else (v.fixed_share, v.fixed_share)
        lo = max(lo, implied_lb.get(f"share_{v.name}", 0.0))
        share = m.add_variables(lower=lo, upper=hi, name=f"share_{v.name}")
        balance[ELEC].append(-(_series(v.ev_profile, t) * share))
        obj.append((v.ev_cost - v.fuel_cost) * share)
        constant += v.fuel_cost
        co2_terms.append(-v.fuel_co2_t * share)
    co2_constant = float(sum(v.fuel_co2_t for v in inp.vehicles))
    if inp.reserve is not None:
        add_reserve(m, inp.reserve, inp.demand.get(ELEC, np.zeros(n)), t, reserve_units)

    # --- hourly balances
    for bus in BUSES:
        demand = inp.demand.get(bus)
        terms = balance[bus]
        if not terms:
            if demand is not None and np.any(np.asarray(demand) > 0):
                raise ValueError(f"bus {bus} has demand but no supply")
            continue
        lhs = _add(terms)
        rhs = _series(demand if demand is not None else np.zeros(n), t)
        if "unserved" in relax:  # full-year check of a fixed design: unmet demand is allowed, at a price
            un = m.add_variables(lower=0.0, upper=big, coords=[t], name=f"slack_unserved_{bus}")
            slacks[f"unserved_{bus}"] = un
            obj.append(SLACK_PENALTY * un.sum())
            lhs = lhs + un
        if bus == ELEC and lean:
            m.add_constraints(lhs >= rhs, name=f"balance_{bus}")
        else:
            m.add_constraints(lhs == rhs, name=f"balance_{bus}")

    # --- CO2 cap
    if np.isfinite(inp.co2_target_t) and (co2_terms or hourly_co2):
        if hourly_co2 and co2_chain and n > 24:
            bh_c = int(block_hours or 24)
            cblocks = pd.RangeIndex((n + bh_c - 1) // bh_c, name="c")
            grouper = xr.DataArray(np.arange(n) // bh_c, coords={"t": t}, dims="t", name="c")
            per_block = _add(hourly_co2).groupby(grouper).sum()
            cum = m.add_variables(lower=-np.inf, coords=[cblocks], name="co2_cumulative")
            m.add_constraints(cum - cum.shift(c=1) - per_block == 0, name="co2_chain")
            co2_terms.append(1.0 * cum.isel(c=-1))
        elif hourly_co2:
            co2_terms.append(total(_add(hourly_co2)))
        co2 = _add(co2_terms)
        co2_rhs = inp.co2_target_t - co2_constant
        if "co2" in relax:
            s_co2 = m.add_variables(lower=0.0, name="slack_co2")
            slacks["co2"] = s_co2
            obj.append(SLACK_PENALTY * s_co2)
            m.add_constraints(co2 - s_co2 <= co2_rhs, name="co2_cap")
        else:
            m.add_constraints(co2 <= co2_rhs, name="co2_cap")

    # --- land limits
    for lim in inp.land_limits:
        terms_l = [gen_caps[g] / d for g, d in lim.density_mw_per_km2.items() if g in gen_caps]
        if not terms_l:
            continue
        expr = _add(terms_l)
        if relax_limits:
            s_l = m.add_variables(lower=0.0, name=f"slack_land_{lim.name}")
            slacks[f"land_{lim.name}"] = s_l
            obj.append(SLACK_PENALTY * s_l)
            m.add_constraints(expr - s_l <= lim.limit_km2, name=f"land_{lim.name}")
        else:
            m.add_constraints(expr <= lim.limit_km2, name=f"land_{lim.name}")

    m.add_objective(_add(obj))
    return PlanModel(model=m, inputs=inp, objective_constant=constant, slacks=slacks, flow_bound_mw=big,
                     co2_offset_t=co2_constant)
