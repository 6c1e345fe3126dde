"""Use case ``tradeoff``: the cost-CO2 trade-off curve of a city (``jasyl tradeoff``, the web, sweeps).

:func:`run_tradeoff` loads the city once, builds its planner inputs under the options' accounting rule
and solves the curve with :func:`jasyl.model.tradeoff.tradeoff_curve` (one model, the CO2 row changed in
place). With ``method="typical_days"`` the curve is solved on typical days (tsam, seasonal storage
linking): fast enough for the plan report of a full year, about 1-3 % off the exact costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jasyl.city import City
from jasyl.errors import InputError
from jasyl.model.aggregate import aggregate_inputs
from jasyl.model.inputs import PlanInputs
from jasyl.model.tradeoff import TradeoffCurve, tradeoff_curve
from jasyl.planning.city_inputs import CityData, inputs_from_city, profiles_for
from jasyl.planning.options import TradeoffOptions, input_options
from jasyl.progress import ProgressCallback, stage

__all__ = ["TradeoffOutcome", "run_tradeoff", "curve_of_inputs", "REPORT_TYPICAL_DAYS"]

#: typical days of the plan report's curve (full-year runs)
REPORT_TYPICAL_DAYS = 24


@dataclass(frozen=True)
class TradeoffOutcome:
    options: TradeoffOptions
    city: City
    curve: TradeoffCurve
    method: str  # "exact" or "typical_days"


def curve_of_inputs(inp: PlanInputs, points: tuple[float, ...], *, accounting: str, method: str = "exact",
                    workers: int = 1, progress: Any = None) -> TradeoffCurve:
    """The curve of ready inputs; ``method="typical_days"`` solves it on tsam typical days."""
    if method == "typical_days" and inp.n_hours % 24 == 0 and inp.n_hours // 24 > REPORT_TYPICAL_DAYS + 4:
        agg_inp, agg = aggregate_inputs(inp, REPORT_TYPICAL_DAYS)
        return tradeoff_curve(agg_inp, points, accounting=accounting, workers=workers, progress=progress,
                              build_options={"aggregation": agg})
    return tradeoff_curve(inp, points, accounting=accounting, workers=workers, progress=progress)


def run_tradeoff(options: TradeoffOptions, progress: ProgressCallback | None = None) -> TradeoffOutcome:
    """Load the city, build its inputs and solve the curve (stages ``inventory``, ``profiles``, ``tradeoff``)."""
    with stage(progress, "inventory"):
        data = CityData.load(options.city)
    with stage(progress, "profiles"):
        inputs = inputs_from_city(data, profiles_for(data, options.weather), input_options(options))
        if options.hours is not None:
            if options.hours > inputs.n_hours:
                raise InputError(f"the weather has only {inputs.n_hours} hours", field="hours",
                                 fix=f"give at most {inputs.n_hours}")
            inputs = inputs.subset(0, options.hours)
    with stage(progress, "tradeoff") as rep:
        def tick(i: int, n: int, reduction: float) -> None:
            rep.update(f"{i + 1}/{n}: {100 * reduction:.0f} %", fraction=i / n)

        curve = curve_of_inputs(inputs, options.points, accounting=options.accounting, method=options.method,
                                workers=options.workers, progress=tick)
    return TradeoffOutcome(options, data.city, curve, options.method)
