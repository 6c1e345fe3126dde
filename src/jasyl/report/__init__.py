"""Everything jasyl draws or writes for people: HTML pages, SVG/PNG figures and CSV tables.

Layer L6: it renders what the use cases (:mod:`jasyl.planning`) and the monitoring queries computed;
it never computes a plan, loads a city or queries a database.

* one figure exporter (:mod:`.svg`: :func:`~jasyl.report.svg.new_figure`, :func:`~jasyl.report.svg.to_svg`
  with ids unique per figure), one HTML renderer (:mod:`.html`, Jinja2 templates in ``templates/``),
  one CSV writer (:mod:`.tables`);
* the plan report: :func:`build_report`, :func:`write_outputs` (``report.html``, ``summary.json``, CSVs);
  its MACC and pathway sections come from :mod:`.macc` and :mod:`.pathway`;
* the files of ``jasyl inventory``, ``profiles``, ``macc`` and ``pathway`` (:mod:`.inventory`,
  :mod:`.profiles`, :mod:`.macc`, :mod:`.pathway`) and the monitoring report (:mod:`.monitoring`).

>>> from jasyl.report import build_report, write_outputs   # doctest: +SKIP
"""

from __future__ import annotations

from jasyl.report.builder import build_report, plan_sections
from jasyl.report.context import ReportContext, ReportFigure, ReportSection
from jasyl.report.figures import FIGURE_IDS
from jasyl.report.labels import Labels
from jasyl.report.outputs import OUTPUT_FILES, plan_context, write_outputs, write_plan_outputs
from jasyl.report.tradeoff import accounting_label, tradeoff_section, write_tradeoff_outputs

__all__ = [
    "build_report",
    "plan_sections",
    "plan_context",
    "write_outputs",
    "write_plan_outputs",
    "ReportContext",
    "ReportFigure",
    "ReportSection",
    "Labels",
    "FIGURE_IDS",
    "OUTPUT_FILES",
    "accounting_label",
    "tradeoff_section",
    "write_tradeoff_outputs",
]
