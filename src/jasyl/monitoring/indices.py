"""Air-quality indices: US EPA AQI (2024 revision) and Kazhydromet's SI, NP and IZA5; water ИЗВ.

All inputs are concentrations in jasyl's canonical units (ug/m3 for air, mg/L for water); the AQI
converts gases to the EPA's ppm/ppb at 25 degC and 1 atm. Breakpoints, exponents and bands are data
(``data/monitoring/aqi_us_epa.yaml``, ``kazhydromet.yaml``, ``water_quality.yaml``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import numpy as np

from jasyl.monitoring.standards import find_standard, load_data, parameter_def

__all__ = ["AqiResult", "aqi_sub_index", "aqi", "aqi_category", "ug_m3_to_mixing_ratio", "standard_index",
           "np_percent", "iza", "iza_from_ratios", "kazhydromet_level", "izv", "izv_class"]


# --------------------------------------------------------------------------------------- US AQI

def _truncate(value: float, decimals: int) -> Decimal:
    q = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(value))).quantize(q, rounding=ROUND_DOWN)


def ug_m3_to_mixing_ratio(value_ug_m3: float, parameter: str, unit: str,
                          temperature_c: float = 25.0, pressure_hpa: float = 1013.25) -> float:
    """ug/m3 of a gas to ``ppm`` or ``ppb`` (ideal gas; EPA reference conditions by default)."""
    molar_mass = parameter_def(parameter).molar_mass_g_mol
    if molar_mass is None:
        raise ValueError(f"{parameter} is not a gas")
    molar_volume_l = 8.314462618 * (temperature_c + 273.15) / (pressure_hpa * 100.0) * 1000.0
    ppb = value_ug_m3 * molar_volume_l / molar_mass
    return ppb / 1000.0 if unit == "ppm" else ppb


@dataclass(frozen=True)
class AqiResult:
    index: int | None
    category: str | None
    color: str | None
    pollutant: str | None
    sub_indices: dict[str, int]


def aqi_category(index: int) -> tuple[str, str]:
    for cat in load_data("aqi_us_epa.yaml")["categories"]:
        if index <= cat["index_hi"]:
            return cat["name"], cat["color"]
    last = load_data("aqi_us_epa.yaml")["categories"][-1]
    return last["name"], last["color"]


def aqi_sub_index(key: str, concentration: float, *, native_units: bool = False) -> int | None:
    """AQI for one pollutant/averaging key (``pm25_24h``, ``o3_8h``, ``co_8h``, ``so2_1h``...).

    ``concentration`` is in ug/m3 unless ``native_units`` (then in the EPA table's unit). Returns None
    where the EPA table has no breakpoint for that value (e.g. 8-hour O3 above 0.200 ppm).
    """
    spec = load_data("aqi_us_epa.yaml")["pollutants"][key]
    conc = float(concentration)
    if not native_units and spec["unit"] in ("ppm", "ppb"):
        conc = ug_m3_to_mixing_ratio(conc, spec["parameter"], spec["unit"])
    if conc < 0 or math.isnan(conc):
        return None
    c = _truncate(conc, int(spec["truncate"]))
    if key == "so2_1h" and c >= 305:
        # EPA TAD 2024: 1-hour SO2 does not define AQI above 200; a daily maximum 1-hour value of
        # 305 ppb or more gets 200 (the 24-hour mean decides higher values)
        return 200
    cats = load_data("aqi_us_epa.yaml")["categories"]
    segments = [(bp, cat) for bp, cat in zip(spec["breakpoints"], cats, strict=True) if bp is not None]
    chosen = None
    for bp, cat in segments:
        lo, hi = Decimal(str(bp[0])), Decimal(str(bp[1]))
        if lo <= c <= hi:
            chosen = (lo, hi, cat)
            break
    if chosen is None:
        last_bp, last_cat = segments[-1]
        first_bp = segments[0][0]
        if c > Decimal(str(last_bp[1])) and last_cat["index_hi"] == 500:
            chosen = (Decimal(str(last_bp[0])), Decimal(str(last_bp[1])), last_cat)  # extrapolate above 500
        elif c < Decimal(str(first_bp[0])):
            return None  # below the first defined segment (e.g. O3 1-h under 0.125 ppm): not used
        else:
            return None
    lo, hi, cat = chosen
    i_lo, i_hi = Decimal(cat["index_lo"]), Decimal(cat["index_hi"])
    value = (i_hi - i_lo) / (hi - lo) * (c - lo) + i_lo
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def aqi(concentrations: Mapping[str, float | None], *, native_units: bool = False) -> AqiResult:
    """Overall AQI: the highest sub-index of the given ``{key: concentration}``."""
    subs: dict[str, int] = {}
    for key, conc in concentrations.items():
        if conc is None or (isinstance(conc, float) and math.isnan(conc)):
            continue
        value = aqi_sub_index(key, conc, native_units=native_units)
        if value is not None:
            subs[key] = value
    # 8-hour and 1-hour ozone: the higher one counts (the maximum below does that)
    if not subs:
        return AqiResult(None, None, None, None, {})
    pollutant, index = max(subs.items(), key=lambda kv: kv[1])
    name, color = aqi_category(index)
    return AqiResult(index, name, color, pollutant, subs)


# ------------------------------------------------------------------------- Kazhydromet indices

def standard_index(max_single_ug_m3: float, parameter: str) -> float | None:
    """SI = highest single concentration / MPC one-off (ПДК м.р.); None without an MPC."""
    std = find_standard(parameter, "mpc_one_off")
    return None if std is None else float(max_single_ug_m3) / std.value


def np_percent(values: Iterable[float], parameter: str) -> float | None:
    """NP = share of the observations above the MPC one-off, per cent."""
    std = find_standard(parameter, "mpc_one_off")
    arr = np.asarray(list(values), dtype=float)
    arr = arr[~np.isnan(arr)]
    if std is None or arr.size == 0:
        return None
    return float((arr > std.value).sum()) / arr.size * 100.0


def iza_from_ratios(ratios: Mapping[str, tuple[float, int]], *, top: int = 5) -> tuple[float, dict[str, float]]:
    """IZA from ``{pollutant: (mean / MPC daily, hazard class 1-4)}``: sum of the ``top`` largest I_i.

    I_i = ratio_i ** C_i with C = 1.7 / 1.3 / 1.0 / 0.9 for hazard classes 1 / 2 / 3 / 4 (the exponents
    are data: ``kazhydromet.yaml``). This is the form in which published examples give their inputs
    (concentrations already in multiples of the daily MPC). Returns the index and every I_i.
    """
    exponents = {int(k): float(v) for k, v in load_data("kazhydromet.yaml")["hazard_class_exponent"].items()}
    terms: dict[str, float] = {}
    for name, (ratio, klass) in ratios.items():
        if int(klass) not in exponents:
            raise ValueError(f"{name}: hazard class {klass} is not one of {sorted(exponents)}")
        if ratio is None or math.isnan(ratio) or ratio < 0:
            continue
        terms[name] = float(ratio) ** exponents[int(klass)]
    total = sum(sorted(terms.values(), reverse=True)[:top])
    return total, terms


def iza(mean_concentrations: Mapping[str, float], *, top: int = 5) -> tuple[float, dict[str, float]]:
    """IZA (ИЗА) = sum of the ``top`` largest I_i = (mean_i / MPC daily_i) ** C_i (hazard-class exponent).

    ``mean_concentrations`` are period (annual or monthly) means in ug/m3. Returns the index and the
    I_i of every pollutant that has an MPC daily and a hazard class.
    """
    classes = load_data("kazhydromet.yaml")["hazard_class"]
    ratios: dict[str, tuple[float, int]] = {}
    for param, mean in mean_concentrations.items():
        std = find_standard(param, "mpc_daily")
        klass = classes.get(param)
        if std is None or klass is None or mean is None or math.isnan(mean):
            continue
        ratios[param] = (float(mean) / std.value, int(klass["class"]))
    return iza_from_ratios(ratios, top=top)


def kazhydromet_level(index: str, value: float) -> str:
    """Level (low / elevated / high / very_high) of an ``iza``, ``si`` or ``np`` value.

    The bands are published with integer bounds (IZA 0-4 low, 5-6 elevated...); a value is in the
    first band whose upper bound it does not exceed after rounding to the nearest integer, as the
    bulletins report whole numbers.
    """
    data = load_data("kazhydromet.yaml")
    bands = data["bands"][index]
    rounded = int(Decimal(repr(float(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    for level, upper in zip(data["levels"], bands, strict=True):
        if upper is None or rounded <= upper:
            return str(level)
    return str(data["levels"][-1])


# ------------------------------------------------------------------------------------- water

def izv(concentrations: Mapping[str, float]) -> tuple[float, dict[str, float]] | None:
    """ИЗВ = mean of C_i/MPC_i over dissolved oxygen, BOD5 and the four other largest ratios.

    Uses the fishery MPC; for dissolved oxygen the ratio is MPC / C. None without both DO and BOD5
    and four other indicators.
    """
    ratios: dict[str, float] = {}
    for param, conc in concentrations.items():
        std = find_standard(param, "fishery_mpc")
        if std is None or conc is None or math.isnan(conc):
            continue
        if std.minimum:
            ratios[param] = std.value / conc if conc > 0 else math.inf
        else:
            ratios[param] = conc / std.value
    if "dissolved_oxygen" not in ratios or "bod5" not in ratios:
        return None
    others = sorted((v for k, v in ratios.items() if k not in ("dissolved_oxygen", "bod5")), reverse=True)
    if len(others) < 4:
        return None
    used = [ratios["dissolved_oxygen"], ratios["bod5"], *others[:4]]
    return sum(used) / 6.0, ratios


def izv_class(value: float) -> tuple[str, str]:
    for band in load_data("water_quality.yaml")["izv_bands"]:
        if band["upper"] is None or value <= band["upper"]:
            return str(band["class"]), str(band["name"])
    raise AssertionError("unreachable: the last band is open")
