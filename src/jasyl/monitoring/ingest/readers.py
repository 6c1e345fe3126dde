"""Readers of the supported formats into the row table of :mod:`.common`.

* ``openaq``: OpenAQ v3 API measurement JSON (``{"meta": ..., "results": [...]}``) or a CSV export
  (the S3 archive ``location_id,sensors_id,location,datetime,lat,lon,parameter,units,value`` or the
  Explorer download with ``location_name, datetimeUtc, latitude, longitude, unit``);
* ``sensor-community``: the archive CSV, ``;``-separated,
  ``sensor_id;sensor_type;location;lat;lon;timestamp;P1;durP1;ratioP1;P2;...`` (times in UTC);
* ``csv``: jasyl's plain CSV (laboratory water samples, or any measurements), documented in
  docs/monitoring.md: ``site_code, time, parameter, value, unit`` required; ``site_name, site_kind,
  latitude, longitude, averaging, lab, sample_id`` optional.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import pandas as pd

from jasyl.errors import InputError
from jasyl.monitoring.ingest.common import ROW_COLUMNS, ParsedFile, RowError, parse_period
from jasyl.store.models import SITE_KINDS

__all__ = ["FORMATS", "read_file"]

FORMATS = ("openaq", "sensor-community", "csv")

_BAD_LINE = re.compile(r"Skipping line (\d+): (.*)")


def read_file(path: Path, fmt: str, *, site: str | None = None, period_s: int | None = None) -> ParsedFile:
    if not path.is_file():
        raise InputError("file not found", file=path, fix="give the path of an existing file")
    if fmt == "openaq":
        if path.suffix.lower() == ".json" or _starts_with_brace(path):
            return read_openaq_json(path, site=site)
        return read_openaq_csv(path, period_s=3600 if period_s is None else period_s)
    if fmt == "sensor-community":
        return read_sensor_community(path)
    if fmt == "csv":
        return read_plain_csv(path)
    raise InputError(f"unknown format '{fmt}'", field="format", fix=f"use one of {', '.join(FORMATS)}")


def _starts_with_brace(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"{", b"[")


def _read_csv(path: Path, sep: str) -> tuple[pd.DataFrame, list[RowError]]:
    """All columns as text; line numbers kept (blank lines too); malformed lines become errors."""
    errors: list[RowError] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            df = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, na_values=[""],
                             skip_blank_lines=False, on_bad_lines="warn", encoding="utf-8-sig")
        except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
            raise InputError(f"cannot read as CSV: {exc}", file=path,
                             fix=f"expected a UTF-8 text file with '{sep}'-separated columns and a header") from exc
    for w in caught:
        for m in _BAD_LINE.finditer(str(w.message)):
            errors.append(RowError(int(m.group(1)), f"wrong number of fields ({m.group(2).strip()})"))
    df.columns = [str(c).strip() for c in df.columns]
    bad_lines = {e.line for e in errors}
    # pandas dropped the malformed lines: number the kept ones by skipping those
    numbers = []
    line = 2
    for _ in range(len(df)):
        while line in bad_lines:
            line += 1
        numbers.append(line)
        line += 1
    df.insert(0, "_line", numbers)
    df = df[~df.drop(columns="_line").isna().all(axis=1)]  # blank lines
    return df, errors


def _require(df: pd.DataFrame, path: Path, names: dict[str, tuple[str, ...]]) -> dict[str, str]:
    lower = {c.lower(): c for c in df.columns}
    found: dict[str, str] = {}
    missing = []
    for want, options in names.items():
        for option in options:
            if option.lower() in lower:
                found[want] = lower[option.lower()]
                break
        else:
            missing.append(f"{want} ({' or '.join(options)})")
    if missing:
        raise InputError(f"missing column(s): {', '.join(missing)}", file=path,
                         fix=f"the header has {', '.join(df.columns) or 'no columns'}")
    return found


def _optional(df: pd.DataFrame, *options: str) -> str | None:
    lower = {c.lower(): c for c in df.columns}
    for option in options:
        if option.lower() in lower:
            return lower[option.lower()]
    return None


def _frame(**cols: Any) -> pd.DataFrame:
    return pd.DataFrame({c: cols[c] for c in ROW_COLUMNS})


# ------------------------------------------------------------------------------------- OpenAQ

def read_openaq_csv(path: Path, *, period_s: int = 3600) -> ParsedFile:
    df, errors = _read_csv(path, ",")
    col = _require(df, path, {
        "location_id": ("location_id", "locations_id", "locationId"),
        "datetime": ("datetime", "datetimeUtc", "datetime_utc", "date_utc"),
        "parameter": ("parameter", "parameter_name"),
        "value": ("value",),
        "units": ("units", "unit"),
    })
    name_col = _optional(df, "location", "location_name")
    lat_col = _optional(df, "lat", "latitude")
    lon_col = _optional(df, "lon", "longitude")
    loc = df[col["location_id"]].astype("string").str.strip()
    rows = _frame(
        line=df["_line"].to_numpy(),
        site_code=("openaq:" + loc).where(loc.notna() & (loc != "")).to_numpy(),
        site_name=(df[name_col] if name_col else "OpenAQ location " + loc.fillna("")).to_numpy(),
        site_kind="air_station",
        latitude=df[lat_col].to_numpy() if lat_col else None,
        longitude=df[lon_col].to_numpy() if lon_col else None,
        time_raw=df[col["datetime"]].to_numpy(),
        parameter_raw=df[col["parameter"]].to_numpy(),
        value_raw=df[col["value"]].to_numpy(),
        unit_raw=df[col["units"]].to_numpy(),
        period_s=period_s,
        origin=f"openaq-csv:{path.name}",
    )
    # the Explorer's datetimeUtc column is UTC by definition; the archive's datetime carries an offset
    utc_column = col["datetime"].lower() in ("datetimeutc", "datetime_utc", "date_utc")
    return ParsedFile(rows, errors, naive_is_utc=utc_column)


def read_openaq_json(path: Path, *, site: str | None = None) -> ParsedFile:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid JSON: {exc}", file=path, fix="give an OpenAQ v3 API response") from exc
    results = doc.get("results") if isinstance(doc, dict) else doc
    if not isinstance(results, list):
        raise InputError("no 'results' list", file=path, field="results",
                         fix="give the JSON of /v3/sensors/{id}/measurements (or /hours, /days)")
    records: list[dict[str, Any]] = []
    errors: list[RowError] = []
    for i, item in enumerate(results, start=1):
        try:
            record = _openaq_record(item, site, path)
            record["line"] = i
            records.append(record)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            errors.append(RowError(i, f"malformed record: {exc}", where="record"))
    if not records and not errors and not results:
        raise InputError("the 'results' list is empty", file=path, fix="download measurements first")
    rows = pd.DataFrame.from_records(records, columns=ROW_COLUMNS) if records else pd.DataFrame(columns=ROW_COLUMNS)
    return ParsedFile(rows, errors, where="record")


def _openaq_record(item: dict[str, Any], site: str | None, path: Path) -> dict[str, Any]:
    loc_id = item.get("locationsId") or item.get("locationId") or item.get("location_id")
    code = f"openaq:{loc_id}" if loc_id is not None else site
    if not code:
        raise InputError("the records carry no location id", file=path, field="results[].locationsId",
                         fix="pass --site openaq:<location id> (the /v3/sensors/{id}/measurements response "
                             "does not name the location)")
    param = item["parameter"]
    period = item.get("period") or {}
    dt_from = (period.get("datetimeFrom") or {}).get("utc") or (item.get("datetime") or {}).get("utc")
    if dt_from is None:
        raise ValueError("no period.datetimeFrom.utc")
    interval = period.get("interval")
    period_s = parse_period(interval) if interval else 3600
    coords = item.get("coordinates") or {}
    return {
        "line": 0, "site_code": code, "site_name": item.get("locationName") or f"OpenAQ {code}",
        "site_kind": "air_station", "latitude": coords.get("latitude"), "longitude": coords.get("longitude"),
        "time_raw": str(dt_from), "parameter_raw": param["name"] if isinstance(param, dict) else param,
        "value_raw": item["value"], "unit_raw": param.get("units") if isinstance(param, dict) else item["unit"],
        "period_s": period_s, "origin": f"openaq-json:{path.name}",
    }


# ---------------------------------------------------------------------------- Sensor.Community

_SC_VALUES = {"P1": "ug/m3", "P2": "ug/m3", "P0": "ug/m3", "temperature": "degC", "humidity": "percent",
              "pressure": "Pa"}


def read_sensor_community(path: Path) -> ParsedFile:
    df, errors = _read_csv(path, ";")
    col = _require(df, path, {"sensor_id": ("sensor_id",), "timestamp": ("timestamp",)})
    value_cols = [c for c in df.columns if c in _SC_VALUES]
    if not value_cols:
        raise InputError("no measurement columns", file=path,
                         fix=f"expected one of {', '.join(_SC_VALUES)} (Sensor.Community archive CSV)")
    sid = df[col["sensor_id"]].astype("string").str.strip()
    type_col = _optional(df, "sensor_type")
    stype = df[type_col].astype("string") if type_col else pd.Series("sensor", index=df.index, dtype="string")
    loc_col = _optional(df, "location")
    name = stype.fillna("sensor") + " sensor " + sid.fillna("?")
    if loc_col:
        name = name + " (location " + df[loc_col].astype("string").fillna("?") + ")"
    lat_col, lon_col = _optional(df, "lat"), _optional(df, "lon")
    base = {
        "line": df["_line"].to_numpy(),
        "site_code": ("sensor.community:" + sid).where(sid.notna() & (sid != "")).to_numpy(),
        "site_name": name.to_numpy(), "site_kind": "sensor",
        "latitude": df[lat_col].to_numpy() if lat_col else None,
        "longitude": df[lon_col].to_numpy() if lon_col else None,
        "time_raw": df[col["timestamp"]].to_numpy(), "period_s": 0,
        "origin": f"sensor-community:{path.name}",
    }
    parts = []
    present = df[value_cols].notna()
    for c in value_cols:
        mask = present[c].to_numpy()
        part = _frame(**base, parameter_raw=c, value_raw=df[c].to_numpy(), unit_raw=_SC_VALUES[c])
        parts.append(part[mask])
    rows = pd.concat(parts, ignore_index=True)
    empty = ~present.any(axis=1)
    errors += [RowError(int(n), "no measured value in " + ", ".join(value_cols))
               for n in df.loc[empty, "_line"]]
    return ParsedFile(rows.sort_values("line", kind="stable"), errors, naive_is_utc=True)


# ----------------------------------------------------------------------------------- plain CSV

def read_plain_csv(path: Path) -> ParsedFile:
    with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
        head = handle.readline()
    sep = ";" if head.count(";") > head.count(",") else ","
    df, errors = _read_csv(path, sep)
    col = _require(df, path, {"site_code": ("site_code", "site"), "time": ("time", "sampled_at", "datetime"),
                              "parameter": ("parameter",), "value": ("value",), "unit": ("unit", "units")})
    name_col = _optional(df, "site_name")
    kind_col = _optional(df, "site_kind")
    lat_col, lon_col = _optional(df, "latitude", "lat"), _optional(df, "longitude", "lon")
    avg_col = _optional(df, "averaging", "period")
    lab_col = _optional(df, "lab", "laboratory")
    sample_col = _optional(df, "sample_id")
    site_code = df[col["site_code"]].astype("string").str.strip()
    kinds = df[kind_col].astype("string").str.strip().fillna("water_point") if kind_col else pd.Series(
        "water_point", index=df.index, dtype="string")
    bad_kind = ~kinds.isin(SITE_KINDS)
    errors += [RowError(int(n), f"site_kind '{k}' is not one of {', '.join(SITE_KINDS)}")
               for n, k in zip(df.loc[bad_kind, "_line"], kinds[bad_kind], strict=True)]
    periods = pd.Series(0, index=df.index, dtype=int)
    if avg_col:
        uniq: dict[str, int | None] = {}
        for text in df[avg_col].fillna("sample").unique():
            try:
                uniq[text] = parse_period(text)
            except ValueError:
                uniq[text] = None
        mapped = df[avg_col].fillna("sample").map(uniq)
        bad = mapped.isna()
        errors += [RowError(int(n), f"averaging '{t}' is not sample, 1h, 24h or a number of seconds")
                   for n, t in zip(df.loc[bad, "_line"], df.loc[bad, avg_col], strict=True)]
        periods = mapped.fillna(0).astype(int)
    origin = pd.Series(f"csv:{path.name}", index=df.index, dtype="string")
    if lab_col:
        origin = origin + df[lab_col].astype("string").map(lambda x: f";lab={x}", na_action="ignore").fillna("")
    if sample_col:
        origin = origin + df[sample_col].astype("string").map(lambda x: f";sample={x}",
                                                               na_action="ignore").fillna("")
    keep = ~(bad_kind | (periods.isna() if avg_col else False))
    rows = _frame(
        line=df["_line"].to_numpy(), site_code=site_code.to_numpy(),
        site_name=(df[name_col].fillna(site_code) if name_col else site_code).to_numpy(),
        site_kind=kinds.to_numpy(),
        latitude=df[lat_col].to_numpy() if lat_col else None,
        longitude=df[lon_col].to_numpy() if lon_col else None,
        time_raw=df[col["time"]].to_numpy(), parameter_raw=df[col["parameter"]].to_numpy(),
        value_raw=df[col["value"]].to_numpy(), unit_raw=df[col["unit"]].to_numpy(),
        period_s=periods.to_numpy(), origin=origin.to_numpy(),
    )
    bad_lines = {e.line for e in errors}
    rows = rows[keep.to_numpy() & ~rows["line"].isin(bad_lines).to_numpy()]
    return ParsedFile(rows, errors)


