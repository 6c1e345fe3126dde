"""The jasyl database (SQLite by default, PostgreSQL through ``JASYL_DB_URL``): engine, tables, migrations.

* :mod:`jasyl.store.engine` - :func:`open_store` (schema created or upgraded, no data written),
  :func:`make_engine`, dialect helpers;
* :mod:`jasyl.store.models` - every table on one :class:`~jasyl.store.base.Base`;
* ``jasyl/store/migrations`` - the Alembic scripts (one head; revision ids never change, so existing
  databases upgrade in place).

Monitoring, tracking and the web share this store; what they load into it is theirs
(:mod:`jasyl.monitoring.setup` loads the standards and, on request, the labelled demo data).
"""

from __future__ import annotations

from jasyl.store.engine import (
    ENV_VAR,
    default_db_url,
    display_url,
    is_initialised,
    make_engine,
    open_store,
    upgrade,
)
from jasyl.store.models import Base

__all__ = ["ENV_VAR", "Base", "default_db_url", "display_url", "is_initialised", "make_engine", "open_store",
           "upgrade"]
