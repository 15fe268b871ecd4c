"""PAX_KOMMUN chooses the municipality: stores built for Botkyrka (0127), Stockholm (0180)
and Uppsala (0380) hold that kommun's DeSO, RegSO (SCB's codes), police-listed areas and
SCB figures — checked against the shared national tables — and every page names the
kommun and no other."""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.app.test_pages import TITLES, _run, _text
from tests.conftest import build_store

ROOT = Path(__file__).resolve().parents[2]
SWEDEN = ROOT / "geo" / "sweden"
NATIONAL_STATS = ROOT / "data" / "scb" / "sweden" / "deso2018_statistik_2022.csv"
# kommun → (DeSO count, the police's 2023 list there)
KOMMUNER = {
    "0127": (50, {"Alby", "Fittja", "Hallunda / Norsborg", "Storvreten"}),
    "0180": (
        544,
        {
            "Bredäng",
            "Hagsätra / Rågsved",
            "Husby",
            "Hässelby / Vällingby",
            "Rinkeby / Tensta",
            "Vårberg",
        },
    ),
    "0380": (150, {"Gottsunda"}),
}
NAMES = {"0127": "Botkyrka kommun", "0180": "Stockholms stad", "0380": "Uppsala kommun"}


@contextmanager
def kommun_env(code: str):
    """PAX_KOMMUN set for a build in this process (session fixtures have no monkeypatch)."""
    before = os.environ.get("PAX_KOMMUN")
    os.environ["PAX_KOMMUN"] = code
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PAX_KOMMUN", None)
        else:
            os.environ["PAX_KOMMUN"] = before


@pytest.fixture(scope="session")
def kommun_stores(tmp_path_factory) -> dict[str, Path]:
    """One demo store per kommun, built lazily (Stockholm's takes the longest)."""
    built: dict[str, Path] = {}

    def get(code: str) -> Path:
        if code not in built:
            with kommun_env(code):
                built[code] = build_store(tmp_path_factory.mktemp(f"kommun{code}"))
        return built[code]

    return get


def _read(path: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).df()


def _table(code: str) -> pd.DataFrame:
    table = pd.read_csv(SWEDEN / "deso2018_regso_koppling.csv", dtype=str)
    return table[table["kommun"] == code]


@pytest.mark.parametrize("code", list(KOMMUNER))
def test_the_store_holds_the_kommuns_own_areas_with_scbs_codes(kommun_stores, code):
    path = kommun_stores(code)
    areas = _read(path, "SELECT code, name, level, parent_code FROM areas")
    table = _table(code)
    n_deso, _ = KOMMUNER[code]
    deso = areas[areas["level"] == "deso"]
    assert len(deso) == n_deso == len(table)
    assert set(deso["code"]) == set(table["deso"])
    regso = areas[areas["level"] == "regso"].set_index("code")["name"]
    expected = table.groupby("regsokod_2020")["regso_namn_2020"].first()
    assert regso.sort_index().to_dict() == expected.sort_index().to_dict()
    assert dict(zip(deso["code"], deso["parent_code"])) == dict(
        zip(table["deso"], table["regsokod_2020"])
    )
    (kommun,) = areas.loc[areas["level"] == "kommun", "code"]
    assert kommun == code
    assert _read(path, "SELECT count(*) AS n FROM places")["n"][0] == 0  # no schools shipped
    info = dict(_read(path, "SELECT key, value FROM build_info").values)
    assert info["kommun"] == code


@pytest.mark.parametrize("code", list(KOMMUNER))
def test_the_police_listed_areas_are_the_kommuns(kommun_stores, code):
    status = _read(kommun_stores(code), "SELECT * FROM area_status")
    assert set(status["police_area"]) == KOMMUNER[code][1]
    assert status["area_code"].str.startswith(code).all()
    police = json.loads((SWEDEN / "polisen_utsatta_omraden_2023_sweden.geojson").read_text())
    since = {
        f["properties"]["name"]: f["properties"]["status_since"]
        for f in police["features"]
        if f["properties"]["kommun_code"] == code
    }
    for row in status.drop_duplicates("police_area").itertuples():
        assert str(pd.Timestamp(row.since).date()) == since[row.police_area]


@pytest.mark.parametrize("code", list(KOMMUNER))
def test_scb_figures_are_the_shared_national_tables(kommun_stores, code):
    path = kommun_stores(code)
    measures = _read(
        path,
        "SELECT indicator, area_code, period, value FROM measures WHERE source_id = 'scb_deso'",
    )
    stats = pd.read_csv(NATIONAL_STATS, dtype={"deso": str})
    stats = stats[stats["deso"].str.startswith(code)].set_index("deso")
    kommun = measures[measures["area_code"] == code].set_index(["indicator", "period"])["value"]
    assert kommun[("population", "2022")] == stats["folkmangd_2022"].sum()
    assert kommun[("population", "2023")] == stats["folkmangd_2023"].sum()
    employed = stats["sysselsatta_16_64_2022"].sum() / stats["befolkning_16_64_2022"].sum()
    assert kommun[("employment_rate_16_64", "2022")] == pytest.approx(employed * 100)
    deso = measures[measures["area_code"].isin(stats.index)]
    for indicator, column in (
        ("employment_rate_16_64", "sysselsattningsgrad_16_64_2022_pct"),
        ("share_low_economic_standard", "lag_ekonomisk_standard_2022_pct"),
        ("median_net_income_20plus", "median_nettoinkomst_tkr_2022"),
        ("share_rental_dwellings", "andel_hyresratt_lgh_2022_pct"),
    ):
        mine = deso[deso["indicator"] == indicator].set_index("area_code")["value"]
        assert len(mine) == len(stats)
        assert (mine - stats[column].reindex(mine.index)).abs().max() < 0.051, indicator
    # Indicators the national table does not have are absent, not invented.
    assert not set(measures["indicator"]) & {
        "share_age_65plus",
        "median_earned_income_20plus",
        "persons_per_household",
    }


def test_demo_magnitudes_follow_the_kommuns_population(kommun_stores):
    """Events a year scale with the population: Södertälje's ~217 (102 426 inhabitants)
    is the base, Stockholm (~980 000) gets about 9.6 times as many."""
    from pax import demo

    stats = pd.read_csv(NATIONAL_STATS, dtype={"deso": str})
    for code in ("0127", "0180"):
        population = stats.loc[stats["deso"].str.startswith(code), "folkmangd_2022"].sum()
        expected = sum(demo.ANNUAL_RATE.values()) * population / demo.BASE_POPULATION
        n = _read(kommun_stores(code), "SELECT count(*) AS n FROM events")["n"][0]
        assert 0.85 < n / 5 / expected < 1.15, (code, n, expected)
    owners = _read(kommun_stores("0127"), "SELECT DISTINCT owner FROM interventions")
    assert "Botkyrka kommun" in set(owners["owner"])
    assert not any("Södertälje" in o for o in owners["owner"])


@pytest.fixture
def kommun_app(kommun_stores, monkeypatch, tmp_path):
    """The app pointed at a kommun's store (and PAX_KOMMUN set), one test at a time."""

    def use(code: str):
        path = kommun_stores(code)
        monkeypatch.setenv("PAX_KOMMUN", code)
        monkeypatch.setenv("PAX_STORE", str(path))
        monkeypatch.setenv("PAX_DATA_DIR", str(path.parent / "data"))
        monkeypatch.setenv("PAX_DEMO_END", "2026-06-30")
        monkeypatch.setenv("PAX_AUDIT", str(tmp_path / "audit.sqlite3"))
        return path

    yield use
    os.environ.pop("PAX_DEFAULT_ROLE", None)


# Södertälje by name or code (the code as a word, not inside a decimal number).
OTHER_KOMMUN = re.compile(r"Södertälje|Sodertalje|sodertalje|(?<![\d.,])0181(?!\d)")


def _everything(at) -> str:
    """Every text the page shows, tables included (for 'names no other kommun')."""
    parts = [_text(at), *(t.value for t in at.title), *(h.value for h in at.subheader)]
    parts += [d.value.to_csv() for d in at.dataframe]
    parts += [str(e.value) for e in at.exception]
    return "\n".join(parts)


@pytest.mark.parametrize("page", list(TITLES))
def test_every_page_for_botkyrka_names_botkyrka_and_no_other_kommun(kommun_app, monkeypatch, page):
    kommun_app("0127")
    monkeypatch.setenv("PAX_DEFAULT_ROLE", "analyst")
    at = _run(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == TITLES[page]
    text = _everything(at)
    assert not OTHER_KOMMUN.findall(text), page
    sidebar = "\n".join(m.value for m in at.sidebar.markdown) + "\n".join(
        c.value for c in at.sidebar.caption
    )
    assert "Botkyrka" in text + sidebar


def test_botkyrkas_areas_page_opens_on_a_police_listed_area(kommun_app):
    kommun_app("0127")
    at = _run("omraden.py")
    assert not at.exception, [e.value for e in at.exception]
    text = _text(at)
    assert "Särskilt utsatt område" in text
    events = next(d.value for d in at.dataframe if "Kategori" in d.value.columns)
    assert "Botkyrka kommun" in events.columns


@pytest.mark.parametrize("code", ["0180", "0380"])
@pytest.mark.parametrize("page", ["oversikt.py", "har_och_nu.py", "social_hallbarhet.py"])
def test_stockholm_and_uppsala_pages_render_for_their_kommun(kommun_app, code, page):
    kommun_app(code)
    at = _run(page)
    assert not at.exception, [e.value for e in at.exception]
    text = _everything(at)
    assert not OTHER_KOMMUN.findall(text), page
    if page == "social_hallbarhet.py":
        assert any(m.label.startswith(NAMES[code]) for m in at.metric), [m.label for m in at.metric]
        # SCB's indicators the national table lacks are said to be SCB's, not the kommun's.
        notes = [i.body for i in at.info]
        assert any("SCB:s rikstabell" in n and "Personer per hushåll" in n for n in notes), notes
        assert not any("egna register" in n and "Personer per hushåll" in n for n in notes)
        # No school files for this kommun: no note about schools on the map (and no layer).
        assert not any(c.value.startswith("Skolor och förskolor") for c in at.caption)
    if page == "har_och_nu.py":  # the level select counts the kommun's own areas
        level = next(b for b in at.selectbox if b.label == "Områdesnivå")
        n = len(_table(code))
        assert f"DeSO ({n} områden)" in level.options, level.options


def test_the_sidebar_names_the_kommun_of_the_setting(kommun_app):
    kommun_app("0380")
    at = _run("oversikt.py")
    shown = [*(m.value for m in at.sidebar.markdown), *(c.value for c in at.sidebar.caption)]
    shown += [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert any("Uppsala kommun" in s for s in shown)
