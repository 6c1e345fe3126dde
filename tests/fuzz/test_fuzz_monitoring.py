"""Fuzzing the monitoring readers (OpenAQ JSON/CSV, Sensor.Community CSV, lab/plain CSV, source
register) and the ingest into a real SQLite store: a broken file leaves the store exactly as it was."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from jasyl.monitoring.ingest import ingest_file
from jasyl.monitoring.ingest.common import validate
from jasyl.monitoring.ingest.readers import read_file
from jasyl.monitoring.setup import init_monitoring
from jasyl.monitoring.sources import read_sources_file
from jasyl.monitoring.units import Conditions
from jasyl.store.models import Alert, IngestBatch, Measurement, Site, Source

from .mutations import mutated_json, mutated_text
from .property import fuzz_settings, run_property
from .seeds import monitoring_seeds

#: seed file -> the format a user would give for it
FORMAT = {"openaq.csv": "openaq", "openaq_explorer.csv": "openaq", "openaq.json": "openaq",
          "sensor_community.csv": "sensor-community", "sensor_community_bme280.csv": "sensor-community",
          "lab.csv": "csv", "air_semicolon.csv": "csv"}


def _mutated(name: str) -> st.SearchStrategy[bytes]:
    seed = monitoring_seeds()[name]
    return mutated_json(seed) if name.endswith((".json", ".geojson")) else mutated_text(seed)


def check_rows(result: tuple[pd.DataFrame, list[Any], int]) -> None:
    good, errors, _ = result
    if good.empty:
        return
    assert np.isfinite(good["value"].astype(float)).all(), "non-finite value accepted"
    assert good["time_utc"].notna().all(), "row without a time accepted"
    assert good["site_code"].notna().all() and (good["site_code"].astype(str).str.len() > 0).all()
    assert good["parameter"].notna().all() and good["unit"].astype(str).str.len().gt(0).all()
    for e in errors:
        assert e.line >= 0 and e.reason


@pytest.mark.parametrize("name", list(FORMAT))
def test_monitoring_reader_fuzz(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    outcomes: dict[str, int] = {}

    @fuzz_settings(100)
    @given(data=_mutated(name), fmt=st.sampled_from([FORMAT[name]] * 5 + ["openaq", "sensor-community", "csv"]))
    def run(data: bytes, fmt: str) -> None:
        result = run_property(f"monitoring-{name}", path, data,
                              lambda: validate(read_file(path, fmt), Conditions()), check_rows)
        outcomes[result] = outcomes.get(result, 0) + 1

    run()
    print(f"{name}: {outcomes}")
    assert outcomes.get("error", 0) + outcomes.get("ok", 0) > 0


TABLES = (Measurement, Site, IngestBatch, Alert)


def _snapshot(engine: Any) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.__tablename__: int(conn.scalar(select(func.count()).select_from(t)) or 0) for t in TABLES}


@pytest.mark.parametrize("name", ["openaq.csv", "openaq.json", "sensor_community.csv", "lab.csv"])
def test_ingest_fuzz_all_or_nothing(name: str, tmp_path: Path) -> None:
    """Ingest of a broken file: a report whose counts match the store, or a user error and no change."""
    engine = init_monitoring(f"sqlite:///{tmp_path / 'store.sqlite'}", demo=False)
    path = tmp_path / name
    outcomes: dict[str, int] = {}

    @fuzz_settings(40)
    @given(data=_mutated(name), partial=st.booleans())
    def run(data: bytes, partial: bool) -> None:
        before = _snapshot(engine)

        def ingest() -> Any:
            try:
                return ingest_file(engine, path, FORMAT[name], partial=partial, site="openaq:1")
            except Exception:
                after = _snapshot(engine)
                assert after == before, f"a failed ingest changed the store: {before} -> {after}"
                raise

        def check(report: Any) -> None:
            after = _snapshot(engine)
            assert after["measurements"] - before["measurements"] == report.rows_inserted
            assert after["ingest_batches"] == before["ingest_batches"] + 1
            assert report.rows_inserted + report.rows_duplicate + len(report.rejected) >= 0
            if not partial:
                assert not report.rejected
            with engine.connect() as conn:
                worst = conn.scalar(select(func.max(func.abs(Measurement.value))))
            assert worst is None or math.isfinite(worst)

        result = run_property(f"ingest-{name}", path, data, ingest, check)
        outcomes[result] = outcomes.get(result, 0) + 1

    run()
    print(f"ingest {name}: {outcomes}")


@pytest.mark.parametrize("name", ["sources.csv", "sources.geojson"])
def test_source_register_fuzz(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    engine = init_monitoring(f"sqlite:///{tmp_path / 'store.sqlite'}", demo=False)

    def check(rows: list[dict[str, Any]]) -> None:
        for r in rows:
            assert r["name"]
            for key in ("latitude", "longitude"):
                assert r[key] is None or math.isfinite(r[key])

    @fuzz_settings(100)
    @given(data=_mutated(name))
    def run(data: bytes) -> None:
        run_property(f"sources-{name}", path, data, lambda: read_sources_file(path), check)

    run()
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Source)) == 0
