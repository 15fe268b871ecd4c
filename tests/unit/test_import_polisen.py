"""Polisen's events API: one or several responses saved back to back, read into events."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd
import pytest

from pax import catalog
from pax.ingest import polisen
from pax.ingest.core import ImportRefused, Options
from tests.conftest import ROOT, build_live_store

SECRET = "En man i 30-årsåldern greps på Storgatan 12"  # summary text that must never be kept


def _ctx() -> SimpleNamespace:
    cats = catalog.load_categories(ROOT / "data")
    types = {}
    for cid, ptypes in zip(cats["id"], cats["polisen_types"]):
        for ptype in str(ptypes or "").split(";"):
            if ptype.strip():
                types[ptype.strip()] = cid
    return SimpleNamespace(polisen_types=types, category_ids=set(cats["id"]))


def event(
    event_id=1,
    name="06 juni 18.50, Skottlossning, Södertälje",
    published="2025-06-07 7:32:06 +02:00",
    ptype="Skottlossning",
    location="Södertälje",
    **extra,
) -> dict:
    obj = {
        "id": event_id,
        "datetime": published,
        "name": name,
        "summary": SECRET,
        "url": f"/aktuellt/handelser/2025/juni/7/{event_id}/",
        "type": ptype,
        "location": {"name": location, "gps": "59.195363,17.625689"},
    }
    obj.update(extra)
    return obj


def write(tmp_path, *responses, sep="\n", name="handelser.json"):
    path = tmp_path / name
    path.write_text(sep.join(json.dumps(r, ensure_ascii=False) for r in responses), "utf-8")
    return path


def read(path):
    return polisen.read(path, Options(), _ctx())


def test_hour_without_zero_padding_and_event_time_from_the_title(tmp_path):
    path = write(
        tmp_path,
        [
            event(1, "07 juni 6.05, Skottlossning, Södertälje", "2025-06-07 7:32:06 +02:00"),
            event(2, "6 Jun 18.50, Brand, Södertälje", "2025-06-07 0:01:00 +02:00", ptype="Brand"),
        ],
    )
    parsed = read(path)
    assert parsed.kind == "events" and parsed.format == "polisen"
    assert parsed.rows_read == 2 and not parsed.rejects
    got = dict(zip(parsed.frame["id"], parsed.frame["occurred_at"]))
    assert got == {
        "polisen-1": pd.Timestamp("2025-06-07 06:05"),
        "polisen-2": pd.Timestamp("2025-06-06 18:50"),
    }
    assert parsed.frame["occurred_at"].dt.tz is None


def test_publication_time_parses_with_or_without_padding_and_converts_to_local():
    assert polisen.parse_published("2025-06-07 7:32:06 +02:00") == pd.Timestamp(
        "2025-06-07 07:32:06"
    )
    assert polisen.parse_published("2025-01-07 05:00:00 +00:00") == pd.Timestamp(
        "2025-01-07 06:00:00"
    )
    assert polisen.parse_published("igår") is None


def test_year_is_inferred_across_new_year(tmp_path):
    path = write(
        tmp_path,
        [
            event(1, "31 december 23.40, Skottlossning, Södertälje", "2026-01-01 0:15:00 +01:00"),
            event(2, "01 januari 00.05, Skottlossning, Södertälje", "2026-01-01 1:15:00 +01:00"),
            # Published a little before local midnight, about an event just after it.
            event(3, "1 jan 00.10, Skottlossning, Södertälje", "2025-12-31 23:55:00 +01:00"),
        ],
    )
    got = dict(zip(read(path).frame["id"], read(path).frame["occurred_at"]))
    assert got["polisen-1"] == pd.Timestamp("2025-12-31 23:40")
    assert got["polisen-2"] == pd.Timestamp("2026-01-01 00:05")
    assert got["polisen-3"] == pd.Timestamp("2026-01-01 00:10")


def test_title_without_time_or_date(tmp_path):
    path = write(
        tmp_path,
        [
            event(1, "05 juni, Skottlossning, Södertälje"),
            event(2, "Skottlossning, Södertälje", "2025-06-07 7:32:06 +02:00"),
        ],
    )
    parsed = read(path)
    got = dict(zip(parsed.frame["id"], parsed.frame["occurred_at"]))
    assert got == {
        "polisen-1": pd.Timestamp("2025-06-05 00:00"),
        "polisen-2": pd.Timestamp("2025-06-07 07:32:06"),
    }
    assert any("saknade klockslag" in n for n in parsed.notes)
    assert any("publiceringstiden användes" in n for n in parsed.notes)


def test_other_municipalities_are_skipped_not_rejected(tmp_path):
    path = write(
        tmp_path,
        [
            event(1),
            event(2, "06 juni 18.50, Skottlossning, Botkyrka", location="Stockholms län"),
            event(3, "06 juni 18.50, Sammanfattning natt, Stockholms län", ptype="Sammanfattning"),
            # Since 2026 location.name is the county: the title decides.
            event(4, "06 juni 19.00, Skottlossning, SÖDERTALJE kommun", location="Stockholms län"),
        ],
    )
    parsed = read(path)
    assert parsed.rows_read == 4
    assert parsed.skipped == 2 and parsed.rejects == []
    assert parsed.skipped_reason.startswith("2 händelser gällde andra kommuner")
    assert list(parsed.frame["id"]) == ["polisen-1", "polisen-4"]
    assert "polisen_sammanfattning" not in {c["id"] for c in parsed.new_categories}


def test_types_map_to_categories_and_unmapped_types_keep_their_label(tmp_path):
    path = write(
        tmp_path,
        [
            event(1, ptype="Skottlossning"),
            event(2, ptype="Skottlossning, misstänkt"),
            event(3, ptype="Detonation"),
            event(4, ptype="Explosion"),
            event(5, ptype="Narkotikabrott"),
            event(6, ptype="Narkotikabrott"),
            event(7, ptype="Brand"),
        ],
    )
    parsed = read(path)
    assert list(parsed.frame["category"]) == [
        "shooting",
        "shooting",
        "explosion",
        "explosion",
        "polisen_narkotikabrott",
        "polisen_narkotikabrott",
        "polisen_brand",
    ]
    assert parsed.new_categories == [
        {
            "id": "polisen_narkotikabrott",
            "label_sv": "Narkotikabrott",
            "label_en": "Narkotikabrott",
            "origin": "polisen",
        },
        {"id": "polisen_brand", "label_sv": "Brand", "label_en": "Brand", "origin": "polisen"},
    ]
    note = next(n for n in parsed.notes if "utan Pax-kategori" in n)
    assert "Narkotikabrott" in note and "Brand" in note


def test_duplicate_ids_across_concatenated_responses(tmp_path):
    first = [event(1), event(2)]
    second = [event(2, name="06 juni 18.55, Skottlossning, Södertälje"), event(3)]
    for sep in ("", "\n", " \r\n\t"):
        parsed = read(write(tmp_path, first, second, sep=sep))
        assert parsed.rows_read == 4
        assert list(parsed.frame["id"]) == ["polisen-1", "polisen-2", "polisen-3"]
        assert list(parsed.frame["row"]) == [1, 2, 4]
        # the first copy wins
        assert parsed.frame["occurred_at"].iloc[1] == pd.Timestamp("2025-06-06 18:50")


def test_malformed_objects_are_rejected_with_a_reason(tmp_path):
    path = write(
        tmp_path,
        [
            event(1),
            {k: v for k, v in event(2).items() if k != "id"},
            event("abc"),
            event(4, name="06 jumi 18.50, Skottlossning, Södertälje"),
            event(5, name="31 juni 18.50, Skottlossning, Södertälje"),
            event(6, published="den sjunde juni"),
            event(7, ptype=""),
            event(8, name="Skottlossning i Södertälje"),
            "inte ett objekt",
        ],
    )
    parsed = read(path)
    assert parsed.rows_read == 9 and list(parsed.frame["id"]) == ["polisen-1"]
    by_row = {r.row: r for r in parsed.rejects}
    assert sorted(by_row) == [2, 3, 4, 5, 6, 7, 8, 9]
    assert by_row[2].column == "id" and "id saknas" in by_row[2].reason
    assert by_row[3].value == "abc"
    assert by_row[4].column == "name" and "okänd månad" in by_row[4].reason
    assert "finns inte" in by_row[5].reason
    assert by_row[6].column == "datetime" and "publiceringstiden" in by_row[6].reason
    assert by_row[7].column == "type" and "saknas" in by_row[7].reason
    assert by_row[8].column == "name"
    assert "inte ett JSON-objekt" in by_row[9].reason
    for reject in parsed.rejects:
        assert SECRET not in reject.value


def test_frame_is_canonical_and_never_holds_the_summary_or_a_position(tmp_path):
    parsed = read(write(tmp_path, [event(1), event(2, url="https://polisen.se/a/b/?q=1")]))
    frame = parsed.frame
    assert {
        "id",
        "occurred_at",
        "category",
        "lat",
        "lon",
        "area_code",
        "precision",
        "n",
        "source_ref",
        "row",
    } == set(frame.columns)
    assert frame["lat"].isna().all() and frame["lon"].isna().all()
    assert set(frame["precision"]) == {"municipality"} and set(frame["area_code"]) == {"0181"}
    assert list(frame["n"]) == [1, 1]
    assert list(frame["source_ref"]) == ["/aktuellt/handelser/2025/juni/7/1/", "/a/b/"]
    text = frame.astype(str).to_csv() + json.dumps(parsed.notes + [parsed.source], default=str)
    assert SECRET not in text and "summary" not in text
    assert parsed.source["id"] == "polisen_handelser"
    assert parsed.source["period"] == "2025-06-06 – 2025-06-06"


def test_looks_like(tmp_path):
    one = write(tmp_path, [event(1)], name="one.json")
    two = write(tmp_path, [event(1)], [event(2)], sep="", name="two.json")
    assert polisen.looks_like(one) and polisen.looks_like(two)
    kolada = write(tmp_path, {"values": [], "count": 0}, name="kolada.json")
    other = write(tmp_path, [{"a": 1}], [{"b": 2}], name="other.json")
    broken = tmp_path / "broken.json"
    broken.write_text('[{"id": 1}] trailing', encoding="utf-8")
    empty = write(tmp_path, [], [], name="empty.json")
    csv = tmp_path / "x.csv"
    csv.write_text("datum;kategori\n2025-01-01;Skottlossning\n", encoding="utf-8")
    for path in (kolada, other, broken, empty, csv, tmp_path / "missing.json"):
        assert not polisen.looks_like(path), path.name


def test_json_that_is_not_polisen_is_refused_with_one_sentence(tmp_path):
    path = write(tmp_path, {"values": [], "count": 0}, name="kolada.json")
    with pytest.raises(ImportRefused, match="kolada.json ser inte ut som svar från Polisens"):
        read(path)
    broken = tmp_path / "broken.json"
    broken.write_text("[{", encoding="utf-8")
    with pytest.raises(ImportRefused, match="broken.json är inte giltig JSON"):
        read(broken)


def test_end_to_end_through_the_orchestrator(tmp_path):
    from pax.ingest.run import import_file

    store_path = build_live_store(tmp_path)
    data_dir = tmp_path / "data"
    first = [
        event(1),
        event(2, "07 juni 2.15, Narkotikabrott, Södertälje", ptype="Narkotikabrott"),
        event(3, "07 juni 3.00, Brand, Nykvarn"),
        {k: v for k, v in event(4).items() if k != "type"},
    ]
    second = [event(2, "07 juni 2.15, Narkotikabrott, Södertälje", ptype="Narkotikabrott")]
    path = write(tmp_path, first, second, sep="", name="polisen_juni.json")

    report = import_file(path, Options(), store_path=store_path, data_dir=data_dir)
    assert report.format == "polisen" and report.kind == "events"
    assert (report.rows_read, report.imported, report.rejected) == (5, 2, 1)
    assert (report.duplicates, report.skipped) == (1, 1)
    assert report.balanced() and report.exit_code == 3
    assert (data_dir / "sources" / path.name).exists()

    import duckdb

    with duckdb.connect(str(store_path), read_only=True) as con:
        rows = con.execute(
            "SELECT id, category, precision, lat, source_ref FROM events "
            "WHERE id LIKE 'polisen-%' ORDER BY id"
        ).fetchall()
        label = con.execute(
            "SELECT label_sv FROM categories WHERE id = 'polisen_narkotikabrott'"
        ).fetchall()
    assert [r[:4] for r in rows] == [
        ("polisen-1", "shooting", "municipality", None),
        ("polisen-2", "polisen_narkotikabrott", "municipality", None),
    ]
    assert label == [("Narkotikabrott",)]

    again = import_file(path, Options(), store_path=store_path, data_dir=data_dir)
    assert again.imported == 0 and again.duplicates == 3
    assert again.balanced() and again.exit_code == 3

    clean = write(tmp_path, [event(1), event(9)], name="polisen_ren.json")
    report = import_file(clean, Options(), store_path=store_path, data_dir=data_dir)
    assert (report.imported, report.duplicates, report.exit_code) == (1, 1, 0)
    assert report.balanced()
