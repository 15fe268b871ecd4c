"""Sums over several categories (issue 8, follow-up): a viewer who compares the same area
for two nested category filters (all categories, then all but one) and subtracts must never
get a count in 1…k−1."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pax import privacy

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COUNT = st.one_of(st.integers(0, 3), st.integers(0, 12), st.integers(0, 40))


def _parts(table: list[list[int]]) -> pd.DataFrame:
    """One row per area and category."""
    return pd.DataFrame(
        [
            {"code": f"a{i}", "category": f"c{j}", "count": n}
            for i, row in enumerate(table)
            for j, n in enumerate(row)
        ]
    )


def _view(parts: pd.DataFrame, chosen: set[str], k: int) -> pd.DataFrame:
    """What a page shows per area for a category filter: the protected sum, with the
    municipal total as a margin (as ui/cached.py area_counts)."""
    raw = parts[parts["category"].isin(chosen)]
    codes = pd.DataFrame({"code": sorted(parts["code"].unique())})
    frame = codes.merge(raw.groupby("code", as_index=False)["count"].sum(), how="left")
    frame["count"] = frame["count"].fillna(0)
    hide = privacy.small_parts(frame, ["code"], raw, k)
    policy = privacy.Policy(k=k)
    return privacy.protect_counts(frame, ["count"], policy, margins=[[]], hide=hide)


def test_a_sum_with_a_small_category_is_hidden_as_dots():
    parts = _parts([[10, 1], [10, 10]])
    shown = _view(parts, {"c0", "c1"}, 3)
    assert shown["count_label"].iloc[0] == privacy.HIDDEN
    assert bool(shown["count_suppressed"].iloc[0])
    # the municipal total is a margin: a complement keeps area a0 from being 41 − 20
    assert shown["count_suppressed"].sum() >= 2
    assert shown["count_label"].iloc[1] == privacy.HIDDEN


def test_one_category_alone_keeps_the_ordinary_rule():
    parts = _parts([[10, 1], [10, 10], [4, 0]])
    shown = _view(parts, {"c1"}, 3)
    plain = privacy.protect_counts(
        shown[["code"]].assign(count=[1, 10, 0]), ["count"], privacy.Policy(k=3), margins=[[]]
    )
    assert list(shown["count_label"]) == list(plain["count_label"])


def test_zero_in_a_category_does_not_hide_the_sum():
    parts = _parts([[10, 0], [10, 10], [5, 5]])
    shown = _view(parts, {"c0", "c1"}, 3)
    assert not shown["count_suppressed"].any()


def test_the_engine_hides_without_a_margin_too():
    hidden, labels = privacy.suppress(np.array([10.0, 7.0]), 3, [], np.array([True, False]))
    assert list(hidden) == [True, False] and labels == [privacy.HIDDEN, None]


@given(st.lists(st.lists(COUNT, min_size=2, max_size=4), min_size=1, max_size=5), st.data())
@SETTINGS
def test_differences_of_nested_category_filters_never_give_a_small_count(table, data):
    n_cat = len(table[0])
    table = [(row + [0] * n_cat)[:n_cat] for row in table]
    k = data.draw(st.integers(3, 5))
    parts = _parts(table)
    cats = [f"c{j}" for j in range(n_cat)]
    big = set(data.draw(st.lists(st.sampled_from(cats), min_size=1, unique=True)))
    small = set(data.draw(st.lists(st.sampled_from(sorted(big)), unique=True)))
    a, b = _view(parts, big, k), _view(parts, small, k)
    for (_, x), (_, y) in zip(a.iterrows(), b.iterrows()):
        if x["count_suppressed"] or (small and y["count_suppressed"]):
            continue
        diff = float(x["count"]) - (float(y["count"]) if small else 0.0)
        assert not (1 <= diff <= k - 1), (table, big, small, k)
        for label in (x["count_label"], y["count_label"]):
            assert label == privacy.HIDDEN or label.startswith("<") or float(label) >= 0
