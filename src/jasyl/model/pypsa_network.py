"""The planner's problem as a PyPSA network: an independent cross-check and an export format.

Mapping (one snapshot per hour, weight 1):

* buses ``electricity``, ``heat_district``, ``heat_individual``, ``heat_industry``, one store bus per
  storage and one ``transport_<class>`` bus per vehicle class; fixed demand as ``Load``;
* renewable generators: extendable ``Generator`` with ``p_max_pu = cf``;
* grid import: ``Generator`` (carrier ``grid_import`` with the grid CO2 factor); grid export: a
  ``Generator`` with ``p_min_pu = -1, p_max_pu = 0`` whose marginal cost is the export price (negative
  output earns it) and whose carrier carries the export credit factor (0 by default);
* storage: extendable ``Store`` (energy, cyclic, standing loss) with a charger ``Link`` (power cost) and a
  discharger ``Link`` whose capacity equals the charger's (extra constraint);
* heat converters: ``Link`` electricity -> heat with time-varying efficiency (COP) and ``p_max_pu = 1/COP``
  so that ``p_nom`` is measured in MW of heat, as in jasyl;
* existing fossil supply: ``Generator`` with the CO2 per MWh of heat on its carrier;
* vehicle class: ``Load`` = EV profile on its transport bus, fed by an extendable ``Link`` from the
  electricity bus (``p_min_pu = p_max_pu = profile/peak``, so ``p_nom / peak`` is the electrified share)
  and a fuel ``Generator`` with the same shape (fuel cost and CO2 per MWh-equivalent);
* CO2: a ``primary_energy`` ``GlobalConstraint``; land limits: extra constraints.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from jasyl.model.inputs import BUSES, ELEC, PlanInputs

__all__ = ["to_pypsa_network", "solve_pypsa", "BIG_MW"]

BIG_MW = 1.0e6  # stands for "no limit" where PyPSA needs a finite p_nom


def _finite(x: float) -> float:
    return float(x) if np.isfinite(x) else BIG_MW


def to_pypsa_network(inp: PlanInputs) -> Any:
    """Build the identical problem as a ``pypsa.Network`` (not solved)."""
    import pypsa  # noqa: PLC0415 - PyPSA is heavy and only a cross-check; loaded on first use

    inp.validate()
    n = pypsa.Network()
    snapshots = pd.RangeIndex(inp.n_hours, name="snapshot")
    n.set_snapshots(snapshots)

    def s(values: np.ndarray) -> pd.Series:
        return pd.Series(np.asarray(values, dtype=float), index=snapshots)

    carriers: dict[str, float] = {"renewable": 0.0, "storage": 0.0, "converter": 0.0,
                                  "grid_import": inp.import_co2_per_mwh,
                                  "grid_export": inp.export_credit_co2_per_mwh, "ev": 0.0}
    for f in inp.fossil:
        carriers[f"fossil_{f.name}"] = f.co2_per_mwh
    for v in inp.vehicles:
        total = float(np.sum(v.ev_profile))
        carriers[f"fuel_{v.name}"] = v.fuel_co2_t / total if total > 0 else 0.0
    carriers["load"] = 0.0
    for name, co2 in carriers.items():
        n.add("Carrier", name, co2_emissions=co2)

    for bus in BUSES:
        n.add("Bus", bus, carrier="load")
        d = inp.demand.get(bus)
        if d is not None and np.any(np.asarray(d) != 0):
            n.add("Load", f"demand_{bus}", bus=bus, p_set=s(d), carrier="load")

    for g in inp.generators:
        n.add("Generator", g.name, bus=ELEC, carrier="renewable", p_nom_extendable=True,
              p_nom_min=g.existing_mw, p_nom_max=g.max_mw if np.isfinite(g.max_mw) else np.inf,
              capital_cost=g.capital_cost, marginal_cost=g.marginal_cost, p_max_pu=s(g.cf))

    n.add("Generator", "grid_import", bus=ELEC, carrier="grid_import", p_nom=_finite(inp.import_max_mw),
          marginal_cost=inp.import_price)
    if inp.export_max_mw > 0:
        n.add("Generator", "grid_export", bus=ELEC, carrier="grid_export", p_nom=_finite(inp.export_max_mw),
              p_min_pu=-1.0, p_max_pu=0.0, marginal_cost=inp.export_price)
    for k in inp.contracts:  # zero-CO2 contracted supply (ppa rule); annual volume in _extra_functionality
        shape = np.ones(len(snapshots)) if k.shape is None else np.asarray(k.shape, dtype=float)
        n.add("Generator", f"contract_{k.name}", bus=ELEC, carrier="renewable", p_nom=_finite(k.firm_mw),
              p_max_pu=s(np.clip(shape, 0.0, 1.0)), marginal_cost=k.price_usd_per_mwh)

    for st in inp.storages:
        sb = f"{st.name}_store"
        n.add("Bus", sb, carrier="storage")
        n.add("Store", st.name, bus=sb, carrier="storage", e_nom_extendable=True, e_cyclic=True,
              e_nom_max=st.max_energy_mwh if np.isfinite(st.max_energy_mwh) else np.inf,
              capital_cost=st.energy_cost, standing_loss=st.standing_loss)
        limited = st.power_cost > 0
        n.add("Link", f"{st.name}_charger", bus0=st.bus, bus1=sb, carrier="storage",
              efficiency=st.charge_efficiency, p_nom_extendable=limited, p_nom=0.0 if limited else BIG_MW,
              capital_cost=st.power_cost if limited else 0.0)
        n.add("Link", f"{st.name}_discharger", bus0=sb, bus1=st.bus, carrier="storage",
              efficiency=st.discharge_efficiency, p_nom_extendable=limited, p_nom=0.0 if limited else BIG_MW,
              capital_cost=0.0)

    for c in inp.converters:
        eff = np.asarray(c.efficiency, dtype=float)
        n.add("Link", c.name, bus0=ELEC, bus1=c.bus, carrier="converter", p_nom_extendable=True,
              p_nom_max=c.max_mw if np.isfinite(c.max_mw) else np.inf, capital_cost=c.capital_cost,
              efficiency=s(eff), marginal_cost=s(c.marginal_cost * eff),
              p_max_pu=s((1.0 if c.availability is None else np.clip(c.availability, 0.0, 1.0)) / eff))

    for f in inp.fossil:
        n.add("Generator", f"fossil_{f.name}", bus=f.bus, carrier=f"fossil_{f.name}",
              p_nom=_finite(f.capacity_mw), marginal_cost=f.cost_per_mwh)

    for v in inp.vehicles:
        prof = np.asarray(v.ev_profile, dtype=float)
        peak = float(prof.max(initial=0.0))
        if peak <= 0:
            continue
        total = float(prof.sum())
        tb = f"transport_{v.name}"
        n.add("Bus", tb, carrier="load")
        n.add("Load", f"demand_{tb}", bus=tb, p_set=s(prof), carrier="load")
        pu = s(prof / peak)
        n.add("Link", f"ev_{v.name}", bus0=ELEC, bus1=tb, carrier="ev", efficiency=1.0, p_nom_extendable=True,
              p_nom_max=peak, capital_cost=v.ev_cost / peak, p_min_pu=pu, p_max_pu=pu)
        n.add("Generator", f"fuel_{v.name}", bus=tb, carrier=f"fuel_{v.name}", p_nom_extendable=True,
              p_nom_max=peak, capital_cost=0.0, marginal_cost=v.fuel_cost / total, p_min_pu=pu, p_max_pu=pu)

    if np.isfinite(inp.co2_target_t):
        n.add("GlobalConstraint", "co2_cap", type="primary_energy", carrier_attribute="co2_emissions",
              sense="<=", constant=inp.co2_target_t)
    return n


def _extra_functionality(inp: PlanInputs) -> Callable[[Any, Any], None]:
    def extra(n: Any, snapshots: Any) -> None:
        m = n.model
        link_p_nom = m["Link-p_nom"]
        link_p = m["Link-p"]
        store_e_nom = m["Store-e_nom"]
        for st in inp.storages:  # charge/discharge at most energy / E-P hours (pit storage)
            if st.energy_to_power_h:
                for suffix in ("charger", "discharger"):
                    m.add_constraints(st.energy_to_power_h * link_p.loc[:, f"{st.name}_{suffix}"]
                                      - store_e_nom.loc[st.name] <= 0, name=f"{st.name}_{suffix}_rate")
        gen_p = m["Generator-p"]
        for k in inp.contracts:
            if np.isfinite(k.annual_mwh):
                m.add_constraints(gen_p.loc[:, f"contract_{k.name}"].sum() <= k.annual_mwh * inp.year_fraction,
                                  name=f"contract_energy_{k.name}")
        conn = inp.connection
        if conn is not None and np.isfinite(conn.existing_mw):  # the connection and its reinforcement
            r = m.add_variables(lower=0.0, name="reinforce_grid")
            m.objective = m.objective + conn.reinforcement_cost * r
            flow_in = gen_p.loc[:, "grid_import"]
            for k in inp.contracts:
                flow_in = flow_in + gen_p.loc[:, f"contract_{k.name}"]
            m.add_constraints(flow_in - r <= conn.existing_mw, name="connection_import")
            if inp.export_max_mw > 0:
                m.add_constraints(-1.0 * gen_p.loc[:, "grid_export"] - r <= conn.existing_mw,
                                  name="connection_export")
        for st in inp.storages:
            if st.power_cost > 0:
                lhs = link_p_nom.loc[f"{st.name}_charger"] - link_p_nom.loc[f"{st.name}_discharger"]
                m.add_constraints(lhs == 0, name=f"{st.name}_power_equal")
        gen_p_nom = m["Generator-p_nom"]
        for lim in inp.land_limits:
            names = [g for g in lim.density_mw_per_km2 if g in set(gen_p_nom.indexes["name"])]
            if not names:
                continue
            expr = sum(gen_p_nom.loc[g] / lim.density_mw_per_km2[g] for g in names)
            m.add_constraints(expr <= lim.limit_km2, name=f"land_{lim.name}")

    return extra


def solve_pypsa(inp: PlanInputs, *, solver_options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build and solve the PyPSA network (default HiGHS options); return objective and capacities."""
    for name in ("pypsa", "linopy"):
        logging.getLogger(name).setLevel(logging.ERROR)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyPSA/linopy deprecation chatter, not about this model
        n = to_pypsa_network(inp)
        status, condition = n.optimize(solver_name="highs", solver_options=solver_options or {},
                                       extra_functionality=_extra_functionality(inp),
                                       include_objective_constant=False)
    seconds = time.perf_counter() - start
    if status != "ok":
        raise RuntimeError(f"PyPSA did not solve: {status} {condition}")
    caps: dict[str, float] = {}
    for g in inp.generators:
        caps[g.name] = float(n.generators.p_nom_opt[g.name])
    for st in inp.storages:
        caps[f"{st.name}_energy"] = float(n.stores.e_nom_opt[st.name])
        if st.power_cost > 0:
            caps[f"{st.name}_power"] = float(n.links.p_nom_opt[f"{st.name}_charger"])
    for c in inp.converters:
        caps[c.name] = float(n.links.p_nom_opt[c.name])
    for v in inp.vehicles:
        peak = float(np.max(v.ev_profile, initial=0.0))
        if peak > 0:
            caps[f"ev_{v.name}"] = float(n.links.p_nom_opt[f"ev_{v.name}"]) / peak
    objective = float(n.objective) + float(getattr(n, "objective_constant", 0.0) or 0.0)
    return {"objective": objective, "capacities": caps, "seconds": seconds, "network": n}
