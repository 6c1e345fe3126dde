"""The web platform (``jasyl serve``): FastAPI app, server-rendered pages, JSON API.

Only this package imports FastAPI/Starlette. Pages call the same use cases as the CLI
(:mod:`jasyl.planning`, :mod:`jasyl.monitoring`, :mod:`jasyl.store`) and never compute results
themselves. Start with :func:`jasyl.web.app.create_app`.
"""

from __future__ import annotations

__all__: list[str] = []
