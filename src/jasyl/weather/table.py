"""The Weather table: columns, validation and the mapping onto one hourly UTC year.

Every reader ends in :func:`finalize`, which turns a frame indexed by tz-aware hour-start timestamps
into the Weather table of ``docs/architecture.md``:

* index: hourly ``DatetimeIndex`` in UTC, labels = start of the hour, 8760 rows (29 Feb dropped);
* columns ``ghi_w_m2``, ``dni_w_m2``, ``dhi_w_m2``, ``temp_air_c``, ``wind_speed_m_s`` and, when the
  source has it, ``pressure_pa``;
* ``df.attrs``: ``wind_height_m``, ``latitude``, ``longitude``, ``elevation_m``, ``source``,
  ``synthetic`` (bool) and ``notes`` (list of strings: what was converted or filled).

Problems in the data (duplicated or missing hours, non-hourly steps, empty values, implausible values
that betray wrong units, a clock shifted by a wrong time zone) raise :class:`jasyl.errors.InputError`
naming the file, the column and the first offending time.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from jasyl.errors import InputError

__all__ = [
    "WEATHER_COLUMNS",
    "REQUIRED_COLUMNS",
    "TYPICAL_YEAR",
    "finalize",
    "typical_index",
    "decompose_ghi",
    "solar_position_midhour",
]

#: Columns every Weather table has (``pressure_pa`` is optional).
WEATHER_COLUMNS: tuple[str, ...] = ("ghi_w_m2", "dni_w_m2", "dhi_w_m2", "temp_air_c", "wind_speed_m_s")
#: Columns a source must provide (DNI/DHI are derived with Erbs when absent).
REQUIRED_COLUMNS: tuple[str, ...] = ("ghi_w_m2", "temp_air_c", "wind_speed_m_s")
#: Calendar year used to label typical (multi-year composite) years and the synthetic year. A
#: non-leap year after Kazakhstan's March 2024 move to UTC+5, so local-time shapes use today's clock.
TYPICAL_YEAR = 2025

_GHI_MAX = 1400.0  # W/m2; above the solar constant at ground level -> wrong units or bad data
_DNI_MAX = 1450.0
_HOURS_PER_YEAR = 8760


def typical_index(year: int = TYPICAL_YEAR) -> pd.DatetimeIndex:
    """The 8760 hour-start UTC labels of ``year`` without 29 February."""
    idx = pd.date_range(f"{year}-01-01", periods=8784, freq="h", tz="UTC")
    idx = idx[~((idx.month == 2) & (idx.day == 29))][:_HOURS_PER_YEAR]
    return pd.DatetimeIndex(idx)


def solar_position_midhour(
    index: pd.DatetimeIndex, latitude: float, longitude: float, elevation_m: float = 0.0
) -> pd.DataFrame:
    """Solar position at the middle of each hour (labels are hour starts); indexed like ``index``."""
    import pvlib  # noqa: PLC0415 - pvlib is heavy; loaded on first use

    mid = index + pd.Timedelta(minutes=30)
    pos = pvlib.solarposition.get_solarposition(mid, latitude, longitude, altitude=elevation_m)
    pos.index = index
    return pos


def decompose_ghi(
    ghi: pd.Series, latitude: float, longitude: float, elevation_m: float = 0.0
) -> tuple[pd.Series, pd.Series]:
    """Split GHI into DNI and DHI with the Erbs model (pvlib), solar position at mid-hour."""
    import pvlib  # noqa: PLC0415 - pvlib is heavy; loaded on first use

    pos = solar_position_midhour(pd.DatetimeIndex(ghi.index), latitude, longitude, elevation_m)
    out = pvlib.irradiance.erbs(ghi.clip(lower=0.0), pos["zenith"], pd.DatetimeIndex(ghi.index))
    dni = out["dni"].fillna(0.0).clip(lower=0.0, upper=_DNI_MAX)
    dhi = out["dhi"].fillna(0.0).clip(lower=0.0)
    return dni, dhi


def _fmt_time(ts: pd.Timestamp) -> str:
    # from the components: strftime refuses years outside 1..9999 (a broken file can hold any year)
    return f"{ts.year:04d}-{ts.month:02d}-{ts.day:02d} {ts.hour:02d}:{ts.minute:02d} UTC"


def _where(position: int, index: pd.DatetimeIndex, lines: Sequence[int] | None) -> str:
    text = f"at {_fmt_time(index[position])}"
    if lines is not None and position < len(lines):
        text = f"on line {lines[position]} ({_fmt_time(index[position])})"
    return text


def _check_index(index: pd.DatetimeIndex, file: str, lines: Sequence[int] | None) -> None:
    if len(index) == 0:
        raise InputError("the file has no data rows", file=file, fix="give one year of hourly rows")
    if index.hasnans:
        pos = int(np.flatnonzero(index.isna())[0])
        raise InputError(f"time is empty or unreadable in data row {pos + 1}", file=file, field="time")
    dup = index.duplicated()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise InputError(
            f"duplicated hour {_where(pos, index, lines)}",
            file=file,
            field="time",
            fix="each hour must appear once; remove the duplicate rows",
        )
    off_hour = (index.minute != 0) | (index.second != 0)
    if off_hour.any():
        pos = int(np.flatnonzero(off_hour)[0])
        raise InputError(
            f"non-hourly step: time {index[pos].isoformat()} {_where(pos, index, lines)} is not on the hour",
            file=file,
            field="time",
            fix="give hourly values labelled on the hour (aggregate sub-hourly data to hourly means first)",
        )
    steps = np.diff(index.tz_convert(None).values.astype("datetime64[s]").astype(np.int64))  # seconds
    if (steps <= 0).any():
        pos = int(np.flatnonzero(steps <= 0)[0]) + 1
        raise InputError(
            f"time goes backwards {_where(pos, index, lines)}",
            file=file,
            field="time",
            fix="sort the rows by time",
        )
    if len(steps) and float(np.median(steps)) > 3600:
        raise InputError(
            f"non-hourly step: the typical step between rows is {np.median(steps) / 3600:.3g} h",
            file=file,
            field="time",
            fix="give hourly values",
        )


def _check_values(df: pd.DataFrame, file: str, lines: Sequence[int] | None) -> pd.DataFrame:
    df = df.copy()
    index = pd.DatetimeIndex(df.index)

    def first(mask: pd.Series) -> int:
        return int(np.flatnonzero(mask.to_numpy())[0])

    temp = df["temp_air_c"]
    if temp.notna().any() and float(temp.median()) > 150.0:
        raise InputError(
            f"air temperature median is {temp.median():.1f}: these look like kelvin, not degrees Celsius",
            file=file,
            field="temp_air_c",
            fix="convert to degrees Celsius (subtract 273.15)",
        )
    bad = (temp < -80.0) | (temp > 60.0)
    if bad.any():
        pos = first(bad)
        raise InputError(
            f"implausible air temperature {temp.iloc[pos]:.1f} C {_where(pos, index, lines)}",
            file=file,
            field="temp_air_c",
            fix="expected degrees Celsius between -80 and 60",
        )
    for col, upper in (("ghi_w_m2", _GHI_MAX), ("dni_w_m2", _DNI_MAX), ("dhi_w_m2", _GHI_MAX)):
        if col not in df:
            continue
        s = df[col]
        neg = s < -5.0
        if neg.any():
            pos = first(neg)
            raise InputError(
                f"negative irradiance {s.iloc[pos]:.1f} W/m2 {_where(pos, index, lines)}",
                file=file,
                field=col,
                fix="irradiance must be >= 0 W/m2",
            )
        high = s > upper
        if high.any():
            pos = first(high)
            raise InputError(
                f"irradiance {s.iloc[pos]:.1f} W/m2 {_where(pos, index, lines)} exceeds {upper:.0f} W/m2"
                " (wrong units? J/m2 or Wh/m2 per interval other than one hour?)",
                file=file,
                field=col,
                fix="give the hourly mean irradiance in W/m2",
            )
        df[col] = s.clip(lower=0.0)
    ghi = df["ghi_w_m2"]
    if ghi.notna().any() and float(ghi.max()) < 5.0:
        raise InputError(
            f"the largest GHI is {ghi.max():.3g}: these look like kW/m2, not W/m2",
            file=file,
            field="ghi_w_m2",
            fix="multiply by 1000 to give W/m2",
        )
    wind = df["wind_speed_m_s"]
    bad = (wind < 0.0) | (wind > 75.0)
    if bad.any():
        pos = first(bad)
        raise InputError(
            f"implausible wind speed {wind.iloc[pos]:.1f} m/s {_where(pos, index, lines)}",
            file=file,
            field="wind_speed_m_s",
            fix="expected m/s between 0 and 75 (km/h divided by 3.6)",
        )
    if wind.notna().any() and float(wind.mean()) > 25.0:
        raise InputError(
            f"mean wind speed {wind.mean():.1f} m/s is implausible (km/h or knots?)",
            file=file,
            field="wind_speed_m_s",
            fix="give the wind speed in m/s",
        )
    if "pressure_pa" in df:
        p = df["pressure_pa"]
        if p.notna().any():
            med = float(p.median())
            if med < 2000.0:
                raise InputError(
                    f"pressure median {med:.1f}: these look like hPa/mbar, not Pa",
                    file=file,
                    field="pressure_pa",
                    fix="multiply by 100 to give Pa",
                )
            bad = (p < 30000.0) | (p > 110000.0)
            if bad.any():
                pos = first(bad)
                raise InputError(
                    f"implausible pressure {p.iloc[pos]:.0f} Pa {_where(pos, index, lines)}",
                    file=file,
                    field="pressure_pa",
                    fix="expected Pa between 30000 and 110000",
                )
    return df


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of the runs of True in ``mask``."""
    if not mask.any():
        return []
    m = np.concatenate([[False], mask, [False]]).astype(np.int8)
    d = np.diff(m)
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1)
    return [(int(s), int(e - s)) for s, e in zip(starts, ends, strict=True)]


def _fill_gaps(
    df: pd.DataFrame, file: str, fill_gaps_hours: int, lines: Sequence[int] | None, notes: list[str]
) -> pd.DataFrame:
    index = pd.DatetimeIndex(df.index)
    full = pd.date_range(index[0], index[-1], freq="h")
    missing = full.difference(index)
    line_of = None
    if lines is not None:
        line_of = pd.Series(list(lines), index=index)
    df = df.reindex(full)
    for col in [c for c in df.columns if c not in REQUIRED_COLUMNS]:
        if df[col].isna().all():
            df = df.drop(columns=col)
            notes.append(f"column {col} is empty in the file and was ignored")
    # missing timestamps
    if len(missing):
        gaps = _runs(~full.isin(index))
        longest = max(n for _, n in gaps)
        if longest > fill_gaps_hours:
            start, n = gaps[0]
            after = ""
            if line_of is not None and start > 0:
                after = f" (after line {int(line_of.get(full[start - 1], 0))})"
            raise InputError(
                f"missing hours: {len(missing)} hour(s) absent in {len(gaps)} gap(s); the first gap starts"
                f" at {_fmt_time(full[start])}{after} and lasts {n} h; the longest lasts {longest} h",
                file=file,
                field="time",
                fix=(
                    f"add the missing rows, or let jasyl interpolate gaps up to N hours with --fill-gaps N"
                    f" (N >= {longest}; only sensible for short gaps)"
                ),
            )
    for col in df.columns:
        isna = df[col].isna().to_numpy()
        if not isna.any():
            continue
        gaps = _runs(isna)
        longest = max(n for _, n in gaps)
        at_edge = gaps[0][0] == 0 or gaps[-1][0] + gaps[-1][1] == len(df)
        if longest > fill_gaps_hours or (at_edge and col in REQUIRED_COLUMNS and fill_gaps_hours == 0):
            start, n = gaps[0]
            where = f"at {_fmt_time(full[start])}"
            if line_of is not None and full[start] in line_of.index:
                where = f"on line {int(line_of[full[start]])} ({_fmt_time(full[start])})"
            raise InputError(
                f"{int(isna.sum())} empty value(s) in {len(gaps)} gap(s); the first {where} lasts {n} h,"
                f" the longest {longest} h",
                file=file,
                field=col,
                fix=(
                    "repair the file, or let jasyl interpolate gaps up to N hours with --fill-gaps N"
                    f" (N >= {longest}; only sensible for short gaps)"
                ),
            )
    if df.isna().any().any():
        n_filled = int(df.isna().sum().sum())
        df = df.interpolate(method="time", limit_direction="both")
        notes.append(f"filled {n_filled} empty value(s) by linear interpolation (gaps <= {fill_gaps_hours} h)")
    return df


def _coerce_typical_year(df: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Typical years mix months of different years: put every row in TYPICAL_YEAR (source clock)."""
    index = pd.DatetimeIndex(df.index)
    feb29 = (index.month == 2) & (index.day == 29)
    if feb29.any():
        df = df[~feb29]
        index = pd.DatetimeIndex(df.index)
        notes.append("dropped 29 February")
    if index.hasnans or (index.year == TYPICAL_YEAR).all():
        return df
    wall = pd.to_datetime(
        pd.DataFrame(
            {"year": TYPICAL_YEAR, "month": index.month, "day": index.day, "hour": index.hour, "minute": index.minute}
        )
    )
    out = df.copy()
    out.index = pd.DatetimeIndex(wall).tz_localize(index.tz)
    return out


def _hour_of_year(index: pd.DatetimeIndex) -> np.ndarray:
    doy = index.dayofyear.to_numpy() - 1
    leap = index.is_leap_year & (index.month > 2)
    doy = doy - leap.astype(int)
    return doy * 24 + index.hour.to_numpy()


def _to_one_year(df: pd.DataFrame, file: str, typical: bool, year: int | None, notes: list[str]) -> pd.DataFrame:
    index = pd.DatetimeIndex(df.index)
    feb29 = (index.month == 2) & (index.day == 29)
    if feb29.any():
        df = df[~feb29]
        index = pd.DatetimeIndex(df.index)
        notes.append("dropped 29 February")
    if year is not None:
        sel = index.year == year
        if not sel.any():
            years = sorted(set(index.year.tolist()))
            raise InputError(
                f"no data for year {year}; the file covers {years}",
                file=file,
                field="year",
                fix="choose one of the years in the file",
            )
        if sel.sum() < len(index):
            df = df[sel]
            index = pd.DatetimeIndex(df.index)
            notes.append(f"kept UTC calendar year {year}")
    n = len(df)
    if n < _HOURS_PER_YEAR:
        raise InputError(
            f"the data cover only {n} hours ({_fmt_time(index[0])} to {_fmt_time(index[-1])});"
            f" a full year of {_HOURS_PER_YEAR} hours is needed",
            file=file,
            field="time",
            fix="give one complete year of hourly data",
        )
    if n > _HOURS_PER_YEAR:
        years = sorted(set(index.year.tolist()))
        raise InputError(
            f"the data cover {n} hours ({_fmt_time(index[0])} to {_fmt_time(index[-1])}), more than one year",
            file=file,
            field="time",
            fix=f"choose one UTC calendar year with --year (one of {years})",
        )
    counts = pd.Series(index.year).value_counts()
    target = TYPICAL_YEAR if typical else int(counts.idxmax())
    pos = _hour_of_year(index)
    if len(np.unique(pos)) != _HOURS_PER_YEAR:
        raise InputError(
            "the 8760 hours do not form one year (some hours of the year appear twice)",
            file=file,
            field="time",
            fix="give one contiguous year of hourly data",
        )
    out = df.copy()
    out.index = typical_index(target)[pos]
    out = out.sort_index()
    if not (out.index == index).all():
        notes.append(
            f"relabelled onto the UTC year {target}"
            + (" (typical year)" if typical else "")
            + "; hours outside that calendar year wrapped around"
        )
    return out


def _check_clock(df: pd.DataFrame, file: str, longitude: float) -> None:
    """GHI must peak near solar noon; a shift of hours means a wrong time zone or label."""
    ghi = df["ghi_w_m2"]
    if float(ghi.sum()) <= 0.0:
        raise InputError("GHI is zero all year", file=file, field="ghi_w_m2", fix="check the column")
    by_hour = ghi.groupby(pd.DatetimeIndex(df.index).hour).mean()
    angle = 2.0 * np.pi * (by_hour.index.to_numpy() + 0.5) / 24.0
    centroid = np.arctan2((by_hour * np.sin(angle)).sum(), (by_hour * np.cos(angle)).sum())
    centroid_h = (centroid * 24.0 / (2.0 * np.pi)) % 24.0
    noon_h = (12.0 - longitude / 15.0) % 24.0
    diff = (centroid_h - noon_h + 12.0) % 24.0 - 12.0
    if abs(diff) > 2.5:
        raise InputError(
            f"GHI peaks around {centroid_h:.1f} h UTC but solar noon at longitude {longitude:.2f} is"
            f" {noon_h:.1f} h UTC ({diff:+.1f} h): the time zone or the hour labels are probably wrong",
            file=file,
            field="time",
            fix="give times with their UTC offset (e.g. 2025-01-01T00:00+05:00) and hour-start labels",
        )


def finalize(
    df: pd.DataFrame,
    *,
    file: str | Path,
    source: str,
    latitude: float | None,
    longitude: float | None,
    elevation_m: float | None,
    wind_height_m: float,
    typical: bool,
    synthetic: bool = False,
    fill_gaps_hours: int = 0,
    year: int | None = None,
    lines: Sequence[int] | None = None,
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """Validate a reader's frame and return the Weather table (see module docstring).

    ``df`` is indexed by tz-aware hour-start timestamps and has at least ``REQUIRED_COLUMNS``;
    ``lines`` (optional) gives the file line of each row for error messages.
    """
    file = str(file)
    notes = list(notes or [])
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}",
            file=file,
            field=missing[0],
            fix=f"the weather table needs {', '.join(REQUIRED_COLUMNS)}",
        )
    if not isinstance(df.index, pd.DatetimeIndex) or df.index.tz is None:
        raise InputError("times have no time zone", file=file, field="time", fix="give UTC offsets")
    for name, value, lo, hi in (("latitude", latitude, -90.0, 90.0), ("longitude", longitude, -180.0, 180.0),
                                ("elevation_m", elevation_m, -500.0, 9000.0)):
        if value is not None and not (np.isfinite(value) and lo <= value <= hi):
            raise InputError(f"{name} {value} is not a number in {lo:g}..{hi:g}", file=file, field=name,
                             fix="state the site's location in decimal degrees and metres")
    if not np.isfinite(wind_height_m) or wind_height_m <= 0:
        raise InputError(
            f"wind height {wind_height_m} m is not a positive number",
            file=file,
            field="wind_height_m",
            fix="state the anemometer height in metres (10 for station data)",
        )
    keep = [c for c in (*WEATHER_COLUMNS, "pressure_pa") if c in df.columns]
    df = df[keep].astype(float)
    if typical:
        df = _coerce_typical_year(df, notes)
    df.index = pd.DatetimeIndex(df.index).tz_convert("UTC")
    _check_index(pd.DatetimeIndex(df.index), file, lines)
    df = _check_values(df, file, lines)
    df = _fill_gaps(df, file, fill_gaps_hours, lines, notes)
    df = _to_one_year(df, file, typical, year, notes)
    if longitude is not None:
        _check_clock(df, file, longitude)
    if "dni_w_m2" not in df or "dhi_w_m2" not in df:
        if latitude is None or longitude is None:
            raise InputError(
                "the file has no DNI/DHI columns and no location to derive them from GHI",
                file=file,
                field="dni_w_m2",
                fix="add dni_w_m2 and dhi_w_m2, or give the latitude and longitude",
            )
        dni, dhi = decompose_ghi(df["ghi_w_m2"], latitude, longitude, elevation_m or 0.0)
        df["dni_w_m2"] = dni
        df["dhi_w_m2"] = dhi
        notes.append("DNI and DHI derived from GHI with the Erbs model")
    df = df[[c for c in (*WEATHER_COLUMNS, "pressure_pa") if c in df.columns]]
    df.index.name = "time_utc"
    df.attrs = {
        "wind_height_m": float(wind_height_m),
        "latitude": latitude,
        "longitude": longitude,
        "elevation_m": elevation_m,
        "source": source,
        "synthetic": bool(synthetic),
        "notes": notes,
    }
    return df
