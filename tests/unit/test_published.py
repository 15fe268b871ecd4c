"""pax.published: the fixed 'since' choices and what near-repeat warnings return by role."""

from __future__ import annotations

import datetime as dt

import duckdb

from pax import privacy, published
from tests.conftest import DEMO_END

POLICY = privacy.Policy(k=3, noise=2)


def test_since_choices_are_the_meetings_of_the_last_year_then_fixed_spans():
    end = dt.date(2026, 6, 30)
    meetings = [dt.date(2025, 1, 1), dt.date(2026, 5, 20), dt.date(2026, 6, 17), end]
    choices = published.since_choices(end, meetings)
    assert [c.since for c in choices[:2]] == [dt.date(2026, 6, 17), dt.date(2026, 5, 20)]
    assert [c.days for c in choices[2:]] == [7, 14, 28, 91]
    assert choices[4].since == end - dt.timedelta(days=27)
    assert published.default_since(choices).since == dt.date(2026, 6, 17)
    assert published.default_since(published.since_choices(end, [])).days == 28


def test_near_repeat_expected_count_and_p_are_for_analysts_only(store_env):
    con = duckdb.connect(store_env["PAX_STORE"], read_only=True)
    found = 0
    for end in (DEMO_END - dt.timedelta(days=d) for d in range(0, 360, 30)):
        analyst = published.near_repeats(con, POLICY, end, None, None, "analyst")
        if analyst.empty:
            continue
        found += 1
        assert {"expected", "p"} <= set(analyst.columns)
        for role in ("public", "council"):
            shown = published.near_repeats(con, POLICY, end, None, None, role)
            assert not {"expected", "p"} & set(shown.columns)
            assert len(shown) == len(analyst)
    assert found


def test_month_sum_names_a_sum_only_when_every_month_is_shown():
    import pandas as pd

    whole = published.month_sum(pd.Series([3.0, 0.0, 5.0]), pd.Series([False, False, False]))
    assert whole.value == 8 and whole.hidden == 0
    part = published.month_sum(pd.Series([3.0, None, 5.0]), pd.Series([False, True, False]))
    assert part.value is None and part.shown == 8 and part.hidden == 1
    rolling = published.rolling_mean(pd.Series([1.0] * 13), pd.Series([False] * 12 + [True]))
    assert rolling.iloc[11] == 1.0 and pd.isna(rolling.iloc[12])
