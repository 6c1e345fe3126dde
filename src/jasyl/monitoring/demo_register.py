"""DEMO restoration register and emission records for Konaev's known pollution sources, and the kind of
water body of the DEMO sampling points (``data/monitoring/demo_register.yaml``; everything in it is invented
and every row carries ``demo = True``)."""

from __future__ import annotations

from sqlalchemy import Engine, delete, select, update

from jasyl.monitoring.emissions import add_records
from jasyl.monitoring.register import add_event, parse_date, set_record
from jasyl.monitoring.standards import load_data
from jasyl.store.models import Site, Source
from jasyl.store.tracking import EmissionRecordRow, RestorationRecord, SourceStatusEvent

__all__ = ["load_register_demo", "remove_register_demo", "DEMO_WATER_BODIES"]

#: kinds of water body of the DEMO sampling points (Kapchagay is an in-channel reservoir on the Ili;
#: Sorbulak is a wastewater storage lake, outside the scope of Order 111-НҚ)
DEMO_WATER_BODIES = {"demo:kapchagay-konaev": "reservoir", "demo:kapchagay-ili-inflow": "reservoir",
                     "demo:sorbulak": "wastewater_storage"}


def load_register_demo(engine: Engine) -> dict[str, int]:
    """Load the demo register, status history and emission records (idempotent); needs the demo sources."""
    data = load_data("demo_register.yaml")
    with engine.connect() as conn:
        demo_sources = set(conn.scalars(select(Source.name).where(Source.demo.is_(True))))
    events = 0
    for rec in data["register"]:
        if rec["source"] not in demo_sources:
            continue
        set_record(engine, rec["source"], disturbed_area_ha=float(rec["disturbed_area_ha"]),
                   plan=rec["restoration_plan"], deadline=parse_date(rec["deadline"], "deadline"),
                   operator=rec["operator"], demo=True)
        for ev in rec["history"]:
            events += add_event(engine, rec["source"], ev["status"], parse_date(ev["date"], "date"), ev["evidence"],
                                demo=True)
    rows = [r for r in data["emissions"] if r["source"] in demo_sources]
    records = add_records(engine, rows, demo=True) if rows else 0
    with engine.begin() as conn:
        for code, kind in DEMO_WATER_BODIES.items():
            conn.execute(update(Site).where(Site.code == code, Site.demo.is_(True)).values(water_body=kind))
    return {"events": int(events), "emission_records": records}


def remove_register_demo(engine: Engine) -> dict[str, int]:
    """Delete the demo register rows and every register row of a demo source (before the sources go)."""
    out: dict[str, int] = {}
    with engine.begin() as conn:
        demo_ids = select(Source.id).where(Source.demo.is_(True)).scalar_subquery()
        for name, model in (("status_events", SourceStatusEvent), ("restoration_records", RestorationRecord),
                            ("emission_records", EmissionRecordRow)):
            out[name] = conn.execute(delete(model).where(
                model.demo.is_(True) | model.source_id.in_(demo_ids))).rowcount or 0
    return out
