"""The indicative water class of a site and of each of its samples, as monitoring status and report show it.

The class table is the user's (setting ``water.class_table``) or the shipped Order 111-НҚ table
(:mod:`jasyl.monitoring.water_classes`). The order covers rivers, canals and in-channel reservoirs, not lakes
or seas: a site whose water body is a lake, a sea or a wastewater storage lake gets no class (the reason is
given); a site whose water body is not recorded is classified with a reminder to check the scope.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Engine, update

from jasyl.errors import InputError
from jasyl.monitoring.standards import parameter_def
from jasyl.monitoring.water_classes import INDICATIVE_LABEL, WaterClassTable, classify_sample, classify_site
from jasyl.store.models import WATER_BODY_TYPES, Site

__all__ = ["water_class_block", "set_water_body", "IN_SCOPE", "OUT_OF_SCOPE"]

IN_SCOPE = ("river", "canal", "reservoir")
OUT_OF_SCOPE = ("lake", "sea", "wastewater_storage")
SAMPLES_SHOWN = 24


def water_class_block(df: pd.DataFrame, water_body: str | None, table: WaterClassTable) -> dict[str, Any]:
    """Class of the site over ``df`` (its water measurements: time_utc, parameter, value) and of each sample."""
    water = df[[parameter_def(str(p)).medium == "water" for p in df["parameter"]]] if not df.empty else df
    prov = table.provenance()
    out: dict[str, Any] = {"label": INDICATIVE_LABEL, "water_body": water_body, **prov}
    if water.empty:
        return {**out, "class": None, "reason": "no water samples"}
    if table.official and water_body in OUT_OF_SCOPE:
        return {**out, "class": None, "in_scope": False,
                "reason": f"{prov['act_short']} applies to rivers, canals and in-channel reservoirs, not to a "
                          f"{water_body.replace('_', ' ')}"}
    site = classify_site(table, water[["parameter", "value"]])
    samples = []
    for when, grp in water.groupby("time_utc"):
        res = classify_sample(table, {str(p): float(v) for p, v in zip(grp["parameter"], grp["value"], strict=True)})
        samples.append({"time_utc": pd.Timestamp(when).isoformat() + "Z", "class": res.klass,
                        "limiting": res.limiting})
    times = pd.to_datetime(water["time_utc"])
    out.update({
        "class": site.klass, "limiting": site.limiting, "statistic": "mean of each indicator over the period",
        "period": {"from": times.min().isoformat() + "Z", "to": times.max().isoformat() + "Z"},
        "indicators": {p: {"value": c.value, "class": c.klass, "bound": c.bound} for p, c in site.by_indicator.items()},
        "unclassified": site.unclassified,
        "in_scope": True if water_body in IN_SCOPE else None,
        "samples": samples[-SAMPLES_SHOWN:], "samples_total": len(samples),
        "meaning": table.meanings.get(site.klass or "", ""),
    })
    if water_body not in IN_SCOPE and table.official:
        out["reason"] = ("the kind of water body is not recorded: the order applies to rivers, canals and "
                         "in-channel reservoirs only (jasyl monitor sites water-body CODE TYPE)")
    return out


def set_water_body(engine: Engine, code: str, kind: str) -> None:
    """Record the kind of water body a site samples (one of ``WATER_BODY_TYPES``)."""
    if kind not in WATER_BODY_TYPES:
        raise InputError(f"'{kind}' is not a kind of water body", field="water_body",
                         fix="use one of " + ", ".join(WATER_BODY_TYPES))
    with engine.begin() as conn:
        n = conn.execute(update(Site).where(Site.code == code).values(water_body=kind)).rowcount
    if not n:
        raise InputError(f"no site with code '{code}'", field="code", fix="see 'jasyl monitor status'")
