"""The pollution-source register, one source at a time (what the inspector pages do): read, create and
edit a source by id, with the same validation as ``jasyl monitor sources import`` (:func:`check_source`).

Each write returns the row before and after, for the audit log; given a
:class:`~sqlalchemy.Connection` in a transaction (the web's audited write) it joins that transaction, so
the change and its audit entry are stored together or not at all. Demo sources keep their DEMO label
when edited (they stay out of every real figure).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jasyl.errors import InputError
from jasyl.monitoring.sources import check_source
from jasyl.store.models import Source

__all__ = ["source_dict", "get_source", "create_source", "update_source", "EDITABLE"]

#: the fields an inspector may set
EDITABLE: tuple[str, ...] = ("name", "type", "status", "latitude", "longitude", "approximate_location", "operator",
                             "notes")
MAX_NAME = 300
MAX_NOTES = 4000


def source_dict(s: Source) -> dict[str, Any]:
    return {"id": s.id, "name": s.name, "type": s.type, "status": s.status, "latitude": s.latitude,
            "longitude": s.longitude, "approximate_location": bool(s.approximate_location), "operator": s.operator,
            "notes": s.notes or "", "demo": bool(s.demo), "origin": s.origin or ""}


def _checked(row: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(row) - set(EDITABLE))
    if unknown:
        raise InputError(f"unknown field '{unknown[0]}'", field=unknown[0], fix=f"use {', '.join(EDITABLE)}")
    out = check_source(row, "source")
    if len(out["name"]) > MAX_NAME:
        raise InputError(f"the name is longer than {MAX_NAME} characters", field="name", fix="shorten it")
    if out["operator"] and len(out["operator"]) > MAX_NAME:
        raise InputError(f"the operator is longer than {MAX_NAME} characters", field="operator", fix="shorten it")
    if len(out["notes"]) > MAX_NOTES:
        raise InputError(f"the notes are longer than {MAX_NOTES} characters", field="notes", fix="shorten them")
    return out


def get_source(engine: Engine, source_id: int) -> dict[str, Any] | None:
    with Session(engine) as session:
        s = session.get(Source, source_id)
        return None if s is None else source_dict(s)


def create_source(engine: Engine | Connection, row: dict[str, Any], *, origin: str) -> dict[str, Any]:
    """Register a new source (``origin`` says who registered it); raises InputError on bad fields or a
    name that exists already."""
    values = _checked(row)
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            if session.scalar(select(Source.id).where(Source.name == values["name"])) is not None:
                raise InputError(f"a source named '{values['name']}' exists already", field="name",
                                 fix="choose another name or edit that source")
            source = Source(**values, demo=False, origin=origin)
            session.add(source)
            session.flush()
            return source_dict(source)
    except IntegrityError as exc:  # a concurrent insert of the same name
        raise InputError(f"a source named '{values['name']}' exists already", field="name",
                         fix="choose another name or edit that source") from exc


def update_source(engine: Engine | Connection, source_id: int, row: dict[str, Any]) -> dict[str, Any]:
    """Change a source; returns ``{"before": ..., "after": ...}``."""
    values = _checked(row)
    try:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            source = session.get(Source, source_id, with_for_update=True)
            if source is None:
                raise InputError(f"source {source_id} does not exist", field="source_id",
                                 fix="pick a source from the register")
            clash = session.scalar(select(Source.id).where(Source.name == values["name"], Source.id != source_id))
            if clash is not None:
                raise InputError(f"another source is named '{values['name']}'", field="name",
                                 fix="choose another name")
            before = source_dict(source)
            for key, value in values.items():
                setattr(source, key, value)
            session.flush()
            return {"before": before, "after": source_dict(source)}
    except IntegrityError as exc:
        raise InputError(f"another source is named '{values['name']}'", field="name",
                         fix="choose another name") from exc
