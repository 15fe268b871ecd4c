"""Issue 17: a headline tile always says something. A hidden count reads in words
("färre än 3", "dolt") with a tooltip saying why, and — where the tile's own monthly trend
shows all of the last 12 months — their sum from those published months, never more."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import DEMO_END
from ui import overview


def _states(cached, ends):
    """{state: (end, tile, label)} for the first end date where a tile is in each state."""
    found = {}
    for end in ends:
        start = end - dt.timedelta(days=27)
        for tile, group in zip(overview.here_and_now_tiles(end), overview.CATEGORY_TILES):
            _, label = cached.events_total(start, end, list(group))
            state = "small" if label.startswith("<") else "hidden" if label == ".." else "shown"
            found.setdefault(state, (end, tile, label, group))
    return found


def test_tiles_say_in_words_what_they_can(cached):
    ends = [DEMO_END - dt.timedelta(days=d) for d in range(0, 400, 9)]
    found = _states(cached, ends)
    assert set(found) == {"shown", "small", "hidden"}, set(found)

    end, tile, label, _ = found["shown"]
    assert tile.value == label and tile.help is None

    end, tile, label, group = found["small"]
    assert tile.value == "färre än 3" and "1 och 3 − 1" in tile.help

    end, tile, label, group = found["hidden"]
    assert tile.value == "dolt" and "räkna fram" in tile.help

    for state in ("small", "hidden"):
        end, tile, label, group = found[state]
        spark_start = dt.date(end.year - 1, end.month, 1)
        frame, last12, _ = cached.monthly_total(spark_start, end, list(group), None)
        if last12.value is None:  # a month hidden: no figure at all
            assert tile.delta is None
        else:  # the sum of the 12 published months, as the trend shows them
            shown = frame["count"].iloc[-12:].astype(float).sum()
            assert tile.delta == f"{int(shown)} de senaste 12 månaderna"


@pytest.mark.parametrize(
    ("label", "value"), [("<3", "färre än 3"), ("..", "dolt"), ("12", "12"), ("0", "0")]
)
def test_a_hidden_tile_without_a_whole_year_shows_no_figure(label, value, app_env):
    class Partial:
        value = None

    out = overview.hidden_tile(label, Partial())
    assert out[0] == value
    assert out[1] is None
