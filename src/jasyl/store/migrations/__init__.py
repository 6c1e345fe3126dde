"""Alembic migration scripts of the jasyl database (run by :func:`jasyl.store.engine.upgrade`)."""
