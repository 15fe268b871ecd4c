"""Issue 14, the briefing: every figure of the Översikt briefing and of every RegSO's
briefing is a figure of a protected view or a function of such figures — the same counts
and labels the pages show, rates and changes computed from them, the trend and its
sentence as the published trend. The views themselves are attacked together in
test_attack_views.py and test_attack_trend.py, so the briefing adds nothing an attacker
could use; a briefing that printed a true count would fail here."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pax import i18n, model
from tests.attacker import same_as_published
from tests.conftest import DEMO_END
from ui import briefing as ub
from ui import components as c


def _check_trend(section, cached, areas) -> None:
    """The section's monthly chart and sentence are the published trend's."""
    start = ub._months_back(DEMO_END, 24)
    frame, last, prior = cached.monthly_total(start, DEMO_END, [], areas)
    fig = section.figures[0]
    bars = np.array([np.nan if y is None else y for y in fig.data[0].y], dtype=float)
    same_as_published(bars, frame["count"].astype(float).where(~frame["count_suppressed"]))
    rolling = [t for t in fig.data if t.type == "scatter"]
    if rolling:
        same_as_published(np.array(rolling[0].y, dtype=float), frame["rolling"])
    else:
        assert frame["rolling"].isna().all()
    assert c.trend_sentence(last, prior) in section.sentences


def test_the_overview_briefing_shows_only_published_figures(cached):
    b = ub.overview_briefing(DEMO_END, DEMO_END - dt.timedelta(days=14), [])
    here = b.sections[0]
    start = DEMO_END - dt.timedelta(days=27)
    before = (ub._year_earlier(start), ub._year_earlier(DEMO_END))
    windows = {"now": (start, DEMO_END), "before": before}
    counts = cached.window_counts(windows).set_index(["category", "window"])
    zero = pd.Series({"count": 0, "count_label": "0"})  # a window without events: no row
    tiles = {t.label: t for t in here.tiles}
    for cat in model.CATEGORIES:
        tile = tiles[cat.label_sv]
        now = counts.loc[(cat.id, "now")] if (cat.id, "now") in counts.index else zero
        before = counts.loc[(cat.id, "before")] if (cat.id, "before") in counts.index else zero
        assert tile.value == str(now["count_label"])
        assert tile.delta == c.change_text(now["count"], before["count"])
    _check_trend(here, cached, None)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_regso_briefing_shows_only_published_figures(cached, lang, monkeypatch):
    """All 31 RegSO briefings: the tiles, the table per category and the trend."""
    monkeypatch.setenv("PAX_LANGUAGE", lang)
    end = DEMO_END
    start = end - dt.timedelta(days=364)
    regso = cached.areas("regso")
    population = float(regso["population"].sum())
    counts = cached.area_counts(start, end, "regso").set_index("code")
    kommun = cached.window_counts({"year": (start, end)}).set_index("category")
    per_category = {
        cat.id: cached.area_counts(start, end, "regso", [cat.id]).set_index("code")
        for cat in model.CATEGORIES
    }
    for code in regso["code"]:
        b = ub.area_briefing(code, "regso", end)
        section = b.sections[0]
        this = counts.loc[code]
        assert section.tiles[0].value == str(this["count_label"])
        assert section.tiles[1].value == i18n.number(
            float(this["count"]) / this["population"] * 1000
            if pd.notna(this["count"]) and this["population"] >= 500
            else None,
            2,
            lang,
        )
        table = section.tables[0][1]
        assert len(table) == len(model.CATEGORIES)
        for row, cat in zip(table.itertuples(index=False), model.CATEGORIES):
            here = per_category[cat.id].loc[code]
            whole = kommun.loc[cat.id] if cat.id in kommun.index else None
            assert row[1] == str(here["count_label"])
            assert row[2] == i18n.number(here["rate_per_1000"], 2, lang)
            assert row[3] == (str(whole["count_label"]) if whole is not None else "0")
            whole_rate = (
                float(whole["count"]) / population * 1000
                if whole is not None and pd.notna(whole["count"])
                else None
            )
            assert row[4] == i18n.number(whole_rate, 2, lang)
        _check_trend(section, cached, cached.selection([code], False))
