"""Use cases: the one place a city is loaded and a job is run, for the CLI, the web and Dask alike.

One function per use case, each taking a frozen options dataclass (:mod:`.options`: checked, to and
from dicts, an input hash) and an optional progress callback (:mod:`jasyl.progress`):

* :func:`run_plan` (:class:`PlanOptions`) -> :class:`PlanOutcome` (plan, inventory, MACC, pathway);
* :func:`run_pathway` (:class:`PathwayOptions`) -> :class:`~jasyl.pathway.Pathway` (cached);
* :func:`run_macc` (:class:`MaccOptions`) -> :class:`MaccOutcome`;
* :func:`run_profiles` (:class:`ProfilesOptions`) -> :class:`ProfilesOutcome` (hourly supply and demand);
* :func:`run_sweep` (:class:`SweepSpec`, a scenario file) -> results table, on Dask
  (:mod:`.sweep`; scenario files in :mod:`.scenario`); :class:`JobManager` runs use cases in the
  background for the web (:mod:`.jobs`);
* :func:`run_tradeoff` (:class:`TradeoffOptions`) -> :class:`TradeoffOutcome` (the cost-CO2 curve);
* :func:`plan` - the plain Python entry ``jasyl.plan`` returning a :class:`~jasyl.model.result.PlanResult`.

Use cases compute; drawing and writing files is :mod:`jasyl.report`'s job.
"""

from __future__ import annotations

from jasyl.planning.city_inputs import CityData, inputs_factory, inputs_from_city, profiles_for
from jasyl.planning.jobs import JobManager
from jasyl.planning.macc import MaccOutcome, run_macc
from jasyl.planning.options import (
    MaccOptions,
    Options,
    PathwayOptions,
    PlanOptions,
    ProfilesOptions,
    TradeoffOptions,
)
from jasyl.planning.pathway import planner_check_for, run_pathway
from jasyl.planning.profiles import ProfilesOutcome, run_profiles
from jasyl.planning.run import PlanOutcome, plan, plan_inputs, run_plan
from jasyl.planning.scenario import SweepSpec, load_sweep_spec
from jasyl.planning.sweep import run_sweep
from jasyl.planning.tradeoff import TradeoffOutcome, run_tradeoff

__all__ = [
    "CityData",
    "JobManager",
    "MaccOptions",
    "MaccOutcome",
    "Options",
    "PathwayOptions",
    "PlanOptions",
    "PlanOutcome",
    "inputs_factory",
    "inputs_from_city",
    "plan",
    "plan_inputs",
    "planner_check_for",
    "profiles_for",
    "run_macc",
    "run_profiles",
    "ProfilesOptions",
    "ProfilesOutcome",
    "run_pathway",
    "run_plan",
    "run_sweep",
    "SweepSpec",
    "load_sweep_spec",
    "run_tradeoff",
    "TradeoffOptions",
    "TradeoffOutcome",
]
