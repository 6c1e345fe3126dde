"""The store: migrations match the tables, SQLite runs in WAL mode, opening never writes data."""

from __future__ import annotations

from sqlalchemy import func, inspect, select, text

from jasyl.monitoring.setup import init_monitoring, open_monitoring
from jasyl.store.engine import make_engine, open_store, upgrade
from jasyl.store.models import Base, Measurement, Site, Source


def _head() -> str:
    """The one head revision of the shipped migrations."""
    from importlib import resources

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("jasyl.store") / "migrations"))
    heads = ScriptDirectory.from_config(cfg).get_heads()
    assert len(heads) == 1, f"the migrations must have one head, not {heads}"
    return str(heads[0])


def test_migrations_match_the_models(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = init_monitoring(db_url, demo=False)
    with engine.connect() as conn:
        assert conn.scalar(text("select version_num from alembic_version")) == _head()
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # ignore differences in how a unique constraint is spelt (column flag vs. table constraint)
    real = [d for d in diffs if not (isinstance(d, tuple) and d[0] in ("add_constraint", "remove_constraint",
                                                                        "add_index", "remove_index"))]
    assert real == []


def test_sqlite_uses_wal(sqlite_url: str) -> None:
    engine = init_monitoring(sqlite_url, demo=False)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_open_store_creates_the_schema_and_writes_no_data(db_url: str) -> None:
    engine = open_store(db_url)
    assert {"sites", "sources", "measurements", "standards", "alerts"} <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        for table in (Site, Source, Measurement):
            assert conn.scalar(select(func.count()).select_from(table)) == 0
    # opening for monitoring adds the standards, never measurements or demo rows
    engine = open_monitoring(db_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Measurement)) == 0
        assert conn.scalar(select(func.count()).select_from(Site).where(Site.demo.is_(True))) == 0


def test_a_database_made_by_the_old_layout_upgrades_in_place(sqlite_url: str) -> None:
    """The revision ids did not change when the migrations moved to jasyl/store: a database at the first
    revision, with data, is recognised and upgraded to the head; its rows are kept."""
    engine = make_engine(sqlite_url)
    upgrade(engine, "0001_initial")
    with engine.begin() as conn:
        conn.execute(text("insert into sites (code, name, kind, approximate_location, demo, origin) "
                          "values ('w1', 'Well 1', 'water_point', 0, 0, 'test')"))
    engine = open_store(sqlite_url)
    with engine.connect() as conn:
        assert conn.scalar(text("select count(*) from alembic_version")) == 1
        assert conn.scalar(text("select version_num from alembic_version")) == _head()
        assert conn.execute(text("select code, water_body from sites")).all() == [("w1", None)]
    assert {"tracking_actuals", "restoration_records", "emission_records", "settings"} <= set(
        inspect(engine).get_table_names())


def test_several_processes_opening_a_new_store_at_once(db_url: str) -> None:
    """The first commands on a new database often start together (an ingest per file, the web): the one
    that upgrades holds the lock, the others find the schema and the standards in place (was: "table
    alembic_version already exists" / duplicate standards)."""
    import threading

    from jasyl.store.models import Standard

    barrier = threading.Barrier(3)
    outcomes: list[str] = []

    def open_it() -> None:
        barrier.wait()
        try:
            open_monitoring(db_url).dispose()
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the outcome is the assertion
            outcomes.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=open_it) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert outcomes == ["ok"] * 3
    engine = make_engine(db_url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Standard)) > 0
        assert conn.scalar(text("select count(*) from alembic_version")) == 1
    engine.dispose()


def test_an_alert_can_be_acknowledged_on_every_backend(db_url: str) -> None:
    """'acknowledged' has 12 characters; alerts.status was VARCHAR(10), which PostgreSQL enforces (every
    acknowledgement failed there). The widening migration also runs on a store holding alerts and events."""
    from alembic import command

    from jasyl.monitoring.alert_actions import act_on_alert, alert_detail, list_alerts
    from jasyl.store.engine import _alembic_config

    engine = init_monitoring(db_url, demo=True)
    first = list_alerts(engine, status="open", limit=1)[0]
    with engine.begin() as conn:  # the store as it was before the widening, with an alert event in it
        command.downgrade(_alembic_config(conn), "-1")
    act_on_alert(engine, first["id"], "close", user="inspector1", comment="closed before the upgrade")
    upgrade(engine)
    act_on_alert(engine, first["id"], "reopen", user="inspector2", comment="seen again")
    act_on_alert(engine, first["id"], "acknowledge", user="inspector2", comment="seen")
    detail = alert_detail(engine, first["id"])
    assert detail is not None and detail["status"] == "acknowledged"
    assert [h["action"] for h in detail["history"]] == ["close", "reopen", "acknowledge"]
    with engine.connect() as conn:
        assert conn.scalar(text("select version_num from alembic_version")) == _head()
        if conn.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert "status VARCHAR(20)" in conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'alerts'").scalar()
    engine.dispose()
