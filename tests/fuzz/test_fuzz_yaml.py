"""Fuzzing the YAML readers: city file, measures library, technology catalogue, climate normals."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from pydantic import BaseModel

from jasyl.city import City, load_city
from jasyl.measures import MeasureLibrary, load_measures
from jasyl.technologies import Catalogue, load_catalogue
from jasyl.weather.normals import MonthlyNormals, load_normals

from .mutations import mutated_yaml
from .property import fuzz_settings, run_property
from .seeds import embedded


def _numbers(obj: Any, path: str = "", seen: set[int] | None = None) -> list[tuple[str, float]]:
    """Every float in a result (pydantic models, dataclasses, dicts, lists); ``raw`` copies of the
    file kept by a result are skipped (they are what was read, not what is used)."""
    out: list[tuple[str, float]] = []
    seen = set() if seen is None else seen
    if id(obj) in seen:  # YAML anchors can make a structure refer to itself
        return out
    seen.add(id(obj))
    if isinstance(obj, BaseModel):
        obj = obj.model_dump()
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        obj = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k != "raw":
                out += _numbers(v, f"{path}.{k}", seen)
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj):
            out += _numbers(v, f"{path}[{i}]", seen)
    elif isinstance(obj, float):
        out.append((path, obj))
    return out


def all_finite(kind: type) -> Callable[[Any], None]:
    def check(result: Any) -> None:
        assert isinstance(result, kind), type(result)
        bad = [(p, x) for p, x in _numbers(result) if not math.isfinite(x)]
        assert not bad, f"non-finite numbers accepted: {bad[:5]}"

    return check


READERS: dict[str, tuple[bytes, Callable[[Path], Any], Callable[[Any], None]]] = {
    "city": (embedded("cities", "konaev.yaml"), load_city, all_finite(City)),
    "measures": (embedded("measures.yaml"), load_measures, all_finite(MeasureLibrary)),
    "catalogue": (embedded("technologies.yaml"), load_catalogue, all_finite(Catalogue)),
    "normals": (embedded("weather", "konaev_normals.yaml"), load_normals, all_finite(MonthlyNormals)),
}
#: examples relative to the profile's 200 (the measures library takes 0.35 s of CPU per read)
SCALE = {"city": 200, "measures": 60, "catalogue": 150, "normals": 200}


@pytest.mark.parametrize("reader", list(READERS))
def test_yaml_reader_fuzz(reader: str, tmp_path: Path) -> None:
    seed, load, check = READERS[reader]
    path = tmp_path / f"{reader}.yaml"
    outcomes: dict[str, int] = {}

    @fuzz_settings(SCALE[reader])
    @given(data=mutated_yaml(seed))
    def run(data: bytes) -> None:
        result = run_property(reader, path, data, lambda: load(path), check)
        outcomes[result] = outcomes.get(result, 0) + 1

    run()
    print(f"{reader}: {outcomes}")
    assert outcomes.get("error", 0) > 0
