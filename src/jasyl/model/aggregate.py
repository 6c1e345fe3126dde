"""Time-series aggregation: typical days (tsam) with storage linking, then a full-year check.

:func:`aggregate_inputs` clusters the days of the year (every hourly series of the model at once:
demand by bus, capacity factors, COPs, EV profiles) into ``n_days`` typical days with tsam
(hierarchical clustering, medoid representation, column means preserved) and appends the days with
the highest heat demand and the lowest wind and solar output as extreme periods. The aggregated LP
weights each typical hour by the number of days it stands for; storage keeps one state of charge per
calendar day linked through the year (Kotzur et al. 2018, "Time series aggregation for energy system
design: modeling seasonal storage", Applied Energy 213).

The design from the aggregated LP is then checked on the full year: the capacities are fixed and the
hourly dispatch of all 8,760 hours is solved (no capacity columns, so it is fast). If the fixed design
cannot meet every hour or the CO2 target, the caller falls back to the exact full-year LP.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from jasyl.model.inputs import PlanInputs

__all__ = ["Aggregation", "aggregate_inputs", "fix_design"]


@dataclass
class Aggregation:
    hours_per_period: int
    n_periods: int  # typical periods in the aggregated model
    hour_weight: np.ndarray  # per aggregated hour: how many original periods it stands for
    order: np.ndarray  # per original period: its typical period


def aggregate_inputs(inp: PlanInputs, n_days: int, *, hours_per_period: int = 24,
                     pinned: tuple[int, ...] = ()) -> tuple[PlanInputs, Aggregation]:
    """Typical-period version of ``inp`` (costs stay per horizon) and the linking structure.

    ``pinned`` periods (indices of original periods) are kept as they are, each as its own period of
    weight 1, and left out of the clustering (used to add the days a design failed on).
    """
    import tsam  # noqa: PLC0415 - tsam is heavy; loaded on first use

    n = inp.n_hours
    if n % hours_per_period:
        raise ValueError(f"{n} hours is not a whole number of {hours_per_period}-hour periods")
    n_orig = n // hours_per_period
    pinned = tuple(sorted(set(int(p) for p in pinned)))
    cols: dict[str, np.ndarray] = {}
    for bus, d in inp.demand.items():
        cols[f"d:{bus}"] = np.asarray(d, dtype=float)
    for g in inp.generators:
        cols[f"g:{g.name}"] = np.asarray(g.cf, dtype=float)
    for c in inp.converters:
        cols[f"c:{c.name}"] = np.asarray(c.efficiency, dtype=float)
    for v in inp.vehicles:
        cols[f"v:{v.name}"] = np.asarray(v.ev_profile, dtype=float)
    for c in inp.converters:  # cold-weather derating (issue 11)
        if c.availability is not None:
            cols[f"a:{c.name}"] = np.asarray(c.availability, dtype=float)
    for contract in inp.contracts:
        if contract.shape is not None:
            cols[f"k:{contract.name}"] = np.asarray(contract.shape, dtype=float)
    full = pd.DataFrame(cols)
    free_days = [d for d in range(n_orig) if d not in set(pinned)]
    if len(free_days) <= n_days:
        raise ValueError(f"{len(free_days)} free periods left for {n_days} typical periods "
                         f"({len(pinned)} of {n_orig} pinned): nothing to aggregate, solve the exact LP")
    rows = np.concatenate([np.arange(d * hours_per_period, (d + 1) * hours_per_period) for d in free_days])
    frame = full.iloc[rows].reset_index(drop=True)
    frame.index = pd.date_range("2001-01-01", periods=len(frame), freq="h")
    varying = [c for c in frame.columns if float(frame[c].max() - frame[c].min()) > 1e-12]
    constant = {c: float(frame[c].iloc[0]) for c in frame.columns if c not in varying}
    heat = [c for c in varying if c.startswith("d:heat")]
    low = [c for c in varying if c.startswith("g:")]
    extremes = tsam.ExtremeConfig(method="append", max_value=heat, min_period=low) if heat or low else None
    res = tsam.aggregate(frame[varying], n_days, period_duration=hours_per_period, extremes=extremes,
                         numerical_tolerance=1e-6)
    reps = res.cluster_representatives
    counts = res.cluster_counts
    periods = sorted({int(p) for p in reps.index.get_level_values(0)})
    k = len(periods) + len(pinned)
    pos = {p: i for i, p in enumerate(periods)}
    order = np.zeros(n_orig, dtype=int)
    order[free_days] = [pos[int(p)] for p in np.asarray(res.cluster_assignments)]
    for j, day in enumerate(pinned):
        order[day] = len(periods) + j
    m = k * hours_per_period
    weight = np.repeat(np.array([float(counts[p]) for p in periods] + [1.0] * len(pinned)), hours_per_period)

    def series(col: str) -> np.ndarray:
        parts = [np.full(hours_per_period, constant[col]) if col in constant
                 else np.asarray(reps.loc[p, col], dtype=float) for p in periods]
        parts += [full[col].to_numpy()[p * hours_per_period:(p + 1) * hours_per_period] for p in pinned]
        return np.concatenate(parts)

    agg_inp = replace(
        inp,
        index=pd.date_range(inp.index[0], periods=m, freq="h"),
        demand={bus: np.maximum(series(f"d:{bus}"), 0.0) for bus in inp.demand},
        generators=[replace(g, cf=np.clip(series(f"g:{g.name}"), 0.0, 1.0)) for g in inp.generators],
        converters=[replace(c, efficiency=np.maximum(series(f"c:{c.name}"), 1e-3),
                            availability=None if c.availability is None
                            else np.clip(series(f"a:{c.name}"), 0.0, 1.0)) for c in inp.converters],
        contracts=[replace(ct, shape=None if ct.shape is None else np.clip(series(f"k:{ct.name}"), 0.0, None))
                   for ct in inp.contracts],
        vehicles=[replace(v, ev_profile=np.maximum(series(f"v:{v.name}"), 0.0)) for v in inp.vehicles],
    )
    return agg_inp, Aggregation(hours_per_period, k, weight, order)


def fix_design(inp: PlanInputs, capacities: dict[str, float], *, margin: float = 0.0) -> PlanInputs:
    """``inp`` with every capacity fixed to ``capacities`` (times ``1 + margin``)."""
    f = 1.0 + margin
    return replace(
        inp,
        generators=[replace(g, existing_mw=capacities[g.name] * f, max_mw=capacities[g.name] * f)
                    for g in inp.generators],
        converters=[replace(c, min_mw=capacities[c.name] * f, max_mw=capacities[c.name] * f)
                    for c in inp.converters],
        storages=[
            replace(s, min_energy_mwh=capacities[f"{s.name}_energy"] * f,
                    max_energy_mwh=capacities[f"{s.name}_energy"] * f,
                    min_power_mw=capacities.get(f"{s.name}_power", 0.0) * f if s.power_cost > 0 else 0.0,
                    max_power_mw=capacities.get(f"{s.name}_power", 0.0) * f if s.power_cost > 0 else float("inf"))
            for s in inp.storages
        ],
        vehicles=[replace(v, fixed_share=capacities[f"ev_{v.name}"]) for v in inp.vehicles],
    )
