"""Year-by-year pathways to a city's CO2 target: two engines, one result type.

* :mod:`.result` - :class:`Pathway`, :class:`PathwayYear`, :class:`Vintage` (JSON in and out);
* :mod:`.milestones` - milestones, the allowed-emissions trajectory, year checks;
* :mod:`.costs` - capital-cost decline for measures and the planner's catalogue;
* :mod:`.balance_engine` - the measures' annual energy balance in MACC merit order (fast);
* :mod:`.planner_engine` - the hourly planner at milestone years (the default of ``jasyl pathway``).

Engines compute; they never load a city or render. The use case that loads the city and picks the
engine is :func:`jasyl.planning.run_pathway`; figures and tables are drawn by :mod:`jasyl.report.pathway`.
"""

from __future__ import annotations

from jasyl.pathway.balance_engine import PlannerCheck, build_pathway
from jasyl.pathway.costs import capex_in_year, catalogue_for_year
from jasyl.pathway.milestones import (
    ENGINES,
    check_engine,
    parse_milestones,
    planner_milestone_years,
    trajectory,
)
from jasyl.pathway.planner_engine import InputsFactory, build_planner_pathway, grow_inputs, with_floor
from jasyl.pathway.result import Pathway, PathwayYear, Vintage

__all__ = [
    "ENGINES",
    "InputsFactory",
    "Pathway",
    "PathwayYear",
    "PlannerCheck",
    "Vintage",
    "build_pathway",
    "build_planner_pathway",
    "capex_in_year",
    "catalogue_for_year",
    "check_engine",
    "grow_inputs",
    "parse_milestones",
    "planner_milestone_years",
    "trajectory",
    "with_floor",
]
