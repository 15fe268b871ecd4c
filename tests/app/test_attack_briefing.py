"""Issue 14, the briefing: every figure of the Översikt briefing and of every RegSO's
briefing is a figure of a protected view or a function of such figures — the same counts
and labels the pages show, rates and changes computed from them, the trend and its
sentence as the published trend. The views themselves are attacked together in
test_attack_views.py and test_attack_trend.py, so the briefing adds nothing an attacker
could use; a briefing that printed a true count would fail here."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from pax import i18n, published
from tests.attacker import same_as_published
from tests.conftest import DEMO_END
from ui import briefing as ub
from ui import components as c
from ui import overview, profile


def _check_trend(section, cached, areas, categories) -> None:
    """The section's monthly chart and sentence are the published trend's, over the same
    months as on the pages (`published.trend_start`)."""
    start = published.trend_start(DEMO_END)
    frame, last, prior = cached.monthly_total(start, DEMO_END, categories, areas)
    fig = section.figures[0]
    bars = np.array([np.nan if y is None else y for y in fig.data[0].y], dtype=float)
    same_as_published(bars, frame["count"].astype(float).where(~frame["count_suppressed"]))
    rolling = [t for t in fig.data if t.type == "scatter"]
    if rolling:
        same_as_published(np.array(rolling[0].y, dtype=float), frame["rolling"])
    else:
        assert frame["rolling"].isna().all()
    assert c.trend_sentence(last, prior) in section.sentences


def _page_tiles(tiles) -> list[tuple]:
    return [(t.label, t.value, t.delta) for t in tiles]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_overview_briefing_prints_the_pages_figures(cached, lang, monkeypatch):
    """Tiles of the three horizons are Översikt's own; the trend is Här och nu's."""
    monkeypatch.setenv("PAX_LANGUAGE", lang)
    b = ub.overview_briefing(DEMO_END, DEMO_END - dt.timedelta(days=14), [])
    here, trust, social = b.sections
    assert _page_tiles(here.tiles) == _page_tiles(overview.here_and_now_tiles(DEMO_END))
    assert _page_tiles(trust.tiles) == _page_tiles(overview.trust_tiles(DEMO_END))
    assert _page_tiles(social.tiles) == _page_tiles(overview.social_tiles())
    _check_trend(here, cached, None, cached.categories()["id"].tolist())


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_regso_briefing_prints_the_pages_figures(cached, lang, monkeypatch):
    """All 31 RegSO briefings: the tiles are the Här och nu map's count and rate for the
    year, the table per category is Områden's, the trend is Områden's."""
    monkeypatch.setenv("PAX_LANGUAGE", lang)
    end = DEMO_END
    start = end - dt.timedelta(days=364)
    regso = cached.areas("regso")
    counts = cached.area_counts(start, end, "regso").set_index("code")
    for code in regso["code"]:
        b = ub.area_briefing(code, "regso", end)
        section = b.sections[0]
        this = counts.loc[code]
        assert section.tiles[0].value == str(this["count_label"])
        assert section.tiles[1].value == i18n.number(this["rate_per_1000"], 2, lang)
        area = profile.area_of("regso", code)
        page = profile.event_table(area, end)
        table = section.tables[0][1]
        assert table.columns.tolist() == page.columns.tolist()
        for key in profile.EVENT_RATES:
            column = i18n.t(key, lang)
            assert table[column].tolist() == [i18n.number(v, 2, lang) for v in page[column]]
        for column in page.columns[:2]:
            assert table[column].tolist() == page[column].tolist()
        _check_trend(section, cached, profile.event_trend(area, end)[1], None)
