"""A hand-made, internally balanced PlanResult for report tests (no optimiser needed).

Every hour the electricity bus and the heat bus balance exactly: supply columns minus withdrawal
columns is zero, so the annual balance must close to rounding.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from jasyl.model.result import PlanResult

__all__ = ["synthetic_result"]


def synthetic_result(hours: int = 336, start: str = "2025-01-01", city: str = "Konaev") -> PlanResult:
    index = pd.date_range(start, periods=hours, freq="h", tz="UTC")
    h = np.arange(hours)
    day = h % 24
    pv = 200.0 * np.clip(np.sin((day - 1) / 12 * np.pi), 0, None)  # local noon ~ 07 UTC
    wind = 300.0 * (0.35 + 0.25 * np.sin(h / 37.0))
    elec = 15.0 + 5.0 * np.sin((day - 14) / 24 * 2 * np.pi)
    heat = 90.0 + 20.0 * np.cos(h / (24 * 30) * 2 * np.pi)
    cop = 3.0
    hp_in = heat / cop
    charge = np.where(np.sin(day / 24 * 2 * np.pi) > 0, 5.0, 0.0)
    discharge = np.where(charge > 0, 0.0, 4.5)
    use0 = elec + hp_in + charge
    supply0 = pv + wind + discharge
    grid = np.clip(use0 - supply0, 0, None)
    surplus = np.clip(supply0 - use0, 0, None)
    dispatch = pd.DataFrame(
        {
            "electricity:pv_fixed": pv,
            "electricity:wind": wind,
            "electricity:grid_import": grid,
            "electricity:battery_discharge": discharge,
            "electricity:battery_charge": -charge,
            "electricity:heat_pump_district": -hp_in,
            "electricity:demand": -elec,
            "electricity:curtailment": -surplus,
            "heat_district:heat_pump_district": heat,
            "heat_district:district_boilers": np.zeros(hours),
            "heat_district:demand": -heat,
        },
        index=index,
    )
    soc = pd.DataFrame({"battery": 20.0 + 15.0 * np.sin(day / 24 * 2 * np.pi)}, index=index)
    scale = 8760.0 / hours
    energy = {c.split(":")[1]: float(dispatch[c].clip(lower=0).sum()) * scale for c in dispatch
              if dispatch[c].max() > 0 and not c.endswith(":demand")}
    return PlanResult(
        city=city,
        target_co2_t=0.0,
        co2_before_t=250_000.0,
        co2_after_t=0.0,
        co2_before_by_sector_t={"electricity": 90_000.0, "district_heat": 100_000.0, "transport": 60_000.0},
        co2_after_by_sector_t={"electricity": 0.0, "district_heat": 0.0, "transport": 0.0},
        capacities={"pv_fixed": 200.0, "wind": 300.0, "battery_energy": 40.0, "battery_power": 5.0,
                    "heat_pump_district": 130.0, "district_boilers": 94.0, "ev_bus": 1.0, "ev_passenger_car": 0.4},
        capacity_units={"pv_fixed": "MW", "wind": "MW", "battery_energy": "MWh", "battery_power": "MW",
                        "heat_pump_district": "MW_th", "district_boilers": "MW_th", "ev_bus": "share",
                        "ev_passenger_car": "share"},
        existing_capacities={"district_boilers": 94.0},
        energy_mwh=energy,
        costs_usd={"pv_fixed": 14e6, "wind": 45e6, "battery": 1e6, "heat_pump_district": 9e6,
                   "grid_import": 2e6, "ev_bus": 0.7e6, "fuel_passenger_car": 3e6},
        total_annual_cost_usd=74.7e6,
        baseline_annual_cost_usd=22.6e6,
        cost_per_t_avoided_usd=(74.7e6 - 22.6e6) / 250_000.0,
        curtailment_mwh=float(surplus.sum()) * scale,
        dispatch=dispatch,
        storage_soc=soc,
        solve_seconds=1.25,
        assumptions=[
            {"name": "discount_rate", "value": 0.08, "unit": "1/yr", "source": "estimate: test value"},
            {"name": "pv_fixed.capex_usd_per_kw", "value": 650.0, "unit": "kw", "source": "test source A; year 2025"},
            {"name": "pv_fixed.year", "value": 2025, "unit": "year", "source": "test source A; year 2025"},
        ],
        electrified_share={"bus": 1.0, "passenger_car": 0.4},
        hours=hours,
    )
