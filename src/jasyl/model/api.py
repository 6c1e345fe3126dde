"""Solving planner inputs: the exact hourly LP or typical days checked hour by hour, with explanations.

:func:`solve_inputs` takes :class:`~jasyl.model.inputs.PlanInputs` and returns a
:class:`~jasyl.model.result.PlanResult`; making the inputs of a city is :mod:`jasyl.planning`'s job
(``jasyl.plan`` / :func:`jasyl.planning.run`).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np

from jasyl.errors import SolveError
from jasyl.model.aggregate import aggregate_inputs, fix_design
from jasyl.model.build import build_model
from jasyl.model.explain import explain_infeasible, explain_unbounded
from jasyl.model.extract import assemble_result
from jasyl.model.inputs import PlanInputs
from jasyl.model.result import PlanResult
from jasyl.model.solve import Solution, solve_model
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


def _failed_days(pm: Any, sol: Solution, inp: PlanInputs, tol: float = 1e-6) -> set[int]:
    """Days on which a fixed design leaves demand unserved or needs CO2 beyond the target.

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
    if float(np.ravel(sol.values.get("slack_co2", np.zeros(1)))[0]) > co2_tol:
        emitting = np.zeros(inp.n_hours)
        if "grid_import" in sol.values:
            emitting += np.asarray(sol.values["grid_import"]) * inp.import_co2_per_mwh
        for f in inp.fossil:
            emitting += np.asarray(sol.values[f"fossil_{f.name}"]) * f.co2_per_mwh
        bad |= {int(h) // 24 for h in np.flatnonzero(emitting > co2_tol / 24)}
    return bad


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
    if method == "typical_days" and inp.n_hours % 24 == 0 and inp.n_hours // 24 > typical_days + 4:
        pinned: tuple[int, ...] = ()
        # dual simplex wins on both the small aggregated LP and the capacity-free full-year check
        # (measured on Konaev: check 2.4 s with simplex vs 44 s with IPM)
        small = highs_options if highs_options is not None else {"solver": "simplex"}
        for _round in range(max_rounds):
            t0 = time.perf_counter()
            agg_inp, agg = aggregate_inputs(inp, typical_days, pinned=pinned)
            t1 = time.perf_counter()
            sol_a = _solve_or_explain(inp, build_model(agg_inp, aggregation=agg), small)
            design = assemble_result(agg_inp, sol_a, method="design").capacities
            t2 = time.perf_counter()
            check = build_model(fix_design(inp, design), relax=frozenset({"co2", "unserved"}))
            sol = solve_model(check, highs_options=small)
            failed = _failed_days(check, sol, inp)
            log.info("typical days round %d: %d periods, tsam %.1f s, design %.1f s, check %.1f s, %d failed days",
                     _round, agg.n_periods, t1 - t0, t2 - t1, time.perf_counter() - t2, len(failed))
            if not failed:
                sol.seconds = time.perf_counter() - start
                return assemble_result(
                    inp, sol, method=f"typical days ({agg.n_periods} incl. extreme and pinned days, tsam) "
                    f"+ full-year check ({_round + 1} round(s))")
            if failed <= set(pinned):  # nothing new to learn from: give up on the typical-day design
                break
            pinned = tuple(sorted(set(pinned) | failed))
        label = "exact hourly LP (typical-day design failed the full-year check)"
    else:
        label = "exact hourly LP (linopy + HiGHS)"
    sol = _solve_or_explain(inp, build_model(inp), highs_options)
    sol.seconds = time.perf_counter() - start
    return assemble_result(inp, sol, method=label)
