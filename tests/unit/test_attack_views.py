"""Issue 14: Här och nu and Översikt for the whole municipality, attacked together — CompStat
(each category's week, 28 days and year to date against a year earlier), the tiles (each
category's 28 days and the caches' sum, now and a year earlier) and the monthly trend of
all categories and of each one — by the integer program of `tests/attacker.py`. Unknowns
are each category's true count in the pieces that the windows' and months' boundaries cut
the days into, so every nesting (week ⊂ 28 days ⊂ year to date, the months of this year
and the year to date) is seen by the attacker. Derived figures (difference, percentage,
verdict, the tiles' changes) must be functions of the shown counts. The views are
`pax.published`'s own, called in plain pytest (no Streamlit, no cache)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from pax import privacy, published, queries, stats
from tests.attacker import Attacker, same_as_published

POLICY = privacy.Policy(k=3, noise=2)
# The policy the views publish with (the app's: its settings, their defaults here).
SHOWN = privacy.Policy.from_config()


def _pieces(spans: list[tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """The day ranges that every span's boundaries cut their union into."""
    cuts = sorted({s for s, _ in spans} | {e + dt.timedelta(days=1) for _, e in spans})
    return [(a, b - dt.timedelta(days=1)) for a, b in zip(cuts, cuts[1:])]


@pytest.mark.parametrize("days_back", [0, 47, 190, 300])
def test_compstat_tiles_and_trend_together_pin_nothing(store_env, days_back):
    end = dt.date.fromisoformat(store_env["PAX_DEMO_END"]) - dt.timedelta(days=days_back)
    con = duckdb.connect(store_env["PAX_STORE"], read_only=True)
    categories = queries.categories(con)["id"].tolist()
    windows = stats.compstat_windows(end)
    trend_start = dt.date(end.year - 3, end.month, 1)
    months = pd.date_range(trend_start, end, freq="MS").date
    month_spans = [(m, min((pd.Timestamp(m) + pd.offsets.MonthEnd(0)).date(), end)) for m in months]
    spans = [(w.start, w.end) for w in windows] + [(w.prev_start, w.prev_end) for w in windows]
    pieces = _pieces(spans + month_spans)
    attacker = Attacker(POLICY)
    cell = {}
    for a, b in pieces:
        raw = queries.category_counts(con, a, b, None).set_index("category")["count"]
        for cat in categories:
            cell[(a, cat)] = attacker.unknown(f"{a}..{b} {cat}", raw.get(cat, 0))

    def cells(start, stop, cats):
        return [cell[(a, c)] for a, b in pieces if start <= a and b <= stop for c in cats]

    rows = published.compstat(con, SHOWN, end, None, None)
    for r in rows.itertuples(index=False):
        w = next(x for x in windows if x.name == r.window)
        attacker.shown(f"CompStat {r.window} {r.category}", cells(w.start, w.end, [r.category]),
                       r.now_label, r.now)  # fmt: skip
        attacker.shown(f"CompStat {r.window} {r.category} i fjol",
                       cells(w.prev_start, w.prev_end, [r.category]), r.before_label, r.before)  # fmt: skip
        both = not (r.now_suppressed or r.before_suppressed)
        same_as_published([r.diff], [r.now - r.before if both else None])
        if both and r.before > 0:
            same_as_published([r.pct], [(r.now - r.before) / r.before * 100])
        verdict = stats.change_verdict(int(r.now), int(r.before), 1.0) if both else None
        if r.window != "ytd":  # ytd compares windows of other lengths: its own ratio
            assert (None if pd.isna(r.verdict) else r.verdict) == verdict
    w28 = next(x for x in windows if x.name == "28d")
    for group in (["shooting"], ["explosion"], ["car_fire"], ["drug_cache", "weapon_cache"]):
        for start, stop in ((w28.start, w28.end), (w28.prev_start, w28.prev_end)):
            value, label = published.events_total(con, SHOWN, start, stop, group)
            attacker.shown(f"ruta {group} {start}", cells(start, stop, group), label, value)
    for chosen in [None, *[[c] for c in categories]]:
        frame, _, _ = published.monthly_trend(con, SHOWN, trend_start, end, chosen or None, None)
        for r, (m, stop) in zip(frame.itertuples(index=False), month_spans):
            attacker.shown(f"månad {m} {chosen or 'alla'}", cells(m, stop, chosen or categories),
                           r.count_label, r.count)  # fmt: skip
    assert len(attacker.figures) > 200
    assert attacker.pinned() == []


@pytest.mark.parametrize("days", [28, 90, 365])
def test_the_regso_maps_and_the_municipal_counts_together_pin_nothing(store_env, days):
    """The RegSO map (Här och nu, Områden) for all categories and for each one, with its
    rates, beside each category's municipal count for the same days (CompStat's 28 days,
    the tiles): unknowns are each RegSO's true count per category and, per category, the
    events placed on the municipality only."""
    end = dt.date.fromisoformat(store_env["PAX_DEMO_END"])
    start = end - dt.timedelta(days=days - 1)
    con = duckdb.connect(store_env["PAX_STORE"], read_only=True)
    categories = queries.categories(con)["id"].tolist()
    regso = queries.event_counts(con, start, end, "regso").set_index(["area_code", "category"])
    municipal = queries.event_counts(con, start, end, "kommun").set_index("category")["count"]
    codes = queries.areas(con, "regso")["code"].tolist()
    attacker = Attacker(POLICY)
    cell = {
        (a, c): attacker.unknown(f"{a} {c}", regso["count"].get((a, c), 0))
        for a in codes
        for c in categories
    }
    for c in categories:
        placed = sum(regso["count"].get((a, c), 0) for a in codes)
        cell[("kommun", c)] = attacker.unknown(f"kommunen {c}", municipal.get(c, 0) - placed)
    for chosen in [None, *[[c] for c in categories]]:
        frame = published.area_counts(con, SHOWN, start, end, "regso", chosen)
        for r in frame.itertuples(index=False):
            cats = chosen or categories
            attacker.shown(f"karta {r.code} {chosen or 'alla'}", [cell[(r.code, c)] for c in cats],
                           r.count_label, r.count)  # fmt: skip
        rate = frame["count"].astype(float) / frame["population"].astype(float) * 1000
        allowed = frame["population"].astype(float) >= POLICY.min_population_for_rate
        same_as_published(frame["rate_per_1000"], rate.where(allowed))
    for c in categories:
        value, label = published.events_total(con, SHOWN, start, end, [c])
        attacker.shown(f"kommunen {c}", [cell[(a, c)] for a in [*codes, "kommun"]], label, value)
    assert attacker.pinned() == []


@pytest.mark.parametrize("days", [28, 365])
def test_the_weekday_grids_and_the_municipal_counts_together_pin_nothing(store_env, days):
    """The weekday × time grid for all categories and for each one (a cell it leaves out
    is a shown 0) beside each category's municipal count for the same days."""
    end = dt.date.fromisoformat(store_env["PAX_DEMO_END"])
    start = end - dt.timedelta(days=days - 1)
    con = duckdb.connect(store_env["PAX_STORE"], read_only=True)
    categories = queries.categories(con)["id"].tolist()
    raw = queries.weekday_hour_counts(con, start, end, None, None, by_category=True)
    truth = raw.set_index(["weekday", "hour", "category"])["count"]
    blocks = [(d, h) for d in range(1, 8) for h in range(0, 24, 3)]
    attacker = Attacker(POLICY)
    cell = {
        (d, h, c): attacker.unknown(f"{d} {h} {c}", truth.get((d, h, c), 0))
        for d, h in blocks
        for c in categories
    }
    for chosen in [None, *[[c] for c in categories]]:
        grid = published.weekday_hour(con, SHOWN, start, end, chosen or None, None).set_index(
            ["weekday", "hour"]
        )
        for d, h in blocks:
            cells = [cell[(d, h, c)] for c in chosen or categories]
            if (d, h) in grid.index:
                r = grid.loc[(d, h)]
                attacker.shown(f"{d} {h} {chosen or 'alla'}", cells, r["count_label"], r["count"])
            else:
                attacker.shown(f"{d} {h} {chosen or 'alla'}", cells, "0")
    for c in categories:
        value, label = published.events_total(con, SHOWN, start, end, [c])
        attacker.shown(f"kommunen {c}", [cell[(d, h, c)] for d, h in blocks], label, value)
    assert attacker.pinned() == []
