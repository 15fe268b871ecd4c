"""Imports that recognise real files: area codes found by their values, the police's offence
extracts without options, SCB PxWeb v1 plain JSON, and Kolada metadata lists refused."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pax import store
from pax.ingest import pxweb
from pax.ingest.core import Context, ImportRefused, Options
from pax.ingest.run import detect_format, import_file
from tests.conftest import ROOT

# The police's offence extract as delivered: semicolon CSV, the registration date beside the
# offence date, the offence as a code and its text, a count, municipality and county, and
# the DeSO under a header no alias knows. The codes and texts are illustrative (BRÅ's code
# list has longer texts); the DeSO codes are Södertälje's (geo/sodertalje_deso_2018.geojson).
POLICE_HEADER = (
    "Brottsdatum;Inskrivningsdatum;Brottskod;Brottskod.klartext;Antal;Kommun;Län;DeSO.område"
)
POLICE_LINES = [
    POLICE_HEADER,
    # row 2: an explosion in Hovsjö
    "2025-03-05;2025-03-06;1313;Allmänfarlig ödeläggelse genom sprängning;1;Södertälje;"
    "Stockholms län;0181C1050",
    # row 3: a shooting with two counted offences in Ronna
    "2025-03-09 21:40;2025-03-10;9391;Skottlossning;2;Södertälje;Stockholms län;0181C1270",
    # row 4: a car fire in Saltskog
    "2025-04-01;2025-04-03;1211;Skadegörelse genom brand, bilbrand;1;Södertälje;"
    "Stockholms län;0181C1080",
    # row 5: an offence that is no Pax category: rejected with the reason
    "2025-04-02;2025-04-02;0893;Stöld ur eller från motorfordon;1;Södertälje;"
    "Stockholms län;0181C1080",
    # row 6: no DeSO: placed on the municipality
    "2025-04-04;2025-04-05;1313;Allmänfarlig ödeläggelse genom sprängning;1;Södertälje;"
    "Stockholms län;",
    # rows 7-9: other municipalities (by Kommun, by the DeSO's prefix, by Län): skipped
    "2025-03-05;2025-03-06;1313;Allmänfarlig ödeläggelse genom sprängning;1;Botkyrka;"
    "Stockholms län;0127C1130",
    "2025-03-07;2025-03-08;9391;Skottlossning;1;;Stockholms län;0140C1010",
    "2025-03-07;2025-03-08;9391;Skottlossning;1;;Södermanlands län;",
]


@pytest.fixture
def env(import_env):
    return import_env


@pytest.fixture(scope="module")
def ctx():
    return Context.load(ROOT / "data")


def run(env, file: Path, **opts):
    return import_file(file, Options(**opts), store_path=env["store"], data_dir=env["data"])


def write(tmp_path: Path, name: str, lines: list[str], encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_json(tmp_path: Path, name: str, data) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def events_of(env) -> pd.DataFrame:
    con = store.connect(env["store"])
    return con.execute(
        "SELECT occurred_at, category, area_code, precision, n, lat, source_ref FROM events "
        "WHERE source_id LIKE 'import_%' ORDER BY occurred_at, area_code"
    ).df()


# --- The police's offence extract ---------------------------------------------------------


def test_police_offence_extract_imports_by_deso_with_no_options(env, tmp_path):
    path = write(tmp_path, "brott_utdrag.csv", POLICE_LINES, encoding="cp1252")
    report = run(env, path)
    assert (report.format, report.kind) == ("csv", "events")
    assert (report.rows_read, report.imported, report.rejected, report.skipped) == (8, 4, 1, 3)
    assert report.balanced() and report.exit_code == 3

    stored = events_of(env)
    assert stored["occurred_at"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2025-03-05 00:00",
        "2025-03-09 21:40",
        "2025-04-01 00:00",
        "2025-04-04 00:00",
    ]
    assert stored["category"].tolist() == ["explosion", "shooting", "car_fire", "explosion"]
    assert stored["area_code"].tolist() == ["0181C1050", "0181C1270", "0181C1080", "0181"]
    assert stored["precision"].tolist() == ["area", "area", "area", "municipality"]
    assert stored["n"].tolist() == [1, 2, 1, 1]
    assert stored["lat"].isna().all()  # a DeSO is no point
    assert stored["source_ref"].isna().all()  # the offence text is not kept

    notes = " ".join(report.notes)
    assert "Kolumnen 'DeSO.område' innehåller DeSO-koder och används som område" in notes
    assert "'Inskrivningsdatum' är registreringsdatum och lästes inte" in notes
    assert "Brottskod och Brottskod.klartext" in notes and "lagras inte" in notes
    assert "'1313 Allmänfarlig ödeläggelse genom sprängning' → explosion" in notes
    assert "Windows-1252" in notes and "semikolon" in notes
    assert "3 rader gällde andra kommuner eller län" in notes
    assert "Botkyrka" in notes and "Södermanlands län" in notes and "0140C1010" in notes

    (error,) = report.errors
    assert (error["row"], error["column"]) == (5, "Brottskod.klartext")
    assert error["value"] == "0893 Stöld ur eller från motorfordon"
    assert "hör inte till någon kategori" in error["reason"]
    assert "event_categories.csv" in error["reason"]

    again = run(env, path)
    assert (again.imported, again.duplicates, again.skipped) == (0, 4, 3) and again.balanced()


def test_an_offence_code_added_as_an_alias_chooses_the_category(env, tmp_path):
    # The municipality counts offence 0302 (attempted murder with a firearm) as a shooting
    # by adding the code to the aliases of its own category file.
    categories = (ROOT / "data" / "event_categories.csv").read_text(encoding="utf-8")
    categories = categories.replace("skottlossning;skjutning;", "skottlossning;skjutning;0302;")
    target = env["data"] / "event_categories.csv"
    target.unlink()
    target.write_text(categories, encoding="utf-8")
    path = write(
        tmp_path,
        "brott_0302.csv",
        [
            POLICE_HEADER,
            "2025-05-01;2025-05-02;0302;Försök till mord eller dråp med användning av "
            "skjutvapen;1;0181;01;0181C1010",
            "2025-05-02;2025-05-02;1211;Sprängning och bilbrand;1;0181 Södertälje;"
            "01 Stockholms län;0181C1010",
        ],
    )
    report = run(env, path)
    assert (report.imported, report.rejected, report.skipped) == (1, 1, 0)
    assert events_of(env)["category"].tolist() == ["shooting"]
    assert "flera kategorier (car_fire, explosion)" in report.errors[0]["reason"]


def test_car_fires_are_recognised_by_words_in_any_order(env, tmp_path):
    # Aliases such as `brand+motorfordon` in data/event_categories.csv: every word present.
    path = write(
        tmp_path,
        "bilbrander.csv",
        [
            POLICE_HEADER,
            "2025-06-01;2025-06-02;1207;Skadegörelse genom brand, motorfordon;1;Södertälje;"
            "Stockholms län;0181C1080",
            "2025-06-03;2025-06-03;1301;Mordbrand (bil);1;Södertälje;Stockholms län;0181C1050",
            "2025-06-04;2025-06-04;0893;Stöld ur eller från motorfordon;1;Södertälje;"
            "Stockholms län;0181C1050",
            "2025-06-05;2025-06-05;1209;Skadegörelse genom brand, byggnad;1;Södertälje;"
            "Stockholms län;0181C1050",
        ],
    )
    report = run(env, path)
    assert (report.imported, report.rejected) == (2, 2)
    assert events_of(env)["category"].tolist() == ["car_fire", "car_fire"]
    assert [e["row"] for e in report.errors] == [4, 5]


def test_a_file_only_about_other_municipalities_imports_nothing(env, tmp_path):
    before = env["store"].read_bytes()
    path = write(tmp_path, "botkyrka.csv", [POLICE_HEADER, POLICE_LINES[6]])
    with pytest.raises(ImportRefused, match="bara andra kommuner"):
        run(env, path)
    assert env["store"].read_bytes() == before


# --- Area codes recognised by their values ------------------------------------------------


def test_a_column_of_deso_codes_is_the_area_whatever_its_header(env, tmp_path):
    path = write(
        tmp_path,
        "koder.csv",
        [
            "datum;kategori;Område;Kod",
            "2025-03-05;Bilbrand;Hovsjö;0181C1050",
            "2025-03-06;Bilbrand;Saltskog;0181C1080 Saltskog",  # a code with the area's name
            "2025-03-07;Bilbrand;Hovsjö;",  # no code: not placed by the displaced names
        ],
    )
    report = run(env, path)
    assert (report.imported, report.rejected) == (2, 1)
    assert events_of(env)["area_code"].tolist() == ["0181C1050", "0181C1080"]
    notes = " ".join(report.notes)
    assert "Kolumnen 'Kod' innehåller DeSO-koder och används som område" in notes
    assert "Kolumnen 'Område' lästes inte: området tas från koderna i 'Kod'" in notes
    assert "saknar plats" in report.errors[0]["reason"]


def test_map_of_another_area_column_wins_over_the_codes(env, tmp_path):
    path = write(
        tmp_path,
        "karta.csv",
        ["datum;kategori;Namn;Kod", "2025-03-05;Bilbrand;Hovsjö;0181C1080"],
    )
    report = run(env, path, mapping={"area_code": "Namn"})
    assert report.imported == 1
    assert events_of(env)["area_code"].tolist() == ["0181R012"]
    assert not any("DeSO-koder" in n for n in report.notes)
    assert any("Okända kolumner" in n and "Kod" in n for n in report.notes)


def test_regso_codes_are_scbs_codes_with_or_without_the_name(env, tmp_path):
    path = write(
        tmp_path,
        "regso.csv",
        [
            "datum;kategori;RegSO.område",
            "2025-03-05;Bilbrand;0181R012 Hovsjö",
            "2025-03-06;Bilbrand;0181r012",
            "2025-03-08;Bilbrand;0181R099",
            "2025-03-09;Bilbrand;0127R005",
        ],
    )
    report = run(env, path)
    assert (report.imported, report.rejected, report.skipped) == (2, 1, 1)
    assert events_of(env)["area_code"].tolist() == ["0181R012"] * 2
    assert any("'RegSO.område' innehåller RegSO-koder" in n for n in report.notes)
    assert "RegSO-koden '0181R099' finns inte i geografin" in report.errors[0]["reason"]


def test_measures_by_deso_code_under_an_unknown_header(env, tmp_path):
    path = write(
        tmp_path,
        "enkat.csv",
        [
            "indikator;DeSO.område;period;värde",
            "trust_police;0181C1050;2025;61,5",
            "trust_police;0180C1010;2025;70",
        ],
    )
    report = run(env, path)
    assert (report.kind, report.imported, report.skipped, report.rejected) == (
        "measures",
        1,
        1,
        0,
    )
    con = store.connect(env["store"])
    assert con.execute(
        "SELECT area_code, value FROM measures WHERE indicator = 'trust_police' "
        "AND source_id LIKE 'import_%'"
    ).fetchall() == [("0181C1050", 61.5)]


# --- SCB PxWeb v1 plain JSON --------------------------------------------------------------

REGIONS = ["0181C1050", "0181C1270", "0180C1010"]
SEXES = {"1+2": "totalt", "1": "män", "2": "kvinnor"}
LABEL = "Folkmängden per region efter kön. År 2024"


def population(region: str, sex: str) -> int:
    return 1000 * (REGIONS.index(region) + 1) + 10 * len(sex) + (sex == "2")


def pxweb_v1(missing=("0181C1270", "2")) -> dict:
    data = []
    for region in REGIONS:
        for sex in SEXES:
            value = ".." if (region, sex) == missing else str(population(region, sex))
            data.append({"key": [region, sex, "2024"], "values": [value]})
    return {
        "columns": [
            {"code": "Region", "text": "region", "type": "d"},
            {"code": "Kon", "text": "kön", "type": "d"},
            {"code": "Tid", "text": "år", "type": "t"},
            {"code": "000005FF", "text": "Folkmängd", "type": "c"},
        ],
        "comments": [],
        "data": data,
        "metadata": [
            {
                "infofile": "BE0101",
                "updated": "2025-02-21T07:00:00Z",
                "label": LABEL,
                "source": "Statistiska centralbyrån (SCB)",
            }
        ],
    }


def jsonstat_equivalent() -> dict:
    values, status = [], {}
    for region in REGIONS:
        for sex in SEXES:
            if (region, sex) == ("0181C1270", "2"):
                status[str(len(values))] = ".."
                values.append(None)
            else:
                values.append(population(region, sex))
    return {
        "class": "dataset",
        "version": "2.0",
        "label": LABEL,
        "updated": "2025-02-21T07:00:00Z",
        "id": ["Region", "Kon", "Tid", "ContentsCode"],
        "size": [3, 3, 1, 1],
        "role": {"time": ["Tid"], "geo": ["Region"], "metric": ["ContentsCode"]},
        "dimension": {
            "Region": {"label": "region", "category": {"index": REGIONS}},
            "Kon": {"label": "kön", "category": {"index": list(SEXES), "label": SEXES}},
            "Tid": {"label": "år", "category": {"index": ["2024"]}},
            "ContentsCode": {
                "label": "tabellinnehåll",
                "category": {"index": ["000005FF"], "label": {"000005FF": "Folkmängd"}},
            },
        },
        "value": values,
        "status": status,
    }


def test_pxweb_v1_reads_like_json_stat(tmp_path, ctx):
    v1 = pxweb.read(write_json(tmp_path, "v1.json", pxweb_v1()), Options(), ctx)
    stat = pxweb.read(write_json(tmp_path, "stat.json", jsonstat_equivalent()), Options(), ctx)
    for parsed in (v1, stat):
        # 3 regions × 3 sexes; Stockholm's DeSO skipped; one ".." rejected.
        assert (parsed.rows_read, len(parsed.frame), len(parsed.rejects), parsed.skipped) == (
            9,
            5,
            1,
            3,
        )
        assert [r.reason for r in parsed.rejects] == ["värde saknas (status '..')"]
        assert "0180C1010" in parsed.skipped_reason
    pd.testing.assert_frame_equal(v1.frame, stat.frame)
    assert [(r.row, r.column, r.value) for r in v1.rejects] == [(6, "value", "")]
    assert set(v1.frame["breakdown"]) == {"", "kön: män", "kön: kvinnor"}
    assert set(v1.frame["indicator"]) == {"population"}
    assert any("000005FF 'Folkmängd' → population" in n for n in v1.notes)
    assert any("v1-format" in n for n in v1.notes)
    assert v1.source["title"] == LABEL and v1.source["updated"] == "2025-02-21"


def test_pxweb_v1_several_contents_and_unmapped_contents(tmp_path, ctx):
    data = {
        "columns": [
            {"code": "Region", "text": "region", "type": "d"},
            {"code": "ContentsCode", "text": "tabellinnehåll", "type": "d"},
            {"code": "Tid", "text": "år", "type": "t"},
            {"code": "BE0101N1", "text": "Folkmängd", "type": "c"},
            {"code": "BE0101N2", "text": "Folkökning", "type": "c"},
        ],
        "data": [
            {"key": ["0181", "x", "2023"], "values": ["101000", "1200"]},
            {"key": ["00", "x", "2023"], "values": ["10551707", "-"]},
        ],
        "metadata": [{"label": "Folkmängden efter region och år", "updated": "2024-02-22"}],
    }
    # A stray "ContentsCode" dimension of type d is an ordinary one-category dimension here.
    parsed = pxweb.read(write_json(tmp_path, "n1.json", data), Options(), ctx)
    assert (parsed.rows_read, len(parsed.frame), len(parsed.rejects)) == (4, 2, 2)
    got = parsed.frame.set_index("area_code")["value"].to_dict()
    assert got == {"0181": 101000.0, "SE": 10551707.0}
    assert [r.row for r in parsed.rejects] == [2, 4]
    assert "BE0101N2" in parsed.rejects[0].reason and "--map" in parsed.rejects[0].reason


def test_pxweb_v1_broken_rows_are_refused(tmp_path, ctx):
    data = pxweb_v1()
    data["data"][3]["key"] = ["0181C1050", "1"]
    with pytest.raises(ImportRefused, match="data-rad 4 har 2 nycklar"):
        pxweb.read(write_json(tmp_path, "trasig.json", data), Options(), ctx)
    data = pxweb_v1()
    data["columns"] = [c for c in data["columns"] if c["type"] != "c"]
    with pytest.raises(ImportRefused, match="saknar tabellinnehåll"):
        pxweb.read(write_json(tmp_path, "utan.json", data), Options(), ctx)


def test_pxweb_v1_file_imports_end_to_end(env, tmp_path):
    path = write_json(tmp_path, "folkmangd_deso_v1.json", pxweb_v1())
    assert detect_format(path) == "pxweb"
    report = run(env, path)
    assert report.format == "pxweb" and "Format upptäckt: pxweb." in report.notes
    assert (report.rows_read, report.imported, report.rejected, report.skipped) == (9, 5, 1, 3)
    assert report.balanced() and report.exit_code == 3
    con = store.connect(env["store"])
    stored = con.execute(
        "SELECT area_code, value FROM measures WHERE source_id = 'scb_pxweb' "
        "AND indicator = 'population' AND period = '2024' AND breakdown = '' ORDER BY 1"
    ).fetchall()
    assert stored == [("0181C1050", 1030.0), ("0181C1270", 2030.0)]


# --- Kolada metadata lists ----------------------------------------------------------------

KOLADA_METADATA = {
    "v3_municipality.json": {
        "values": [
            {"id": "0181", "title": "Södertälje", "type": "K"},
            {"id": "0140", "title": "Nykvarn", "type": "K"},
        ],
        "count": 2,
        "next_url": None,
    },
    "v3_ou.json": {
        "values": [{"id": "V15E018100101", "municipality": "0181", "title": "Brunnsängskolan"}],
        "count": 1,
        "next_url": None,
        "previous_url": None,
    },
    "v2_kpi.json": {
        "count": 1,
        "values": [
            {
                "id": "N15505",
                "title": "Elever i åk. 9, meritvärde kommunala skolor, genomsnitt (17 ämnen)",
                "has_ou_data": True,
            }
        ],
    },
}


@pytest.mark.parametrize("name", list(KOLADA_METADATA))
def test_a_kolada_metadata_list_is_refused_in_one_sentence(env, tmp_path, name):
    before = env["store"].read_bytes()
    path = write_json(tmp_path, name, KOLADA_METADATA[name])
    assert detect_format(path) == "kolada"
    with pytest.raises(ImportRefused) as caught:
        run(env, path)
    message = str(caught.value)
    assert "namn" in message and "inga siffror" in message and "\n" not in message
    assert env["store"].read_bytes() == before


def test_a_kolada_data_answer_with_a_units_list_still_imports(env, tmp_path):
    data = {
        "values": [
            {
                "kpi": "N15505",
                "ou": "V15E018100101",
                "period": 2024,
                "values": [{"gender": "T", "count": 1, "status": "", "value": 212.5}],
            }
        ],
        "count": 1,
        "next_url": None,
        "units": [{"id": "V15E018100101", "title": "Brunnsängskolan"}],
    }
    report = run(env, write_json(tmp_path, "kolada_ou.json", data))
    assert (report.imported, report.rejected) == (1, 0)
    con = store.connect(env["store"])
    assert con.execute("SELECT id, title FROM units").fetchall() == [
        ("V15E018100101", "Brunnsängskolan")
    ]
