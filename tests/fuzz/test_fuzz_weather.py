"""Fuzzing the weather readers (EPW, TMY3, PVGIS CSV/JSON, ERA5 netCDF, jasyl CSV) with broken files."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jasyl.weather import WEATHER_COLUMNS, read_weather

from .mutations import mutated_json, mutated_netcdf, mutated_text
from .property import fuzz_settings, run_property
from .seeds import weather_seeds


def check_weather(w: pd.DataFrame) -> None:
    """What every Weather table must be (docs/architecture.md)."""
    assert isinstance(w, pd.DataFrame) and len(w) == 8760, f"{len(w)} rows"
    idx = pd.DatetimeIndex(w.index)
    assert str(idx.tz) == "UTC"
    assert (idx[1:] - idx[:-1] == pd.Timedelta(hours=1)).all(), "not one hourly step"
    for col in WEATHER_COLUMNS:
        assert col in w, f"no {col}"
        assert np.isfinite(w[col].to_numpy(float)).all(), f"non-finite {col}"
    assert (w["ghi_w_m2"] >= 0).all() and (w["ghi_w_m2"] <= 1400).all()
    assert (w["dni_w_m2"] >= 0).all() and (w["dhi_w_m2"] >= 0).all()
    assert w["temp_air_c"].between(-80, 60).all()
    assert w["wind_speed_m_s"].between(0, 75).all()
    if "pressure_pa" in w:
        assert w["pressure_pa"].between(30000, 110000).all()
    a = w.attrs
    assert np.isfinite(a["wind_height_m"]) and a["wind_height_m"] > 0
    for key, lim in (("latitude", 90), ("longitude", 180)):
        if a.get(key) is not None:
            assert np.isfinite(a[key]) and abs(a[key]) <= lim + 1e-9, f"{key} {a[key]}"


@functools.cache
def _seed_bytes(path: Path) -> bytes:
    return path.read_bytes()


def _strategy(fmt: str, seeds: list[Path]) -> st.SearchStrategy[tuple[Path, bytes]]:
    def mutate(p: Path) -> st.SearchStrategy[tuple[Path, bytes]]:
        if fmt == "era5":
            inner = mutated_netcdf(str(p))
        elif fmt == "pvgis-json":
            inner = mutated_json(_seed_bytes(p))
        else:
            inner = mutated_text(_seed_bytes(p))
        return inner.map(lambda data: (p, data))

    return st.sampled_from(seeds).flatmap(mutate)


#: examples per format relative to the profile's 200 (a full year read costs 0.1-0.25 s of CPU: the CI profile
#: stays inside the suite's time budget; ``make fuzz`` runs 25 times more)
SCALE = {"csv": 60, "epw": 60, "tmy3": 40, "pvgis-csv": 40, "pvgis-json": 40, "era5": 40}


@pytest.mark.parametrize("fmt", list(SCALE))
def test_weather_reader_fuzz(fmt: str, tmp_path: Path) -> None:
    seeds = weather_seeds()[fmt]
    outcomes: dict[str, int] = {}

    @fuzz_settings(SCALE[fmt])
    @given(case=_strategy(fmt, seeds), explicit=st.booleans(), fill=st.sampled_from([0, 0, 3, 48]))
    def run(case: tuple[Path, bytes], explicit: bool, fill: int) -> None:
        seed, data = case
        path = tmp_path / f"fuzzed{seed.suffix}"
        kw: dict[str, object] = {"fill_gaps_hours": fill}
        if fmt == "era5":
            kw.update(latitude=43.8, longitude=77.1)
        result = run_property(f"weather-{fmt}", path, data,
                              lambda: read_weather(path, fmt if explicit else None, **kw), check_weather)
        outcomes[result] = outcomes.get(result, 0) + 1

    run()
    print(f"weather {fmt}: {outcomes}")
    # the fuzzer must reach both sides of the property, or it tests little
    assert outcomes.get("error", 0) > 0
