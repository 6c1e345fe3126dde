"""One design for several weather years: every per-hour series is joined, per-horizon costs add up."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from jasyl.model.api import solve_inputs
from jasyl.model.grid import CleanContract, GridConnection
from jasyl.model.inputs import Generator, PlanInputs
from jasyl.model.multiyear import concat_years

N = 4


def _year(pv_cf: list[float], contract_shape: list[float] | None = None) -> PlanInputs:
    idx = pd.date_range("2025-01-01", periods=N, freq="h", tz="UTC")
    contract = CleanContract("hydro", "test hydro", firm_mw=5.0, annual_mwh=12.0 * 8760 / N,
                             price_usd_per_mwh=80.0,
                             shape=None if contract_shape is None else np.asarray(contract_shape))
    return PlanInputs(index=idx, demand={"electricity": np.full(N, 10.0)},
                      generators=[Generator("pv", cf=np.asarray(pv_cf), capital_cost=1e4)],
                      import_price=1000.0, import_co2_per_mwh=1.0, export_max_mw=0.0, city="flat",
                      co2_target_t=0.0, year_fraction=N / 8760, contracts=[contract],
                      connection=GridConnection(existing_mw=100.0, reinforcement_cost=10.0))


def test_joined_years_keep_every_hourly_series_and_the_annual_contract_volume() -> None:
    a = _year([1.0, 1.0, 0.5, 0.5], contract_shape=[1.0, 1.0, 1.0, 1.0])
    b = _year([1.0, 0.5, 0.5, 0.5])  # no shape: a firm band
    both = concat_years([a, b])
    both.validate()
    assert both.n_hours == 2 * N and both.year_fraction == pytest.approx(2 * N / 8760)
    assert both.contracts[0].shape is not None and len(both.contracts[0].shape) == 2 * N
    # the contract's volume is per year: 12 MWh in each of the two years' 4 hours
    assert both.contracts[0].annual_mwh * both.year_fraction == pytest.approx(24.0)
    assert both.connection is not None
    assert both.connection.reinforcement_cost == pytest.approx(20.0)
    res = solve_inputs(both)
    # PV is dear, so the contract delivers all it may: 24 MWh over the five half-sun hours (2 in a,
    # 3 in b), where PV at P MW gives 0.5 P: 5 x (10 - 0.5 P) = 24 -> P = 10.4 MW (10 if the volume
    # were counted twice)
    assert res.co2_after_t == pytest.approx(0.0, abs=1e-6)
    assert res.capacities["pv"] == pytest.approx(10.4, rel=1e-6)
