"""What a report is made of: the run's data (:class:`ReportContext`), figures and sections.

Optional sections (the MACC and pathway of issue 6, or anything else) plug in as *section
providers*: a function ``report_section(ctx: ReportContext) -> ReportSection | None``. The plan
command looks for the providers listed in :data:`OPTIONAL_SECTION_PROVIDERS` and passes what they
return to :func:`jasyl.report.build_report` as ``extra_sections``; they are rendered, in order,
between the main plots and the list of sources, each with its own heading and figures.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from jasyl.report.labels import Labels

if TYPE_CHECKING:
    from jasyl.city import City
    from jasyl.inventory import Inventory
    from jasyl.model.result import PlanResult

__all__ = [
    "ReportFigure",
    "ReportSection",
    "ReportContext",
    "SectionProvider",
    "OPTIONAL_SECTION_PROVIDERS",
    "optional_sections",
]

log = logging.getLogger(__name__)


@dataclass
class ReportFigure:
    """One plot: ``id`` is the HTML id (``fig-emissions``), ``svg`` inline SVG markup."""

    id: str
    title: str
    svg: str
    caption: str = ""


@dataclass
class ReportSection:
    """A section of the report.

    ``html`` is a trusted HTML fragment (the provider escapes any user text it puts in); text in it
    should come from the provider's own message catalogue in ``ctx.labels.lang``.
    """

    id: str
    title: str
    html: str = ""
    figures: list[ReportFigure] = field(default_factory=list)


@dataclass
class ReportContext:
    """Everything a report section may draw from."""

    city: City
    inventory: Inventory
    result: PlanResult
    labels: Labels
    generated_utc: datetime
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def lang(self) -> str:
        return self.labels.lang


SectionProvider = Callable[[ReportContext], "ReportSection | None"]

#: "module:function" providers tried by :func:`optional_sections`, in report order
OPTIONAL_SECTION_PROVIDERS: tuple[str, ...] = ("jasyl.macc:report_section", "jasyl.pathway:report_section")


def optional_sections(ctx: ReportContext, providers: Iterable[str] = OPTIONAL_SECTION_PROVIDERS) -> list[ReportSection]:
    """Call every provider that is installed; a provider module that does not exist yet is skipped.

    Errors raised *inside* a provider are not swallowed: a broken section fails the run (and the
    atomic output keeps the previous report) rather than silently vanishing from the report.
    """
    sections: list[ReportSection] = []
    for spec in providers:
        module_name, _, func_name = spec.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                log.debug("optional report section %s not installed", spec)
                continue
            raise
        provider = getattr(module, func_name, None)
        if provider is None:
            log.debug("optional report section %s: module has no %s", spec, func_name)
            continue
        section = provider(ctx)
        if section is not None:
            sections.append(section)
    return sections
