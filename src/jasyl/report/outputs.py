"""Write a plan's outputs into ``<out>/<city slug>/`` in one atomic step.

Files: ``report.html``, ``summary.json``, ``capacities.csv``, ``energy.csv``, ``costs.csv``,
``emissions.csv``, ``dispatch.csv`` (hourly, UTC), ``storage_soc.csv`` (hourly, UTC),
``inventory.csv``. If anything fails, the previous directory is left exactly as it was.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jasyl.fileio import atomic_directory
from jasyl.planning.run import PlanOutcome
from jasyl.report.builder import build_report
from jasyl.report.context import ReportContext, ReportSection
from jasyl.report.labels import Labels
from jasyl.report.summary import summary_json
from jasyl.report.tables import csv_text

__all__ = ["write_outputs", "write_plan_outputs", "plan_context", "OUTPUT_FILES", "inventory_summary"]

OUTPUT_FILES: tuple[str, ...] = (
    "report.html",
    "summary.json",
    "capacities.csv",
    "energy.csv",
    "costs.csv",
    "emissions.csv",
    "dispatch.csv",
    "storage_soc.csv",
    "inventory.csv",
)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def inventory_summary(ctx: ReportContext) -> dict[str, Any]:
    inv = ctx.inventory
    return {
        "year": inv.year,
        "gwp_set": inv.gwp_set,
        "total_tco2e": inv.total_tco2e,
        "per_capita_tco2e": inv.per_capita_tco2e,
        "by_sector_tco2e": inv.by_sector(),
    }


def write_outputs(ctx: ReportContext, out_dir: str | Path, *, extra_sections: Sequence[ReportSection] = (),
                  extra_summary: dict[str, Any] | None = None) -> tuple[Path, dict[str, Any]]:
    """Render the report and write every output into ``out_dir`` atomically; returns (dir, summary)."""
    target = Path(out_dir)
    html = build_report(ctx, extra_sections)
    summary = summary_json(ctx.result, city_slug=ctx.city.slug, population=float(ctx.city.population.value),
                           inventory=inventory_summary(ctx), extra=extra_summary)
    with atomic_directory(target) as staging:
        staging.chmod(0o777 & ~_umask())  # mkdtemp makes it private; a report is meant to be shared
        (staging / "report.html").write_text(html, encoding="utf-8")
        (staging / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n",
                                              encoding="utf-8")
        for name, table in ctx.result.tables().items():
            text = csv_text(table, index=name in ("dispatch.csv", "storage_soc.csv"), float_format="%.8g")
            (staging / name).write_text(text, encoding="utf-8")
        (staging / "inventory.csv").write_text(csv_text(ctx.inventory.sectors(), float_format="%.8g"),
                                               encoding="utf-8")
    return target, summary


def plan_context(outcome: PlanOutcome, generated_utc: datetime | None = None) -> ReportContext:
    """The report context of a plan run, in the language of its options."""
    labels = Labels(outcome.options.language)
    weather = outcome.options.weather
    return ReportContext(
        city=outcome.city,
        inventory=outcome.inventory,
        result=outcome.result,
        labels=labels,
        generated_utc=generated_utc or datetime.now(UTC),
        options={
            "weather_source": str(weather) if weather is not None else labels.t("cli.weather.synthetic"),
            "weather_synthetic": weather is None,
            "hours": outcome.options.hours,
            "method": outcome.options.method,
        },
        macc=outcome.macc,
        measures=outcome.measures,
        pathway=outcome.pathway,
        tradeoff=outcome.tradeoff,
        tradeoff_method=outcome.tradeoff_method,
    )


def write_plan_outputs(outcome: PlanOutcome, out: str | Path, generated_utc: datetime | None = None,
                       ) -> tuple[Path, dict[str, Any]]:
    """Write the report, ``summary.json`` and the CSVs of a plan run into ``out/<city slug>/`` atomically."""
    ctx = plan_context(outcome, generated_utc)
    extra = {
        "language": ctx.lang,
        "city_name": ctx.city.display_name(ctx.lang),
        "generated_utc": ctx.generated_utc.isoformat(timespec="seconds"),
        "weather": ctx.options["weather_source"],
    }
    if outcome.pathway is not None:
        extra["pathway"] = outcome.pathway.to_dict()  # the report's pathway, as `jasyl pathway --format json`
    if outcome.tradeoff is not None:  # the report's curve, as `jasyl tradeoff --format json`
        extra["tradeoff"] = {**outcome.tradeoff.to_dict(), "method": outcome.tradeoff_method}
    return write_outputs(ctx, Path(out) / ctx.city.slug, extra_summary=extra)
