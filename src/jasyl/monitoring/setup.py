"""Opening the monitoring store: schema, the standards of ``data/monitoring`` and, on request, the demo.

:func:`open_monitoring` is what every ``jasyl monitor`` command uses: the schema is created or
upgraded and the standards are written when missing; no measurement is ever added. The labelled Konaev
demonstration data are loaded only by :func:`init_monitoring` with ``demo=True`` (``jasyl monitor
init``), so a fresh install shows something only when asked.
"""

from __future__ import annotations

from sqlalchemy import Engine, func, select, update

from jasyl.monitoring.demo import load_demo, remove_demo
from jasyl.monitoring.standards import air_standards, water_standards
from jasyl.store.engine import insert_ignore, open_store
from jasyl.store.models import Measurement, Site, Source, Standard

__all__ = ["open_monitoring", "init_monitoring", "sync_standards", "counts", "remove_demo"]


def sync_standards(engine: Engine) -> int:
    """Write the standards of ``data/monitoring`` into the ``standards`` table (insert or update)."""
    rows = [s.as_row() for s in air_standards()] + [s.as_row() for s in water_standards()]
    with engine.begin() as conn:
        existing = set(conn.scalars(select(Standard.id)))
        new = [r for r in rows if r["id"] not in existing]
        if new:  # another process opening the store at the same moment may write them too
            conn.execute(insert_ignore(conn, Standard.__table__), new)
        for r in rows:
            if r["id"] in existing:
                conn.execute(update(Standard).where(Standard.id == r["id"]).values(**r))
    return len(rows)


def open_monitoring(url: str | None = None) -> Engine:
    """The store with its schema up to date and the standards loaded; never adds measurements."""
    engine = open_store(url)
    with engine.connect() as conn:
        has_standards = bool(conn.scalar(select(func.count()).select_from(Standard)))
    if not has_standards:
        sync_standards(engine)
    return engine


def init_monitoring(url: str | None = None, *, demo: bool = True) -> Engine:
    """Create or upgrade the schema, load the standards and (unless ``demo`` is False) the labelled demo
    data (idempotent)."""
    engine = open_store(url)
    sync_standards(engine)
    if demo:
        load_demo(engine)
    return engine


def counts(engine: Engine) -> dict[str, int]:
    """Row counts (real and demo) for messages and tests."""
    with engine.connect() as conn:
        out: dict[str, int] = {}
        for name, model in (("sites", Site), ("sources", Source), ("measurements", Measurement)):
            out[name] = int(conn.scalar(select(func.count()).select_from(model)) or 0)
            out[f"{name}_demo"] = int(
                conn.scalar(select(func.count()).select_from(model).where(model.demo.is_(True))) or 0)
        return out
