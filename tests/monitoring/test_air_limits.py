"""Conflicting Kazakh daily MPC: both values shipped, a setting chooses, the choice is named."""

from __future__ import annotations

import pytest

from jasyl.errors import InputError
from jasyl.monitoring.air_limits import check_variant, limit_for, setting_keys


def test_default_is_the_older_list_and_both_values_are_shipped() -> None:
    no2 = limit_for("kz_mpc_ss_no2")
    o3 = limit_for("kz_mpc_ss_o3")
    assert no2 is not None and o3 is not None
    assert (no2.value, o3.value) == (40.0, 30.0) and no2.variant == "older_list"
    assert no2.alternatives == {"older_list": 40.0, "sanpin_2021": 100.0}
    assert no2.status == "secondary-conflict"
    assert "sanpin_2021 100 ug/m3" in no2.describe()
    assert limit_for("kz_mpc_ss_pm25") is None


def test_setting_chooses_globally_or_per_substance() -> None:
    settings = {"air.kz_daily_mpc": "sanpin_2021", "air.kz_daily_mpc.o3": "older_list"}
    assert limit_for("kz_mpc_ss_no2", settings).value == 100.0   # type: ignore[union-attr]
    assert limit_for("kz_mpc_ss_o3", settings).value == 30.0     # type: ignore[union-attr]
    assert "air.kz_daily_mpc.no2" in setting_keys()
    with pytest.raises(InputError, match="not a variant"):
        check_variant("air.kz_daily_mpc", "whatever")
    assert check_variant("air.kz_daily_mpc.no2", "") == ""
