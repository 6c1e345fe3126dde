"""Use case ``macc``: the marginal abatement cost curve of a city's measures (``jasyl macc``)."""

from __future__ import annotations

from dataclasses import dataclass

from jasyl.abatement.balance import build_context
from jasyl.abatement.macc import MaccResult, compute_macc
from jasyl.city import City
from jasyl.measures import MeasureLibrary, load_measures
from jasyl.planning.city_inputs import CityData
from jasyl.planning.options import MaccOptions
from jasyl.progress import ProgressCallback, stage

__all__ = ["MaccOutcome", "run_macc"]


@dataclass(frozen=True)
class MaccOutcome:
    """The MACC with the city and measures library it was computed for (names in every language)."""

    city: City
    measures: MeasureLibrary
    result: MaccResult


def run_macc(options: MaccOptions, progress: ProgressCallback | None = None, *, data: CityData | None = None,
             library: MeasureLibrary | None = None) -> MaccOutcome:
    """The MACC of ``options.city`` with ``options.measures`` (stage ``macc``)."""
    with stage(progress, "macc"):
        library = library if library is not None else load_measures(options.measures)
        data = data if data is not None else CityData.load(options.city)
        ctx = build_context(data.city, library, energy=data.final_energy, inventory=data.inventory)
        return MaccOutcome(data.city, library, compute_macc(ctx=ctx))
