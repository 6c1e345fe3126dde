"""AQI and Kazhydromet indices against worked examples of their documentation."""

from __future__ import annotations

import pytest

from jasyl.monitoring.indices import (
    aqi,
    aqi_sub_index,
    iza,
    izv,
    izv_class,
    kazhydromet_level,
    np_percent,
    standard_index,
    ug_m3_to_mixing_ratio,
)


def test_epa_tad_worked_example() -> None:
    # The multi-pollutant example of the EPA Technical Assistance Document for the Reporting of Daily
    # Air Quality (EPA-454/B-18-007, section "Calculating the AQI"; the 2024 edition EPA-454/B-24-002
    # keeps the method), as recalled - the PDF could not be re-read here, so the arithmetic is spelt
    # out to be checked by hand against table 6: 8-hour ozone 0.07853 ppm is truncated to 0.078 ppm,
    # AQI = (150-101)/(0.085-0.071) * (0.078-0.071) + 101 = 125.5 -> 126; with PM2.5 35.9 ug/m3 (102)
    # and CO 8.4 ppm (90) the reported AQI is 126, ozone.
    assert aqi_sub_index("o3_8h", 0.07853, native_units=True) == 126
    assert aqi_sub_index("pm25_24h", 35.9, native_units=True) == 102
    assert aqi_sub_index("co_8h", 8.4, native_units=True) == 90
    res = aqi({"o3_8h": 0.07853, "pm25_24h": 35.9, "co_8h": 8.4}, native_units=True)
    assert (res.index, res.pollutant, res.category) == (126, "o3_8h", "unhealthy_sensitive")


@pytest.mark.parametrize(("conc", "expected"), [
    (0.0, 0), (9.0, 50), (9.1, 51), (9.19, 51), (35.4, 100), (35.5, 101), (55.4, 150), (55.5, 151),
    (125.4, 200), (125.5, 201), (225.4, 300), (225.5, 301), (325.4, 500),
])
def test_pm25_breakpoints_of_may_2024(conc: float, expected: int) -> None:
    # the 2024 revision: Good ends at 9.0 (was 12.0), Hazardous starts at 225.5 (was 250.5)
    assert aqi_sub_index("pm25_24h", conc) == expected


def test_above_500_extrapolates_last_segment() -> None:
    # 301-500 spans 225.5-325.4; 425.3 ug/m3 lies one more segment width above -> ~699
    assert aqi_sub_index("pm25_24h", 425.3) == round((500 - 301) / (325.4 - 225.5) * (425.3 - 225.5) + 301)


def test_gas_conversion_and_undefined_segments() -> None:
    # 1 ppb NO2 at 25 degC and 1 atm = 46.0055 / 24.465 ug/m3 = 1.8805
    assert ug_m3_to_mixing_ratio(188.05, "no2", "ppb") == pytest.approx(100.0, rel=1e-3)
    assert aqi_sub_index("no2_1h", 100, native_units=True) == 100
    # 8-hour ozone has no breakpoint above 0.200 ppm and 1-hour ozone none below 0.125 ppm
    assert aqi_sub_index("o3_8h", 0.25, native_units=True) is None
    assert aqi_sub_index("o3_1h", 0.1, native_units=True) is None
    # SO2: a daily maximum 1-hour value >= 305 ppb gives 200; the 24-hour mean defines higher values
    assert aqi_sub_index("so2_1h", 400, native_units=True) == 200
    res = aqi({"so2_1h": 400.0, "so2_24h": 350.0}, native_units=True)
    assert res.pollutant == "so2_24h" and 201 <= res.index <= 300
    assert aqi({"so2_1h": 400.0}, native_units=True).index == 200


@pytest.mark.parametrize(("key", "conc", "expected"), [
    # segment ends of the 2024 table (cross-checked with openaq/aqi-hub docs/data/us/breakpoints.csv)
    ("pm10_24h", 54, 50), ("pm10_24h", 55, 51), ("pm10_24h", 604, 500),
    ("co_8h", 4.4, 50), ("co_8h", 4.5, 51), ("co_8h", 50.4, 500),
    ("no2_1h", 53, 50), ("no2_1h", 360, 150), ("no2_1h", 2049, 500),
    ("o3_8h", 0.054, 50), ("o3_8h", 0.2, 300), ("o3_1h", 0.125, 101), ("o3_1h", 0.604, 500),
    ("so2_1h", 35, 50), ("so2_1h", 304, 200), ("so2_24h", 1004, 500),
])
def test_segment_ends(key: str, conc: float, expected: int) -> None:
    assert aqi_sub_index(key, conc, native_units=True) == expected


def test_kazhydromet_si_borovoe_example() -> None:
    # Kazhydromet (kazhydromet.kz/post/244, quoted by centralasiaclimateportal.org): CO 11,260 ug/m3
    # at Borovoe was reported as 2.25 MPC; SI = max single concentration / MPC one-off (5 mg/m3)
    si = standard_index(11260.0, "co")
    assert si == pytest.approx(2.252)
    assert f"{si:.2f}" == "2.25"
    assert kazhydromet_level("si", si) == "elevated"


@pytest.mark.parametrize(("parameter", "conc_ug_m3", "reported", "digits"), [
    ("pm25", 133.0, 0.8, 1), ("so2", 17.0, 0.03, 2), ("co", 762.0, 0.2, 1), ("no2", 14.0, 0.1, 1),
])
def test_kazhydromet_daily_bulletin_ratios(parameter: str, conc_ug_m3: float, reported: float, digits: int) -> None:
    # Kazhydromet daily bulletin No. 283 on the air of Kostanay, 10 October 2022 (published copy at
    # ppt-online.org/1253261): "actual concentration, ug/m3" and "multiple of the MPC" per pollutant.
    # The multiples are the single concentrations over the one-off MPC, i.e. the SI of that value.
    si = standard_index(conc_ug_m3, parameter)
    assert si is not None and round(si, digits) == reported


def test_np_percent_counts_exceedances_of_one_off_mpc() -> None:
    values = [100.0] * 95 + [161.0] * 5  # PM2.5 MPC one-off 160 ug/m3
    assert np_percent(values, "pm25") == pytest.approx(5.0)
    assert kazhydromet_level("np", 5.0) == "elevated"
    assert kazhydromet_level("np", 0.0) == "low"
    assert kazhydromet_level("np", 50.0) == "very_high"


def test_iza5_formula_and_bands() -> None:
    # I_i = (q_i / MPC_daily_i) ** C_i; C = 1.7/1.3/1.0/0.9 for hazard classes 1/2/3/4; IZA5 = sum of top 5
    means = {"no2": 80.0, "pm10": 90.0, "so2": 25.0, "co": 6000.0, "o3": 15.0, "pm25": 35.0}
    total, terms = iza(means)
    assert terms["no2"] == pytest.approx(2.0 ** 1.3)     # class 2
    assert terms["pm10"] == pytest.approx(1.5)           # class 3 (estimate for PM)
    assert terms["so2"] == pytest.approx(0.5)            # class 3
    assert terms["co"] == pytest.approx(2.0 ** 0.9)      # class 4
    assert terms["o3"] == pytest.approx(0.5 ** 1.7)      # class 1
    assert terms["pm25"] == pytest.approx(1.0)
    five = sorted(terms.values(), reverse=True)[:5]
    assert total == pytest.approx(sum(five))
    assert kazhydromet_level("iza", total) == ("high" if round(total) >= 7 else "elevated")
    assert kazhydromet_level("iza", 4.4) == "low"
    assert kazhydromet_level("iza", 6.4) == "elevated"
    assert kazhydromet_level("iza", 7.0) == "high"
    assert kazhydromet_level("iza", 14.0) == "very_high"


def test_izv_water_index() -> None:
    conc = {"dissolved_oxygen": 6.0, "bod5": 4.2, "ammonium": 1.0, "nitrite": 0.08, "copper": 0.002,
            "zinc": 0.02, "cod": 15.0}
    value, ratios = izv(conc)  # type: ignore[misc]
    # DO 1, BOD5 2, and the four largest others: NH4 2, Cu 2, Zn 2, then nitrite 1 / COD 1
    assert ratios["dissolved_oxygen"] == pytest.approx(1.0)
    assert value == pytest.approx((1 + 2 + 2 + 2 + 2 + 1) / 6)
    assert izv_class(value) == ("III", "moderately_polluted")
    assert izv({"bod5": 3.0}) is None
