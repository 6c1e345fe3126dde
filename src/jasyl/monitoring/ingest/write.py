"""Writing validated rows into the store, one chunk at a time, inside the ingest's one transaction.

For each chunk: the sites are created (or their sensor type and place filled in); the measurements
already stored around the chunk's rows are read once (the local days the chunk touches, one day
either side) and serve three purposes: rows whose key is stored are duplicates (same value) or
conflicts (another value; the stored one is kept); the ``stuck`` and ``jump`` quality flags are
computed over stored and new readings together (and updated on stored rows whose flags change);
and the alert rules are evaluated for the days touched. The new rows are inserted in bulk
(SQLite: ``executemany``; PostgreSQL: ``COPY`` into a temporary table). Humidity corrections of
low-cost PM2.5 readings are then (re)computed where PM2.5 or humidity arrived.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, bindparam, select, update

from jasyl.errors import InputError
from jasyl.monitoring.alerts import confirm_alerts, evaluate, upsert_alerts
from jasyl.monitoring.correction import HUMIDITY_WINDOW_MINUTES, correct, correction_for
from jasyl.monitoring.ingest.common import RowError
from jasyl.monitoring.quality import HIGH_HUMIDITY, JUMP, STUCK, rules, series_flags
from jasyl.monitoring.settings import read_settings
from jasyl.monitoring.standards import DEFAULT_TZ
from jasyl.store.engine import SQLITE_TIME_FORMAT, insert_ignore, placeholder
from jasyl.store.models import Measurement, Site

__all__ = ["WriteState", "ChunkResult", "write_chunk", "INSERT_COLUMNS"]

INSERT_COLUMNS = ["site_id", "time_utc", "parameter", "value", "unit", "period_s", "original_value",
                  "original_unit", "origin", "batch_id", "demo", "quality_flags"]
_KEY = ["site_id", "parameter", "period_s", "time_utc"]


@dataclass
class WriteState:
    """What one ingest carries from chunk to chunk."""

    demo: bool
    batch_id: int | None
    where: str = "line"
    evaluate_alerts: bool = True
    tz: str = DEFAULT_TZ
    sites: dict[str, int] = field(default_factory=dict)
    site_kind: dict[int, str] = field(default_factory=dict)
    sites_new: int = 0


@dataclass
class ChunkResult:
    inserted: int = 0
    duplicates: int = 0
    conflicts: list[RowError] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ sites

def _ensure_sites(conn: Connection, good: pd.DataFrame, state: WriteState) -> None:
    codes = [c for c in good["site_code"].drop_duplicates().tolist() if c not in state.sites]
    if not codes:
        return
    existing: dict[str, tuple[int, bool, str, Any, Any]] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start:start + 500]
        for sid, code, is_demo, kind, stype, place in conn.execute(
                select(Site.id, Site.code, Site.demo, Site.kind, Site.sensor_type, Site.place)
                .where(Site.code.in_(chunk))):
            existing[code] = (sid, bool(is_demo), kind, stype, place)
    mixed = [c for c, e in existing.items() if e[1] != state.demo]
    if mixed:
        raise InputError(f"site(s) {', '.join(mixed[:5])} hold {'real' if state.demo else 'demonstration'} data",
                         field="site_code", fix="demonstration and real data never share a site; use another code")
    firsts = good[good["site_code"].isin(codes)].drop_duplicates("site_code")
    new = firsts[~firsts["site_code"].isin(list(existing))]
    if not new.empty:
        rows = [{"code": r.site_code, "name": str(r.site_name or r.site_code)[:300], "kind": r.site_kind or "sensor",
                 "latitude": None if pd.isna(r.latitude) else float(r.latitude),
                 "longitude": None if pd.isna(r.longitude) else float(r.longitude),
                 "approximate_location": False, "demo": state.demo, "origin": str(r.origin),
                 "sensor_type": None if pd.isna(r.sensor_type) else str(r.sensor_type),
                 "place": None if pd.isna(r.place) else str(r.place)}
                for r in new.itertuples(index=False)]
        conn.execute(insert_ignore(conn, Site.__table__), rows)
        state.sites_new += len(rows)
    # an existing site learns its sensor type and place from a file that states them
    for r in firsts[firsts["site_code"].isin(list(existing))].itertuples(index=False):
        sid, _, _, stype, place = existing[r.site_code]
        values = {}
        if stype is None and not pd.isna(r.sensor_type):
            values["sensor_type"] = str(r.sensor_type)
        if place is None and not pd.isna(r.place):
            values["place"] = str(r.place)
        if values:
            conn.execute(update(Site).where(Site.id == sid).values(**values))
    for sid, code, kind in conn.execute(select(Site.id, Site.code, Site.kind).where(Site.code.in_(codes))):
        state.sites[code] = int(sid)
        state.site_kind[int(sid)] = str(kind)


# ------------------------------------------------------------------------------------ stored rows

def _times_from_db(values: Any, conn: Connection) -> pd.Series:
    s = pd.Series(values)
    if conn.dialect.name == "sqlite":
        return pd.to_datetime(s, format=SQLITE_TIME_FORMAT, errors="coerce").fillna(
            pd.to_datetime(s, format="ISO8601", errors="coerce"))
    return pd.to_datetime(s)


def _db_time(conn: Connection, t: pd.Timestamp) -> Any:
    return t.strftime(SQLITE_TIME_FORMAT) if conn.dialect.name == "sqlite" else t.to_pydatetime()


def _windows(good: pd.DataFrame, tz: str) -> pd.DataFrame:
    """Per series, the local days the rows touch plus one day either side (naive UTC bounds)."""
    g = good.groupby(["site_id", "parameter", "period_s"], sort=False)["time_utc"].agg(["min", "max"]).reset_index()
    lo = pd.DatetimeIndex(g["min"]).tz_localize("UTC").tz_convert(tz).floor("D", ambiguous=False,
                                                                             nonexistent="shift_forward")
    hi = pd.DatetimeIndex(g["max"]).tz_localize("UTC").tz_convert(tz).floor("D", ambiguous=False,
                                                                             nonexistent="shift_forward")
    g["lo"] = (lo - pd.Timedelta(days=1)).tz_convert("UTC").tz_localize(None)
    g["hi"] = (hi + pd.Timedelta(days=2)).tz_convert("UTC").tz_localize(None)
    return g


def _stored(conn: Connection, windows: pd.DataFrame) -> pd.DataFrame:
    """Stored measurements of the series in their windows."""
    ph = placeholder(conn)
    sql = (f"SELECT id, site_id, parameter, period_s, time_utc, value, quality_flags, batch_id FROM measurements "
           f"WHERE site_id = {ph} AND parameter = {ph} AND period_s = {ph} AND time_utc >= {ph} AND time_utc < {ph}")
    parts = []
    for w in windows.itertuples(index=False):
        res = conn.exec_driver_sql(sql, (int(w.site_id), str(w.parameter), int(w.period_s),
                                         _db_time(conn, pd.Timestamp(w.lo)), _db_time(conn, pd.Timestamp(w.hi))))
        rows = res.all()
        if rows:
            parts.append(pd.DataFrame(rows, columns=["id", *_KEY[:3], "time_utc", "value", "quality_flags",
                                                     "batch_id"]))
    if not parts:
        return pd.DataFrame(columns=["id", *_KEY[:3], "time_utc", "value", "quality_flags", "batch_id"])
    out = pd.concat(parts, ignore_index=True)
    out["time_utc"] = _times_from_db(out["time_utc"], conn).to_numpy()
    return out


# -------------------------------------------------------------------------------------- writing

def write_chunk(conn: Connection, good: pd.DataFrame, state: WriteState) -> ChunkResult:
    """Write one chunk of validated rows (see module docstring)."""
    result = ChunkResult()
    if good.empty:
        return result
    _ensure_sites(conn, good, state)
    good = good.assign(site_id=good["site_code"].map(state.sites).astype(np.int64),
                       time_utc=pd.to_datetime(good["time_utc"]).astype("datetime64[ns]"))
    windows = _windows(good, state.tz)
    stored = _stored(conn, windows)
    # duplicates and conflicts against what is stored (earlier files, or earlier chunks of this file)
    if not stored.empty:
        both = good[["line", *_KEY, "value"]].merge(stored[[*_KEY, "value", "batch_id"]], on=_KEY, how="inner",
                                                    suffixes=("", "_stored"))
        if not both.empty:
            differs = ~np.isclose(both["value"].to_numpy(float), both["value_stored"].to_numpy(float),
                                  rtol=1e-9, atol=1e-12)
            for r in both[differs].itertuples(index=False):
                if state.batch_id is not None and r.batch_id == state.batch_id:
                    reason = (f"a row earlier in this file has {r.value_stored:g} {r.parameter} for this site and "
                              f"time (kept); this row has {r.value:g}")
                else:
                    reason = (f"already stored with value {r.value_stored:g} {r.parameter} (kept); "
                              f"this file has {r.value:g}")
                result.conflicts.append(RowError(int(r.line), reason, state.where))
            flagged = good[_KEY].merge(both[_KEY].drop_duplicates().assign(_known=True), on=_KEY, how="left")
            is_known = flagged["_known"].fillna(False).to_numpy(dtype=bool)
            result.duplicates = int((is_known & ~np.isin(good["line"].to_numpy(),
                                                         both.loc[differs, "line"].to_numpy())).sum())
            good = good[~is_known]
    if good.empty:
        return result
    # quality flags that need the neighbours: stuck runs and isolated jumps, over stored + new readings
    good, changed = _series_flags(good, stored)
    result.inserted = _insert(conn, good, state)
    if changed:
        conn.execute(update(Measurement).where(Measurement.id == bindparam("mid")).values(
            quality_flags=bindparam("flags")), changed)
    _corrections(conn, good, state)
    if state.evaluate_alerts:
        _alerts(conn, good, stored, state)
    return result


def _series_flags(good: pd.DataFrame, stored: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, int]]]:
    n_new = len(good)
    frames = [good[[*_KEY, "value", "quality_flags"]]]
    if not stored.empty:
        frames.append(stored[[*_KEY, "value", "quality_flags"]])
    both = pd.concat(frames, ignore_index=True)
    series = both.groupby(["site_id", "parameter", "period_s"], sort=False).ngroup().to_numpy()
    bits = series_flags(series, both["parameter"].to_numpy(dtype=object),
                        both["time_utc"].to_numpy(dtype="datetime64[ns]").astype(np.int64),
                        both["value"].to_numpy(float))
    old = both["quality_flags"].fillna(0).astype(np.int64).to_numpy()
    new_flags = (old & ~(STUCK | JUMP)) | bits
    good = good.assign(quality_flags=new_flags[:n_new])
    changed: list[dict[str, int]] = []
    if not stored.empty:
        s_old, s_new = old[n_new:], new_flags[n_new:]
        ids = stored["id"].to_numpy()
        changed = [{"mid": int(i), "flags": int(f)} for i, f in zip(ids[s_old != s_new], s_new[s_old != s_new],
                                                                    strict=True)]
    return good, changed


def _insert(conn: Connection, good: pd.DataFrame, state: WriteState) -> int:
    n = len(good)
    cols: dict[str, Any] = {
        "site_id": good["site_id"].to_numpy(np.int64),
        "time_utc": None,
        "parameter": good["parameter"].to_numpy(dtype=object),
        "value": good["value"].to_numpy(float),
        "unit": good["unit"].to_numpy(dtype=object),
        "period_s": good["period_s"].to_numpy(np.int64),
        "original_value": good["original_value"].to_numpy(float),
        "original_unit": good["original_unit"].to_numpy(dtype=object),
        "origin": good["origin"].to_numpy(dtype=object),
        "batch_id": np.full(n, state.batch_id, dtype=object),
        "demo": np.full(n, int(state.demo), dtype=np.int64),
        "quality_flags": good["quality_flags"].to_numpy(np.int64),
    }
    times = pd.DatetimeIndex(good["time_utc"])
    if conn.dialect.name == "postgresql":
        return _copy_postgresql(conn, cols, times)
    # SQLite: text times in the format SQLAlchemy's DateTime type uses, formatted once per distinct time
    codes, uniq = pd.factorize(times)
    cols["time_utc"] = np.asarray(pd.DatetimeIndex(uniq).strftime(SQLITE_TIME_FORMAT), dtype=object)[codes]
    return _sqlite_insert(conn, cols, n)


def _literal(value: Any) -> str | None:
    """``value`` as an SQL literal, or None when it must be bound (binding costs per row; a column that
    is the same in every row of a chunk is written once into the statement)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool | np.bool_):
        return str(int(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return repr(float(value)) if np.isfinite(value) else None
    if isinstance(value, str) and "\x00" not in value and len(value) < 1000:
        return "'" + value.replace("'", "''") + "'"
    return None


def _sqlite_insert(conn: Connection, cols: dict[str, Any], n: int) -> int:
    """Multi-row ``INSERT ... ON CONFLICT DO NOTHING`` statements with constant columns inlined."""
    fixed: dict[str, str] = {}
    for c in INSERT_COLUMNS:
        v = cols[c]
        lit = _literal(v[0]) if n else None
        if lit is not None and (v == v[0]).all():
            fixed[c] = lit
    bound = [c for c in INSERT_COLUMNS if c not in fixed]
    row = "(" + ", ".join(fixed.get(c, "?") for c in INSERT_COLUMNS) + ")"
    per = max(1, min(200, 30_000 // max(1, len(bound))))  # rows per statement (SQLite allows 32,766 parameters)
    head = f"INSERT INTO measurements ({', '.join(INSERT_COLUMNS)}) VALUES "
    matrix = np.empty((n, len(bound)), dtype=object)
    for j, c in enumerate(bound):
        matrix[:, j] = cols[c].tolist() if isinstance(cols[c], np.ndarray) and cols[c].dtype != object else cols[c]
    full = (n // per) * per
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    inserted = 0
    try:
        if full and bound:
            sql = head + ", ".join([row] * per) + " ON CONFLICT DO NOTHING"
            cursor.executemany(sql, matrix[:full].reshape(-1, per * len(bound)).tolist())
            inserted += int(cursor.rowcount)
        elif full:
            cursor.execute(head + ", ".join([row] * full) + " ON CONFLICT DO NOTHING")
            inserted += int(cursor.rowcount)
        if full < n:
            rest = n - full
            cursor.execute(head + ", ".join([row] * rest) + " ON CONFLICT DO NOTHING",
                           matrix[full:].reshape(-1).tolist())
            inserted += int(cursor.rowcount)
    finally:
        cursor.close()
    return inserted


_PG_TYPES = {"site_id": "integer", "time_utc": "timestamp", "parameter": "text", "value": "double precision",
             "unit": "text", "period_s": "integer", "original_value": "double precision", "original_unit": "text",
             "origin": "text", "batch_id": "integer", "demo": "boolean", "quality_flags": "integer"}


def _copy_postgresql(conn: Connection, cols: dict[str, Any], times: pd.DatetimeIndex) -> int:
    """COPY the rows (text format, built by pandas) into a temporary table, then INSERT ... ON CONFLICT."""
    frame = pd.DataFrame({c: cols[c] for c in INSERT_COLUMNS if c != "time_utc"})
    frame.insert(1, "time_utc", np.asarray(times.strftime("%Y-%m-%d %H:%M:%S.%f"), dtype=object))
    frame["batch_id"] = pd.array(cols["batch_id"], dtype="Int64")
    frame["demo"] = np.where(cols["demo"].astype(bool), "t", "f")
    for c in ("parameter", "unit", "original_unit", "origin"):  # COPY text format escapes
        frame[c] = frame[c].str.replace("\\", "\\\\", regex=False).str.replace("\t", "\\t", regex=False) \
            .str.replace("\n", "\\n", regex=False).str.replace("\r", "\\r", regex=False)
    buffer = io.StringIO()
    frame.to_csv(buffer, sep="\t", header=False, index=False, na_rep="\\N", float_format="%.17g",
                 quoting=3, escapechar=None, lineterminator="\n")
    names = ", ".join(INSERT_COLUMNS)
    conn.exec_driver_sql("DROP TABLE IF EXISTS _jasyl_staging")
    defs = ", ".join(f"{c} {_PG_TYPES[c]}" for c in INSERT_COLUMNS)
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE _jasyl_staging ({defs}) ON COMMIT DROP")
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cur:
        with cur.copy(f"COPY _jasyl_staging ({names}) FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        cur.execute(f"INSERT INTO measurements ({names}) SELECT {names} FROM _jasyl_staging ON CONFLICT DO NOTHING")
        inserted = int(cur.rowcount)
        cur.execute("DROP TABLE _jasyl_staging")
    return inserted


# ------------------------------------------------------------------------------ humidity correction

def _corrections(conn: Connection, good: pd.DataFrame, state: WriteState) -> None:
    """(Re)compute corrected PM2.5 of low-cost sensors where PM2.5 or humidity arrived."""
    params = set(good["parameter"].unique())
    if not params & {"pm25", "humidity"}:
        return
    site_ids = sorted(int(s) for s in good.loc[good["parameter"].isin(["pm25", "humidity"]), "site_id"].unique())
    sites = pd.DataFrame(conn.execute(select(Site.id, Site.sensor_type, Site.place, Site.kind)).all(),
                         columns=["id", "sensor_type", "place", "kind"])
    by_id = sites.set_index("id")
    places = {by_id.at[s, "place"] for s in site_ids if s in by_id.index and by_id.at[s, "place"]}
    group = set(site_ids) | set(sites.loc[sites["place"].isin(places), "id"].astype(int))
    pm_sites = [s for s in group if s in by_id.index and by_id.at[s, "kind"] == "sensor"]
    if not pm_sites:
        return
    t0 = pd.Timestamp(good["time_utc"].min()) - timedelta(minutes=HUMIDITY_WINDOW_MINUTES)
    t1 = pd.Timestamp(good["time_utc"].max()) + timedelta(minutes=HUMIDITY_WINDOW_MINUTES)
    ph = placeholder(conn)
    ids_sql = ", ".join(str(int(s)) for s in group)
    rows = conn.exec_driver_sql(
        f"SELECT id, site_id, parameter, time_utc, value, quality_flags, value_corrected, correction FROM measurements "
        f"WHERE site_id IN ({ids_sql}) AND parameter IN ('pm25', 'humidity') AND time_utc >= {ph} AND time_utc <= {ph}",
        (_db_time(conn, t0), _db_time(conn, t1))).all()
    df = pd.DataFrame(rows, columns=["id", "site_id", "parameter", "time_utc", "value", "quality_flags",
                                     "value_corrected", "correction"])
    if df.empty:
        return
    df["time_utc"] = _times_from_db(df["time_utc"], conn).to_numpy()
    hum = df[df["parameter"] == "humidity"].sort_values("time_utc")
    threshold = rules().high_humidity_percent
    updates = []
    for sid in pm_sites:
        pm = df[(df["parameter"] == "pm25") & (df["site_id"] == sid)].sort_values("time_utc")
        if pm.empty:
            continue
        place = by_id.at[sid, "place"]
        mates = {sid} | (set(sites.loc[sites["place"] == place, "id"].astype(int)) if place else set())
        h = hum[hum["site_id"].isin(mates)][["time_utc", "value"]].rename(columns={"value": "rh"})
        h = h.groupby("time_utc", as_index=False)["rh"].mean()
        if h.empty:
            continue
        merged = pd.merge_asof(pm, h, on="time_utc", direction="nearest",
                               tolerance=pd.Timedelta(minutes=HUMIDITY_WINDOW_MINUTES))
        c = correction_for(by_id.at[sid, "sensor_type"], "pm25")
        corrected = correct(c, merged["value"].to_numpy(float), merged["rh"].to_numpy(float)) if c else \
            np.full(len(merged), np.nan)
        flags = merged["quality_flags"].fillna(0).astype(np.int64).to_numpy()
        humid = (merged["rh"].to_numpy(float) > threshold)
        new_flags = np.where(humid, flags | HIGH_HUMIDITY, flags & ~HIGH_HUMIDITY)
        for r, v, f in zip(merged.itertuples(index=False), corrected, new_flags, strict=True):
            cid = c.id if (c is not None and np.isfinite(v)) else None
            value = float(v) if np.isfinite(v) else None
            old = None if pd.isna(r.value_corrected) else float(r.value_corrected)
            if cid != r.correction or value != old or int(f) != int(r.quality_flags):
                updates.append({"mid": int(r.id), "vc": value, "cid": cid, "flags": int(f)})
    if updates:
        conn.execute(update(Measurement).where(Measurement.id == bindparam("mid")).values(
            value_corrected=bindparam("vc"), correction=bindparam("cid"), quality_flags=bindparam("flags")), updates)


# -------------------------------------------------------------------------------------------- alerts

def _alerts(conn: Connection, good: pd.DataFrame, stored: pd.DataFrame, state: WriteState) -> None:
    cols = ["site_id", "parameter", "period_s", "time_utc", "value", "quality_flags"]
    frame = pd.concat([good[cols], stored[cols]] if not stored.empty else [good[cols]], ignore_index=True)
    low_cost = [s for s, k in state.site_kind.items() if k == "sensor"]
    rows = evaluate(frame, low_cost=low_cost, tz=state.tz, settings=read_settings(conn))
    if not rows:
        return
    # keep the days the new rows touch (computed from all their data); a run of the duration rule may
    # have started the day before
    w = _windows(good, state.tz)
    lo = (w["lo"] + pd.Timedelta(days=1)).min() - pd.Timedelta(days=1)
    hi = (w["hi"] - pd.Timedelta(days=1)).max()
    touched = {(int(r.site_id), str(r.parameter)) for r in w.itertuples(index=False)}
    keep = [r for r in rows if (r["site_id"], r["parameter"]) in touched and lo <= pd.Timestamp(r["period_start"]) < hi]
    upsert_alerts(conn, keep, demo=state.demo)
    confirm_alerts(conn, {s for s, _ in touched}, lo.to_pydatetime(), hi.to_pydatetime())
