"""Use case ``overview``: what the public pages show of a city (inventory, plan headline, what gets built,
the pathway year by year, the cost-CO2 trade-off curve and the explainer's figures), as one JSON-ready
dict, computed once in the background and kept in the planning cache.

The web never computes these in a request: it reads :func:`load_overview` (a cache look-up) and, when
there is nothing yet, submits :func:`run_overview` as a background job.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from jasyl.planning.cache import cache_key, load_entry, save_entry
from jasyl.planning.city_inputs import CityData
from jasyl.planning.explainer import explain_plan
from jasyl.planning.options import Options, PlanOptions, TradeoffOptions
from jasyl.planning.run import run_plan
from jasyl.planning.tradeoff import run_tradeoff
from jasyl.profiles import normals_for_city
from jasyl.progress import ProgressCallback, stage
from jasyl.vocabulary import PlanMethod

__all__ = ["OverviewOptions", "run_overview", "load_overview", "overview_key", "CACHE_KIND", "SCHEMA"]

CACHE_KIND = "overview"
#: horizons from this many hours get their trade-off curve on typical days (4 weeks and more)
TYPICAL_DAYS_FROM_HOURS = 672
#: version of the overview's JSON layout (bump when keys change)
SCHEMA = 1


@dataclass(frozen=True)
class OverviewOptions(Options):
    """Options of :func:`run_overview`: the plan options whose result the public pages show."""

    use_case: ClassVar[str] = "overview"

    city: str | None = None
    weather: str | None = None
    #: solve only the first N hours (tests and quick starts); None: the full year, as ``jasyl plan``
    hours: int | None = None
    method: PlanMethod = field(default="exact", metadata={"what": "method"})
    #: include the year-by-year pathway (what ``jasyl plan`` shows; several more solves)
    pathway: bool = True
    #: include the cost-CO2 trade-off curve (``jasyl tradeoff``; on typical days for long horizons)
    tradeoff: bool = True

    def check(self) -> None:
        self.plan_options()  # the same checks as ``jasyl plan``

    def plan_options(self) -> PlanOptions:
        return PlanOptions(city=self.city, weather=self.weather, hours=self.hours, method=self.method,
                           pathway=self.pathway)


def _f(x: Any) -> Any:
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def _clean(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if hasattr(x, "item") and not isinstance(x, str):
        try:
            return _clean(x.item())
        except (ValueError, AttributeError):
            return x
    return _f(x)


def overview_key(options: OverviewOptions, data: CityData) -> str:
    source = data.city.source_file if data.city.source_file and not data.city.source_file.startswith("<") else None
    return cache_key(options.input_hash(), files=(source, options.weather), extra=(data.city.model_dump_json(),))


def load_overview(options: OverviewOptions, data: CityData | None = None) -> dict[str, Any] | None:
    """The cached overview of ``options`` (None when it has not been computed for these inputs)."""
    data = data if data is not None else CityData.load(options.city)
    return load_entry(CACHE_KIND, overview_key(options, data))


def run_overview(options: OverviewOptions, progress: ProgressCallback | None = None) -> dict[str, Any]:
    """Compute the overview (the stages of ``jasyl plan`` with its pathway, then ``explainer``) and cache it.

    The trade-off curve (``options.tradeoff``) is solved on typical days for long horizons, as the plan
    report does (a few per cent off the exact costs; the curve's JSON says which method).
    """
    data = CityData.load(options.city)
    outcome = run_plan(options.plan_options(), progress)
    result = outcome.result
    tradeoff = None
    if options.tradeoff:
        hours = options.hours or 8760
        curve = run_tradeoff(TradeoffOptions(city=options.city, weather=options.weather, hours=options.hours,
                                             method="typical_days" if hours >= TYPICAL_DAYS_FROM_HOURS else "exact",
                                             pathway=False), progress)
        tradeoff = {**curve.curve.to_dict(), "method": curve.method}
    with stage(progress, "explainer"):
        try:
            normals = normals_for_city(data.city)
        except Exception:  # noqa: BLE001 - a city without normals simply has no degree-day figure
            normals = None
        facts = explain_plan(data.city, data.inventory, result, normals)
    inventory = data.inventory
    sectors = inventory.sectors()
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "computed_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "options": options.to_dict(),
        "city": {"name": data.city.name, "names": dict(data.city.names or {}),
                 "population": float(data.city.population.value),
                 "timezone": data.city.location.timezone,
                 "latitude": data.city.location.latitude, "longitude": data.city.location.longitude},
        "inventory": {"year": int(inventory.year), "gwp_set": inventory.gwp_set,
                      "total_tco2e": inventory.total_tco2e, "per_capita_tco2e": inventory.per_capita_tco2e,
                      "by_sector_tco2e": inventory.by_sector(),
                      "sectors": sectors.to_dict(orient="records")},
        "plan": result.to_dict(hourly=False),
        "pathway": outcome.pathway.to_dict() if outcome.pathway is not None else None,
        "tradeoff": tradeoff,
        "explainer": facts.to_dict(),
    }
    out = _clean(out)
    save_entry(CACHE_KIND, overview_key(options, data), out)
    return out
