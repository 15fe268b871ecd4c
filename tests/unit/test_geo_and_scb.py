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


def test_regso_keys_are_stable_ascii_slugs():
    assert geo.slug("Hovsjö") == "hovsjo"
    assert geo.slug("Järna centrum-Järna södra") == "jarna-centrum-jarna-sodra"


def test_police_status_is_kept_with_its_year(areas):
    status = geo.load_police_status(areas, ROOT / "geo")
    regso = status[~status["area_code"].str.startswith("0181")]
    assert set(regso["area_code"]) >= {"hovsjo", "fornhojden", "saltskog", "ronna-karlhov"}
    assert (status["year"] == 2023).all()
    hovsjo = status[status["area_code"] == "hovsjo"].iloc[0]
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
    hovsjo = emp[emp["area_code"] == "hovsjo"].iloc[0]
    assert hovsjo["value"] == pytest.approx(hovsjo["numerator"] / hovsjo["denominator"] * 100)
