import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import shapely

from pax import demo, geo
from pax.ingest import scb

ROOT = Path(__file__).resolve().parents[2]
END = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def inputs():
    areas = geo.load_areas(ROOT / "geo")
    real = scb.measures(areas, ROOT / "data" / "scb")
    pop = real[(real["indicator"] == "population") & (real["period"] == "2022")]
    listed = set(geo.load_police_status(areas, ROOT / "geo")["area_code"])
    return areas, pop.set_index("area_code")["value"], listed, real


def test_demo_events_are_deterministic(inputs):
    areas, pop, listed, _ = inputs
    a = demo.events(areas, pop, listed, END, seed=3)
    b = demo.events(areas, pop, listed, END, seed=3)
    assert a.equals(b)
    assert not a.equals(demo.events(areas, pop, listed, END, seed=4))


def test_demo_magnitudes_follow_a_town_of_100_000(inputs):
    areas, pop, listed, _ = inputs
    ev = demo.events(areas, pop, listed, END, years=5, seed=3)
    per_year = ev.groupby("category").size() / 5
    ranges = {
        "shooting": (10, 25),
        "explosion": (5, 15),
        "car_fire": (100, 200),
        "drug_cache": (20, 40),
        "weapon_cache": (5, 15),
    }
    for category, (low, high) in ranges.items():
        assert low <= per_year[category] <= high, category
    assert ev["occurred_at"].max().date() <= END
    assert ev["source_id"].eq("demo_events").all()


def test_demo_events_concentrate_in_listed_areas_and_lie_in_their_deso(inputs):
    areas, pop, listed, _ = inputs
    ev = demo.events(areas, pop, listed, END, seed=3)
    shootings = ev[ev["category"] == "shooting"]
    deso_pop = pop[pop.index.str.len() == 9]
    listed_pop_share = deso_pop[deso_pop.index.isin(listed)].sum() / deso_pop.sum()
    assert shootings["area_code"].isin(listed).mean() > 2 * listed_pop_share
    located = geo.locate(ev["lon"].to_numpy(), ev["lat"].to_numpy(), areas)
    assert (located == ev["area_code"].to_numpy()).all()


def test_car_fires_peak_on_new_years_eve(inputs):
    areas, pop, listed, _ = inputs
    ev = demo.events(areas, pop, listed, END, seed=3)
    fires = ev[ev["category"] == "car_fire"]["occurred_at"]
    nye = ((fires.dt.month == 12) & (fires.dt.day == 31)).sum() / 5
    assert nye > 5 * (len(fires) / 5 / 365)


def test_scaled_demo_reaches_the_requested_size(inputs):
    areas, pop, listed, _ = inputs
    ev = demo.events(areas, pop, listed, END, seed=3, total=20_000)
    assert abs(len(ev) - 20_000) <= 5


def test_demo_series_cover_the_catalogue(inputs):
    areas, _, listed, real = inputs
    trust = demo.trust_measures(areas, listed, END, seed=3)
    social = demo.social_measures(areas, real, END, seed=3)
    import pandas as pd

    catalog = pd.read_csv(ROOT / "data/catalog.csv")
    fictional = set(catalog.loc[catalog["source_id"].str.startswith("demo_"), "id"])
    assert fictional == set(trust["indicator"]) | set(social["indicator"])
    survey = trust[trust["indicator"] == "trust_police"]
    assert survey["denominator"].gt(0).all()
    assert np.isfinite(social["value"]).all()


def test_generated_points_fall_inside_the_polygon():
    square = shapely.box(0, 0, 1, 1)
    lon, lat = demo._points_in(square, 100, np.random.default_rng(1))
    assert shapely.contains_xy(square, lon, lat).all()
