"""Environmental monitoring: pollution sources, air and water measurements, standards, indices, alerts.

Layers (I/O at the edges):

* :mod:`.models` - SQLAlchemy tables; :mod:`.store` - engine, migrations (Alembic), sessions;
* :mod:`.ingest` - readers for OpenAQ v3, Sensor.Community and the plain CSV, unit normalisation;
* :mod:`.standards` - standards as data, averaging (hourly, 24-hour, 8-hour, annual), exceedances;
* :mod:`.indices` - US EPA AQI (2024), Kazhydromet SI / NP / IZA5, water pollution index;
* :mod:`.alerts` - rules evaluated on ingest; :mod:`.demo` - the labelled Konaev demonstration data;
* :mod:`.status` and :mod:`.report` - what the ``jasyl monitor`` commands show.
"""
