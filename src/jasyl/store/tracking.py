"""Tables of tracking (actuals against the plan), the restoration register, emission records and settings.

* ``tracking_actuals``: one reported figure per (city, year, month, quantity, sector, carrier, item), value in
  the stored unit of its quantity (:mod:`jasyl.tracking.actuals`), the value and unit as read beside it;
  ``tracking_batches``: one row per import that changed something (file, SHA-256, counts);
* ``tracking_plans``: the adopted pathway of a city (its JSON and the planned indicator series), the
  baseline actuals are compared with;
* ``restoration_records`` and ``source_status_events``: the restoration and closure register of pollution
  sources (area, plan, deadline, responsible operator; dated status history with evidence);
* ``emission_records``: registered emissions or violations of a source (pollutant, tonnes, period, permitted
  or not), the input of the damage estimate;
* ``settings``: labelled settings (``air.kz_daily_mpc``, ``damage.unauthorised_multiplier``,
  ``water.class_table`` ...), key -> text value.

``demo`` marks demonstration rows, which are never shown without a DEMO label.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jasyl.store.base import Base

__all__ = ["TrackingBatch", "Actual", "TrackingPlan", "RestorationRecord", "SourceStatusEvent", "EmissionRecordRow",
           "Setting"]


class TrackingBatch(Base):
    __tablename__ = "tracking_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city: Mapped[str] = mapped_column(String(100))
    file: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(10))
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_inserted: Mapped[int] = mapped_column(Integer)
    rows_updated: Mapped[int] = mapped_column(Integer)
    rows_unchanged: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


class Actual(Base):
    __tablename__ = "tracking_actuals"
    __table_args__ = (
        UniqueConstraint("city", "year", "month", "quantity", "sector", "carrier", "item", name="uq_tracking_actual"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    #: 1-12, or 0 for the whole year
    month: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[str] = mapped_column(String(40))
    sector: Mapped[str] = mapped_column(String(40))
    carrier: Mapped[str] = mapped_column(String(40))
    item: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    original_value: Mapped[float] = mapped_column(Float)
    original_unit: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("tracking_batches.id"))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class TrackingPlan(Base):
    __tablename__ = "tracking_plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city: Mapped[str] = mapped_column(String(100))
    engine: Mapped[str] = mapped_column(String(20))
    #: the pathway options as JSON (engine, start and target year, milestones, growth, method ...)
    options: Mapped[str] = mapped_column(Text)
    #: the pathway (Pathway.to_dict()) as JSON
    pathway: Mapped[str] = mapped_column(Text)
    #: indicator -> year -> planned value (jasyl.tracking.compare.planned_series), JSON
    planned: Mapped[str] = mapped_column(Text)
    adopted_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class RestorationRecord(Base):
    __tablename__ = "restoration_records"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), unique=True)
    disturbed_area_ha: Mapped[float | None] = mapped_column(Float)
    restoration_plan: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date | None] = mapped_column(Date)
    operator: Mapped[str] = mapped_column(String(300), default="")
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class SourceStatusEvent(Base):
    __tablename__ = "source_status_events"
    __table_args__ = (UniqueConstraint("source_id", "status", "date", name="uq_source_status_event"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    status: Mapped[str] = mapped_column(String(30))
    date: Mapped[date] = mapped_column(Date)
    #: photo or document reference (file name, register number, URL)
    evidence: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


class EmissionRecordRow(Base):
    __tablename__ = "emission_records"
    __table_args__ = (
        UniqueConstraint("source_id", "pollutant", "period_start", "period_end", "permitted",
                         name="uq_emission_record"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    pollutant: Mapped[str] = mapped_column(String(40))
    tonnes: Mapped[float] = mapped_column(Float)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    permitted: Mapped[bool] = mapped_column(Boolean)
    reference: Mapped[str] = mapped_column(Text, default="")
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
