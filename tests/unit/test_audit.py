"""The audit log (pax.audit): append-only SQLite beside the store, read by date."""

import datetime as dt

import pandas as pd
import pytest

from pax import audit


def test_entries_are_written_and_read_back_newest_first(tmp_path):
    file = tmp_path / "audit.sqlite3"
    first = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    audit.record(
        "export_csv", "compstat.csv", "anna@kommun.se", "analyst", 12, file=file, now=first
    )
    audit.record(
        "import",
        "/tmp/x/logg.csv",
        "cli:pax",
        "server",
        3,
        channel="cli",
        detail={"imported": 1, "rejected": 2},
        file=file,
        now=first + dt.timedelta(days=1),
    )
    log = audit.read(file=file)
    assert list(log.columns) == audit.COLUMNS
    assert list(log["action"]) == ["import", "export_csv"]
    assert list(log["what"]) == ["logg.csv", "compstat.csv"]  # a name, never a path
    assert list(log["rows"]) == [3, 12]
    assert log["at"].iloc[1] == dt.datetime(2026, 3, 1, 9, 30)
    assert '"rejected": 2' in log["detail"].iloc[0]


def test_reading_filters_by_date_both_ends_included(tmp_path):
    file = tmp_path / "audit.sqlite3"
    for day in (1, 2, 3):
        when = dt.datetime(2026, 3, day, 23, 59, tzinfo=dt.UTC)
        audit.record("briefing_pdf", f"b{day}.pdf", "anonym", "public", file=file, now=when)
    shown = audit.read(dt.date(2026, 3, 2), dt.date(2026, 3, 3), file=file)
    assert list(shown["what"]) == ["b3.pdf", "b2.pdf"]


def test_local_times_are_stored_as_utc(tmp_path):
    file = tmp_path / "audit.sqlite3"
    cest = dt.timezone(dt.timedelta(hours=2))
    audit.record(
        "export_xlsx",
        "a.xlsx",
        "anonym",
        "public",
        file=file,
        now=dt.datetime(2026, 6, 1, 1, 0, tzinfo=cest),
    )
    assert audit.read(file=file)["at"].iloc[0] == dt.datetime(2026, 5, 31, 23, 0)


def test_a_missing_log_reads_as_empty_and_an_unknown_action_is_refused(tmp_path):
    assert audit.read(file=tmp_path / "none.sqlite3").empty
    with pytest.raises(ValueError, match="okänd händelse"):
        audit.record("delete", "x", "anonym", "public", file=tmp_path / "a.sqlite3")


def test_the_log_lives_beside_the_store_unless_configured(tmp_path):
    store = tmp_path / "pax.duckdb"
    assert audit.path({"PAX_STORE": str(store)}) == tmp_path / "audit.sqlite3"
    other = tmp_path / "logg" / "granskning.sqlite3"
    assert audit.path({"PAX_STORE": str(store), "PAX_AUDIT": str(other)}) == other


def test_the_module_offers_no_way_to_change_or_delete_entries():
    names = {n for n in dir(audit) if not n.startswith("_")}
    assert not {n for n in names if any(w in n for w in ("delete", "update", "clear", "remove"))}


def test_a_command_line_import_is_logged_with_its_row_counts(import_env, monkeypatch, tmp_path):
    from pax.__main__ import main

    monkeypatch.setenv("PAX_STORE", str(import_env["store"]))
    monkeypatch.setenv("PAX_DATA_DIR", str(import_env["data"]))
    good = tmp_path / "logg.csv"
    good.write_text(
        "datum;kategori;område\n2025-03-05;Bilbrand;Hovsjö\n2031-01-01;Bilbrand;Hovsjö\n"
    )
    bad = tmp_path / "trasig.csv"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    assert main(["import", str(good)]) == 3  # one row rejected
    assert main(["import", str(bad)]) == 2
    log = audit.read(file=import_env["store"].with_name("audit.sqlite3"))
    assert list(log["what"]) == ["trasig.csv", "logg.csv"]
    assert set(log["channel"]) == {"cli"} and log["who"].str.startswith("cli").all()
    assert log["rows"].iloc[1] == 2 and '"imported": 1' in log["detail"].iloc[1]
    assert pd.isna(log["rows"].iloc[0]) and '"error"' in log["detail"].iloc[0]
