"""Solve a :class:`~jasyl.model.build.PlanModel` with HiGHS and read the solution into arrays."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from jasyl.errors import SolveError
from jasyl.model.build import PlanModel

__all__ = ["Solution", "solve_model", "DEFAULT_HIGHS_OPTIONS"]

# Chosen by measurement on the full-year Konaev model (benchmarks/bench_planner.py, docs/planner.md).
DEFAULT_HIGHS_OPTIONS: dict[str, Any] = {
    "solver": "ipm",
    "run_crossover": "off",
    "ipm_optimality_tolerance": 1e-8,
    "primal_feasibility_tolerance": 1e-7,
    "dual_feasibility_tolerance": 1e-7,
}


@dataclass
class Solution:
    """Optimal values of a solved plan (arrays over hours, scalars for capacities)."""

    status: str
    termination: str
    objective: float  # including the constant part (fuel of a fully fossil fleet)
    values: dict[str, np.ndarray] = field(default_factory=dict)
    seconds: float = 0.0


def solve_model(pm: PlanModel, *, highs_options: dict[str, Any] | None = None) -> Solution:
    """Solve with HiGHS; raise :class:`SolveError` unless an optimal solution is found.

    Infeasible and unbounded models raise a bare ``SolveError``; :func:`jasyl.model.explain.explain`
    turns that into a plain explanation (``jasyl.plan`` does this automatically).
    """
    options = dict(DEFAULT_HIGHS_OPTIONS if highs_options is None else highs_options)
    options.setdefault("output_flag", False)
    options.setdefault("threads", 1)
    start = time.perf_counter()
    logging.getLogger("linopy").setLevel(logging.ERROR)
    try:
        status, termination = pm.model.solve(solver_name="highs", io_api="direct", **options)
    except Exception as exc:  # solver failures are reported, not dumped
        raise SolveError(f"the HiGHS solver failed: {exc}") from exc
    seconds = time.perf_counter() - start
    if status != "ok" or termination != "optimal":
        err = SolveError(f"no optimal plan (solver status {status}, termination {termination})")
        err.termination = str(termination)  # type: ignore[attr-defined]
        raise err
    values = {name: np.asarray(var.solution.values, dtype=float) for name, var in pm.model.variables.items()}
    hourly = [name for name, var in pm.model.variables.items() if "t" in var.dims]
    if np.isfinite(pm.flow_bound_mw) and any(
            float(np.nanmax(values[name], initial=0.0)) >= 0.5 * pm.flow_bound_mw for name in hourly):
        err = SolveError("the plan is unbounded in practice: an hourly flow reaches "
                         f"{0.5 * pm.flow_bound_mw:,.0f} MW, 1,000 times the size of the city's energy system")
        err.termination = "unbounded"  # type: ignore[attr-defined]
        raise err
    objective = float(pm.model.objective.value or 0.0) + pm.objective_constant
    return Solution(status=status, termination=termination, objective=objective, values=values, seconds=seconds)
