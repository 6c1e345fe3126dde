"""The public API: ``__all__`` of the package and of every subpackage names what it exports (httpx's
test of exported members). A change here is a change of the API: update the docs with it."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import jasyl

PUBLIC = {
    "jasyl": ["InputError", "JasylError", "MaccOptions", "PathwayOptions", "PlanOptions", "PlanOutcome", "PlanResult",
              "ProgressEvent", "SchemaError", "SolveError", "plan", "run_macc", "run_pathway", "run_plan"],
    "jasyl.planning": ["CityData", "JobManager", "SweepSpec", "load_sweep_spec", "run_sweep",
                       "MaccOptions", "MaccOutcome", "Options", "PathwayOptions", "PlanOptions",
                       "PlanOutcome", "inputs_factory", "inputs_from_city", "plan", "plan_inputs",
                       "planner_check_for", "profiles_for", "run_macc", "run_pathway", "run_plan",
                       "run_tradeoff", "TradeoffOptions", "TradeoffOutcome", "run_profiles", "ProfilesOptions",
                       "ProfilesOutcome"],
    "jasyl.pathway": ["ENGINES", "InputsFactory", "Pathway", "PathwayYear", "PlannerCheck", "Vintage",
                      "build_pathway", "build_planner_pathway", "capex_in_year", "catalogue_for_year",
                      "check_engine", "grow_inputs", "parse_milestones", "planner_milestone_years", "trajectory",
                      "with_floor"],
    "jasyl.abatement": ["Balance", "Context", "MaccResult", "MaccRow", "Outcome", "apply_all", "apply_measure",
                        "build_context", "compute_macc", "evaluate"],
    "jasyl.report": ["FIGURE_IDS", "Labels", "OUTPUT_FILES", "ReportContext", "ReportFigure", "ReportSection",
                     "build_report", "plan_context", "plan_sections", "write_outputs", "write_plan_outputs",
                     "accounting_label", "tradeoff_section", "write_tradeoff_outputs"],
    "jasyl.store": ["Base", "ENV_VAR", "default_db_url", "display_url", "is_initialised", "make_engine",
                    "open_store", "upgrade"],
    "jasyl.cli": ["app", "err_console", "main"],
    "jasyl.tracking": ["TrackOptions", "adopt_plan", "track_status", "replan", "track_report_data", "import_actuals",
                       "read_actuals", "load_demo_actuals"],
}


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_package_exports(name: str) -> None:
    module = importlib.import_module(name)
    assert sorted(module.__all__) == sorted(PUBLIC[name])
    for item in module.__all__:
        assert hasattr(module, item), f"{name}.{item}"


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages(jasyl.__path__, "jasyl."):
        if ".migrations" not in info.name and not info.name.endswith("__main__"):
            names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_every_module_declares_what_it_exports(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    missing = [item for item in exported if not hasattr(module, item)]
    assert missing == [], f"{name}.__all__ names {missing} that do not exist"
