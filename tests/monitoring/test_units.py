"""Unit normalisation with pint."""

from __future__ import annotations

import numpy as np
import pytest

from jasyl.monitoring.units import Conditions, UnitProblem, convert


@pytest.mark.parametrize(("unit", "parameter", "value", "expected"), [
    ("µg/m³", "pm25", 12.0, 12.0),
    ("mg/m3", "co", 1.2, 1200.0),
    ("ug/m^3", "pm10", 5.0, 5.0),
    ("mg/dm3", "bod5", 2.0, 2.0),
    ("ug/L", "copper", 5.0, 0.005),
    ("mg/L as N", "nitrate", 1.0, 4.4266),
    ("mg/L as P", "phosphate", 1.0, 3.0662),
    ("°C", "temperature", 20.0, 20.0),
    ("K", "temperature", 293.15, 20.0),
    ("Pa", "pressure", 101325.0, 1013.25),
    ("%", "humidity", 55.0, 55.0),
    ("ppm", "co", 1.0, 28.0101 * 101325 / (8.314462618 * 298.15)),
])
def test_conversions(unit: str, parameter: str, value: float, expected: float) -> None:
    assert convert(np.array([value]), unit, parameter)[0] == pytest.approx(expected, rel=1e-4)


def test_kz_reference_conditions() -> None:
    at20 = convert(np.array([100.0]), "ppb", "so2", Conditions(temperature_c=20.0))[0]
    at25 = convert(np.array([100.0]), "ppb", "so2")[0]
    assert at20 / at25 == pytest.approx(298.15 / 293.15)


@pytest.mark.parametrize(("unit", "parameter", "message"), [
    ("ppb", "pm25", "not a gas"),
    ("mg/L as N", "bod5", "cannot be expressed as N"),
    ("m/s", "no2", "cannot be converted"),
    ("", "no2", "no unit"),
    ("blorbs", "no2", "unknown unit"),
])
def test_unit_problems(unit: str, parameter: str, message: str) -> None:
    with pytest.raises(UnitProblem, match=message):
        convert(np.array([1.0]), unit, parameter)
