"""The store in PostgreSQL/PostGIS (`PAX_DATABASE_URL`): the test store published into a
cluster of its own answers every query of `pax.queries` with the same figures as the
DuckDB file (the cell keys differ: each engine has its own salted hash), the published
views agree, a publish swaps the whole store in one transaction, and the geometries
are PostGIS's with their SRID."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from pax import db, privacy, published, queries, store
from tests.conftest import DEMO_END
from tests.pg import NO_POSTGRES, Cluster, bin_dir

if bin_dir() is None:
    pytest.skip(NO_POSTGRES, allow_module_level=True)


@pytest.fixture(scope="module")
def cluster():
    server = Cluster().init().start()
    yield server
    server.remove()


@pytest.fixture(scope="module")
def engines(cluster, store_env):
    path = Path(store_env["PAX_STORE"])
    db.publish(path, cluster.url)
    duck = store.connect(path)
    pg = db.connect(cluster.url)
    yield duck, pg
    pg.close()


def _same(
    a: pd.DataFrame, b: pd.DataFrame, keys: list[str] | None = None, cell_keys: bool = False
) -> None:
    """Equal frames but for cell keys unless `cell_keys` (and row order where `keys` sort
    them)."""
    drop = [] if cell_keys else [c for c in a.columns if c.endswith("_key")]
    a, b = a.drop(columns=drop), b.drop(columns=[c for c in drop if c in b])
    assert list(a.columns) == list(b.columns)
    if keys:
        a = a.sort_values(keys).reset_index(drop=True)
        b = b.sort_values(keys).reset_index(drop=True)
    for column in a.columns:
        left, right = a[column], b[column]
        if pd.api.types.is_numeric_dtype(left) and pd.api.types.is_numeric_dtype(right):
            assert (
                left.astype(float).fillna(-1).round(9).tolist()
                == right.astype(float).fillna(-1).round(9).tolist()
            ), column
        else:
            norm = lambda s: [None if pd.isna(v) else str(v)[:19] for v in s]  # noqa: E731
            assert norm(left) == norm(right), column


START = DEMO_END - dt.timedelta(days=364)
SOME = ["0181C1050", "0181R002"]


@pytest.mark.parametrize(
    ("name", "call", "keys"),
    [
        ("areas", lambda c: queries.areas(c, "deso"), None),
        ("catalog", lambda c: queries.catalog(c), None),
        ("sources", lambda c: queries.sources(c), None),
        ("categories", lambda c: queries.categories(c), None),
        ("police", lambda c: queries.police_status(c), ["area_code"]),
        (
            "event_counts",
            lambda c: queries.event_counts(c, START, DEMO_END, "regso"),
            ["area_code", "category"],
        ),
        (
            "event_counts_kommun",
            lambda c: queries.event_counts(c, START, DEMO_END, "kommun", ["car_fire"]),
            ["category"],
        ),
        (
            "category_counts",
            lambda c: queries.category_counts(c, START, DEMO_END, None, SOME),
            ["category"],
        ),
        (
            "monthly",
            lambda c: queries.monthly_counts(c, START, DEMO_END, None, None),
            ["month", "category"],
        ),
        (
            "weekday",
            lambda c: queries.weekday_hour_counts(
                c, START, DEMO_END, ["shooting", "car_fire"], None, by_category=True
            ),
            ["weekday", "hour", "category"],
        ),
        ("located", lambda c: queries.located_events(c, START, DEMO_END, None, SOME), ["id"]),
        (
            "points",
            lambda c: queries.event_points(c, START, DEMO_END, ["car_fire"]),
            ["lat", "lon"],
        ),
        (
            "measures",
            lambda c: queries.measure_values(c, "employment_rate_16_64", "deso"),
            ["area_code", "period"],
        ),
        (
            "measures_some",
            lambda c: queries.measure_values(c, "intel_reports", None, ["0181"]),
            ["period", "breakdown"],
        ),
        (
            "breakdown",
            lambda c: queries.measure_by_breakdown(c, "intel_reports", START, DEMO_END),
            ["period", "breakdown"],
        ),
        ("interventions", lambda c: queries.interventions(c, DEMO_END), ["id"]),
        (
            "rates",
            lambda c: queries.deso_category_rates(c, START, DEMO_END),
            ["area_code", "category"],
        ),
    ],
)
def test_every_query_gives_the_same_figures_on_both_engines(engines, name, call, keys):
    """The same figures; for events the same cell keys too (PostgreSQL reads the record
    keys DuckDB made, and the counts over days from the same `event_days`)."""
    duck, pg = engines
    events = name in ("event_counts", "event_counts_kommun", "category_counts", "monthly")
    events |= name in ("weekday", "points")
    _same(call(duck), call(pg), keys, cell_keys=events)


def test_scalars_and_lists_agree(engines):
    duck, pg = engines
    for call in (
        lambda c: queries.events_range(c),
        lambda c: queries.events_in_areas(c),
        lambda c: queries.register_sources(c, "events"),
        lambda c: queries.area_children(c, ["0181R012"]),
        lambda c: queries.build_info(c)["mode"],
    ):
        assert call(duck) == call(pg)
    for statistic in ("sum", "median"):
        a, _ = queries.measure_total(duck, "intel_reports", START, DEMO_END, statistic=statistic)
        b, _ = queries.measure_total(pg, "intel_reports", START, DEMO_END, statistic=statistic)
        assert a == pytest.approx(b)


def test_the_event_views_agree_noise_and_all(engines):
    """The protected event views are equal on both engines with the noise on: every
    count's noise comes from the same record keys."""
    duck, pg = engines
    policy = privacy.Policy.from_config()
    for level in ("deso", "regso"):
        a = published.area_counts(duck, policy, START, DEMO_END, level, None)
        _same(a, published.area_counts(pg, policy, START, DEMO_END, level, None), ["code"])
    a = published.compstat(duck, policy, DEMO_END, None, None)
    _same(a, published.compstat(pg, policy, DEMO_END, None, None), ["category", "window"])
    a = published.weekday_hour(duck, policy, START, DEMO_END, None, None)
    _same(a, published.weekday_hour(pg, policy, START, DEMO_END, None, None))


def test_the_published_views_agree_where_no_noise_is_drawn(engines):
    """With the noise off the protected views are equal on both engines (the noise of
    measures comes from each engine's keys)."""
    duck, pg = engines
    policy = privacy.Policy(k=3, noise=0)
    a = published.area_counts(duck, policy, START, DEMO_END, "regso", None)
    b = published.area_counts(pg, policy, START, DEMO_END, "regso", None)
    _same(a, b, ["code"])
    a = published.compstat(duck, policy, DEMO_END, None, None)
    b = published.compstat(pg, policy, DEMO_END, None, None)
    _same(a, b, ["category", "window"])


def test_a_publish_swaps_the_whole_store_and_keeps_postgis_geometries(engines, cluster, store_env):
    duck, pg = engines
    before = db.version(cluster.url)
    rows = pg.execute(
        "SELECT count(*), min(ST_SRID(geom)), bool_and(ST_IsValid(geom)) FROM areas"
    ).fetchone()
    assert rows[0] == len(queries.areas(duck, "deso")) + len(queries.areas(duck, "regso")) + 1
    assert rows[1] == 4326 and rows[2]
    inside = pg.execute(
        "SELECT a.code FROM places p JOIN areas a ON a.level = 'deso' "
        "AND ST_Contains(a.geom, p.geom) LIMIT 1"
    ).fetchone()
    assert inside is not None
    db.publish(Path(store_env["PAX_STORE"]), cluster.url)
    assert db.version(cluster.url) != before
    schemas = pg.execute(
        "SELECT schema_name FROM information_schema.schemata WHERE schema_name LIKE 'pax%'"
    ).fetchall()
    assert schemas == [("pax",)]  # no half-published or old schema left


def test_a_failed_publish_changes_nothing(engines, cluster, tmp_path):
    duck, pg = engines
    before = db.version(cluster.url)
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"not a store")
    with pytest.raises(Exception):  # noqa: B017 - DuckDB's own error for a bad file
        db.publish(broken, cluster.url)
    assert db.version(cluster.url) == before
    assert pg.execute("SELECT count(*) FROM events").fetchone()[0] > 0


def test_the_audit_log_is_one_table_on_the_primary(cluster, monkeypatch):
    from pax import audit

    monkeypatch.setenv("PAX_DATABASE_URL", cluster.url)
    audit.record("export_csv", "/tmp/x/tabell.csv", "a@kommun.se", "analyst", 12)
    audit.record("import", "brott.csv", "cli:root", "server", 3, channel="cli")
    entries = audit.read()
    assert entries["what"].tolist() == ["brott.csv", "tabell.csv"]  # newest first
    assert entries["rows"].tolist() == [3, 12]


def test_reads_from_a_streaming_standby_see_what_the_primary_publishes(store_env, tmp_path):
    """A primary and a standby (pg_basebackup, streaming replication) on this machine:
    the app reads the standby, a publish and an audit entry go to the primary, and the new
    store and the entry are visible through the standby after replay."""
    import time

    from pax import audit

    primary = Cluster().init().start()
    standby = Cluster()
    try:
        standby.standby_of(primary).start()
        env = {"PAX_DATABASE_URL": standby.url, "PAX_DATABASE_WRITE_URL": primary.url}
        with pytest.MonkeyPatch.context() as mp:
            for key, value in env.items():
                mp.setenv(key, value)
            assert store.version() == "missing" and not store.ready()
            built = db.publish(Path(store_env["PAX_STORE"]))  # to the primary
            audit.record("sync", "polisen", "cli:root", "server", 7, channel="cli")
            deadline = time.monotonic() + 60
            while store.version() != f"pg-{built}" and time.monotonic() < deadline:
                time.sleep(0.5)
            assert store.version() == f"pg-{built}" and store.ready()
            reader = db.connect(standby.url)
            try:
                assert reader.execute("SELECT pg_is_in_recovery()").fetchone()[0] is True
                assert reader.execute("SELECT count(*) FROM events").fetchone()[0] > 0
            finally:
                reader.close()
            deadline = time.monotonic() + 30
            while audit.read().empty and time.monotonic() < deadline:
                time.sleep(0.5)
            assert audit.read()["what"].tolist() == ["polisen"]
    finally:
        standby.remove()
        primary.remove()


def test_an_import_reaches_the_shared_store(cluster, import_env, monkeypatch):
    """`python -m pax import` into the live store publishes it: the new rows are read
    from PostgreSQL right after."""
    from pax.__main__ import main

    for key, value in {
        "PAX_MODE": "live",
        "PAX_STORE": str(import_env["store"]),
        "PAX_DATA_DIR": str(import_env["data"]),
        "PAX_DATABASE_URL": cluster.url,
    }.items():
        monkeypatch.setenv(key, value)
    example = Path(__file__).resolve().parents[2] / "data" / "examples"
    before = db.version(cluster.url)
    assert main(["import", str(example / "underrattelser_per_forvaltning.csv")]) == 0
    assert db.version(cluster.url) != before
    reader = db.connect(cluster.url)
    try:
        count = reader.execute(
            "SELECT count(*) FROM measures WHERE indicator = 'intel_reports'"
        ).fetchone()[0]
        mode = reader.execute("SELECT value FROM build_info WHERE key = 'mode'").fetchone()[0]
    finally:
        reader.close()
    assert count > 0 and mode == "live"
