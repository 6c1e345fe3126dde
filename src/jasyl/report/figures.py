"""The report's plots, one function per figure; each returns a :class:`ReportFigure` with inline SVG.

Units are on every axis; all words come from the ``plan`` catalogues; times on the axes are the
city's local time.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from jasyl.report.context import ReportContext, ReportFigure
from jasyl.report.labels import TECH_SUFFIXES, Labels
from jasyl.report.locator import locator_figure
from jasyl.report.svg import new_figure, to_svg

__all__ = [
    "FIGURE_IDS",
    "all_figures",
    "emissions_figure",
    "inventory_figure",
    "capacity_figure",
    "energy_balance_figure",
    "dispatch_figure",
    "storage_figure",
    "costs_figure",
    "base_tech",
    "tech_color",
    "pick_week",
    "annual_balance",
]

#: annual energy below this (GWh) is solver noise and left out of the balance plot
MIN_GWH = 0.01
#: hourly power below this (MW) is solver noise: not drawn in the week plots
MIN_MW = 0.01
#: dispatch column of renewable output that could not be used (negative: withdrawn from the bus)
CURTAILMENT = "curtailment"
BEFORE_COLOR = "#9e9e9e"
AFTER_COLOR = "#2e9e5b"
DEMAND_COLOR = "#222222"
_COLORS: dict[str, str] = {
    "pv_fixed": "#f2b705",
    "pv_tracking": "#e08e0b",
    "pv_rooftop": "#ffd966",
    "wind": "#3f88c5",
    "battery": "#8e6bbf",
    "heat_storage": "#d17fb8",
    "grid_import": "#7f7f7f",
    "grid_export": "#bdbdbd",
    "heat_pump_individual": "#38b28d",
    "heat_pump_district": "#1b7f6a",
    "electric_boiler_district": "#e07b39",
    "electric_boiler_industry": "#b8512a",
    "district_boilers": "#6d5c4f",
    "building_stoves": "#3d3d3d",
    "industry_boilers": "#9c7f6b",
    "ev": "#56b870",
    "fuel": "#a0522d",
    "demand": "#cfcfcf",
    "curtailment": "#e6e6e6",
}
_SECTOR_COLORS: dict[str, str] = {
    "stationary_energy": "#c0504d",
    "transport": "#4f81bd",
    "waste": "#9bbb59",
    "electricity": "#4f81bd",
    "district_heat": "#c0504d",
    "individual_heat": "#8064a2",
    "industry_heat": "#f79646",
}
_FALLBACK = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

#: every figure of the main report, in order (HTML ids)
FIGURE_IDS: tuple[str, ...] = (
    "fig-locator",
    "fig-inventory",
    "fig-emissions",
    "fig-capacity",
    "fig-energy",
    "fig-dispatch-winter",
    "fig-dispatch-summer",
    "fig-storage",
    "fig-costs",
)


# ------------------------------------------------------------------------------------ helpers
def base_tech(name: str) -> str:
    """``battery_charge`` -> ``battery``; ``ev_bus`` -> ``ev``; ``fuel_bus`` -> ``fuel``."""
    for prefix in ("ev_", "fuel_"):
        if name.startswith(prefix):
            return prefix[:-1]
    for suffix in TECH_SUFFIXES:
        if name.endswith("_" + suffix):
            return name[: -len(suffix) - 1]
    return name


def wrap(text: str, width: int = 34) -> str:
    """Break a long label over lines (Kazakh and Russian technology names run long)."""
    return "\n".join(textwrap.wrap(text, width)) or text


def tech_color(name: str) -> str:
    base = base_tech(name)
    if base in _COLORS:
        return _COLORS[base]
    return _FALLBACK[sum(map(ord, base)) % len(_FALLBACK)]


def _formatter(labels: Labels, digits: int = 0) -> FuncFormatter:
    return FuncFormatter(lambda x, _pos: labels.num(x, digits))


def _split(column: str) -> tuple[str, str]:
    bus, _, tech = column.partition(":")
    return bus, tech


def _is_heat(bus: str) -> bool:
    return bus.startswith("heat")


def _no_data(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#666666")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def _finish(ctx: ReportContext, fig: Figure, fig_id: str, title: str, caption: str = "") -> ReportFigure:
    return ReportFigure(id=fig_id, title=title, svg=to_svg(fig, fig_id, title), caption=caption)


def local_index(ctx: ReportContext, index: pd.Index) -> pd.DatetimeIndex:
    """The result's UTC hourly index in the city's time zone."""
    idx = pd.DatetimeIndex(index)
    if idx.tz is None:
        idx = idx.tz_localize("UTC")
    return idx.tz_convert(ctx.city.location.timezone)


def utc_offset_text(ctx: ReportContext) -> str:
    """``Asia/Almaty, UTC+5`` for axis labels."""
    tz = ctx.city.location.timezone
    index = ctx.result.dispatch.index
    moment = pd.Timestamp(index[0]).to_pydatetime() if len(index) else datetime.now(ZoneInfo("UTC"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    offset = moment.astimezone(ZoneInfo(tz)).utcoffset() or timedelta(0)
    hours = offset.total_seconds() / 3600
    sign = "+" if hours >= 0 else "-"
    text = f"{abs(hours):g}" if hours % 1 else f"{abs(int(hours))}"
    return f"{tz}, UTC{sign}{text}"


# ------------------------------------------------------------------------------------ inventory
def inventory_figure(ctx: ReportContext) -> ReportFigure:
    """GHG inventory (GPC BASIC) by sub-sector, coloured by sector, thousand t CO2e."""
    lab = ctx.labels
    rows = ctx.inventory.sectors()
    rows = rows[(rows["notation"].astype(str) == "") & (rows["tco2e"] > 0)]
    grouped = rows.groupby(["sector", "subsector"], sort=False)["tco2e"].sum().sort_values()
    fig, ax = new_figure(9.0, 0.45 * max(len(grouped), 3) + 1.2)
    title = lab.t("fig.inventory.title", city=ctx.city.display_name(lab.lang), year=ctx.inventory.year)
    if grouped.empty:
        _no_data(ax, lab.t("fig.no_data"))
    else:
        names = [wrap(f"{lab.sector(sub)} ({lab.sector(sec)})", 40) for sec, sub in grouped.index]
        colors = [_SECTOR_COLORS.get(sec, "#777777") for sec, _ in grouped.index]
        values = grouped.to_numpy() / 1000.0
        ax.barh(names, values, color=colors)
        for y, v in enumerate(values):
            ax.text(v, y, " " + lab.sig(v), va="center", fontsize=9)
        ax.set_xlabel(lab.t("unit.kt_co2e_per_year"))
        ax.xaxis.set_major_formatter(_formatter(lab))
        ax.margins(x=0.12)
        ax.grid(axis="y", visible=False)
    fig.suptitle(wrap(title, 90), x=0.01, ha="left", fontweight="bold")
    return _finish(ctx, fig, "fig-inventory", title)


# ------------------------------------------------------------------------------------ emissions
def emissions_figure(ctx: ReportContext) -> ReportFigure:
    """Planned energy system's CO2 by sector, today and in the plan."""
    lab, res = ctx.labels, ctx.result
    sectors = [s for s in res.co2_before_by_sector_t if res.co2_before_by_sector_t.get(s, 0) or
               res.co2_after_by_sector_t.get(s, 0)]
    sectors += [s for s in res.co2_after_by_sector_t if s not in sectors and res.co2_after_by_sector_t[s]]
    sectors.sort(key=lambda s: res.co2_before_by_sector_t.get(s, 0.0))
    fig, ax = new_figure(9.0, 0.6 * max(len(sectors), 3) + 1.4)
    title = lab.t("fig.emissions.title")
    if not sectors:
        _no_data(ax, lab.t("fig.no_data"))
    else:
        y = np.arange(len(sectors))
        before = np.array([res.co2_before_by_sector_t.get(s, 0.0) for s in sectors]) / 1000.0
        after = np.array([res.co2_after_by_sector_t.get(s, 0.0) for s in sectors]) / 1000.0
        ax.barh(y + 0.2, before, height=0.38, color=BEFORE_COLOR, label=lab.t("fig.emissions.before"))
        ax.barh(y - 0.2, after, height=0.38, color=AFTER_COLOR, label=lab.t("fig.emissions.after"))
        for yi, b, a in zip(y, before, after, strict=True):
            ax.text(max(b, 0), yi + 0.2, " " + lab.sig(b), va="center", fontsize=8.5)
            ax.text(max(a, 0), yi - 0.2, " " + lab.sig(a), va="center", fontsize=8.5)
        ax.set_yticks(y, [wrap(lab.sector(s)) for s in sectors])
        ax.set_xlabel(lab.t("unit.kt_co2_per_year"))
        ax.xaxis.set_major_formatter(_formatter(lab))
        ax.axvline(0, color="#444444", linewidth=0.8)
        ax.margins(x=0.12)
        ax.grid(axis="y", visible=False)
        ax.legend(loc="lower right")
    fig.suptitle(wrap(title, 90), x=0.01, ha="left", fontweight="bold")
    caption = lab.t(
        "fig.emissions.caption",
        before=lab.num(res.co2_before_t / 1000.0, 1),
        after=lab.num(res.co2_after_t / 1000.0, 1),
    )
    return _finish(ctx, fig, "fig-emissions", title, caption)


# ------------------------------------------------------------------------------------ capacity
def capacity_figure(ctx: ReportContext) -> ReportFigure:
    """Capacities in the plan: power (MW) and storage energy (MWh); existing capacity hatched."""
    lab, res = ctx.labels, ctx.result
    units = res.capacity_units
    power = {t: v for t, v in res.capacities.items() if units.get(t, "MW").startswith("MW") and
             not units.get(t, "MW").startswith("MWh") and v > 1e-6}
    energy = {t: v for t, v in res.capacities.items() if units.get(t) == "MWh" and v > 1e-6}
    fig, axes = new_figure(10.0, 0.42 * max(len(power), len(energy), 3) + 1.6, ncols=2,
                           gridspec_kw={"width_ratios": [3, 2]})
    title = lab.t("fig.capacity.title")
    ax = axes[0]
    if power:
        order = sorted(power, key=lambda t: power[t])
        existing = np.array([min(res.existing_capacities.get(t, 0.0), power[t]) for t in order])
        total = np.array([power[t] for t in order])
        names = [wrap(lab.tech(t)) for t in order]
        ax.barh(names, existing, color="#d0d0d0", hatch="//", edgecolor="#999999", linewidth=0)
        ax.barh(names, total - existing, left=existing, color=[tech_color(t) for t in order])
        for yi, v, t in zip(range(len(order)), total, order, strict=True):
            unit = lab.unit("MW_th" if units.get(t) == "MW_th" else "MW")
            ax.text(v, yi, f" {lab.sig(v)} {unit}", va="center", fontsize=8.5)
        ax.set_xlabel(lab.t("unit.mw_axis"))
        ax.xaxis.set_major_formatter(_formatter(lab))
        ax.margins(x=0.25)
        ax.grid(axis="y", visible=False)
        fig.legend(
            handles=[Patch(facecolor="#d0d0d0", hatch="//", edgecolor="#999999", label=lab.t("fig.capacity.existing")),
                     Patch(facecolor=AFTER_COLOR, label=lab.t("fig.capacity.new"))],
            loc="outside lower left", ncols=2,
        )
    else:
        _no_data(ax, lab.t("fig.no_data"))
    ax.set_title(wrap(lab.t("fig.capacity.power"), 40), loc="left")
    ax = axes[1]
    if energy:
        order = sorted(energy, key=lambda t: energy[t])
        values = [energy[t] for t in order]
        ax.barh([wrap(lab.tech(base_tech(t)), 24) for t in order], values, color=[tech_color(t) for t in order],
                height=0.5)
        ax.set_ylim(-0.75, len(order) - 0.25)
        for yi, v in enumerate(values):
            ax.text(v, yi, f" {lab.sig(v)} {lab.unit('MWh')}", va="center", fontsize=8.5)
        ax.set_xlabel(lab.t("unit.mwh_axis"))
        ax.xaxis.set_major_formatter(_formatter(lab))
        ax.margins(x=0.35)
        ax.grid(axis="y", visible=False)
    else:
        _no_data(ax, lab.t("fig.capacity.no_storage"))
    ax.set_title(wrap(lab.t("fig.capacity.storage"), 26), loc="left")
    fig.suptitle(wrap(title, 90), x=0.01, ha="left", fontweight="bold")
    return _finish(ctx, fig, "fig-capacity", title, lab.t("fig.capacity.caption"))


# ------------------------------------------------------------------------------------ energy balance
def annual_balance(dispatch: pd.DataFrame) -> dict[str, tuple[dict[str, float], dict[str, float]]]:
    """Annual supply and use (MWh per year) by technology, for ``electricity`` and ``heat`` buses.

    Derived from the hourly dispatch (scaled to 8760 h), so the two sides of each carrier balance
    hour by hour except for storage losses.
    """
    n = len(dispatch)
    scale = 8760.0 / n if n else 0.0
    out: dict[str, tuple[dict[str, float], dict[str, float]]] = {}
    for column in dispatch.columns:
        bus, tech = _split(str(column))
        group = "heat" if _is_heat(bus) else bus
        values = dispatch[column].to_numpy(dtype=float)
        supply, use = out.setdefault(group, ({}, {}))
        key = f"demand:{bus}" if tech == "demand" else base_tech(tech)
        pos = float(np.clip(values, 0, None).sum()) * scale
        neg = float(-np.clip(values, None, 0).sum()) * scale
        if pos > 0:
            supply[key] = supply.get(key, 0.0) + pos
        if neg > 0:
            use[key] = use.get(key, 0.0) + neg
    return out


def energy_balance_figure(ctx: ReportContext) -> ReportFigure:
    """Annual energy balance of electricity and heat: supply vs use, GWh per year."""
    lab = ctx.labels
    balance = annual_balance(ctx.result.dispatch)
    groups = [g for g in ("electricity", "heat") if g in balance] + sorted(
        g for g in balance if g not in ("electricity", "heat"))
    fig, axes = new_figure(10.0, 1.9 * max(len(groups), 1) + 1.0, nrows=max(len(groups), 1), squeeze=False)
    title = lab.t("fig.energy.title")
    handles: dict[str, Patch] = {}

    def name_of(key: str) -> str:
        if key.startswith("demand:"):
            bus = key.split(":", 1)[1]
            if lab.has(f"fig.energy.demand.{bus}"):
                return lab.t(f"fig.energy.demand.{bus}")
            return lab.t("fig.energy.demand_of", what=lab.sector(bus))
        return lab.tech(key)

    def color_of(key: str) -> str:
        if key.startswith("demand:"):
            bus = key.split(":", 1)[1]
            return {"electricity": "#4d4d4d", "heat_district": "#8c2d04", "heat_individual": "#cc4c02",
                    "heat_industry": "#ec7014"}.get(bus, "#666666")
        return tech_color(key)

    for ax, group in zip(axes[:, 0], groups, strict=False):
        supply, use = balance[group]
        rows = [(lab.t("fig.energy.supply"), supply), (lab.t("fig.energy.use"), use)]
        for y, (_, parts) in enumerate(rows):
            left = 0.0
            for key, value in sorted(parts.items(), key=lambda kv: -kv[1]):
                gwh = value / 1000.0
                if gwh < MIN_GWH:
                    continue
                ax.barh(y, gwh, left=left, color=color_of(key), edgecolor="white", linewidth=0.5)
                if gwh > 0.06 * max(sum(supply.values()), sum(use.values())) / 1000.0:
                    ax.text(left + gwh / 2, y, lab.sig(gwh), ha="center", va="center", fontsize=8, color="white")
                left += gwh
                handles.setdefault(name_of(key), Patch(facecolor=color_of(key), label=wrap(name_of(key), 48)))
        ax.set_yticks([0, 1], [r[0] for r in rows])
        ax.invert_yaxis()
        ax.set_title(lab.sector(group), loc="left")
        ax.set_xlabel(lab.t("unit.gwh_per_year"))
        ax.xaxis.set_major_formatter(_formatter(lab))
        ax.grid(axis="y", visible=False)
    if not groups:
        _no_data(axes[0, 0], lab.t("fig.no_data"))
    fig.legend(handles=list(handles.values()), loc="outside lower center", ncols=2)
    fig.suptitle(wrap(title, 90), x=0.01, ha="left", fontweight="bold")
    return _finish(ctx, fig, "fig-energy", title, lab.t("fig.energy.caption"))


# ------------------------------------------------------------------------------------ dispatch
def pick_week(local: pd.DatetimeIndex, season: str) -> tuple[int, int, bool]:
    """(start, stop) positions of a week of ``season`` (``winter``: mid-January, ``summer``: mid-July).

    Starts at a local midnight near the middle of the season's month. The third value is False when
    the horizon has no hour of that season (a shorter run): the figure then shows the horizon's
    first (winter) or last (summer) week and says so.
    """
    n = len(local)
    week = min(168, n)
    months = (12, 1, 2) if season == "winter" else (6, 7, 8)
    target_month = 1 if season == "winter" else 7
    in_season = np.flatnonzero(np.isin(local.month, months))
    if len(in_season) == 0:
        start = 0 if season == "winter" else max(n - week, 0)
        return start, start + week, False
    candidates = np.flatnonzero((local.month == target_month) & (local.day >= 13) & (local.hour == 0))
    if len(candidates) == 0:
        candidates = in_season[local[in_season].hour == 0] if np.any(local[in_season].hour == 0) else in_season
    start = int(candidates[0])
    start = min(start, max(n - week, 0))
    return start, start + week, True


def dispatch_figure(ctx: ReportContext, season: str) -> ReportFigure:
    """Hourly electricity and heat supply for one week of ``season``, local time."""
    lab, dispatch = ctx.labels, ctx.result.dispatch
    fig_id = f"fig-dispatch-{season}"
    title_key = f"fig.dispatch.{season}"
    fig, axes = new_figure(10.0, 7.0, nrows=2, sharex=True)
    if dispatch.empty:
        for ax in axes:
            _no_data(ax, lab.t("fig.no_data"))
        title = lab.t(title_key, start="—", end="—")
        return _finish(ctx, fig, fig_id, title)
    local = local_index(ctx, dispatch.index)
    start, stop, found = pick_week(local, season)
    week = dispatch.iloc[start:stop]
    times = local[start:stop]
    hours = np.arange(len(week))
    title = lab.t(title_key, start=lab.date(times[0].to_pydatetime(), "medium"),
                  end=lab.date(times[-1].to_pydatetime(), "medium"))
    legend: dict[str, Artist] = {}
    for ax, group in zip(axes, ("electricity", "heat"), strict=True):
        cols = [c for c in week.columns if (_is_heat(_split(str(c))[0]) if group == "heat"
                                           else _split(str(c))[0] == group)]
        supply: dict[str, np.ndarray] = {}
        use = np.zeros(len(week))
        demand = np.zeros(len(week))
        for c in cols:
            values = week[c].to_numpy(dtype=float)
            tech = _split(str(c))[1]
            if tech == "demand":
                demand += -values
                use += -values
                continue
            pos = np.clip(values, 0, None)
            if tech != CURTAILMENT:
                use += -np.clip(values, None, 0)
            if pos.max(initial=0.0) > MIN_MW:
                key = base_tech(tech)
                supply[key] = supply.get(key, np.zeros(len(week))) + pos
        if not cols:
            _no_data(ax, lab.t("fig.no_data"))
            continue
        order = sorted(supply, key=lambda k: (k.startswith("grid"), -float(supply[k].sum())))
        if order:
            ax.stackplot(hours, *[supply[k] for k in order], labels=[wrap(lab.tech(k), 44) for k in order],
                         colors=[tech_color(k) for k in order], step=None, linewidth=0)
        ax.plot(hours, use, color=DEMAND_COLOR, linewidth=1.3, label=lab.t("fig.dispatch.total_use"))
        ax.plot(hours, demand, color=DEMAND_COLOR, linewidth=1.0, linestyle="--",
                label=lab.t("fig.dispatch.demand"))
        ax.set_ylabel(lab.t("unit.mw_axis_short"))
        ax.yaxis.set_major_formatter(_formatter(lab))
        ax.set_title(lab.sector(group), loc="left")
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            legend.setdefault(label, handle)
        ax.set_xlim(0, max(len(week) - 1, 1))
        ax.set_ylim(bottom=0)
    fig.legend(list(legend.values()), list(legend), loc="outside lower center", ncols=3, fontsize=8.5)
    midnights = [i for i, t in enumerate(times) if t.hour == 0]
    axes[-1].set_xticks(midnights, [lab.day(times[i].to_pydatetime()) for i in midnights])
    axes[-1].set_xlabel(lab.t("fig.dispatch.local_time", tz=utc_offset_text(ctx)))
    fig.suptitle(wrap(title, 90), x=0.01, ha="left", fontweight="bold")
    caption = lab.t("fig.dispatch.caption")
    if not found:
        caption += " " + lab.t(f"fig.dispatch.not_in_horizon_{season}")
    return _finish(ctx, fig, fig_id, title, caption)


# ------------------------------------------------------------------------------------ storage
def storage_figure(ctx: ReportContext) -> ReportFigure:
    """State of charge of each storage over the horizon (daily range when the horizon is long)."""
    lab, soc = ctx.labels, ctx.result.storage_soc
    title = lab.t("fig.storage.title")
    cols = [c for c in soc.columns if float(np.nanmax(np.abs(soc[c].to_numpy(dtype=float)), initial=0.0)) > 1e-9]
    fig, axes = new_figure(10.0, 2.4 * max(len(cols), 1) + 0.9, nrows=max(len(cols), 1), squeeze=False, sharex=True)
    if not cols:
        _no_data(axes[0, 0], lab.t("fig.capacity.no_storage"))
        return _finish(ctx, fig, "fig-storage", title)
    local = local_index(ctx, soc.index)
    frame = soc[cols].set_axis(local.tz_localize(None))
    daily = len(frame) > 24 * 21
    for ax, col in zip(axes[:, 0], cols, strict=True):
        series = frame[col].astype(float)
        if daily:
            grouped = series.resample("D")
            lo, hi, mean = grouped.min(), grouped.max(), grouped.mean()
            ax.fill_between(lo.index, lo.to_numpy(), hi.to_numpy(), color=tech_color(str(col)), alpha=0.35,
                            linewidth=0, label=lab.t("fig.storage.daily_range"))
            ax.plot(mean.index, mean.to_numpy(), color=tech_color(str(col)), linewidth=1.2,
                    label=lab.t("fig.storage.daily_mean"))
            ax.legend(loc="upper right")
        else:
            ax.plot(series.index, series.to_numpy(), color=tech_color(str(col)), linewidth=1.2)
        ax.set_title(wrap(lab.tech(str(col)), 80), loc="left")
        ax.set_ylabel(lab.t("unit.mwh_axis_short"))
        ax.yaxis.set_major_formatter(_formatter(lab))
        ax.set_ylim(bottom=0)
    last = axes[-1, 0]
    locator = mdates.MonthLocator() if daily else mdates.DayLocator(interval=max(len(frame) // 24 // 10, 1))
    last.xaxis.set_major_locator(locator)
    last.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: lab.month_day(mdates.num2date(x))))
    last.set_xlabel(lab.t("fig.dispatch.local_time", tz=utc_offset_text(ctx)))
    fig.suptitle(wrap(title, 90), x=0.01, ha="left", fontweight="bold")
    return _finish(ctx, fig, "fig-storage", title, lab.t("fig.storage.caption"))


# ------------------------------------------------------------------------------------ costs
def costs_figure(ctx: ReportContext) -> ReportFigure:
    """Annualised cost by technology, million USD 2024 per year."""
    lab, res = ctx.labels, ctx.result
    costs = {t: v for t, v in res.costs_usd.items() if math.isfinite(v) and abs(v) > 1.0}
    fig, ax = new_figure(9.0, 0.42 * max(len(costs), 3) + 1.4)
    title = lab.t("fig.costs.title")
    if costs:
        order = sorted(costs, key=lambda t: costs[t])
        values = np.array([costs[t] for t in order]) / 1e6
        ax.barh([wrap(lab.tech(t), 40) for t in order], values, color=[tech_color(t) for t in order])
        for yi, v in enumerate(values):
            ax.text(v, yi, " " + lab.num(v, 2) if v >= 0 else lab.num(v, 2) + " ", va="center",
                    ha="left" if v >= 0 else "right", fontsize=8.5)
        ax.axvline(0, color="#444444", linewidth=0.8)
        ax.set_xlabel(lab.t("unit.musd_per_year"))
        ax.xaxis.set_major_formatter(_formatter(lab))
        ax.margins(x=0.15)
        ax.grid(axis="y", visible=False)
    else:
        _no_data(ax, lab.t("fig.no_data"))
    fig.suptitle(wrap(title, 90), x=0.01, ha="left", fontweight="bold")
    caption = lab.t("fig.costs.caption", total=lab.num(res.total_annual_cost_usd / 1e6, 1),
                    baseline=lab.num(res.baseline_annual_cost_usd / 1e6, 1))
    return _finish(ctx, fig, "fig-costs", title, caption)


# ------------------------------------------------------------------------------------ all
def all_figures(ctx: ReportContext) -> dict[str, ReportFigure]:
    """Every figure of the main report, by id (see :data:`FIGURE_IDS`)."""
    makers: dict[str, Callable[[ReportContext], ReportFigure]] = {
        "fig-locator": locator_figure,
        "fig-inventory": inventory_figure,
        "fig-emissions": emissions_figure,
        "fig-capacity": capacity_figure,
        "fig-energy": energy_balance_figure,
        "fig-dispatch-winter": lambda c: dispatch_figure(c, "winter"),
        "fig-dispatch-summer": lambda c: dispatch_figure(c, "summer"),
        "fig-storage": storage_figure,
        "fig-costs": costs_figure,
    }
    return {fid: makers[fid](ctx) for fid in FIGURE_IDS}
