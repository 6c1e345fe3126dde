"""EnergyPlus weather files (EPW), read with :func:`pvlib.iotools.read_epw`.

EPW rows are hour-ending in local standard time (hour 1 = 00:00-01:00); pvlib labels each row with
the start of its hour and the file's UTC offset, which is the hour-start convention used here.
Missing-value codes of the EPW specification (9999 for irradiance, 99.9 for temperature, 999 for wind,
999999 for pressure) become empty values and are reported like any gap. Wind is at 10 m (EPW spec).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from jasyl.errors import InputError
from jasyl.weather.table import finalize

__all__ = ["read_epw_weather"]

_MISSING = {
    "ghi": 9999.0,
    "dni": 9999.0,
    "dhi": 9999.0,
    "temp_air": 99.9,
    "wind_speed": 999.0,
    "atmospheric_pressure": 999999.0,
}


def read_epw_weather(path: str | Path, *, fill_gaps_hours: int = 0) -> pd.DataFrame:
    import pvlib  # noqa: PLC0415 - pvlib is heavy; loaded on first use

    file = Path(path)
    try:
        data, meta = pvlib.iotools.read_epw(str(file))
    except Exception as exc:  # noqa: BLE001 - pvlib raises many types on malformed files
        raise InputError(
            f"not a readable EPW file ({type(exc).__name__}: {exc})",
            file=file,
            fix="give an EnergyPlus .epw file (8 header lines, then hourly rows)",
        ) from None
    if len(data) > 8784:
        raise InputError(
            f"non-hourly step: the file has {len(data)} data rows (sub-hourly EPW); jasyl needs hourly data",
            file=file,
            field="time",
            fix="export an hourly EPW (8760 rows) or aggregate to hourly means",
        )
    data = data.copy()
    for col, code in _MISSING.items():
        if col in data:
            data[col] = pd.to_numeric(data[col], errors="coerce")
            data.loc[data[col] >= code, col] = np.nan
    frame = pd.DataFrame(
        {
            "ghi_w_m2": data["ghi"],
            "dni_w_m2": data["dni"],
            "dhi_w_m2": data["dhi"],
            "temp_air_c": data["temp_air"],
            "wind_speed_m_s": data["wind_speed"],
            "pressure_pa": data["atmospheric_pressure"],
        },
        index=data.index,
    )
    city = str(meta.get("city", "")).strip()
    return finalize(
        frame,
        file=file,
        source=f"EPW {file.name} ({city}, {meta.get('data_type', '')})".replace(", )", ")"),
        latitude=float(meta["latitude"]),
        longitude=float(meta["longitude"]),
        elevation_m=float(meta["altitude"]),
        wind_height_m=10.0,
        typical=True,
        fill_gaps_hours=fill_gaps_hours,
        lines=list(range(9, 9 + len(frame))),
    )
