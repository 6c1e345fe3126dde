"""Least-cost, sector-coupled, hourly zero-carbon planner (linopy + HiGHS, cross-checked with PyPSA)."""

from __future__ import annotations

from jasyl.model.result import PlanResult

__all__ = ["PlanResult"]
