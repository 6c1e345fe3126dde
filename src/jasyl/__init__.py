"""jasyl: Green City planner (GHG inventory, hourly zero-carbon planning, pathways, monitoring).

The public Python API (tested in ``tests/test_public_api.py``):

>>> import jasyl
>>> result = jasyl.plan(hours=168)                               # doctest: +SKIP
>>> outcome = jasyl.run_plan(jasyl.PlanOptions(hours=336))        # doctest: +SKIP

Layers, each importing only those below it (enforced by import-linter in ``make test``; see
docs/architecture.md): L0 basics, L1 data (city, measures, technologies, weather, store), L2 domain
(inventory, profiles, supply, demand, monitoring), L3 model, L4 engines (abatement, pathway), L5 use
cases (planning), L6 report, L7 cli and web.
"""

from __future__ import annotations

from jasyl.errors import InputError, JasylError, SchemaError, SolveError
from jasyl.model.result import PlanResult
from jasyl.planning import (
    MaccOptions,
    PathwayOptions,
    PlanOptions,
    PlanOutcome,
    plan,
    run_macc,
    run_pathway,
    run_plan,
)
from jasyl.progress import ProgressEvent

__all__ = [
    "InputError",
    "JasylError",
    "MaccOptions",
    "PathwayOptions",
    "PlanOptions",
    "PlanOutcome",
    "PlanResult",
    "ProgressEvent",
    "SchemaError",
    "SolveError",
    "plan",
    "run_macc",
    "run_pathway",
    "run_plan",
]
