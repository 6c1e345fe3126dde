"""Matplotlib figures rendered to inline SVG (text stays text; nothing is fetched at view time)."""

from __future__ import annotations

import io
import re
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display needed; must precede pyplot import

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

__all__ = ["new_figure", "to_svg", "STYLE"]

#: rcParams for every report figure
STYLE: Any = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "svg.fonttype": "none",
}

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)


def new_figure(width_in: float = 9.0, height_in: float = 4.0, **subplots: Any) -> tuple[Figure, Any]:
    """A figure with the report style (``subplots`` goes to :meth:`Figure.subplots`)."""
    with plt.rc_context(STYLE):
        fig = Figure(figsize=(width_in, height_in), layout="constrained")
        axes = fig.subplots(**subplots) if subplots else fig.subplots()
    return fig, axes


def to_svg(fig: Figure, figure_id: str, title: str) -> str:
    """SVG markup of ``fig`` for inlining in HTML: no XML prologue, ids unique to this figure."""
    buffer = io.StringIO()
    with plt.rc_context({**STYLE, "svg.hashsalt": figure_id}):
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "jasyl", "Title": title})
    text = _PROLOGUE.sub("", buffer.getvalue(), count=1)
    # matplotlib's ids are hashes; make them unique per figure so several SVGs can share one page
    text = re.sub(r'id="([^"]+)"', lambda m: f'id="{figure_id}-{m.group(1)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{figure_id}-{m.group(1)})", text)
    text = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{figure_id}-{m.group(1)}"', text)
    text = re.sub(r'<svg ([^>]*?)width="[^"]+" height="[^"]+"', r"<svg \1", text, count=1)
    text = text.replace("<svg ", f'<svg role="img" aria-label="{_escape(title)}" class="plot" ', 1)
    return text


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
