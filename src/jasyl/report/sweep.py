"""The sweep report: one offline HTML page (kk/ru/en) from a sweep's results directory.

Sections: headline counts; tornado charts of the cost per tonne and of the total cost (one-at-a-time
sweeps); the cost-CO2 frontier per accounting mode; capacity ranges across scenarios (robust builds
versus builds that depend on assumptions); weather checks; failures with their reasons; every scenario.
Numbers come from :mod:`jasyl.planning.sweep_results`; this module only draws and writes.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from jasyl.fileio import write_text_atomic
from jasyl.i18n import catalogue, translate
from jasyl.planning.sweep_results import (
    SweepTables,
    capacity_ranges,
    failures,
    frontier,
    load_sweep_results,
    tornado,
)
from jasyl.report.html import render
from jasyl.report.labels import Labels
from jasyl.report.svg import new_figure, to_svg

__all__ = ["write_sweep_report", "render_sweep_report", "setting_label"]

TEMPLATE = "sweep.html.j2"
GREEN = "#2e7d4f"
ORANGE = "#d9822b"
GREY = "#8a959e"


def _t(lang: str, key: str, **values: Any) -> str:
    return translate(f"sweep.{key}", lang, **values)


def setting_label(setting: str, lab: Labels) -> str:
    """A reader's name for a sweep setting (``capex_multiplier.wind`` -> "Capital cost: Onshore wind")."""
    head, _, tail = setting.partition(".")
    cat = catalogue(lab.lang)
    if tail:
        name = lab.tech(tail) if head == "capex_multiplier" else lab.t(f"fuel.{tail}") if lab.has(f"fuel.{tail}") \
            else tail
        key = f"sweep.setting.{head}"
        return translate(key, lab.lang, name=name) if key in cat else setting
    key = f"sweep.setting.{setting}"
    return translate(key, lab.lang) if key in cat else setting


def _tech_unit(tech: str) -> str:
    if tech.startswith("ev_"):
        return "share"
    if tech.endswith("_energy"):
        return "MWh"
    return "MW"


def _tornado_svg(tor_cost: pd.DataFrame, tor_total: pd.DataFrame, lab: Labels) -> str:
    lang = lab.lang
    panels = [(tor_cost, _t(lang, "tornado.per_t"), 1.0), (tor_total, _t(lang, "tornado.total"), 1e-6)]
    n = max(len(tor_cost), len(tor_total), 1)
    fig, axes = new_figure(9.0, 2.0 + 0.8 * n, nrows=2)
    for ax, (frame, title, scale) in zip(axes, panels, strict=True):
        ax.set_title(title)
        if frame.empty:
            ax.set_axis_off()
            continue
        frame = frame.iloc[::-1]
        y = np.arange(len(frame))
        base = float(frame["base"].iloc[0]) * scale
        for i, (_idx, r) in enumerate(frame.iterrows()):
            lo, hi = float(r["low"]) * scale, float(r["high"]) * scale
            ax.barh(i, base - lo, left=lo, color=GREEN, height=0.6)
            ax.barh(i, hi - base, left=base, color=ORANGE, height=0.6)
            if r["low_setting"] != "base":
                ax.text(lo, i, f"{r['low_setting']} ", va="center", ha="right", fontsize=8)
            if r["high_setting"] != "base":
                ax.text(hi, i, f" {r['high_setting']}", va="center", ha="left", fontsize=8)
        ax.axvline(base, color="#1f2933", linewidth=1)
        ax.set_yticks(y, [setting_label(str(a), lab) for a in frame["axis"]])
        ax.margins(x=0.25)
    return to_svg(fig, "sweep-tornado", _t(lang, "tornado.title"))


def _frontier_svg(front: pd.DataFrame, lab: Labels) -> str:
    lang = lab.lang
    fig, ax = new_figure(9.0, 4.2)
    colours = [GREEN, ORANGE, "#3b6ea8", "#8e44ad", GREY]
    for i, (mode, group) in enumerate(front.groupby("accounting", sort=True)):
        c = colours[i % len(colours)]
        ax.scatter(group["co2_after_t"] / 1000.0, group["total_annual_cost_usd"] / 1e6, s=18, color=c, alpha=0.55)
        f = group[group["on_frontier"]].sort_values("co2_after_t")
        ax.plot(f["co2_after_t"] / 1000.0, f["total_annual_cost_usd"] / 1e6, color=c, linewidth=1.6,
                marker="o", markersize=4, label=_t(lang, "frontier.mode", mode=str(mode)))
    ax.set_xlabel(_t(lang, "frontier.x"))
    ax.set_ylabel(_t(lang, "frontier.y"))
    ax.legend(loc="best")
    return to_svg(fig, "sweep-frontier", _t(lang, "frontier.title"))


def _ranges_svg(ranges: pd.DataFrame, lab: Labels) -> str:
    lang = lab.lang
    groups = [(u, ranges[[_tech_unit(t) == u for t in ranges["technology"]]]) for u in ("MW", "MWh", "share")]
    groups = [(u, g) for u, g in groups if len(g)]
    heights = [max(len(g), 1) for _u, g in groups]
    fig, axes = new_figure(9.0, 1.0 + 0.34 * sum(heights) + 0.5 * len(groups), nrows=len(groups),
                           gridspec_kw={"height_ratios": heights}, squeeze=False)
    for ax, (unit, g) in zip(axes[:, 0], groups, strict=True):
        g = g.iloc[::-1]
        for i, (_idx, r) in enumerate(g.iterrows()):
            colour = GREEN if r["robust"] else ORANGE
            ax.plot([r["min"], r["max"]], [i, i], color=colour, linewidth=6, solid_capstyle="butt")
            if not math.isnan(float(r["base"])):
                ax.plot([r["base"]], [i], marker="|", markersize=14, color="#1f2933")
        ax.set_yticks(np.arange(len(g)), [lab.tech(str(t)) for t in g["technology"]])
        ax.set_xlabel(_t(lang, f"ranges.unit_{unit.lower()}"))
        ax.set_xlim(left=0)
    return to_svg(fig, "sweep-ranges", _t(lang, "ranges.title"))


def render_sweep_report(tables: SweepTables, lang: str = "en") -> str:
    """The HTML text of the sweep report."""
    lab = Labels(lang)
    res = tables.results
    tor_cost = tornado(res, "cost_per_t_avoided_usd")
    tor_total = tornado(res, "total_annual_cost_usd")
    front = frontier(res)
    ranges = capacity_ranges(res)
    fails = failures(res)
    figures: dict[str, str] = {}
    if len(tor_cost) or len(tor_total):
        figures["tornado"] = _tornado_svg(tor_cost, tor_total, lab)
    if len(front):
        figures["frontier"] = _frontier_svg(front, lab)
    if len(ranges):
        figures["ranges"] = _ranges_svg(ranges, lab)
    counts = res["status"].value_counts().to_dict()
    solved = int(counts.get("optimal", 0))
    top = [
        {"axis": setting_label(str(r["axis"]), lab), "low": lab.num(r["low"]), "high": lab.num(r["high"]),
         "low_setting": _t(lang, "base") if r["low_setting"] == "base" else r["low_setting"],
         "high_setting": _t(lang, "base") if r["high_setting"] == "base" else r["high_setting"],
         "swing": lab.num(r["swing"]),
         "swing_total": lab.num(_swing_of(tor_total, r["axis"]) / 1e6, 1)}
        for _i, r in tor_cost.iterrows()
    ]
    scenarios = [
        {"name": r["name"], "status": _t(lang, f"status.{r['status']}") if f"sweep.status.{r['status']}"
         in catalogue(lang) else str(r["status"]),
         "per_t": lab.num(r.get("cost_per_t_avoided_usd")),
         "total": lab.num(_f(r.get("total_annual_cost_usd")) / 1e6, 1),
         "co2": lab.num(_f(r.get("co2_after_t")) / 1000.0, 1), "ok": r["status"] == "optimal"}
        for _i, r in res.iterrows()
    ]
    checks = []
    if len(tables.checks):
        for _i, r in tables.checks.iterrows():
            checks.append({"name": r["name"], "weather": r["check_weather"], "unserved": lab.num(r["unserved_mwh"]),
                           "hours": lab.num(r["unserved_hours"]), "extra_co2": lab.num(r["extra_co2_t"])})
    base_row = res[(res.get("axis", pd.Series([""] * len(res))).fillna("") == "") & (res["name"] == "base")]
    base = base_row.iloc[0] if len(base_row) and base_row.iloc[0]["status"] == "optimal" else None
    ctx = {
        "lang": lang,
        "t": lambda key, **kw: _t(lang, key, **kw),
        "name": tables.name,
        "description": str(tables.spec.get("description") or ""),
        "generated": lab.datetime(datetime.now(UTC)),
        "n": len(res),
        "solved": solved,
        "failed": len(res) - solved,
        "figures": figures,
        "top": top,
        "base_per_t": lab.num(base["cost_per_t_avoided_usd"]) if base is not None else None,
        "base_total": lab.num(float(base["total_annual_cost_usd"]) / 1e6, 1) if base is not None else None,
        "ranges": [{"tech": lab.tech(str(r["technology"])), "min": lab.sig(r["min"]), "max": lab.sig(r["max"]),
                    "unit": _tech_unit(str(r["technology"])), "built": f"{r['built_in']}/{r['scenarios']}",
                    "robust": bool(r["robust"])} for _i, r in ranges.iterrows()],
        "failures": [{"name": r["name"], "status": _t(lang, f"status.{r['status']}")
                      if f"sweep.status.{r['status']}" in catalogue(lang) else str(r["status"]),
                      "message": str(r["message"] or "")} for _i, r in fails.iterrows()],
        "checks": checks,
        "scenarios": scenarios,
    }
    return render(TEMPLATE, **ctx)


def _f(v: Any) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return float("nan")


def _swing_of(frame: pd.DataFrame, axis: str) -> float:
    hit = frame[frame["axis"] == axis]
    return float(hit["swing"].iloc[0]) if len(hit) else float("nan")


def write_sweep_report(directory: str | Path, lang: str = "en", out: str | Path | None = None) -> Path:
    """Write ``report.html`` (or ``out``) for the sweep in ``directory``; returns its path."""
    tables = load_sweep_results(directory)
    html = render_sweep_report(tables, lang)
    target = Path(out) if out is not None else Path(directory) / "report.html"
    write_text_atomic(target, html)
    return target
