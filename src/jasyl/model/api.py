"""``jasyl.plan``: the least-cost zero-carbon plan of a city, from Python."""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np

from jasyl.errors import SolveError
from jasyl.model.aggregate import aggregate_inputs, fix_design
from jasyl.model.build import build_model
from jasyl.model.catalogue import Catalogue, load_catalogue
from jasyl.model.city_inputs import PlanOptions, inputs_from_city
from jasyl.model.explain import explain_infeasible, explain_unbounded
from jasyl.model.extract import assemble_result
from jasyl.model.inputs import PlanInputs
from jasyl.model.result import PlanResult
from jasyl.model.solve import Solution, solve_model

__all__ = ["plan", "plan_inputs", "solve_inputs", "PlanResult", "PlanOptions"]


def _horizon(inp: PlanInputs, hours: int | tuple[int, int] | None) -> PlanInputs:
    if hours is None:
        return inp
    start, stop = (0, int(hours)) if isinstance(hours, int) else (int(hours[0]), int(hours[1]))
    if not 0 <= start < stop <= inp.n_hours:
        raise ValueError(f"hours must lie within 0..{inp.n_hours}, got {hours!r}")
    return inp.subset(start, stop)


METHODS = ("exact", "typical_days")
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


def plan_inputs(city: Any = None, weather: Any = None, target_co2_t: float = 0.0, *,
                catalogue: Catalogue | str | None = None, **options: Any) -> PlanInputs:
    """The full-year :class:`PlanInputs` of a city (see :func:`plan` for the options)."""
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    opt = PlanOptions(target_co2_t=float(target_co2_t), **options)
    return inputs_from_city(city, weather, options=opt, catalogue=cat)


def plan(
    city: Any = None,
    weather: Any = None,
    target_co2_t: float = 0.0,
    *,
    hours: int | tuple[int, int] | None = None,
    export_credit: bool = False,
    allow_export: bool = True,
    land_pv_km2: float | None = None,
    land_wind_km2: float | None = None,
    rooftop_km2: float | None = None,
    grid_import_max_mw: float | None = None,
    grid_export_max_mw: float | None = None,
    technologies: tuple[str, ...] | None = None,
    catalogue: Catalogue | str | None = None,
    highs_options: dict[str, Any] | None = None,
    method: str = "exact",
    typical_days: int = 40,
) -> PlanResult:
    """Least-cost plan meeting ``target_co2_t`` (t CO2 per year; default 0) in every hour of the year.

    Parameters
    ----------
    city:
        A :class:`jasyl.city.City`, a city name or file path; ``None`` is the embedded Konaev.
    weather:
        Weather frame for :func:`jasyl.profiles.build_profiles` (``None``: the city's default year).
    hours:
        Solve only the first ``hours`` hours, or ``(start, stop)``; costs and the target are scaled to
        that share of the year and results are reported per year. ``None``: the full year.
    export_credit:
        Credit exported electricity against the CO2 target at the grid combined-margin factor
        (default: no credit; the city's own emissions must reach the target).
    land_pv_km2, land_wind_km2, rooftop_km2, grid_import_max_mw, grid_export_max_mw:
        Optional limits (``None``: unlimited).
    technologies:
        Restrict the new technologies to these catalogue names.
    catalogue:
        A :class:`Catalogue` or the path of a technology YAML (default: embedded).
    method:
        ``"exact"`` (default): the full hourly LP (HiGHS interior point, no crossover).
        ``"typical_days"``: design on ``typical_days`` tsam typical days with seasonal storage linking,
        checked (and if needed repaired) on the full year; faster, about 1 % dearer designs.

    Raises
    ------
    jasyl.errors.SolveError
        With a plain explanation of the blocking limit when no plan exists.
    """
    inp = plan_inputs(city, weather, target_co2_t, catalogue=catalogue, export_credit=export_credit,
                      allow_export=allow_export, land_pv_km2=land_pv_km2, land_wind_km2=land_wind_km2,
                      rooftop_km2=rooftop_km2, grid_import_max_mw=grid_import_max_mw,
                      grid_export_max_mw=grid_export_max_mw, technologies=technologies)
    return solve_inputs(_horizon(inp, hours), highs_options=highs_options, method=method,
                        typical_days=typical_days)
