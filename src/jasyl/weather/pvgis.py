"""PVGIS typical meteorological year (TMY) in CSV or JSON, read with
:func:`pvlib.iotools.read_pvgis_tmy`.

PVGIS TMY times are UTC (``20050101:0000``). The irradiance of a row is close to the satellite value
a few minutes after the labelled hour (PVGIS states the offset as "Irradiance Time Offset"); jasyl
treats each row as the hour that starts at its label, an approximation of under half an hour.
Wind ``WS10m`` is at 10 m; ``SP`` is the surface pressure in Pa.
"""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd

from jasyl.errors import InputError, shorten
from jasyl.weather.lines import check_fields, check_numbers, check_pattern, number, read_text
from jasyl.weather.table import finalize

__all__ = ["read_pvgis_weather"]


_INT = re.compile(r"[+-]?\d+")
_FIX = "download the TMY from PVGIS (tools 'TMY', output csv or json) and give it unchanged"
#: PVGIS TMY columns jasyl uses (PVGIS 5 user manual, TMY output) -> field names of the Weather table
_REQUIRED = {"T2m": "temp_air_c", "G(h)": "ghi_w_m2", "WS10m": "wind_speed_m_s"}
_OPTIONAL = {"Gb(n)": "dni_w_m2", "Gd(h)": "dhi_w_m2", "SP": "pressure_pa"}
_TIME = re.compile(r"\d{8}:\d{4}")
_HOURS = 8760


def _check_csv(text: str, file: Path) -> None:
    lines = text.splitlines()
    for n, key in enumerate(("Latitude", "Longitude", "Elevation"), start=1):
        line = lines[n - 1] if len(lines) >= n else ""
        value = line.split(":", 1)[1] if line.startswith(key) and ":" in line else None
        if value is None or number(value) is None:
            raise InputError(f"line {n} should be '{key} (...): <number>', found '{shorten(line, 60)}'", file=file,
                             field=key.lower(), fix=_FIX)
    n = 4
    if len(lines) > 3 and lines[3].startswith("Irradiance Time Offset"):
        n = 5
    if len(lines) < n or lines[n - 1].strip() != "month,year":
        raise InputError(f"line {n} should be 'month,year'", file=file, field="months_selected", fix=_FIX)
    for k in range(12):
        line = lines[n + k] if len(lines) > n + k else ""
        parts = line.split(",")
        if len(parts) != 2 or not all(_INT.fullmatch(p.strip()) for p in parts):
            raise InputError(f"line {n + k + 1} should be '<month>,<year>', found '{shorten(line, 60)}'", file=file,
                             field="months_selected", fix=_FIX)
    head_n = n + 13
    header = [h.strip() for h in lines[head_n - 1].split(",")] if len(lines) >= head_n else []
    missing = [c for c in ("time(UTC)", *_REQUIRED) if c not in header]
    if missing:
        raise InputError(f"line {head_n}: the header has no column(s) {', '.join(missing)}", file=file,
                         field=missing[0], fix=_FIX)
    data = lines[head_n:head_n + _HOURS]
    end = next((i for i, line in enumerate(data) if not line[:1].isdigit()), len(data))
    if end < _HOURS:
        raise InputError(f"the data rows end at line {head_n + end}: {end} rows, a PVGIS TMY has {_HOURS}",
                         file=file, field="time(UTC)", fix=_FIX)
    rows = check_fields(data, head_n + 1, len(header), file, "PVGIS TMY data")
    check_pattern(rows, head_n + 1, header.index("time(UTC)"), _TIME, file, "time(UTC)", "a time YYYYMMDD:HHMM")
    columns = {header.index(c): f for c, f in {**_REQUIRED, **_OPTIONAL}.items() if c in header}
    check_numbers(rows, head_n + 1, columns, file)


def _check_json(text: str, file: Path) -> None:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not valid JSON: {shorten(exc, 200)}", file=file, field="json", fix=_FIX) from None
    if not isinstance(doc, dict):
        raise InputError("the JSON document is not an object", file=file, field="json", fix=_FIX)
    for key in ("inputs", "outputs", "meta"):
        if not isinstance(doc.get(key), dict):
            raise InputError(f"no '{key}' object", file=file, field=key, fix=_FIX)
    loc = doc["inputs"].get("location", doc["inputs"])
    if not isinstance(loc, dict):
        raise InputError("'inputs.location' is not an object", file=file, field="inputs.location", fix=_FIX)
    for key in ("latitude", "longitude", "elevation"):
        if key in loc and not _is_number(loc[key]):
            raise InputError(f"'{shorten(loc[key])}' is not a number", file=file, field=f"inputs.location.{key}",
                             fix=_FIX)
    outputs = doc["outputs"]
    if not isinstance(outputs.get("months_selected"), list):
        raise InputError("no 'months_selected' list", file=file, field="outputs.months_selected", fix=_FIX)
    hourly = outputs.get("tmy_hourly")
    if not isinstance(hourly, list) or not hourly:
        raise InputError("no 'tmy_hourly' records", file=file, field="outputs.tmy_hourly", fix=_FIX)
    first = hourly[0] if isinstance(hourly[0], dict) else {}
    present = [k for k in _OPTIONAL if k in first]
    for i, rec in enumerate(hourly):
        where = f"outputs.tmy_hourly[{i}]"
        if not isinstance(rec, dict):
            raise InputError(f"record {i + 1} is not an object", file=file, field=where, fix=_FIX)
        t = rec.get("time(UTC)")
        if not isinstance(t, str) or not _TIME.fullmatch(t):
            raise InputError(f"record {i + 1}: time '{shorten(t)}' is not YYYYMMDD:HHMM", file=file,
                             field=f"{where}.time(UTC)", fix=_FIX)
        for key in (*_REQUIRED, *present):
            if not _is_number(rec.get(key)):
                raise InputError(f"record {i + 1}: '{shorten(rec.get(key))}' is not a number", file=file,
                                 field=f"{where}.{key}", fix=_FIX)


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def read_pvgis_weather(path: str | Path, *, pvgis_format: str, fill_gaps_hours: int = 0) -> pd.DataFrame:
    import pvlib  # noqa: PLC0415 - pvlib is heavy; loaded on first use

    file = Path(path)
    text = read_text(file, fix=_FIX, line_limit=pvgis_format != "json")
    if pvgis_format == "json":
        _check_json(text, file)
    else:
        _check_csv(text, file)
    try:
        buffer = io.StringIO(text) if pvgis_format == "json" else io.BytesIO(text.encode("utf-8"))
        data, meta = pvlib.iotools.read_pvgis_tmy(buffer, pvgis_format=pvgis_format, map_variables=True)
    except Exception as exc:  # noqa: BLE001 - should not happen after the layout check; still a file problem
        raise InputError(
            f"not a readable PVGIS TMY {pvgis_format.upper()} file ({type(exc).__name__}: {shorten(exc, 200)})",
            file=file,
            field="time(UTC)",
            fix=_FIX,
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
