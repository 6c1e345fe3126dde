"""Kazakh daily MPC where the sources conflict (NO2, O3, NH3): both values shipped, a setting chooses.

``data/monitoring/air_limit_variants.yaml`` lists, for each conflicting standard id of ``standards_air.yaml``,
the value of every variant (``older_list``: 0.04 / 0.03 / 0.04 mg/m3, the default; ``sanpin_2021``: 0.1 mg/m3)
with its source and status. The setting ``air.kz_daily_mpc`` chooses the variant for all of them and
``air.kz_daily_mpc.<parameter>`` for one substance. :func:`limit_for` gives the value an alert or an
exceedance count uses, and the words that name it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from jasyl.errors import InputError

__all__ = ["LimitChoice", "variant_data", "variant_names", "setting_keys", "chosen_variant", "limit_for",
           "conflicting_standards", "check_variant"]


@dataclass(frozen=True)
class LimitChoice:
    standard_id: str
    parameter: str
    variant: str
    value: float                 # ug/m3
    status: str
    label: str
    source: str
    alternatives: dict[str, float]

    def describe(self) -> str:
        """E.g. ``kz_mpc_ss_no2 = 40 ug/m3 (older_list: older Soviet/RU list ...; status secondary-conflict;
        alternative sanpin_2021 100 ug/m3)``."""
        alt = ", ".join(f"{k} {v:g} ug/m3" for k, v in self.alternatives.items() if k != self.variant)
        return (f"{self.standard_id} = {self.value:g} ug/m3 ({self.variant}: {self.label}; status {self.status}"
                + (f"; alternative {alt}" if alt else "") + ")")


@cache
def variant_data() -> dict[str, Any]:
    text = (resources.files("jasyl") / "data" / "monitoring" / "air_limit_variants.yaml").read_text(encoding="utf-8")
    return dict(yaml.safe_load(text))


def variant_names() -> tuple[str, ...]:
    return tuple(variant_data()["variants"])


def conflicting_standards() -> dict[str, dict[str, Any]]:
    return dict(variant_data()["standards"])


def setting_keys() -> tuple[str, ...]:
    """``air.kz_daily_mpc`` and one ``air.kz_daily_mpc.<parameter>`` per conflicting substance."""
    base = variant_data()["setting"]
    return (base, *(f"{base}.{s['parameter']}" for s in conflicting_standards().values()))


def check_variant(key: str, value: str) -> str:
    """``value`` if it is a variant name (or empty for a per-substance key, meaning: follow the global one)."""
    base = variant_data()["setting"]
    if key != base and value == "":
        return value
    if value not in variant_names():
        raise InputError(f"'{value}' is not a variant of {key}", field=key,
                         fix="use one of " + ", ".join(variant_names()) + (" (or empty)" if key != base else ""))
    return value


def chosen_variant(parameter: str, settings: Mapping[str, str] | None = None) -> str:
    data = variant_data()
    base = data["setting"]
    settings = settings or {}
    own = str(settings.get(f"{base}.{parameter}") or "")
    return own or str(settings.get(base) or data["default"])


def limit_for(standard_id: str, settings: Mapping[str, str] | None = None) -> LimitChoice | None:
    """The chosen value of a conflicting standard, or None when the standard has no variants."""
    spec = conflicting_standards().get(standard_id)
    if spec is None:
        return None
    data = variant_data()
    variant = chosen_variant(str(spec["parameter"]), settings)
    if variant not in data["variants"]:
        variant = str(data["default"])
    meta = data["variants"][variant]
    values = {v: float(spec[v]) for v in data["variants"] if v in spec}
    return LimitChoice(standard_id=standard_id, parameter=str(spec["parameter"]), variant=variant,
                       value=values[variant], status=str(meta["status"]), label=str(meta["label"]),
                       source=str(meta["source"]), alternatives=values)
