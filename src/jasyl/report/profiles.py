"""Files of ``jasyl profiles --out``: hourly supply and demand (CSV or Parquet), the weather and a summary."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd

from jasyl.fileio import atomic_directory
from jasyl.profiles import HourlyProfiles
from jasyl.report.tables import csv_text
from jasyl.weather.csvfile import to_csv_text

__all__ = ["write_profiles"]


def _frame_bytes(frame: pd.DataFrame, parquet: bool) -> bytes:
    out = frame.copy()
    out.attrs = {}
    if parquet:
        buffer = io.BytesIO()
        out.to_parquet(buffer)
        return buffer.getvalue()
    out.index = pd.DatetimeIndex(out.index).strftime("%Y-%m-%dT%H:%MZ")
    out.index.name = "time_utc"
    return csv_text(out, index=True).encode("utf-8")


def _readme(profiles: HourlyProfiles, ext: str) -> str:
    s = profiles.summary
    label = "SYNTHETIC weather (generated from monthly climate normals, not measured)\n\n" if profiles.synthetic else ""
    return (
        f"{label}Hourly profiles of {s['city']} made by 'jasyl profiles'.\n"
        f"Weather: {s['weather_source']}\n"
        "Times: UTC, each row labelled by the start of its hour; 8760 rows.\n"
        f"supply.{ext}: capacity factors 0..1 (pv_fixed_cf per kWp DC at the optimal tilt, pv_tracking_cf,"
        " pv_rooftop_cf, wind_cf per MW of turbines after farm losses).\n"
        f"demand.{ext}: MW (= MWh in the hour); annual sums equal the city's final energy"
        " (times stated efficiencies for useful heat); see docs/weather-and-profiles.md.\n"
        "summary.json: annual figures.\n"
    )


def write_profiles(profiles: HourlyProfiles, out: Path, parquet: bool = False) -> list[Path]:
    """Write supply, demand, weather and summary into ``out`` atomically (all or nothing)."""
    ext = "parquet" if parquet else "csv"
    synthetic = profiles.synthetic
    with atomic_directory(out) as stage:
        (stage / f"supply.{ext}").write_bytes(_frame_bytes(profiles.supply, parquet))
        (stage / f"demand.{ext}").write_bytes(_frame_bytes(profiles.demand, parquet))
        weather_name = "weather_SYNTHETIC.csv" if synthetic else "weather.csv"
        (stage / weather_name).write_text(to_csv_text(profiles.weather), encoding="utf-8")
        (stage / "README.txt").write_text(_readme(profiles, ext), encoding="utf-8")
        (stage / "summary.json").write_text(
            json.dumps(profiles.summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        names = [f"supply.{ext}", f"demand.{ext}", weather_name, "README.txt", "summary.json"]
    return [out / n for n in names]
