"""Municipal CSV/XLSX imports: every failure class gets its exit code, counts and reason,
and the store is never half-changed."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pyproj import Transformer

from pax import store
from pax.ingest.core import ImportRefused, Options
from pax.ingest.run import import_file
from tests.conftest import ROOT

# A point in Hovsjö and one in central Södertälje (WGS 84 lon, lat).
HOVSJO = (17.5795, 59.1680)
CENTRE = (17.6260, 59.1960)
HEADER = "datum;tid;kategori;område;antal;latitud;longitud"


@pytest.fixture
def env(import_env):
    return import_env


def run(env, file: Path, **opts):
    return import_file(file, Options(**opts), store_path=env["store"], data_dir=env["data"])


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def count_events(env, source="import_%"):
    con = store.connect(env["store"])
    return con.execute("SELECT count(*) FROM events WHERE source_id LIKE ?", [source]).fetchall()[
        0
    ][0]


def test_a_clean_swedish_excel_csv_imports_every_row(env, tmp_path):
    lat, lon = (f"{v:.4f}".replace(".", ",") for v in (HOVSJO[1], HOVSJO[0]))
    lines = [
        HEADER,
        f"2025-03-05;21.30;Skottlossning;;1;{lat};{lon}",
        "5 mars 2025;22.10;Bilbrand;Hovsjö;1;;",
        "2025-03-07;;Narkotikagömma;0181C1050;2;;",
        "2025-03-08;;Vapengömma;Södertälje;1;;",
    ]
    path = write(tmp_path, "händelser.csv", "\ufeff" + "\r\n".join(lines) + "\r\n")
    report = run(env, path)
    assert report.exit_code == 0, report.errors
    assert (report.rows_read, report.imported, report.rejected) == (4, 4, 0)
    assert report.balanced()
    con = store.connect(env["store"])
    rows = con.execute(
        "SELECT category, precision, area_code, n FROM events WHERE source_id "
        "LIKE 'import_%' ORDER BY occurred_at"
    ).df()
    assert rows["precision"].tolist() == ["exact", "area", "area", "municipality"]
    assert rows["area_code"].tolist()[1:] == ["0181R012", "0181C1050", "0181"]
    assert rows["n"].tolist() == [1, 1, 2, 1]
    assert any("UTF-8 med BOM" in n and "semikolon" in n for n in report.notes)


def test_windows_1252_keeps_swedish_letters(env, tmp_path):
    path = write(tmp_path, "ansi.csv", f"{HEADER}\n2025-03-05;;Bilbrand;Fornhöjden;1;;\n", "cp1252")
    report = run(env, path)
    assert report.imported == 1
    assert any("Windows-1252" in n for n in report.notes)


def test_comma_delimited_english_columns(env, tmp_path):
    path = write(
        tmp_path,
        "en.csv",
        f"occurred_at,category,lat,lon\n2025-01-02 10:00,car_fire,{CENTRE[1]},{CENTRE[0]}\n",
    )
    report = run(env, path)
    assert report.imported == 1 and any("komma" in n for n in report.notes)


@pytest.mark.parametrize("crs", ["EPSG:3006", "EPSG:3011", "EPSG:3021"])
def test_projected_coordinates_are_detected_and_placed(env, tmp_path, crs):
    e, n = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(*CENTRE)
    # Swedish convention: x is the northing, y the easting.
    path = write(tmp_path, "proj.csv", f"datum;kategori;x;y\n2025-01-02;Bilbrand;{n:.1f};{e:.1f}\n")
    report = run(env, path)
    assert report.imported == 1, report.errors
    assert any(crs in note for note in report.notes)
    con = store.connect(env["store"])
    lat, lon = con.execute(
        "SELECT lat, lon FROM events WHERE source_id LIKE 'import_%'"
    ).fetchall()[0]
    assert abs(lat - CENTRE[1]) < 1e-4 and abs(lon - CENTRE[0]) < 1e-4


def test_swapped_lat_lon_is_detected_and_reported(env, tmp_path):
    path = write(
        tmp_path,
        "swap.csv",
        f"datum;kategori;latitud;longitud\n2025-01-02;Bilbrand;{CENTRE[0]};{CENTRE[1]}\n",
    )
    report = run(env, path)
    assert report.imported == 1
    assert any("omkastade" in n for n in report.notes)


def test_every_bad_row_is_rejected_with_its_reason(env, tmp_path):
    lines = [
        HEADER,
        "2025-03-05;;Skottlossning;Hovsjö;1;;",  # good (row 2)
        "2031-01-01;;Skottlossning;Hovsjö;1;;",  # future
        "1999-12-31;;Skottlossning;Hovsjö;1;;",  # before 2000
        "32 mars 2025;;Skottlossning;Hovsjö;1;;",  # bad date
        "2025-03-08;;Okänd typ;Hovsjö;1;;",  # unknown category
        "2025-03-09;;Bilbrand;;1;59.5;18.5",  # outside the municipality
        "2025-03-09;;Bilbrand;Ingenstans;1;;",  # unknown area
        "2025-03-10;;Bilbrand;;1;;",  # no place at all
        "2025-03-10;;Bilbrand;Hovsjö;-2;;",  # bad count
        "2025-03-10;25.99;Bilbrand;Hovsjö;1;;",  # bad time
    ]
    path = write(tmp_path, "bad.csv", "\n".join(lines) + "\n")
    report = run(env, path)
    assert report.exit_code == 3
    assert (report.rows_read, report.imported, report.rejected) == (10, 1, 9)
    assert report.balanced()
    reasons = {e["row"]: e["reason"] for e in report.errors}
    assert "framtiden" in reasons[3]
    assert "före år 2000" in reasons[4]
    assert "går inte att tolka" in reasons[5]
    assert "okänd kategori" in reasons[6]
    assert "utanför kommunen" in reasons[7]
    assert "okänt område" in reasons[8]
    assert "saknar plats" in reasons[9]
    assert "minst 1" in reasons[10]
    assert "klockslaget" in reasons[11]
    quarantine = pd.read_csv(report.quarantine, sep=";", encoding="utf-8-sig")
    assert sorted(quarantine["row"]) == list(range(3, 12))


def test_reimporting_the_same_file_counts_duplicates(env, tmp_path):
    path = write(
        tmp_path,
        "twice.csv",
        f"{HEADER}\n2025-03-05;;Bilbrand;Hovsjö;1;;\n2025-03-05;;Bilbrand;Hovsjö;1;;\n",
    )
    first = run(env, path)
    second = run(env, path)
    assert (first.imported, first.duplicates) == (2, 0)  # two identical rows, two events
    assert (second.imported, second.duplicates, second.exit_code) == (0, 2, 0)
    assert count_events(env) == 2


def test_duplicate_ids_in_one_file_are_rejected(env, tmp_path):
    path = write(
        tmp_path,
        "ids.csv",
        "id;datum;kategori;område\nA1;2025-03-05;Bilbrand;Hovsjö\nA1;2025-03-06;Bilbrand;Hovsjö\n",
    )
    report = run(env, path)
    assert (report.imported, report.rejected) == (1, 1)
    assert "rad 2" in report.errors[0]["reason"]


def test_a_file_with_only_bad_rows_imports_nothing_and_leaves_the_store(env, tmp_path):
    before = env["store"].read_bytes()
    path = write(tmp_path, "allbad.csv", f"{HEADER}\n2031-01-01;;Skottlossning;Hovsjö;1;;\n")
    report = run(env, path)
    assert report.exit_code == 2 and report.imported == 0
    assert env["store"].read_bytes() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "tom"),
        ("binary.csv", bytes(range(256)) * 4, "binärfil"),
        ("page.csv", b"<!DOCTYPE html><html><body>Not found</body></html>", "HTML"),
        ("archive.csv", b"PK\x03\x04" + b"\x00" * 100, "zip"),
        ("nocols.csv", "färg;form\nröd;rund\n".encode(), "kunde inte avgöra"),
        ("headeronly.csv", f"{HEADER}\n".encode(), "inga rader"),
        ("fake.xlsx", b"datum;kategori\n", "inte en Excel-fil"),
    ],
)
def test_unreadable_files_get_one_clear_sentence(env, tmp_path, name, content, message):
    before = env["store"].read_bytes()
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportRefused, match=message):
        run(env, path)
    assert env["store"].read_bytes() == before


def test_unknown_columns_are_reported_and_map_and_category_options_work(env, tmp_path):
    path = write(tmp_path, "odd.csv", "Händelsedag;Plats;Kommentar\n2025-03-05;Hovsjö;hej\n")
    report = run(
        env,
        path,
        kind="events",
        category="car_fire",
        mapping={"area_code": "Plats", "occurred_at": "Händelsedag"},
    )
    assert report.imported == 1
    assert any("Kommentar" in n for n in report.notes)


def test_injection_strings_are_stored_as_text_and_neutralised_in_quarantine(env, tmp_path):
    evil = '=HYPERLINK("http://x")'
    path = write(
        tmp_path,
        "evil.csv",
        f"datum;kategori;område;referens\n"
        f"2025-03-05;Bilbrand;Hovsjö;{evil}\n2025-03-05;{evil};Hovsjö;x\n",
    )
    report = run(env, path)
    assert report.imported == 1 and report.rejected == 1
    con = store.connect(env["store"])
    assert (
        con.execute("SELECT source_ref FROM events WHERE source_id LIKE 'import_%'").fetchall()[0][
            0
        ]
        == evil
    )
    text = Path(report.quarantine).read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text


def test_measures_csv_with_decimal_comma(env, tmp_path):
    path = write(
        tmp_path,
        "underrattelser.csv",
        "indikator;område;period;värde;förvaltning\n"
        "intel_reports;Södertälje;2025-03;12;Socialtjänsten\n"
        "trust_police;Hovsjö;2025;61,5;\n"
        "trust_police;Hovsjö;2025;140;\n"
        "okand;Hovsjö;2025;1;\n",
    )
    report = run(env, path)
    assert (report.imported, report.rejected, report.duplicates) == (2, 1, 1)
    assert report.balanced()
    reasons = " ".join(e["reason"] for e in report.errors)
    assert "katalogen" in reasons


def test_xlsx_imports_like_csv(env, tmp_path):
    path = tmp_path / "logg.xlsx"
    pd.DataFrame(
        {
            "Datum": ["2025-03-05", "2025-03-06"],
            "Händelsetyp": ["Bilbrand", "Bilbrand"],
            "Område": ["Hovsjö", "Saltskog"],
        }
    ).to_excel(path, index=False)
    report = run(env, path)
    assert report.imported == 2 and report.format == "xlsx"


def test_interventions_csv(env, tmp_path):
    path = write(
        tmp_path,
        "insatser.csv",
        "insatstyp;område;startdatum;slutdatum;ansvarig\n"
        "Nattvandring;Hovsjö;2025-03-01;2025-03-31;Föreningen\n"
        "Trollkarl;Hovsjö;2025-03-01;;x\n"
        "Ordningsvakter;Saltskog;2025-04-01;2025-03-01;Kommunen\n",
    )
    report = run(env, path)
    assert (report.imported, report.rejected) == (1, 2)
    assert report.kind == "interventions"


def test_build_reproduces_imports_from_data_sources(env, tmp_path):
    path = write(tmp_path, "keep.csv", f"{HEADER}\n2025-03-05;;Bilbrand;Hovsjö;3;;\n")
    run(env, path)
    assert (env["data"] / "sources" / "keep.csv").exists()
    rebuilt = tmp_path / "rebuilt.duckdb"
    store.build(rebuilt, env["data"], progress=lambda m: None, mode="live")
    con = store.connect(rebuilt)
    total = con.execute("SELECT sum(n) FROM events WHERE source_id = 'import_keep'").fetchall()
    assert total[0][0] == 3


def test_cli_exit_codes_and_json(env, tmp_path):
    good = write(tmp_path, "ok.csv", f"{HEADER}\n2025-03-05;;Bilbrand;Hovsjö;1;;\n")
    bad = tmp_path / "bin.csv"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    cmd = [sys.executable, "-m", "pax", "import"]
    envvars = {
        "PAX_STORE": str(env["store"]),
        "PAX_DATA_DIR": str(env["data"]),
        "PATH": "/usr/bin:/bin",
    }
    ok = subprocess.run(
        [*cmd, str(good), "--json"], capture_output=True, text=True, cwd=ROOT, env=envvars
    )
    assert ok.returncode == 0, ok.stderr
    data = json.loads(ok.stdout)
    assert data["rows_read"] == data["imported"] + data["rejected"] + data["duplicates"]
    fail = subprocess.run([*cmd, str(bad)], capture_output=True, text=True, cwd=ROOT, env=envvars)
    assert fail.returncode == 2
    assert fail.stderr.count("\n") == 1 and "bin.csv" in fail.stderr
