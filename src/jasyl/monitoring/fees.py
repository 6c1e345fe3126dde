"""Emission fees and damage ESTIMATES: tonnes x rate (MRP per tonne) x MRP of the year x multiplier.

The rates (Tax Code of RK 2017, Art. 576 para 2, stationary sources), the MRP of each year and the labelled
multiplier settings are data (``data/monitoring/emission_fees.yaml``) with their sources and status. The rate
of a record is taken for the calendar year of its period (the tax period; Art. 576 para 1: the MRP in force
on its first day). A record without a permit (or above it) gets the unauthorised multiplier; every record
gets the regional coefficient (Art. 576 para 8). Both default to 1 where no official figure was found.

Every result says it is an estimate, not a legal assessment, and names the rule, the year of the rate and
the MRP used.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import yaml

from jasyl.errors import InputError

__all__ = [
    "FeeRate",
    "MrpValue",
    "FeeSchedule",
    "EmissionRecord",
    "DamageRow",
    "DamageEstimate",
    "fee_schedule",
    "resolve_pollutant",
    "estimate_damage",
    "ESTIMATE_LABEL",
]

ESTIMATE_LABEL = "ESTIMATE - not a legal assessment"


@dataclass(frozen=True)
class FeeRate:
    pollutant: str
    label: str
    mrp_per_t: float            # per tonne (benzo(a)pyrene: per kg x 1000)
    per_kg: bool = False        # the Code states the rate per kg
    aliases: tuple[str, ...] = ()

    @property
    def printed(self) -> str:
        """The rate as the Code prints it."""
        return f"{self.mrp_per_t / 1000:g} MRP/kg" if self.per_kg else f"{self.mrp_per_t:g} MRP/t"


@dataclass(frozen=True)
class MrpValue:
    year: int
    kzt: float
    source: str
    status: str = "sourced"


@dataclass(frozen=True)
class FeeSchedule:
    rule: str
    rule_short: str
    source: str
    status: str
    status_note: str
    read_for_years: tuple[int, int]
    rates: dict[str, FeeRate]
    mrp: dict[int, MrpValue]
    settings: dict[str, dict[str, Any]]
    disclaimer: str

    def rate(self, pollutant: str) -> FeeRate:
        return self.rates[pollutant]

    def mrp_for(self, year: int) -> MrpValue:
        if year not in self.mrp:
            known = ", ".join(str(y) for y in sorted(self.mrp))
            raise InputError(f"no MRP value for {year} in the fee data (known years: {known})",
                             file="emission_fees.yaml", field=f"mrp_kzt.{year}",
                             fix="add the MRP of that year (law on the republican budget) with its source")
        return self.mrp[year]

    def rate_status(self, year: int) -> str:
        lo, hi = self.read_for_years
        if lo <= year <= hi:
            return "read"
        if year < lo:
            return (f"not verified for this year: the Tax Code of 2017 applies from {lo}; the rates of the earlier "
                    "Code were not captured; the rates read are applied")
        return ("not verified for this year: the wording of Art. 576 after 1 Jan 2025 and the rates of the 2026 "
                "Tax Code were not found; the rates read are applied")


@cache
def fee_schedule() -> FeeSchedule:
    """The fee data shipped with jasyl (``emission_fees.yaml``)."""
    text = (resources.files("jasyl") / "data" / "monitoring" / "emission_fees.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    rates: dict[str, FeeRate] = {}
    for spec in data["rates"]:
        per_kg = "mrp_per_kg" in spec
        value = float(spec["mrp_per_kg"]) * 1000.0 if per_kg else float(spec["mrp_per_t"])
        rates[spec["pollutant"]] = FeeRate(spec["pollutant"], spec["label"], value, per_kg,
                                           tuple(str(a).lower() for a in spec.get("aliases", [])))
    mrp = {int(y): MrpValue(int(y), float(v["value"]), str(v["source"]), str(v.get("status", "sourced")))
           for y, v in data["mrp_kzt"].items()}
    lo, hi = data["read_for_years"]
    return FeeSchedule(rule=data["rule"], rule_short=data["rule_short"], source=data["source"],
                       status=data["status"], status_note=data["status_note"], read_for_years=(int(lo), int(hi)),
                       rates=rates, mrp=mrp, settings=dict(data["settings"]), disclaimer=data["disclaimer"])


def resolve_pollutant(name: str) -> str | None:
    """Canonical fee pollutant for a spelling (``SO2`` -> ``sox``, ``0301`` -> ``nox``), None if unknown."""
    key = str(name).strip().lower()
    for rate in fee_schedule().rates.values():
        if key == rate.pollutant or key in rate.aliases or key == rate.label.lower():
            return rate.pollutant
    return None


@dataclass(frozen=True)
class EmissionRecord:
    """A registered emission or violation of a pollution source over a period (inside one calendar year)."""

    source: str
    pollutant: str
    tonnes: float
    period_start: date
    period_end: date
    permitted: bool
    reference: str = ""
    demo: bool = False

    @property
    def year(self) -> int:
        return self.period_start.year


@dataclass(frozen=True)
class DamageRow:
    source: str
    pollutant: str
    tonnes: float
    rate_mrp_per_t: float
    mrp_kzt: float
    multiplier: float
    amount_kzt: float
    basis: str
    year: int
    permitted: bool
    period_start: date
    period_end: date
    rate_status: str
    mrp_source: str
    reference: str = ""
    demo: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source, "pollutant": self.pollutant, "tonnes": self.tonnes,
            "rate_mrp_per_t": self.rate_mrp_per_t, "mrp_kzt": self.mrp_kzt, "multiplier": self.multiplier,
            "amount_kzt": self.amount_kzt, "basis": self.basis,
            "year": self.year, "permitted": self.permitted, "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(), "rate_status": self.rate_status,
            "mrp_source": self.mrp_source, "reference": self.reference, "demo": self.demo,
        }


@dataclass(frozen=True)
class DamageEstimate:
    rows: list[DamageRow]
    settings: dict[str, float]
    rule: str
    source: str
    status_note: str
    disclaimer: str
    year: int | None = None
    skipped: list[str] = field(default_factory=list)

    @property
    def total_kzt(self) -> float:
        return math.fsum(r.amount_kzt for r in self.rows)

    def to_dict(self) -> dict[str, Any]:
        return {
            "estimate": True,
            "label": ESTIMATE_LABEL,
            "disclaimer": self.disclaimer,
            "rule": self.rule,
            "rule_source": self.source,
            "rule_status": self.status_note,
            "year": self.year,
            "settings": self.settings,
            "rows": [r.to_dict() for r in self.rows],
            "total_kzt": self.total_kzt,
            "skipped": self.skipped,
        }


def _check_multiplier(name: str, value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"{name} must be a number > 0, got {value}", field=name, fix="e.g. 1 (the plain fee)")
    return float(value)


def estimate_damage(records: Iterable[EmissionRecord], *, year: int | None = None,
                    settings: Mapping[str, float] | None = None) -> DamageEstimate:
    """Fee-based estimate for each record (of ``year`` if given): tonnes x rate x MRP(year) x multiplier.

    ``settings`` may give ``damage.unauthorised_multiplier`` and ``damage.regional_coefficient`` (defaults
    from the data file, 1 each). Records whose pollutant has no rate are listed in ``skipped``.
    """
    sched = fee_schedule()
    chosen = {k: float(v["default"]) for k, v in sched.settings.items()}
    chosen.update({k: float(v) for k, v in (settings or {}).items() if k in chosen})
    unauth = _check_multiplier("damage.unauthorised_multiplier", chosen["damage.unauthorised_multiplier"])
    regional = _check_multiplier("damage.regional_coefficient", chosen["damage.regional_coefficient"])
    rows: list[DamageRow] = []
    skipped: list[str] = []
    for rec in records:
        if rec.period_end < rec.period_start or rec.period_end.year != rec.period_start.year:
            raise InputError(f"{rec.source}, {rec.pollutant}: the period {rec.period_start}..{rec.period_end} must "
                             "lie within one calendar year (the tax period)", field="period",
                             fix="split the record at the turn of the year")
        if year is not None and rec.year != year:
            continue
        if not math.isfinite(rec.tonnes) or rec.tonnes < 0:
            raise InputError(f"{rec.source}, {rec.pollutant}: tonnes must be >= 0, got {rec.tonnes}",
                             field="tonnes", fix="give the mass emitted in tonnes")
        pollutant = resolve_pollutant(rec.pollutant)
        if pollutant is None:
            skipped.append(f"{rec.source}: '{rec.pollutant}' has no rate in {sched.rule_short}")
            continue
        rate = sched.rate(pollutant)
        if rec.year not in sched.mrp:
            known = ", ".join(str(y) for y in sorted(sched.mrp))
            skipped.append(f"{rec.source}, {rec.pollutant} {rec.year}: no MRP value for {rec.year} in the fee data "
                           f"(known years: {known}; add it to emission_fees.yaml with its source)")
            continue
        mrp = sched.mrp_for(rec.year)
        multiplier = regional * (1.0 if rec.permitted else unauth)
        amount = rec.tonnes * rate.mrp_per_t * mrp.kzt * multiplier
        status = sched.rate_status(rec.year)
        parts = [
            f"{ESTIMATE_LABEL}.",
            f"{sched.rule_short} ({sched.rule}), rate for {rec.year}: {rate.label} {rate.printed}"
            + ("" if status == "read" else f" [{status}]") + ";",
            f"MRP {rec.year} = {mrp.kzt:,.0f} KZT ({mrp.source});",
            ("permitted emission: no unauthorised multiplier;" if rec.permitted else
             f"without a permit or above it: unauthorised multiplier {unauth:g} (setting "
             "damage.unauthorised_multiplier; no official figure found);"),
            f"regional coefficient {regional:g} (setting damage.regional_coefficient).",
            f"{rec.tonnes:g} t x {rate.mrp_per_t:g} MRP/t x {mrp.kzt:,.0f} KZT x {multiplier:g} = {amount:,.0f} KZT.",
        ]
        rows.append(DamageRow(source=rec.source, pollutant=pollutant, tonnes=float(rec.tonnes),
                              rate_mrp_per_t=rate.mrp_per_t, mrp_kzt=mrp.kzt, multiplier=multiplier,
                              amount_kzt=amount, basis=" ".join(parts), year=rec.year, permitted=rec.permitted,
                              period_start=rec.period_start, period_end=rec.period_end, rate_status=status,
                              mrp_source=mrp.source, reference=rec.reference, demo=rec.demo))
    return DamageEstimate(rows=rows, settings={"damage.unauthorised_multiplier": unauth,
                                               "damage.regional_coefficient": regional},
                          rule=sched.rule, source=sched.source, status_note=sched.status_note,
                          disclaimer=sched.disclaimer, year=year, skipped=skipped)
