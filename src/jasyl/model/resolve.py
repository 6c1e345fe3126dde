"""Re-solve one plan LP as only its CO2 cap changes (the cost-CO2 trade-off curve).

The linopy model is turned into a HiGHS problem once (``highspy.Highs``); each point of the curve then
changes the bounds of the single ``co2_cap`` row in place and re-runs HiGHS. After the first solve HiGHS
keeps the optimal basis, and a change of a row bound leaves that basis dual feasible, so the dual simplex
method restarts from it and needs a few hundred iterations instead of a fresh solve. The first point is
solved with the interior-point method plus crossover (to obtain a basis) or with the dual simplex
method, whichever ``first_solver`` says; docs/planner.md gives the measurements behind the default.

The shadow price of the ``co2_cap`` row (HiGHS row dual; negative for a binding ``<=`` row of a
minimisation) is the marginal cost of the last tonne: ``-dual`` USD per t CO2, both over the model's
horizon, so it is a price per tonne whatever the horizon.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np

from jasyl.errors import SolveError
from jasyl.model.build import PlanModel
from jasyl.model.solve import DEFAULT_HIGHS_OPTIONS, Solution

__all__ = ["CapResolver", "CapSolution", "CO2_ROW", "STRATEGIES"]

CO2_ROW = "co2_cap"
_PROVEN = (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kInfeasible,
           highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible)
#: ``warm``: first solve IPM + crossover (or dual simplex), the next ones dual simplex from the previous
#: basis; ``ipm``: every solve interior point without crossover (no warm start; the model is reused)
STRATEGIES = ("warm", "ipm")


@dataclass
class CapSolution:
    """One solve at one CO2 cap."""

    co2_cap_t: float  # over the horizon
    solution: Solution  # values by linopy variable name, objective incl. the constant
    co2_dual_usd_per_t: float  # -(row dual): cost of tightening the cap by one tonne (>= 0)
    iterations: int
    seconds: float
    solver: str
    extra: dict[str, Any] = field(default_factory=dict)


class CapResolver:
    """A plan LP held by HiGHS whose CO2 cap can be changed and re-solved in place.

    ``co2_offset_t`` is the part of the CO2 total that the model keeps outside the row (the fuel CO2 of a
    fully fossil fleet); ``solve(cap)`` sets the row's upper bound to ``cap - co2_offset_t``.
    """

    def __init__(self, pm: PlanModel, *, co2_offset_t: float = 0.0, threads: int = 1,
                 first_solver: str = "ipm", options: dict[str, Any] | None = None,
                 strategy: str = "warm") -> None:
        if CO2_ROW not in pm.model.constraints:
            raise ValueError("the model has no CO2 cap row; build it with a finite co2_target_t")
        self.pm = pm
        self.co2_offset_t = float(co2_offset_t)
        if strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
        self.first_solver = first_solver
        self.strategy = strategy
        self.threads = int(threads)
        self.options = dict(options or {})
        self.n_solves = 0
        self._solver_option = ""
        start = time.perf_counter()
        m = pm.model
        mat = m.matrices
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", int(threads))
        vlabels = np.asarray(mat.vlabels)
        clabels = np.asarray(mat.clabels)
        h.addVars(len(vlabels), np.asarray(mat.lb, dtype=float), np.asarray(mat.ub, dtype=float))
        c = np.asarray(mat.c, dtype=float)
        h.changeColsCost(len(c), np.arange(len(c), dtype=np.int32), c)
        if mat.A is None:
            raise ValueError("the model has no constraints")
        a = mat.A.tocsr()
        sense = np.asarray(mat.sense)
        b = np.asarray(mat.b, dtype=float)
        lower = np.where(sense != "<", b, -np.inf)
        upper = np.where(sense != ">", b, np.inf)
        h.addRows(a.shape[0], lower, upper, a.nnz, a.indptr, a.indices, a.data)
        self.highs = h
        label = int(np.asarray(m.constraints[CO2_ROW].labels).item())
        rows = np.flatnonzero(clabels == label)
        if len(rows) != 1:
            raise ValueError("the CO2 cap row was not found in the HiGHS model")
        self.row = int(rows[0])
        # column of every linopy label (-1: not in the matrix)
        col_of = np.full(int(vlabels.max(initial=-1)) + 2, -1, dtype=np.int64)
        col_of[vlabels] = np.arange(len(vlabels))
        self._columns = {name: col_of[np.asarray(var.labels).ravel()] for name, var in m.variables.items()}
        self.build_seconds = time.perf_counter() - start

    def clone(self) -> CapResolver:
        """Another resolver of the same model with its own HiGHS instance (for a second worker thread)."""
        twin = object.__new__(CapResolver)
        twin.__dict__.update(self.__dict__)
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", self.threads)
        h.passModel(self.highs.getLp())
        twin.highs = h
        twin.n_solves = 0
        return twin

    # ------------------------------------------------------------------ solving
    def _set_solver(self, first: bool) -> str:
        h = self.highs
        for key, value in self.options.items():
            h.setOptionValue(key, value)
        if self.strategy == "ipm":  # the planner's own interior-point settings
            for key, value in DEFAULT_HIGHS_OPTIONS.items():
                h.setOptionValue(key, value)
            self._solver_option = str(DEFAULT_HIGHS_OPTIONS.get("solver", ""))
            return "interior point (model reused, no warm start)"
        self._solver_option = "ipm" if first and self.first_solver == "ipm" else "simplex"
        if first and self.first_solver == "ipm":
            h.setOptionValue("solver", "ipm")
            h.setOptionValue("run_crossover", "on")
            return "ipm + crossover"
        h.setOptionValue("solver", "simplex")
        h.setOptionValue("simplex_strategy", 1)  # dual simplex: the basis stays dual feasible
        return "dual simplex" + ("" if first else " (warm start)")

    def solve(self, co2_cap_t: float) -> CapSolution:
        """Solve with the CO2 cap ``co2_cap_t`` (t over the horizon); raise SolveError if not optimal."""
        h = self.highs
        h.changeRowBounds(self.row, -np.inf, float(co2_cap_t) - self.co2_offset_t)
        label = self._set_solver(self.n_solves == 0)
        start = time.perf_counter()
        h.run()
        status = h.getModelStatus()
        if status not in _PROVEN and self._solver_option == "hipo":
            # HiPO (and the IPX run it restarts with) gave up without proof: IPX from scratch, as solve_model
            h.setOptionValue("solver", "ipx")
            h.run()
            status = h.getModelStatus()
            label += "; IPX after HiPO stopped"
        seconds = time.perf_counter() - start
        self.n_solves += 1
        if status != highspy.HighsModelStatus.kOptimal:
            err = SolveError(f"no optimal plan at a CO2 cap of {co2_cap_t:,.0f} t "
                             f"(HiGHS: {h.modelStatusToString(status)})")
            err.termination = h.modelStatusToString(status).lower()  # type: ignore[attr-defined]
            raise err
        info = h.getInfo()
        sol = h.getSolution()
        x = np.asarray(sol.col_value, dtype=float)
        values = {}
        for name, cols in self._columns.items():
            v = np.where(cols >= 0, x[np.maximum(cols, 0)], np.nan)
            values[name] = v
        objective = float(info.objective_function_value) + self.pm.objective_constant
        dual = float(np.asarray(sol.row_dual)[self.row])
        iterations = int(info.simplex_iteration_count) + int(info.ipm_iteration_count)
        solution = Solution(status="ok", termination="optimal", objective=objective, values=values,
                            seconds=seconds)
        return CapSolution(co2_cap_t=float(co2_cap_t), solution=solution, co2_dual_usd_per_t=max(0.0, -dual),
                           iterations=iterations, seconds=seconds, solver=label)
