"""The declarative base every jasyl table derives from (one metadata for every Alembic migration)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import DeclarativeBase

__all__ = ["Base", "BigId"]

#: 64-bit keys on PostgreSQL, SQLite's rowid alias (INTEGER PRIMARY KEY) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Base class of every table; ``Base.metadata`` holds the whole schema once
    :mod:`jasyl.store.models` is imported."""
