"""Every crash the fuzzer found, kept as its (smallest) input under ``tests/fuzz/cases``: each must now give
a valid result or a user error naming the file and where (the property of :mod:`tests.fuzz.property`)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jasyl.city import load_city
from jasyl.errors import JasylError
from jasyl.monitoring.ingest.common import validate
from jasyl.monitoring.ingest.readers import read_file
from jasyl.monitoring.units import Conditions
from jasyl.planning.scenario import load_sweep_spec
from jasyl.tracking.actuals import read_actuals

from .property import check_user_error

CASES = Path(__file__).parent / "cases"


def _monitoring(fmt: str) -> Callable[[Path], Any]:
    return lambda p: validate(read_file(p, fmt), Conditions())


#: file name prefix -> the reader the fuzzer found the crash in
READERS: dict[str, Callable[[Path], Any]] = {
    "openaq_": _monitoring("openaq"),
    "sensor_community_": _monitoring("sensor-community"),
    "plain_csv_": _monitoring("csv"),
    "scenario_": load_sweep_spec,
    "city_": load_city,
    "actuals_": read_actuals,
}


def _reader(name: str) -> Callable[[Path], Any]:
    return next(fn for prefix, fn in READERS.items() if name.startswith(prefix))


@pytest.mark.parametrize("name", sorted(p.name for p in CASES.iterdir()))
def test_fuzzer_finding_is_fixed(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    shutil.copy(CASES / name, path)
    read = _reader(name)
    try:
        read(path)
    except Exception as exc:  # noqa: BLE001 - the property: only jasyl user errors, and clear ones
        assert isinstance(exc, JasylError), f"{type(exc).__name__}: {exc}"
        check_user_error(exc, path)
