"""The plan report: a self-contained HTML page (inline CSS and SVG) plus summary.json and CSV tables.

>>> from jasyl.report import build_report, write_outputs   # doctest: +SKIP
"""

from __future__ import annotations

from jasyl.report.builder import build_report
from jasyl.report.context import (
    OPTIONAL_SECTION_PROVIDERS,
    ReportContext,
    ReportFigure,
    ReportSection,
    optional_sections,
)
from jasyl.report.figures import FIGURE_IDS
from jasyl.report.labels import Labels
from jasyl.report.outputs import OUTPUT_FILES, write_outputs

__all__ = [
    "build_report",
    "write_outputs",
    "optional_sections",
    "ReportContext",
    "ReportFigure",
    "ReportSection",
    "Labels",
    "FIGURE_IDS",
    "OUTPUT_FILES",
    "OPTIONAL_SECTION_PROVIDERS",
]
