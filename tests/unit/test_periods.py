import datetime as dt

import pytest

from pax.periods import parse_period


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024", ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31))),
        ("2024-Q1", ("2024-Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31))),
        ("2024K4", ("2024-Q4", dt.date(2024, 10, 1), dt.date(2024, 12, 31))),
        ("2024-02", ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
        ("2024M12", ("2024-12", dt.date(2024, 12, 1), dt.date(2024, 12, 31))),
        ("2024-W09", ("2024-W09", dt.date(2024, 2, 26), dt.date(2024, 3, 3))),
    ],
)
def test_periods_parse_to_start_and_end(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize("text", ["2024-13", "2024-W54", "24", "", "1800", "2024-Q5", "abc"])
def test_bad_periods_are_refused_with_a_reason(text):
    with pytest.raises(ValueError, match="okänd period"):
        parse_period(text)
