"""PVGIS typical meteorological year (TMY) in CSV or JSON, read with
:func:`pvlib.iotools.read_pvgis_tmy`.

PVGIS TMY times are UTC (``20050101:0000``). The irradiance of a row is close to the satellite value
a few minutes after the labelled hour (PVGIS states the offset as "Irradiance Time Offset"); jasyl
treats each row as the hour that starts at its label, an approximation of under half an hour.
Wind ``WS10m`` is at 10 m; ``SP`` is the surface pressure in Pa.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from jasyl.errors import InputError
from jasyl.weather.table import finalize

__all__ = ["read_pvgis_weather"]


def read_pvgis_weather(path: str | Path, *, pvgis_format: str, fill_gaps_hours: int = 0) -> pd.DataFrame:
    import pvlib  # noqa: PLC0415 - pvlib is heavy; loaded on first use

    file = Path(path)
    try:
        data, meta = pvlib.iotools.read_pvgis_tmy(str(file), pvgis_format=pvgis_format, map_variables=True)
    except Exception as exc:  # noqa: BLE001
        raise InputError(
            f"not a readable PVGIS TMY {pvgis_format.upper()} file ({type(exc).__name__}: {exc})",
            file=file,
            fix="download the TMY from PVGIS (tools 'TMY', output csv or json) and give it unchanged",
        ) from None
    needed = {"ghi", "temp_air", "wind_speed"}
    if not needed <= set(data.columns):
        missing = sorted(needed - set(data.columns))
        raise InputError(f"missing PVGIS column(s) {missing}", file=file, field=missing[0])
    frame = pd.DataFrame(
        {
            "ghi_w_m2": data["ghi"].astype(float),
            "temp_air_c": data["temp_air"].astype(float),
            "wind_speed_m_s": data["wind_speed"].astype(float),
        },
        index=pd.DatetimeIndex(data.index),
    )
    if "dni" in data and "dhi" in data:
        frame["dni_w_m2"] = data["dni"].astype(float)
        frame["dhi_w_m2"] = data["dhi"].astype(float)
    if "pressure" in data:
        frame["pressure_pa"] = data["pressure"].astype(float)
    inputs: dict[str, Any] = {}
    if isinstance(meta, dict) and isinstance(meta.get("inputs"), dict):
        inputs = meta["inputs"]
    loc = inputs.get("location") if isinstance(inputs.get("location"), dict) else inputs
    assert isinstance(loc, dict)
    lat = loc.get("latitude")
    lon = loc.get("longitude")
    elev = loc.get("elevation")
    return finalize(
        frame,
        file=file,
        source=f"PVGIS TMY {file.name}",
        latitude=float(lat) if lat is not None else None,
        longitude=float(lon) if lon is not None else None,
        elevation_m=float(elev) if elev is not None else None,
        wind_height_m=10.0,
        typical=True,
        fill_gaps_hours=fill_gaps_hours,
    )
