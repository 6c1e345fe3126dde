"""The plain-language content of the report: what to build, what it costs, what it saves.

Pure functions on a :class:`~jasyl.model.result.PlanResult`; the numbers here also go into
``summary.json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from jasyl.model.result import PlanResult

__all__ = ["BuildItem", "build_list", "ev_shares", "key_figures", "summary_json", "MIN_BUILD"]

#: capacities below this (MW, MWh) are solver noise, not something to build
MIN_BUILD = 0.05


@dataclass(frozen=True)
class BuildItem:
    tech: str
    new: float  # MW, MW_th or MWh to build
    total: float  # capacity in the plan
    unit: str
    energy_mwh: float  # annual energy of the technology (0 if none)
    cost_usd: float  # annualised cost of the technology


def build_list(result: PlanResult) -> list[BuildItem]:
    """New capacity in the plan (plan minus existing), largest first; EV shares are separate."""
    items = []
    for tech, cap in result.capacities.items():
        unit = result.capacity_units.get(tech, "MW")
        if unit == "share" or not math.isfinite(cap):
            continue
        new = cap - result.existing_capacities.get(tech, 0.0)
        if new <= MIN_BUILD:
            continue
        base = tech.removesuffix("_energy").removesuffix("_power")
        items.append(
            BuildItem(
                tech=tech,
                new=new,
                total=cap,
                unit=unit,
                energy_mwh=result.energy_mwh.get(tech, result.energy_mwh.get(base, 0.0)) if unit != "MWh" else 0.0,
                cost_usd=result.costs_usd.get(tech, result.costs_usd.get(base, 0.0)) if not tech.endswith("_power")
                else 0.0,
            )
        )
    order = {"MW": 0, "MW_th": 1, "MWh": 2}
    return sorted(items, key=lambda i: (order.get(i.unit, 3), -i.new))


def ev_shares(result: PlanResult) -> dict[str, float]:
    """Vehicle class -> share electrified in the plan (0..1)."""
    if result.electrified_share:
        return dict(result.electrified_share)
    return {t.removeprefix("ev_"): v for t, v in result.capacities.items()
            if result.capacity_units.get(t) == "share" and t.startswith("ev_")}


def key_figures(result: PlanResult, population: float) -> dict[str, float]:
    """Headline numbers (per year)."""
    avoided = result.co2_before_t - result.co2_after_t
    extra = result.total_annual_cost_usd - result.baseline_annual_cost_usd
    return {
        "co2_before_t": result.co2_before_t,
        "co2_after_t": result.co2_after_t,
        "co2_avoided_t": avoided,
        "co2_reduction_percent": 100.0 * avoided / result.co2_before_t if result.co2_before_t > 0 else float("nan"),
        "co2_avoided_t_per_person": avoided / population if population > 0 else float("nan"),
        "total_annual_cost_usd": result.total_annual_cost_usd,
        "baseline_annual_cost_usd": result.baseline_annual_cost_usd,
        "extra_annual_cost_usd": extra,
        "extra_cost_usd_per_person": extra / population if population > 0 else float("nan"),
        "cost_per_t_avoided_usd": result.cost_per_t_avoided_usd,
    }


def summary_json(result: PlanResult, *, city_slug: str, population: float, inventory: dict[str, Any],
                 extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The content of ``summary.json``: the PlanResult's figures (no hourly series) plus headline
    numbers, the new-build list and the GHG inventory totals."""
    data = result.to_dict(hourly=False)
    figures = key_figures(result, population)
    data["city_slug"] = city_slug
    data["population"] = population
    data["currency"] = "USD 2024"
    data["key_figures"] = {k: (v if math.isfinite(v) else None) for k, v in figures.items()}
    data["new_capacity"] = {i.tech: {"value": i.new, "unit": i.unit} for i in build_list(result)}
    data["inventory"] = inventory
    if extra:
        data.update(extra)
    return data
