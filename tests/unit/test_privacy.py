import numpy as np
import pandas as pd
import pytest

from pax import privacy

POLICY = privacy.Policy(k=3, min_population_for_rate=500)


def test_counts_from_one_to_k_minus_one_are_hidden_but_zero_is_not():
    frame = pd.DataFrame({"count": [0, 1, 2, 3, 10]})
    out = privacy.protect_counts(frame, ["count"], POLICY)
    assert out["count_label"].tolist() == ["0", "<3", "<3", "3", "10"]
    assert out["count"].isna().tolist() == [False, True, True, False, False]


def test_k_comes_from_the_policy():
    out = privacy.protect_counts(pd.DataFrame({"n": [4, 5]}), ["n"], privacy.Policy(k=5))
    assert out["n_label"].tolist() == ["<5", "5"]


def test_a_single_hidden_cell_in_a_group_gets_a_complement():
    frame = pd.DataFrame({"area": ["a", "a", "a", "b", "b"], "count": [1, 7, 4, 8, 9]})
    out = privacy.protect_counts(frame, ["count"], POLICY, group_by=["area"])
    # In area a the 1 is hidden, so the smallest other non-zero cell (4) is hidden too;
    # area b has nothing hidden and keeps all its cells.
    assert out["count_suppressed"].tolist() == [True, False, True, False, False]
    known = out.loc[out["area"] == "a", "count"].sum()
    assert known == 7  # the total 12 minus what is shown no longer reveals one cell


def test_rates_need_a_minimum_population():
    assert privacy.rate_allowed([100, 500, np.nan], POLICY).tolist() == [False, True, False]


POINTS = pd.DataFrame(
    {
        "lat": [59.1900, 59.19001, 59.2000],
        "lon": [17.6200, 17.62001, 17.6500],
        "category": ["shooting", "shooting", "weapon_cache"],
        "precision": ["exact", "exact", "exact"],
        "n": [1, 1, 1],
    }
)


def test_public_sees_no_locations():
    assert privacy.locations_for_role(POINTS, "public").empty


def test_council_sees_a_250_m_grid_never_the_points():
    cells = privacy.locations_for_role(POINTS, "council", k=3)
    assert len(cells) == 2  # the two nearby points share a cell
    # Cells of 1 and 2 events both weigh k−1: the page never carries a count below k.
    assert cells["weight"].tolist() == [2.0, 2.0]
    original = set(zip(POINTS["lat"].round(6), POINTS["lon"].round(6)))
    assert not original & set(zip(cells["lat"], cells["lon"]))


def test_analyst_sees_the_source_precision():
    pts = privacy.locations_for_role(POINTS, "analyst")
    assert pts["lat"].tolist() == POINTS["lat"].tolist()


def test_area_only_events_are_never_placed_on_a_map():
    area_only = POINTS.assign(precision="area")
    assert privacy.locations_for_role(area_only, "analyst").empty


def test_an_unknown_role_is_refused():
    with pytest.raises(ValueError):
        privacy.precision_for("admin")


def test_survey_results_below_the_minimum_sample_are_hidden_with_the_reason():
    frame = pd.DataFrame({"value": [50.0, 40.0], "numerator": [50, 4], "denominator": [100, 10]})
    out = privacy.protect_survey(frame, privacy.Policy(min_survey_sample=30))
    assert out["value"].tolist()[0] == 50.0 and pd.isna(out["value"].iloc[1])
    assert pd.isna(out["numerator"].iloc[1]) and pd.isna(out["low"].iloc[1])
    assert "n = 10 < 30" in out["hidden_reason"].iloc[1]
    assert out["low"].iloc[0] < 50 < out["high"].iloc[0]


def _sweref(lon, lat):
    from pax import geo

    return geo.transformer(geo.WGS84, geo.SWEREF99TM).transform(lon, lat)


def test_grid_snapping_moves_every_point_to_its_250_m_cell_centre_in_sweref99tm():
    from pax import geo

    rng = np.random.default_rng(7)
    x = rng.uniform(630_000, 660_000, 500)
    y = rng.uniform(6_515_000, 6_585_000, 500)
    lon, lat = geo.transformer(geo.SWEREF99TM, geo.WGS84).transform(x, y)
    slon, slat = geo.snap_to_grid(lon, lat, privacy.GRID_M)
    sx, sy = _sweref(slon, slat)
    assert np.allclose(np.mod(sx, 250), 125, atol=1e-3)  # cell centres, EPSG:3006
    assert np.allclose(np.mod(sy, 250), 125, atol=1e-3)
    assert np.allclose(np.floor(sx / 250), np.floor(x / 250))  # the point's own cell
    assert np.allclose(np.floor(sy / 250), np.floor(y / 250))
    assert np.hypot(sx - x, sy - y).max() <= 125 * np.sqrt(2) + 1e-3
    assert not np.any((np.abs(sx - x) < 1e-6) & (np.abs(sy - y) < 1e-6))


@pytest.mark.parametrize("category", ["weapon_cache", "drug_cache", "shooting"])
def test_no_role_below_analyst_gets_a_source_point_of_any_category(category):
    pts = POINTS.assign(category=category)
    assert privacy.locations_for_role(pts, "public").empty
    council = privacy.locations_for_role(pts, "council", k=3)
    x, y = _sweref(council["lon"].to_numpy(), council["lat"].to_numpy())
    assert np.allclose(np.mod(x, 250), 125, atol=0.5)  # lat/lon are rounded to 6 decimals (~0.1 m)
    assert np.allclose(np.mod(y, 250), 125, atol=0.5)  # lat/lon are rounded to 6 decimals (~0.1 m)
    source = set(zip(pts["lat"].round(6), pts["lon"].round(6)))
    assert not source & set(zip(council["lat"], council["lon"]))
    assert privacy.precision_for("public", category) == "area"
    assert privacy.precision_for("council", category) == "grid"
    assert privacy.precision_for("analyst", category) == "source"


def test_caches_are_catalogued_as_caches():
    from pax import model

    caches = {c.id for c in model.CATEGORIES if getattr(c, "is_cache", False)}
    assert {"weapon_cache", "drug_cache"} <= caches


def _attack_parts_and_total(values, keys, hidden, labels) -> list[str]:
    """An integer-program attacker that sees the parts of one table as published and,
    beside them, their total as its own perturbed figure."""
    from tests.attacker import Attacker

    attacker = Attacker(POLICY)
    cells = [attacker.unknown(f"del {i}", n) for i, n in enumerate(values)]
    shown = privacy.perturb(values, keys, POLICY)
    for i, s in enumerate(shown):
        attacker.shown(f"del {i}", [i], labels[i] if hidden[i] else privacy.label(s, POLICY.k), s)
    total = privacy.perturb([sum(values)], [privacy.combine_keys(keys)], POLICY)[0]
    attacker.shown("summa", cells, privacy.label(total, POLICY.k), total)
    return attacker.pinned()


def test_a_perturbed_part_that_its_perturbed_total_pins_is_hidden():
    """Parts 3 and 3 published as 3 and 4 beside their total 6 published as 4: the total is
    at most 6 and the parts at least 3 each, so all three are exactly known. The
    suppression sees the perturbed figures as an attacker does and hides the parts."""
    rng = np.random.default_rng(7)
    values = np.array([3.0, 3.0])
    for _ in range(5000):
        keys = rng.integers(0, privacy.KEY_MODULUS, size=2)
        shown = privacy.perturb(values, keys, POLICY)
        total = privacy.perturb([6.0], [privacy.combine_keys(keys)], POLICY)[0]
        if np.maximum(POLICY.k, shown - POLICY.noise).sum() >= total + POLICY.noise:
            break
    else:
        pytest.fail("no such keys")
    groups = [[np.arange(2)]]
    plain, plain_labels = privacy.suppress(values, POLICY.k, groups)
    assert not plain.any()
    assert _attack_parts_and_total(values, keys, plain, plain_labels) != []
    hidden, labels = privacy.suppress(values, POLICY.k, groups, noise=(keys, POLICY))
    assert hidden.all() and labels == [privacy.HIDDEN, privacy.HIDDEN]
    assert _attack_parts_and_total(values, keys, hidden, labels) == []
