"""The pathway solved in a separate process equals the one solved in the main process; errors keep
their file and field across the process boundary."""

from __future__ import annotations

import pickle

from jasyl.errors import InputError, SchemaError
from jasyl.measures import load_measures
from jasyl.planning import CityData, PathwayOptions, profiles_for, run_pathway
from jasyl.planning.background import BackgroundPathway


def _without_timings(data: object) -> object:
    if isinstance(data, dict):
        return {k: _without_timings(v) for k, v in data.items() if k != "seconds"}
    if isinstance(data, list):
        return [_without_timings(v) for v in data]
    return data


def test_background_pathway_equals_the_inline_one() -> None:
    data = CityData.load(None)
    library = load_measures()
    profiles = profiles_for(data)
    options = PathwayOptions(start_year=2026, target_year=2031, hours=48)
    side = BackgroundPathway(options, data, library, profiles)
    inline = run_pathway(options, data=data, library=library, profiles=profiles, use_cache=False)
    assert _without_timings(side.result().to_dict()) == _without_timings(inline.to_dict())


def test_input_errors_survive_pickling() -> None:
    for exc in (InputError("bad", file="a.yaml", field="hours", fix="give 24"), SchemaError("x", field="y")):
        again = pickle.loads(pickle.dumps(exc))
        assert type(again) is type(exc) and str(again) == str(exc) and again.field == exc.field
