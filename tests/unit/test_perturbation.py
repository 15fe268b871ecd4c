"""The cell-key perturbation of shown counts (issue 8: differencing across views).

A shown count n ≥ k is published as n + d, d in −D…D and never below k, chosen by the
cell's key (the sum of its records' secret keys). These tests prove the table's
promises: small counts and zeros untouched, the same records always the same figure,
and two published counts of nested cells never telling a difference of 1…k−1."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pax import model, privacy, queries

POLICY = privacy.Policy(k=3, noise=2)


@given(
    values=st.lists(st.integers(0, 500), min_size=1, max_size=40),
    keys=st.lists(st.integers(0, privacy.KEY_MODULUS - 1), min_size=40, max_size=40),
    k=st.integers(3, 6),
    noise=st.integers(1, 4),
)
@settings(max_examples=200, deadline=None)
def test_perturbation_keeps_zero_and_small_counts_and_stays_within_the_noise(
    values, keys, k, noise
):
    policy = privacy.Policy(k=k, noise=noise)
    v = np.array(values, dtype=float)
    out = privacy.perturb(v, keys[: len(v)], policy)
    small = privacy.is_small(v, k)
    assert (out[v == 0] == 0).all()
    assert (out[small] == v[small]).all()
    big = v >= k
    assert (out[big] >= k).all(), "a shown count is never pushed into 1…k−1"
    assert (np.abs(out - v) <= noise).all()
    assert not privacy.is_small(out[big], k).any()
    # The same count and key give the same figure, whatever else is in the batch.
    again = privacy.perturb(v[::-1], keys[: len(v)][::-1], policy)[::-1]
    assert (again == out).all()


def test_every_perturbation_of_the_table_occurs_and_zero_is_the_most_likely():
    keys = np.arange(0, privacy.KEY_MODULUS, 97)
    out = privacy.perturb(np.full(len(keys), 50.0), keys, POLICY) - 50
    values, counts = np.unique(out, return_counts=True)
    assert values.tolist() == [-2, -1, 0, 1, 2]
    assert counts[2] == counts.max()
    # At k, only upward moves remain possible.
    low = privacy.perturb(np.full(len(keys), 3.0), keys, POLICY)
    assert set(np.unique(low)) == {3.0, 4.0, 5.0}


def test_noise_zero_publishes_exact_counts():
    exact = privacy.Policy(k=3, noise=0)
    v = np.array([0, 1, 3, 17, 250], dtype=float)
    assert (privacy.perturb(v, [5, 6, 7, 8, 9], exact) == v).all()


@pytest.mark.parametrize(("k", "noise"), [(3, 1), (3, 2), (4, 2), (5, 2), (5, 3), (7, 3)])
def test_two_nested_published_counts_never_tell_a_small_difference(k, noise):
    """Whatever two nested cells are published as (a week and its 28 days, a DeSO and
    its RegSO), the differences consistent with them are never all in 1…k−1 — checked
    here by brute force, independently of `noise_guards_differences`."""
    policy = privacy.Policy(k=k, noise=noise)
    top = 3 * k + 8 * noise
    rng = np.random.default_rng(k * 10 + noise)
    for a in range(top):
        for b in range(a, top):
            ka, kb = rng.integers(0, privacy.KEY_MODULUS, 2)
            sa = privacy.perturb([a], [ka], policy)[0]
            sb = privacy.perturb([b], [kb], policy)[0]
            sa = np.nan if privacy.is_small([a], k)[0] else sa
            sb = np.nan if privacy.is_small([b], k)[0] else sb
            found = privacy.possible_differences(sa, sb, policy, top)
            assert b - a in found, "the true difference is always among the possible ones"
            if np.isnan(sa) or np.isnan(sb):
                continue  # a <k label already says its own cell is small
            assert not all(1 <= d <= k - 1 for d in found), (a, b, sa, sb, found)


def test_too_little_noise_for_k_is_refused_with_a_swedish_reason(monkeypatch):
    assert privacy.noise_guards_differences(3, 1)
    assert not privacy.noise_guards_differences(5, 1)
    monkeypatch.setenv("PAX_DISCLOSURE_K", "5")
    monkeypatch.setenv("PAX_CELL_KEY_NOISE", "1")
    with pytest.raises(ValueError, match="för litet"):
        privacy.Policy.from_config()
    monkeypatch.setenv("PAX_CELL_KEY_NOISE", "0")
    assert privacy.Policy.from_config().noise == 0


def _store(events: list[tuple]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(model.SCHEMA)
    con.execute(
        "INSERT INTO areas VALUES ('D1', 'Ett', 'deso', 'R1', NULL, 1.0, '{}', 's'),"
        "('R1', 'Reg', 'regso', NULL, NULL, 1.0, '{}', 's')"
    )
    for event_id, day in events:
        con.execute(
            "INSERT INTO events VALUES (?, ?, 'shooting', NULL, NULL, 'D1', 'deso', 1, 's', NULL)",
            [event_id, day],
        )
    return con


def test_the_same_records_give_the_same_key_in_every_view_and_other_records_another():
    end = dt.date(2026, 11, 27)
    con = _store([(f"e{i}", dt.datetime(2026, 11, 21 + i % 7)) for i in range(6)])
    week = queries.category_counts(con, end - dt.timedelta(days=6), end, None)
    month = queries.category_counts(con, end - dt.timedelta(days=27), end, None)
    by_area = queries.event_counts(con, end - dt.timedelta(days=27), end, "regso")
    monthly = queries.monthly_counts(con, dt.date(2026, 11, 1), end, None)
    # No event between the 28 days' start and the week's: the same records, one key.
    assert week["count_key"].iloc[0] == month["count_key"].iloc[0]
    assert by_area["count_key"].iloc[0] == week["count_key"].iloc[0]
    assert monthly["count_key"].iloc[0] == week["count_key"].iloc[0]
    con.execute(
        "INSERT INTO events VALUES ('e9', '2026-11-02', 'shooting', NULL, NULL, "
        "'D1', 'deso', 1, 's', NULL)"
    )
    grown = queries.category_counts(con, end - dt.timedelta(days=27), end, None)
    assert grown["count"].iloc[0] == 7
    assert grown["count_key"].iloc[0] != week["count_key"].iloc[0]


def test_the_secret_changes_every_key(monkeypatch):
    end = dt.date(2026, 11, 27)
    con = _store([(f"e{i}", dt.datetime(2026, 11, 22)) for i in range(5)])
    first = queries.category_counts(con, end - dt.timedelta(days=6), end, None)
    monkeypatch.setenv("PAX_CELL_KEY_SECRET", "another secret")
    second = queries.category_counts(con, end - dt.timedelta(days=6), end, None)
    assert first["count_key"].iloc[0] != second["count_key"].iloc[0]


def test_protect_counts_perturbs_by_the_key_and_drops_it():
    frame = pd.DataFrame({"count": [0, 2, 40, 40], "count_key": [1, 2, 3, 900_000]})
    out = privacy.protect_counts(frame, ["count"], POLICY)
    assert "count_key" not in out
    assert out["count_label"].tolist()[:2] == ["0", "<3"]
    assert abs(out["count"].iloc[2] - 40) <= 2
    assert out["count_label"].iloc[2] == str(int(out["count"].iloc[2]))
    # Without a key column nothing is perturbed (the property tests' tables).
    plain = privacy.protect_counts(frame.drop(columns="count_key"), ["count"], POLICY)
    assert plain["count"].iloc[2] == 40


def test_a_category_sum_is_perturbed_as_the_cell_it_is():
    parts = pd.DataFrame(
        {
            "code": ["A", "A", "B", "B"],
            "category": ["x", "y", "x", "y"],
            "count": [10.0, 7.0, 0.0, 9.0],
            "count_key": [100, 200, 0, 300],
        }
    )
    summed = privacy.protect_category_sum(parts, ["code"], None, POLICY, [])
    expected = privacy.perturb([17.0], [300], POLICY)[0]
    assert summed.set_index("code").at["A", "count"] == expected
    assert "count_key" not in summed


def test_the_council_grid_weighs_cells_by_published_counts():
    """A 250 m cell's weight is readable in the page: 1…k−1 events weigh k−1, k or more
    the count perturbed by the cell's key; the same events give the same weight."""
    lat, lon = 59.2, 17.63
    points = pd.DataFrame(
        {
            "lat": [lat] * 9 + [59.25],
            "lon": [lon] * 9 + [17.70],
            "precision": "exact",
            "n": 1,
            "weight_key": [11_000 * (i + 1) for i in range(10)],
        }
    )
    cells = privacy.locations_for_role(points, "council", policy=POLICY).sort_values("weight")
    assert cells["weight"].tolist()[0] == 2.0  # the lone event: <3 weighs 2
    big = cells["weight"].iloc[-1]
    assert big == privacy.perturb([9.0], [sum(11_000 * (i + 1) for i in range(9))], POLICY)[0]
    assert abs(big - 9) <= 2 and "weight_key" not in cells
    again = privacy.locations_for_role(points.iloc[::-1], "council", policy=POLICY)
    assert sorted(again["weight"]) == sorted(cells["weight"])
