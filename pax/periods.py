"""Periods of measures: `2024`, `2024-Q1`, `2024-03`, `2024-W09` with start and end dates."""

from __future__ import annotations

import datetime as dt
import re

_PATTERNS = (
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})-?[QK]([1-4])$", re.IGNORECASE), "quarter"),
    (re.compile(r"^(\d{4})-?M?(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE), "week"),
)


def parse_period(text: str) -> tuple[str, dt.date, dt.date]:
    """Normalised period, first day and last day; ValueError with a Swedish reason."""
    value = str(text).strip()
    for pattern, kind in _PATTERNS:
        m = pattern.match(value)
        if not m:
            continue
        year = int(m.group(1))
        if not 1900 <= year <= 2100:
            break
        if kind == "year":
            return f"{year}", dt.date(year, 1, 1), dt.date(year, 12, 31)
        n = int(m.group(2))
        if kind == "quarter":
            start = dt.date(year, 3 * n - 2, 1)
            return f"{year}-Q{n}", start, _month_end(year, 3 * n)
        if kind == "month" and 1 <= n <= 12:
            return f"{year}-{n:02d}", dt.date(year, n, 1), _month_end(year, n)
        if kind == "week":
            try:
                start = dt.date.fromisocalendar(year, n, 1)
            except ValueError:
                break
            return f"{year}-W{n:02d}", start, start + dt.timedelta(days=6)
    raise ValueError(
        f"okänd period {value!r}: använd år (2024), kvartal (2024-Q1), månad (2024-03) "
        "eller vecka (2024-W09)"
    )


def _month_end(year: int, month: int) -> dt.date:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def month_period(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"
