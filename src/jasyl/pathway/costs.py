"""Capital costs over time: the measures library's cost decline, applied to measures and to the
planner's technology catalogue alike (the same numbers for both pathway engines)."""

from __future__ import annotations

from dataclasses import replace

from jasyl.measures import Measure, MeasureLibrary
from jasyl.technologies import Catalogue

__all__ = ["capex_in_year", "cost_ratios", "catalogue_for_year"]


def capex_in_year(m: Measure, year: int, ref_year: int = 2025, curve_year: int = 2030) -> float:
    """Capital cost per unit in ``year``: linear from the reference value to the 2030 value, flat after."""
    base = m.capex_usd_per_unit.value
    if m.capex_2030_usd_per_unit is None or curve_year <= ref_year:
        return base
    t = min(max((year - ref_year) / (curve_year - ref_year), 0.0), 1.0)
    return base + (m.capex_2030_usd_per_unit.value - base) * t

def cost_ratios(year: int, library: MeasureLibrary | None) -> dict[str, float]:
    """Catalogue reference (``generators.wind``) -> capital cost of ``year`` / reference capital cost.

    Taken from the measures library's ``capex_2030_usd_per_unit`` of the measures that name a catalogue
    entry (the same cost decline as the balance engine); entries without one keep their cost.
    """
    if library is None:
        return {}
    ref_year, curve_year = library.pathway.cost_reference_year, library.pathway.cost_curve_year
    out: dict[str, float] = {}
    for m in library.measures:
        if m.catalogue is None or m.capex_2030_usd_per_unit is None or m.catalogue.ref in out:
            continue
        base = m.capex_usd_per_unit.value
        if base > 0:
            out[m.catalogue.ref] = capex_in_year(m, year, ref_year, curve_year) / base
    # tracking PV follows fixed PV when it has no measure of its own
    if "generators.pv_fixed" in out:
        out.setdefault("generators.pv_tracking", out["generators.pv_fixed"])
    return out


def catalogue_for_year(catalogue: Catalogue, year: int, library: MeasureLibrary | None) -> Catalogue:
    """A copy of the planner catalogue with the capital costs of ``year`` (see :func:`cost_ratios`)."""
    ratios = cost_ratios(year, library)
    if not ratios:
        return catalogue

    def r(section: str, name: str) -> float:
        return ratios.get(f"{section}.{name}", 1.0)

    return replace(
        catalogue,
        generators={
            k: replace(g, capex_usd_per_kw=g.capex_usd_per_kw * r("generators", k))
            for k, g in catalogue.generators.items()
        },
        storage={
            k: replace(
                s,
                capex_power_usd_per_kw=s.capex_power_usd_per_kw * r("storage", k),
                capex_energy_usd_per_kwh=s.capex_energy_usd_per_kwh * r("storage", k),
            )
            for k, s in catalogue.storage.items()
        },
        converters={
            k: replace(c, capex_usd_per_kw=c.capex_usd_per_kw * r("heat_converters", k))
            for k, c in catalogue.converters.items()
        },
        vehicles={
            k: replace(v, ev_premium_usd=v.ev_premium_usd * r("vehicles", k)) for k, v in catalogue.vehicles.items()
        },
    )
