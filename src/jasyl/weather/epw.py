"""EnergyPlus weather files (EPW), read with :func:`pvlib.iotools.read_epw`.

EPW rows are hour-ending in local standard time (hour 1 = 00:00-01:00); pvlib labels each row with
the start of its hour and the file's UTC offset, which is the hour-start convention used here.
Missing-value codes of the EPW specification (9999 for irradiance, 99.9 for temperature, 999 for wind,
999999 for pressure) become empty values and are reported like any gap. Wind is at 10 m (EPW spec).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from jasyl.errors import InputError, shorten
from jasyl.weather.lines import check_fields, check_numbers, number, read_text
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


#: header lines 2-8 of an EPW file (EnergyPlus Auxiliary Programs, "Weather Converter": EPW CSV format)
_HEADERS = ("DESIGN CONDITIONS", "TYPICAL/EXTREME PERIODS", "GROUND TEMPERATURES", "HOLIDAYS/DAYLIGHT SAVINGS",
            "COMMENTS 1", "COMMENTS 2", "DATA PERIODS")
_FIELDS = 35
_DATE_FIELDS = {0: ("year", 1, 9999), 1: ("month", 1, 12), 2: ("day", 1, 31), 3: ("hour", 1, 24), 4: ("minute", 0, 60)}
_VALUE_FIELDS = {6: "temp_air_c", 9: "pressure_pa", 13: "ghi_w_m2", 14: "dni_w_m2", 15: "dhi_w_m2",
                 21: "wind_speed_m_s"}
_FIX = "give an EnergyPlus .epw file (8 header lines, then hourly rows of 35 fields)"
_INT = re.compile(r"[+-]?\d+")


def _check_layout(text: str, file: Path) -> str:
    """Check the layout line by line (InputError naming the line); return the text for pvlib."""
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines or not lines[0].startswith("LOCATION"):
        raise InputError("line 1 is not the EPW 'LOCATION,...' header", file=file, field="LOCATION", fix=_FIX)
    loc = lines[0].split(",")
    if len(loc) < 10:
        raise InputError(f"line 1 has {len(loc)} fields; an EPW LOCATION line has 10", file=file, field="LOCATION",
                         fix=_FIX)
    for i, name, lo, hi in ((6, "latitude", -90, 90), (7, "longitude", -180, 180), (8, "time_zone", -12, 14),
                            (9, "elevation_m", -500, 9000)):
        x = number(loc[i])
        if x is None or not lo <= x <= hi:
            raise InputError(f"line 1: {name} '{shorten(loc[i])}' is not a number in {lo}..{hi}", file=file,
                             field=name, fix="repair the LOCATION line")
    for n, head in enumerate(_HEADERS, start=2):
        if len(lines) < n or not lines[n - 1].upper().startswith(head):
            got = shorten(lines[n - 1], 40) if len(lines) >= n else "nothing"
            raise InputError(f"line {n} should be the EPW '{head}' header line, found '{got}'", file=file,
                             field=head, fix=_FIX)
    data = lines[8:]
    if not data:
        raise InputError("the file has no data rows after its 8 header lines", file=file, fix=_FIX)
    rows = check_fields(data, 9, _FIELDS, file, "EPW data")
    for n, fields in enumerate(rows, start=9):
        for i, (name, lo, hi) in _DATE_FIELDS.items():
            text_value = fields[i].strip()
            if not _INT.fullmatch(text_value) or not lo <= int(text_value) <= hi:
                raise InputError(f"line {n}: {name} '{shorten(text_value)}' is not a whole number in {lo}..{hi}",
                                 file=file, field=name, fix=_FIX)
    check_numbers(rows, 9, _VALUE_FIELDS, file)
    dates = pd.to_datetime(pd.DataFrame({"year": [int(f[0]) for f in rows], "month": [int(f[1]) for f in rows],
                                         "day": [int(f[2]) for f in rows]}), errors="coerce")
    if dates.isna().any():
        pos = int(np.flatnonzero(dates.isna().to_numpy())[0])
        f = rows[pos]
        raise InputError(f"line {9 + pos}: {f[0]}-{f[1]}-{f[2]} is not a date", file=file, field="day", fix=_FIX)
    return "\n".join(lines) + "\n"


def read_epw_weather(path: str | Path, *, fill_gaps_hours: int = 0) -> pd.DataFrame:
    import pvlib  # noqa: PLC0415 - pvlib is heavy; loaded on first use

    file = Path(path)
    text = _check_layout(read_text(file, fix=_FIX), file)
    try:
        data, meta = pvlib.iotools.read_epw(io.StringIO(text))
    except Exception as exc:  # noqa: BLE001 - should not happen after the layout check; still a file problem
        raise InputError(
            f"not a readable EPW file ({type(exc).__name__}: {shorten(exc, 200)})",
            file=file,
            field="LOCATION",
            fix=_FIX,
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
        if col in data:  # the layout check made every value a number; the missing-value codes become gaps
            data[col] = pd.to_numeric(data[col], errors="raise")
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
