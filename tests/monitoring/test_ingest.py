"""Ingestion on SQLite and PostgreSQL: idempotence, rejected rows, all-or-nothing, --partial."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jasyl.monitoring.ingest import IngestError, ingest_file
from jasyl.monitoring.quality import OUT_OF_RANGE
from jasyl.monitoring.setup import init_monitoring
from jasyl.monitoring.units import Conditions
from jasyl.store.models import Alert, IngestBatch, Measurement, Site

OPENAQ_CSV = """location_id,sensors_id,location,datetime,lat,lon,parameter,units,value
2178,3919,Del Norte-2178,2023-01-01T01:00:00-07:00,35.13,-106.58,pm10,µg/m³,45.0
2178,3919,Del Norte-2178,2023-01-01T02:00:00-07:00,35.13,-106.58,pm10,µg/m³,47.0
2178,3920,Del Norte-2178,2023-01-01T01:00:00-07:00,35.13,-106.58,no2,ppb,20.0
2178,3921,Del Norte-2178,2023-01-01T01:00:00-07:00,35.13,-106.58,co,ppm,0.5
"""


def _count(engine, model) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def engine(db_url: str):  # type: ignore[no-untyped-def]
    return init_monitoring(db_url, demo=False)


def test_same_file_twice_changes_nothing(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "openaq.csv"
    f.write_text(OPENAQ_CSV, encoding="utf-8")
    first = ingest_file(engine, f, "openaq")
    assert (first.rows_read, first.rows_inserted, first.rows_duplicate) == (4, 4, 0)
    with engine.connect() as conn:
        rows1 = conn.execute(select(Measurement.site_id, Measurement.time_utc, Measurement.parameter,
                                    Measurement.value).order_by(Measurement.id)).all()
        alerts1 = conn.execute(select(Alert.rule_id, Alert.value)).all()
    second = ingest_file(engine, f, "openaq")
    assert (second.rows_inserted, second.rows_duplicate) == (0, 4)
    with engine.connect() as conn:
        rows2 = conn.execute(select(Measurement.site_id, Measurement.time_utc, Measurement.parameter,
                                    Measurement.value).order_by(Measurement.id)).all()
        alerts2 = conn.execute(select(Alert.rule_id, Alert.value)).all()
    assert rows1 == rows2 and alerts1 == alerts2
    assert _count(engine, Site) == 1


def test_units_and_times_are_normalised(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "openaq.csv"
    f.write_text(OPENAQ_CSV, encoding="utf-8")
    ingest_file(engine, f, "openaq")
    with engine.connect() as conn:
        got = {p: (v, u, t) for p, v, u, t in conn.execute(
            select(Measurement.parameter, Measurement.value, Measurement.unit, Measurement.time_utc))}
    # -07:00 local -> UTC
    assert str(got["pm10"][2]) in ("2023-01-01 08:00:00", "2023-01-01 09:00:00")
    # 20 ppb NO2 at 25 degC, 1013.25 hPa: 20 * 46.0055 / 24.4654 = 37.61 ug/m3
    assert got["no2"][0] == pytest.approx(37.61, rel=1e-3) and got["no2"][1] == "ug/m3"
    # 0.5 ppm CO = 572.4 ug/m3
    assert got["co"][0] == pytest.approx(572.4, rel=1e-3)


def test_conditions_change_gas_conversion(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "openaq.csv"
    f.write_text(OPENAQ_CSV, encoding="utf-8")
    ingest_file(engine, f, "openaq", conditions=Conditions(temperature_c=20.0, pressure_hpa=1013.25))
    with engine.connect() as conn:
        v = conn.scalar(select(Measurement.value).where(Measurement.parameter == "no2"))
    assert v == pytest.approx(20 * 46.0055 / 24.055, rel=1e-3)  # molar volume 24.055 L at 20 degC


BAD_CSV = """site_code,site_name,latitude,longitude,time,parameter,value,unit
kap-1,Kapchagay 1,43.89,77.03,2024-05-01T10:00:00+05:00,bod5,2.5,mg/L
kap-1,Kapchagay 1,43.89,77.03,2024-05-01T10:00:00+05:00,ammonium,0.3,mg/L as N
kap-1,Kapchagay 1,43.89,77.03,2024-05-01T10:00:00+05:00,nitrate,abc,mg/L
kap-1,Kapchagay 1,43.89,77.03,2024-05-01 10:00,cod,12,mg/L
kap-1,Kapchagay 1,43.89,77.03,2024-05-01T10:00:00+05:00,radon,1,mg/L
kap-1,Kapchagay 1,43.89,77.03,2024-05-01T10:00:00+05:00,copper,0.004,zorks
kap-1,Kapchagay 1,43.89,77.03,2024-05-01T10:00:00+05:00,zinc,-999,mg/L
kap-1,Kapchagay 1,43.89,77.03,2024-05-01T10:00:00+05:00,phosphate,0.05,mg/L,extra
kap-1,Kapchagay 1,43.89,77.03,2024-05-01T10:00:00+05:00,dissolved_oxygen,4.2,mg/L
"""


def test_bad_rows_reported_and_nothing_committed(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "lab.csv"
    f.write_text(BAD_CSV, encoding="utf-8")
    with pytest.raises(IngestError) as info:
        ingest_file(engine, f, "csv")
    errors = {e.line: e.reason for e in info.value.errors}
    # line 8 (zinc -999, a sensor error code) is not rejected: it is kept with the out_of_range flag
    assert set(errors) == {4, 5, 6, 7, 9}
    assert "not a number" in errors[4]
    assert "no UTC offset" in errors[5]
    assert "unknown parameter 'radon'" in errors[6]
    assert "unknown unit 'zorks'" in errors[7]
    assert "wrong number of fields" in errors[9]
    assert "line 4:" in str(info.value) and "nothing was committed" in str(info.value)
    for model in (Measurement, Site, IngestBatch, Alert):
        assert _count(engine, model) == 0


def test_partial_commits_only_good_rows(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "lab.csv"
    f.write_text(BAD_CSV, encoding="utf-8")
    report = ingest_file(engine, f, "csv", partial=True)
    assert len(report.rejected) == 5 and report.rows_inserted == 4
    with engine.connect() as conn:
        got = dict(conn.execute(select(Measurement.parameter, Measurement.value)).all())
        flags = dict(conn.execute(select(Measurement.parameter, Measurement.quality_flags)).all())
    assert set(got) == {"bod5", "ammonium", "dissolved_oxygen", "zinc"}
    assert got["zinc"] == -999 and flags["zinc"] == OUT_OF_RANGE and flags["bod5"] == 0
    assert got["ammonium"] == pytest.approx(0.3 * 1.2878)  # as N -> as NH4+
    # dissolved oxygen 4.2 < 6 mg/L fishery minimum -> alert with ratio limit/value
    with engine.connect() as conn:
        alerts = conn.execute(select(Alert.parameter, Alert.ratio, Alert.excess, Alert.standard_id)).all()
    by_param = {a.parameter: a for a in alerts}
    assert by_param["dissolved_oxygen"].ratio == pytest.approx(6.0 / 4.2)
    assert by_param["dissolved_oxygen"].excess == pytest.approx(1.8)
    assert by_param["bod5"].standard_id == "water_fishery_mpc_bod5"
    assert "ammonium" not in by_param  # 0.386 mg/L < 0.5


SC_CSV = """sensor_id;sensor_type;location;lat;lon;timestamp;P1;durP1;ratioP1;P2;durP2;ratioP2
12345;SDS011;6789;43.870;77.060;2024-01-10T00:01:12;20.5;;;11.2;;
12345;SDS011;6789;43.870;77.060;2024-01-10T00:03:40;22.0;;;12.4;;

12345;SDS011;6789;43.870;77.060;2024-01-10T00:06:10;;;;;;
12345;SDS011;6789;43.870;77.060;2024-01-10T00:08:35;-1;;;13.0;;
12345;SDS011;6789;43.870;77.060;2024-01-10T00:11:00;24.0;;;13.1;;
"""


def test_sensor_community_archive(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "2024-01-10_sds011_sensor_12345.csv"
    f.write_text(SC_CSV, encoding="utf-8")
    with pytest.raises(IngestError) as info:
        ingest_file(engine, f, "sensor-community")
    errors = {e.line: e.reason for e in info.value.errors}
    assert set(errors) == {5}  # line 4 is blank and ignored; line 6 (P1 = -1) is kept, flagged out_of_range
    assert "no measured value" in errors[5]
    report = ingest_file(engine, f, "sensor-community", partial=True)
    assert report.rows_inserted == 8  # 4 good lines x (P1, P2)
    with engine.connect() as conn:
        params = sorted({p for (p,) in conn.execute(select(Measurement.parameter))})
        code = conn.scalar(select(Site.code))
    assert params == ["pm10", "pm25"] and code == "sensor.community:12345"
    with engine.connect() as conn:
        flagged = conn.execute(select(Measurement.parameter, Measurement.value).where(
            Measurement.quality_flags.op("&")(OUT_OF_RANGE) != 0)).all()
        sensor_type = conn.scalar(select(Site.sensor_type))
    assert [tuple(r) for r in flagged] == [("pm10", -1.0)] and sensor_type == "SDS011"


def test_openaq_json_needs_a_site_and_reads_periods(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    doc = {"meta": {"name": "openaq-api", "found": 2}, "results": [
        {"value": 12.3, "flagInfo": {"hasFlags": False},
         "parameter": {"id": 2, "name": "pm25", "units": "µg/m³", "displayName": None},
         "period": {"label": "raw", "interval": "01:00:00",
                    "datetimeFrom": {"utc": "2024-03-01T00:00:00Z", "local": "2024-03-01T05:00:00+05:00"},
                    "datetimeTo": {"utc": "2024-03-01T01:00:00Z", "local": "2024-03-01T06:00:00+05:00"}},
         "coordinates": None},
        {"value": 14.0, "parameter": {"id": 2, "name": "pm25", "units": "µg/m³"},
         "period": {"interval": "01:00:00", "datetimeFrom": {"utc": "2024-03-01T01:00:00Z"}}},
        {"value": 1.0, "parameter": {"id": 2, "name": "pm25", "units": "µg/m³"}, "period": {}},
    ]}
    f = tmp_path / "sensor_3919.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    from jasyl.errors import InputError

    with pytest.raises(InputError, match="--site"):
        ingest_file(engine, f, "openaq")
    report = ingest_file(engine, f, "openaq", site="openaq:2178", partial=True)
    assert report.rows_inserted == 2
    assert [str(e) for e in report.rejected] == ["record 3: malformed record: no period.datetimeFrom.utc"]
    with engine.connect() as conn:
        assert {p for (p,) in conn.execute(select(Measurement.period_s))} == {3600}


def test_conflicting_duplicate_in_file_is_rejected(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = OPENAQ_CSV + "2178,3919,Del Norte-2178,2023-01-01T01:00:00-07:00,35.13,-106.58,pm10,µg/m³,99.0\n"
    text += "2178,3919,Del Norte-2178,2023-01-01T02:00:00-07:00,35.13,-106.58,pm10,µg/m³,47.0\n"
    f = tmp_path / "dup.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(IngestError) as info:
        ingest_file(engine, f, "openaq")
    assert [(e.line, "line 2" in e.reason) for e in info.value.errors] == [(6, True)]
    report = ingest_file(engine, f, "openaq", partial=True)
    assert report.rows_inserted == 4 and report.rows_duplicate == 1


def test_demo_site_codes_are_reserved(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "lab.csv"
    f.write_text("site_code,time,parameter,value,unit\ndemo:sorbulak,2024-01-01T00:00Z,bod5,3,mg/L\n",
                 encoding="utf-8")
    with pytest.raises(IngestError, match="reserved"):
        ingest_file(engine, f, "csv")


def test_missing_column_is_a_clear_input_error(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from jasyl.errors import InputError

    f = tmp_path / "lab.csv"
    f.write_text("site_code,parameter,value,unit\nx,bod5,3,mg/L\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"missing column\(s\): time"):
        ingest_file(engine, f, "csv")


def test_failure_during_write_leaves_nothing(engine, tmp_path: Path,  # type: ignore[no-untyped-def]
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import jasyl.monitoring.ingest.write as write_module  # the writer calls the alert rules it imported

    def boom(*args: object, **kwargs: object) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(write_module, "evaluate", boom)
    f = tmp_path / "openaq.csv"
    f.write_text(OPENAQ_CSV, encoding="utf-8")
    with pytest.raises(RuntimeError, match="disk full"):
        ingest_file(engine, f, "openaq")  # measurements were inserted before the failure ...
    for model in (Measurement, Site, IngestBatch):
        assert _count(engine, model) == 0  # ... and rolled back with it


def test_changed_value_on_reingest_is_reported_not_dropped(engine, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "openaq.csv"
    f.write_text(OPENAQ_CSV, encoding="utf-8")
    ingest_file(engine, f, "openaq")
    changed = tmp_path / "openaq-corrected.csv"
    changed.write_text(OPENAQ_CSV.replace("pm10,µg/m³,47.0", "pm10,µg/m³,52.0")
                       + "2178,3919,Del Norte-2178,2023-01-01T03:00:00-07:00,35.13,-106.58,pm10,µg/m³,40.0\n",
                       encoding="utf-8")
    with pytest.raises(IngestError) as info:
        ingest_file(engine, changed, "openaq")
    assert [(e.line, "already stored with value 47" in e.reason) for e in info.value.errors] == [(3, True)]
    assert _count(engine, Measurement) == 4 and _count(engine, IngestBatch) == 1
    report = ingest_file(engine, changed, "openaq", partial=True)
    assert (report.rows_inserted, report.rows_duplicate, len(report.rejected)) == (1, 3, 1)
    with engine.connect() as conn:
        values = sorted(v for (v,) in conn.execute(select(Measurement.value).where(Measurement.parameter == "pm10")))
    assert values == [40.0, 45.0, 47.0]
