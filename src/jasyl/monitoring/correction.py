"""Humidity correction of low-cost optical PM2.5 readings (``data/monitoring/pm_corrections.yaml``).

Pure functions: which correction fits a sensor type, and the corrected values given the raw readings and
the relative humidity at the same time. The store keeps the raw value and the corrected one side by side.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from jasyl.monitoring.standards import load_data

__all__ = ["Correction", "corrections", "correction_for", "correct", "HUMIDITY_WINDOW_MINUTES"]


@dataclass(frozen=True)
class Segment:
    below: float
    a: float
    b: float
    c: float
    q: float


@dataclass(frozen=True)
class Correction:
    id: str
    label: str
    parameter: str
    sensor_types: tuple[str, ...]
    source: str
    year: int
    segments: tuple[Segment, ...]

    def matches(self, sensor_type: str | None) -> bool:
        text = (sensor_type or "").lower()
        return bool(text) and any(t in text for t in self.sensor_types)


@cache
def corrections() -> dict[str, Correction]:
    data = load_data("pm_corrections.yaml")
    out = {}
    for cid, spec in data["corrections"].items():
        out[cid] = Correction(
            id=cid, label=spec["label"], parameter=spec["parameter"],
            sensor_types=tuple(str(t).lower() for t in spec["sensor_types"]), source=" ".join(spec["source"].split()),
            year=int(spec["year"]),
            segments=tuple(Segment(float(s["below"]), float(s["a"]), float(s["b"]), float(s["c"]), float(s["q"]))
                           for s in spec["segments"]))
    return out


HUMIDITY_WINDOW_MINUTES = float(load_data("pm_corrections.yaml")["humidity_window_minutes"])


def correction_for(sensor_type: str | None, parameter: str) -> Correction | None:
    """The correction for readings of ``parameter`` from a sensor of ``sensor_type`` (None: none applies)."""
    for c in corrections().values():
        if c.parameter == parameter and c.matches(sensor_type):
            return c
    return None


def correct(correction: Correction, pm: np.ndarray, rh: np.ndarray) -> np.ndarray:
    """Corrected PM2.5 (NaN where the raw value or the humidity is missing); never negative."""
    x = np.asarray(pm, dtype=float)
    h = np.clip(np.asarray(rh, dtype=float), 0.0, 100.0)
    out = np.full(x.shape, np.nan)
    done = np.zeros(x.shape, dtype=bool)
    for s in correction.segments:
        with np.errstate(invalid="ignore"):
            sel = ~done & (x < s.below)
        out[sel] = s.a * x[sel] + s.b * h[sel] + s.c + s.q * x[sel] ** 2
        done |= sel
    out[~np.isfinite(x) | ~np.isfinite(h)] = np.nan
    return np.maximum(out, 0.0, where=np.isfinite(out), out=out)
