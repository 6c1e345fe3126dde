"""Plain weather CSV (jasyl's own documented format).

Layout::

    # jasyl weather CSV
    # latitude: 43.88            (decimal degrees, north positive)       optional*
    # longitude: 77.07           (decimal degrees, east positive)        optional*
    # elevation_m: 480                                                   optional
    # wind_height_m: 10          (height of the wind speed above ground) REQUIRED (or the option)
    # time_label: start          (start = hour-beginning labels [default], end = hour-ending)
    # timezone: Asia/Almaty      (only if the times below carry no UTC offset)
    # source: free text
    # synthetic: true            (the data were generated, not measured; shown as SYNTHETIC)
    time,ghi_w_m2,dni_w_m2,dhi_w_m2,temp_air_c,wind_speed_m_s,pressure_pa
    2025-01-01T00:00+05:00,0,0,0,-8.3,3.1,95000
    ...

``time`` is ISO 8601 with a UTC offset or ``Z``. Columns ``time``, ``ghi_w_m2``, ``temp_air_c``,
``wind_speed_m_s`` are required; ``dni_w_m2``, ``dhi_w_m2`` (derived with Erbs when absent),
``pressure_pa`` are optional. Values are hourly means (irradiance in W/m2, temperature in degrees
Celsius, wind in m/s). (*) latitude/longitude are needed when DNI/DHI are absent; they also enable
the solar-noon check of the clock.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from jasyl.errors import InputError, shorten
from jasyl.weather.lines import read_text
from jasyl.weather.table import finalize

__all__ = ["read_csv_weather", "HEADER_KEYS"]

_DOCUMENTED = ("time", "ghi_w_m2", "dni_w_m2", "dhi_w_m2", "temp_air_c", "wind_speed_m_s", "pressure_pa")
#: a header wider than this is not a weather table (a damaged line would build a huge frame)
_MAX_COLUMNS = 50
HEADER_KEYS = ("latitude", "longitude", "elevation_m", "wind_height_m", "time_label", "timezone", "source", "synthetic")
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$")


def _meta_float(meta: dict[str, str], key: str, file: Path) -> float | None:
    if key not in meta:
        return None
    try:
        return float(meta[key])
    except ValueError:
        raise InputError(
            f"'{shorten(meta[key])}' is not a number", file=file, field=key, fix=f"write '# {key}: <number>'"
        ) from None


def read_csv_weather(
    path: str | Path,
    *,
    latitude: float | None = None,
    longitude: float | None = None,
    elevation_m: float | None = None,
    wind_height_m: float | None = None,
    fill_gaps_hours: int = 0,
    year: int | None = None,
    fallback_location: tuple[float, float, float] | None = None,
) -> pd.DataFrame:
    """Read a jasyl weather CSV; options override the ``# key: value`` header lines, which override
    ``fallback_location`` (latitude, longitude, elevation_m)."""
    file = Path(path)
    text = read_text(file, fix="see the documented jasyl weather CSV layout")
    meta: dict[str, str] = {}
    body: list[str] = []
    lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            content = stripped.lstrip("#").strip()
            if ":" in content:
                key, _, value = content.partition(":")
                key = key.strip().lower()
                if key in HEADER_KEYS:
                    meta[key] = value.strip()
            continue
        body.append(line)
        lines.append(number)
    if not body:
        raise InputError("no header row and no data", file=file, fix="see the documented CSV layout")
    n_columns = body[0].count(",") + 1
    if n_columns > _MAX_COLUMNS:
        raise InputError(f"line {lines[0]}: the header has {n_columns:,} columns", file=file, field="header",
                         fix=f"the documented layout has {len(_DOCUMENTED)} columns: {', '.join(_DOCUMENTED)}")
    try:
        raw = pd.read_csv(io.StringIO("\n".join(body)), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"not a readable CSV table: {shorten(exc, 200)}", file=file, field="header") from None
    raw.columns = [c.strip() for c in raw.columns]
    data_lines = lines[1:]
    if "time" not in raw.columns:
        raise InputError(
            f"no 'time' column (columns found: {shorten(', '.join(map(str, raw.columns)), 200)})",
            file=file,
            field="time",
            fix="name the first column 'time' with ISO 8601 times such as 2025-01-01T00:00+05:00",
        )
    times = raw["time"].str.strip()
    tz = meta.get("timezone")
    has_offset = times.str.contains(_OFFSET)
    if not has_offset.all() and not tz:
        pos = int(np.flatnonzero(~has_offset.to_numpy())[0])
        raise InputError(
            f"time '{shorten(times.iloc[pos])}' on line {data_lines[pos]} has no UTC offset",
            file=file,
            field="time",
            fix="write times with their offset (2025-01-01T00:00+05:00 or ...Z), or add '# timezone: <IANA name>'",
        )
    try:
        if has_offset.all():
            index = pd.DatetimeIndex(pd.to_datetime(times, format="ISO8601", utc=True))
        else:
            index = pd.DatetimeIndex(pd.to_datetime(times, format="ISO8601")).tz_localize(
                tz, ambiguous="raise", nonexistent="raise"
            )
    except Exception as exc:  # noqa: BLE001 - any parse failure is a user input problem
        bad = pd.to_datetime(times, format="ISO8601", utc=True, errors="coerce").isna().to_numpy()
        where = f" on line {data_lines[int(np.flatnonzero(bad)[0])]}" if bad.any() else ""
        raise InputError(f"unreadable time{where}: {shorten(exc, 200)}", file=file, field="time",
                         fix="use ISO 8601") from None
    label = meta.get("time_label", "start").lower()
    if label not in ("start", "end"):
        raise InputError(f"time_label '{shorten(label)}' is unknown", file=file, field="time_label",
                         fix="start or end")
    if label == "end":
        index = index - pd.Timedelta(hours=1)
    frame = pd.DataFrame(index=index)
    for col in raw.columns:
        if col == "time":
            continue
        text_values = raw[col].str.strip()
        values = pd.to_numeric(text_values.replace("", np.nan), errors="coerce")
        bad = values.isna() & (text_values != "") & ~text_values.str.lower().isin(["nan", "na"])
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(
                f"'{shorten(text_values.iloc[pos])}' on line {data_lines[pos]} is not a number",
                file=file,
                field=col,
                fix="write numbers with a dot as decimal separator; leave a cell empty for a missing value",
            )
        frame[col] = values.to_numpy()
    height = wind_height_m if wind_height_m is not None else _meta_float(meta, "wind_height_m", file)
    if height is None:
        raise InputError(
            "the wind measurement height is not stated",
            file=file,
            field="wind_height_m",
            fix="add a line '# wind_height_m: 10' (or pass --wind-height)",
        )
    lat = latitude if latitude is not None else _meta_float(meta, "latitude", file)
    lon = longitude if longitude is not None else _meta_float(meta, "longitude", file)
    elev = elevation_m if elevation_m is not None else _meta_float(meta, "elevation_m", file)
    if fallback_location is not None and lat is None and lon is None:
        lat, lon = fallback_location[0], fallback_location[1]
        if elev is None:
            elev = fallback_location[2]
    synthetic = meta.get("synthetic", "false").strip().lower() in ("true", "yes", "1")
    return finalize(
        frame,
        file=file,
        synthetic=synthetic,
        source=meta.get("source") or f"CSV {file.name}",
        latitude=lat,
        longitude=lon,
        elevation_m=elev,
        wind_height_m=height,
        typical=False,
        fill_gaps_hours=fill_gaps_hours,
        year=year,
        lines=data_lines,
    )


def to_csv_text(weather: pd.DataFrame) -> str:
    """Write a Weather table in the jasyl CSV format (UTC times, hour-start labels)."""
    a = weather.attrs
    head = ["# jasyl weather CSV"]
    for key in ("latitude", "longitude", "elevation_m", "wind_height_m", "source"):
        if a.get(key) is not None:
            head.append(f"# {key}: {a[key]}")
    if a.get("synthetic"):
        head.append("# SYNTHETIC weather (generated from monthly climate normals, not measured)")
        head.append("# synthetic: true")
    head.append("# time_label: start")
    body = weather.copy()
    body.index = pd.DatetimeIndex(body.index).strftime("%Y-%m-%dT%H:%MZ")
    body.index.name = "time"
    return "\n".join(head) + "\n" + body.to_csv(float_format="%.2f", lineterminator="\n")
