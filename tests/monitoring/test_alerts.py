"""MPC exceedances, averaging and alert rules."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from jasyl.monitoring.alerts import Rule, evaluate_series
from jasyl.monitoring.ingest import ingest_file
from jasyl.monitoring.setup import init_monitoring
from jasyl.monitoring.standards import daily_means, exceedances, hourly_means, rolling_means
from jasyl.store.models import Alert


def _hourly(values: list[float], start: str = "2025-01-09T19:00") -> pd.DataFrame:
    # 19:00 UTC = 00:00 local (UTC+5): the series starts at a local midnight
    times = pd.date_range(start, periods=len(values), freq="h")
    return pd.DataFrame({"time_utc": times, "value": values, "period_s": 3600})


def test_averages_follow_the_local_day_and_coverage_rules() -> None:
    df = _hourly([30.0] * 12 + [50.0] * 12 + [10.0] * 17)  # day 1 complete, day 2 has 17 hours
    daily = daily_means(df)
    assert list(daily.index.astype(str)) == ["2025-01-10"]  # 17 < 18 hours: day 2 not valid
    assert daily.iloc[0] == pytest.approx(40.0)
    roll = rolling_means(df)
    assert roll.iloc[0] == pytest.approx(30.0)  # first valid window: 6 hours of 30
    samples = pd.DataFrame({"time_utc": pd.to_datetime(["2025-01-10 00:05", "2025-01-10 00:35"]),
                            "value": [10.0, 20.0], "period_s": 0})
    assert hourly_means(samples).iloc[0] == pytest.approx(15.0)
    assert list(exceedances(daily, 35.0)) == [40.0]


def test_daily_mpc_rule_records_value_limit_and_excess() -> None:
    rule = Rule.from_dict({"id": "d", "kind": "mpc_multiple", "parameters": ["pm25"], "averaging": "24h",
                           "standard": "mpc_daily", "multiple": 1})
    alerts = evaluate_series(rule, "pm25", _hourly([40.0] * 24 + [20.0] * 24))
    assert len(alerts) == 1
    a = alerts[0]
    assert a["value"] == pytest.approx(40.0) and a["limit_value"] == 35.0
    assert a["ratio"] == pytest.approx(40 / 35) and a["excess"] == pytest.approx(5.0)
    assert a["standard_id"] == "kz_mpc_ss_pm25"
    assert str(a["period_start"]) == "2025-01-09 19:00:00"  # local midnight in UTC


def test_multiple_threshold_and_duration_rules() -> None:
    values = [50.0] * 5 + [170.0, 180.0, 1700.0] + [50.0] * 4 + [165.0, 165.0] + [50.0] * 10
    df = _hourly(values)
    one_off = Rule.from_dict({"id": "m", "kind": "mpc_multiple", "parameters": ["pm25"], "averaging": "1h",
                              "standard": "mpc_one_off", "multiple": 1})
    ten = Rule.from_dict({"id": "vz", "kind": "mpc_multiple", "parameters": ["pm25"], "averaging": "1h",
                          "standard": "mpc_one_off", "multiple": 10})
    dur = Rule.from_dict({"id": "3h", "kind": "duration", "parameters": ["pm25"], "standard": "mpc_one_off",
                          "multiple": 1, "hours": 3})
    thr = Rule.from_dict({"id": "t", "kind": "threshold", "parameters": ["pm25"], "averaging": "1h",
                          "value": 1000})
    a1 = evaluate_series(one_off, "pm25", df)
    assert len(a1) == 1 and a1[0]["value"] == 1700.0 and a1[0]["ratio"] == pytest.approx(1700 / 160)
    a10 = evaluate_series(ten, "pm25", df)
    assert len(a10) == 1 and a10[0]["limit_value"] == 1600.0
    ad = evaluate_series(dur, "pm25", df)
    assert len(ad) == 1 and ad[0]["averaging"] == "3h"  # the 2-hour run does not count
    assert str(ad[0]["period_end"]) == "2025-01-10 03:00:00"
    at = evaluate_series(thr, "pm25", df)
    assert len(at) == 1 and at[0]["standard_id"] == "threshold:t"
    assert evaluate_series(one_off, "pm25", _hourly([100.0] * 24)) == []


def test_alerts_on_ingest_are_stable_and_grow_with_new_data(db_url: str, tmp_path: Path) -> None:
    engine = init_monitoring(db_url, demo=False)
    rows = ["site_code,site_kind,time,parameter,value,unit,averaging"]
    t0 = pd.Timestamp("2025-01-09T19:00Z")
    for h in range(24):
        v = (39.5 if h % 2 else 40.5) if h < 22 else (40.0 if h == 22 else 400.0)  # varied: not a stuck series
        rows.append(f"st-1,air_station,{(t0 + pd.Timedelta(hours=h)).isoformat()},pm25,{v},ug/m3,1h")
    f = tmp_path / "air.csv"
    f.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = ingest_file(engine, f, "csv")
    assert report.alerts_new == 2  # daily mean 54.0 > 35; one hour 400 > 160
    with engine.connect() as conn:
        got = {r.rule_id: r for r in conn.execute(select(Alert))}
    assert set(got) == {"mpc_daily", "mpc_one_off"}
    assert got["mpc_daily"].value == pytest.approx((23 * 40 + 400) / 24)
    assert got["mpc_one_off"].ratio == pytest.approx(2.5)
    again = ingest_file(engine, f, "csv")
    assert again.alerts_new == 0 and again.rows_inserted == 0
    # a second file with more hours of the same episode: the 3-hour rule now fires
    more = ["site_code,site_kind,time,parameter,value,unit,averaging"] + [
        f"st-1,air_station,{(t0 + pd.Timedelta(hours=24 + h)).isoformat()},pm25,400,ug/m3,1h" for h in range(2)]
    f2 = tmp_path / "air2.csv"
    f2.write_text("\n".join(more) + "\n", encoding="utf-8")
    ingest_file(engine, f2, "csv")
    with engine.connect() as conn:
        rules = sorted(r.rule_id for r in conn.execute(select(Alert)))
    assert "mpc_one_off_3h" in rules
