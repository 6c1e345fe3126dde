"""Solve a :class:`~jasyl.model.build.PlanModel` with HiGHS and read the solution into arrays."""

from __future__ import annotations

import functools
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np

from jasyl.errors import SolveError
from jasyl.model.build import PlanModel

__all__ = ["Solution", "solve_model", "DEFAULT_HIGHS_OPTIONS", "SOLVER_OPTIONS", "hipo_available",
           "highs_options", "solver_label"]

log = logging.getLogger(__name__)

_TOLERANCES: dict[str, Any] = {
    "ipm_optimality_tolerance": 1e-8,
    "primal_feasibility_tolerance": 1e-7,
    "dual_feasibility_tolerance": 1e-7,
}
# The HiGHS settings the planner uses, in one place (measured on the full-year Konaev LP; docs/planner.md):
# * "hipo": HiGHS's new interior-point solver (needs the METIS/AMD/BLAS features of the highspy-extras
#   package), no crossover: 2.5x less CPU than IPX on the full year, same optimum to 1e-9;
# * "ipx": the older interior-point solver, no crossover (what HiPO is without its features);
# * "simplex": dual simplex, a vertex solution (small LPs, the fixed-design full-year check, warm starts).
SOLVER_OPTIONS: dict[str, dict[str, Any]] = {
    "hipo": {"solver": "hipo", "run_crossover": "off", **_TOLERANCES},
    "ipx": {"solver": "ipx", "run_crossover": "off", **_TOLERANCES},
    "simplex": {"solver": "simplex"},
}


@functools.cache
def hipo_available() -> bool:
    """Whether HiGHS's HiPO solver runs here (it needs METIS, AMD and BLAS from highspy-extras of the
    same version as highspy).

    Without them HiGHS prints an error and silently solves with dual simplex instead, an order of
    magnitude slower on the full year. So HiPO is asked to solve a two-variable LP, and it counts only
    if interior-point iterations were done.
    """
    h = highspy.Highs()
    probe: dict[str, bool | int | str] = {"output_flag": False, "solver": "hipo", "presolve": "off",
                                          "run_crossover": "off", "threads": 1}
    for key, value in probe.items():
        h.setOptionValue(key, value)
    h.addVars(2, np.zeros(2), np.full(2, 10.0))
    h.changeColsCost(2, np.arange(2, dtype=np.int32), np.array([1.0, 2.0]))
    h.addRow(1.0, highspy.kHighsInf, 2, np.arange(2, dtype=np.int32), np.ones(2))
    try:
        h.run()
        return h.getInfo().ipm_iteration_count > 0
    except Exception:  # an extras build HiGHS cannot use is no extras at all
        return False


def highs_options(kind: str = "default") -> dict[str, Any]:
    """A copy of the HiGHS options for ``kind`` (``"default"``, ``"hipo"``, ``"ipx"`` or ``"simplex"``);
    ``"hipo"`` falls back to ``"ipx"`` when HiPO lacks its features."""
    if kind == "default":
        kind = "hipo"
    if kind == "hipo" and not hipo_available():
        kind = "ipx"
    return dict(SOLVER_OPTIONS[kind])


_SOLVER_NAMES = {"hipo": "HiPO interior point", "ipx": "IPX interior point", "ipm": "interior point",
                 "simplex": "dual simplex", "pdlp": "PDLP first-order"}


def solver_label(options: dict[str, Any] | None = None) -> str:
    """What HiGHS runs with ``options`` (default: :data:`DEFAULT_HIGHS_OPTIONS`), in words, e.g.
    ``"HiGHS HiPO interior point, no crossover"``."""
    opts = DEFAULT_HIGHS_OPTIONS if options is None else options
    kind = str(opts.get("solver", "choose"))
    if kind == "hipo" and not hipo_available():
        kind = "ipx"
    if kind == "choose":
        return "HiGHS (its own choice of solver)"
    name = _SOLVER_NAMES.get(kind, kind)
    crossover = ", no crossover" if kind in ("hipo", "ipx", "ipm") and opts.get("run_crossover") == "off" else ""
    return f"HiGHS {name}{crossover}"


_PROVEN = ("optimal", "infeasible", "unbounded", "infeasible_or_unbounded")

# What solve_model uses unless told otherwise (HiPO when highspy-extras is installed, else IPX).
DEFAULT_HIGHS_OPTIONS: dict[str, Any] = highs_options()


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
    if options.get("solver") == "hipo" and not hipo_available():
        options = {**options, "solver": "ipx"}  # not HiGHS's own fallback, dual simplex
    options.setdefault("output_flag", False)
    options.setdefault("threads", 1)
    start = time.perf_counter()
    logging.getLogger("linopy").setLevel(logging.ERROR)
    status, termination = _run(pm, options)
    if options.get("solver") == "hipo" and termination not in _PROVEN:
        # HiPO (and the IPX run it restarts with) gave up without proof of anything: try IPX from scratch
        log.warning("HiPO stopped with %s; solving again with IPX", termination)
        status, termination = _run(pm, {**options, "solver": "ipx"})
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


def _run(pm: PlanModel, options: dict[str, Any]) -> tuple[str, str]:
    try:
        status, termination = pm.model.solve(solver_name="highs", io_api="direct", **options)
    except Exception as exc:  # solver failures are reported, not dumped
        raise SolveError(f"the HiGHS solver failed: {exc}") from exc
    return str(status), str(termination)
