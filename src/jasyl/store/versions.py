"""Cheap "has anything changed?" fingerprints of the store, for caches of expensive answers.

Each fingerprint is a handful of ``max(id)`` / ``count(*)`` look-ups that the primary keys answer
without reading the tables, so a web worker can ask every few seconds whether its cached monitoring
status is still current instead of recomputing it. Rows are only ever added to the tables counted
by ``max(id)`` (measurements, ingest batches, alerts, alert events, audit entries); edits of
sources, sites or alert statuses go through the web (audited) or add an alert event, so they move
one of the numbers too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from jasyl.store.alert_events import AlertEvent
from jasyl.store.audit import AuditEntry
from jasyl.store.monitoring import Alert, IngestBatch, Measurement, Site, Source

__all__ = ["monitoring_version"]


def monitoring_version(engine: Engine) -> tuple[Any, ...]:
    """Changes whenever the monitoring data (measurements, sites, sources, alerts) may have changed."""
    with engine.connect() as conn:
        return tuple(conn.execute(select(
            select(func.max(Measurement.id)).scalar_subquery(),
            select(func.max(IngestBatch.id)).scalar_subquery(),
            select(func.max(Alert.id)).scalar_subquery(),
            select(func.count()).select_from(Alert).where(Alert.status == "open").scalar_subquery(),
            select(func.max(AlertEvent.id)).scalar_subquery(),
            select(func.max(AuditEntry.id)).scalar_subquery(),
            select(func.count()).select_from(Site).scalar_subquery(),
            select(func.count()).select_from(Source).scalar_subquery(),
        )).one())
