"""Tables of environmental monitoring (SQLAlchemy 2 declarative models).

Times are stored as naive UTC ``DateTime`` values on every backend (SQLite has no time zones);
:func:`jasyl.store.engine.to_utc_naive` is the only way in. Every measurement value is in the
canonical unit of its parameter (``data/monitoring/parameters.yaml``); the value and unit as read are
kept beside it. ``demo`` marks demonstration rows, which are never shown without a DEMO label.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jasyl.store.base import Base, BigId

__all__ = ["Site", "Source", "Measurement", "Standard", "Alert", "IngestBatch",
           "SITE_KINDS", "SOURCE_TYPES", "SOURCE_STATUSES", "WATER_BODY_TYPES"]

SITE_KINDS = ("air_station", "water_point", "sensor")
SOURCE_TYPES = ("brick_works", "quarry", "sewage_outfall", "boiler_house", "landfill", "other")
SOURCE_STATUSES = ("operating", "closed", "illegal", "under_restoration", "restored")
#: kinds of water body a water site samples; Order 111-НҚ classes apply to rivers, canals and in-channel reservoirs
WATER_BODY_TYPES = ("river", "canal", "reservoir", "lake", "sea", "wastewater_storage")

class Site(Base):
    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    approximate_location: Mapped[bool] = mapped_column(Boolean, default=False)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    origin: Mapped[str] = mapped_column(Text, default="")
    #: water sites: the kind of water body (WATER_BODY_TYPES), None when not known
    water_body: Mapped[str | None] = mapped_column(String(20), nullable=True)
    #: instrument as the file names it (``SDS011``, ``PMS5003``, ``reference monitor``); empty: not stated
    sensor_type: Mapped[str | None] = mapped_column(String(100))
    #: sites that cover one place share it (co-located sensors, a sensor beside a reference station)
    place: Mapped[str | None] = mapped_column(String(200))


class Source(Base):
    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    type: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(30))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    approximate_location: Mapped[bool] = mapped_column(Boolean, default=False)
    operator: Mapped[str | None] = mapped_column(String(300))
    notes: Mapped[str] = mapped_column(Text, default="")
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    origin: Mapped[str] = mapped_column(Text, default="")


class IngestBatch(Base):
    __tablename__ = "ingest_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(30))
    ingested_at: Mapped[datetime] = mapped_column(DateTime)
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_inserted: Mapped[int] = mapped_column(Integer)
    rows_duplicate: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)


class Measurement(Base):
    __tablename__ = "measurements"
    __table_args__ = (
        UniqueConstraint("site_id", "parameter", "period_s", "time_utc", name="uq_measurement"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    #: start of the averaging period (or sampling time when ``period_s`` is 0), naive UTC
    time_utc: Mapped[datetime] = mapped_column(DateTime)
    parameter: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    #: averaging period in seconds; 0 = a sample (grab sample or a low-cost sensor reading)
    period_s: Mapped[int] = mapped_column(Integer)
    original_value: Mapped[float] = mapped_column(Float)
    original_unit: Mapped[str] = mapped_column(String(40))
    origin: Mapped[str] = mapped_column(Text)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_batches.id"))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    #: quality flags (bit mask of :mod:`jasyl.monitoring.quality`); 0 = no flag. The value is kept either way.
    quality_flags: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: the value after a humidity correction (low-cost PM sensors), beside the raw ``value``
    value_corrected: Mapped[float | None] = mapped_column(Float)
    #: id of the correction in ``data/monitoring/pm_corrections.yaml`` that gave ``value_corrected``
    correction: Mapped[str | None] = mapped_column(String(40))


class Standard(Base):
    __tablename__ = "standards"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    body: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    parameter: Mapped[str] = mapped_column(String(40))
    averaging: Mapped[str] = mapped_column(String(10))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(40))


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("rule_id", "site_id", "parameter", "period_start", name="uq_alert"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(20))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    parameter: Mapped[str] = mapped_column(String(40))
    averaging: Mapped[str] = mapped_column(String(10))
    period_start: Mapped[datetime] = mapped_column(DateTime)
    period_end: Mapped[datetime] = mapped_column(DateTime)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    standard_id: Mapped[str] = mapped_column(String(80))
    limit_value: Mapped[float] = mapped_column(Float)
    #: value / limit (for a minimum such as dissolved oxygen: limit / value)
    ratio: Mapped[float] = mapped_column(Float)
    #: value - limit, in ``unit`` (for a minimum: limit - value)
    excess: Mapped[float] = mapped_column(Float)
    #: open (stands), held (a low-cost sensor's alert that the other sensors of its place did not confirm),
    #: acknowledged, closed
    status: Mapped[str] = mapped_column(String(20), default="open")
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    #: the limit the alert used, in words (standard, value, variant where sources conflict, status)
    limit_basis: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: reference | confirmed | single_sensor | not_confirmed | not_checked (see jasyl.monitoring.alerts)
    confirmation: Mapped[str] = mapped_column(String(20), default="not_checked", server_default="not_checked")
    #: codes of the other sites whose data confirmed (or did not confirm) the alert
    confirmed_by: Mapped[str | None] = mapped_column(Text)
