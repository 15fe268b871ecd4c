import datetime as dt
import os
import shutil

import pandas as pd
import pytest

from pax import queries, store
from tests.conftest import DEMO_END, make_data_dir


def test_the_store_holds_every_table_with_real_and_fictional_sources(store_env):
    con = store.connect(store_env["PAX_STORE"])
    counts = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("areas", "events", "measures", "interventions", "sources", "catalog", "places")
    }
    assert counts["areas"] == 83 and counts["places"] == 87
    assert counts["events"] > 800 and counts["interventions"] > 20
    src = queries.sources(con).set_index("id")
    assert not src.at["scb_deso", "fictional"] and src.at["demo_events", "fictional"]
    # every measure's indicator is in the catalogue and every source is registered
    orphans = con.execute(
        "SELECT count(*) FROM measures m LEFT JOIN catalog c ON c.id = m.indicator "
        "WHERE c.id IS NULL"
    ).fetchone()[0]
    assert orphans == 0


def test_event_counts_add_up_across_levels(store_env):
    con = store.connect(store_env["PAX_STORE"])
    start, end = DEMO_END - dt.timedelta(days=364), DEMO_END
    totals = [
        queries.event_counts(con, start, end, level)["count"].sum()
        for level in ("deso", "regso", "kommun")
    ]
    assert totals[0] == totals[1] == totals[2] > 100
    shootings = queries.event_counts(con, start, end, "kommun", ["shooting"])
    assert set(shootings["category"]) <= {"shooting"}


def test_dates_arrive_as_dates(store_env):
    con = store.connect(store_env["PAX_STORE"])
    frame = queries.measure_values(con, "intel_reports", "kommun", breakdown=None)
    assert isinstance(frame["period_start"].iloc[0], dt.date)


def test_a_failed_build_leaves_the_old_store_untouched(store_env, tmp_path):
    live = tmp_path / "pax.duckdb"
    shutil.copy(store_env["PAX_STORE"], live)
    before = live.read_bytes()
    data_dir = make_data_dir(tmp_path / "data")
    shutil.copytree(os.path.join(store_env["PAX_DATA_DIR"], "demo"), data_dir / "demo")
    (data_dir / "catalog.csv").unlink()
    (data_dir / "catalog.csv").write_text("id,horizon\nbroken,nowhere\n", encoding="utf-8")
    with pytest.raises(ValueError):
        store.build(live, data_dir, progress=lambda m: None)
    assert live.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_building_twice_gives_the_same_content(store_env, tmp_path):
    data_dir = store_env["PAX_DATA_DIR"]
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    store.build(a, pd.io.common.Path(data_dir), progress=lambda m: None)
    store.build(b, pd.io.common.Path(data_dir), progress=lambda m: None)
    for table in ("events", "measures", "areas"):
        fa = store.connect(a).execute(f"SELECT * FROM {table} ORDER BY ALL").df()
        fb = store.connect(b).execute(f"SELECT * FROM {table} ORDER BY ALL").df()
        pd.testing.assert_frame_equal(fa, fb)


def test_a_missing_store_gives_a_swedish_message(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m pax build"):
        store.connect(tmp_path / "none.duckdb")


def test_area_filters_count_deso_and_regso_events(store_env):
    con = store.connect(store_env["PAX_STORE"])
    start, end = DEMO_END - dt.timedelta(days=364), DEMO_END
    whole = queries.category_counts(con, start, end, None)["count"].sum()
    hovsjo = queries.category_counts(con, start, end, None, ["0181R012"])["count"].sum()
    children = queries.area_children(con, ["0181R012"])
    assert "0181R012" in children and {"0181C1030", "0181C1050", "0181C1060"} <= set(children)
    by_deso = queries.category_counts(con, start, end, None, children)["count"].sum()
    assert 0 < hovsjo == by_deso < whole


def test_weekday_hour_blocks_cover_the_located_events(store_env):
    con = store.connect(store_env["PAX_STORE"])
    start, end = DEMO_END - dt.timedelta(days=364), DEMO_END
    grid = queries.weekday_hour_counts(con, start, end, None, block_hours=3)
    assert set(grid["weekday"]) <= set(range(1, 8))
    assert set(grid["hour"]) <= set(range(0, 24, 3))
    assert grid["count"].sum() == queries.category_counts(con, start, end, None)["count"].sum()


def test_baseline_rates_are_events_per_day_and_km2(store_env):
    con = store.connect(store_env["PAX_STORE"])
    start, end = DEMO_END - dt.timedelta(days=364), DEMO_END
    rates = queries.deso_category_rates(con, start, end)
    areas = queries.areas(con, "deso").set_index("code")["area_km2"]
    implied = (rates["rate"] * 365 * rates["area_code"].map(areas)).sum()
    assert implied == pytest.approx(queries.category_counts(con, start, end, None)["count"].sum())


def _count_queries(con, end):
    """Every count over whole days the pages ask, by level, category, area and window."""
    start = end - dt.timedelta(days=364)
    some = ["shooting", "car_fire"]
    regso = queries.areas(con, "regso")["code"].tolist()[:3]
    frames = {
        f"event_counts {level} {cats}": queries.event_counts(con, start, end, level, cats)
        for level in ("deso", "regso", "kommun")
        for cats in (None, some)
    }
    frames["category_counts"] = queries.category_counts(con, start, end, None)
    frames["category_counts areas"] = queries.category_counts(con, start, end, some, regso)
    frames["monthly_counts"] = queries.monthly_counts(
        con, end - dt.timedelta(days=5 * 365), end, None
    )
    frames["monthly_counts areas"] = queries.monthly_counts(con, start, end, None, regso)
    frames["rates"] = queries.deso_category_rates(con, start, end)
    return {
        name: frame.sort_values(list(frame.columns[:-1])).reset_index(drop=True)
        for name, frame in frames.items()
    }


def _equal_by_events(con, end, monkeypatch, few: bool = False) -> None:
    by_days = _count_queries(con, end)
    in_areas = queries.events_in_areas(con)
    monkeypatch.setattr(queries, "_daily", lambda con: False)
    by_events = _count_queries(con, end)
    assert queries.events_in_areas(con) == in_areas
    monkeypatch.undo()
    # The sources noted with the sums are the events' own (no page scans the events).
    scanned = con.execute("SELECT DISTINCT source_id FROM events ORDER BY 1").fetchall()
    assert queries.register_sources(con, "events") == [r[0] for r in scanned] != []
    for name, frame in by_days.items():
        assert few or not frame.empty, name
        pd.testing.assert_frame_equal(frame, by_events[name], check_dtype=False, obj=name)


def test_counts_by_day_equal_counts_of_the_events(store_env, monkeypatch):
    """The pre-summed `event_days` gives every count and cell key the events give, for
    every level, category and area filter and window the pages use."""
    con = store.connect(store_env["PAX_STORE"])
    assert queries._daily(con)
    assert con.execute("SELECT count(*) FROM event_days").fetchone()[0] > 0
    _equal_by_events(con, DEMO_END, monkeypatch)


def test_counts_by_day_follow_an_import_and_the_secret(import_env, monkeypatch, tmp_path):
    """An import of events refreshes `event_days` (the figures still equal the events'),
    and a store summed under another secret is read from the events."""
    from pax.ingest.run import Options, import_file

    csv = tmp_path / "handelser.csv"
    csv.write_text(
        "datum,kategori,lat,lon\n"
        "2026-05-03 21:10,skottlossning,59.1955,17.6253\n"
        "2026-05-04 01:20,skottlossning,59.1960,17.6260\n"
        "2026-06-01 12:00,bilbrand,59.17,17.65\n",
        encoding="utf-8",
    )
    report = import_file(
        csv, Options(), store_path=import_env["store"], data_dir=import_env["data"]
    )
    assert report.imported == 3, report.errors
    con = store.connect(import_env["store"])
    assert con.execute("SELECT sum(n) FROM event_days").fetchone()[0] == 3
    _equal_by_events(con, dt.date(2026, 6, 30), monkeypatch, few=True)
    monkeypatch.setenv("PAX_CELL_KEY_SECRET", "another-secret")
    assert not queries._daily(con)
