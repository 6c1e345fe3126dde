"""Readers of the supported formats into the row table of :mod:`.common`, chunk by chunk.

* ``openaq``: OpenAQ v3 API measurement JSON (``{"meta": ..., "results": [...]}``) or a CSV export
  (the S3 archive ``location_id,sensors_id,location,datetime,lat,lon,parameter,units,value`` or the
  Explorer download with ``location_name, datetimeUtc, latitude, longitude, unit``, ``isMonitor``);
* ``sensor-community``: the archive CSV, ``;``-separated,
  ``sensor_id;sensor_type;location;lat;lon;timestamp;P1;durP1;ratioP1;P2;...`` (times in UTC);
* ``csv``: jasyl's plain CSV (laboratory water samples, or any measurements), documented in
  docs/monitoring.md: ``site_code, time, parameter, value, unit`` required; ``site_name, site_kind,
  latitude, longitude, averaging, lab, sample_id, sensor_type, place, detection_limit`` optional.

CSV files are streamed with pyarrow's CSV reader (single-threaded, so that a malformed line is reported
with its line number) in chunks of about ``chunk_rows`` rows: memory stays flat whatever the file size.
"""

from __future__ import annotations

import csv
import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from jasyl.errors import InputError, shorten
from jasyl.monitoring.ingest.common import ROW_COLUMNS, ParsedFile, RowError, by_unique, obj, parse_period, stripped
from jasyl.store.models import SITE_KINDS

__all__ = ["FORMATS", "read_file", "read_chunks", "CHUNK_ROWS", "MAX_COLUMNS"]

FORMATS = ("openaq", "sensor-community", "csv")
#: rows per chunk: enough for vectorised work, small enough for flat memory (~100 MB per chunk at most)
CHUNK_ROWS = 50_000
#: a header wider than this is not a measurement table (and would make a frame of absurd width)
MAX_COLUMNS = 200
_MAX_HEADER_CHARS = 20_000


@functools.cache
def _memory_pool() -> pa.MemoryPool:
    """The arrow memory pool of the CSV reader: jemalloc returning freed memory at once (pyarrow's default
    mimalloc pool keeps tens of MB of freed blocks, which counts in the ingest's peak memory); the system
    allocator where pyarrow has no jemalloc."""
    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(0)
        return pool
    except (NotImplementedError, pa.ArrowNotImplementedError):  # pragma: no cover - build without jemalloc
        return pa.system_memory_pool()


def read_chunks(path: Path, fmt: str, *, site: str | None = None, period_s: int | None = None,
                chunk_rows: int = CHUNK_ROWS) -> Iterator[ParsedFile]:
    """The file as row tables of at most about ``chunk_rows`` rows (at least one, maybe empty)."""
    if not path.is_file():
        raise InputError("file not found", file=path, fix="give the path of an existing file")
    if fmt == "openaq":
        if path.suffix.lower() == ".json" or _starts_with_brace(path):
            yield from read_openaq_json(path, site=site, chunk_rows=chunk_rows)
            return
        yield from read_openaq_csv(path, period_s=3600 if period_s is None else period_s, chunk_rows=chunk_rows)
        return
    if fmt == "sensor-community":
        yield from read_sensor_community(path, chunk_rows=chunk_rows)
        return
    if fmt == "csv":
        yield from read_plain_csv(path, chunk_rows=chunk_rows)
        return
    raise InputError(f"unknown format '{shorten(fmt)}'", field="format", fix=f"use one of {', '.join(FORMATS)}")


def read_file(path: Path, fmt: str, *, site: str | None = None, period_s: int | None = None) -> ParsedFile:
    """The whole file as one row table (small files, tests)."""
    parts = list(read_chunks(path, fmt, site=site, period_s=period_s))
    rows = pd.concat([p.rows for p in parts], ignore_index=True) if parts else pd.DataFrame(columns=ROW_COLUMNS)
    errors = [e for p in parts for e in p.errors]
    first = parts[0] if parts else ParsedFile(rows)
    return ParsedFile(rows, errors, naive_is_utc=first.naive_is_utc, where=first.where)


def _starts_with_brace(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1] in (b"{", b"[")


# ---------------------------------------------------------------------------------------- CSV core

def _header(path: Path, sep: str | None) -> tuple[list[str], str]:
    """Column names of the first line and the separator (``None``: the more frequent of , and ;)."""
    with path.open("rb") as handle:
        raw = handle.readline(_MAX_HEADER_CHARS + 1)
    if len(raw) > _MAX_HEADER_CHARS:
        raise InputError(f"line 1 is longer than {_MAX_HEADER_CHARS:,} characters: not a CSV header", file=path,
                         field="header", fix="give a CSV file whose first line names the columns")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("the file is UTF-16 text, not UTF-8", file=path, field="encoding",
                         fix="save it as UTF-8 CSV")
    try:
        line = raw.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        raise InputError(f"line 1 is not UTF-8 text (byte {exc.start + 1})", file=path, field="encoding",
                         fix="save it as UTF-8 CSV") from None
    if not line.strip():
        raise InputError("the file is empty" if not raw.strip() else "line 1 (the header) is empty", file=path,
                         field="header", fix="the first line names the columns")
    if "\x00" in line:
        raise InputError("line 1 holds a NUL byte: a binary file or a damaged one", file=path, field="header",
                         fix="give a UTF-8 CSV file")
    if sep is None:
        sep = ";" if line.count(";") > line.count(",") else ","
    try:
        names = [n.strip() for n in next(csv.reader([line], delimiter=sep))]
    except csv.Error as exc:  # a lone carriage return (old Mac line ends) or a broken quote
        raise InputError(f"line 1 (the header) cannot be read as CSV: {exc}", file=path, field="header",
                         fix="save the file as CSV with Windows or Unix line ends") from None
    if len(names) > MAX_COLUMNS:
        raise InputError(f"line 1: the header has {len(names):,} columns", file=path, field="header",
                         fix="give a measurement table (a few dozen columns at most)")
    seen: set[str] = set()
    for n in names:
        if n.lower() in seen:
            raise InputError(f"line 1: the column '{shorten(n)}' appears twice", file=path, field="header",
                             fix="name each column once")
        seen.add(n.lower())
    return names, sep


def _line_numbers(first_row: int, n: int, bad: np.ndarray) -> np.ndarray:
    """File line numbers of data rows ``first_row .. first_row + n - 1`` (header = line 1), given the
    sorted line numbers of the malformed lines the reader skipped."""
    k = np.arange(first_row, first_row + n)
    if bad.size == 0:
        return k + 2
    kept_before = bad - 2 - np.arange(bad.size)
    return k + 2 + np.searchsorted(kept_before, k, side="right")


def _csv_chunks(path: Path, sep: str | None, chunk_rows: int) -> Iterator[tuple[pd.DataFrame, list[RowError]]]:
    """Text columns of a CSV file with ``_line`` (file line numbers); blank lines dropped; malformed
    lines (wrong number of fields) become :class:`RowError` s."""
    names, sep = _header(path, sep)
    bad: list[tuple[int, str]] = []

    def on_bad_line(row: Any) -> str:
        number = int(row.number) if row.number is not None else -1
        bad.append((number, f"wrong number of fields (expected {row.expected_columns}, saw {row.actual_columns})"))
        return "skip"

    try:
        reader = pacsv.open_csv(
            path,
            memory_pool=_memory_pool(),
            read_options=pacsv.ReadOptions(use_threads=False, skip_rows=1, column_names=names,
                                           block_size=1 << 18),
            parse_options=pacsv.ParseOptions(delimiter=sep, ignore_empty_lines=False,
                                             invalid_row_handler=on_bad_line),
            # every column dictionary-encoded: a station file repeats a few sites, parameters, units and a
            # few thousand times; pandas gets Categoricals, and each distinct text is checked once
            convert_options=pacsv.ConvertOptions(column_types={n: pa.dictionary(pa.int32(), pa.string())
                                                               for n in names},
                                                 strings_can_be_null=True, null_values=[""],
                                                 quoted_strings_can_be_null=True),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError) as exc:
        raise _csv_error(path, exc) from None
    done = 0  # data rows (blank lines included) handed out so far
    reported = 0  # malformed lines reported so far (pyarrow finds them in file order)
    pending: list[pa.RecordBatch] = []
    size = 0
    batches = iter(reader)
    finished = False
    while not finished:
        try:
            batch = next(batches, None)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OSError) as exc:
            raise _csv_error(path, exc) from None
        if batch is not None:
            pending.append(batch)
            size += batch.num_rows
            if size < chunk_rows:
                continue
        finished = batch is None
        table = pa.Table.from_batches(pending) if pending else None
        pending, size = [], 0
        n_rows = table.num_rows if table is not None else 0
        lines = _line_numbers(done, n_rows, np.array([n for n, _ in bad], dtype=np.int64))
        done += n_rows
        last = int(lines[-1]) if len(lines) else 0
        fresh = [b for b in bad[reported:] if finished or b[0] <= last]
        reported += len(fresh)
        if table is not None:
            filled = np.zeros(n_rows, dtype=bool)  # blank lines are rows of nulls: dropped
            for column in table.columns:
                filled |= pc.is_valid(column, memory_pool=_memory_pool()).to_numpy(zero_copy_only=False)
            df = table.filter(pa.array(filled), null_selection_behavior="drop").to_pandas(memory_pool=_memory_pool())
            df.insert(0, "_line", lines[filled])
            del table
        else:
            df = pd.DataFrame({"_line": pd.Series(dtype=np.int64), **{n: pd.Series(dtype=object) for n in names}})
        if len(df) or fresh or finished:
            yield df, [RowError(n, r) for n, r in fresh]


_ROW = re.compile(r"Row #(\d+)")


def _csv_error(path: Path, exc: Exception) -> InputError:
    text = str(exc)
    m = _ROW.search(text)
    where = f"line {m.group(1)}: " if m else ""
    if "UTF8" in text or "UTF-8" in text:
        return InputError(f"{where}not UTF-8 text", file=path, field="encoding",
                          fix="save the file as UTF-8 (Excel: 'CSV UTF-8')")
    return InputError(f"{where}cannot read as CSV: {shorten(text, 200)}", file=path, field="header",
                      fix="give a CSV file with one header line and one record per line")


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
        header = ", ".join(c for c in df.columns if c != "_line")
        raise InputError(f"line 1: missing column(s): {', '.join(missing)}", file=path, field="header",
                         fix=f"the header has {shorten(header, 200) or 'no columns'}")
    return found


def _optional(df: pd.DataFrame, *options: str) -> str | None:
    lower = {c.lower(): c for c in df.columns}
    for option in options:
        if option.lower() in lower:
            return lower[option.lower()]
    return None


def _frame(**cols: Any) -> pd.DataFrame:
    """The row table; columns may be arrays, Series (Categoricals are kept: cheap) or scalars."""
    n = len(cols["line"])
    out = {}
    for c in ROW_COLUMNS:
        v = cols.get(c)
        if v is None:
            v = obj(np.full(n, None, dtype=object))
        elif isinstance(v, pd.Series):
            v = v.reset_index(drop=True)
        elif isinstance(v, np.ndarray) and v.dtype == object:
            v = obj(v)
        elif isinstance(v, str):
            v = obj(np.full(n, v, dtype=object))
        out[c] = v
    return pd.DataFrame(out, index=pd.RangeIndex(n))


def _prefixed(prefix: str, values: pd.Series | np.ndarray) -> np.ndarray:
    """``prefix + value`` per distinct value (None where the value is missing)."""
    return by_unique(values, lambda u: np.array([prefix + str(x) for x in u], dtype=object), None)


def _col(df: pd.DataFrame, name: str | None) -> Any:
    return df[name].reset_index(drop=True) if name else None


# ------------------------------------------------------------------------------------- OpenAQ

def read_openaq_csv(path: Path, *, period_s: int = 3600, chunk_rows: int = CHUNK_ROWS) -> Iterator[ParsedFile]:
    spec = {"location_id": ("location_id", "locations_id", "locationId"),
            "datetime": ("datetime", "datetimeUtc", "datetime_utc", "date_utc"),
            "parameter": ("parameter", "parameter_name"), "value": ("value",), "units": ("units", "unit")}
    for df, errors in _csv_chunks(path, ",", chunk_rows):
        col = _require(df, path, spec)
        name_col = _optional(df, "location", "location_name")
        monitor_col = _optional(df, "isMonitor")
        loc = stripped(df[col["location_id"]])
        sensor_type = None
        if monitor_col:  # the Explorer download says whether the location is a reference monitor
            sensor_type = by_unique(df[monitor_col], lambda u: np.array(
                [{"true": "reference monitor", "false": "low-cost sensor"}.get(str(x).strip().lower()) for x in u],
                dtype=object), None)
        rows = _frame(
            line=df["_line"].to_numpy(),
            site_code=_prefixed("openaq:", loc),
            site_name=(df[name_col].to_numpy(dtype=object, na_value=None) if name_col
                       else _prefixed("OpenAQ location ", loc)),
            site_kind="air_station", latitude=_col(df, _optional(df, "lat", "latitude")),
            longitude=_col(df, _optional(df, "lon", "longitude")), time_raw=_col(df, col["datetime"]),
            parameter_raw=_col(df, col["parameter"]), value_raw=_col(df, col["value"]),
            unit_raw=_col(df, col["units"]), period_s=period_s, origin=f"openaq-csv:{path.name}",
            sensor_type=sensor_type,
        )
        # the Explorer's datetimeUtc column is UTC by definition; the archive's datetime carries an offset
        utc_column = col["datetime"].lower() in ("datetimeutc", "datetime_utc", "date_utc")
        yield ParsedFile(rows, errors, naive_is_utc=utc_column)


def read_openaq_json(path: Path, *, site: str | None = None, chunk_rows: int = CHUNK_ROWS) -> Iterator[ParsedFile]:
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start + 1})", file=path, field="encoding",
                         fix="give an OpenAQ v3 API response as UTF-8 JSON") from None
    except (ValueError, RecursionError) as exc:  # JSONDecodeError, huge integers, deep nesting
        raise InputError(f"not valid JSON: {shorten(exc, 200)}", file=path, field="json",
                         fix="give an OpenAQ v3 API response") from None
    results = doc.get("results") if isinstance(doc, dict) else doc
    if not isinstance(results, list):
        raise InputError("no 'results' list", file=path, field="results",
                         fix="give the JSON of /v3/sensors/{id}/measurements (or /hours, /days)")
    if not results:
        raise InputError("the 'results' list has no measurements", file=path, field="results",
                         fix="download measurements first")
    for start in range(0, len(results), chunk_rows):
        records: list[dict[str, Any]] = []
        errors: list[RowError] = []
        for i, item in enumerate(results[start:start + chunk_rows], start=start + 1):
            try:
                record = _openaq_record(item, site, path)
                record["line"] = i
                records.append(record)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                errors.append(RowError(i, f"malformed record: {shorten(exc, 120)}", where="record"))
        rows = pd.DataFrame.from_records(records, columns=ROW_COLUMNS) if records else _frame(line=[])
        yield ParsedFile(rows, errors, where="record")


def _openaq_record(item: dict[str, Any], site: str | None, path: Path) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise TypeError("a record is not a JSON object")
    loc_id = item.get("locationsId") or item.get("locationId") or item.get("location_id")
    if loc_id is not None and not isinstance(loc_id, int | str):
        raise TypeError(f"location id {shorten(repr(loc_id))} is not a number or text")
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
    name = param["name"] if isinstance(param, dict) else param
    unit = param.get("units") if isinstance(param, dict) else item["unit"]
    value = item["value"]
    for what, x in (("parameter", name), ("unit", unit), ("time", dt_from)):
        if not isinstance(x, str):
            raise TypeError(f"{what} {shorten(repr(x))} is not text")
    if isinstance(value, bool) or not isinstance(value, int | float | str | None):
        raise TypeError(f"value {shorten(repr(value))} is not a number")
    return {
        "line": 0, "site_code": code, "site_name": str(item.get("locationName") or f"OpenAQ {code}"),
        "site_kind": "air_station", "latitude": coords.get("latitude") if isinstance(coords, dict) else None,
        "longitude": coords.get("longitude") if isinstance(coords, dict) else None,
        "time_raw": dt_from, "parameter_raw": name, "value_raw": value, "unit_raw": unit,
        "period_s": period_s, "origin": f"openaq-json:{path.name}", "sensor_type": None, "place": None,
        "detection_limit": None,
    }


# ---------------------------------------------------------------------------- Sensor.Community

_SC_VALUES = {"P1": "ug/m3", "P2": "ug/m3", "P0": "ug/m3", "temperature": "degC", "humidity": "percent",
              "pressure": "Pa"}


def read_sensor_community(path: Path, *, chunk_rows: int = CHUNK_ROWS) -> Iterator[ParsedFile]:
    for df, errors in _csv_chunks(path, ";", chunk_rows):
        col = _require(df, path, {"sensor_id": ("sensor_id",), "timestamp": ("timestamp",)})
        value_cols = [c for c in df.columns if c in _SC_VALUES]
        if not value_cols:
            raise InputError("line 1: no measurement columns", file=path, field="header",
                             fix=f"expected one of {', '.join(_SC_VALUES)} (Sensor.Community archive CSV)")
        sid = stripped(df[col["sensor_id"]])
        type_col = _optional(df, "sensor_type")
        stype = stripped(df[type_col]) if type_col else np.full(len(df), None, dtype=object)
        loc_col = _optional(df, "location")
        location = stripped(df[loc_col]) if loc_col else np.full(len(df), None, dtype=object)
        names: dict[tuple[Any, Any, Any], str] = {}
        for key in set(zip(sid, stype, location, strict=True)):
            names[key] = f"{key[1] or 'sensor'} sensor {key[0] or '?'}" + (
                f" (location {key[2] or '?'})" if loc_col else "")
        base = {
            "line": df["_line"].to_numpy(),
            "site_code": np.array([f"sensor.community:{x}" if x else None for x in sid], dtype=object),
            "site_name": np.array([names[k] for k in zip(sid, stype, location, strict=True)], dtype=object),
            "site_kind": "sensor",
            "latitude": _col(df, _optional(df, "lat")), "longitude": _col(df, _optional(df, "lon")),
            "time_raw": df[col["timestamp"]].reset_index(drop=True), "period_s": 0,
            "origin": f"sensor-community:{path.name}", "sensor_type": stype,
            # sensors of one Sensor.Community location (a PM sensor and its humidity sensor) cover one place
            "place": np.array([f"sensor.community:location:{x}" if x else None for x in location], dtype=object),
        }
        parts = []
        present = df[value_cols].notna()
        for c in value_cols:
            mask = present[c].to_numpy()
            part = _frame(**base, parameter_raw=c, value_raw=df[c].reset_index(drop=True), unit_raw=_SC_VALUES[c])
            parts.append(part[mask])
        rows = pd.concat(parts, ignore_index=True) if parts else _frame(line=[])
        empty = ~present.any(axis=1)
        errors = errors + [RowError(int(n), "no measured value in " + ", ".join(value_cols))
                           for n in df.loc[empty, "_line"]]
        yield ParsedFile(rows.sort_values("line", kind="stable"), errors, naive_is_utc=True)


# ----------------------------------------------------------------------------------- plain CSV

def read_plain_csv(path: Path, *, chunk_rows: int = CHUNK_ROWS) -> Iterator[ParsedFile]:
    for df, errors in _csv_chunks(path, None, chunk_rows):
        col = _require(df, path, {"site_code": ("site_code", "site"),
                                  "time": ("time", "sampled_at", "datetime"),
                                  "parameter": ("parameter",), "value": ("value",), "unit": ("unit", "units")})
        name_col = _optional(df, "site_name")
        kind_col = _optional(df, "site_kind")
        avg_col = _optional(df, "averaging", "period")
        lab_col = _optional(df, "lab", "laboratory")
        sample_col = _optional(df, "sample_id")
        kinds = stripped(df[kind_col]) if kind_col else np.full(len(df), None, dtype=object)
        kinds = np.where(pd.isna(kinds), "water_point", kinds)
        bad_kind = ~np.isin(kinds, SITE_KINDS)
        errors = errors + [RowError(int(n), f"site_kind '{shorten(k)}' is not one of {', '.join(SITE_KINDS)}")
                           for n, k in zip(df["_line"].to_numpy()[bad_kind], kinds[bad_kind], strict=True)]
        periods = pd.Series(0, index=df.index, dtype=np.int64)
        bad_period = pd.Series(False, index=df.index)
        if avg_col:
            text = df[avg_col].astype(object).fillna("sample")  # (a categorical column has no "sample")
            uniq: dict[str, int | None] = {}
            for t in text.unique():
                try:
                    uniq[t] = parse_period(t)
                except ValueError:
                    uniq[t] = None
            mapped = text.map(uniq)
            bad_period = mapped.isna()
            errors += [RowError(int(n), f"averaging '{shorten(t)}' is not sample, 1h, 24h or a number of seconds")
                       for n, t in zip(df.loc[bad_period, "_line"], text[bad_period], strict=True)]
            periods = mapped.fillna(0).astype(np.int64)
        origin: Any = np.full(len(df), f"csv:{path.name}", dtype=object)
        if lab_col or sample_col:  # laboratory files: small, per-row text is fine
            lab = df[lab_col].to_numpy(dtype=object, na_value=None) if lab_col else [None] * len(df)
            sample = df[sample_col].to_numpy(dtype=object, na_value=None) if sample_col else [None] * len(df)
            origin = np.array([o + (f";lab={a}" if a is not None else "") + (f";sample={b}" if b is not None else "")
                               for o, a, b in zip(origin, lab, sample, strict=True)], dtype=object)
        keep = ~(bad_kind | bad_period.to_numpy())
        rows = _frame(
            line=df["_line"].to_numpy(), site_code=_col(df, col["site_code"]),
            site_name=_col(df, name_col or col["site_code"]),
            site_kind=kinds, latitude=_col(df, _optional(df, "latitude", "lat")),
            longitude=_col(df, _optional(df, "longitude", "lon")), time_raw=_col(df, col["time"]),
            parameter_raw=_col(df, col["parameter"]), value_raw=_col(df, col["value"]),
            unit_raw=_col(df, col["unit"]), period_s=periods.to_numpy(), origin=origin,
            sensor_type=_col(df, _optional(df, "sensor_type")), place=_col(df, _optional(df, "place")),
            detection_limit=_col(df, _optional(df, "detection_limit")),
        )
        yield ParsedFile(rows[keep], errors)
