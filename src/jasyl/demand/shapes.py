"""Documented hourly shapes (local time) used to spread annual energy over the year.

All shapes are ESTIMATES written for a Central Asian regional town; they are relative weights,
each demand series is rescaled to its annual total from ``jasyl.inventory.final_energy``. The 24
values are for the local clock hours 0..23 (hour starting). German BDEW standard load profiles
(demandlib) were considered and not used: they encode German holidays, German household appliance
mixes and German winter lighting; the shapes here are simpler and explicit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["SHAPES", "KZ_HOLIDAYS_MD", "day_type", "hourly_weights", "local_index"]

# fmt: off
SHAPES: dict[str, dict[str, list[float]]] = {
    # households: low at night, morning peak 7-9, evening peak 19-22 (lighting, cooking, TV)
    "residential": {
        "workday": [0.55, 0.48, 0.45, 0.44, 0.45, 0.52, 0.75, 0.98, 1.00, 0.88, 0.82, 0.82,
                    0.85, 0.82, 0.80, 0.82, 0.90, 1.05, 1.25, 1.40, 1.42, 1.32, 1.08, 0.78],
        "saturday": [0.60, 0.52, 0.48, 0.46, 0.46, 0.50, 0.62, 0.80, 0.95, 1.02, 1.05, 1.05,
                     1.05, 1.00, 0.95, 0.95, 1.00, 1.10, 1.28, 1.40, 1.42, 1.32, 1.10, 0.82],
        "sunday":   [0.62, 0.54, 0.50, 0.47, 0.46, 0.49, 0.58, 0.72, 0.90, 1.02, 1.08, 1.10,
                     1.10, 1.05, 1.00, 0.98, 1.02, 1.12, 1.28, 1.40, 1.40, 1.28, 1.05, 0.78],
    },
    # offices, shops, schools, public buildings: plateau 8-19, reduced weekend, night base load
    "commercial": {
        "workday": [0.40, 0.38, 0.37, 0.37, 0.38, 0.42, 0.55, 0.80, 1.15, 1.35, 1.42, 1.45,
                    1.40, 1.42, 1.42, 1.40, 1.35, 1.25, 1.10, 0.95, 0.80, 0.65, 0.52, 0.44],
        "saturday": [0.40, 0.38, 0.37, 0.37, 0.38, 0.40, 0.48, 0.62, 0.85, 1.00, 1.08, 1.10,
                     1.08, 1.05, 1.02, 1.00, 0.95, 0.90, 0.82, 0.72, 0.62, 0.54, 0.47, 0.42],
        "sunday":   [0.38, 0.37, 0.36, 0.36, 0.36, 0.38, 0.42, 0.50, 0.65, 0.78, 0.85, 0.88,
                     0.88, 0.86, 0.84, 0.82, 0.78, 0.74, 0.68, 0.62, 0.55, 0.50, 0.44, 0.40],
    },
    # small manufacturing and construction: two shifts 7-23 on workdays
    "industry": {
        "workday": [0.60, 0.58, 0.57, 0.57, 0.58, 0.62, 0.80, 1.15, 1.30, 1.32, 1.32, 1.30,
                    1.22, 1.30, 1.32, 1.30, 1.25, 1.18, 1.10, 1.05, 1.00, 0.92, 0.78, 0.65],
        "saturday": [0.58, 0.56, 0.55, 0.55, 0.56, 0.58, 0.68, 0.85, 0.95, 0.98, 0.98, 0.96,
                     0.92, 0.92, 0.90, 0.88, 0.84, 0.80, 0.76, 0.72, 0.70, 0.66, 0.62, 0.60],
        "sunday":   [0.55, 0.54, 0.54, 0.54, 0.54, 0.55, 0.58, 0.62, 0.66, 0.68, 0.68, 0.68,
                     0.66, 0.66, 0.66, 0.65, 0.64, 0.63, 0.62, 0.60, 0.59, 0.58, 0.57, 0.56],
    },
    # domestic hot water and cooking heat: morning and evening peaks
    "hot_water": {
        "workday": [0.25, 0.18, 0.15, 0.15, 0.20, 0.45, 1.30, 1.90, 1.60, 1.10, 0.90, 0.90,
                    1.00, 0.90, 0.80, 0.80, 0.95, 1.20, 1.55, 1.80, 1.75, 1.50, 1.00, 0.52],
        "saturday": [0.30, 0.20, 0.16, 0.15, 0.18, 0.30, 0.70, 1.20, 1.60, 1.65, 1.45, 1.25,
                     1.15, 1.00, 0.90, 0.90, 1.00, 1.20, 1.50, 1.70, 1.65, 1.40, 1.00, 0.55],
        "sunday":   [0.32, 0.22, 0.16, 0.15, 0.18, 0.28, 0.60, 1.05, 1.55, 1.70, 1.55, 1.30,
                     1.20, 1.00, 0.90, 0.90, 1.00, 1.20, 1.50, 1.70, 1.62, 1.38, 0.98, 0.56],
    },
    # coal/wood stoves and small boilers: fired in the morning and evening, banked at night
    "stove": {
        "workday": [0.70, 0.65, 0.62, 0.62, 0.65, 0.80, 1.25, 1.40, 1.30, 1.10, 0.95, 0.90,
                    0.88, 0.88, 0.90, 0.95, 1.05, 1.20, 1.35, 1.40, 1.35, 1.20, 1.00, 0.80],
    },
    # electric cars: home charging after work, some at work/public chargers
    "ev_car": {
        "workday": [0.95, 0.80, 0.60, 0.45, 0.35, 0.30, 0.30, 0.40, 0.60, 0.75, 0.80, 0.80,
                    0.80, 0.80, 0.80, 0.85, 0.95, 1.20, 1.55, 1.85, 2.00, 1.90, 1.60, 1.25],
    },
    # electric buses and minibuses: depot charging overnight, opportunity charging at midday
    "ev_bus": {
        "workday": [1.90, 2.00, 2.00, 1.95, 1.80, 1.20, 0.40, 0.20, 0.20, 0.30, 0.60, 1.00,
                    1.20, 1.20, 1.00, 0.60, 0.30, 0.20, 0.20, 0.25, 0.50, 1.20, 1.70, 1.90],
    },
    # electric trucks and vans: depot overnight plus daytime top-ups
    "ev_truck": {
        "workday": [1.50, 1.60, 1.60, 1.50, 1.30, 0.90, 0.50, 0.40, 0.50, 0.70, 0.90, 1.00,
                    1.00, 1.00, 0.90, 0.80, 0.70, 0.70, 0.80, 1.00, 1.20, 1.40, 1.50, 1.50],
    },
}
# fmt: on

#: Kazakhstan's fixed-date public holidays (month, day) treated like Sundays (Labour Code art. 84:
#: New Year 1-2 Jan, Orthodox Christmas 7 Jan, Women's Day 8 Mar, Nauryz 21-23 Mar, Unity Day 1 May,
#: Defender's Day 7 May, Victory Day 9 May, Capital Day 6 Jul, Constitution Day 30 Aug, Republic Day
#: 25 Oct, Independence Day 16 Dec). Kurban Ait (lunar date) is not included.
KZ_HOLIDAYS_MD: tuple[tuple[int, int], ...] = (
    (1, 1),
    (1, 2),
    (1, 7),
    (3, 8),
    (3, 21),
    (3, 22),
    (3, 23),
    (5, 1),
    (5, 7),
    (5, 9),
    (7, 6),
    (8, 30),
    (10, 25),
    (12, 16),
)


def local_index(index: pd.DatetimeIndex, timezone: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(index).tz_convert(timezone)


def day_type(local: pd.DatetimeIndex) -> np.ndarray:
    """'workday', 'saturday' or 'sunday' (Sundays and public holidays) per hour."""
    dow = local.dayofweek.to_numpy()
    md = list(zip(local.month.to_numpy(), local.day.to_numpy(), strict=True))
    holiday = np.array([x in KZ_HOLIDAYS_MD for x in md])
    out = np.full(len(local), "workday", dtype=object)
    out[dow == 5] = "saturday"
    out[(dow == 6) | holiday] = "sunday"
    return out


def hourly_weights(shape: str, local: pd.DatetimeIndex, kinds: np.ndarray | None = None) -> np.ndarray:
    """Relative weight of each hour from ``SHAPES[shape]`` (missing day types use 'workday')."""
    table = SHAPES[shape]
    hours = local.hour.to_numpy()
    if kinds is None:
        kinds = day_type(local)
    w = np.empty(len(local))
    for kind in ("workday", "saturday", "sunday"):
        profile = np.asarray(table.get(kind, table["workday"]))
        mask = kinds == kind
        w[mask] = profile[hours[mask]]
    return w
