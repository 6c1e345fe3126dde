from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jasyl.model.city_inputs import InputOptions, inputs_from_profiles
from jasyl.model.inputs import Generator, PlanInputs, Storage
from jasyl.model.synthetic import synthetic_case


@pytest.fixture(scope="session")
def synthetic_year():
    return synthetic_case(8760)


@pytest.fixture
def make_inputs(synthetic_year):
    """Synthetic Konaev-sized inputs on a short horizon (default: first 72 h, 6 Jan-ish winter)."""

    def make(hours: tuple[int, int] = (120, 192), **options) -> PlanInputs:
        sup, dem, temp, fe = synthetic_year
        inp = inputs_from_profiles(sup, dem, temp, fe, options=InputOptions(**options), city="synthetic")
        return inp.subset(*hours)

    return make


@pytest.fixture
def tiny_pv_battery() -> PlanInputs:
    """Two hours: sun in hour 0 only, 10 MW demand in hour 1; PV + battery, no grid."""
    idx = pd.date_range("2025-06-01", periods=2, freq="h", tz="UTC")
    return PlanInputs(
        index=idx,
        demand={"electricity": np.array([0.0, 10.0])},
        generators=[Generator("pv", cf=np.array([1.0, 0.0]), capital_cost=100.0)],
        storages=[Storage("battery", "electricity", power_cost=10.0, energy_cost=20.0,
                          charge_efficiency=0.9, discharge_efficiency=0.9)],
        import_max_mw=0.0,
        export_max_mw=0.0,
        city="tiny",
    )
