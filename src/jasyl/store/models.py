"""Every table of the jasyl database, registered on one :class:`~jasyl.store.base.Base`.

Tables live in one module per domain (``monitoring``; ``users``, ``tracking``, quality flags ...
come with their features). A new domain adds ``jasyl/store/<domain>.py`` with its tables, one import
line here (so that ``Base.metadata`` and the Alembic environment see them) and an Alembic revision in
``jasyl/store/migrations/versions/`` whose ``down_revision`` is the current head.
"""

from __future__ import annotations

from jasyl.store.alert_events import AlertEvent
from jasyl.store.audit import AuditEntry
from jasyl.store.base import Base, BigId
from jasyl.store.monitoring import (
    SITE_KINDS,
    SOURCE_STATUSES,
    SOURCE_TYPES,
    WATER_BODY_TYPES,
    Alert,
    IngestBatch,
    Measurement,
    Site,
    Source,
    Standard,
)
from jasyl.store.tracking import (
    Actual,
    EmissionRecordRow,
    RestorationRecord,
    Setting,
    SourceStatusEvent,
    TrackingBatch,
    TrackingPlan,
)
from jasyl.store.users import ApiToken, LoginAttempt, User, UserRole, WebSession

__all__ = [
    "Base",
    "BigId",
    "Site",
    "Source",
    "Measurement",
    "Standard",
    "Alert",
    "AlertEvent",
    "IngestBatch",
    "SITE_KINDS",
    "SOURCE_TYPES",
    "SOURCE_STATUSES",
    "User",
    "UserRole",
    "WebSession",
    "ApiToken",
    "LoginAttempt",
    "AuditEntry",
    "WATER_BODY_TYPES",
    "Actual",
    "TrackingBatch",
    "TrackingPlan",
    "RestorationRecord",
    "SourceStatusEvent",
    "EmissionRecordRow",
    "Setting",
]
