"""Emission fees and damage estimates: rate x MRP x tonnes x multiplier, by hand."""

from __future__ import annotations

from datetime import date

import pytest

from jasyl.errors import InputError
from jasyl.monitoring.emissions import check_record
from jasyl.monitoring.fees import ESTIMATE_LABEL, EmissionRecord, estimate_damage, fee_schedule, resolve_pollutant


def _rec(pollutant: str, tonnes: float, permitted: bool, year: int = 2025) -> EmissionRecord:
    return EmissionRecord(source="Kiln", pollutant=pollutant, tonnes=tonnes, period_start=date(year, 1, 1),
                          period_end=date(year, 6, 30), permitted=permitted)


def test_rates_and_mrp_as_read() -> None:
    s = fee_schedule()
    assert s.rate("sox").mrp_per_t == 20 and s.rate("nox").mrp_per_t == 20 and s.rate("dust_ash").mrp_per_t == 10
    assert s.rate("benzo_a_pyrene").per_kg and s.rate("benzo_a_pyrene").mrp_per_t == pytest.approx(996_600)
    assert s.mrp_for(2025).kzt == 3932 and s.mrp_for(2026).kzt == 4325
    assert all(m.source for m in s.mrp.values())
    with pytest.raises(InputError, match="no MRP value for 2031"):
        s.mrp_for(2031)


def test_known_case_equals_rate_times_mrp_times_tonnes_times_multiplier() -> None:
    est = estimate_damage([_rec("SO2", 12.5, permitted=False), _rec("dust", 40.0, permitted=True)],
                          settings={"damage.unauthorised_multiplier": 10.0})
    so2, dust = est.rows
    assert so2.to_dict()["amount_kzt"] == pytest.approx(20 * 3932 * 12.5 * 10.0)   # 9,830,000 KZT
    assert so2.multiplier == 10.0 and so2.pollutant == "sox"
    assert dust.amount_kzt == pytest.approx(10 * 3932 * 40.0 * 1.0)                # 1,572,800 KZT
    assert est.total_kzt == pytest.approx(9_830_000 + 1_572_800)
    keys = {"source", "pollutant", "tonnes", "rate_mrp_per_t", "mrp_kzt", "multiplier", "amount_kzt", "basis"}
    assert keys <= set(so2.to_dict())
    for r in est.rows:
        assert ESTIMATE_LABEL in r.basis and "Art. 576" in r.basis and "2025" in r.basis
    assert est.to_dict()["estimate"] is True and "not a legal assessment" in est.to_dict()["label"]


def test_defaults_are_one_and_year_filter_and_unknown_pollutant() -> None:
    est = estimate_damage([_rec("NOx", 2.0, False, 2026), _rec("NOx", 2.0, False, 2025), _rec("xenon", 1.0, False)],
                          year=2026)
    assert len(est.rows) == 1 and est.rows[0].multiplier == 1.0
    assert est.rows[0].amount_kzt == pytest.approx(20 * 4325 * 2.0)
    assert "not verified" in est.rows[0].basis      # 2026 is outside the years the wording was read for
    assert est.skipped == []                         # the xenon record is of 2025
    assert estimate_damage([_rec("xenon", 1.0, False)]).skipped


def test_bad_records_and_settings() -> None:
    with pytest.raises(InputError, match="one calendar year"):
        estimate_damage([EmissionRecord("K", "so2", 1.0, date(2025, 12, 1), date(2026, 1, 31), False)])
    with pytest.raises(InputError, match="must be a number > 0"):
        estimate_damage([_rec("so2", 1.0, False)], settings={"damage.unauthorised_multiplier": 0.0})


def test_a_year_without_an_mrp_is_skipped_not_fatal() -> None:
    est = estimate_damage([_rec("so2", 1.0, True, 2017), _rec("so2", 1.0, True, 2019)])
    assert [r.year for r in est.rows] == [2019]                  # the other records are still estimated
    assert est.rows[0].amount_kzt == pytest.approx(20 * 2525 * 1.0)
    assert "2017" in est.rows[0].basis or "Tax Code of 2017" in est.rows[0].rate_status
    assert len(est.skipped) == 1 and "no MRP value for 2017" in est.skipped[0]


def test_a_record_must_be_over_before_it_is_registered() -> None:
    rec = {"source": "Pit", "pollutant": "so2", "tonnes": 1, "period_start": "2026-11-01",
           "period_end": "2026-12-31", "permitted": "yes"}
    with pytest.raises(InputError, match="after today") as err:
        check_record(rec, today=date(2026, 11, 28))
    assert err.value.field == "period_end"
    assert check_record(rec, today=date(2027, 1, 1))["period_end"] == date(2026, 12, 31)


def test_pollutant_spellings() -> None:
    assert resolve_pollutant("0301") == "nox" and resolve_pollutant("PM10") == "dust_ash"
    assert resolve_pollutant("Benzo(a)pyrene") == "benzo_a_pyrene" and resolve_pollutant("argon") is None
