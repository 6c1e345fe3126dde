"""Hourly supply and demand profiles of a city for one weather year.

``build_profiles(city, weather=None) -> HourlyProfiles``. Without a weather
table the SYNTHETIC calibrated year for the city's coordinates and climate normals is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from jasyl.city import City
from jasyl.demand import build_demand
from jasyl.errors import InputError
from jasyl.inventory import final_energy
from jasyl.supply import (
    ROOFTOP,
    TRACKING,
    UTILITY_FIXED,
    optimal_tilt_deg,
    pv_capacity_factor,
    wind_capacity_factor,
)
from jasyl.weather import (
    DEFAULT_SEED,
    WEATHER_COLUMNS,
    MonthlyNormals,
    load_normals,
    parse_normals,
    read_weather,
    synthetic_year,
)

__all__ = ["HourlyProfiles", "build_profiles", "normals_for_city", "SUPPLY_COLUMNS", "DEMAND_COLUMNS"]

SUPPLY_COLUMNS = ("pv_fixed_cf", "pv_tracking_cf", "pv_rooftop_cf", "wind_cf")
DEMAND_COLUMNS = (
    "elec_residential_mw",
    "elec_commercial_mw",
    "elec_industry_mw",
    "heat_district_mw",
    "heat_individual_mw",
    "heat_industry_mw",
    "transport_ev_mw",
)


@dataclass
class HourlyProfiles:
    """Hourly profiles (UTC index, 8760 rows) for one city and one weather year."""

    supply: pd.DataFrame
    demand: pd.DataFrame
    weather: pd.DataFrame
    temp_air_c: pd.Series
    city: str = ""
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def synthetic(self) -> bool:
        return bool(self.weather.attrs.get("synthetic", False))


def normals_for_city(city: City) -> MonthlyNormals:
    """The climate normals of ``city``: its ``weather_normals`` file, else the embedded
    ``data/weather/<slug>_normals.yaml`` of an embedded city."""
    ref = getattr(city, "weather_normals", None)
    source_file = str(getattr(city, "source_file", "") or "")
    embedded = source_file.startswith("<embedded>")
    if isinstance(ref, dict):
        return parse_normals(ref, f"{source_file or 'city'}: weather_normals")
    if ref:
        if embedded:
            res = resources.files("jasyl").joinpath("data", "weather", Path(str(ref)).name)
            return parse_normals(yaml.safe_load(res.read_text(encoding="utf-8")), f"jasyl/data/weather/{ref}")
        path = Path(str(ref))
        if not path.is_absolute() and source_file:
            path = Path(source_file).parent / path
        if not path.is_file():
            raise InputError(
                "the weather normals file does not exist",
                file=path,
                field="weather_normals",
                fix="give the path of a normals YAML file relative to the city file",
            )
        return load_normals(path)
    slug = str(getattr(city, "slug", "") or getattr(city, "name", "")).lower()
    res = resources.files("jasyl").joinpath("data", "weather", f"{slug}_normals.yaml")
    if embedded and res.is_file():
        label = f"jasyl/data/weather/{slug}_normals.yaml"
        return parse_normals(yaml.safe_load(res.read_text(encoding="utf-8")), label)
    raise InputError(
        "the city has no weather data: no 'weather_normals' for a synthetic year",
        file=source_file or None,
        field="weather_normals",
        fix=(
            "add 'weather_normals: <normals.yaml>' to the city file (docs/weather-and-profiles.md)"
            " or pass --weather FILE"
        ),
    )


def build_profiles(
    city: City,
    weather: pd.DataFrame | str | Path | None = None,
    *,
    seed: int = DEFAULT_SEED,
    energy: pd.DataFrame | None = None,
) -> HourlyProfiles:
    """Hourly supply capacity factors and demand (MW) of ``city`` for ``weather``.

    ``city`` is a loaded :class:`jasyl.city.City`; ``weather`` a Weather table, a weather file path, or
    ``None`` for the SYNTHETIC year; ``energy`` the city's :func:`jasyl.inventory.final_energy` when the
    caller has it already.
    """
    loc = city.location
    table: pd.DataFrame
    if weather is None:
        table = synthetic_year(loc, normals_for_city(city), seed=seed)
    elif isinstance(weather, str | Path):
        table = read_weather(weather, fallback_location=(loc.latitude, loc.longitude, loc.elevation_m))
    else:
        missing = [c for c in WEATHER_COLUMNS if c not in weather.columns]
        if missing or len(weather) != 8760 or not isinstance(weather.index, pd.DatetimeIndex):
            raise InputError(
                f"the weather table is not a Weather table (missing {missing}, {len(weather)} rows)",
                field="weather",
                fix="read it with jasyl.weather.read_weather or make it with synthetic_year",
            )
        table = weather.copy()
        attrs = dict(weather.attrs)
        for key, value in (("latitude", loc.latitude), ("longitude", loc.longitude), ("elevation_m", loc.elevation_m)):
            if attrs.get(key) is None:
                attrs[key] = value
        table.attrs = attrs
    supply = pd.DataFrame(
        {
            "pv_fixed_cf": pv_capacity_factor(table, UTILITY_FIXED),
            "pv_tracking_cf": pv_capacity_factor(table, TRACKING),
            "pv_rooftop_cf": pv_capacity_factor(table, ROOFTOP),
            "wind_cf": wind_capacity_factor(table),
        },
        index=table.index,
    )
    fe = final_energy(city) if energy is None else energy
    demand = build_demand(fe, table, loc.timezone)
    profiles = HourlyProfiles(
        supply=supply,
        demand=demand,
        weather=table,
        temp_air_c=table["temp_air_c"],
        city=str(getattr(city, "name", "")),
    )
    profiles.summary = summarize(profiles, fe)
    return profiles


def summarize(p: HourlyProfiles, final_energy: pd.DataFrame) -> dict[str, Any]:
    """Annual figures of the profiles (the JSON of ``jasyl profiles``)."""
    w = p.weather
    a = w.attrs
    d = p.demand
    carriers = final_energy.groupby("carrier")["energy_mwh"].sum()
    return {
        "city": p.city,
        "weather_source": a.get("source", ""),
        "synthetic": bool(a.get("synthetic", False)),
        "weather_notes": list(a.get("notes", [])),
        "demand_notes": list(d.attrs.get("notes", [])),
        "latitude": a.get("latitude"),
        "longitude": a.get("longitude"),
        "hours": len(w),
        "pv_fixed_tilt_deg": round(optimal_tilt_deg(float(a["latitude"])), 1),
        "pv_specific_yield_kwh_per_kwp": round(float(p.supply["pv_fixed_cf"].sum()), 1),
        "pv_tracking_specific_yield_kwh_per_kwp": round(float(p.supply["pv_tracking_cf"].sum()), 1),
        "pv_rooftop_specific_yield_kwh_per_kwp": round(float(p.supply["pv_rooftop_cf"].sum()), 1),
        "pv_capacity_factor": round(float(p.supply["pv_fixed_cf"].mean()), 4),
        "wind_capacity_factor": round(float(p.supply["wind_cf"].mean()), 4),
        "wind_height_m": a.get("wind_height_m"),
        "mean_wind_speed_m_s": round(float(w["wind_speed_m_s"].mean()), 2),
        "ghi_kwh_per_m2": round(float(w["ghi_w_m2"].sum()) / 1000.0, 1),
        "mean_temperature_c": round(float(w["temp_air_c"].mean()), 2),
        "heating_degree_days": round(float(d.attrs.get("heating_degree_days", 0.0)), 0),
        "heating_season_days": round(float(d["heating_season"].sum()) / 24.0, 1),
        "demand_mwh": {
            "electricity_existing": round(
                float(d[["elec_residential_mw", "elec_commercial_mw", "elec_industry_mw"]].to_numpy().sum()), 1
            ),
            "district_heat": round(float(d["heat_district_mw"].sum()), 1),
            "individual_heat_useful": round(float(d["heat_individual_mw"].sum()), 1),
            "industry_heat_useful": round(float(d["heat_industry_mw"].sum()), 1),
            "transport_ev_electricity": round(float(d["transport_ev_mw"].sum()), 1),
        },
        "demand_columns_mwh": {c: round(float(d[c].sum()), 1) for c in d.columns if c.endswith("_mw")},
        "final_energy_mwh_by_carrier": {str(k): round(float(v), 1) for k, v in carriers.items()},
    }
