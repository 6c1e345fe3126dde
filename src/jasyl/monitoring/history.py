"""Long views of one site and parameter: 24-hour means, monthly means and the 12-month mean, with the
standards they are read against (WHO 2021 24-hour and annual guidelines, the Kazakh daily MPC).

What the "air and water now" page and its CSV downloads show; all averages follow the conventions
of :mod:`jasyl.monitoring.standards` (local calendar days, 18 of 24 hours for a valid day).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select

from jasyl.monitoring.standards import (
    DEFAULT_TZ,
    StandardDef,
    daily_means,
    parameter_def,
    parameters,
    standards_for,
)
from jasyl.monitoring.status import site_frame
from jasyl.store.models import Measurement

__all__ = ["ParameterHistory", "parameter_history", "site_parameters", "MIN_DAYS_FOR_ANNUAL",
           "HISTORY_DAYS"]

HISTORY_DAYS = 365
#: a 12-month mean is stated as representative with valid daily means on at least 75 % of the days
MIN_DAYS_FOR_ANNUAL = 274


@dataclass
class ParameterHistory:
    """Daily and monthly means of one parameter at one site over the last 12 months of its data."""

    parameter: str
    unit: str
    medium: str
    #: columns ``date`` (local calendar day) and ``value`` (valid 24-hour means only)
    daily: pd.DataFrame
    #: columns ``month`` (``YYYY-MM``), ``mean`` (of the valid daily means) and ``days``
    monthly: pd.DataFrame
    twelve_month_mean: float | None
    twelve_month_days: int
    #: True when the 12-month mean rests on at least :data:`MIN_DAYS_FOR_ANNUAL` valid days
    twelve_month_complete: bool
    first_day: str | None
    last_day: str | None
    #: water or sample data: the samples themselves (``time_utc``, ``value``)
    samples: pd.DataFrame = field(default_factory=pd.DataFrame)
    standards: list[StandardDef] = field(default_factory=list)

    def standard(self, body: str, averaging: str) -> StandardDef | None:
        for s in self.standards:
            if s.body == body and s.averaging == averaging:
                return s
        return None

    def days_above(self, limit: float) -> int:
        return int((self.daily["value"] > limit).sum()) if not self.daily.empty else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.parameter, "unit": self.unit, "medium": self.medium,
            "first_day": self.first_day, "last_day": self.last_day,
            "twelve_month_mean": self.twelve_month_mean, "twelve_month_days": self.twelve_month_days,
            "twelve_month_complete": self.twelve_month_complete,
            "monthly": [{"month": r.month, "mean": _f(r.mean), "days": int(r.days)}
                        for r in self.monthly.itertuples()],
            "daily": [{"date": str(r.date), "value": _f(r.value)} for r in self.daily.itertuples()],
            "standards": [{"id": s.id, "body": s.body, "kind": s.kind, "averaging": s.averaging, "value": s.value,
                           "unit": s.unit, "status": s.status} for s in self.standards],
        }


def _f(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return round(v, 4) if math.isfinite(v) else None


def site_parameters(engine: Engine, site_id: int) -> list[str]:
    """Parameters measured at a site, air first, in the order of the parameter table."""
    with engine.connect() as conn:
        names = set(conn.scalars(select(Measurement.parameter).where(Measurement.site_id == site_id).distinct()))
    order = list(parameters())
    return sorted(names, key=lambda p: (order.index(p) if p in order else len(order), p))


def parameter_history(engine: Engine, site_id: int, parameter: str, tz: str = DEFAULT_TZ,
                      frame: pd.DataFrame | None = None) -> ParameterHistory:
    """The last :data:`HISTORY_DAYS` days of a site's data for one parameter, as daily and monthly means.

    The window ends at the site's latest measurement of that parameter (not at "now"), so a site whose
    data stopped still shows its last year. ``frame`` may pass the site's measurements already read
    (columns of :func:`jasyl.monitoring.status.site_frame`).
    """
    pdef = parameter_def(parameter)
    if frame is None:
        with engine.connect() as conn:
            last = conn.scalar(select(func.max(Measurement.time_utc)).where(
                Measurement.site_id == site_id, Measurement.parameter == parameter))
        frame = site_frame(engine, site_id, since=None if last is None else last - timedelta(days=HISTORY_DAYS))
    sub = frame[frame["parameter"] == parameter] if not frame.empty else frame
    empty_daily = pd.DataFrame(columns=["date", "value"])
    empty_monthly = pd.DataFrame(columns=["month", "mean", "days"])
    stds = standards_for(parameter)
    if sub.empty:
        return ParameterHistory(parameter, pdef.unit, pdef.medium, empty_daily, empty_monthly, None, 0, False,
                                None, None, standards=stds)
    end = sub["time_utc"].max()
    sub = sub[sub["time_utc"] > end - timedelta(days=HISTORY_DAYS)]
    samples = pd.DataFrame({"time_utc": sub["time_utc"].to_numpy(), "value": sub["value"].to_numpy(dtype=float)})
    daily_series = daily_means(sub, tz)
    if daily_series.empty:
        return ParameterHistory(parameter, pdef.unit, pdef.medium, empty_daily, empty_monthly, None, 0, False,
                                None, None, samples=samples, standards=stds)
    daily = pd.DataFrame({"date": list(daily_series.index), "value": daily_series.to_numpy(dtype=float)})
    months = [f"{d.year:04d}-{d.month:02d}" for d in daily["date"]]
    grouped = daily["value"].groupby(months)
    monthly = pd.DataFrame({"month": list(grouped.mean().index), "mean": grouped.mean().to_numpy(),
                            "days": grouped.count().to_numpy()})
    n = len(daily)
    return ParameterHistory(
        parameter=parameter, unit=pdef.unit, medium=pdef.medium, daily=daily, monthly=monthly,
        twelve_month_mean=float(daily["value"].mean()), twelve_month_days=n,
        twelve_month_complete=n >= MIN_DAYS_FOR_ANNUAL,
        first_day=str(daily["date"].iloc[0]), last_day=str(daily["date"].iloc[-1]), samples=samples,
        standards=stds)
