"""Monthly climate normals that calibrate the synthetic weather year.

Normals file (YAML), see docs/weather-and-profiles.md::

    site: free text                      # optional
    temp_c:               {values: [12 numbers], source: ..., year: ... | estimate: ...}
    ghi_kwh_m2:           {values: [12 numbers], ...}   # monthly totals, kWh/m2
    wind_m_s:             {values: [12 numbers], height_m: 10, ...}
    temp_diurnal_range_c: {values: [12 numbers], ...}   # optional (default 12 K)

A city file may give ``weather_normals:`` as a path to such a file (relative to the city file) or as
the same mapping inline.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from jasyl.errors import SchemaError, shorten
from jasyl.yamlfile import parse_yaml

__all__ = ["MonthlyNormals", "load_normals", "parse_normals", "konaev_normals", "KONAEV_NORMALS_FILE"]

KONAEV_NORMALS_FILE = "konaev_normals.yaml"
_DEFAULT_DTR: tuple[float, ...] = (12.0,) * 12


@dataclass(frozen=True)
class MonthlyNormals:
    """Twelve monthly values of each climate variable (January first)."""

    temp_c: tuple[float, ...]
    ghi_kwh_m2: tuple[float, ...]
    wind_m_s: tuple[float, ...]
    wind_height_m: float
    temp_diurnal_range_c: tuple[float, ...] = _DEFAULT_DTR
    site: str = ""
    origin: str = ""


def _values(block: Any, key: str, file: str, lo: float, hi: float) -> tuple[float, ...]:
    if not isinstance(block, dict) or "values" not in block:
        raise SchemaError(
            "expected a mapping with 'values' (12 numbers) and 'source'+'year' or 'estimate'",
            file=file,
            field=key,
        )
    vals = block["values"]
    if not isinstance(vals, list) or len(vals) != 12:
        raise SchemaError("expected 12 monthly values, January first", file=file, field=f"{key}.values")
    out = []
    for i, v in enumerate(vals):
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise SchemaError(f"month {i + 1}: '{shorten(v)}' is not a number", file=file, field=f"{key}.values")
        if not lo <= float(v) <= hi:
            raise SchemaError(
                f"month {i + 1}: {v} is outside the plausible range {lo}..{hi}",
                file=file,
                field=f"{key}.values",
                fix="check the unit in the key name",
            )
        out.append(float(v))
    if not (("source" in block and "year" in block) or "estimate" in block):
        raise SchemaError(
            "every series needs its source and year, or an 'estimate:' with the reasoning",
            file=file,
            field=key,
        )
    return tuple(out)


def parse_normals(data: Any, file: str | Path = "<normals>") -> MonthlyNormals:
    """Validate a normals mapping (already parsed from YAML)."""
    file = str(file)
    if not isinstance(data, dict):
        raise SchemaError("a normals file is a mapping", file=file)
    for key in ("temp_c", "ghi_kwh_m2", "wind_m_s"):
        if key not in data:
            raise SchemaError(f"'{key}' is missing", file=file, field=key, fix="see the normals file format")
    wind_block = data["wind_m_s"]
    height = wind_block.get("height_m") if isinstance(wind_block, dict) else None
    if isinstance(height, bool) or not isinstance(height, int | float) or not 0 < float(height) <= 300:
        raise SchemaError(
            "the wind height is missing or not a number of metres",
            file=file,
            field="wind_m_s.height_m",
            fix="add 'height_m: 10' (anemometer height) to the wind_m_s block",
        )
    dtr = _DEFAULT_DTR
    if "temp_diurnal_range_c" in data:
        dtr = _values(data["temp_diurnal_range_c"], "temp_diurnal_range_c", file, 0.0, 30.0)
    return MonthlyNormals(
        temp_c=_values(data["temp_c"], "temp_c", file, -60.0, 45.0),
        ghi_kwh_m2=_values(data["ghi_kwh_m2"], "ghi_kwh_m2", file, 0.0, 320.0),
        wind_m_s=_values(wind_block, "wind_m_s", file, 0.1, 25.0),
        wind_height_m=float(height),
        temp_diurnal_range_c=dtr,
        site=str(data.get("site", "")),
        origin=file,
    )


def load_normals(path: str | Path) -> MonthlyNormals:
    """Read and validate a normals YAML file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SchemaError(f"is not UTF-8 text (byte {exc.start})", file=p, field="encoding",
                          fix="save the normals file as UTF-8 YAML") from None
    except OSError as exc:
        raise SchemaError(f"cannot read the normals file: {exc.strerror}", file=p) from None
    data = parse_yaml(text, str(p))
    return parse_normals(data, p)


def konaev_normals() -> MonthlyNormals:
    """The embedded Konaev normals (estimates with their anchors, see the data file)."""
    ref = resources.files("jasyl").joinpath("data", "weather", KONAEV_NORMALS_FILE)
    data = yaml.safe_load(ref.read_text(encoding="utf-8"))
    return parse_normals(data, f"jasyl/data/weather/{KONAEV_NORMALS_FILE}")
