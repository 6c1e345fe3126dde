"""The result of a plan: what to build, what it costs, what it emits, hour by hour.

:class:`PlanResult` is the contract between the planner and its consumers (CLI, report, pathway).
Units are in the names or in :attr:`PlanResult.capacity_units`; money is USD 2024, annualised
(annuity of capital cost at the catalogue discount rate plus fixed and variable O&M and fuel).
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from jasyl.fileio import atomic_directory

__all__ = ["PlanResult"]


def _num(x: Any) -> Any:
    """Make a number JSON-safe (NaN and infinities become None)."""
    if isinstance(x, bool) or x is None:
        return x
    if isinstance(x, int | float):
        xf = float(x)
        return xf if math.isfinite(xf) else None
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return x
    return xf if math.isfinite(xf) else None


@dataclass
class PlanResult:
    """A solved least-cost plan.

    Attributes
    ----------
    city:
        City name.
    target_co2_t:
        The CO2 cap imposed on the planned system, t CO2 per year.
    co2_before_t, co2_after_t:
        Annual CO2 of the modelled energy system today and in the plan (t CO2 per year).
    co2_before_by_sector_t, co2_after_by_sector_t:
        The same split by sector (``electricity``, ``district_heat``, ``individual_heat``,
        ``industry_heat``, ``transport``).
    capacities:
        Technology -> capacity in the plan (MW, or MWh for storage energy; see ``capacity_units``).
    existing_capacities:
        Technology -> capacity that exists today (same units); the plan may use these for free
        capital cost.
    energy_mwh:
        Technology -> annual energy (MWh) produced (or, for storage, discharged; for demand-side
        converters such as heat pumps, the heat delivered).
    costs_usd:
        Technology -> annualised cost in USD 2024 (capital annuity + fixed O&M + variable O&M + fuel).
    total_annual_cost_usd, baseline_annual_cost_usd:
        Annualised cost of the planned system and of today's system (same scope).
    cost_per_t_avoided_usd:
        (total - baseline) / (CO2 before - CO2 after), USD 2024 per t CO2; NaN if nothing is avoided.
    curtailment_mwh:
        Renewable energy available but not used, MWh per year.
    dispatch:
        Hourly UTC index; columns ``<carrier>:<tech>`` in MW, positive supply to the carrier bus,
        negative withdrawal from it (demand, charging, conversion input).
    storage_soc:
        Hourly state of charge per storage, MWh.
    """

    city: str
    target_co2_t: float
    co2_before_t: float
    co2_after_t: float
    co2_before_by_sector_t: dict[str, float]
    co2_after_by_sector_t: dict[str, float]
    capacities: dict[str, float]
    capacity_units: dict[str, str]
    existing_capacities: dict[str, float]
    energy_mwh: dict[str, float]
    costs_usd: dict[str, float]
    total_annual_cost_usd: float
    baseline_annual_cost_usd: float
    cost_per_t_avoided_usd: float
    curtailment_mwh: float
    dispatch: pd.DataFrame
    storage_soc: pd.DataFrame
    solve_seconds: float
    assumptions: list[dict[str, Any]] = field(default_factory=list)
    levelised_cost_usd_per_mwh: float = float("nan")
    electrified_share: dict[str, float] = field(default_factory=dict)
    demand_mwh: dict[str, float] = field(default_factory=dict)
    method: str = "full-year hourly LP (linopy + HiGHS)"
    hours: int = 0
    solver_status: str = "optimal"
    #: the same plan and today's system with fuel at economic (export-parity) prices (jasyl.prices)
    economic_total_annual_cost_usd: float = float("nan")
    economic_baseline_annual_cost_usd: float = float("nan")
    economic_cost_per_t_avoided_usd: float = float("nan")
    accounting: str = "hourly"

    # ------------------------------------------------------------------ serialisation
    def summary(self) -> dict[str, Any]:
        """Scalar figures only (no hourly series)."""
        return {
            "city": self.city,
            "target_co2_t": _num(self.target_co2_t),
            "co2_before_t": _num(self.co2_before_t),
            "co2_after_t": _num(self.co2_after_t),
            "total_annual_cost_usd": _num(self.total_annual_cost_usd),
            "baseline_annual_cost_usd": _num(self.baseline_annual_cost_usd),
            "cost_per_t_avoided_usd": _num(self.cost_per_t_avoided_usd),
            "levelised_cost_usd_per_mwh": _num(self.levelised_cost_usd_per_mwh),
            "curtailment_mwh": _num(self.curtailment_mwh),
            "solve_seconds": _num(self.solve_seconds),
            "hours": self.hours,
            "method": self.method,
            "accounting": self.accounting,
            "economic": {
                "total_annual_cost_usd": _num(self.economic_total_annual_cost_usd),
                "baseline_annual_cost_usd": _num(self.economic_baseline_annual_cost_usd),
                "cost_per_t_avoided_usd": _num(self.economic_cost_per_t_avoided_usd),
            },
        }

    def to_dict(self, *, hourly: bool = False) -> dict[str, Any]:
        """JSON-ready dictionary. Hourly series are included only with ``hourly=True``."""
        out = self.summary()
        out.update(
            {
                "co2_before_by_sector_t": {k: _num(v) for k, v in self.co2_before_by_sector_t.items()},
                "co2_after_by_sector_t": {k: _num(v) for k, v in self.co2_after_by_sector_t.items()},
                "capacities": {k: _num(v) for k, v in self.capacities.items()},
                "capacity_units": dict(self.capacity_units),
                "existing_capacities": {k: _num(v) for k, v in self.existing_capacities.items()},
                "energy_mwh": {k: _num(v) for k, v in self.energy_mwh.items()},
                "costs_usd": {k: _num(v) for k, v in self.costs_usd.items()},
                "electrified_share": {k: _num(v) for k, v in self.electrified_share.items()},
                "demand_mwh": {k: _num(v) for k, v in self.demand_mwh.items()},
                "assumptions": [{k: _num(v) for k, v in a.items()} for a in self.assumptions],
            }
        )
        if hourly:
            out["dispatch"] = {
                "index": [t.isoformat() for t in self.dispatch.index],
                "columns": {c: [_num(v) for v in self.dispatch[c].to_numpy()] for c in self.dispatch},
            }
            out["storage_soc"] = {
                "index": [t.isoformat() for t in self.storage_soc.index],
                "columns": {c: [_num(v) for v in self.storage_soc[c].to_numpy()] for c in self.storage_soc},
            }
        return out

    def to_json(self, *, hourly: bool = False, indent: int | None = 2) -> str:
        """JSON text of :meth:`to_dict`."""
        return json.dumps(self.to_dict(hourly=hourly), ensure_ascii=False, indent=indent)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The CSV tables written by :meth:`write_csv`, by file name."""
        techs = sorted(set(self.capacities) | set(self.existing_capacities))
        caps = pd.DataFrame(
            {
                "technology": techs,
                "capacity": [self.capacities.get(t, 0.0) for t in techs],
                "existing_capacity": [self.existing_capacities.get(t, 0.0) for t in techs],
                "unit": [self.capacity_units.get(t, "MW") for t in techs],
            }
        )
        energy = pd.DataFrame(
            {"technology": list(self.energy_mwh), "energy_mwh": list(self.energy_mwh.values())}
        )
        costs = pd.DataFrame(
            {"technology": list(self.costs_usd), "annual_cost_usd_2024": list(self.costs_usd.values())}
        )
        sectors = sorted(set(self.co2_before_by_sector_t) | set(self.co2_after_by_sector_t))
        emissions = pd.DataFrame(
            {
                "sector": sectors + ["total"],
                "co2_before_t": [self.co2_before_by_sector_t.get(s, 0.0) for s in sectors]
                + [self.co2_before_t],
                "co2_after_t": [self.co2_after_by_sector_t.get(s, 0.0) for s in sectors] + [self.co2_after_t],
            }
        )
        dispatch = self.dispatch.copy()
        dispatch.index.name = "time_utc"
        soc = self.storage_soc.copy()
        soc.index.name = "time_utc"
        return {
            "capacities.csv": caps,
            "energy.csv": energy,
            "costs.csv": costs,
            "emissions.csv": emissions,
            "dispatch.csv": dispatch,
            "storage_soc.csv": soc,
        }

    def write_csv(self, directory: str | Path) -> Path:
        """Write the CSV tables (and ``summary.json``) into ``directory`` atomically."""
        target = Path(directory)
        with atomic_directory(target) as staging:
            for name, table in self.tables().items():
                buf = io.StringIO()
                table.to_csv(buf, index=name in ("dispatch.csv", "storage_soc.csv"), float_format="%.6g")
                (staging / name).write_text(buf.getvalue(), encoding="utf-8")
            (staging / "summary.json").write_text(self.to_json(), encoding="utf-8")
        return target
