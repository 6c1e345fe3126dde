"""Shared parts of the readers: the row table, validation, unit normalisation, error reports.

Every reader turns its file into a *row table* (one row per measured value) with columns::

    line, site_code, site_name, site_kind, latitude, longitude,
    time_raw (text or Timestamp), parameter_raw, value_raw, unit_raw, period_s, origin

plus ``errors`` already found while reading. :func:`validate` checks and normalises the table
vectorised (fast enough for millions of rows) and returns good rows and :class:`RowError` s.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jasyl.errors import InputError
from jasyl.monitoring.standards import parameter_def, resolve_parameter
from jasyl.monitoring.units import Conditions, UnitProblem, convert

__all__ = ["RowError", "ParsedFile", "IngestError", "validate", "ROW_COLUMNS", "parse_period"]

ROW_COLUMNS = ["line", "site_code", "site_name", "site_kind", "latitude", "longitude", "time_raw",
               "parameter_raw", "value_raw", "unit_raw", "period_s", "origin"]

_OFFSET = re.compile(r"(?:Z|[+-]\d\d(?::?\d\d)?)$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class RowError:
    """One rejected row: where (``line`` of the file, or record number of a JSON file) and why."""

    line: int
    reason: str
    where: str = "line"

    def __str__(self) -> str:
        return f"{self.where} {self.line}: {self.reason}"


@dataclass
class ParsedFile:
    rows: pd.DataFrame
    errors: list[RowError] = field(default_factory=list)
    #: True when times without an offset are UTC by the format's definition (Sensor.Community)
    naive_is_utc: bool = False
    #: how positions are named in messages: "line" (CSV) or "record" (JSON results[])
    where: str = "line"


class IngestError(InputError):
    """Rows were rejected and partial ingestion was not asked for: nothing was committed."""

    def __init__(self, file: str, errors: list[RowError], rows_read: int) -> None:
        self.errors = sorted(errors)
        lines = "\n".join(f"  {e}" for e in self.errors)
        super().__init__(
            f"{len(self.errors)} of {rows_read} rows rejected, nothing was committed:\n{lines}\n",
            file=file, fix="correct the rows, or pass --partial to commit the good rows only")


def parse_period(text: str) -> int:
    """``sample`` / ``1h`` / ``24h`` / ``01:00:00`` / ``3600`` -> seconds; ValueError otherwise."""
    t = str(text).strip().lower()
    if t in ("", "sample", "raw", "0", "grab"):
        return 0
    m = re.fullmatch(r"(\d+)\s*(s|min|m|h|d)", t)
    if m:
        n = int(m.group(1))
        return n * {"s": 1, "min": 60, "m": 60, "h": 3600, "d": 86400}[m.group(2)]
    m = re.fullmatch(r"(?:(\d+)\s+days?,?\s*)?(\d{1,2}):(\d\d):(\d\d)", t)
    if m:
        days = int(m.group(1) or 0)
        return days * 86400 + int(m.group(2)) * 3600 + int(m.group(3)) * 60 + int(m.group(4))
    if t.isdigit():
        return int(t)
    raise ValueError(f"unknown averaging period '{text}' (use sample, 1h, 24h or seconds)")


def validate(parsed: ParsedFile, cond: Conditions) -> tuple[pd.DataFrame, list[RowError], int]:
    """Check and normalise the row table.

    Returns ``(good, errors, duplicates_in_file)``; ``good`` has columns ``line, site_code, site_name,
    site_kind, latitude, longitude, time_utc (naive UTC datetime64), parameter, value, unit, period_s,
    original_value, original_unit, origin``. A line with several values (Sensor.Community) is rejected
    as a whole if any of its values is bad.
    """
    df = parsed.rows.reset_index(drop=True)
    errors = list(parsed.errors)
    if df.empty:
        return _empty(), errors, 0
    reasons = pd.Series("", index=df.index, dtype=object)

    def flag(mask: pd.Series | np.ndarray, reason: Callable[[], pd.Series] | str) -> None:
        """Give the first reason to the rows in ``mask``; messages are only built for those rows."""
        mask = pd.Series(mask, index=df.index).fillna(False).astype(bool) & (reasons == "")
        if mask.any():
            reasons[mask] = reason if isinstance(reason, str) else reason()[mask]

    # site
    code = df["site_code"].astype("string").str.strip()
    flag(code.isna() | (code == ""), "no site code")
    flag(code.str.lower().str.startswith("demo:").fillna(False),
         "site codes starting with 'demo:' are reserved for the demonstration data")
    lat = pd.to_numeric(df["latitude"], errors="coerce")
    lon = pd.to_numeric(df["longitude"], errors="coerce")
    flag(df["latitude"].notna() & (lat.isna() | (lat.abs() > 90)),
         lambda: "latitude '" + df["latitude"].astype(str) + "' is not a number in -90..90")
    flag(df["longitude"].notna() & (lon.isna() | (lon.abs() > 180)),
         lambda: "longitude '" + df["longitude"].astype(str) + "' is not a number in -180..180")
    # parameter
    praw = df["parameter_raw"].astype("string")
    uniq = {p: resolve_parameter(p) for p in praw.dropna().unique()}
    param = praw.map(uniq)
    flag(param.isna(), lambda: "unknown parameter '" + praw.fillna("").astype(str) + "'")
    # value
    vtext = df["value_raw"]
    value = pd.to_numeric(vtext, errors="coerce")
    flag(value.isna() | ~np.isfinite(value.fillna(0.0)),
         lambda: "value '" + vtext.astype(str) + "' is not a number")
    signed = param.isin(["temperature"])
    flag((value < 0) & ~signed, lambda: "negative value " + vtext.astype(str) + " (sensor error code?)")
    # time
    if pd.api.types.is_datetime64_any_dtype(df["time_raw"]):
        times = pd.to_datetime(df["time_raw"], utc=True)
    else:
        traw = df["time_raw"].astype("string").str.strip()
        if not parsed.naive_is_utc:
            has_offset = traw.str.contains(_OFFSET, regex=True).fillna(False)
            flag(traw.notna() & ~has_offset,
                 lambda: "time '" + traw.fillna("").astype(str) + "' has no UTC offset "
                 "(write it as 2024-01-31T14:00:00+05:00 or 2024-01-31T09:00:00Z)")
        times = pd.to_datetime(traw, utc=True, errors="coerce", format="ISO8601")
        flag(times.isna(), lambda: "time '" + traw.fillna("").astype(str) + "' is not an ISO 8601 date-time")
    now = pd.Timestamp.now(tz="UTC")
    flag(times > now + pd.Timedelta(days=1), lambda: "time " + times.astype(str) + " is in the future")
    # units, per (parameter, unit) group
    converted = pd.Series(np.nan, index=df.index, dtype=float)
    canon_unit = pd.Series("", index=df.index, dtype=object)
    uraw = df["unit_raw"].astype("string").fillna("")
    ok = reasons == ""
    for (p, u), idx in df[ok].groupby([param[ok], uraw[ok]], sort=False).groups.items():
        try:
            converted.loc[idx] = convert(value.loc[idx].to_numpy(), str(u), str(p), cond)
            canon_unit.loc[idx] = parameter_def(str(p)).unit
        except UnitProblem as exc:
            reasons.loc[idx] = f"{exc} (parameter {p})"
    bad = reasons != ""
    # a line with any bad value is rejected as a whole
    bad_lines = set(df.loc[bad, "line"].tolist())
    whole = df["line"].isin(bad_lines)
    for line, reason in df.loc[bad, ["line"]].assign(r=reasons[bad]).groupby("line")["r"].agg(
            lambda s: "; ".join(dict.fromkeys(s))).items():
        errors.append(RowError(int(line), str(reason), parsed.where))
    good = pd.DataFrame({
        "line": df["line"], "site_code": code, "site_name": df["site_name"], "site_kind": df["site_kind"],
        "latitude": lat, "longitude": lon,
        "time_utc": times.dt.tz_convert("UTC").dt.tz_localize(None),
        "parameter": param, "value": converted, "unit": canon_unit, "period_s": df["period_s"].astype(int),
        "original_value": value, "original_unit": uraw, "origin": df["origin"],
    })[~whole]
    # duplicates inside the file: identical ones are counted, conflicting ones are errors
    key = ["site_code", "parameter", "period_s", "time_utc"]
    dup = good.duplicated(key, keep=False)
    n_dup = 0
    if dup.any():
        d = good[dup]
        first = d.groupby(key, sort=False).agg(first_line=("line", "first"), vmin=("value", "min"),
                                               vmax=("value", "max")).reset_index()
        d = d.merge(first, on=key, how="left")
        conflict = ~np.isclose(d["vmin"], d["vmax"], rtol=1e-9, atol=0.0)
        later = d["line"] != d["first_line"]
        for _, r in d[conflict & later].iterrows():
            errors.append(RowError(int(r["line"]), f"same site, parameter and time as {parsed.where} "
                                   f"{int(r['first_line'])} but a different value", parsed.where))
        n_dup = int((~conflict & later).sum())
        good = good.drop_duplicates(key, keep="first")  # the first of conflicting rows is kept
    return good.reset_index(drop=True), sorted(errors), n_dup


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["line", "site_code", "site_name", "site_kind", "latitude", "longitude",
                                 "time_utc", "parameter", "value", "unit", "period_s", "original_value",
                                 "original_unit", "origin"])
