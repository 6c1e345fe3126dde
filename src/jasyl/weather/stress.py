"""A STRESS weather year: long winter calms that come with cold, for robustness checks.

Why: the synthetic year (:mod:`jasyl.weather.synthetic`) draws its wind from an AR(1) process with
about a day of memory, so its calm spells are short (at Konaev the longest run of wind capacity factor
below 10 % is 46 h). In the south-east of Kazakhstan the long calms of winter come with the Siberian
anticyclone: clear or foggy, still and cold air for several days in a row (Kazhydromet forecasts
describe fog, strengthening frost and 3-5 K below normal during such spells). An islanded design sized on the synthetic
year alone is therefore likely too small for such a week; the stress year puts such weeks into the
year so a fixed design can be checked against them (``jasyl sweep``'s weather check).

What it does to a Weather table (synthetic or read from a file), deterministically:

1. Picks ``len(spec.episode_hours)`` non-overlapping calm episodes in the winter months (December to
   February north of the equator, June to August south of it), each centred on the coldest remaining
   day of the base year, so calm and cold coincide (the correlation the synthetic year lacks);
   episodes are at least ``spec.min_gap_days`` apart.
2. Inside an episode (with ``spec.ramp_hours`` cosine ramps in and out):
   * wind speed x ``spec.calm_wind_factor`` (default 0.25: a 4 m/s breeze becomes 1 m/s, below the
     cut-in of any turbine at hub height);
   * air temperature - ``spec.cold_anomaly_k`` (default 6 K, at the upper end of the 3-5 K quoted
     above because the episodes are also placed on already-cold days);
   * global, direct and diffuse irradiance x ``spec.irradiance_factor`` (default 0.7: fog and haze
     under the winter inversion, and snow on panels).

The defaults are ESTIMATES for a plausible bad winter near Almaty, not statistics of measured years;
the result is labelled ``STRESS`` in ``attrs['source']`` and carries the parameters and episode dates
in ``attrs['stress']``. With measured years (ERA5) available, check designs against those instead or
as well.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from jasyl.errors import InputError

__all__ = ["StressSpec", "DEFAULT_STRESS", "stress_year", "calm_spells", "longest_spell_below"]


@dataclass(frozen=True)
class StressSpec:
    """Parameters of the stress year (defaults: estimates for winter near Almaty, see module doc)."""

    episode_hours: tuple[int, ...] = (168, 120, 72)
    calm_wind_factor: float = 0.25
    cold_anomaly_k: float = 6.0
    irradiance_factor: float = 0.7
    ramp_hours: int = 12
    min_gap_days: int = 10
    label: str = field(default="winter calms with cold (estimate)")

    def check(self) -> StressSpec:
        """Raise :class:`InputError` naming the field for values outside their range."""
        if not self.episode_hours or any(int(h) < 24 or int(h) > 24 * 30 for h in self.episode_hours):
            raise InputError(f"episode lengths must each be 24..720 hours, got {list(self.episode_hours)}",
                             field="stress.episode_hours", fix="e.g. [168, 120, 72]")
        if sum(int(h) for h in self.episode_hours) > 24 * 80:
            raise InputError("the calm episodes do not fit into one winter (at most 80 days in total)",
                             field="stress.episode_hours", fix="use fewer or shorter episodes")
        for name, lo, hi in (("calm_wind_factor", 0.0, 1.0), ("irradiance_factor", 0.0, 1.0),
                             ("cold_anomaly_k", 0.0, 30.0)):
            v = float(getattr(self, name))
            if not lo <= v <= hi:
                raise InputError(f"{name} must lie in {lo}..{hi}, got {v}", field=f"stress.{name}")
        if not 0 <= self.ramp_hours <= 48:
            raise InputError(f"ramp_hours must lie in 0..48, got {self.ramp_hours}", field="stress.ramp_hours")
        if not 0 <= self.min_gap_days <= 60:
            raise InputError(f"min_gap_days must lie in 0..60, got {self.min_gap_days}",
                             field="stress.min_gap_days")
        return self


DEFAULT_STRESS = StressSpec()


def _window(n: int, length: int, ramp: int) -> np.ndarray:
    """Weights 0..1 over ``n`` hours: 1 on the middle ``length`` hours, cosine ramps of ``ramp`` outside."""
    w = np.zeros(n)
    start = (n - length) // 2
    w[start:start + length] = 1.0
    if ramp > 0:
        x = (np.arange(1, ramp + 1) / (ramp + 1))
        up = 0.5 - 0.5 * np.cos(np.pi * x)
        lo = max(0, start - ramp)
        w[lo:start] = up[ramp - (start - lo):]
        hi = min(n, start + length + ramp)
        w[start + length:hi] = up[::-1][: hi - start - length]
    return w


def stress_year(weather: pd.DataFrame, spec: StressSpec = DEFAULT_STRESS) -> pd.DataFrame:
    """The STRESS version of a Weather table (see the module documentation); ``weather`` is not changed."""
    spec.check()
    if not isinstance(weather.index, pd.DatetimeIndex) or len(weather) < 24 * 300:
        raise InputError("the stress year needs a whole hourly weather year", field="weather",
                         fix="pass a Weather table from read_weather or synthetic_year")
    index = pd.DatetimeIndex(weather.index)
    n = len(index)
    lat = float(weather.attrs.get("latitude", 45.0) or 45.0)
    winter_months = (12, 1, 2) if lat >= 0 else (6, 7, 8)
    temp = weather["temp_air_c"].to_numpy(float)
    day = np.arange(n) // 24
    n_days = int(day[-1]) + 1
    daily_t = np.bincount(day, weights=temp, minlength=n_days) / np.maximum(np.bincount(day, minlength=n_days), 1)
    month_of_day = index.month.to_numpy()[np.arange(n_days) * 24]
    # candidate centres: winter days, coldest first (stable order for ties)
    candidates = [int(d) for d in np.argsort(daily_t, kind="stable") if month_of_day[d] in winter_months]
    ramp = int(spec.ramp_hours)
    weight = np.zeros(n)
    episodes: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []  # (first hour, last hour + 1) incl. ramps and the gap
    gap = int(spec.min_gap_days) * 24
    for length in sorted((int(h) for h in spec.episode_hours), reverse=True):
        span = length + 2 * ramp
        placed = False
        for d in candidates:
            centre = d * 24 + 12
            lo = centre - span // 2
            lo = min(max(lo, 0), n - span)
            hi = lo + span
            # keep the calm part inside the winter months (the ramps may spill over)
            core = index[lo + ramp: hi - ramp]
            if not np.isin(core.month, winter_months).all():
                continue
            # the year is cyclic (storage wraps around), so 31 December neighbours 1 January
            if any(lo + k < b + gap and a < hi + k + gap for a, b in taken for k in (-n, 0, n)):
                continue
            weight[lo:hi] = np.maximum(weight[lo:hi], _window(span, length, ramp))
            taken.append((lo, hi))
            episodes.append({"start_utc": index[lo + ramp].isoformat(),
                             "end_utc": (index[hi - ramp - 1] + pd.Timedelta(hours=1)).isoformat(),
                             "hours": length})
            placed = True
            break
        if not placed:
            raise InputError(f"no room for a {length}-hour calm episode in the winter months of this year",
                             field="stress.episode_hours", fix="use fewer or shorter episodes, or a smaller gap")
    out = weather.copy()
    out.attrs = copy.deepcopy(weather.attrs)
    wind_f = 1.0 - weight * (1.0 - spec.calm_wind_factor)
    out["wind_speed_m_s"] = weather["wind_speed_m_s"].to_numpy(float) * wind_f
    out["temp_air_c"] = temp - weight * spec.cold_anomaly_k
    sun_f = 1.0 - weight * (1.0 - spec.irradiance_factor)
    for col in ("ghi_w_m2", "dni_w_m2", "dhi_w_m2"):
        if col in out:
            out[col] = weather[col].to_numpy(float) * sun_f
    episodes.sort(key=lambda e: e["start_utc"])
    base_source = str(weather.attrs.get("source", "weather"))
    out.attrs["source"] = f"STRESS year ({spec.label}) derived from: {base_source}"
    out.attrs["stress"] = {**{k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(spec).items()},
                           "episodes": episodes}
    notes = list(out.attrs.get("notes", []))
    notes.append(f"stress: {len(episodes)} winter calm episodes ({', '.join(str(e['hours']) for e in episodes)} h): "
                 f"wind x{spec.calm_wind_factor:g}, temperature -{spec.cold_anomaly_k:g} K, "
                 f"irradiance x{spec.irradiance_factor:g} (estimates)")
    out.attrs["notes"] = notes
    return out


def calm_spells(cf: np.ndarray | pd.Series, threshold: float = 0.10) -> list[tuple[int, int]]:
    """(start hour, length in hours) of every run of ``cf < threshold``."""
    below = np.asarray(cf, dtype=float) < threshold
    if not below.any():
        return []
    edges = np.diff(np.concatenate([[0], below.astype(int), [0]]))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    return [(int(s), int(e - s)) for s, e in zip(starts, ends, strict=True)]


def longest_spell_below(cf: np.ndarray | pd.Series, threshold: float = 0.10) -> int:
    """Length in hours of the longest run of ``cf < threshold`` (0 if none)."""
    return max((length for _s, length in calm_spells(cf, threshold)), default=0)
