"""Solving planner inputs: the exact hourly LP or typical days checked hour by hour, with explanations.

:func:`solve_inputs` takes :class:`~jasyl.model.inputs.PlanInputs` and returns a
:class:`~jasyl.model.result.PlanResult`; making the inputs of a city is :mod:`jasyl.planning`'s job
(``jasyl.plan`` / :func:`jasyl.planning.run`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Any

import numpy as np

from jasyl.errors import SolveError
from jasyl.model.aggregate import aggregate_inputs, fix_design
from jasyl.model.build import build_model
from jasyl.model.explain import explain_infeasible, explain_unbounded
from jasyl.model.extract import assemble_result
from jasyl.model.inputs import PlanInputs
from jasyl.model.result import PlanResult
from jasyl.model.solve import Solution, solve_model, solver_label
from jasyl.vocabulary import PLAN_METHODS

__all__ = ["solve_inputs", "METHODS", "PlanResult"]


METHODS = PLAN_METHODS
log = logging.getLogger(__name__)


def _solve_or_explain(inp: PlanInputs, pm: Any, highs_options: dict[str, Any] | None) -> Solution:
    try:
        return solve_model(pm, highs_options=highs_options)
    except SolveError as exc:
        term = getattr(exc, "termination", "")
        if "unbounded" in term and "infeasible" not in term:
            raise SolveError(explain_unbounded(inp)) from None
        if "infeasible" in term or "unbounded" in term:
            raise SolveError(explain_infeasible(inp)) from None
        raise


def _shortfalls(pm: Any, sol: Solution, inp: PlanInputs, tol: float = 1e-6) -> tuple[set[int], float]:
    """What a fixed design misses on the full year: (days with unserved demand, CO2 above the target in t).

    Tolerances are relative (``tol`` x peak demand, ``tol`` x today's CO2): the interior-point solver
    without crossover leaves residuals of that order, which are not failures of the design.
    """
    bad: set[int] = set()
    for name in pm.slacks:
        if name.startswith("unserved_"):
            bus = name.removeprefix("unserved_")
            peak = float(np.max(inp.demand.get(bus, np.zeros(1)), initial=1.0))
            v = np.asarray(sol.values[f"slack_{name}"])
            bad |= {int(h) // 24 for h in np.flatnonzero(v > tol * peak)}
    co2_scale = sum(inp.baseline.get("co2_by_sector_t", {}).values()) * inp.year_fraction
    co2_tol = tol * max(1.0, co2_scale, abs(inp.co2_target_t))
    excess = float(np.ravel(sol.values.get("slack_co2", np.zeros(1)))[0])
    return bad, excess if excess > co2_tol else 0.0


def _typical_days(inp: PlanInputs, highs_options: dict[str, Any] | None, typical_days: int,
                  max_rounds: int, start: float) -> PlanResult | None:
    """Design on typical days, check it on the full year; ``None`` if the exact LP must be solved instead.

    A design that leaves demand unserved on some days is redesigned with those days kept as they are
    (pinned periods); one that emits more CO2 over the year than the target is redesigned with the
    typical-day target lowered by the excess. The CO2 cap is one number for the year, so an excess is
    not blamed on the days that emit (with export credits, every day may emit).
    """
    n_days = inp.n_hours // 24
    pinned: set[int] = set()
    co2_cut = 0.0
    # dual simplex wins on both the small aggregated LP and the capacity-free full-year check
    # (measured on Konaev: check 2.4 s with simplex vs 44 s with IPM)
    small = highs_options if highs_options is not None else {"solver": "simplex"}
    for round_ in range(max_rounds):
        if n_days - len(pinned) <= typical_days:  # no reduction left: the exact LP is as small
            return None
        t0 = time.perf_counter()
        target = replace(inp, co2_target_t=inp.co2_target_t - co2_cut) if co2_cut else inp
        agg_inp, agg = aggregate_inputs(target, typical_days, pinned=tuple(sorted(pinned)))
        t1 = time.perf_counter()
        try:
            sol_a = solve_model(build_model(agg_inp, aggregation=agg), highs_options=small)
        except SolveError:  # e.g. a lowered CO2 target the typical days cannot reach
            return None
        design = assemble_result(agg_inp, sol_a, method="design").capacities
        t2 = time.perf_counter()
        check = build_model(fix_design(inp, design), relax=frozenset({"co2", "unserved"}))
        sol = solve_model(check, highs_options=small)
        failed, excess = _shortfalls(check, sol, inp)
        log.info("typical days round %d: %d periods, tsam %.1f s, design %.1f s, check %.1f s, "
                 "%d days short, %.1f t CO2 above the target", round_, agg.n_periods, t1 - t0, t2 - t1,
                 time.perf_counter() - t2, len(failed), excess)
        if not failed and not excess:
            sol.seconds = time.perf_counter() - start
            return assemble_result(
                inp, sol, method=f"typical days ({agg.n_periods} incl. extreme and pinned days, tsam) "
                f"+ full-year check ({round_ + 1} round(s))")
        if failed <= pinned and not excess:  # nothing new to learn from
            return None
        pinned |= failed
        co2_cut += excess
    return None


def solve_inputs(inp: PlanInputs, *, highs_options: dict[str, Any] | None = None, method: str = "exact",
                 typical_days: int = 40, max_rounds: int = 4) -> PlanResult:
    """Build, solve and assemble; infeasible or unbounded problems raise an explained SolveError.

    ``method="exact"``: the full hourly LP. ``method="typical_days"``: design on ``typical_days``
    typical days (plus extreme days) with seasonal storage linking, then the full-year check with the
    design fixed; if the fixed design misses an hour or the CO2 target, the exact LP is solved instead
    (the result's ``method`` says which).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    start = time.perf_counter()
    # exact is the fastest mode within 0.1 % of the optimum: typical days miss it (docs/planner.md, issue 16)
    label = (f"exact hourly LP (linopy + {solver_label(highs_options)}), the fastest mode within 0.1 % of the "
             "optimum")
    if method == "typical_days" and inp.n_hours % 24 == 0 and inp.n_hours // 24 > typical_days + 4:
        result = _typical_days(inp, highs_options, typical_days, max_rounds, start)
        if result is not None:
            return result
        label = (f"exact hourly LP (linopy + {solver_label(highs_options)}; the typical-day design failed the "
                 "full-year check)")
    sol = _solve_or_explain(inp, build_model(inp), highs_options)
    sol.seconds = time.perf_counter() - start
    return assemble_result(inp, sol, method=label)
