"""Use case ``pathway``: year by year from today to the city's CO2 target (``jasyl pathway``).

:func:`run_pathway` loads the city once, picks the engine of :class:`PathwayOptions` and returns a
:class:`~jasyl.pathway.result.Pathway`. Planner-engine pathways take a minute or more; they are
cached (:mod:`jasyl.planning.cache`) under a key of every input, so the plan report and ``jasyl
pathway`` with the same city, weather and options share one computation.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from jasyl.abatement.balance import build_context
from jasyl.abatement.macc import compute_macc
from jasyl.measures import MeasureLibrary, load_measures
from jasyl.model.api import solve_inputs
from jasyl.model.city_inputs import InputOptions
from jasyl.pathway.balance_engine import PlannerCheck, build_pathway
from jasyl.pathway.milestones import resolve_years
from jasyl.pathway.planner_engine import build_planner_pathway
from jasyl.pathway.result import Pathway
from jasyl.planning.cache import cache_key, load_entry, save_entry
from jasyl.planning.city_inputs import CityData, inputs_factory, inputs_from_city, profiles_for
from jasyl.planning.options import PathwayOptions
from jasyl.profiles import HourlyProfiles
from jasyl.progress import ProgressCallback, stage
from jasyl.technologies import load_catalogue

__all__ = ["run_pathway", "cached_pathway", "planner_check_for", "CACHE_KIND"]

CACHE_KIND = "pathway"


def planner_check_for(data: CityData, hours: int | None = None) -> PlannerCheck:
    """A milestone check of the balance engine: the hourly planner with that year's CO2 cap.

    The planner sees today's demand (no growth), the synthetic weather year and its own technology set;
    its result is reported beside the pathway year as a cross-check, not used to choose the measures.
    """
    profiles = profiles_for(data)

    def check(year: int, target_co2_t: float) -> dict[str, Any]:
        inp = inputs_from_city(data, profiles, InputOptions(target_co2_t=float(target_co2_t)))
        if hours is not None:
            if not 0 < hours <= inp.n_hours:
                raise ValueError(f"hours must lie within 0..{inp.n_hours}, got {hours!r}")
            inp = inp.subset(0, hours)
        result = solve_inputs(inp)
        return {
            "target_co2_t": target_co2_t,
            "co2_before_t": result.co2_before_t,
            "co2_after_t": result.co2_after_t,
            "capacities": {k: float(v) for k, v in result.capacities.items()},
            "capacity_units": dict(result.capacity_units),
            "total_annual_cost_usd": result.total_annual_cost_usd,
            "hours": result.hours,
            "method": result.method,
        }

    return check


def _cache_key(options: PathwayOptions, data: CityData, existing: Mapping[str, float] | None = None) -> str:
    city_file = data.city.source_file if data.city.source_file and not data.city.source_file.startswith("<") else None
    return cache_key(options.replace(language="en").input_hash(),
                     files=(city_file, options.weather, options.measures),
                     extra=(data.city.model_dump_json(), json.dumps(dict(existing or {}), sort_keys=True)))


def cached_pathway(options: PathwayOptions, data: CityData, library: MeasureLibrary) -> Pathway | None:
    """The cached planner-engine pathway of ``options``, or None (not cached, cache off, balance engine).
    Checks the years first, so bad options raise here."""
    if options.engine != "planner":
        return None
    resolve_years(data.city, options.start_year, options.target_year, options.milestone_fractions(), options.growth,
                  library.pathway.demand_growth_per_year.value)
    cached = load_entry(CACHE_KIND, _cache_key(options, data))
    return Pathway.from_dict(cached, dict(data.city.names)) if cached is not None else None


def run_pathway(
    options: PathwayOptions,
    progress: ProgressCallback | None = None,
    *,
    data: CityData | None = None,
    library: MeasureLibrary | None = None,
    profiles: HourlyProfiles | None = None,
    use_cache: bool = True,
    existing: Mapping[str, float] | None = None,
) -> Pathway:
    """The pathway of ``options`` (see :class:`PathwayOptions`), reported as the stage ``pathway``.

    ``data``, ``library`` and ``profiles`` are the city, measures and profiles of ``options`` when the
    caller (the plan use case) has them already; ``use_cache=False`` neither reads nor writes the cache.
    ``existing`` is the capacity in service at the start (engine units: measure ids or planner
    technologies), for a re-plan from the actual state (:mod:`jasyl.tracking`).
    """
    with stage(progress, "pathway") as report:
        data = data if data is not None else CityData.load(options.city)
        library = library if library is not None else load_measures(options.measures)
        city = data.city
        if options.engine == "balance":
            ctx = build_context(city, library, energy=data.final_energy, inventory=data.inventory)
            check = planner_check_for(data, options.hours) if options.planner_years else None
            return build_pathway(
                city,
                library,
                start_year=options.start_year,
                target_year=options.target_year,
                milestones=options.milestone_fractions(),
                growth_per_year=options.growth,
                macc=compute_macc(ctx=ctx),
                ctx=ctx,
                planner_years=list(options.planner_years),
                planner_check=check,
                existing=existing,
            )
        # the years are checked before the (slow) profiles are made
        resolve_years(city, options.start_year, options.target_year, options.milestone_fractions(), options.growth,
                      library.pathway.demand_growth_per_year.value)
        key = _cache_key(options, data, existing)
        cached = load_entry(CACHE_KIND, key) if use_cache else None
        if cached is not None:
            report.update("pathway: reused the result of an earlier run with the same inputs (cache)", 1.0)
            return Pathway.from_dict(cached, dict(city.names))
        profiles = profiles if profiles is not None else profiles_for(data, options.weather)
        path = build_planner_pathway(
            city,
            inputs_factory(data, profiles),
            library,
            load_catalogue(),
            start_year=options.start_year,
            target_year=options.target_year,
            milestones=options.milestone_fractions(),
            growth_per_year=options.growth,
            method=options.method,
            hours=options.hours,
            progress=progress,
            existing=existing,
        )
        if use_cache:
            save_entry(CACHE_KIND, key, path.to_dict())
        return path
