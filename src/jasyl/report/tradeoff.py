"""The cost-CO2 trade-off curve as readers see it: a Vega-Lite chart, a table and a plain-words summary.

The chart is one Vega-Lite spec built with Altair (:func:`tradeoff_spec`): annual cost and marginal cost
against the CO2 cut (top), and the capacity mix of each point (bottom). The static report embeds it as
SVG (:func:`jasyl.report.vegalite.chart_svg`); the web platform renders the very same spec. The summary
names the knee of the curve (:attr:`jasyl.model.tradeoff.TradeoffCurve.knee`) in plain words.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from jasyl.fileio import atomic_directory
from jasyl.model.tradeoff import TradeoffCurve
from jasyl.planning.tradeoff import TradeoffOutcome
from jasyl.report.context import ReportFigure, ReportSection
from jasyl.report.labels import Labels
from jasyl.report.sections import Column, section_html
from jasyl.report.vegalite import chart_csv, chart_svg, with_locale

__all__ = ["tradeoff_spec", "tradeoff_table", "tradeoff_summary", "tradeoff_section", "tradeoff_csv",
           "accounting_label", "write_tradeoff_outputs", "FIGURE_ID"]

FIGURE_ID = "fig-tradeoff"
#: capacity units drawn in the mix panel (storage energy in MWh and vehicle shares are left out)
_POWER_UNITS = ("MW", "MW_th")


def accounting_label(labels: Labels, accounting: str) -> str:
    return labels.t(f"tradeoff.accounting.{accounting.replace('-', '_')}")


def _pct(labels: Labels, share: float) -> str:
    return labels.num(100.0 * share, 0 if abs(100 * share - round(100 * share)) < 1e-9 else 1)


def tradeoff_table(curve: TradeoffCurve) -> pd.DataFrame:
    """One row per point (the numbers behind the chart and the CSV download)."""
    knee = curve.knee
    return pd.DataFrame([
        {"reduction": p.reduction, "co2_t": p.co2_t, "total_annual_cost_usd": p.total_annual_cost_usd,
         "average_cost_per_t_usd": p.average_cost_per_t_usd, "marginal_cost_per_t_usd": p.marginal_cost_per_t_usd,
         "knee": knee is not None and p.reduction == knee.reduction}
        for p in curve.points
    ])


def tradeoff_csv(curve: TradeoffCurve) -> str:
    """CSV of the curve: one row per point, then one column per capacity (``cap:<technology>``)."""
    table = tradeoff_table(curve)
    techs = sorted({k for p in curve.points for k in p.capacities})
    for tech in techs:
        table[f"cap:{tech}"] = [p.capacities.get(tech, 0.0) for p in curve.points]
    return chart_csv(table)


def tradeoff_spec(curve: TradeoffCurve, labels: Labels) -> dict[str, Any]:
    """The Vega-Lite spec (dict) of the trade-off chart in the labels' language."""
    t = labels.t
    knee = curve.knee
    rows = [{"reduction": p.reduction, "label": f"{_pct(labels, p.reduction)} %",
             "cost": p.total_annual_cost_usd / 1e6,
             # a log axis needs positive values: a slack cap (marginal 0) is drawn at 1 USD/t
             "marginal": max(p.marginal_cost_per_t_usd, 1.0)} for p in curve.points]
    df = pd.DataFrame(rows)
    lo = float(min(df["reduction"].min(), 0.5))
    x = alt.X("reduction:Q", title=t("tradeoff.chart.x"), axis=alt.Axis(format="%"),
              scale=alt.Scale(domain=[max(0.0, lo - 0.02), 1.0]))
    tip_red = alt.Tooltip("label:N", title=t("tradeoff.table.reduction"))
    cost = alt.Chart(df).mark_line(point=True, color="#1f77b4").encode(
        x=x, y=alt.Y("cost:Q", title=t("tradeoff.chart.cost"), axis=alt.Axis(titleColor="#1f77b4")),
        tooltip=[tip_red, alt.Tooltip("cost:Q", title=t("tradeoff.table.cost"), format=",.1f")])
    marginal = alt.Chart(df).mark_line(point=True, color="#d62728", strokeDash=[5, 3]).encode(
        x=x, y=alt.Y("marginal:Q", title=t("tradeoff.chart.marginal"), scale=alt.Scale(type="log"),
                     axis=alt.Axis(titleColor="#d62728")),
        tooltip=[tip_red, alt.Tooltip("marginal:Q", title=t("tradeoff.table.marginal"), format=",.0f")])
    layers: list[Any] = [cost, marginal]
    if knee is not None:
        kd = df[df["reduction"] == knee.reduction]
        layers.append(alt.Chart(kd).mark_rule(color="#555555", strokeDash=[2, 2]).encode(x=x))
        layers.append(alt.Chart(kd).mark_text(align="left", dx=4, dy=8, color="#333333").encode(
            x=x, y=alt.value(0), text=alt.value(t("tradeoff.table.knee"))))
    top = alt.layer(*layers).resolve_scale(y="independent").properties(
        width=480, height=240, title=t("tradeoff.chart.title"))
    mix = [{"label": f"{_pct(labels, p.reduction)} %", "order": p.reduction, "technology": labels.tech(k), "mw": v}
           for p in curve.points for k, v in p.capacities.items()
           if p.capacity_units.get(k, "MW") in _POWER_UNITS and v > 1e-3]
    mix_df = pd.DataFrame(mix or [{"label": "", "order": 0.0, "technology": "", "mw": 0.0}])
    bottom = alt.Chart(mix_df).mark_bar().encode(
        x=alt.X("label:N", title=t("tradeoff.chart.x"), sort=alt.SortField("order")),
        y=alt.Y("sum(mw):Q", title=t("tradeoff.chart.mix_y")),
        color=alt.Color("technology:N", title=t("tradeoff.chart.technology")),
        tooltip=[alt.Tooltip("technology:N", title=t("tradeoff.chart.technology")),
                 alt.Tooltip("sum(mw):Q", title=t("tradeoff.chart.mix_y"), format=",.1f")],
    ).properties(width=480, height=200, title=t("tradeoff.chart.mix_title"))
    spec: dict[str, Any] = alt.vconcat(top, bottom).to_dict()
    return with_locale(spec, labels.lang)


def tradeoff_summary(curve: TradeoffCurve, labels: Labels) -> list[str]:
    """Plain-words paragraphs: what the curve shows, and its knee."""
    t, num = labels.t, labels.num
    pts = curve.points
    texts = [t("tradeoff.intro", today=num(curve.co2_today_t / 1e3, 1),
               accounting=accounting_label(labels, curve.accounting)),
             t(f"tradeoff.accounting.explain.{curve.accounting.replace('-', '_')}", **_contract_words(curve, labels))]
    knee = curve.knee
    last = pts[-1] if pts else None
    if knee is not None and last is not None and knee is not last:
        d_co2 = knee.co2_t - last.co2_t
        step = last.total_annual_cost_usd - knee.total_annual_cost_usd
        texts.append(t("tradeoff.knee", knee=_pct(labels, knee.reduction), last=_pct(labels, last.reduction),
                       knee_cost=num(knee.total_annual_cost_usd / 1e6, 1),
                       knee_avg=num(knee.average_cost_per_t_usd) if math.isfinite(knee.average_cost_per_t_usd) else "—",
                       step_cost=num(step / 1e6, 1), step_per_t=num(step / d_co2) if d_co2 > 0 else "—",
                       last_marginal=num(last.last_tonne_cost_per_t_usd
                                         if math.isfinite(last.last_tonne_cost_per_t_usd)
                                         else last.marginal_cost_per_t_usd)))
    elif len(pts) >= 2:
        texts.append(t("tradeoff.no_knee", first=_pct(labels, pts[0].reduction), last=_pct(labels, pts[-1].reduction),
                       first_cost=num(pts[0].total_annual_cost_usd / 1e6, 1),
                       last_cost=num(pts[-1].total_annual_cost_usd / 1e6, 1)))
    return texts


def _contract_words(curve: TradeoffCurve, labels: Labels) -> dict[str, str]:
    """Placeholders of the ``ppa`` explanation from the curve's assumptions (contract figures)."""
    info = {a["name"]: a for a in curve.assumptions}
    out = {"source": "—", "mw": "—", "gwh": "—", "price": "—"}
    src = info.get("contract.source")
    if src:
        out["source"] = str(src.get("source", "—"))
    for key, name, scale, digits in (("mw", "contract.firm_mw", 1.0, 0), ("gwh", "contract.annual_mwh", 1e-3, 0),
                                     ("price", "contract.price_usd_per_mwh", 1.0, 0)):
        if name in info and isinstance(info[name].get("value"), int | float) and math.isfinite(info[name]["value"]):
            out[key] = labels.num(float(info[name]["value"]) * scale, digits)
    return out


def tradeoff_section(curve: TradeoffCurve, labels: Labels, *, method: str = "exact") -> ReportSection:
    """The report section: summary paragraphs, the chart and the table."""
    t = labels.t
    spec = tradeoff_spec(curve, labels)
    title = t("tradeoff.chart.title")
    caption = t("tradeoff.caption", method=t(f"tradeoff.method.{method}"))
    figure = ReportFigure(id=FIGURE_ID, title=title, svg=chart_svg(spec, FIGURE_ID, title=title), caption=caption)
    knee = curve.knee
    rows = [{"reduction": 100.0 * p.reduction, "co2": p.co2_t / 1e3, "cost": p.total_annual_cost_usd / 1e6,
             "average": p.average_cost_per_t_usd if math.isfinite(p.average_cost_per_t_usd) else "—",
             "marginal": p.marginal_cost_per_t_usd,
             "knee": t("tradeoff.table.knee") if knee is not None and p.reduction == knee.reduction else ""}
            for p in curve.points]
    columns = [Column("reduction", t("tradeoff.table.reduction"), 1), Column("co2", t("tradeoff.table.co2"), 1),
               Column("cost", t("tradeoff.table.cost"), 1), Column("average", t("tradeoff.table.average"), 0),
               Column("marginal", t("tradeoff.table.marginal"), 0), Column("knee", "", None)]
    html = section_html(tradeoff_summary(curve, labels), columns, rows, labels.lang)
    return ReportSection(id="tradeoff", title=t("tradeoff.title"), html=html, figures=[figure])


def write_tradeoff_outputs(outcome: TradeoffOutcome, out: str | Path) -> Path:
    """Write ``tradeoff.json``, ``tradeoff.csv``, ``tradeoff.svg`` and ``tradeoff.vl.json`` (the Vega-Lite
    spec the web renders) into ``out/<city slug>/`` atomically; returns that directory."""
    labels = Labels(outcome.options.language)
    target = Path(out) / outcome.city.slug
    spec = tradeoff_spec(outcome.curve, labels)
    payload = {**outcome.curve.to_dict(), "method": outcome.method}
    with atomic_directory(target) as staging:
        (staging / "tradeoff.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n",
                                               encoding="utf-8")
        (staging / "tradeoff.csv").write_text(tradeoff_csv(outcome.curve), encoding="utf-8")
        (staging / "tradeoff.vl.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
        (staging / "tradeoff.svg").write_text(chart_svg(spec, FIGURE_ID, title=labels.t("tradeoff.chart.title")),
                                              encoding="utf-8")
    return target
