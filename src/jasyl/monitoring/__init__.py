"""Environmental monitoring: pollution sources, air and water measurements, standards, indices, alerts.

Layers (I/O at the edges):

* :mod:`jasyl.store` - engine, tables (:mod:`jasyl.store.monitoring`) and migrations; :mod:`.setup` -
  opening the store with its standards, the demo data only on request;
* :mod:`.ingest` - readers for OpenAQ v3, Sensor.Community and the plain CSV, unit normalisation;
* :mod:`.standards` - standards as data, averaging (hourly, 24-hour, 8-hour, annual), exceedances;
* :mod:`.indices` - US EPA AQI (2024), Kazhydromet SI / NP / IZA5, water pollution index;
* :mod:`.alerts` - rules evaluated on ingest; :mod:`.demo` - the labelled Konaev demonstration data;
* :mod:`.status` - what the ``jasyl monitor`` commands show, read from the database in one place
  (:func:`.status.report_data`); the HTML report is drawn by :mod:`jasyl.report.monitoring`.
"""

from __future__ import annotations

__all__: list[str] = []  # the modules above are the API
