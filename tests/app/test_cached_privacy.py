"""The cached layer's protected tables against the raw store (issue 8): month totals of
the Pax actions are never sums of protected parts, and every shown count is the true one
perturbed by its cell key — the same records give the same figure in every view."""

from __future__ import annotations

import datetime as dt

import duckdb

from pax import privacy, queries

POLICY = privacy.Policy(k=3, noise=2)


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
        keys = raw.groupby("period")["value_key"].sum()
        totals = cached.measure_monthly(indicator_id, first, end).set_index("period")
        cells = cached.measure_by_breakdown(indicator_id, first, end)
        for period, row in totals.iterrows():
            if row["value_suppressed"]:
                # Its breakdowns cannot add up to it.
                assert cells.loc[cells["period"] == period, "value_suppressed"].all()
            else:
                published = privacy.perturb([truth[period]], [keys[period]], POLICY)[0]
                assert row["value"] == published
                assert abs(row["value"] - truth[period]) <= POLICY.noise
                assert not privacy.is_small([row["value"]], 3)[0]
            checked += 1
    assert checked


def test_the_same_events_give_the_same_figure_in_compstat_the_tiles_and_the_map(cached, app_env):
    """CompStat's 28 days, the municipal total for the same days and the RegSO map: each
    shown count is the true count moved by at most the noise, never into 1…k−1, and a
    count made of the same records is the same figure wherever it appears."""
    end = dt.date.fromisoformat(app_env["PAX_DEMO_END"])
    start = end - dt.timedelta(days=27)
    con = duckdb.connect(app_env["PAX_STORE"], read_only=True)
    raw = queries.category_counts(con, start, end, None).set_index("category")
    rows = cached.compstat(end, [], None)
    month = rows[rows["window"] == "28d"].set_index("category")
    compared = 0
    for cat, row in month.iterrows():
        true = raw["count"].get(cat, 0)
        if row["now_suppressed"]:
            continue
        assert abs(row["now"] - true) <= POLICY.noise
        assert not privacy.is_small([row["now"]], 3)[0]
        one, label = cached.events_total(start, end, [cat])
        assert one == row["now"] and label == row["now_label"]
        compared += 1
    assert compared
    areas = cached.area_counts(start, end, "regso")
    truth = queries.event_counts(con, start, end, "regso").groupby("area_code")["count"].sum()
    for r in areas.itertuples():
        if not r.count_suppressed:
            assert abs(r.count - truth.get(r.code, 0)) <= POLICY.noise
    assert "count_key" not in areas and "now_key" not in rows


def test_too_little_noise_for_k_stops_the_app_with_a_swedish_message(app_env, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from pax import config

    monkeypatch.setenv("PAX_DISCLOSURE_K", "5")
    monkeypatch.setenv("PAX_CELL_KEY_NOISE", "1")
    at = AppTest.from_file(str(config.ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert "PAX_CELL_KEY_NOISE=1 är för litet för k=5" in at.error[0].value
    assert not at.metric  # no figure drawn


def test_a_chart_is_built_once_per_input_and_shared(cached):
    import pandas as pd

    from pax import figures

    monthly = pd.DataFrame({"month": ["2026-01", "2026-02"], "value": [4.0, 7.0]})
    first = cached.figure(figures.bars_with_target, monthly, "month", "value", "T", 5.0, "mål")
    again = cached.figure(
        figures.bars_with_target, monthly.copy(), "month", "value", "T", 5.0, "mål"
    )
    assert again is first  # the same input: the same figure, not built again
    changed = cached.figure(
        figures.bars_with_target,
        monthly.assign(value=[4.0, 8.0]),
        "month",
        "value",
        "T",
        5.0,
        "mål",
    )
    assert changed is not first and list(changed.data[0].y) == [4.0, 8.0]
    assert (
        cached.figure(
            figures.bars_with_target, monthly, "month", "value", "T", 5.0, "mål", font_size=20
        )
        is not first
    )  # keyword arguments are part of the key
