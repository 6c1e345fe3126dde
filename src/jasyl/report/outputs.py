"""Write a plan's outputs into ``<out>/<city slug>/`` in one atomic step.

Files: ``report.html``, ``summary.json``, ``capacities.csv``, ``energy.csv``, ``costs.csv``,
``emissions.csv``, ``dispatch.csv`` (hourly, UTC), ``storage_soc.csv`` (hourly, UTC),
``inventory.csv``. If anything fails, the previous directory is left exactly as it was.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jasyl.fileio import atomic_directory
from jasyl.report.builder import build_report
from jasyl.report.context import ReportContext, ReportSection
from jasyl.report.summary import summary_json

__all__ = ["write_outputs", "OUTPUT_FILES", "inventory_summary"]

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
            buffer = io.StringIO()
            table.to_csv(buffer, index=name in ("dispatch.csv", "storage_soc.csv"), float_format="%.8g",
                         lineterminator="\n")
            (staging / name).write_text(buffer.getvalue(), encoding="utf-8")
        buffer = io.StringIO()
        ctx.inventory.sectors().to_csv(buffer, index=False, float_format="%.8g", lineterminator="\n")
        (staging / "inventory.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return target, summary
