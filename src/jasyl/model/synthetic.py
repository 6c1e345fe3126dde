"""A synthetic, Konaev-sized planning case for tests and development (not data).

Deterministic (seeded) hourly profiles with the columns of ``jasyl.profiles.HourlyProfiles`` and a
matching ``final_energy`` table, so the planner can be tested without the city, weather and inventory
modules. Magnitudes are round numbers for a town of about 66,000 people; they are not estimates of
Konaev and must not be reported as such.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["synthetic_case"]


def synthetic_case(hours: int = 8760, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, pd.DataFrame]:
    """Return ``(supply, demand, temp_air_c, final_energy)`` for ``hours`` hours from 1 Jan (UTC)."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2025-01-01", periods=hours, freq="h", tz="UTC")
    h = np.arange(hours)
    doy = (h // 24) % 365
    local_hour = (h + 5) % 24  # UTC+5
    season = -np.cos(2 * np.pi * (doy - 15) / 365)  # -1 in January, +1 in July
    temp = 10.0 + 16.0 * season + 5.0 * np.sin(2 * np.pi * (local_hour - 9) / 24) + rng.normal(0, 2.5, hours)
    # PV: daylight bell, longer and higher in summer, random clouds by day
    day_len = 12.0 + 3.0 * season
    x = (local_hour + 0.5 - 13.0) / (day_len / 2)
    bell = np.clip(np.cos(np.pi / 2 * x), 0, None) * (np.abs(x) < 1)
    clouds = np.repeat(rng.uniform(0.35, 1.0, hours // 24 + 1), 24)[:hours]
    pv = np.clip(bell * (0.72 + 0.18 * season) * clouds, 0, 1)
    # wind: AR(1) speed through a simple power curve
    z = np.zeros(hours)
    for i in range(1, hours):
        z[i] = 0.97 * z[i - 1] + rng.normal(0, 0.25)
    speed = np.clip(6.5 + 0.8 * np.sin(2 * np.pi * doy / 365) + 3.0 * z, 0, 30)
    wind = np.clip((speed - 3.0) / (12.0 - 3.0), 0, 1) ** 2 * (speed < 25)
    supply = pd.DataFrame(
        {"pv_fixed_cf": pv, "pv_tracking_cf": np.clip(pv ** 0.8, 0, 1) * 0.98, "pv_rooftop_cf": pv * 0.9,
         "wind_cf": wind}, index=idx)
    hdh = np.clip(16.0 - temp, 0, None)
    daily = 0.8 + 0.4 * np.sin(np.pi * np.clip(local_hour - 6, 0, 16) / 16)
    demand = pd.DataFrame(
        {
            "elec_residential_mw": 8.0 * daily * (1 + 0.15 * (season < 0)),
            "elec_commercial_mw": 6.0 * daily,
            "elec_industry_mw": np.full(hours, 4.0),
            "heat_district_mw": 1.2 * hdh + 1.5,
            "heat_individual_mw": 1.6 * hdh,
            "heat_industry_mw": np.full(hours, 3.0),
            "transport_ev_mw": 4.0 * (0.6 + 0.8 * ((local_hour >= 18) | (local_hour < 6))),
        },
        index=idx,
    )
    yf = hours / 8760
    ind_heat = float(demand["heat_individual_mw"].sum()) / yf
    fe = pd.DataFrame(
        [
            ("stationary_energy", "residential", "grid_electricity", "", 70000.0, 0.0, 0.0),
            ("stationary_energy", "residential", "coal", "", 0.7 * ind_heat / 0.55, 0.0, 0.0),
            ("stationary_energy", "residential", "natural_gas", "", 0.2 * ind_heat / 0.9, 0.0, 0.0),
            ("stationary_energy", "commercial_institutional", "firewood", "", 0.1 * ind_heat / 0.6, 0.0, 0.0),
            ("stationary_energy", "manufacturing_construction", "natural_gas", "", 3.0 * 8760 / 0.9, 0.0, 0.0),
            ("stationary_energy", "residential", "district_heat", "", 1.0e5, 0.0, 0.0),
            ("transport", "on_road", "gasoline", "passenger_car", 90000.0, 15000.0, 1.65e8),
            ("transport", "on_road", "lpg", "passenger_car", 12000.0, 1600.0, 2.4e7),
            ("transport", "on_road", "diesel", "bus", 14000.0, 50.0, 3.0e6),
            ("transport", "on_road", "diesel", "heavy_truck", 40000.0, 400.0, 1.2e7),
        ],
        columns=["sector", "subsector", "carrier", "vehicle_class", "energy_mwh", "vehicles", "vkm"],
    )
    return supply, demand, temp, fe
