"""Writers of small weather files in each supported format (from the formats' specifications)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from jasyl.weather import konaev_normals, synthetic_year

KONAEV = SimpleNamespace(latitude=43.88, longitude=77.08, elevation_m=480.0)


def reference_weather() -> pd.DataFrame:
    """A deterministic year to write into files (the synthetic Konaev year, rounded)."""
    w = synthetic_year(KONAEV, konaev_normals(), seed=7).round(1)
    w["ghi_w_m2"] = w["ghi_w_m2"].round(0)
    w["dni_w_m2"] = w["dni_w_m2"].round(0)
    w["dhi_w_m2"] = w["dhi_w_m2"].round(0)
    return w


def csv_lines(w: pd.DataFrame, offset_h: int = 5, wind_height: float | None = 100.0) -> list[str]:
    """jasyl CSV lines with local times at a fixed UTC offset."""
    head = ["# jasyl weather CSV", "# latitude: 43.88", "# longitude: 77.08", "# elevation_m: 480"]
    if wind_height is not None:
        head.append(f"# wind_height_m: {wind_height}")
    head.append("time,ghi_w_m2,dni_w_m2,dhi_w_m2,temp_air_c,wind_speed_m_s")
    local = pd.DatetimeIndex(w.index) + pd.Timedelta(hours=offset_h)
    sign = "+" if offset_h >= 0 else "-"
    stamps = local.strftime("%Y-%m-%dT%H:%M") + f"{sign}{abs(offset_h):02d}:00"
    body = [
        f"{t},{r.ghi_w_m2:g},{r.dni_w_m2:g},{r.dhi_w_m2:g},{r.temp_air_c:g},{r.wind_speed_m_s:g}"
        for t, r in zip(stamps, w.itertuples(index=False), strict=True)
    ]
    return head + body


def write_csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_epw(path: Path, w: pd.DataFrame, tz_hours: float = 5.0, year: int = 2005) -> Path:
    """EnergyPlus EPW: 8 header lines, then 35 fields per hour, hour 1..24 = hour ending, local
    standard time (EnergyPlus Auxiliary Programs, 'Weather Converter', EPW CSV format)."""
    header = [
        f"LOCATION,Konaev test,ALM,KAZ,test,368810,43.88,77.08,{tz_hours},480.0",
        "DESIGN CONDITIONS,0",
        "TYPICAL/EXTREME PERIODS,0",
        "GROUND TEMPERATURES,0",
        "HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0",
        "COMMENTS 1,written by the jasyl test-suite",
        "COMMENTS 2,",
        "DATA PERIODS,1,1,Data,Wednesday, 1/ 1,12/31",
    ]
    local_start = pd.DatetimeIndex(w.index) + pd.Timedelta(hours=tz_hours)
    # rotate so the file runs from local Jan 1 00:00 (hour 1) to Dec 31 24:00
    order = np.argsort(((local_start - pd.Timestamp("2025-01-01", tz="UTC")).total_seconds().to_numpy() / 3600) % 8760)
    rows = []
    for i in order:
        t = local_start[i]
        r = w.iloc[i]
        fields = [
            year,
            t.month,
            t.day,
            t.hour + 1,
            60,
            "?9?9?9?9E0?9?9?9?9?9?9?9?9?9?9?9?9?9?9*9*9?9?9?9",
            r.temp_air_c,
            -5.0,
            50,
            95000,
            9999,
            9999,
            300,
            r.ghi_w_m2,
            r.dni_w_m2,
            r.dhi_w_m2,
            999900,
            999900,
            999900,
            9999,
            180,
            r.wind_speed_m_s,
            5,
            5,
            9999,
            77777,
            9,
            999999999,
            0,
            0.0,
            0,
            88,
            0.2,
            0.0,
            1.0,
        ]
        rows.append(",".join(str(f) for f in fields))
    path.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    return path


def write_pvgis_csv(path: Path, w: pd.DataFrame) -> Path:
    """PVGIS 5.2 TMY CSV: 3 location lines, month/year table, header, 8760 UTC rows, legend."""
    lines = [
        "Latitude (decimal degrees): 43.880",
        "Longitude (decimal degrees): 77.080",
        "Elevation (m): 480.0",
        "month,year",
    ]
    years = [2010, 2012, 2008, 2015, 2011, 2009, 2016, 2013, 2010, 2007, 2014, 2012]
    lines += [f"{m},{y}" for m, y in zip(range(1, 13), years, strict=True)]
    lines.append("time(UTC),T2m,RH,G(h),Gb(n),Gd(h),IR(h),WS10m,WD10m,SP")
    for t, r in zip(pd.DatetimeIndex(w.index), w.itertuples(index=False), strict=True):
        y = years[t.month - 1]
        lines.append(
            f"{y}{t.month:02d}{t.day:02d}:{t.hour:02d}00,{r.temp_air_c},40.0,{r.ghi_w_m2},{r.dni_w_m2},"
            f"{r.dhi_w_m2},250.0,{r.wind_speed_m_s},180.0,95500.0"
        )
    lines += [
        "T2m: 2-m air temperature (degree Celsius)",
        "G(h): Global irradiance on the horizontal plane (W/m2)",
        "PVGIS (c) European Union, 2001-2024",
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def write_pvgis_json(path: Path, w: pd.DataFrame) -> Path:
    """PVGIS TMY JSON: inputs.location, outputs.months_selected, outputs.tmy_hourly, meta."""
    hourly = [
        {
            "time(UTC)": f"2010{t.month:02d}{t.day:02d}:{t.hour:02d}00",
            "T2m": r.temp_air_c,
            "RH": 40.0,
            "G(h)": r.ghi_w_m2,
            "Gb(n)": r.dni_w_m2,
            "Gd(h)": r.dhi_w_m2,
            "IR(h)": 250.0,
            "WS10m": r.wind_speed_m_s,
            "WD10m": 180.0,
            "SP": 95500.0,
        }
        for t, r in zip(pd.DatetimeIndex(w.index), w.itertuples(index=False), strict=True)
    ]
    doc = {
        "inputs": {
            "location": {"latitude": 43.88, "longitude": 77.08, "elevation": 480.0},
            "meteo_data": {"radiation_db": "PVGIS-ERA5"},
        },
        "outputs": {"months_selected": [{"month": m, "year": 2010} for m in range(1, 13)], "tmy_hourly": hourly},
        "meta": {"inputs": {"location": {"description": "Selected location"}}},
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def write_era5(path: Path, w: pd.DataFrame, land_accumulation: bool = False, u100: bool = False) -> Path:
    """ERA5 single levels, 2x2 grid: ssrd (J/m2, accumulated over the hour ending at valid_time),
    t2m (K), u10/v10 (m/s). Grid point (43.75, 77.0) carries ``w``; the others are perturbed."""
    import xarray as xr

    # instantaneous variables sit at the hour start in jasyl -> ERA5 stamps of the hour start
    t_inst = pd.DatetimeIndex(w.index).tz_convert(None)
    n = len(w)
    lat = np.array([44.0, 43.75])
    lon = np.array([77.0, 77.25])
    ghi_j = w["ghi_w_m2"].to_numpy() * 3600.0
    # ERA5 stamps all variables at the same valid_time; we write the instantaneous values at the
    # stamp t and the radiation accumulated over (t-1h, t].
    stamp = t_inst
    ssrd_by_stamp = np.roll(ghi_j, 1)  # value at stamp t = accumulation of the hour before t
    ssrd_by_stamp[0] = 0.0
    if land_accumulation:  # ERA5-Land: accumulated from 00 UTC; the 00 UTC stamp holds the full day
        day = (stamp - pd.Timedelta(hours=1)).normalize()
        ssrd_by_stamp = pd.Series(ssrd_by_stamp).groupby(np.asarray(day)).cumsum().to_numpy()

    def grid(values: np.ndarray, other: float) -> np.ndarray:
        out = np.full((n, 2, 2), np.nan)
        for i in range(2):
            for j in range(2):
                out[:, i, j] = values + (0.0 if (i, j) == (1, 0) else other)
        return out

    u_name, v_name = ("u100", "v100") if u100 else ("u10", "v10")
    speed = w["wind_speed_m_s"].to_numpy()
    ds = xr.Dataset(
        {
            "ssrd": (("valid_time", "latitude", "longitude"), grid(ssrd_by_stamp, 3600.0), {"units": "J m**-2"}),
            "t2m": (
                ("valid_time", "latitude", "longitude"),
                grid(w["temp_air_c"].to_numpy() + 273.15, 5.0),
                {"units": "K"},
            ),
            u_name: (("valid_time", "latitude", "longitude"), grid(speed * 0.6, 1.0), {"units": "m s**-1"}),
            v_name: (("valid_time", "latitude", "longitude"), grid(speed * 0.8, 1.0), {"units": "m s**-1"}),
        },
        coords={"valid_time": stamp.to_numpy(), "latitude": lat, "longitude": lon},
    )
    ds.to_netcdf(path)
    return path
