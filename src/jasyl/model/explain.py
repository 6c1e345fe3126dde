"""Explain why a plan has no solution, in plain words, and say what to relax.

Method: the model is solved again with penalised slack variables (see
:func:`jasyl.model.build.build_model` ``relax=``):

1. slack on the CO2 cap only -> the lowest CO2 the system can reach within its limits;
2. slack on the land, roof, capacity and grid limits only (CO2 cap kept) -> which limits would have to
   grow, and by how much, to reach the target.

The resulting text names the blocking constraint and the option to change; it is raised as
:class:`jasyl.errors.SolveError`.
"""

from __future__ import annotations

from jasyl.errors import SolveError
from jasyl.model.build import build_model
from jasyl.model.inputs import PlanInputs
from jasyl.model.solve import solve_model

__all__ = ["explain_infeasible", "explain_unbounded"]

_TOL = 1e-4


def _fmt(x: float) -> str:
    return f"{x:,.1f}" if abs(x) < 100 else f"{x:,.0f}"


def _relaxed(inp: PlanInputs, relax: frozenset[str]) -> dict[str, float] | None:
    pm = build_model(inp, relax=relax)
    try:
        sol = solve_model(pm, highs_options={"solver": "simplex"})
    except SolveError:
        return None
    return {k: float(sol.values[f"{v.name}"]) for k, v in pm.slacks.items()}


def explain_infeasible(inp: PlanInputs) -> str:
    """A plain-language explanation of an infeasible plan."""
    yf = inp.year_fraction
    target = inp.co2_target_t / yf
    lines: list[str] = []
    co2_only = _relaxed(inp, frozenset({"co2"}))
    limits_only = _relaxed(inp, frozenset({"limits"}))
    if co2_only is not None and co2_only.get("co2", 0.0) > _TOL:
        reach = target + co2_only["co2"] / yf
        lines.append(
            f"The CO2 target of {_fmt(target)} t/yr cannot be met within the given limits: the lowest "
            f"CO2 this system can reach is {_fmt(reach)} t/yr."
        )
    if limits_only is not None:
        blocking = {k: v for k, v in limits_only.items() if v > _TOL}
        if blocking:
            lines.append("The target is blocked by these limits (and what they would need to be):")
            for key, amount in sorted(blocking.items(), key=lambda kv: -kv[1]):
                label = inp.limit_labels.get(key, key)
                unit = "km2" if key.startswith("land_") else "MW"
                current = _current_limit(inp, key)
                lines.append(f"  - {label}: {_fmt(current)} {unit} -> at least {_fmt(current + amount)} {unit}")
            if co2_only is not None and co2_only.get("co2", 0.0) > _TOL:
                lines.append("Relax one of these limits, or raise the CO2 target to at least "
                             f"{_fmt(target + co2_only['co2'] / yf)} t/yr.")
            else:
                lines.append("Relax one of these limits (the CO2 target is not what blocks this plan).")
    if not lines:
        lines.append(
            "No plan satisfies the hourly energy balances even without the CO2 target and the land and "
            "grid limits: some demand has no possible supply (check that technologies are not excluded and "
            "that the existing capacities and grid import limit cover the peak demand)."
        )
    elif limits_only is None and co2_only is not None:
        lines.append("Relax the CO2 target: no change to the land, roof or grid limits alone makes it reachable.")
    return "\n".join(lines)


def _current_limit(inp: PlanInputs, key: str) -> float:
    if key.startswith("land_"):
        for lim in inp.land_limits:
            if f"land_{lim.name}" == key:
                return lim.limit_km2
    if key == "grid_import":
        return inp.import_max_mw
    if key.startswith("cap_"):
        name = key[4:]
        for g in inp.generators:
            if g.name == name:
                return g.max_mw
        for c in inp.converters:
            if c.name == name:
                return c.max_mw
    return float("nan")


def explain_unbounded(inp: PlanInputs) -> str:
    """A plain-language explanation of an unbounded plan."""
    return (
        f"The plan is unbounded: exporting electricity at {inp.export_price:g} USD/MWh pays more than some "
        "technology costs, so the optimiser would build without limit. Set a grid export limit "
        "(grid_export_max_mw), lower the export price in the technology catalogue, or switch exports off."
    )
