"""The pathway's result types: vintages, one record a year, the whole pathway (JSON in and out)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Vintage", "PathwayYear", "Pathway"]


@dataclass(frozen=True)
class Vintage:
    measure: str
    year_built: int
    units: float
    retire_year: int  # first year the units are no longer in service
    capex_usd_per_unit: float


@dataclass
class PathwayYear:
    year: int
    target_co2_t: float
    co2_t: float
    frozen_co2_t: float
    investment_usd: float
    annual_cost_usd: float
    capacities: dict[str, float]
    built: dict[str, float]
    retired: dict[str, float]
    investment_by_measure_usd: dict[str, float]
    by_sector_t: dict[str, float]
    meets_target: bool
    planner: dict[str, Any] | None = None
    engine: str = "balance"
    milestone: bool = False
    required_capacities: dict[str, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "year": self.year,
            "engine": self.engine,
            "target_co2_t": self.target_co2_t,
            "co2_t": self.co2_t,
            "frozen_technology_co2_t": self.frozen_co2_t,
            "investment_usd": self.investment_usd,
            "annual_cost_usd": self.annual_cost_usd,
            "meets_target": self.meets_target,
            "capacities": self.capacities,
            "built": self.built,
            "retired": self.retired,
            "investment_by_measure_usd": self.investment_by_measure_usd,
            "co2_by_sector_t": self.by_sector_t,
        }
        if self.planner is not None:
            out["planner"] = self.planner
        if self.engine == "planner":
            out["milestone"] = self.milestone
            out["required_capacities"] = self.required_capacities or {}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PathwayYear:
        """The year back from :meth:`to_dict` (JSON round trip, used by the pathway cache)."""
        return cls(
            year=int(data["year"]),
            target_co2_t=float(data["target_co2_t"]),
            co2_t=float(data["co2_t"]),
            frozen_co2_t=float(data["frozen_technology_co2_t"]),
            investment_usd=float(data["investment_usd"]),
            annual_cost_usd=float(data["annual_cost_usd"]),
            capacities=dict(data["capacities"]),
            built=dict(data["built"]),
            retired=dict(data["retired"]),
            investment_by_measure_usd=dict(data["investment_by_measure_usd"]),
            by_sector_t=dict(data["co2_by_sector_t"]),
            meets_target=bool(data["meets_target"]),
            planner=data.get("planner"),
            engine=str(data.get("engine", "balance")),
            milestone=bool(data.get("milestone", False)),
            required_capacities=data.get("required_capacities"),
        )


@dataclass
class Pathway:
    city: str
    start_year: int
    target_year: int
    milestones: dict[int, float]
    start_co2_t: float
    waste_tco2e: float
    years: list[PathwayYear]
    vintages: list[Vintage]
    units: dict[str, str]
    names: dict[str, str]
    growth_per_year: float
    method: str
    notes: list[str] = field(default_factory=list)
    city_names: dict[str, str] = field(default_factory=dict)
    engine: str = "balance"

    def city_label(self, lang: str) -> str:
        return self.city_names.get(lang, self.city)

    @property
    def total_investment_usd(self) -> float:
        return math.fsum(y.investment_usd for y in self.years)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "city": self.city,
            "engine": self.engine,
            "currency": "USD 2024",
            "start_year": self.start_year,
            "target_year": self.target_year,
            "milestones": {str(k): v for k, v in self.milestones.items()},
            "start_co2_t": self.start_co2_t,
            "waste_tco2e_not_covered": self.waste_tco2e,
            "demand_growth_per_year": self.growth_per_year,
            "total_investment_usd": self.total_investment_usd,
            "meets_all_targets": all(y.meets_target for y in self.years),
            "capacity_units": self.units,
            "measure_names": self.names,
            "years": [y.to_dict() for y in self.years],
            "vintages": [v.__dict__ for v in self.vintages],
            "method": self.method,
            "notes": self.notes,
        }
        if self.engine == "planner":
            out.pop("waste_tco2e_not_covered")
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], city_names: dict[str, str] | None = None) -> Pathway:
        """The pathway back from :meth:`to_dict` (``city_names`` are not part of the JSON)."""
        return cls(
            city=str(data["city"]),
            start_year=int(data["start_year"]),
            target_year=int(data["target_year"]),
            milestones={int(k): float(v) for k, v in data["milestones"].items()},
            start_co2_t=float(data["start_co2_t"]),
            waste_tco2e=float(data.get("waste_tco2e_not_covered", 0.0)),
            years=[PathwayYear.from_dict(y) for y in data["years"]],
            vintages=[Vintage(**v) for v in data["vintages"]],
            units=dict(data["capacity_units"]),
            names=dict(data["measure_names"]),
            growth_per_year=float(data["demand_growth_per_year"]),
            method=str(data["method"]),
            notes=list(data["notes"]),
            city_names=dict(city_names or {}),
            engine=str(data.get("engine", "balance")),
        )
