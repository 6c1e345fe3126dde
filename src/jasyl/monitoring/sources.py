"""Pollution-source registry: add, list, import from CSV or GeoJSON (all rows valid or nothing)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from jasyl.errors import InputError, shorten
from jasyl.store.engine import insert_ignore
from jasyl.store.models import SOURCE_STATUSES, SOURCE_TYPES, Source

__all__ = ["check_source", "upsert_sources", "list_sources", "read_sources_file"]

_TRUE = {"1", "true", "yes", "y", "да", "иә"}


def _float(value: Any, field: str, where: str, low: float, high: float) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: '{shorten(value)}' is not a number", field=field,
                         fix=f"a number in {low}..{high}") from None
    if not low <= x <= high:
        raise InputError(f"{where}: {x} is out of range", field=field, fix=f"a number in {low}..{high}")
    return x


def check_source(row: dict[str, Any], where: str = "source", file: Path | None = None) -> dict[str, Any]:
    """Validate one source; return the normalised row (raises InputError naming the field)."""
    try:
        name = str(row.get("name") or "").strip()
        if not name:
            raise InputError(f"{where}: no name", field="name", fix="give every source a name")
        if len(name) > 300 or len(str(row.get("operator") or "")) > 300:
            raise InputError(f"{where}: the name or the operator is longer than 300 characters", field="name",
                             fix="shorten it (put details into notes)")
        typ = str(row.get("type") or "").strip()
        if typ not in SOURCE_TYPES:
            raise InputError(f"{where}: type '{shorten(typ)}' is unknown", field="type",
                             fix=f"use one of {', '.join(SOURCE_TYPES)}")
        status = str(row.get("status") or "").strip()
        if status not in SOURCE_STATUSES:
            raise InputError(f"{where}: status '{shorten(status)}' is unknown", field="status",
                             fix=f"use one of {', '.join(SOURCE_STATUSES)}")
        approx = row.get("approximate_location", False)
        if isinstance(approx, str):
            approx = approx.strip().lower() in _TRUE
        return {"name": name, "type": typ, "status": status,
                "latitude": _float(row.get("latitude"), "latitude", where, -90, 90),
                "longitude": _float(row.get("longitude"), "longitude", where, -180, 180),
                "approximate_location": bool(approx), "operator": (str(row["operator"]).strip() or None)
                if row.get("operator") else None, "notes": str(row.get("notes") or "")}
    except InputError as exc:
        if file is not None and exc.file is None:
            exc.file = str(file)
        raise InputError(exc.message, file=exc.file, field=exc.field, fix=exc.fix) from None


def upsert_sources(engine: Engine, rows: list[dict[str, Any]], origin: str) -> int:
    """Insert new sources and update existing real ones by name, in one transaction. Returns new count."""
    checked = [check_source(r, f"source {i}") for i, r in enumerate(rows, start=1)]
    with engine.begin() as conn:
        existing = {name: demo for name, demo in conn.execute(select(Source.name, Source.demo))}
        demo_clash = [r["name"] for r in checked if existing.get(r["name"]) is True]
        if demo_clash:
            raise InputError(f"'{demo_clash[0]}' is a DEMO source", field="name",
                             fix="remove the demo data first (jasyl monitor init --remove-demo) or use another name")
        new = [dict(r, demo=False, origin=origin) for r in checked if r["name"] not in existing]
        if new:
            conn.execute(insert_ignore(conn, Source.__table__), new)
        for r in checked:
            if r["name"] in existing:
                conn.execute(update(Source).where(Source.name == r["name"]).values(**r, origin=origin))
    return len(new)


def list_sources(engine: Engine) -> list[dict[str, Any]]:
    with Session(engine) as session:
        rows = session.scalars(select(Source).order_by(Source.demo, Source.name)).all()
    return [{"id": s.id, "name": s.name, "type": s.type, "status": s.status, "latitude": s.latitude,
             "longitude": s.longitude,
             "approximate_location": bool(s.approximate_location), "operator": s.operator, "notes": s.notes,
             "demo": bool(s.demo), "label": "DEMO" if s.demo else ""} for s in rows]


_MAX_LINE = 100_000


def read_sources_file(path: Path) -> list[dict[str, Any]]:
    """Rows from a CSV (header: name,type,status,latitude,longitude[,approximate_location,operator,notes])
    or a GeoJSON FeatureCollection of Points (properties: name, type, status, ...)."""
    if not path.is_file():
        raise InputError("file not found", file=path, fix="give the path of an existing file")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start + 1})", file=path, field="encoding",
                         fix="save the file as UTF-8") from None
    if path.suffix.lower() in (".geojson", ".json") or text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError) as exc:  # JSONDecodeError, huge integers, deep nesting
            raise InputError(f"not valid JSON: {shorten(exc, 200)}", file=path, field="json",
                             fix="give a GeoJSON FeatureCollection") from None
        feats = doc.get("features") if isinstance(doc, dict) else None
        if not isinstance(feats, list):
            raise InputError("no 'features' list", file=path, field="features", fix="give a GeoJSON FeatureCollection")
        rows = []
        for i, f in enumerate(feats, start=1):
            feature: dict[str, Any] = f if isinstance(f, dict) else {}
            geom: dict[str, Any] = feature["geometry"] if isinstance(feature.get("geometry"), dict) else {}
            props = dict(feature["properties"]) if isinstance(feature.get("properties"), dict) else {}
            coords = geom.get("coordinates")
            if geom.get("type") != "Point" or not isinstance(coords, list) or len(coords) < 2:
                raise InputError(f"feature {i}: geometry must be a Point", file=path,
                                 field=f"features[{i - 1}].geometry",
                                 fix="give point coordinates [longitude, latitude]")
            props["longitude"], props["latitude"] = coords[0], coords[1]
            rows.append(check_source(props, f"feature {i}", path))
        return rows
    lines = text.splitlines()
    too_long = next((n for n, line in enumerate(lines, start=1) if len(line) > _MAX_LINE), None)
    if too_long is not None:
        raise InputError(f"line {too_long} is longer than {_MAX_LINE:,} characters", file=path,
                         fix="one source per line: name,type,status,latitude,longitude,...")
    reader = csv.DictReader(lines)
    missing = {"name", "type", "status"} - set(reader.fieldnames or [])
    if missing:
        raise InputError(f"line 1: missing column(s): {', '.join(sorted(missing))}", file=path, field="header",
                         fix="header: name,type,status,latitude,longitude,approximate_location,operator,notes")
    return [check_source(r, f"line {i}", path) for i, r in enumerate(reader, start=2)]
