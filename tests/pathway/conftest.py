"""Fixtures of the MACC and pathway tests: the Konaev results are computed once per module."""

from __future__ import annotations

import pytest

from jasyl.city import load_city
from jasyl.macc import Context, MaccResult, build_context, compute_macc
from jasyl.pathway import Pathway, build_pathway


@pytest.fixture(scope="session")
def konaev_ctx() -> Context:
    return build_context(load_city())


@pytest.fixture(scope="session")
def konaev_macc(konaev_ctx: Context) -> MaccResult:
    return compute_macc(ctx=konaev_ctx)


@pytest.fixture(scope="session")
def konaev_pathway(konaev_ctx: Context, konaev_macc: MaccResult) -> Pathway:
    return build_pathway(konaev_ctx.city, konaev_ctx.library, start_year=2026, ctx=konaev_ctx, macc=konaev_macc)
