"""The cost-CO2 trade-off curve of one plan LP: least cost at a series of CO2 reductions.

The model is built once with the CO2 cap at today's emissions, handed to HiGHS once
(:class:`~jasyl.model.resolve.CapResolver`) and re-solved as only the cap row changes. Each point reports
the annual cost, the average cost per tonne avoided and the marginal cost of the last tonne (the shadow
price of the CO2 row). Because the least cost ``C(E)`` of a linear programme is convex and non-increasing
in its CO2 allowance ``E``, the marginal cost at a point lies between the slopes of the curve's segments
on either side of it; :func:`bracket_check` tests exactly that ("the dual agrees with the finite
difference of neighbouring points").

The knee of the curve is the point farthest below the straight line from the first to the last point
once both axes are scaled to [0, 1] (the "Kneedle" rule of Satopää et al., 2011): up to the knee,
cutting CO2 is cheap; past it every further per cent costs much more.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from jasyl.model.build import build_model
from jasyl.model.extract import assemble_result
from jasyl.model.inputs import PlanInputs
from jasyl.model.resolve import CapResolver
from jasyl.model.result import PlanResult

__all__ = ["DEFAULT_REDUCTIONS", "TradeoffPoint", "TradeoffCurve", "tradeoff_curve", "knee_index",
           "bracket_check", "co2_today_t"]

DEFAULT_REDUCTIONS: tuple[float, ...] = (0.5, 0.8, 0.9, 0.95, 0.99, 1.0)
#: step of the last-tonne finite difference, share of today's CO2
LAST_TONNE_STEP = 1e-3
#: ``strategy="auto"`` warm-starts the dual simplex up to this many hours and uses interior point beyond
WARM_MAX_HOURS = 2500


def co2_today_t(inp: PlanInputs) -> float:
    """Today's CO2 of the modelled system, t per year (the reference of every reduction)."""
    return float(sum(inp.baseline.get("co2_by_sector_t", {}).values()))


@dataclass
class TradeoffPoint:
    reduction: float  # share of today's CO2 removed, 0..1
    co2_t: float  # per year, in the plan
    total_annual_cost_usd: float
    average_cost_per_t_usd: float  # (cost - cost today) / (CO2 today - CO2)
    marginal_cost_per_t_usd: float  # shadow price of the CO2 cap
    capacities: dict[str, float]
    capacity_units: dict[str, str]
    seconds: float
    iterations: int
    solver: str
    result: PlanResult | None = field(default=None, repr=False)
    #: cost of the last tonne from a looser cap: (C(cap) - C(cap + d)) / d, d = 0.1 % of today's CO2.
    #: At a kink (e.g. the zero cap, where no tighter cap is feasible) the shadow price may be any value
    #: above it; this is the figure to quote as "what the last tonne costs".
    last_tonne_cost_per_t_usd: float = float("nan")

    def to_dict(self) -> dict[str, Any]:
        return {
            "reduction": self.reduction,
            "co2_t": _num(self.co2_t),
            "total_annual_cost_usd": _num(self.total_annual_cost_usd),
            "average_cost_per_t_usd": _num(self.average_cost_per_t_usd),
            "marginal_cost_per_t_usd": _num(self.marginal_cost_per_t_usd),
            "capacities": {k: _num(v) for k, v in self.capacities.items()},
            "capacity_units": dict(self.capacity_units),
            "last_tonne_cost_per_t_usd": _num(self.last_tonne_cost_per_t_usd),
            "seconds": _num(self.seconds),
            "solver": self.solver,
        }


@dataclass
class TradeoffCurve:
    city: str
    accounting: str
    co2_today_t: float
    cost_today_usd: float
    points: list[TradeoffPoint]
    seconds: float  # whole curve: build + every solve
    single_solve_seconds: float  # the first (cold) solve alone
    build_seconds: float
    hours: int
    strategy: str = "warm"
    workers: int = 1
    assumptions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def knee(self) -> TradeoffPoint | None:
        i = knee_index([p.reduction for p in self.points], [p.total_annual_cost_usd for p in self.points])
        return None if i is None else self.points[i]

    def segment_slopes(self) -> list[float]:
        """Finite-difference cost per tonne between each point and the one before it (NaN for the first)."""
        out = [float("nan")]
        for a, b in zip(self.points, self.points[1:], strict=False):
            d_co2 = a.co2_t - b.co2_t
            out.append((b.total_annual_cost_usd - a.total_annual_cost_usd) / d_co2 if d_co2 > 1e-9 else float("nan"))
        return out

    def to_dict(self) -> dict[str, Any]:
        knee = self.knee
        slopes = self.segment_slopes()
        points = []
        for p, s in zip(self.points, slopes, strict=True):
            d = p.to_dict()
            d["segment_cost_per_t_usd"] = _num(s)
            points.append(d)
        return {
            "city": self.city,
            "accounting": self.accounting,
            "co2_today_t": _num(self.co2_today_t),
            "cost_today_usd": _num(self.cost_today_usd),
            "points": points,
            "knee_reduction": None if knee is None else knee.reduction,
            "seconds": _num(self.seconds),
            "single_solve_seconds": _num(self.single_solve_seconds),
            "build_seconds": _num(self.build_seconds),
            "hours": self.hours,
            "strategy": self.strategy,
            "workers": self.workers,
        }


def _num(x: Any) -> Any:
    try:
        xf = float(x)
    except (TypeError, ValueError):
        return x
    return xf if math.isfinite(xf) else None


def knee_index(reductions: Sequence[float], costs: Sequence[float]) -> int | None:
    """Index of the knee: the interior point farthest below the chord of the [0, 1]-scaled curve."""
    x = np.asarray(reductions, dtype=float)
    y = np.asarray(costs, dtype=float)
    if len(x) < 3 or not np.all(np.isfinite(y)):
        return None
    xs = (x - x[0]) / (x[-1] - x[0]) if x[-1] != x[0] else np.zeros_like(x)
    ys = (y - y[0]) / (y[-1] - y[0]) if y[-1] != y[0] else np.zeros_like(y)
    below = xs - ys  # distance below the diagonal (up to a constant factor)
    i = int(np.argmax(below[1:-1])) + 1
    return i if below[i] > 1e-9 else None


def bracket_check(curve: TradeoffCurve, rel: float = 0.05) -> list[bool]:
    """Per point: does the marginal cost lie between the neighbouring segment slopes (within ``rel``)?"""
    slopes = curve.segment_slopes() + [float("nan")]
    ok = []
    for i, p in enumerate(curve.points):
        lo, hi = slopes[i], slopes[i + 1]
        m = p.marginal_cost_per_t_usd
        good = True
        if math.isfinite(lo):
            good &= m >= lo * (1 - rel) - 1e-6
        if math.isfinite(hi):
            good &= m <= hi * (1 + rel) + 1e-6
        ok.append(bool(good))
    return ok


def tradeoff_curve(
    inp: PlanInputs,
    reductions: Sequence[float] = DEFAULT_REDUCTIONS,
    *,
    accounting: str = "hourly",
    first_solver: str = "ipm",
    strategy: str = "auto",
    workers: int = 1,
    keep_results: bool = False,
    progress: Callable[[int, int, float], None] | None = None,
    build_options: dict[str, Any] | None = None,
) -> TradeoffCurve:
    """Least cost at each reduction (share of today's CO2), re-solving one HiGHS model in place.

    ``strategy``: ``warm`` (dual simplex from the previous point's basis), ``ipm`` (interior point at
    every point, the model reused) or ``auto`` (``warm`` up to :data:`WARM_MAX_HOURS` hours, where the
    simplex method is fast, ``ipm`` beyond; see docs/planner.md). ``workers`` > 1 splits the sorted
    points into that many chains solved at once in threads, each on its own copy of the HiGHS model
    (HiGHS releases the GIL). ``progress(i, n, reduction)`` is called before each solve.
    """
    start = time.perf_counter()
    red = sorted({float(r) for r in reductions})
    if not red or red[0] < 0 or red[-1] > 1:
        raise ValueError(f"reductions must lie in [0, 1], got {list(reductions)!r}")
    today = co2_today_t(inp)
    yf = inp.year_fraction
    base = replace(inp, co2_target_t=today * yf)
    if strategy == "auto":
        strategy = "warm" if inp.n_hours <= WARM_MAX_HOURS else "ipm"
    pm = build_model(base, **(build_options or {}))
    agg = (build_options or {}).get("aggregation")
    weight = None if agg is None else np.asarray(agg.hour_weight, dtype=float)
    resolver = CapResolver(pm, co2_offset_t=pm.co2_offset_t, first_solver=first_solver, strategy=strategy)
    n_workers = max(1, min(int(workers), len(red)))
    chains = [list(c) for c in np.array_split(np.arange(len(red)), n_workers)]
    if n_workers > 1:  # the upper chain starts at the tightest cap and loosens it (a warm start either way)
        chains[-1] = chains[-1][::-1]
    resolvers = [resolver] + [resolver.clone() for _ in chains[1:]]
    build_seconds = time.perf_counter() - start
    solved: dict[int, Any] = {}
    done = [0]

    delta = LAST_TONNE_STEP * today * yf
    last_tonne: dict[int, float] = {}

    def run_chain(k: int) -> None:
        for i in chains[k]:
            if progress is not None:
                progress(done[0], len(red), red[i])
            cap = (1.0 - red[i]) * today * yf
            solved[i] = resolvers[k].solve(cap)
            # the last tonne's cost from a slightly looser cap (a cheap warm step; with interior point
            # only at the tightest point, where the shadow price is least telling)
            if strategy == "warm" or i == len(red) - 1:
                looser = resolvers[k].solve(cap + delta)
                last_tonne[i] = (solved[i].solution.objective - looser.solution.objective) / delta
            done[0] += 1

    if n_workers == 1:
        run_chain(0)
    else:
        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            for fut in [pool.submit(run_chain, k) for k in range(n_workers)]:
                fut.result()
    first_seconds = float(solved[chains[0][0]].seconds)
    points: list[TradeoffPoint] = []
    for i, r in enumerate(red):
        cs = solved[i]
        cap = (1.0 - r) * today * yf
        res = assemble_result(replace(base, co2_target_t=cap), cs.solution, method=cs.solver, weight=weight)
        points.append(TradeoffPoint(
            reduction=r, co2_t=res.co2_after_t, total_annual_cost_usd=res.total_annual_cost_usd,
            average_cost_per_t_usd=res.cost_per_t_avoided_usd, marginal_cost_per_t_usd=cs.co2_dual_usd_per_t,
            capacities=dict(res.capacities), capacity_units=dict(res.capacity_units), seconds=cs.seconds,
            iterations=cs.iterations, solver=cs.solver, result=res if keep_results else None,
            last_tonne_cost_per_t_usd=last_tonne.get(i, float("nan")),
        ))
    return TradeoffCurve(
        city=inp.city, accounting=accounting, co2_today_t=today,
        cost_today_usd=float(inp.baseline.get("annual_cost_usd", float("nan"))), points=points,
        seconds=time.perf_counter() - start, single_solve_seconds=first_seconds, build_seconds=build_seconds,
        hours=inp.n_hours, strategy=strategy, workers=n_workers, assumptions=list(inp.assumptions),
    )
