"""Quality flags of measurements (``data/monitoring/quality.yaml``): set on ingest, never dropping a value.

A flag is a bit in ``measurements.quality_flags``; the raw value stays beside it. The checks are
vectorised (they run on every ingested chunk, a million rows in well under a second):

* :func:`range_flags` - out of the parameter's physical / instrument range;
* :func:`series_flags` - ``stuck`` (a long run of equal readings of one series) and ``jump`` (a reading
  far from both neighbours, an isolated spike), computed per series (site, parameter, averaging) in
  time order;
* ``below_detection_limit`` is set by the readers ("<0.005" in a laboratory file);
* ``high_humidity`` is set by :mod:`jasyl.monitoring.correction` for low-cost PM sensors.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from jasyl.monitoring.standards import load_data

__all__ = ["OUT_OF_RANGE", "STUCK", "JUMP", "BELOW_DL", "HIGH_HUMIDITY", "EXCLUDED", "EXCLUDED_LOW_COST", "FLAG_NAMES",
           "flag_names", "range_flags", "series_flags", "QualityRules", "rules"]

OUT_OF_RANGE = 1
STUCK = 2
JUMP = 4
BELOW_DL = 8
HIGH_HUMIDITY = 16
FLAG_NAMES: dict[int, str] = {OUT_OF_RANGE: "out_of_range", STUCK: "stuck", JUMP: "jump",
                              BELOW_DL: "below_detection_limit", HIGH_HUMIDITY: "high_humidity"}


@dataclass(frozen=True)
class QualityRules:
    minimum: dict[str, float]
    maximum: dict[str, float]
    jump_abs: dict[str, float]
    jump_rel: float
    stuck_min_readings: int
    stuck_min_hours: float
    max_gap_hours: float
    high_humidity_percent: float
    #: flags left out of means, indices and alerts for every site / for low-cost sensors
    excluded: int
    excluded_low_cost: int


@cache
def rules() -> QualityRules:
    data = load_data("quality.yaml")
    d = data["defaults"]
    params = data["parameters"]
    excluded = excluded_low_cost = 0
    for name, spec in data["flags"].items():
        bit = int(spec["bit"])
        if FLAG_NAMES.get(bit) != name:
            raise ValueError(f"quality.yaml: flag {name} must have bit {bit}")  # pragma: no cover - data check
        if spec["excluded"] == "always":
            excluded |= bit
        if spec["excluded"] in ("always", "low_cost"):
            excluded_low_cost |= bit
    return QualityRules(
        minimum={p: float(s["min"]) for p, s in params.items() if "min" in s},
        maximum={p: float(s["max"]) for p, s in params.items() if "max" in s},
        jump_abs={p: float(s["jump_abs"]) for p, s in params.items() if "jump_abs" in s},
        jump_rel=float(d["jump_rel"]), stuck_min_readings=int(d["stuck_min_readings"]),
        stuck_min_hours=float(d["stuck_min_hours"]), max_gap_hours=float(d["max_gap_hours"]),
        high_humidity_percent=float(data["high_humidity_percent"]), excluded=excluded,
        excluded_low_cost=excluded_low_cost)


#: flags whose readings are left out of means, indices and alerts (reference stations / low-cost sensors)
EXCLUDED = rules().excluded
EXCLUDED_LOW_COST = rules().excluded_low_cost


def flag_names(mask: int) -> list[str]:
    """Names of the flags set in ``mask`` (``[]`` for a clean reading)."""
    return [name for bit, name in FLAG_NAMES.items() if int(mask) & bit]


def _per_parameter(parameter: np.ndarray, table: dict[str, float]) -> np.ndarray:
    codes, uniques = pd.factorize(np.asarray(parameter, dtype=object))
    lookup = np.array([table.get(str(u), np.nan) for u in uniques] + [np.nan], dtype=float)
    return lookup[codes]  # code -1 (missing) -> the trailing NaN


def range_flags(parameter: np.ndarray, value: np.ndarray) -> np.ndarray:
    """``OUT_OF_RANGE`` where a value lies outside its parameter's range (NaN ranges: not checked)."""
    r = rules()
    v = np.asarray(value, dtype=float)
    lo = _per_parameter(parameter, r.minimum)
    hi = _per_parameter(parameter, r.maximum)
    with np.errstate(invalid="ignore"):
        bad = (v < lo) | (v > hi) | ~np.isfinite(v)
    return np.where(bad, OUT_OF_RANGE, 0).astype(np.int64)


def series_flags(series: np.ndarray, parameter: np.ndarray, time_ns: np.ndarray, value: np.ndarray) -> np.ndarray:
    """``STUCK`` and ``JUMP`` bits per row (rows in any order; ``series`` groups rows of one series).

    ``time_ns`` are int64 nanoseconds; rows of one series are compared in time order.
    """
    n = len(value)
    out = np.zeros(n, dtype=np.int64)
    if n < 2:
        return out
    r = rules()
    s = np.asarray(series)
    t = np.asarray(time_ns, dtype=np.int64)
    v = np.asarray(value, dtype=float)
    order = np.lexsort((t, s))
    s, t, v = s[order], t[order], v[order]
    p = np.asarray(parameter, dtype=object)[order]
    gap_ok = (t[1:] - t[:-1]) <= int(r.max_gap_hours * 3600e9)
    linked = (s[1:] == s[:-1]) & gap_ok  # row i+1 follows row i in the same series, close in time
    flags = np.zeros(n, dtype=np.int64)
    # stuck: runs of equal values
    same = linked & (v[1:] == v[:-1])
    starts = np.concatenate([[True], ~same])
    run_id = np.cumsum(starts) - 1
    count = np.bincount(run_id)
    first_t = t[starts]
    last_idx = np.concatenate([np.flatnonzero(starts)[1:] - 1, [n - 1]])
    span_ns = t[last_idx] - first_t
    stuck_run = (count >= r.stuck_min_readings) & (span_ns >= int(r.stuck_min_hours * 3600e9))
    flags[stuck_run[run_id]] |= STUCK
    # jump: an isolated spike, far from both neighbours in the same direction
    if n >= 3:
        jump_abs = _per_parameter(p, r.jump_abs)[1:-1]
        has_both = linked[:-1] & linked[1:]
        prev_v, mid, next_v = v[:-2], v[1:-1], v[2:]
        d1 = mid - prev_v
        d2 = mid - next_v
        threshold = np.maximum(jump_abs, r.jump_rel * np.maximum(np.abs(prev_v), np.abs(next_v)))
        with np.errstate(invalid="ignore"):
            spike = has_both & (np.sign(d1) == np.sign(d2)) & (np.minimum(np.abs(d1), np.abs(d2)) > threshold)
        flags[1:-1][spike] |= JUMP
    out[order] = flags
    return out
