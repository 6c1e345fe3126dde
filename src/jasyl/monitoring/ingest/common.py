"""Shared parts of the readers: the row table, validation, unit normalisation, error reports.

Every reader turns its file into *row tables* (one row per measured value) with columns::

    line, site_code, site_name, site_kind, latitude, longitude, time_raw (text or Timestamp),
    parameter_raw, value_raw, unit_raw, period_s, origin, sensor_type, place, detection_limit

plus ``errors`` already found while reading. :func:`validate` checks and normalises a table
vectorised, computing each check once per distinct text (a million rows of a station file hold a few
thousand distinct times and a handful of sites, parameters and units), and returns good rows and
:class:`RowError` s. A value that is a number but implausible (negative, a sensor error code) is not
rejected: it is kept with the ``out_of_range`` quality flag (:mod:`jasyl.monitoring.quality`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jasyl.errors import InputError, shorten
from jasyl.monitoring.quality import BELOW_DL, range_flags
from jasyl.monitoring.standards import parameter_def, resolve_parameter
from jasyl.monitoring.units import Conditions, UnitProblem, convert

__all__ = ["RowError", "ParsedFile", "IngestError", "validate", "ROW_COLUMNS", "GOOD_COLUMNS", "parse_period",
           "empty_good"]

ROW_COLUMNS = ["line", "site_code", "site_name", "site_kind", "latitude", "longitude", "time_raw",
               "parameter_raw", "value_raw", "unit_raw", "period_s", "origin", "sensor_type", "place",
               "detection_limit"]
#: columns of the good rows :func:`validate` returns
GOOD_COLUMNS = ["line", "site_code", "site_name", "site_kind", "latitude", "longitude", "sensor_type", "place",
                "time_utc", "parameter", "value", "unit", "period_s", "original_value", "original_unit", "origin",
                "quality_flags"]
#: lengths of the text columns in the store (longer texts are errors, not truncated silently)
MAX_SITE_CODE = 200
MAX_UNIT = 40
#: rejected rows listed in an error message (all of them are in the JSON report)
LISTED_ERRORS = 50

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
        self.rows_read = rows_read
        lines = "\n".join(f"  {e}" for e in self.errors[:LISTED_ERRORS])
        more = len(self.errors) - LISTED_ERRORS
        if more > 0:
            lines += f"\n  ... and {more:,} more (all of them: --output json)"
        super().__init__(
            f"{len(self.errors):,} of {rows_read:,} rows rejected, nothing was committed:\n{lines}\n",
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


def _by_unique(values: pd.Series, fn: Callable[[pd.Index], np.ndarray], missing: Any) -> np.ndarray:
    """``fn`` applied to the distinct values only, spread back to every row (``missing`` for NA)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    out = np.asarray(fn(pd.Index(uniques)))
    extended = np.concatenate([out, np.array([missing], dtype=out.dtype)])
    return extended[codes]  # code -1 (NA) picks the trailing ``missing``


def _numbers(uniques: pd.Index) -> np.ndarray:
    return pd.to_numeric(pd.Series(uniques, dtype=object).astype(str).str.strip(), errors="coerce").to_numpy(float)


def validate(parsed: ParsedFile, cond: Conditions) -> tuple[pd.DataFrame, list[RowError], int]:
    """Check and normalise a row table.

    Returns ``(good, errors, duplicates_in_table)``; ``good`` has the columns :data:`GOOD_COLUMNS`
    (``time_utc`` naive UTC, ``value`` in the canonical unit, ``quality_flags`` from the range check and
    "<DL" values). A line with several values (Sensor.Community) is rejected as a whole if any of its
    values is bad.
    """
    df = parsed.rows.reset_index(drop=True)
    errors = list(parsed.errors)
    if df.empty:
        return empty_good(), errors, 0
    n = len(df)
    reasons = np.full(n, "", dtype=object)

    def flag(mask: np.ndarray, reason: Callable[[np.ndarray], list[str]] | str) -> None:
        """Give the first reason to the rows in ``mask``; messages are built for those rows only."""
        sel = np.asarray(mask, dtype=bool) & (reasons == "")
        if sel.any():
            idx = np.flatnonzero(sel)
            reasons[idx] = reason if isinstance(reason, str) else reason(idx)

    def quoted(column: pd.Series) -> Callable[[np.ndarray], list[str]]:
        return lambda idx: [shorten(x) for x in column.to_numpy(dtype=object)[idx]]

    # site
    code = df["site_code"].astype("string").str.strip()
    code_ok = code.notna() & (code != "")
    flag(~code_ok.to_numpy(), "no site code")
    flag((code.str.len() > MAX_SITE_CODE).fillna(False).to_numpy(),
         f"the site code is longer than {MAX_SITE_CODE} characters")
    flag(code.str.lower().str.startswith("demo:").fillna(False).to_numpy(),
         "site codes starting with 'demo:' are reserved for the demonstration data")
    lat = _by_unique(df["latitude"], _numbers, np.nan).astype(float)
    lon = _by_unique(df["longitude"], _numbers, np.nan).astype(float)
    has_lat, has_lon = df["latitude"].notna().to_numpy(), df["longitude"].notna().to_numpy()
    with np.errstate(invalid="ignore"):
        flag(has_lat & ~(np.abs(lat) <= 90), lambda idx: [f"latitude '{q}' is not a number in -90..90"
                                                          for q in quoted(df["latitude"])(idx)])
        flag(has_lon & ~(np.abs(lon) <= 180), lambda idx: [f"longitude '{q}' is not a number in -180..180"
                                                           for q in quoted(df["longitude"])(idx)])
    # parameter
    param = _by_unique(df["parameter_raw"], lambda u: np.array([resolve_parameter(str(x)) for x in u],
                                                              dtype=object), None)
    flag(pd.isna(param), lambda idx: [f"unknown parameter '{q}'" for q in quoted(df["parameter_raw"])(idx)])
    # value: a number; "<0.005" is a value below the detection limit (the limit is kept, flagged)
    vtext = df["value_raw"]
    vstr = vtext.astype("string").str.strip()
    below = vstr.str.startswith("<").fillna(False).to_numpy()
    numeric_text = vstr.where(~below, vstr.str[1:].str.strip())
    value = (pd.to_numeric(vtext, errors="coerce").to_numpy(float) if pd.api.types.is_numeric_dtype(vtext)
             else pd.to_numeric(numeric_text, errors="coerce").to_numpy(float))
    flag(~np.isfinite(value), lambda idx: [f"value '{q}' is not a number" for q in quoted(vtext)(idx)])
    dl_col = df["detection_limit"]
    dl = _by_unique(dl_col, _numbers, np.nan).astype(float)
    flag(dl_col.notna().to_numpy() & ~(dl >= 0), lambda idx: [f"detection limit '{q}' is not a number >= 0"
                                                              for q in quoted(dl_col)(idx)])
    with np.errstate(invalid="ignore"):
        below = below | (value < dl)
    # time
    if pd.api.types.is_datetime64_any_dtype(df["time_raw"]):
        times = pd.DatetimeIndex(pd.to_datetime(df["time_raw"], utc=True))
    else:
        traw = df["time_raw"].astype("string").str.strip()

        def parse(u: pd.Index) -> np.ndarray:
            texts = pd.Series(u, dtype=object).astype(str)
            parsed_times = pd.to_datetime(texts, utc=True, errors="coerce", format="ISO8601")
            if not parsed.naive_is_utc:  # a time without an offset is ambiguous: rejected below
                parsed_times = parsed_times.where(texts.str.contains(_OFFSET, regex=True))
            return parsed_times.to_numpy(dtype="datetime64[ns]")

        def offset_ok(u: pd.Index) -> np.ndarray:
            return pd.Series(u, dtype=object).astype(str).str.contains(_OFFSET, regex=True).to_numpy()

        if not parsed.naive_is_utc:
            flag(traw.notna().to_numpy() & ~_by_unique(traw, offset_ok, True).astype(bool),
                 lambda idx: [f"time '{q}' has no UTC offset (write it as 2024-01-31T14:00:00+05:00 or "
                              "2024-01-31T09:00:00Z)" for q in quoted(traw)(idx)])
        times = pd.DatetimeIndex(_by_unique(traw, parse, np.datetime64("NaT")).astype("datetime64[ns]"),
                                 tz="UTC") if n else pd.DatetimeIndex([], tz="UTC")
        flag(times.isna(), lambda idx: [f"time '{q}' is not an ISO 8601 date-time" for q in quoted(traw)(idx)])
    now = pd.Timestamp.now(tz="UTC")
    flag(np.asarray(times > now + pd.Timedelta(days=1)), lambda idx: [f"time {times[i]} is in the future"
                                                                        for i in idx])
    # unit length (the store keeps 40 characters)
    uraw = df["unit_raw"].astype("string").fillna("").str.strip()
    flag((uraw.str.len() > MAX_UNIT).to_numpy(), f"the unit is longer than {MAX_UNIT} characters")
    # units, per (parameter, unit) pair
    converted = np.full(n, np.nan)
    canon_unit = np.full(n, "", dtype=object)
    ok = reasons == ""
    if ok.any():
        pairs = pd.DataFrame({"p": param[ok], "u": uraw.to_numpy(dtype=object)[ok]})
        for (p, u), idx in pairs.groupby(["p", "u"], sort=False).indices.items():
            rows = np.flatnonzero(ok)[idx]
            try:
                converted[rows] = convert(value[rows], str(u), str(p), cond)
                canon_unit[rows] = parameter_def(str(p)).unit
            except UnitProblem as exc:
                reasons[rows] = f"{exc} (parameter {p})"
    bad = reasons != ""
    # a line with any bad value is rejected as a whole
    lines = df["line"].to_numpy()
    if bad.any():
        for line, reason in pd.DataFrame({"line": lines[bad], "r": reasons[bad]}).groupby("line")["r"].agg(
                lambda s: "; ".join(dict.fromkeys(s))).items():
            errors.append(RowError(int(line), str(reason), parsed.where))
    whole = np.isin(lines, lines[bad]) if bad.any() else bad
    flags = range_flags(param, converted) | np.where(below, BELOW_DL, 0)
    good = pd.DataFrame({
        "line": lines, "site_code": code.to_numpy(dtype=object, na_value=None),
        "site_name": df["site_name"].astype("string").str.slice(0, 300).to_numpy(dtype=object, na_value=None),
        "site_kind": df["site_kind"].to_numpy(dtype=object), "latitude": lat, "longitude": lon,
        "sensor_type": df["sensor_type"].astype("string").str.strip().str.slice(0, 100).to_numpy(
            dtype=object, na_value=None),
        "place": df["place"].astype("string").str.strip().str.slice(0, 200).to_numpy(dtype=object, na_value=None),
        "time_utc": times.tz_convert("UTC").tz_localize(None), "parameter": param, "value": converted,
        "unit": canon_unit, "period_s": df["period_s"].astype(np.int64).to_numpy(), "original_value": value,
        "original_unit": uraw.to_numpy(dtype=object), "origin": df["origin"].to_numpy(dtype=object),
        "quality_flags": flags.astype(np.int64),
    })[~whole]
    # duplicates inside the table: identical ones are counted, conflicting ones are errors
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
        for r in d[conflict & later].itertuples(index=False):
            errors.append(RowError(int(r.line), f"same site, parameter and time as {parsed.where} "
                                   f"{int(r.first_line)} but a different value", parsed.where))
        n_dup = int((~conflict & later).sum())
        good = good.drop_duplicates(key, keep="first")  # the first of conflicting rows is kept
    return good.reset_index(drop=True), sorted(errors), n_dup


def empty_good() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in GOOD_COLUMNS})
