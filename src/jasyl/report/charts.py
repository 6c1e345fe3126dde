"""Vega-Lite chart specs (Altair) of plans: inventory, emissions, what gets built, pathway, trade-off.

Each function takes figures already computed by the use cases and returns a
:class:`~jasyl.report.vegalite.Chart`: the spec with its data inline and its locale set, the table
behind it for the CSV download, and its sources. No function computes a result: they only reshape and
label what they are given. Air-quality charts and the map are in :mod:`jasyl.report.air_charts`,
hourly dispatch and duration curves in :mod:`jasyl.report.dispatch_charts`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from jasyl.report.chart_base import (
    SECTOR_COLORS,
    WIDTH,
    color_scale,
    empty_chart,
    finish,
    has_key,
    number,
    t,
)
from jasyl.report.labels import Labels
from jasyl.report.vegalite import Chart, records

__all__ = ["inventory_chart", "emissions_chart", "capacity_chart", "pathway_chart", "tradeoff_chart"]


# ------------------------------------------------------------------------------------ inventory
def inventory_chart(sectors: pd.DataFrame, *, lang: str, city: str, year: int,
                    sources: Sequence[str] = ()) -> Chart:
    """GHG inventory by GPC sub-sector (thousand t CO2e), coloured by sector.

    ``sectors``: one row per GPC reference (columns ``sector``, ``subsector``, ``gpc_ref``, ``scope``,
    ``tco2e``, ``notation``), as :meth:`jasyl.inventory.Inventory.sectors` gives them.
    """
    lab = Labels(lang)
    title = t("inventory.title", lang, city=city, year=year)
    rows = sectors[(sectors["notation"].astype(str) == "") & (sectors["tco2e"] > 0)]
    if rows.empty:
        return empty_chart("chart-inventory", title, lang, lab.t("fig.no_data"),
                      ["gpc_ref", "sector", "subsector", "scope", "tco2e", "share_percent"])
    total = float(rows["tco2e"].sum())
    data = pd.DataFrame({
        "gpc_ref": rows["gpc_ref"].astype(str),
        "sector": [lab.sector(str(s)) for s in rows["sector"]],
        "subsector": [lab.sector(str(s)) for s in rows["subsector"]],
        "scope": rows["scope"].astype(int),
        "tco2e": rows["tco2e"].astype(float),
        "share_percent": rows["tco2e"].astype(float) / total * 100.0,
    })
    plot = data.assign(kt=data["tco2e"] / 1000.0, label=data["subsector"] + " (" + data["gpc_ref"] + ")")
    scale = color_scale(list(rows["sector"].astype(str)), list(plot["sector"]), SECTOR_COLORS)
    y = alt.Y("label:N", sort=alt.EncodingSortField("kt", op="max", order="descending"), title=None,
              axis=alt.Axis(labelLimit=360))
    bars = alt.Chart(alt.Data(values=records(plot))).mark_bar().encode(
        x=alt.X("kt:Q", title=t("unit.kt_co2e_per_year", lang)),
        y=y,
        color=alt.Color("sector:N", scale=scale, title=t("inventory.sector", lang),
                        legend=alt.Legend(orient="bottom", columns=2)),
        tooltip=[alt.Tooltip("subsector:N", title=t("inventory.subsector", lang)),
                 alt.Tooltip("gpc_ref:N", title="GPC"),
                 alt.Tooltip("kt:Q", title=t("unit.kt_co2e_per_year", lang), format=",.1f"),
                 alt.Tooltip("share_percent:Q", title="%", format=".1f")],
    )
    text = bars.mark_text(align="left", dx=3, fontSize=10).encode(text=alt.Text("kt:Q", format=",.1f"),
                                                                     color=alt.value("#333333"))
    chart = (bars + text).properties(width=WIDTH - 260, height=alt.Step(22), title=title)
    caption = t("inventory.caption", lang, total=lab.num(total / 1000.0, 1))
    return finish(chart, "chart-inventory", title, data, lang, sources, caption)


# ------------------------------------------------------------------------------------ emissions
def emissions_chart(before_t: Mapping[str, float], after_t: Mapping[str, float], *, lang: str,
                    sources: Sequence[str] = ()) -> Chart:
    """CO2 of the planned energy system by sector, today and with the plan (thousand t)."""
    lab = Labels(lang)
    title = t("emissions.title", lang)
    sectors = [s for s in dict.fromkeys([*before_t, *after_t]) if before_t.get(s, 0) or after_t.get(s, 0)]
    if not sectors:
        return empty_chart("chart-emissions", title, lang, lab.t("fig.no_data"),
                           ["sector", "co2_today_t", "co2_plan_t"])
    data = pd.DataFrame({"sector": [lab.sector(s) for s in sectors],
                         "co2_today_t": [float(before_t.get(s, 0.0)) for s in sectors],
                         "co2_plan_t": [float(after_t.get(s, 0.0)) for s in sectors]})
    today, plan = t("emissions.today", lang), t("emissions.plan", lang)
    long = pd.concat([
        pd.DataFrame({"sector": data["sector"], "state": today, "kt": data["co2_today_t"] / 1000.0, "order": 0}),
        pd.DataFrame({"sector": data["sector"], "state": plan, "kt": data["co2_plan_t"] / 1000.0, "order": 1}),
    ])
    base = alt.Chart(alt.Data(values=records(long))).encode(
        y=alt.Y("sector:N", title=None, sort=alt.EncodingSortField("kt", op="max", order="descending"),
                axis=alt.Axis(labelLimit=300)),
        yOffset=alt.YOffset("state:N", sort=[today, plan]),
        x=alt.X("kt:Q", title=t("unit.kt_co2_per_year", lang)),
        color=alt.Color("state:N", scale=alt.Scale(domain=[today, plan], range=["#9e9e9e", "#2e9e5b"]),
                        title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("sector:N", title=t("inventory.sector", lang)), alt.Tooltip("state:N", title=" "),
                 alt.Tooltip("kt:Q", title=t("unit.kt_co2_per_year", lang), format=",.1f")],
    )
    chart = (base.mark_bar() + base.mark_text(align="left", dx=3, fontSize=10).encode(
        text=alt.Text("kt:Q", format=",.1f"), color=alt.value("#333333"))).properties(
        width=WIDTH - 240, height=alt.Step(16), title=title)
    return finish(chart, "chart-emissions", title, data, lang, sources)


# ------------------------------------------------------------------------------------ capacity
def capacity_chart(capacities: Mapping[str, float], existing: Mapping[str, float], units: Mapping[str, str], *,
                   lang: str, sources: Sequence[str] = ()) -> Chart:
    """What gets built: capacity in the plan by technology, split into existing and new.

    Power (MW, MW of heat) and storage energy (MWh) are drawn in separate panels with their own axes.
    """
    lab = Labels(lang)
    title = t("capacity.title", lang)
    # shares (electrified vehicle fleets) are not capacities
    techs = [t for t, v in capacities.items() if v is not None and math.isfinite(v) and v > 1e-6
             and units.get(t, "MW") in ("MW", "MW_th", "MWh", "MWh_th")]
    if not techs:
        return empty_chart("chart-capacity", title, lang, lab.t("fig.no_data"),
                      ["technology", "unit", "capacity", "existing", "new"])
    data = pd.DataFrame({
        "technology_id": techs,
        "technology": [lab.tech(t) for t in techs],
        "unit": [units.get(t, "MW") for t in techs],
        "capacity": [float(capacities[t]) for t in techs],
        "existing": [min(float(existing.get(t, 0.0)), float(capacities[t])) for t in techs],
    })
    data["new"] = data["capacity"] - data["existing"]
    data = data.sort_values(["unit", "capacity"], ascending=[True, False]).reset_index(drop=True)
    exist_lab, new_lab = t("capacity.existing", lang), t("capacity.new", lang)
    long = pd.concat([
        data.assign(part=exist_lab, value=data["existing"], order=0),
        data.assign(part=new_lab, value=data["new"], order=1),
    ])
    long = long[long["value"] > 1e-6]
    long["panel"] = [lab.unit(u) for u in long["unit"]]
    panels = []
    for unit in dict.fromkeys(data["unit"]):
        sub = long[long["unit"] == unit]
        if sub.empty:
            continue
        unit_text = lab.unit(unit)
        panel = alt.Chart(alt.Data(values=records(sub.drop(columns=["technology_id"])))).mark_bar().encode(
            y=alt.Y("technology:N", title=None, sort=alt.EncodingSortField("capacity", op="max", order="descending"),
                    axis=alt.Axis(labelLimit=420)),
            x=alt.X("value:Q", stack="zero", title=unit_text),
            color=alt.Color("part:N", scale=alt.Scale(domain=[exist_lab, new_lab], range=["#c9c9c9", "#2e9e5b"]),
                            title=None, legend=alt.Legend(orient="bottom")),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("technology:N", title=t("capacity.technology", lang)),
                     alt.Tooltip("part:N", title=" "),
                     alt.Tooltip("value:Q", title=unit_text, format=",.1f"),
                     alt.Tooltip("capacity:Q", title=t("capacity.total", lang), format=",.1f")],
        ).properties(width=WIDTH - 300, height=alt.Step(20), title=unit_text)
        panels.append(panel)
    chart = alt.vconcat(*panels).resolve_scale(x="independent").properties(title=title)
    out = data.drop(columns=["technology_id"]).rename(columns={"technology": "technology"})
    out.insert(0, "technology_id", data["technology_id"])
    return finish(chart, "chart-capacity", title, out, lang, sources, t("capacity.caption", lang))


# ------------------------------------------------------------------------------------ pathway
def pathway_chart(years: Sequence[Mapping[str, Any]], *, lang: str, sources: Sequence[str] = (),
                  names: Mapping[str, str] | None = None) -> Chart:
    """The pathway year by year: CO2 against the target, and investment per year.

    ``years``: the ``years`` of a pathway's JSON (``year``, ``co2_t``, ``target_co2_t``,
    ``investment_usd``, ``meets_target``).
    """
    lab = Labels(lang)
    title = t("pathway.title", lang)
    if not years:
        return empty_chart("chart-pathway", title, lang, lab.t("fig.no_data"), ["year", "co2_t", "target_co2_t"])
    data = pd.DataFrame({
        "year": [int(y["year"]) for y in years],
        "co2_t": [float(y["co2_t"]) for y in years],
        "target_co2_t": [float(y["target_co2_t"]) for y in years],
        "investment_usd": [float(y.get("investment_usd", 0.0) or 0.0) for y in years],
        "meets_target": [bool(y.get("meets_target", True)) for y in years],
    })
    plot = data.assign(kt=data["co2_t"] / 1000.0, target_kt=data["target_co2_t"] / 1000.0,
                       musd=data["investment_usd"] / 1e6)
    src = alt.Data(values=records(plot))
    x = alt.X("year:O", title=t("pathway.year", lang))
    co2 = alt.Chart(src).mark_bar(color="#8c8c8c").encode(
        x=x, y=alt.Y("kt:Q", title=t("unit.kt_co2_per_year", lang)),
        tooltip=[alt.Tooltip("year:O", title=t("pathway.year", lang)),
                 alt.Tooltip("kt:Q", title=t("pathway.co2", lang), format=",.1f"),
                 alt.Tooltip("target_kt:Q", title=t("pathway.target", lang), format=",.1f")])
    target = alt.Chart(src).mark_line(color="#c0392b", point=True, strokeDash=[5, 3]).encode(
        x=x, y="target_kt:Q")
    top = (co2 + target).properties(width=WIDTH - 100, height=200, title=t("pathway.co2_panel", lang))
    invest = alt.Chart(src).mark_bar(color="#2e9e5b").encode(
        x=x, y=alt.Y("musd:Q", title=t("unit.musd", lang)),
        tooltip=[alt.Tooltip("year:O", title=t("pathway.year", lang)),
                 alt.Tooltip("musd:Q", title=t("unit.musd", lang), format=",.1f")],
    ).properties(width=WIDTH - 100, height=130, title=t("pathway.investment_panel", lang))
    chart = alt.vconcat(top, invest).properties(title=title)
    return finish(chart, "chart-pathway", title, data, lang, sources, t("pathway.caption", lang))


# ------------------------------------------------------------------------------------ trade-off
def tradeoff_chart(points: Sequence[Mapping[str, Any]], *, lang: str, accounting: str = "hourly",
                   units: Mapping[str, str] | None = None, sources: Sequence[str] = (),
                   knee: float | None = None) -> Chart:
    """The cost-CO2 trade-off curve: annual cost and marginal cost against the CO2 reduction, and the
    capacity mix at each point (power technologies, MW).

    ``points``: the ``points`` of ``jasyl tradeoff --format json`` (``reduction``, ``co2_t``,
    ``total_annual_cost_usd``, ``average_cost_per_t_usd``, ``marginal_cost_per_t_usd``, ``capacities``).
    """
    lab = Labels(lang)
    title = t("tradeoff.title", lang, accounting=t(f"accounting.{accounting}", lang)
               if has_key(f"accounting.{accounting}", lang) else accounting)
    if not points:
        return empty_chart("chart-tradeoff", title, lang, lab.t("fig.no_data"), ["reduction_percent"])
    data = pd.DataFrame({
        "reduction_percent": [100.0 * float(p["reduction"]) for p in points],
        "co2_t": [number(p.get("co2_t")) for p in points],
        "total_annual_cost_usd": [number(p.get("total_annual_cost_usd")) for p in points],
        "average_cost_per_t_usd": [number(p.get("average_cost_per_t_usd")) for p in points],
        "marginal_cost_per_t_usd": [number(p.get("marginal_cost_per_t_usd")) for p in points],
    })
    plot = data.assign(musd=data["total_annual_cost_usd"] / 1e6, label=[f"{v:g} %" for v in data["reduction_percent"]])
    src = alt.Data(values=records(plot))
    xq = alt.X("reduction_percent:Q", title=t("tradeoff.reduction", lang),
               scale=alt.Scale(zero=False, nice=False))
    cost = alt.Chart(src).mark_line(point=True, color="#1f618d").encode(
        x=xq, y=alt.Y("musd:Q", title=t("unit.musd_per_year", lang), scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("reduction_percent:Q", title=t("tradeoff.reduction", lang), format=".0f"),
                 alt.Tooltip("musd:Q", title=t("unit.musd_per_year", lang), format=",.1f"),
                 alt.Tooltip("average_cost_per_t_usd:Q", title=t("tradeoff.average", lang), format=",.0f")],
    ).properties(width=WIDTH - 100, height=170, title=t("tradeoff.cost_panel", lang))
    layers: list[Any] = [cost]
    if knee is not None:
        layers.append(alt.Chart(alt.Data(values=[{"knee": 100.0 * knee, "text": t("tradeoff.knee", lang)}]))
                      .mark_rule(color="#c0392b", strokeDash=[4, 3]).encode(x="knee:Q"))
    top = alt.layer(*layers)
    marginal = alt.Chart(src).transform_filter("datum.marginal_cost_per_t_usd > 0").mark_line(
        point=True, color="#c0392b").encode(
        x=xq, y=alt.Y("marginal_cost_per_t_usd:Q", title=t("unit.usd_per_t", lang), scale=alt.Scale(type="log")),
        tooltip=[alt.Tooltip("reduction_percent:Q", title=t("tradeoff.reduction", lang), format=".0f"),
                 alt.Tooltip("marginal_cost_per_t_usd:Q", title=t("tradeoff.marginal", lang), format=",.0f")],
    ).properties(width=WIDTH - 100, height=150, title=t("tradeoff.marginal_panel", lang))
    units = units or {}
    mix_rows = []
    for p, lab_x in zip(points, plot["label"], strict=True):
        for tech, value in (p.get("capacities") or {}).items():
            unit = (p.get("capacity_units") or {}).get(tech) or units.get(
                tech, "MWh" if tech.endswith("_energy") else "MW")
            # power only: storage energy (MWh) and vehicle shares are not summed with MW
            if unit not in ("MW", "MW_th") or value is None or not math.isfinite(float(value)) or float(value) <= 1e-6:
                continue
            mix_rows.append({"point": lab_x, "technology_id": tech, "technology": lab.tech(tech), "mw": float(value)})
    panels: list[Any] = [top, marginal]
    if mix_rows:
        mix = pd.DataFrame(mix_rows)
        scale = color_scale(list(mix["technology_id"]), list(mix["technology"]))
        panels.append(alt.Chart(alt.Data(values=records(mix))).mark_bar().encode(
            x=alt.X("point:O", sort=list(plot["label"]), title=t("tradeoff.reduction", lang)),
            y=alt.Y("sum(mw):Q", title=t("unit.mw", lang)),
            color=alt.Color("technology:N", scale=scale, title=None, legend=alt.Legend(orient="bottom", columns=2)),
            tooltip=[alt.Tooltip("technology:N", title=t("capacity.technology", lang)),
                     alt.Tooltip("mw:Q", title=t("unit.mw", lang), format=",.1f")],
        ).properties(width=WIDTH - 100, height=170, title=t("tradeoff.mix_panel", lang)))
        wide = mix.pivot_table(index="point", columns="technology_id", values="mw", aggfunc="sum").reindex(
            plot["label"]).fillna(0.0)
        for col in wide.columns:
            data[f"{col}_mw"] = wide[col].to_numpy()
    chart = alt.vconcat(*panels).resolve_scale(color="independent").properties(title=title)
    return finish(chart, "chart-tradeoff", title, data, lang, sources, t("tradeoff.caption", lang))

