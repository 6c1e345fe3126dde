"""Alembic migration scripts of the monitoring store (run by :func:`jasyl.monitoring.store.upgrade`)."""
