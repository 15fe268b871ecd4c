"""pax.stats: CompStat windows, the two-count Poisson test, Gi* hotspots, near repeats."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from math import comb
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box, shape

from pax import geo, stats

D = dt.date
ROOT = Path(__file__).resolve().parents[2]


# --- windows ---------------------------------------------------------------------------


def test_year_earlier_maps_leap_day_to_28_february():
    assert stats.year_earlier(D(2024, 2, 29)) == D(2023, 2, 28)
    assert stats.year_earlier(D(2025, 3, 1)) == D(2024, 3, 1)
    assert stats.year_earlier(D(2024, 1, 1)) == D(2023, 1, 1)


def test_compstat_windows_order_and_lengths():
    windows = stats.compstat_windows(D(2025, 6, 15))
    assert [w.name for w in windows] == ["week", "28d", "ytd"]
    week, d28, ytd = windows
    assert (week.start, week.end) == (D(2025, 6, 9), D(2025, 6, 15))
    assert (week.prev_start, week.prev_end) == (D(2024, 6, 9), D(2024, 6, 15))
    assert (d28.end - d28.start).days + 1 == 28
    assert (ytd.start, ytd.prev_start, ytd.prev_end) == (
        D(2025, 1, 1),
        D(2024, 1, 1),
        D(2024, 6, 15),
    )


def test_compstat_windows_ending_on_leap_day_compare_with_28_february():
    week, d28, ytd = stats.compstat_windows(D(2024, 2, 29))
    assert week.prev_end == D(2023, 2, 28)
    assert week.prev_start == D(2023, 2, 23)
    # The current week has 7 days, last year's counterpart 6: the test must know.
    assert week.exposure_ratio == pytest.approx(7 / 6)
    assert ytd.prev_end == D(2023, 2, 28)


def test_ytd_window_just_after_new_year():
    ytd = stats.compstat_windows(D(2025, 1, 3))[2]
    assert (ytd.start, ytd.end) == (D(2025, 1, 1), D(2025, 1, 3))
    assert (ytd.prev_start, ytd.prev_end) == (D(2024, 1, 1), D(2024, 1, 3))
    assert ytd.exposure_ratio == 1.0


def test_week_spanning_new_year():
    week = stats.compstat_windows(D(2025, 1, 2))[0]
    assert (week.start, week.end) == (D(2024, 12, 27), D(2025, 1, 2))
    assert (week.prev_start, week.prev_end) == (D(2023, 12, 27), D(2024, 1, 2))


def test_period_window_kinds():
    end = D(2025, 3, 10)
    assert stats.period_window("7", end) == (D(2025, 3, 4), end)
    assert stats.period_window("28", end) == (D(2025, 2, 11), end)
    assert stats.period_window("90", end) == (end - dt.timedelta(days=89), end)
    assert stats.period_window("365", end) == (end - dt.timedelta(days=364), end)
    assert stats.period_window("ytd", end) == (D(2025, 1, 1), end)
    assert stats.period_window("custom", end, D(2025, 2, 1)) == (D(2025, 2, 1), end)


def test_period_window_custom_refuses_reversed_or_missing_start_in_swedish():
    with pytest.raises(ValueError, match="startdatum"):
        stats.period_window("custom", D(2025, 1, 1), D(2025, 2, 1))
    with pytest.raises(ValueError, match="både start"):
        stats.period_window("custom", D(2025, 1, 1))
    with pytest.raises(ValueError, match="okänd period"):
        stats.period_window("14", D(2025, 1, 1))


# --- Poisson test and verdicts ---------------------------------------------------------


def test_poisson_test_matches_r_poisson_test_10_vs_2():
    # R: poisson.test(c(10, 2))$p.value == 0.03857 (= 2 × P(Bin(12, ½) ≤ 2) = 158/4096)
    assert stats.poisson_test(10, 2) == pytest.approx(0.03857, abs=1e-5)
    assert stats.poisson_test(10, 2) == pytest.approx(158 / 4096)
    assert stats.poisson_test(2, 10) == pytest.approx(158 / 4096)


def test_poisson_test_11_vs_23_by_hand():
    # Symmetric null (p = ½): two-sided = 2 × P(X ≤ 11), X ~ Bin(34, ½)
    by_hand = 2 * sum(comb(34, k) for k in range(12)) / 2**34
    assert stats.poisson_test(11, 23) == pytest.approx(by_hand)
    assert stats.poisson_test(11, 23) == pytest.approx(0.05761, abs=1e-5)


def test_poisson_test_equal_counts_and_empty_periods_give_one():
    assert stats.poisson_test(5, 5) == pytest.approx(1.0)
    assert stats.poisson_test(0, 0) == 1.0


def test_poisson_test_uses_exposure_ratio():
    # R documentation: poisson.test(c(11, 6+8+7), c(800, 1083+1050+878)) p = 0.07967
    assert stats.poisson_test(11, 21, 800 / 3011) == pytest.approx(0.07967, abs=1e-5)
    # A period twice as long with twice the count is no change at all.
    assert stats.poisson_test(10, 5, exposure_ratio=2.0) == pytest.approx(1.0)
    assert stats.poisson_test(10, 5) < 0.31


def test_poisson_test_refuses_bad_input():
    with pytest.raises(ValueError):
        stats.poisson_test(-1, 3)
    with pytest.raises(ValueError):
        stats.poisson_test(1, 3, exposure_ratio=0)


def test_change_verdicts():
    assert stats.change_verdict(10, 2) == "increase"
    assert stats.change_verdict(2, 10) == "decrease"
    assert stats.change_verdict(5, 5) == "normal"
    assert stats.change_verdict(0, 0) == "normal"
    assert stats.change_verdict(11, 23) == "normal"  # p ≈ 0.058
    assert stats.change_verdict(11, 23, alpha=0.10) == "decrease"
    assert stats.change_verdict(20, 10, exposure_ratio=2.0) == "normal"
    # 12 now in 7 days vs 12 in 28 days: a rate four times higher
    assert stats.change_verdict(12, 12, exposure_ratio=0.25) == "increase"


def test_verdict_texts():
    assert stats.verdict_text("increase") == "Ökning utöver normal variation"
    assert stats.verdict_text("decrease") == "Minskning utöver normal variation"
    assert stats.verdict_text("normal") == "Förändringen ryms inom normal variation"
    assert stats.verdict_text("increase", "en") == "Increase beyond normal variation"
    assert stats.verdict_text("normal", "en") == "The change is within normal variation"
    with pytest.raises(ValueError):
        stats.verdict_text("odd")


# --- Gi* on areas ----------------------------------------------------------------------


def _lattice(size: int = 7, step: float = 0.01):
    """size × size unit squares in WGS 84 near Södertälje, coded 'r{row}c{col}'.

    Every vertex is computed from its integer index, so shared corners are bitwise equal
    (queen contiguity needs exactly shared vertices)."""
    codes, geoms = [], []
    for r in range(size):
        for c in range(size):
            codes.append(f"r{r}c{c}")
            geoms.append(
                box(17.5 + c * step, 59.1 + r * step, 17.5 + (c + 1) * step, 59.1 + (r + 1) * step)
            )
    return codes, geoms


def _block(size: int, centre: int, inside: float, outside: float) -> np.ndarray:
    v = np.full((size, size), outside)
    v[centre - 1 : centre + 2, centre - 1 : centre + 2] = inside
    return v.ravel()


def test_gi_star_planted_hotspot_on_7x7_lattice():
    codes, geoms = _lattice()
    result = stats.hotspots_areas(codes, geoms, _block(7, 3, 10.0, 1.0)).set_index("code")
    assert list(result.columns) == ["value", "z", "p", "confidence", "cls", "island"]
    centre = result.loc["r3c3"]
    assert centre["cls"] == 3 and centre["confidence"] == 99 and centre["z"] > 0
    assert result["z"].idxmax() == "r3c3"
    assert result.loc["r0c0", "cls"] == 0
    assert result.loc["r6c6", "cls"] == 0
    assert not result["island"].any()


def test_gi_star_planted_cold_spot():
    codes, geoms = _lattice()
    result = stats.hotspots_areas(codes, geoms, _block(7, 3, 0.0, 10.0)).set_index("code")
    assert result.loc["r3c3", "cls"] == -3
    assert result["z"].idxmin() == "r3c3"
    assert (result["cls"] <= 0).all()


def test_gi_star_equal_values_give_zeros_without_warnings():
    codes, geoms = _lattice()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = stats.hotspots_areas(codes, geoms, np.full(49, 4.0))
    assert (result["cls"] == 0).all() and (result["z"] == 0).all() and (result["p"] == 1).all()


def test_gi_star_p_is_two_sided():
    codes, geoms = _lattice()
    result = stats.hotspots_areas(codes, geoms, _block(7, 3, 10.0, 1.0))
    from scipy.stats import norm

    assert np.allclose(result["p"], 2 * norm.sf(np.abs(result["z"])))


def test_hotspots_areas_keeps_input_order_and_marks_islands():
    codes, geoms = _lattice()
    codes, geoms = codes[::-1] + ["far"], geoms[::-1] + [box(18.5, 59.5, 18.51, 59.51)]
    values = np.append(_block(7, 3, 10.0, 1.0)[::-1], 50.0)
    result = stats.hotspots_areas(codes, geoms, values)
    assert list(result["code"]) == codes
    assert list(result["value"]) == list(values)
    far = result.set_index("code").loc["far"]
    assert bool(far["island"]) and far["cls"] == 0
    assert result.set_index("code").loc["r3c3", "cls"] == 3


# --- Gi* on the grid -------------------------------------------------------------------


@pytest.fixture(scope="module")
def outline():
    areas = geo.load_areas(ROOT / "geo")
    return areas.loc[areas["level"] == "kommun", "geometry"].iloc[0]


def _to_wgs(x, y):
    return geo.transformer(geo.SWEREF99TM, geo.WGS84).transform(x, y)


def test_hotspots_grid_finds_planted_cluster(outline):
    rng = np.random.default_rng(3)
    cell = 250.0
    # Södertälje centre, well inside the municipality
    x0, y0 = geo.transformer(geo.WGS84, geo.SWEREF99TM).transform(17.627, 59.196)
    cx, cy = np.floor(x0 / cell) * cell, np.floor(y0 / cell) * cell
    xs, ys = [], []
    # 200 points in the cell, 20 in each of its 8 neighbours: the cell's own 3 × 3 window
    # holds the most, so its z must be the maximum.
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            k = 200 if dx == dy == 0 else 20
            xs.append(cx + (dx + rng.uniform(0.1, 0.9, k)) * cell)
            ys.append(cy + (dy + rng.uniform(0.1, 0.9, k)) * cell)
    # Background: uniform over the outline's bounding box (points outside are ignored).
    minx, miny, maxx, maxy = outline.bounds
    bg_lon, bg_lat = rng.uniform(minx, maxx, 3000), rng.uniform(miny, maxy, 3000)
    lon, lat = _to_wgs(np.concatenate(xs), np.concatenate(ys))
    lon, lat = np.concatenate([lon, bg_lon]), np.concatenate([lat, bg_lat])

    result = stats.hotspots_grid(lon, lat, None, outline, cell)
    assert list(result.columns) == [
        "cell_x", "cell_y", "lon", "lat", "count", "z", "p", "confidence", "cls", "geometry",
    ]  # fmt: skip
    hit = result[(result["cell_x"] == cx) & (result["cell_y"] == cy)]
    assert len(hit) == 1
    assert hit["count"].iloc[0] >= 200
    assert hit["cls"].iloc[0] >= 2
    assert hit["z"].iloc[0] == result["z"].max()
    assert ((result["count"] > 0) | (result["cls"] != 0)).all()
    # Every planted point is counted in its 3 × 3 block (background adds a point or two).
    block = result[
        ((result["cell_x"] - cx).abs() <= cell) & ((result["cell_y"] - cy).abs() <= cell)
    ]
    assert len(block) == 9 and 360 <= block["count"].sum() <= 370
    # Background counts only inside the study area: cells whose centre is inside the outline
    # differ from the outline itself by a border strip, so allow 3 %.
    inside_bg = shapely.contains_xy(outline, bg_lon, bg_lat).sum()
    assert result["count"].sum() - 360 == pytest.approx(inside_bg, rel=0.03)

    # The geometry is the cell square in WGS 84 and contains the centre lon/lat.
    square = shape(json.loads(hit["geometry"].iloc[0]))
    assert square.contains(Point(hit["lon"].iloc[0], hit["lat"].iloc[0]))
    assert geo.to_metric(square).area == pytest.approx(cell * cell, rel=1e-3)


def test_hotspots_grid_weights_and_missing_points(outline):
    x, y = geo.transformer(geo.WGS84, geo.SWEREF99TM).transform(17.627, 59.196)
    lon, lat = _to_wgs(np.array([x, x, np.nan]), np.array([y, y, np.nan]))
    result = stats.hotspots_grid(lon, lat, np.array([2.0, 3.0, 1.0]), outline)
    assert result["count"].sum() == pytest.approx(5.0)
    assert (result["count"] > 0).sum() == 1


def test_hotspots_grid_without_points_is_empty(outline):
    result = stats.hotspots_grid(np.array([]), np.array([]), None, outline)
    assert result.empty
    assert "geometry" in result.columns


def test_hotspots_grid_ignores_points_outside_the_municipality(outline):
    lon, lat = np.array([18.3, 16.0]), np.array([59.33, 58.0])  # Stockholm, far away
    assert stats.hotspots_grid(lon, lat, None, outline).empty


# --- near repeats ----------------------------------------------------------------------

BASE_X, BASE_Y = 640_000.0, 6_560_000.0


def _events(rows) -> pd.DataFrame:
    return pd.DataFrame(
        rows, columns=["id", "occurred_at", "category", "x", "y", "area_code", "n"]
    ).assign(occurred_at=lambda f: pd.to_datetime(f["occurred_at"]))


def _planted():
    return _events(
        [
            (1, "2025-05-01 22:00", "shooting", BASE_X, BASE_Y, "A", 1),
            (2, "2025-05-03 01:30", "shooting", BASE_X + 120, BASE_Y + 80, "A", 1),
            (3, "2025-05-05 20:00", "shooting", BASE_X + 150, BASE_Y - 90, "A", 1),
            # same place and time but another category: never merged with the shootings
            (4, "2025-05-02 12:00", "car_fire", BASE_X + 10, BASE_Y, "A", 1),
            # no point: ignored
            (5, "2025-05-02 12:00", "shooting", np.nan, np.nan, "A", 1),
        ]
    )


def test_near_repeat_flags_planted_cluster_in_quiet_area():
    rate = pd.Series({("A", "shooting"): 0.001, ("A", "car_fire"): 0.001})
    result = stats.near_repeats(_planted(), rate)
    assert list(result.columns) == [
        "area_code",
        "category",
        "first",
        "last",
        "events",
        "expected",
        "p",
    ]
    assert len(result) == 1
    row = result.iloc[0]
    assert (row["area_code"], row["category"], row["events"]) == ("A", "shooting", 3)
    assert row["first"] == pd.Timestamp("2025-05-01 22:00")
    assert row["last"] == pd.Timestamp("2025-05-05 20:00")
    assert row["expected"] == pytest.approx(0.001 * np.pi * 0.25 * 14)
    assert row["p"] < 1e-5


def test_near_repeat_not_flagged_where_the_usual_rate_explains_it():
    rate = pd.Series({("A", "shooting"): 1.0})
    assert stats.near_repeats(_planted(), rate).empty


def test_near_repeat_needs_closeness_in_time():
    rows = [
        (i, f"2025-{m:02d}-01", "shooting", BASE_X + 10 * i, BASE_Y, "A", 1)
        for i, m in enumerate((1, 3, 5, 7), start=1)
    ]
    rate = pd.Series({("A", "shooting"): 0.0001})
    assert stats.near_repeats(_events(rows), rate).empty


def test_near_repeat_needs_closeness_in_space():
    rows = [
        (1, "2025-05-01", "shooting", BASE_X, BASE_Y, "A", 1),
        (2, "2025-05-02", "shooting", BASE_X + 600, BASE_Y, "A", 1),
        (3, "2025-05-03", "shooting", BASE_X + 1200, BASE_Y, "A", 1),
    ]
    rate = pd.Series({("A", "shooting"): 0.0001})
    assert stats.near_repeats(_events(rows), rate).empty
    # ... but a chain of links is one cluster (single linkage)
    assert stats.near_repeats(_events(rows), rate, distance_m=700).iloc[0]["events"] == 3


def test_near_repeat_newest_first_and_counts_n():
    rows = [
        (1, "2025-01-01", "explosion", BASE_X, BASE_Y, "A", 1),
        (2, "2025-01-02", "explosion", BASE_X + 50, BASE_Y, "A", 1),
        (3, "2025-06-01", "explosion", BASE_X + 5000, BASE_Y, "B", 2),  # one row, two events
    ]
    rate = pd.Series({("A", "explosion"): 0.001, ("B", "explosion"): 0.001})
    result = stats.near_repeats(_events(rows), rate)
    assert list(result["area_code"]) == ["B", "A"]
    assert list(result["events"]) == [2, 2]


def test_near_repeat_empty_input():
    result = stats.near_repeats(_events([]), pd.Series(dtype=float))
    assert result.empty and "expected" in result.columns


def test_near_repeat_method_sentence_states_the_test_in_both_languages():
    from pax import i18n

    sv, en = i18n.t("near_repeat_method", "sv"), i18n.t("near_repeat_method", "en")
    assert "14 dagar" in sv and "500 meter" in sv and "p < 0,05" in sv
    assert "14 days" in en and "500 metres" in en and "p < 0.05" in en


def test_wilson_interval_matches_known_values():
    low, high = stats.proportion_interval([50], [100])
    assert low[0] == pytest.approx(40.38, abs=0.01) and high[0] == pytest.approx(59.62, abs=0.01)
    low, high = stats.proportion_interval([0], [20])
    assert low[0] == pytest.approx(0.0, abs=1e-9) and high[0] == pytest.approx(16.11, abs=0.01)
    low, high = stats.proportion_interval([5], [0])
    assert np.isnan(low[0]) and np.isnan(high[0])


def test_target_status_is_pro_rata_for_counts_and_direct_for_values():
    assert stats.target_status(60, 100, "higher", 0.5) == "on_track"
    assert stats.target_status(40, 100, "higher", 0.5) == "behind"
    assert stats.target_status(30, 35, "lower", 0.9, kind="value") == "on_track"
    assert stats.target_status(40, 35, "lower", 0.9, kind="value") == "behind"
    assert stats.target_status(10, None, "higher") is None
    assert stats.target_text("behind") == "Efter målet"


def test_similar_areas_are_nearest_on_standardised_indicators():
    features = pd.DataFrame(
        {"employment": [60, 61, 80, 82, 70], "low_income": [40, 38, 8, 10, 20]},
        index=["a", "b", "c", "d", "e"],
    )
    near = stats.similar_areas(features, "a", k=2)
    assert near["code"].tolist() == ["b", "e"]
    assert near["distance"].is_monotonic_increasing
    assert stats.similar_areas(features, "zz").empty


def _components_by_pairs(xy, t, distance, window) -> list[set[int]]:
    """The reference: every pair of points compared, linked chains followed."""
    n = len(t)
    near = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    linked = (near <= distance) & (np.abs(t[:, None] - t[None, :]) <= window)
    label = list(range(n))
    for i, j in zip(*np.nonzero(np.triu(linked, 1))):
        old, new = label[j], label[i]
        if old != new:
            label = [new if v == old else v for v in label]
    groups: dict[int, set[int]] = {}
    for i, v in enumerate(label):
        groups.setdefault(v, set()).add(i)
    return sorted(groups.values(), key=min)


@pytest.mark.parametrize("seed", range(40))
def test_linked_components_equal_comparing_every_pair(seed):
    """The cell-and-union-find clustering finds exactly the chains of linked pairs, on
    sparse and dense points, with whole days (links at exactly the window) and a window
    of 0 (the same moment only); labels follow each component's first point."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 250))
    xy = rng.normal(0, rng.choice([200, 1500, 20000]), (n, 2))
    t = rng.uniform(0, rng.choice([5, 28, 200]), n)
    if seed % 3 == 0:
        t = np.round(t)
    distance, window = float(rng.choice([100, 500, 1000])), float(rng.choice([0, 1, 14]))
    label = stats.linked_components(xy, t, distance, window)
    expected = _components_by_pairs(xy, t, distance, window)
    assert [set(np.flatnonzero(label == k)) for k in range(label.max() + 1)] == expected


def test_linked_components_refuse_a_distance_of_zero():
    with pytest.raises(ValueError):
        stats.linked_components(np.zeros((2, 2)), np.zeros(2), 0.0, 14.0)
