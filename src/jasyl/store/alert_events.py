"""What inspectors did with alerts: one row per action (acknowledge, close, reopen) with its comment.

The alert's ``status`` column holds the result of its last action; these rows keep the history (who,
when, what, why). Written by :mod:`jasyl.monitoring.alert_actions` only; never edited.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jasyl.store.base import Base

__all__ = ["AlertEvent"]


class AlertEvent(Base):
    __tablename__ = "alert_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    #: acknowledge | close | reopen
    action: Mapped[str] = mapped_column(String(20))
    #: the alert's status after the action
    status: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str] = mapped_column(Text)
    user_name: Mapped[str] = mapped_column(String(200))
    #: naive UTC
    time_utc: Mapped[datetime] = mapped_column(DateTime)
