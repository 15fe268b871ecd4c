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


def test_a_protected_total_beside_hidden_parts_is_rounded():
    value, text = privacy.protect_total(23, parts_hidden=1, policy=POLICY)
    assert value == 25 and text.startswith("≈")
    assert privacy.protect_total(2, 0, POLICY)[1] == "<3"
    assert privacy.protect_total(23, 0, POLICY) == (23.0, "23")


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
    cells = privacy.locations_for_role(POINTS, "council")
    assert cells["weight"].sum() == 3
    assert len(cells) == 2  # the two nearby points share a cell
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
