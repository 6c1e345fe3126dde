"""NREL TMY3 files, read with :func:`pvlib.iotools.read_tmy3`.

TMY3 rows are hour-ending in local standard time (01:00 ... 24:00); they are relabelled to the hour
start. Pressure is in mbar in the file and converted to Pa. Wind is at 10 m.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jasyl.errors import InputError
from jasyl.weather.table import TYPICAL_YEAR, finalize

__all__ = ["read_tmy3_weather"]


def read_tmy3_weather(path: str | Path, *, fill_gaps_hours: int = 0) -> pd.DataFrame:
    import pvlib  # noqa: PLC0415 - pvlib is heavy; loaded on first use

    file = Path(path)
    try:
        data, meta = pvlib.iotools.read_tmy3(str(file), coerce_year=TYPICAL_YEAR, map_variables=True)
    except Exception as exc:  # noqa: BLE001
        raise InputError(
            f"not a readable TMY3 file ({type(exc).__name__}: {exc})",
            file=file,
            fix="give an NREL TMY3 CSV (one metadata line, one header line, 8760 rows)",
        ) from None
    index = pd.DatetimeIndex(data.index) - pd.Timedelta(hours=1)
    frame = pd.DataFrame(
        {
            "ghi_w_m2": data["ghi"].to_numpy(float),
            "dni_w_m2": data["dni"].to_numpy(float),
            "dhi_w_m2": data["dhi"].to_numpy(float),
            "temp_air_c": data["temp_air"].to_numpy(float),
            "wind_speed_m_s": data["wind_speed"].to_numpy(float),
            "pressure_pa": data["pressure"].to_numpy(float) * 100.0,
        },
        index=index,
    )
    return finalize(
        frame,
        file=file,
        source=f"TMY3 {file.name} ({str(meta.get('Name', '')).strip(chr(34))})",
        latitude=float(meta["latitude"]),
        longitude=float(meta["longitude"]),
        elevation_m=float(meta["altitude"]),
        wind_height_m=10.0,
        typical=True,
        fill_gaps_hours=fill_gaps_hours,
        lines=list(range(3, 3 + len(frame))),
    )
