"""Official statistics imports: Kolada (v2/v3, unit data), SCB PxWeb JSON-stat 2.0 and BRÅ's
municipal CSV. Every fixture is built here; every test checks the counts and the reasons."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pandas as pd
import pytest

from pax import store
from pax.ingest import bra, kolada, pxweb
from pax.ingest.core import Context, ImportRefused, Options
from pax.ingest.run import detect_format, import_file
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def ctx():
    return Context.load(ROOT / "data")


@pytest.fixture
def env(import_env):
    return import_env


def run(env, file: Path, **opts):
    return import_file(file, Options(**opts), store_path=env["store"], data_dir=env["data"])


def write_json(tmp_path: Path, name: str, data) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def measures_of(env, source: str) -> pd.DataFrame:
    con = store.connect(env["store"])
    return con.execute(
        "SELECT indicator, area_code, period, value, breakdown FROM measures "
        "WHERE source_id = ? ORDER BY indicator, area_code, period, breakdown",
        [source],
    ).df()


def counts(parsed) -> tuple[int, int, int, int]:
    """rows read, measures, rejects, skipped."""
    return parsed.rows_read, len(parsed.frame), len(parsed.rejects), parsed.skipped


def reasons(parsed) -> list[str]:
    return [r.reason for r in parsed.rejects]


# --- Kolada -------------------------------------------------------------------------------


def cells(*triples):
    return [{"gender": g, "count": 1, "status": s, "value": v} for g, v, s in triples]


def kolada_v2(values, next_page=None):
    return {"values": values, "count": len(values), "next_page": next_page}


def kolada_v3(values):
    return {"values": values, "count": len(values), "next_url": None, "previous_url": None}


def test_kolada_v2_keeps_the_total_and_splits_sex_into_breakdowns(tmp_path, ctx):
    data = kolada_v2(
        [
            {
                "kpi": "N15505",
                "municipality": "0181",
                "period": 2023,
                "values": cells(("T", 201.5, ""), ("K", 212.0, ""), ("M", 191.25, "")),
            },
            {
                "kpi": "N15505",
                "municipality": "0180",
                "period": 2023,
                "values": cells(("T", 230.0, "")),
            },
        ],
        next_page="http://api.kolada.se/v2/data/kpi/N15505/year/2023?page=2",
    )
    parsed = kolada.read(write_json(tmp_path, "k.json", data), Options(), ctx)
    assert counts(parsed) == (4, 3, 0, 1)
    frame = parsed.frame.set_index("breakdown")
    assert frame.loc["", "value"] == 201.5
    assert frame.loc["kön: K", "value"] == 212.0 and frame.loc["kön: M", "value"] == 191.25
    assert set(parsed.frame["indicator"]) == {"merit_value"}
    assert set(parsed.frame["area_code"]) == {"0181"} and set(parsed.frame["period"]) == {"2023"}
    assert "andra kommuner" in parsed.skipped_reason and "0180" in parsed.skipped_reason
    assert any("sida av flera" in n for n in parsed.notes)
    assert any("N15505 → merit_value" in n for n in parsed.notes)
    assert parsed.source["id"] == "kolada" and "CC BY 4.0" in parsed.source["licence"]


def test_kolada_v3_envelope_reads_string_periods_and_keeps_riket(tmp_path, ctx):
    data = kolada_v3(
        [
            {
                "kpi": "N15436",
                "municipality": "0181",
                "period": "2024",
                "values": cells(("T", 71.3, None)),
            },
            {
                "kpi": "N15436",
                "municipality": "0000",
                "period": "2024",
                "values": cells(("T", 84.9, None)),
            },
            {
                "kpi": "N15436",
                "municipality": "1480",
                "period": "2024",
                "values": cells(("T", 80.0, None)),
            },
        ]
    )
    parsed = kolada.read(write_json(tmp_path, "k3.json", data), Options(), ctx)
    assert counts(parsed) == (3, 2, 0, 1)
    got = dict(zip(parsed.frame["area_code"], parsed.frame["value"]))
    assert got == {"0181": 71.3, "SE": 84.9}
    assert set(parsed.frame["indicator"]) == {"eligible_upper_secondary"}
    assert list(parsed.frame.columns) == [
        "row",
        "indicator",
        "area_code",
        "period",
        "value",
        "numerator",
        "denominator",
        "breakdown",
    ]


def test_kolada_unit_data_is_kept_on_the_municipality_with_the_unit_as_breakdown(tmp_path, ctx):
    data = kolada_v2(
        [
            {
                "kpi": "N15505",
                "ou": "V15E018100101",
                "period": 2023,
                "values": cells(("T", 190.0, "")),
            },
            {
                "kpi": "N15505",
                "ou": "V15E018000201",
                "period": 2023,
                "values": cells(("T", 250.0, "")),
            },
            {
                "kpi": "N15505",
                "ou": "V15E018100202",
                "period": 2023,
                "values": cells(("T", 215.0, ""), ("K", None, "")),
            },
        ]
    )
    parsed = kolada.read(write_json(tmp_path, "ou.json", data), Options(), ctx)
    assert counts(parsed) == (4, 2, 1, 1)
    assert parsed.frame["breakdown"].tolist() == ["enhet: V15E018100101", "enhet: V15E018100202"]
    assert set(parsed.frame["area_code"]) == {"0181"}
    assert reasons(parsed) == ["värde saknas (status saknas)"]
    assert any("Enhetsdata (2 enheter)" in n for n in parsed.notes)


def test_kolada_null_value_is_rejected_with_its_status(tmp_path, ctx):
    data = kolada_v2(
        [
            {
                "kpi": "N15505",
                "municipality": "0181",
                "period": 2022,
                "values": cells(("T", None, "Missing"), ("K", 200.0, "")),
            }
        ]
    )
    parsed = kolada.read(write_json(tmp_path, "null.json", data), Options(), ctx)
    assert counts(parsed) == (2, 1, 1, 0)
    reject = parsed.rejects[0]
    assert (reject.row, reject.column) == (1, "value")
    assert reject.reason == "värde saknas (status 'Missing')"


def test_kolada_unmapped_kpi_is_rejected_naming_it_and_map_fixes_it(tmp_path, ctx):
    data = kolada_v2(
        [
            {
                "kpi": "N00945",
                "municipality": "0181",
                "period": 2023,
                "values": cells(("T", 5.0, "")),
            },
            {
                "kpi": "N00945",
                "municipality": "0181",
                "period": 2024,
                "values": cells(("T", 6.0, "")),
            },
        ]
    )
    path = write_json(tmp_path, "unmapped.json", data)
    parsed = kolada.read(path, Options(), ctx)
    assert counts(parsed) == (2, 0, 2, 0)
    assert all("N00945" in r and "--map" in r for r in reasons(parsed))
    assert {r.column for r in parsed.rejects} == {"kpi"}

    mapped = kolada.read(path, Options(mapping={"youth_centre_visits": "N00945"}), ctx)
    assert (mapped.rows_read, len(mapped.frame), len(mapped.rejects)) == (2, 2, 0)
    assert set(mapped.frame["indicator"]) == {"youth_centre_visits"}
    assert any("N00945 → youth_centre_visits (--map)" in n for n in mapped.notes)
    # Written the other way round it means the same.
    reverse = kolada.read(path, Options(mapping={"N00945": "youth_centre_visits"}), ctx)
    assert len(reverse.frame) == 2
    with pytest.raises(ImportRefused, match="finns inte i indikatorkatalogen"):
        kolada.read(path, Options(mapping={"no_such_indicator": "N00945"}), ctx)


def test_kolada_map_overrides_a_pinned_kpi_and_a_wrong_title_is_refused(tmp_path, ctx):
    record = {
        "kpi": "N15505",
        "kpi_title": "Kostnad för kommunal grundskola åk 1-9, kr/elev",
        "municipality": "0181",
        "period": 2023,
        "values": cells(("T", 120000.0, "")),
    }
    path = write_json(tmp_path, "title.json", kolada_v2([record]))
    parsed = kolada.read(path, Options(), ctx)
    assert (parsed.rows_read, len(parsed.frame), len(parsed.rejects)) == (1, 0, 1)
    assert "väntar 'meritvärde'" in parsed.rejects[0].reason
    # The user's explicit --map wins over the pinned table (and its title check).
    mapped = kolada.read(path, Options(mapping={"school_safety": "N15505"}), ctx)
    assert mapped.frame["indicator"].tolist() == ["school_safety"]


def test_kolada_empty_or_foreign_json_is_refused(tmp_path, ctx):
    with pytest.raises(ImportRefused, match="inga Kolada-värden"):
        kolada.read(write_json(tmp_path, "empty.json", kolada_v2([])), Options(), ctx)
    with pytest.raises(ImportRefused, match="inte ett Kolada-svar"):
        kolada.read(write_json(tmp_path, "other.json", {"x": 1}), Options(), ctx)


# --- SCB PxWeb JSON-stat 2.0 --------------------------------------------------------------

DIMS = {
    "Region": (
        "region",
        {"0181": "Södertälje", "0181C1010": "0181C1010", "0180": "Stockholm", "00": "Riket"},
    ),
    "Kon": ("kön", {"1+2": "totalt", "1": "män", "2": "kvinnor"}),
    "ContentsCode": ("tabellinnehåll", {"BE0101N1": "Folkmängd"}),
    "Tid": ("år", {"2023": "2023", "2024": "2024"}),
}
MISSING_CELL = {"Region": "0181C1010", "Kon": "2", "ContentsCode": "BE0101N1", "Tid": "2024"}


def cell_value(c: dict) -> float:
    regions = list(DIMS["Region"][1])
    return 1000.0 * (regions.index(c["Region"]) + 1) + 10 * int(c["Tid"][-1]) + len(c["Kon"])


def jsonstat(
    order,
    dims=DIMS,
    missing=(MISSING_CELL,),
    value=cell_value,
    index_as_list=False,
    status_as_list=False,
):
    """A JSON-stat 2.0 dataset with the dimensions in `order` (row-major over that order)."""
    dimension = {}
    for d in order:
        label, cats = dims[d]
        codes = list(cats)
        index = codes if index_as_list else {c: i for i, c in enumerate(codes)}
        dimension[d] = {"label": label, "category": {"index": index, "label": cats}}
    values, status = [], {}
    for pos, combo in enumerate(itertools.product(*(list(dims[d][1]) for d in order))):
        c = dict(zip(order, combo))
        if c in list(missing):
            values.append(None)
            status[pos] = ".."
        else:
            values.append(value(c))
    n = len(values)
    return {
        "class": "dataset",
        "version": "2.0",
        "label": "Folkmängden efter region, kön och år",
        "source": "SCB",
        "updated": "2025-02-21T07:00:00Z",
        "id": list(order),
        "size": [len(dims[d][1]) for d in order],
        "role": {"time": ["Tid"], "geo": ["Region"], "metric": ["ContentsCode"]},
        "dimension": dimension,
        "value": values,
        "status": [status.get(i) for i in range(n)]
        if status_as_list
        else {str(k): v for k, v in status.items()},
        "extension": {"status": {"..": "Uppgift inte tillgänglig"}},
    }


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["indicator", "area_code", "period", "breakdown"]
    return frame.drop(columns="row").sort_values(keys).reset_index(drop=True)


def test_pxweb_any_dimension_order_gives_the_same_measures(tmp_path, ctx):
    a = write_json(tmp_path, "a.json", jsonstat(["Region", "Kon", "ContentsCode", "Tid"]))
    b = write_json(
        tmp_path,
        "b.json",
        jsonstat(["Tid", "ContentsCode", "Kon", "Region"], index_as_list=True, status_as_list=True),
    )
    first, second = pxweb.read(a, Options(), ctx), pxweb.read(b, Options(), ctx)
    for parsed in (first, second):
        # 4 regions × 3 sexes × 1 content × 2 years; Stockholm skipped; one null rejected.
        assert counts(parsed) == (24, 17, 1, 6)
        assert reasons(parsed) == ["värde saknas (status '..': Uppgift inte tillgänglig)"]
        assert "0180 Stockholm" in parsed.skipped_reason
    pd.testing.assert_frame_equal(comparable(first.frame), comparable(second.frame))
    frame = first.frame.set_index(["area_code", "period", "breakdown"])["value"]
    assert frame[("0181", "2024", "")] == cell_value(
        {"Region": "0181", "Kon": "1+2", "ContentsCode": "BE0101N1", "Tid": "2024"}
    )
    assert frame[("0181C1010", "2023", "kön: kvinnor")] == 2031.0
    assert set(first.frame["area_code"]) == {"0181", "0181C1010", "SE"}
    assert set(first.frame["indicator"]) == {"population"}
    assert set(first.frame["breakdown"]) == {"", "kön: män", "kön: kvinnor"}
    assert first.source["title"] == "Folkmängden efter region, kön och år"
    assert first.source["publisher"].startswith("SCB") and first.source["updated"] == "2025-02-21"
    assert any("totalt är totalen" in n for n in first.notes)


def test_pxweb_status_flags_periods_and_unknown_areas(tmp_path, ctx):
    dims = {
        "Omrade": (
            "område",
            {"0181": "Södertälje", "0181C9999": "0181C9999", "0114": "Upplands Väsby"},
        ),
        "ContentsCode": ("tabellinnehåll", {"TEST01": "Antal besök", "000005MO": "Antal personer"}),
        "Tid": ("kvartal", {"2024K1": "2024K1", "2024M03": "2024M03"}),
    }
    data = jsonstat(["ContentsCode", "Tid", "Omrade"], dims=dims, missing=(), value=lambda c: 7.0)
    data["role"] = {"time": ["Tid"], "metric": ["ContentsCode"]}  # no geo role: found by codes
    data["status"] = {"0": "p"}  # a preliminary value keeps its number
    path = write_json(tmp_path, "kvartal.json", data)
    parsed = pxweb.read(path, Options(mapping={"youth_centre_visits": "TEST01"}), ctx)
    # 2 contents × 2 periods × 3 regions = 12; Upplands Väsby skipped (4);
    # unknown DeSO rejected (4), unmapped 000005MO rejected in Södertälje (2).
    assert counts(parsed) == (12, 2, 6, 4)
    assert sorted(parsed.frame["period"]) == ["2024-03", "2024-Q1"]
    assert set(parsed.frame["indicator"]) == {"youth_centre_visits"}
    assert sum("okänt område '0181C9999'" in r for r in reasons(parsed)) == 4
    unmapped = [r for r in parsed.rejects if r.column == "ContentsCode"]
    assert len(unmapped) == 2 and all(
        "000005MO" in r.reason and "--map" in r.reason for r in unmapped
    )
    assert any("statusflagga" in n and "'p': 1" in n for n in parsed.notes)


def test_pxweb_pinned_code_with_another_meaning_is_not_trusted(tmp_path, ctx):
    dims = {
        "Region": ("region", {"0181": "Södertälje"}),
        "ContentsCode": ("tabellinnehåll", {"000005FC": "Medelålder"}),
        "Tid": ("år", {"2023": "2023"}),
    }
    data = jsonstat(["Region", "ContentsCode", "Tid"], dims=dims, missing=(), value=lambda c: 41.2)
    data["label"] = "Medelålder efter region och år"
    parsed = pxweb.read(write_json(tmp_path, "fel.json", data), Options(), ctx)
    assert counts(parsed) == (1, 0, 1, 0)
    assert "matchar inte den fasta kopplingen" in parsed.rejects[0].reason


def test_pxweb_inconsistent_sizes_are_refused(tmp_path, ctx):
    data = jsonstat(["Region", "Kon", "ContentsCode", "Tid"])
    data["value"] = data["value"][:-1]
    with pytest.raises(ImportRefused, match="value har 23 värden"):
        pxweb.read(write_json(tmp_path, "kort.json", data), Options(), ctx)


# --- BRÅ ----------------------------------------------------------------------------------

BRA_LINES = [
    "Kommun;Antal;Per 100 000 inv.",
    "Riket;1 478 123;14 012,3",
    "Södertälje;12\u00a0345;12 018,7",
    "Nykvarn;1 001;8 623,1",
    "Botkyrka;..;..",
]


def write_bra(tmp_path: Path, name: str, lines=BRA_LINES) -> Path:
    path = tmp_path / name
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def test_bra_bom_crlf_decimal_comma_joined_on_the_name(tmp_path, ctx):
    path = write_bra(tmp_path, "bra_2024.csv")
    assert bra.looks_like(path.read_bytes()[:4096])
    parsed = bra.read(path, Options(), ctx)
    # 4 municipality rows × 2 values; Nykvarn and Botkyrka skipped.
    assert counts(parsed) == (8, 4, 0, 4)
    got = parsed.frame.set_index(["indicator", "area_code"])["value"]
    assert got[("reported_crimes_total", "0181")] == 12345.0
    assert got[("reported_crimes_per_100k", "0181")] == pytest.approx(12018.7)
    assert got[("reported_crimes_total", "SE")] == 1478123.0
    assert set(parsed.frame["period"]) == {"2024"}
    assert any("filnamnet" in n for n in parsed.notes)
    assert any("UTF-8 med BOM" in n for n in parsed.notes)
    assert "Nykvarn" in parsed.skipped_reason


def test_bra_without_a_year_is_refused_unless_the_period_is_given(tmp_path, ctx):
    path = write_bra(tmp_path, "anmalda_brott.csv")
    with pytest.raises(ImportRefused, match=r"anger inte vilket år.*--map period=2024"):
        bra.read(path, Options(), ctx)
    parsed = bra.read(path, Options(mapping={"period": "2023"}), ctx)
    assert set(parsed.frame["period"]) == {"2023"} and len(parsed.frame) == 4
    with pytest.raises(ImportRefused, match="flera årtal"):
        bra.read(write_bra(tmp_path, "bra_2015_2024.csv"), Options(), ctx)
    with pytest.raises(ImportRefused, match="okänd period"):
        bra.read(path, Options(mapping={"period": "förra året"}), ctx)


def test_bra_missing_value_for_sodertalje_is_rejected_with_the_line(tmp_path, ctx):
    lines = [
        "Kommun;Antal;Per 100 000 inv.",
        "Nykvarn;1 001;8 623,1",
        "Södertälje;12 345;..",
        "",
        "Källa: Brottsförebyggande rådet",
        "Riket;1 478 123",
    ]
    parsed = bra.read(write_bra(tmp_path, "bra_2022.csv", lines), Options(), ctx)
    # Nykvarn skipped (2), Södertälje 1 + 1 rejected, Riket 1 + 1 rejected (short line);
    # the footnote and the blank line are not data.
    assert counts(parsed) == (6, 2, 2, 2)
    assert [(r.column, r.reason) for r in parsed.rejects] == [
        ("Per 100 000 inv.", "värde saknas (filens rad 3)"),
        ("Per 100 000 inv.", "värde saknas (filens rad 6)"),
    ]
    assert any("1 rader utan kommun eller värden" in n for n in parsed.notes)


def test_bra_title_line_windows_1252_and_missing_columns(tmp_path, ctx):
    path = tmp_path / "bra_2021.csv"
    text = "Anmälda brott per kommun\r\n" + "\r\n".join(BRA_LINES[:3]) + "\r\n"
    path.write_bytes(text.encode("cp1252", errors="replace"))
    parsed = bra.read(path, Options(), ctx)
    assert counts(parsed) == (4, 4, 0, 0)
    assert any("Windows-1252" in n for n in parsed.notes)
    assert any("1 inledande rader" in n for n in parsed.notes)
    with pytest.raises(ImportRefused, match="saknar kolumnen Per 100 000 inv."):
        bra.read(
            write_bra(tmp_path, "bra_2020.csv", ["Kommun;Antal", "Södertälje;1"]), Options(), ctx
        )


# --- End to end through pax.ingest.run ----------------------------------------------------


def test_kolada_file_imports_end_to_end(env, tmp_path):
    data = kolada_v3(
        [
            {
                "kpi": "N15505",
                "municipality": "0181",
                "period": 2024,
                "values": cells(("T", 205.0, None), ("K", 214.0, None), ("M", None, "Missing")),
            },
            {
                "kpi": "N15505",
                "municipality": "0180",
                "period": 2024,
                "values": cells(("T", 231.0, None)),
            },
        ]
    )
    path = write_json(tmp_path, "kolada_N15505.json", data)
    assert detect_format(path) == "kolada"
    report = run(env, path)
    assert report.format == "kolada" and "Format upptäckt: kolada." in report.notes
    assert (report.rows_read, report.imported, report.rejected, report.skipped) == (4, 2, 1, 1)
    assert report.balanced() and report.exit_code == 3
    stored = measures_of(env, "kolada")
    assert stored["breakdown"].tolist() == ["", "kön: K"]
    assert stored["value"].tolist() == [205.0, 214.0]
    again = run(env, path)
    assert (again.imported, again.duplicates) == (0, 2) and again.balanced()


def test_pxweb_file_imports_end_to_end(env, tmp_path):
    path = write_json(
        tmp_path, "folkmangd.json", jsonstat(["Tid", "Region", "ContentsCode", "Kon"])
    )
    assert detect_format(path) == "pxweb"
    report = run(env, path)
    assert report.format == "pxweb" and "Format upptäckt: pxweb." in report.notes
    assert (report.rows_read, report.imported, report.rejected, report.skipped) == (24, 17, 1, 6)
    assert report.balanced() and report.exit_code == 3
    stored = measures_of(env, "scb_pxweb")
    assert len(stored) == 17 and set(stored["area_code"]) == {"0181", "0181C1010", "SE"}


def test_bra_file_imports_end_to_end(env, tmp_path):
    path = write_bra(tmp_path, "bra_kommun_2024.csv")
    assert detect_format(path) == "bra"
    report = run(env, path)
    assert report.format == "bra" and "Format upptäckt: bra." in report.notes
    assert (report.rows_read, report.imported, report.rejected, report.skipped) == (8, 4, 0, 4)
    assert report.balanced() and report.exit_code == 0
    stored = measures_of(env, "bra_kommun")
    assert stored.loc[stored["area_code"] == "0181", "value"].tolist() == [
        pytest.approx(12018.7),
        12345.0,
    ]
    with pytest.raises(ImportRefused, match="anger inte vilket år"):
        run(env, write_bra(tmp_path, "bra.csv"))
