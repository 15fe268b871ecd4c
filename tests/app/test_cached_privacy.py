"""The cached layer's protected tables against the raw store (issue 8): month totals of
the Pax actions are never sums of protected parts."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from pax import privacy, queries


@pytest.fixture
def cached(app_env):
    from ui import cached

    cached.clear()
    yield cached
    cached.clear()


def test_action_month_totals_are_the_whole_month_or_hidden(cached, app_env):
    end = dt.date.fromisoformat(app_env["PAX_DEMO_END"])
    first = dt.date(end.year - 1, end.month, 1)
    con = duckdb.connect(app_env["PAX_STORE"], read_only=True)
    checked = 0
    for indicator_id in (
        "intel_reports",
        "illicit_rentals_stopped",
        "business_inspections",
        "permits_revoked",
        "drug_seizures",
    ):
        raw = queries.measure_by_breakdown(con, indicator_id, first, end)
        if raw.empty:
            continue
        truth = raw.groupby("period")["value"].sum()
        totals = cached.measure_monthly(indicator_id, first, end).set_index("period")
        cells = cached.measure_by_breakdown(indicator_id, first, end)
        for period, row in totals.iterrows():
            if row["value_suppressed"]:
                # Its breakdowns cannot add up to it.
                assert cells.loc[cells["period"] == period, "value_suppressed"].all()
            else:
                assert row["value"] == truth[period]
                assert not privacy.is_small([row["value"]], 3)[0]
            checked += 1
    assert checked
