"""Weather: readers for real weather files and a calibrated synthetic year.

The Weather table (docs/architecture.md): hourly UTC, hour-start labels, 8760 rows, columns
``ghi_w_m2``, ``dni_w_m2``, ``dhi_w_m2``, ``temp_air_c``, ``wind_speed_m_s`` (+ ``pressure_pa``), and
``attrs`` ``wind_height_m``, ``latitude``, ``longitude``, ``elevation_m``, ``source``, ``synthetic``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jasyl.errors import InputError
from jasyl.weather.csvfile import read_csv_weather
from jasyl.weather.epw import read_epw_weather
from jasyl.weather.era5 import read_era5_weather
from jasyl.weather.normals import MonthlyNormals, konaev_normals, load_normals, parse_normals
from jasyl.weather.pvgis import read_pvgis_weather
from jasyl.weather.synthetic import DEFAULT_SEED, synthetic_year
from jasyl.weather.table import REQUIRED_COLUMNS, TYPICAL_YEAR, WEATHER_COLUMNS, typical_index
from jasyl.weather.tmy3 import read_tmy3_weather

__all__ = [
    "read_weather",
    "detect_format",
    "FORMATS",
    "synthetic_year",
    "MonthlyNormals",
    "load_normals",
    "parse_normals",
    "konaev_normals",
    "DEFAULT_SEED",
    "WEATHER_COLUMNS",
    "REQUIRED_COLUMNS",
    "TYPICAL_YEAR",
    "typical_index",
]

#: Formats :func:`read_weather` understands.
FORMATS = ("epw", "tmy3", "pvgis-csv", "pvgis-json", "era5", "csv")


def detect_format(path: str | Path) -> str:
    """Guess the format of a weather file from its name and first bytes."""
    p = Path(path)
    if not p.is_file():
        raise InputError("the weather file does not exist", file=p, fix="check the path")
    suffix = p.suffix.lower()
    with p.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith((b"\x89HDF", b"CDF")):
        return "era5"
    if suffix in (".nc", ".nc4", ".netcdf"):
        return "era5"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    first = text.splitlines()[0] if text else ""
    if suffix == ".epw" or first.startswith("LOCATION,"):
        return "epw"
    if suffix == ".json" or text.lstrip().startswith("{"):
        return "pvgis-json"
    if first.startswith("Latitude (decimal degrees)"):
        return "pvgis-csv"
    lines = text.splitlines()
    if len(lines) > 1 and "Date (MM/DD/YYYY)" in lines[1]:
        return "tmy3"
    if suffix in (".csv", ".txt") or first.startswith(("#", "time")):
        return "csv"
    raise InputError(
        "cannot tell the weather format from the file",
        file=p,
        fix=f"pass the format explicitly (one of {', '.join(FORMATS)})",
    )


def read_weather(
    path: str | Path,
    format: str | None = None,
    *,
    latitude: float | None = None,
    longitude: float | None = None,
    elevation_m: float | None = None,
    wind_height_m: float | None = None,
    fill_gaps_hours: int = 0,
    year: int | None = None,
    fallback_location: tuple[float, float, float] | None = None,
) -> pd.DataFrame:
    """Read a weather file into the validated Weather table.

    ``format`` is one of :data:`FORMATS` (``None``: sniffed). ``latitude``/``longitude`` pick the ERA5
    grid point and locate a CSV without coordinates; ``wind_height_m`` states the CSV wind height;
    ``fill_gaps_hours`` lets gaps up to that many hours be interpolated (default: none, gaps are
    errors); ``year`` selects one UTC year of a multi-year CSV or ERA5 file.
    ``fallback_location`` (latitude, longitude, elevation_m), e.g. the city's, is used only where
    neither the options nor the file give a location (CSV without coordinates, ERA5 grid).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError("the weather file does not exist", file=p, fix="check the path")
    if fill_gaps_hours < 0:
        raise InputError("fill_gaps_hours must be >= 0", field="fill_gaps_hours")
    fmt = (format or detect_format(p)).lower()
    fb_lat, fb_lon, fb_elev = fallback_location if fallback_location is not None else (None, None, None)
    if fmt == "epw":
        return read_epw_weather(p, fill_gaps_hours=fill_gaps_hours)
    if fmt == "tmy3":
        return read_tmy3_weather(p, fill_gaps_hours=fill_gaps_hours)
    if fmt in ("pvgis-csv", "pvgis-json"):
        return read_pvgis_weather(p, pvgis_format=fmt.split("-")[1], fill_gaps_hours=fill_gaps_hours)
    if fmt == "era5":
        explicit = latitude is not None and longitude is not None
        return read_era5_weather(
            p,
            latitude=latitude if explicit else fb_lat,
            longitude=longitude if explicit else fb_lon,
            elevation_m=elevation_m if elevation_m is not None or explicit else fb_elev,
            fill_gaps_hours=fill_gaps_hours,
            year=year,
        )
    if fmt == "csv":
        return read_csv_weather(
            p,
            latitude=latitude,
            longitude=longitude,
            elevation_m=elevation_m,
            wind_height_m=wind_height_m,
            fill_gaps_hours=fill_gaps_hours,
            year=year,
            fallback_location=fallback_location,
        )
    raise InputError(f"unknown weather format '{format}'", field="format", fix=f"one of {', '.join(FORMATS)}")
