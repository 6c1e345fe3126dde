"""NREL TMY3 files, read with :func:`pvlib.iotools.read_tmy3`.

TMY3 rows are hour-ending in local standard time (01:00 ... 24:00); they are relabelled to the hour
start. Pressure is in mbar in the file and converted to Pa. Wind is at 10 m.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from jasyl.errors import InputError, shorten
from jasyl.weather.lines import check_fields, check_numbers, number, read_text
from jasyl.weather.table import TYPICAL_YEAR, finalize

__all__ = ["read_tmy3_weather"]


_INT = re.compile(r"[+-]?\d+")
_FIX = "give an NREL TMY3 CSV (one metadata line, one header line, 8760 rows)"
#: columns jasyl uses (NREL TMY3 users manual, NREL/TP-581-43156) -> field names of the Weather table
_COLUMNS = {"GHI (W/m^2)": "ghi_w_m2", "DNI (W/m^2)": "dni_w_m2", "DHI (W/m^2)": "dhi_w_m2",
            "Dry-bulb (C)": "temp_air_c", "Wspd (m/s)": "wind_speed_m_s", "Pressure (mbar)": "pressure_pa"}
_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def _check_layout(text: str, file: Path) -> str:
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    meta = lines[0].split(",") if lines else []
    if len(meta) != 7:
        raise InputError(f"line 1 has {len(meta)} field(s); the TMY3 metadata line has 7 (USAF,Name,State,TZ,"
                         "latitude,longitude,altitude)", file=file, field="metadata", fix=_FIX)
    for i, name, lo, hi in ((3, "TZ", -12, 14), (4, "latitude", -90, 90), (5, "longitude", -180, 180),
                            (6, "altitude", -500, 9000)):
        x = number(meta[i])
        if x is None or not lo <= x <= hi:
            raise InputError(f"line 1: {name} '{shorten(meta[i])}' is not a number in {lo}..{hi}", file=file,
                             field=name, fix=_FIX)
    if not _INT.fullmatch(meta[0].strip()):
        raise InputError(f"line 1: USAF '{shorten(meta[0])}' is not a station number", file=file, field="USAF",
                         fix=_FIX)
    header = [h.strip() for h in lines[1].split(",")] if len(lines) > 1 else []
    needed = ["Date (MM/DD/YYYY)", "Time (HH:MM)", *_COLUMNS]
    missing = [c for c in needed if c not in header]
    if missing:
        raise InputError(f"line 2: the header has no column(s) {', '.join(missing)}", file=file, field=missing[0],
                         fix=_FIX)
    if len(set(header)) != len(header):
        raise InputError("line 2: the header names a column twice", file=file, field="header", fix=_FIX)
    if len(lines) < 3:
        raise InputError("the file has no data rows after its 2 header lines", file=file, fix=_FIX)
    rows = check_fields(lines[2:], 3, len(header), file, "TMY3 data")
    check_numbers(rows, 3, {header.index(c): f for c, f in _COLUMNS.items()}, file)
    i_date, i_time = header.index("Date (MM/DD/YYYY)"), header.index("Time (HH:MM)")
    for n, fields in enumerate(rows, start=3):
        d = _DATE.fullmatch(fields[i_date].strip())
        t = _TIME.fullmatch(fields[i_time].strip())
        if d is None or not (1 <= int(d.group(1)) <= 12 and 1 <= int(d.group(2)) <= 31):
            raise InputError(f"line {n}: '{shorten(fields[i_date])}' is not a date MM/DD/YYYY", file=file,
                             field="Date (MM/DD/YYYY)", fix=_FIX)
        if t is None or not (0 <= int(t.group(1)) <= 24 and int(t.group(2)) < 60):
            raise InputError(f"line {n}: '{shorten(fields[i_time])}' is not a time HH:MM (01:00 to 24:00)",
                             file=file, field="Time (HH:MM)", fix=_FIX)
    dates = pd.to_datetime(pd.Series([f[i_date].strip() for f in rows]), format="%m/%d/%Y", errors="coerce")
    if dates.isna().any():
        pos = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise InputError(f"line {3 + pos}: '{rows[pos][i_date]}' is not a date", file=file,
                         field="Date (MM/DD/YYYY)", fix=_FIX)
    return "\n".join(lines) + "\n"


def read_tmy3_weather(path: str | Path, *, fill_gaps_hours: int = 0) -> pd.DataFrame:
    import pvlib  # noqa: PLC0415 - pvlib is heavy; loaded on first use

    file = Path(path)
    text = _check_layout(read_text(file, fix=_FIX), file)
    try:
        data, meta = pvlib.iotools.read_tmy3(io.StringIO(text), coerce_year=TYPICAL_YEAR, map_variables=True)
    except Exception as exc:  # noqa: BLE001 - should not happen after the layout check; still a file problem
        raise InputError(
            f"not a readable TMY3 file ({type(exc).__name__}: {shorten(exc, 200)})",
            file=file,
            field="metadata",
            fix=_FIX,
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
