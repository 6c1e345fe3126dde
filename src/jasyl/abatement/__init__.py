"""Abatement: what a city's measures avoid and what they cost, on its annual energy balance.

* :mod:`.balance` - the annual energy balance and how each measure changes it;
* :mod:`.macc` - the marginal abatement cost curve (merit order with interactions).

Figures, tables and the report section are drawn by :mod:`jasyl.report.macc`; the use case that loads
the city is :func:`jasyl.planning.run_macc`.
"""

from __future__ import annotations

from jasyl.abatement.balance import Balance, Context, Outcome, apply_all, apply_measure, build_context, evaluate
from jasyl.abatement.macc import MaccResult, MaccRow, compute_macc

__all__ = [
    "Balance",
    "Context",
    "MaccResult",
    "MaccRow",
    "Outcome",
    "apply_all",
    "apply_measure",
    "build_context",
    "compute_macc",
    "evaluate",
]
