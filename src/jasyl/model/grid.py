"""The city's exchange with the grid: contracted clean supply, the connection and its reinforcement,
the CO2 rule for imports and exports, and the operating reserve of an islanded city.

These are the planner's terms that depend on the accounting rule (``PlanInputs.accounting``):

* ``hourly`` (location-based): every MWh imported counts at the grid factor in its hour; exports earn
  nothing (unless the legacy ``export_credit`` option is on, see below);
* ``annual-net``: over the horizon, exported electricity offsets imported electricity at the same
  factor, and **only** electricity: the electricity CO2 is ``max(0, f_imp x imports - f_exp x exports)``,
  never negative, so exports never offset heat or transport fuel;
* ``ppa``: contracted clean supplies (:class:`CleanContract`) reach the city through the grid with zero
  CO2; everything else imported counts hourly. A contract's energy is its own variable and appears in
  the CO2 balance once (at zero), never also as an import or an export credit.

The connection (:class:`GridConnection`) limits import plus contracted supply, and export, in every hour
to the existing capacity plus any reinforcement the plan buys. With :class:`OperatingReserve` (used
when the city runs islanded), batteries must hold in every hour a reserve of a share of the electricity
load plus the largest infeed, as spare discharge power and as stored energy for one hour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import linopy
import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["ACCOUNTING_MODES", "CleanContract", "GridConnection", "OperatingReserve", "ReserveUnit",
           "add_exchange", "add_reserve", "electricity_co2_t"]

ACCOUNTING_MODES = ("hourly", "annual-net", "ppa")


@dataclass
class CleanContract:
    """A contracted clean-electricity supply delivered through the grid (zero CO2 in the ``ppa`` rule).

    Per hour at most ``firm_mw x shape[t]`` (``shape`` 1 for a firm band, or a capacity factor for a
    wind/solar PPA); over the horizon at most ``annual_mwh x year_fraction``; each MWh costs
    ``price_usd_per_mwh`` (energy price including the premium and the grid charges).
    """

    name: str
    source: str  # what delivers it, e.g. "Kapchagay HPP (hydro)"
    firm_mw: float
    annual_mwh: float
    price_usd_per_mwh: float
    shape: np.ndarray | None = None


@dataclass
class GridConnection:
    """Existing connection capacity (MW, both directions) and the cost of reinforcing it."""

    existing_mw: float
    reinforcement_cost: float  # USD per MW over the horizon (annuity + fixed O&M)
    reinforcement_max_mw: float = float("inf")


@dataclass
class OperatingReserve:
    """Reserve held in every hour: ``share_of_load x electricity demand + largest_infeed_mw``."""

    share_of_load: float
    largest_infeed_mw: float


@dataclass
class ReserveUnit:
    """What a battery offers as reserve: spare discharge power and stored energy (per hour)."""

    power_t: linopy.Variable  # the power capacity as seen by each hour
    soc: linopy.Variable
    charge: linopy.Variable
    discharge: linopy.Variable
    discharge_efficiency: float


def _series(values: Any, t: pd.RangeIndex) -> xr.DataArray:
    return xr.DataArray(np.asarray(values, dtype=float), coords={"t": t}, dims="t")


def add_exchange(
    m: linopy.Model,
    inp: Any,
    t: pd.RangeIndex,
    imp: linopy.Variable | None,
    exp: linopy.Variable | None,
    *,
    total: Callable[[Any], linopy.LinearExpression],
    capacity: Callable[..., tuple[linopy.Variable, Any]],
    obj: list[Any],
    elec_balance: list[Any],
) -> tuple[list[Any], list[Any]]:
    """Add contracts, the connection limit and the import/export CO2; return (hourly, scalar) CO2 terms."""
    hourly: list[Any] = []
    scalar: list[Any] = []
    inflow: list[Any] = [] if imp is None else [1.0 * imp]
    for c in inp.contracts:
        shape = np.ones(len(t)) if c.shape is None else np.clip(np.asarray(c.shape, dtype=float), 0.0, None)
        upper = _series(np.where(np.isfinite(c.firm_mw), c.firm_mw * shape, np.inf), t)
        q = m.add_variables(lower=0.0, upper=upper, coords=[t], name=f"contract_{c.name}")
        elec_balance.append(1.0 * q)
        inflow.append(1.0 * q)
        if c.price_usd_per_mwh:
            obj.append(total(c.price_usd_per_mwh * q))
        if np.isfinite(c.annual_mwh):
            m.add_constraints(total(1.0 * q) <= c.annual_mwh * inp.year_fraction, name=f"contract_energy_{c.name}")
    conn = inp.connection
    if conn is not None and np.isfinite(conn.existing_mw):
        _r, r_t = capacity("grid", 0.0, conn.reinforcement_max_mw, conn.reinforcement_cost, prefix="reinforce")
        if inflow:
            flow_in = inflow[0]
            for term in inflow[1:]:
                flow_in = flow_in + term
            m.add_constraints(flow_in - r_t <= conn.existing_mw, name="connection_import")
        if exp is not None:
            m.add_constraints(exp - r_t <= conn.existing_mw, name="connection_export")
    credit = inp.export_credit_co2_per_mwh
    if imp is None:  # the CO2 cap forbids imports in every hour (jasyl.model.build.co2_implied_bounds)
        return hourly, scalar
    if exp is not None and credit > 0 and inp.import_co2_per_mwh > 0:
        net = m.add_variables(lower=0.0, name="electricity_net_co2")
        m.add_constraints(net - inp.import_co2_per_mwh * total(1.0 * imp) + credit * total(1.0 * exp) >= 0,
                          name="export_offset")
        scalar.append(1.0 * net)
    elif inp.import_co2_per_mwh:
        hourly.append(inp.import_co2_per_mwh * imp)
    return hourly, scalar


def add_reserve(m: linopy.Model, reserve: OperatingReserve, demand_mw: np.ndarray, t: pd.RangeIndex,
                units: dict[str, ReserveUnit]) -> None:
    """Batteries hold ``share x demand[t] + largest infeed`` in every hour (power headroom and 1 h of energy)."""
    need = _series(reserve.share_of_load * np.asarray(demand_mw, dtype=float) + reserve.largest_infeed_mw, t)
    if not units:
        raise ValueError("an operating reserve needs a battery (none is allowed in this plan)")
    held: list[Any] = []
    for name, u in units.items():
        r = m.add_variables(lower=0.0, coords=[t], name=f"reserve_{name}")
        eta = u.discharge_efficiency
        m.add_constraints(r - eta * u.power_t + eta * u.discharge - u.charge <= 0, name=f"reserve_power_{name}")
        m.add_constraints(r - eta * u.soc <= 0, name=f"reserve_energy_{name}")
        held.append(1.0 * r)
    total_held = held[0]
    for term in held[1:]:
        total_held = total_held + term
    m.add_constraints(total_held >= need, name="operating_reserve")


def electricity_co2_t(inp: Any, imports: np.ndarray, exports: np.ndarray, weight: np.ndarray | None = None) -> float:
    """Electricity CO2 over the horizon of a solution under the plan's rule (never negative with a credit)."""
    w = np.ones(len(imports)) if weight is None else np.asarray(weight, dtype=float)
    gross = inp.import_co2_per_mwh * float(np.sum(w * imports))
    credit = inp.export_credit_co2_per_mwh * float(np.sum(w * exports))
    if credit > 0:
        return max(0.0, gross - credit)
    return gross
