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
           "empty_good", "by_unique", "stripped", "obj"]

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


#: the longest averaging period accepted (a leap year): longer is a typo or a broken file
MAX_PERIOD_S = 366 * 86400


def parse_period(text: str) -> int:
    """``sample`` / ``1h`` / ``24h`` / ``01:00:00`` / ``3600`` -> seconds; ValueError otherwise (also for a
    period longer than a year)."""
    seconds = _parse_period(text)
    if seconds > MAX_PERIOD_S:
        raise ValueError(f"averaging period '{shorten(text)}' is longer than a year")
    return seconds


def _parse_period(text: str) -> int:
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


def obj(values: Any) -> pd.Series:
    """An object column that pandas keeps as it is (pandas 3 would convert text to its string dtype, row by
    row: the costliest step of an ingest before this)."""
    return pd.Series(values, dtype=object, copy=False)


def by_unique(values: pd.Series | np.ndarray, fn: Callable[[pd.Index], np.ndarray], missing: Any) -> np.ndarray:
    """``fn`` applied to the distinct values only, spread back to every row (``missing`` for NA)."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):  # codes are ready
        codes = values.cat.codes.to_numpy()
        uniques = values.cat.categories
    else:
        try:
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
        except TypeError:  # lists or mappings where a value belongs (JSON): their text, which no parser accepts
            raw = np.asarray(values, dtype=object)
            arr = np.array([str(x) if isinstance(x, list | dict | set) else x for x in raw], dtype=object)
            codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    out = np.asarray(fn(pd.Index(np.asarray(uniques, dtype=object), dtype=object)))
    extended = np.concatenate([out, np.array([missing], dtype=out.dtype)])
    return extended[codes]  # code -1 (NA) picks the trailing ``missing``


def stripped(values: pd.Series, limit: int | None = None) -> np.ndarray:
    """Text stripped of surrounding spaces (None for missing or empty), computed per distinct value."""
    def fn(u: pd.Index) -> np.ndarray:
        out = [str(x).strip() for x in u]
        return np.array([(x[:limit] if limit else x) or None for x in out], dtype=object)

    return by_unique(values, fn, None)


def _numbers(uniques: pd.Index) -> np.ndarray:
    return pd.to_numeric(pd.Series([str(x).strip() for x in uniques], dtype=object), errors="coerce").to_numpy(float)


_NOT_NUMBERS = ("nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")


def _value_of(uniques: pd.Index) -> np.ndarray:
    """(number, below detection limit) of distinct value texts; "<0.005" is 0.005 below the limit."""
    # a copy: pandas may hand out a read-only array, and the assignments below would fail (silently, as
    # the ValueError of a read-only array looked like a value that is not a number)
    numbers = np.array(pd.to_numeric(pd.Series(np.asarray(uniques, dtype=object)), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan), dtype=float, copy=True)
    below = np.zeros(len(uniques), dtype=bool)
    for i in np.flatnonzero(np.isnan(numbers)):  # the few that need a second look: spaces, "<0.005"
        text = str(uniques[i]).strip()
        if text.startswith("<"):
            below[i] = True
            text = text[1:].strip()
        if text.isascii() and text.lower() not in _NOT_NUMBERS:
            try:
                numbers[i] = float(text)
            except ValueError:
                pass
    return numbers + 1j * below  # both in one array (imaginary part = below the limit)


def _values(vtext: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of the value column, and where the text was "<x" (below the detection limit)."""
    if pd.api.types.is_numeric_dtype(vtext):
        return vtext.to_numpy(dtype=float, na_value=np.nan), np.zeros(len(vtext), dtype=bool)
    both = by_unique(vtext, _value_of, complex(np.nan, 0.0))
    return both.real.copy(), both.imag > 0


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
    code = stripped(df["site_code"])
    flag(pd.isna(code), "no site code")
    lengths = by_unique(code, lambda u: np.array([len(str(x)) for x in u]), 0)
    flag(lengths > MAX_SITE_CODE, f"the site code is longer than {MAX_SITE_CODE} characters")
    reserved = by_unique(code, lambda u: np.array([str(x).lower().startswith("demo:") for x in u]),
                          False).astype(bool)
    flag(reserved, "site codes starting with 'demo:' are reserved for the demonstration data")
    lat = by_unique(df["latitude"], _numbers, np.nan).astype(float)
    lon = by_unique(df["longitude"], _numbers, np.nan).astype(float)
    has_lat, has_lon = df["latitude"].notna().to_numpy(), df["longitude"].notna().to_numpy()
    with np.errstate(invalid="ignore"):
        flag(has_lat & ~(np.abs(lat) <= 90), lambda idx: [f"latitude '{q}' is not a number in -90..90"
                                                          for q in quoted(df["latitude"])(idx)])
        flag(has_lon & ~(np.abs(lon) <= 180), lambda idx: [f"longitude '{q}' is not a number in -180..180"
                                                           for q in quoted(df["longitude"])(idx)])
    # parameter
    param = by_unique(df["parameter_raw"], lambda u: np.array([resolve_parameter(str(x)) for x in u],
                                                              dtype=object), None)
    flag(pd.isna(param), lambda idx: [f"unknown parameter '{q}'" for q in quoted(df["parameter_raw"])(idx)])
    # value: a number; "<0.005" is a value below the detection limit (the limit is kept, flagged)
    vtext = df["value_raw"]
    value, below = _values(vtext)
    flag(~np.isfinite(value), lambda idx: [f"value '{q}' is not a number" for q in quoted(vtext)(idx)])
    dl_col = df["detection_limit"]
    if dl_col.notna().any():
        dl = by_unique(dl_col, _numbers, np.nan).astype(float)
        flag(dl_col.notna().to_numpy() & ~(dl >= 0), lambda idx: [f"detection limit '{q}' is not a number >= 0"
                                                                  for q in quoted(dl_col)(idx)])
        with np.errstate(invalid="ignore"):
            below = below | (value < dl)
    # time
    if pd.api.types.is_datetime64_any_dtype(df["time_raw"]):
        times = pd.DatetimeIndex(pd.to_datetime(df["time_raw"], utc=True))
    else:
        traw = df["time_raw"]

        def parse(u: pd.Index) -> np.ndarray:
            texts = pd.Series([str(x).strip() for x in u], dtype=object)
            parsed_times = pd.to_datetime(texts, utc=True, errors="coerce", format="ISO8601")
            if not parsed.naive_is_utc:  # a time without an offset is ambiguous: rejected below
                parsed_times = parsed_times.where(texts.str.contains(_OFFSET, regex=True))
            return parsed_times.to_numpy(dtype="datetime64[ns]")

        if not parsed.naive_is_utc:
            has_offset = by_unique(traw, lambda u: np.array([bool(_OFFSET.search(str(x).strip())) for x in u]),
                                    True).astype(bool)
            flag(~has_offset, lambda idx: [f"time '{q}' has no UTC offset (write it as 2024-01-31T14:00:00+05:00 or "
                                           "2024-01-31T09:00:00Z)" for q in quoted(traw)(idx)])
        times = pd.DatetimeIndex(by_unique(traw, parse, np.datetime64("NaT", "ns")).astype("datetime64[ns]"),
                                 tz="UTC")
        flag(times.isna(), lambda idx: [f"time '{q}' is not an ISO 8601 date-time" for q in quoted(traw)(idx)])
    now = pd.Timestamp.now(tz="UTC")
    flag(np.asarray(times > now + pd.Timedelta(days=1)), lambda idx: [f"time {times[i]} is in the future"
                                                                        for i in idx])
    # unit (the store keeps 40 characters), converted per (parameter, unit) pair
    uraw = by_unique(df["unit_raw"], lambda u: np.array([str(x).strip() for x in u], dtype=object), "")
    too_long = by_unique(uraw, lambda u: np.array([len(str(x)) > MAX_UNIT for x in u]), False)
    flag(too_long.astype(bool), f"the unit is longer than {MAX_UNIT} characters")
    converted = np.full(n, np.nan)
    canon_unit = np.full(n, "", dtype=object)
    ok = reasons == ""
    if ok.any():
        pairs = pd.DataFrame({"p": obj(param[ok]), "u": obj(uraw[ok])})
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
        for line, reason in pd.DataFrame({"line": lines[bad], "r": obj(reasons[bad])}).groupby("line")["r"].agg(
                lambda s: "; ".join(dict.fromkeys(s))).items():
            errors.append(RowError(int(line), str(reason), parsed.where))
    whole = np.isin(lines, lines[bad]) if bad.any() else bad
    flags = range_flags(param, converted) | np.where(below, BELOW_DL, 0)
    good = pd.DataFrame({
        "line": lines, "site_code": obj(code), "site_name": obj(stripped(df["site_name"], 300)),
        "site_kind": obj(stripped(df["site_kind"])), "latitude": lat, "longitude": lon,
        "sensor_type": obj(stripped(df["sensor_type"], 100)), "place": obj(stripped(df["place"], 200)),
        "time_utc": times.tz_convert("UTC").tz_localize(None), "parameter": obj(param), "value": converted,
        "unit": obj(canon_unit), "period_s": df["period_s"].to_numpy(dtype=np.int64), "original_value": value,
        "original_unit": obj(uraw), "origin": obj(stripped(df["origin"])), "quality_flags": flags.astype(np.int64),
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
