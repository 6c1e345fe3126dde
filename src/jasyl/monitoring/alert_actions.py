"""What inspectors do with alerts: acknowledge, close (or reopen) with a comment; and the alert lists.

Every action is kept as an :class:`~jasyl.store.models.AlertEvent` (who, when, what, comment), so an
alert's history can always be read back; the alert's ``status`` is the result of its last action.
Allowed moves: open -> acknowledged -> closed, open -> closed, and back to open from either; a further
acknowledgement of an acknowledged alert adds its comment.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session

from jasyl.errors import InputError
from jasyl.store.engine import utcnow
from jasyl.store.models import Alert, AlertEvent, Site

__all__ = ["ALERT_STATUSES", "ACTIONS", "MAX_COMMENT", "act_on_alert", "list_alerts", "alert_detail",
           "count_alerts"]

ALERT_STATUSES: tuple[str, ...] = ("open", "acknowledged", "closed")
#: action -> (statuses it may start from, status it leads to)
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    # a second acknowledgement adds its comment to the history (another inspector saw it too)
    "acknowledge": (("open", "acknowledged"), "acknowledged"),
    "close": (("open", "acknowledged"), "closed"),
    "reopen": (("acknowledged", "closed"), "open"),
}
MAX_COMMENT = 2000


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat() + "Z"


def _alert_dict(a: Alert, site: Site | None) -> dict[str, Any]:
    return {"id": a.id, "rule": a.rule_id, "severity": a.severity, "status": a.status,
            "site_code": site.code if site else None, "site_name": site.name if site else None,
            "parameter": a.parameter, "averaging": a.averaging, "period_start_utc": _iso(a.period_start),
            "period_end_utc": _iso(a.period_end), "value": a.value, "unit": a.unit, "standard": a.standard_id,
            "limit": a.limit_value, "ratio": a.ratio, "excess": a.excess, "demo": bool(a.demo),
            "created_utc": _iso(a.created_at)}


def act_on_alert(engine: Engine | Connection, alert_id: int, action: str, *, user: str,
                 comment: str) -> dict[str, Any]:
    """Apply ``action`` to an alert; returns ``{"before": ..., "after": ..., "event": ...}`` for the audit log.

    Given a :class:`~sqlalchemy.Connection` in a transaction (the web's audited write), the change joins
    that transaction, so the change and its audit entry are stored together or not at all.

    Raises :class:`InputError` naming the field for an unknown alert or action, a move the alert's
    status does not allow, or a missing or too long comment.
    """
    if action not in ACTIONS:
        raise InputError(f"unknown action '{action}'", field="action", fix=f"one of {', '.join(ACTIONS)}")
    text = (comment or "").strip()
    if not text:
        raise InputError("a comment is required", field="comment", fix="say what was checked or done")
    if len(text) > MAX_COMMENT:
        raise InputError(f"the comment is longer than {MAX_COMMENT} characters", field="comment",
                         fix="shorten it")
    allowed_from, target = ACTIONS[action]
    with Session(engine, expire_on_commit=False) as session, session.begin():
        alert = session.get(Alert, alert_id, with_for_update=True)
        if alert is None:
            raise InputError(f"alert {alert_id} does not exist", field="alert_id", fix="pick an alert from the list")
        site = session.get(Site, alert.site_id)
        before = _alert_dict(alert, site)
        if alert.status not in allowed_from:
            raise InputError(f"alert {alert_id} is {alert.status}; it cannot be given '{action}'", field="action",
                             fix=f"'{action}' applies to alerts that are {' or '.join(allowed_from)}")
        now = utcnow()
        alert.status = target
        event = AlertEvent(alert_id=alert.id, action=action, status=target, comment=text, user_name=user,
                           time_utc=now)
        session.add(event)
        session.flush()
        after = _alert_dict(alert, site)
        return {"before": before, "after": after,
                "event": {"id": event.id, "action": action, "status": target, "comment": text, "user": user,
                          "time_utc": _iso(now)}}


def count_alerts(engine: Engine, site_codes: Collection[str] | None = None) -> dict[str, int]:
    """Alerts per status (of the sites ``site_codes`` only, when given)."""
    with engine.connect() as conn:
        q = select(Alert.status, func.count()).join(Site, Site.id == Alert.site_id)
        if site_codes is not None:
            q = q.where(Site.code.in_(list(site_codes)))
        rows = conn.execute(q.group_by(Alert.status)).all()
    out = {s: 0 for s in ALERT_STATUSES}
    out.update({str(s): int(n) for s, n in rows})
    return out


def list_alerts(engine: Engine, *, status: str | None = None, site_code: str | None = None, limit: int = 50,
                offset: int = 0, site_codes: Collection[str] | None = None) -> list[dict[str, Any]]:
    """Alerts newest first (by period), filtered by status and site (``site_codes``: of these sites only)."""
    if status is not None and status not in ALERT_STATUSES:
        raise InputError(f"unknown alert status '{status}'", field="status", fix=f"one of {', '.join(ALERT_STATUSES)}")
    limit = max(1, min(int(limit), 500))
    with Session(engine) as session:
        q = select(Alert, Site).join(Site, Site.id == Alert.site_id)
        if status is not None:
            q = q.where(Alert.status == status)
        if site_code:
            q = q.where(Site.code == site_code)
        if site_codes is not None:
            q = q.where(Site.code.in_(list(site_codes)))
        q = q.order_by(Alert.period_start.desc(), Alert.id.desc()).limit(limit).offset(max(0, int(offset)))
        return [_alert_dict(a, s) for a, s in session.execute(q).all()]


def alert_detail(engine: Engine, alert_id: int) -> dict[str, Any] | None:
    """One alert with its history of actions (oldest first); None if there is no such alert."""
    with Session(engine) as session:
        alert = session.get(Alert, alert_id)
        if alert is None:
            return None
        out = _alert_dict(alert, session.get(Site, alert.site_id))
        events = session.scalars(select(AlertEvent).where(AlertEvent.alert_id == alert_id)
                                 .order_by(AlertEvent.time_utc, AlertEvent.id)).all()
        out["history"] = [{"action": e.action, "status": e.status, "comment": e.comment, "user": e.user_name,
                           "time_utc": _iso(e.time_utc)} for e in events]
        return out
