"""Issue 14: the monthly trend (Här och nu, Områden, the tiles' sparklines, the briefing)
against an attacker with an integer program over everything the view shows — its months,
its rolling mean and its 12-month sentence — in every public trend view: the municipality,
the police-listed group, every RegSO and every DeSO; all categories and each one."""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pax import privacy, published, queries
from tests.attacker import Attacker, same_as_published
from tests.conftest import DEMO_END

POLICY = privacy.Policy(k=3, noise=2)


@pytest.fixture(scope="module")
def con(store_env):
    connection = duckdb.connect(store_env["PAX_STORE"], read_only=True)
    yield connection
    connection.close()


def trend_selections(con) -> list[tuple[str, list[str] | None]]:
    """Every area filter a public viewer can choose on Här och nu and Områden."""
    out = [("kommunen", None)]
    listed = queries.police_status(con)["area_code"].tolist()
    out.append(("polisens lista", queries.area_children(con, listed)))
    for level in ("regso", "deso"):
        for code in queries.areas(con, level)["code"]:
            out.append((code, queries.area_children(con, [code])))
    return out


def _check_derived(frame: pd.DataFrame, last, prior) -> None:
    """The rolling mean and the 12-month sums are functions of the published months."""
    shown = frame["count"].astype(float).where(~frame["count_suppressed"])
    expected = shown.rolling(12, min_periods=12).mean()
    same_as_published(frame["rolling"], expected, published.ROLLING_DECIMALS)
    for block, s in ((frame.iloc[-12:], last), (frame.iloc[-24:-12], prior)):
        visible = block["count"].astype(float).where(~block["count_suppressed"])
        assert s.hidden == int(block["count_suppressed"].sum()) and s.months == len(block)
        assert s.shown == pytest.approx(visible.sum())
        assert (s.value is None) == bool(s.hidden)
        if s.value is not None:
            assert s.value == pytest.approx(visible.sum())


def attack_trends(raw: pd.DataFrame, categories, start: dt.date, end: dt.date, views):
    """One attacker that sees the trend views `views` (None: all categories; [c]: one) of
    the month × category counts `raw`: (attacker, {(month, category): unknown}, months)."""
    raw = raw.assign(month=pd.to_datetime(raw["month"]).dt.date)
    truth = raw.groupby(["month", "category"])["count"].sum()
    months = pd.date_range(pd.Timestamp(start).replace(day=1), end, freq="MS").date
    attacker = Attacker(POLICY)
    cell = {
        (m, c): attacker.unknown(f"{m:%Y-%m} {c}", truth.get((m, c), 0))
        for m in months
        for c in categories
    }
    for chosen in views:
        frame, last, prior = published.trend_from_counts(
            raw, categories, POLICY, start, end, chosen
        )
        _check_derived(frame, last, prior)
        name = "alla" if chosen is None else chosen[0]
        for row in frame.itertuples(index=False):
            cells = [cell[(row.month, c)] for c in chosen or categories]
            attacker.shown(f"{row.month:%Y-%m} {name}", cells, row.count_label, row.count)
    return attacker, cell, months


def attack_area(con, codes, start: dt.date, end: dt.date, categories: list[str]):
    """One attacker for one area filter that sees the all-categories trend and every
    one-category trend of it (each a public view; together what a viewer can collect)."""
    raw = queries.monthly_counts(con, start, end, None, codes)
    views = [None, *[[c] for c in categories]]
    return attack_trends(raw, categories, start, end, views)


def test_every_public_trend_view_pins_nothing(con):
    """All 504 public trend views of the test store (84 area filters × all categories and
    each of five), each view's months, rolling mean and 12-month sentence; the six views
    of one area filter attacked together."""
    end = DEMO_END
    start = dt.date(end.year - 3, end.month, 1)
    categories = queries.categories(con)["id"].tolist()
    found, views = [], 0
    for name, codes in trend_selections(con):
        attacker, _, _ = attack_area(con, codes, start, end, categories)
        views += 1 + len(categories)
        found += [f"{name}: {p}" for p in attacker.pinned()]
    assert views == 6 * 84
    assert found == []


def test_the_old_rolling_mean_is_caught_by_the_attacker(con):
    """The attacker can fail: the rule issue 14 found (a rolling mean of the true months
    whose 12-month sums were rounded to 5) pins hidden months in the test store too."""
    end = DEMO_END
    start = dt.date(end.year - 3, end.month, 1)
    categories = queries.categories(con)["id"].tolist()
    pinned = 0
    for _, codes in trend_selections(con)[:12]:
        attacker, cell, months = attack_area(con, codes, start, end, categories)
        total = pd.Series(
            [sum(attacker.truth[cell[(m, c)]] for c in categories) for m in months], dtype=float
        )
        sums = total.rolling(12, min_periods=12).sum()
        for i in range(11, len(months)):
            rounded = 5 * round(sums.iloc[i] / 5)
            cells = [cell[(m, c)] for m in months[i - 11 : i + 1] for c in categories]
            attacker.derived(f"rullande {months[i]}", cells, rounded - 2.5, rounded + 2.5)
        pinned += len(attacker.pinned())
    assert pinned > 0


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None
)
@given(
    counts=st.lists(
        st.lists(st.sampled_from([0, 0, 0, 1, 1, 2, 3, 4, 6, 9]), min_size=3, max_size=3),
        min_size=26,
        max_size=30,
    ),
    seed=st.integers(0, 2**20),
)
def test_random_trends_pin_nothing(counts, seed):
    """Random sparse stores (months × three categories, random cell keys): the views of the
    trend, all categories and each one together, pin no hidden month and no perturbed
    count, and their derived figures are functions of their published months."""
    end = dt.date(2026, 6, 30)
    months = pd.date_range(end=pd.Timestamp(end).replace(day=1), periods=len(counts), freq="MS")
    start = months[0].date()
    rng = np.random.default_rng(seed)
    categories = ["a", "b", "c"]
    rows = [
        {
            "month": m.date(),
            "category": c,
            "count": n,
            "count_key": int(rng.integers(privacy.KEY_MODULUS)) if n else 0,
        }
        for m, row in zip(months, counts)
        for c, n in zip(categories, row)
        if n
    ]
    raw = pd.DataFrame(rows, columns=["month", "category", "count", "count_key"])
    # Attacked together: the all-categories months are the totals of the one-category
    # months, each perturbed on its own; the suppression hides a count they would pin.
    views = [None, *[[c] for c in categories]]
    attacker, _, _ = attack_trends(raw, categories, start, end, views)
    assert attacker.pinned() == []
