"""Monitoring data quality (issue 15, item 3): flags beside the raw value, the PM2.5 humidity correction
(raw and corrected side by side, sensor type recorded), alerts on rolling windows confirmed by a second
sensor or a reference station, each naming its rule."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from jasyl.monitoring.correction import correct, correction_for
from jasyl.monitoring.ingest import ingest_file
from jasyl.monitoring.quality import BELOW_DL, HIGH_HUMIDITY, JUMP, OUT_OF_RANGE, STUCK, flag_names
from jasyl.monitoring.setup import init_monitoring
from jasyl.monitoring.status import status
from jasyl.store.models import Alert, Measurement, Site

HEADER = "site_code,site_kind,time,parameter,value,unit,averaging"


def _csv(tmp_path: Path, name: str, lines: list[str], header: str = HEADER) -> Path:
    p = tmp_path / name
    p.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return p


def _hours(n: int, start: str = "2025-01-10T00:00:00Z") -> list[str]:
    return [t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in pd.date_range(start, periods=n, freq="h")]


def _stored(engine, site: str) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        rows = conn.execute(select(Measurement.time_utc, Measurement.parameter, Measurement.value,
                                   Measurement.quality_flags, Measurement.value_corrected, Measurement.correction)
                            .join(Site, Site.id == Measurement.site_id).where(Site.code == site)
                            .order_by(Measurement.parameter, Measurement.time_utc)).all()
    return pd.DataFrame(rows, columns=["time_utc", "parameter", "value", "flags", "corrected", "correction"])


def test_quality_flags_are_kept_beside_the_raw_value(db_url: str, tmp_path: Path) -> None:
    engine = init_monitoring(db_url, demo=False)
    t = _hours(30)
    values = [20.0 + (i % 5) for i in range(30)]
    values[3] = -5.0                    # negative concentration: out of range
    values[10] = 900.0                  # one spike, back at once: jump
    for i in range(16, 26):             # ten equal readings over nine hours: stuck
        values[i] = 33.3
    lines = [f"st-1,air_station,{ti},pm25,{v},ug/m3,1h" for ti, v in zip(t, values, strict=True)]
    lines += [f"st-1,air_station,{t[0]},no2,<5,ug/m3,1h", f"st-1,air_station,{t[1]},no2,12,ug/m3,1h"]
    report = ingest_file(engine, _csv(tmp_path, "air.csv", lines), "csv")
    assert report.rows_inserted == 32  # nothing dropped
    df = _stored(engine, "st-1")
    pm = df[df["parameter"] == "pm25"].reset_index(drop=True)
    assert len(pm) == 30 and pm.loc[3, "value"] == -5.0 and pm.loc[10, "value"] == 900.0  # raw values kept
    assert pm.loc[3, "flags"] & OUT_OF_RANGE
    assert pm.loc[10, "flags"] & JUMP and not pm.loc[10, "flags"] & OUT_OF_RANGE
    assert all(pm.loc[i, "flags"] & STUCK for i in range(16, 26))
    clean = [i for i in range(30) if i not in (3, 10, *range(16, 26))]
    assert all(pm.loc[i, "flags"] & (STUCK | OUT_OF_RANGE) == 0 for i in clean)
    no2 = df[df["parameter"] == "no2"].reset_index(drop=True)
    assert no2.loc[0, "flags"] & BELOW_DL and no2.loc[0, "value"] == 5.0 and not no2.loc[1, "flags"] & BELOW_DL
    assert flag_names(OUT_OF_RANGE | JUMP) == ["out_of_range", "jump"]
    # what is shown: each value says what it is (a single reading or a mean, over which period), its flags;
    # excluded readings (out of range, stuck) are counted and left out of the means
    site = next(x for x in status(engine)["sites"] if x["code"] == "st-1")
    assert site["excluded_readings"] == 11
    latest = {r["parameter"]: r for r in site["latest"]}
    assert latest["pm25"]["reading"] == "mean over 1 h" and latest["pm25"]["quality_flags"] == []
    assert latest["pm25"]["excluded_from_means"] is False and latest["pm25"]["value_corrected"] is None


def test_epa_correction_of_a_plantower_sensor_raw_and_corrected_side_by_side(db_url: str, tmp_path: Path) -> None:
    """Barkjohn et al. (2021): PM2.5 = 0.524 x PA_cf1 - 0.0862 x RH + 5.75 (below 343 ug/m3)."""
    engine = init_monitoring(db_url, demo=False)
    t = _hours(6)
    raw = [10.0, 40.0, 80.0, 150.0, 300.0, 500.0]
    rh = [30.0, 50.0, 60.0, 70.0, 85.0, 40.0]
    header = HEADER + ",sensor_type"
    lines = [f"pa-1,sensor,{ti},pm25,{x},ug/m3,1h,PurpleAir PA-II (PMS5003)" for ti, x in zip(t, raw, strict=True)]
    lines += [f"pa-1,sensor,{ti},humidity,{h},%,1h,PurpleAir PA-II (PMS5003)" for ti, h in zip(t, rh, strict=True)]
    lines += [f"sds-1,sensor,{ti},pm25,{x},ug/m3,1h,SDS011" for ti, x in zip(t, raw, strict=True)]
    lines += [f"sds-1,sensor,{ti},humidity,{h},%,1h,SDS011" for ti, h in zip(t, rh, strict=True)]
    ingest_file(engine, _csv(tmp_path, "pa.csv", lines, header), "csv")
    with engine.connect() as conn:
        types = dict(conn.execute(select(Site.code, Site.sensor_type)).all())
    assert types == {"pa-1": "PurpleAir PA-II (PMS5003)", "sds-1": "SDS011"}
    pm = _stored(engine, "pa-1").query("parameter == 'pm25'").reset_index(drop=True)
    expected = [0.524 * x - 0.0862 * h + 5.75 if x < 343 else 0.46 * x + 3.93e-4 * x * x + 2.97
                for x, h in zip(raw, rh, strict=True)]
    assert pm["value"].tolist() == raw                      # raw kept
    assert pm["corrected"].to_numpy() == pytest.approx(expected, rel=1e-9)
    assert set(pm["correction"]) == {"us_epa_2021"}
    assert bool(pm.loc[4, "flags"] & HIGH_HUMIDITY) and not pm.loc[0, "flags"] & HIGH_HUMIDITY
    shown = next(x for x in status(engine)["sites"] if x["code"] == "pa-1")
    pm_shown = next(r for r in shown["latest"] if r["parameter"] == "pm25")
    assert shown["sensor_type"] == "PurpleAir PA-II (PMS5003)"
    assert pm_shown["value"] == 500.0 and pm_shown["value_corrected"] == pytest.approx(expected[-1], rel=1e-4)
    assert pm_shown["correction"] == "us_epa_2021"
    sds = _stored(engine, "sds-1").query("parameter == 'pm25'")
    assert sds["corrected"].isna().all() and sds["correction"].isna().all()  # no correction for SDS011
    # the pure function agrees, and a missing humidity gives no corrected value
    c = correction_for("PMS5003", "pm25")
    assert c is not None and "Barkjohn" in c.source and c.year == 2021
    assert correction_for("SDS011", "pm25") is None
    out = correct(c, np.array([100.0, 100.0]), np.array([50.0, np.nan]))
    assert out[0] == pytest.approx(0.524 * 100 - 0.0862 * 50 + 5.75) and np.isnan(out[1])


def _sensor_day(site: str, kind: str, level: float, spike_hour: int | None = None) -> list[str]:
    """A day of 2-minute readings (30 per hour) at ``level``; a single reading of 800 at ``spike_hour``."""
    rows = []
    for i, t in enumerate(pd.date_range("2025-02-01T00:00:00Z", periods=24 * 30, freq="2min")):
        v = 800.0 if spike_hour is not None and i == spike_hour * 30 + 7 else level
        v += (i % 3) * 0.1  # not stuck
        rows.append(f"{site},{kind},{t.strftime('%Y-%m-%dT%H:%M:%SZ')},pm25,{v:.1f},ug/m3,120,konaev-centre")
    return rows


def test_alert_needs_a_window_and_a_second_sensor(sqlite_url: str, tmp_path: Path) -> None:
    engine = init_monitoring(sqlite_url, demo=False)
    header = HEADER + ",place"
    # one noisy reading at a low-cost sensor: no alert
    ingest_file(engine, _csv(tmp_path, "a.csv", _sensor_day("lc-1", "sensor", 15.0, spike_hour=9), header), "csv")
    with engine.connect() as conn:
        assert conn.execute(select(Alert.id)).all() == []
    # a whole polluted day at two low-cost sensors of one place: alerts that name their rule, confirmed
    ingest_file(engine, _csv(tmp_path, "b.csv", [r.replace("2025-02-01", "2025-02-03")
                                                 for r in _sensor_day("lc-1", "sensor", 300.0)], header), "csv")
    with engine.connect() as conn:
        first = conn.execute(select(Alert.rule_id, Alert.confirmation, Alert.averaging)).all()
    assert first and {c for _, c, _ in first} == {"single_sensor"}  # no other site covers the place yet
    ingest_file(engine, _csv(tmp_path, "c.csv", [r.replace("2025-02-01", "2025-02-03")
                                                 for r in _sensor_day("lc-2", "sensor", 280.0)], header), "csv")
    with engine.connect() as conn:
        rows = conn.execute(select(Alert.rule_id, Alert.site_id, Alert.confirmation, Alert.confirmed_by,
                                   Alert.averaging)).all()
        codes = dict(conn.execute(select(Site.id, Site.code)).all())
    assert rows
    for rule_id, site_id, confirmation, by, averaging in rows:
        assert rule_id  # every alert names its rule
        assert averaging  # and its averaging period
        assert confirmation == "confirmed", (rule_id, codes[site_id], confirmation)
        assert by == ("lc-2" if codes[site_id] == "lc-1" else "lc-1")
    # a sensor whose neighbour shows nothing on that day: held back, not confirmed
    ingest_file(engine, _csv(tmp_path, "d.csv", [r.replace("2025-02-01", "2025-02-05")
                                                 for r in _sensor_day("lc-1", "sensor", 300.0)]
                             + [r.replace("2025-02-01", "2025-02-05") for r in _sensor_day("lc-2", "sensor", 10.0)],
                             header), "csv")
    with engine.connect() as conn:
        held = conn.execute(select(Alert.confirmation).join(Site, Site.id == Alert.site_id).where(
            Site.code == "lc-1", Alert.period_start >= pd.Timestamp("2025-02-04").to_pydatetime())).all()
    assert held and {c for (c,) in held} == {"not_confirmed"}
