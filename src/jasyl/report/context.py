"""What a report is made of: the run's data (:class:`ReportContext`), figures and sections.

The plan report draws its main plots from ``result`` and ``inventory``; when the context carries a
MACC (``macc`` with its ``measures`` library) and a ``pathway``, their sections follow the main plots
(:func:`jasyl.report.builder.plan_sections`). Other sections plug in as :class:`ReportSection`
objects passed to :func:`jasyl.report.build_report` as ``extra_sections``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jasyl.abatement.macc import MaccResult
from jasyl.city import City
from jasyl.inventory import Inventory
from jasyl.measures import MeasureLibrary
from jasyl.model.result import PlanResult
from jasyl.model.tradeoff import TradeoffCurve
from jasyl.pathway.result import Pathway
from jasyl.report.labels import Labels

__all__ = ["ReportFigure", "ReportSection", "ReportContext"]


@dataclass
class ReportFigure:
    """One plot: ``id`` is the HTML id (``fig-emissions``, unique in a page), ``svg`` inline SVG markup
    from :func:`jasyl.report.svg.to_svg` with the same id (its element ids are prefixed with it)."""

    id: str
    title: str
    svg: str
    caption: str = ""


@dataclass
class ReportSection:
    """A section of the report.

    ``html`` is a trusted HTML fragment (made with :func:`jasyl.report.sections.section_html` or a
    template, which escape every text); text in it comes from a message catalogue in the report's
    language.
    """

    id: str
    title: str
    html: str = ""
    figures: list[ReportFigure] = field(default_factory=list)


@dataclass
class ReportContext:
    """Everything a report section may draw from (computed by :mod:`jasyl.planning`, never here)."""

    city: City
    inventory: Inventory
    result: PlanResult
    labels: Labels
    generated_utc: datetime
    options: dict[str, Any] = field(default_factory=dict)
    macc: MaccResult | None = None
    measures: MeasureLibrary | None = None
    pathway: Pathway | None = None
    tradeoff: TradeoffCurve | None = None
    tradeoff_method: str = "exact"

    @property
    def lang(self) -> str:
        return self.labels.lang
