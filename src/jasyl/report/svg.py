"""The one figure exporter of jasyl: matplotlib figures to SVG (inline or as a file) and PNG.

Figures are :class:`matplotlib.figure.Figure` objects made with :func:`new_figure`; pyplot and its
global figure registry are never used, so rendering is safe in a threaded server. The report style
(:data:`STYLE`) is set once, when this module is imported (matplotlib is used by :mod:`jasyl.report`
only). Every exported SVG prefixes its element ids with the figure's id, so any number of figures can
share one HTML page without a duplicate id; text stays text (``svg.fonttype = none``).
"""

from __future__ import annotations

import io
import re
from typing import Any

import matplotlib
from matplotlib.figure import Figure

__all__ = ["new_figure", "to_svg", "svg_document", "png_bytes", "STYLE"]

#: rcParams of every jasyl figure
STYLE: dict[str, Any] = {
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
    "svg.hashsalt": "jasyl",  # deterministic ids inside a figure; the figure id makes them unique on a page
}
matplotlib.rcParams.update(STYLE)  # type: ignore[arg-type]  # keys are rcParams names

_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)


def new_figure(width_in: float = 9.0, height_in: float = 4.0, **subplots: Any) -> tuple[Figure, Any]:
    """A figure with the report style (``subplots`` goes to :meth:`Figure.subplots`)."""
    layout = subplots.pop("layout", "constrained")
    fig = Figure(figsize=(width_in, height_in), layout=layout)
    axes = fig.subplots(**subplots) if subplots else fig.subplots()
    return fig, axes


def _raw_svg(fig: Figure, title: str) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "jasyl", "Title": title})
    return buffer.getvalue()


def _unique_ids(text: str, figure_id: str) -> str:
    # matplotlib's ids are hashes; prefix them with the figure id so several SVGs can share one page
    text = re.sub(r'id="([^"]+)"', lambda m: f'id="{figure_id}-{m.group(1)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{figure_id}-{m.group(1)})", text)
    return re.sub(r'href="#([^"]+)"', lambda m: f'href="#{figure_id}-{m.group(1)}"', text)


def to_svg(fig: Figure, figure_id: str, title: str) -> str:
    """SVG markup of ``fig`` for inlining in HTML: no XML prologue, ids unique to this figure."""
    text = _unique_ids(_PROLOGUE.sub("", _raw_svg(fig, title), count=1), figure_id)
    text = re.sub(r'<svg ([^>]*?)width="[^"]+" height="[^"]+"', r"<svg \1", text, count=1)
    return text.replace("<svg ", f'<svg role="img" aria-label="{_escape(title)}" class="plot" ', 1)


def svg_document(fig: Figure, figure_id: str, title: str) -> bytes:
    """A standalone SVG file of ``fig`` (XML prologue and size kept; ids prefixed like :func:`to_svg`)."""
    return _unique_ids(_raw_svg(fig, title), figure_id).encode("utf-8")


def png_bytes(fig: Figure, dpi: int = 100) -> bytes:
    """A PNG image of ``fig``."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
