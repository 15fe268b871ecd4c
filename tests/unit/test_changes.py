import datetime as dt

import pandas as pd

from pax import changes

START, END = dt.date(2026, 10, 31), dt.date(2026, 11, 27)
PREV = (dt.date(2025, 10, 31), dt.date(2025, 11, 27))


def _rows(*rows):
    return pd.DataFrame(rows, columns=["horizon", "subject", "now", "before", "source"])


def test_only_changes_beyond_normal_variation_are_selected():
    found = changes.candidates(
        _rows(
            ("here", "Bilbränder i Hovsjö", 14, 2 + 1, "Demo"),
            ("here", "Skottlossningar", 5, 4, "Demo"),
            ("trust", "Underrättelser", 80, 40, "Demo"),
        ),
        START,
        END,
        *PREV,
        k=3,
    )
    chosen = changes.select(found)
    assert [c.subject for c in chosen] == ["Underrättelser", "Bilbränder i Hovsjö"]
    assert "ökade: 80" in chosen[0].sentence and "Källa: Demo" in chosen[0].sentence


def test_small_counts_are_never_named():
    found = changes.candidates(
        _rows(("here", "Vapengömmor i X", 9, 1, "Demo")), START, END, *PREV, k=3
    )
    assert found == []


def test_at_most_five_and_at_most_two_per_horizon_when_others_have_news():
    rows = [("here", f"H{i}", 40 + i, 5, "D") for i in range(5)] + [("social", "S", 30, 5, "D")]
    chosen = changes.select(changes.candidates(_rows(*rows), START, END, *PREV, k=3))
    assert len(chosen) == 5
    assert [c.horizon for c in chosen[:3]].count("here") == 2 and "social" in [
        c.horizon for c in chosen
    ]


def test_decreases_are_reported_in_words():
    found = changes.candidates(
        _rows(("trust", "Anmäld påverkan", 3, 30, "D")), START, END, *PREV, k=3
    )
    assert changes.select(found)[0].sentence.startswith("Anmäld påverkan minskade: 3")
