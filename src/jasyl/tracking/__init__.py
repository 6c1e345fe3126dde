"""Progress against the plan: actuals (template, validation, store), comparison with the adopted pathway,
the inventory recomputed from the actuals and the re-plan from the actual state (``jasyl track``).

* :mod:`.actuals` - the template's columns, quantities and units; reading CSV and Excel, row checks;
* :mod:`.store` - import (all or nothing unless partial; idempotent), actuals and adopted plans in the store;
* :mod:`.compare` - annual values, indicators, planned series of a pathway, deviation and status;
* :mod:`.inventory` - the GHG inventory of a year recomputed from the actuals, with its coverage;
* :mod:`.run` - the use cases (adopt a plan, status, re-plan, report data) shared by the CLI and the web;
* :mod:`.template` and :mod:`.demo` - the templates and the labelled Konaev demo actuals.
"""

from __future__ import annotations

from jasyl.tracking.actuals import read_actuals
from jasyl.tracking.demo import load_demo_actuals
from jasyl.tracking.run import TrackOptions, adopt_plan, replan, track_report_data, track_status
from jasyl.tracking.store import import_actuals

__all__ = ["TrackOptions", "adopt_plan", "track_status", "replan", "track_report_data", "import_actuals",
           "read_actuals", "load_demo_actuals"]
