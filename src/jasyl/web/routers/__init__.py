"""Routers of the web platform, one module per area (each exposes ``router``)."""

from __future__ import annotations

__all__: list[str] = []
