"""Numbers with their provenance: the shared shape of every figure in jasyl's data files.

A figure is a mapping with ``value`` and either ``source`` + ``year`` or ``estimate`` (the reasoning
behind an estimate). A bare number is accepted and reported as *unsourced*.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from jasyl.errors import shorten

__all__ = ["Sourced", "unsourced_paths"]


class Sourced(BaseModel):
    """A number with its provenance: ``source`` and ``year``, or ``estimate`` (the reasoning)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    value: float
    source: str | None = None
    year: int | None = None
    estimate: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_number(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError("expected a number, got true/false")
        if isinstance(data, int | float):
            return {"value": data}
        if isinstance(data, str):
            raise ValueError(f"expected a number, got text '{shorten(data)}'")
        return data

    @field_validator("value")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("expected a finite number")
        return value

    @property
    def sourced(self) -> bool:
        """True if the figure has a source or an estimate note."""
        return bool(self.source) or bool(self.estimate)

    def describe(self) -> str:
        """Where the number comes from, in one line."""
        if self.source:
            return self.source + (f" ({self.year})" if self.year else "")
        if self.estimate:
            return "estimate: " + self.estimate
        return "no source given"


def unsourced_paths(obj: Any, path: str = "") -> list[str]:
    """Dotted paths (``stationary_energy.residential[0].amount``) of figures in ``obj`` that carry
    neither a source nor an estimate; walks pydantic models, lists and dicts."""
    if isinstance(obj, Sourced):
        return [] if obj.sourced else [path]
    found: list[str] = []
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            found += unsourced_paths(getattr(obj, name), f"{path}.{name}" if path else name)
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            found += unsourced_paths(item, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            found += unsourced_paths(item, f"{path}.{key}")
    return found
