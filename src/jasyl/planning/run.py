"""Use case ``plan``: inventory -> hourly profiles -> least-cost plan, with its MACC and pathway.

:func:`run_plan` is what ``jasyl plan`` and the web call; it computes and returns a
:class:`PlanOutcome` that :func:`jasyl.report.write_plan_outputs` turns into the report and files.
:func:`plan` is the plain Python entry (``jasyl.plan``): a :class:`~jasyl.model.result.PlanResult`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jasyl.abatement.balance import build_context
from jasyl.abatement.macc import MaccResult, compute_macc
from jasyl.city import City
from jasyl.errors import InputError
from jasyl.i18n import translate
from jasyl.inventory import Inventory
from jasyl.measures import MeasureLibrary, load_measures
from jasyl.model.api import solve_inputs
from jasyl.model.city_inputs import InputOptions
from jasyl.model.inputs import PlanInputs
from jasyl.model.result import PlanResult
from jasyl.model.tradeoff import DEFAULT_REDUCTIONS, WARM_MAX_HOURS, TradeoffCurve
from jasyl.pathway.result import Pathway
from jasyl.planning.background import BackgroundPathway, worth_a_process
from jasyl.planning.city_inputs import CityData, inputs_from_city, profiles_for
from jasyl.planning.options import PlanOptions, input_options
from jasyl.planning.pathway import cached_pathway, run_pathway
from jasyl.planning.tradeoff import curve_of_inputs
from jasyl.progress import ProgressCallback, stage
from jasyl.technologies import Catalogue, load_catalogue

__all__ = ["PlanOutcome", "run_plan", "plan", "plan_inputs", "input_options"]


@dataclass(frozen=True)
class PlanOutcome:
    """Everything one plan run computed (the report and ``summary.json`` are drawn from it)."""

    options: PlanOptions
    city: City
    inventory: Inventory
    result: PlanResult
    measures: MeasureLibrary
    macc: MaccResult
    pathway: Pathway | None
    tradeoff: TradeoffCurve | None = None  # the report's cost-CO2 curve (options.tradeoff)
    tradeoff_method: str = "exact"

    @property
    def weather_synthetic(self) -> bool:
        return self.options.weather is None


#: horizons from this many hours up run the pathway beside the plan (shorter ones are quick in one process)
BACKGROUND_MIN_HOURS = 2160


def _long_horizon(options: PlanOptions) -> bool:
    return options.hours is None or options.hours >= BACKGROUND_MIN_HOURS


def run_plan(options: PlanOptions, progress: ProgressCallback | None = None, *,
             background: bool = True) -> PlanOutcome:
    """Run the plan of ``options``: stages ``inventory``, ``profiles``, ``optimise``, ``macc`` and
    ``pathway`` (when ``options.pathway``); raises :class:`jasyl.errors.JasylError` on bad input.

    With ``background`` (and more than one core and a horizon of at least :data:`BACKGROUND_MIN_HOURS`),
    a pathway that is not cached yet is solved in a separate process while the plan is optimised
    (:mod:`jasyl.planning.background`); the result is the same as in one process."""
    with stage(progress, "inventory"):
        data = CityData.load(options.city)
    with stage(progress, "profiles"):
        profiles = profiles_for(data, options.weather)
        inputs = inputs_from_city(data, profiles, input_options(options))
        if options.hours is not None and options.hours > inputs.n_hours:
            raise InputError(translate("plan.cli.error.hours", options.language, max=inputs.n_hours), field="hours",
                             fix=translate("plan.cli.error.hours_fix", options.language))
        horizon = inputs.subset(0, options.hours) if options.hours is not None else inputs
    library = load_measures(options.measures)
    pathway = None
    side: BackgroundPathway | None = None
    if options.pathway:
        pathway = cached_pathway(options.pathway_options(), data, library)
        if pathway is None and background and _long_horizon(options) and worth_a_process():
            side = BackgroundPathway(options.pathway_options(), data, library, profiles)
    try:
        with stage(progress, "optimise"):
            result = solve_inputs(horizon, method=options.method)
        with stage(progress, "macc"):
            ctx = build_context(data.city, library, energy=data.final_energy, inventory=data.inventory)
            macc = compute_macc(ctx=ctx)
        if side is not None:
            with stage(progress, "pathway", "solved in a separate process beside the plan"):
                pathway = side.result()
        elif options.pathway and pathway is None:
            pathway = run_pathway(options.pathway_options(), progress, data=data, library=library,
                                  profiles=profiles)
        elif pathway is not None:
            with stage(progress, "pathway") as report:
                report.update("pathway: reused the result of an earlier run with the same inputs (cache)", 1.0)
    except BaseException:
        if side is not None:
            side.cancel()
        raise
    curve, curve_method = None, "exact"
    if options.tradeoff:
        # the report's curve: exact for short horizons, typical days for a full year (docs/planner.md)
        curve_method = "exact" if horizon.n_hours <= WARM_MAX_HOURS else "typical_days"
        with stage(progress, "tradeoff"):
            curve = curve_of_inputs(horizon, DEFAULT_REDUCTIONS, accounting=options.accounting, method=curve_method)
    return PlanOutcome(options, data.city, data.inventory, result, library, macc, pathway, curve, curve_method)


def plan_inputs(city: Any = None, weather: Any = None, target_co2_t: float = 0.0, *,
                catalogue: Catalogue | str | None = None, **options: Any) -> PlanInputs:
    """The full-year :class:`PlanInputs` of a city (``options``: the fields of
    :class:`jasyl.model.city_inputs.InputOptions`)."""
    cat = catalogue if isinstance(catalogue, Catalogue) else load_catalogue(catalogue)
    data = CityData.load(city)
    opt = InputOptions(target_co2_t=float(target_co2_t), **options)
    return inputs_from_city(data, profiles_for(data, weather), opt, cat)


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
        Weather table or file for :func:`jasyl.profiles.build_profiles` (``None``: the city's default year).
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
    if hours is not None:
        start, stop = (0, int(hours)) if isinstance(hours, int) else (int(hours[0]), int(hours[1]))
        if not 0 <= start < stop <= inp.n_hours:
            raise ValueError(f"hours must lie within 0..{inp.n_hours}, got {hours!r}")
        inp = inp.subset(start, stop)
    return solve_inputs(inp, highs_options=highs_options, method=method, typical_days=typical_days)
