from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pax import geo
from pax.ingest import scb

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def areas():
    return geo.load_areas(ROOT / "geo")


def test_areas_have_three_levels_with_parents(areas):
    assert areas.groupby("level").size().to_dict() == {"deso": 51, "kommun": 1, "regso": 31}
    deso = areas[areas["level"] == "deso"]
    regso_codes = set(areas.loc[areas["level"] == "regso", "code"])
    assert set(deso["parent_code"]) == regso_codes
    assert set(areas.loc[areas["level"] == "regso", "parent_code"]) == {"0181"}


def test_regso_carry_scbs_codes_and_the_old_slugs_still_read():
    regso = areas_of(geo.load_areas(ROOT / "geo"), "regso")
    assert regso["Hovsjö"] == "0181R012" and regso["Saltskog"] == "0181R024"
    assert set(regso.values()) == {f"0181R{i:03d}" for i in range(1, 32)}
    assert geo.slug("Hovsjö") == "hovsjo"
    assert geo.slug("Järna centrum-Järna södra") == "jarna-centrum-jarna-sodra"


def areas_of(areas, level):
    level_rows = areas[areas["level"] == level]
    return dict(zip(level_rows["name"], level_rows["code"]))


def test_police_status_is_kept_with_its_year(areas):
    status = geo.load_police_status(areas, ROOT / "geo")
    regso = status[status["area_code"].str.contains("R")]
    # Hovsjö, Fornhöjden, Saltskog, Ronna-Karlhov
    assert set(regso["area_code"]) >= {"0181R012", "0181R006", "0181R024", "0181R022"}
    assert (status["year"] == 2023).all()
    hovsjo = status[status["area_code"] == "0181R012"].iloc[0]
    assert hovsjo["status"] == "Särskilt utsatt område"
    assert str(hovsjo["since"]) == "2023-12-01"


def test_points_are_located_in_their_deso(areas):
    places = geo.load_places(ROOT / "geo")
    located = geo.locate(places["lon"].to_numpy(), places["lat"].to_numpy(), areas)
    known = places["area_code"].notna()
    assert (located[known] == places.loc[known, "area_code"]).all()
    # Mora Parks skola lies outside the outline: no DeSO.
    outside = places["name"].str.contains("Mora Park")
    assert located[outside.to_numpy()].tolist() == [None]


def test_snapping_moves_points_to_250_m_cell_centres():
    lon, lat = geo.snap_to_grid(np.array([17.62, 17.6201]), np.array([59.19, 59.1901]), 250)
    x, y = geo.transformer(geo.WGS84, geo.SWEREF99TM).transform(lon, lat)
    assert np.allclose(np.mod(np.asarray(x), 250), 125, atol=0.01)
    assert np.allclose(np.mod(np.asarray(y), 250), 125, atol=0.01)


@pytest.fixture(scope="module")
def measures(areas):
    return scb.measures(areas, ROOT / "data" / "scb")


def test_scb_deso_values_match_scbs_derived_file(measures):
    derived = pd.read_csv(ROOT / "data/scb/sodertalje_deso_derived_indicators.csv", dtype=str)
    derived["value"] = derived["value"].astype(float)
    joined = derived.merge(
        measures,
        left_on=["deso_code", "indicator", "year"],
        right_on=["area_code", "indicator", "period"],
    )
    catalog = pd.read_csv(ROOT / "data/catalog.csv")
    in_catalog = derived[derived["indicator"].isin(catalog["id"])]
    assert len(joined) == len(in_catalog) > 500
    assert (joined["value_x"] - joined["value_y"]).abs().max() < 0.051


def test_municipal_figures_match_the_documented_sanity_checks(measures):
    kommun = measures[measures["area_code"] == "0181"].set_index(["indicator", "period"])
    assert kommun.loc[("population", "2022"), "value"] == 102_426
    assert kommun.loc[("population", "2010"), "value"] == 86_246
    assert round(kommun.loc[("employment_rate_16_64", "2022"), "value"], 1) == 74.0
    assert round(kommun.loc[("unemployment_rate_16_64", "2022"), "value"], 1) == 8.1
    assert round(kommun.loc[("share_rental_dwellings", "2022"), "value"], 1) == 54.1


def test_regso_shares_are_recomputed_not_averaged(measures):
    emp = measures[(measures["indicator"] == "employment_rate_16_64")]
    hovsjo = emp[emp["area_code"] == "0181R012"].iloc[0]
    assert hovsjo["value"] == pytest.approx(hovsjo["numerator"] / hovsjo["denominator"] * 100)


def test_an_unknown_kommun_code_is_one_swedish_sentence(monkeypatch):
    from pax import config

    monkeypatch.setenv("PAX_KOMMUN", "0999")
    with pytest.raises(ValueError, match="Kommunkoden 0999 i PAX_KOMMUN finns inte"):
        config.kommun()
    monkeypatch.setenv("PAX_KOMMUN", "Botkyrka")
    with pytest.raises(ValueError, match="fyrsiffriga kod"):
        config.kommun()


def test_a_build_for_a_kommun_without_polygons_stops_and_changes_nothing(monkeypatch, tmp_path):
    """Falköping (1499) is outside the three shipped counties: the build names what is
    missing and where it goes, and the store file is untouched."""
    import subprocess
    import sys

    store = tmp_path / "pax.duckdb"
    store.write_bytes(b"the previous store")
    env = {**__import__("os").environ, "PAX_KOMMUN": "1499", "PAX_STORE": str(store)}
    env["PAX_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "pax", "build"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "DeSO-polygonerna för Falköping (1499) saknas" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert store.read_bytes() == b"the previous store"
    assert not (tmp_path / "data").exists()  # no demo data generated either


def test_the_national_table_gives_sodertaljes_own_deso_figures(areas, measures):
    """Where both have an indicator, SCB's national table (used for every kommun without
    its own files) gives Södertälje's DeSO figures; RegSO and kommun values of the shares
    it publishes without their bases are population-weighted (documented)."""
    parts = scb.national_parts(scb.read_national(ROOT / "data" / "scb", "0181"))
    parts = parts.rename(columns={"deso_code": "area_code"})
    national = scb.roll_up(parts.assign(period=parts["year"].astype(str)), areas, "x")
    joined = measures.merge(national, on=["indicator", "area_code", "period"])
    level = joined["area_code"].map(dict(zip(areas["code"], areas["level"])))
    difference = (joined["value_x"] - joined["value_y"]).abs()
    assert set(joined["indicator"]) == set(national["indicator"])
    assert difference[level == "deso"].max() < 0.13  # rounding of published shares
    kommun = joined[level == "kommun"].set_index(["indicator", "period"])
    assert kommun.loc[("population", "2022"), "value_y"] == 102_426
    assert (kommun["value_x"] - kommun["value_y"]).abs().max() < 1.6  # rental share
    assert not set(national["indicator"]) & set(scb.NATIONAL_MISSING)
