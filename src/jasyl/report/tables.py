"""The one CSV writer of jasyl: every table a command or report writes goes through :func:`csv_text`."""

from __future__ import annotations

import io

import pandas as pd

__all__ = ["csv_text"]


def csv_text(frame: pd.DataFrame, *, index: bool = False, float_format: str | None = "%.6g") -> str:
    """``frame`` as CSV text (UTF-8, ``\\n`` line ends, ``float_format`` for floats)."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=index, lineterminator="\n", float_format=float_format)
    return buffer.getvalue()
