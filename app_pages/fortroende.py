"""Förtroende och informationsdelning: information flow, trust and the Pax actions."""

import datetime as dt

import streamlit as st

from pax import figures, i18n
from ui import cached
from ui import components as c
from ui.state import lang, t

c.require_store()
c.page_header("page_trust", t("horizon_trust"))
c.fictional_notice()

end = cached.as_of()
first = dt.date(end.year - 1, end.month, 1)
reports = cached.measure_by_breakdown("intel_reports", first, end)
row = cached.indicator("intel_reports")
st.subheader(i18n.name(row, lang()))
if reports.empty:
    st.info(t("no_data"))
else:
    reports = reports.assign(month=[i18n.month_label(p, lang()) for p in reports["period"]])
    fig = figures.stacked_bars(
        reports.fillna({"value": 0}),
        "month",
        "value",
        "breakdown",
        i18n.name(row, lang()) + " per förvaltning och månad",
    )
    st.plotly_chart(fig, width="stretch")
    c.source_caption([row["source_id"]], i18n.date_range(first, end, lang()))

left, right = st.columns(2, gap="large")
for column, theme in ((left, "police_actions"), (right, "municipal_actions")):
    with column:
        st.subheader(t(f"theme_{theme}"))
        cat = cached.catalog()
        for indicator_id in cat.loc[cat["theme"] == theme, "id"]:
            c.year_to_date_tile(indicator_id, end)

st.subheader(t("theme_survey"))
trust = cached.measure_latest("trust_police", "regso")
if not trust.empty:
    kommun = cached.measure_latest("trust_police", "kommun")
    fig = figures.ranked_bars(
        trust.rename(columns={"area_code": "code"}),
        "area_name",
        "value",
        i18n.name(cached.indicator("trust_police"), lang()) + " (%)",
        reference=kommun["value"].iloc[0] if not kommun.empty else None,
        reference_label=t("municipality"),
        height=700,
    )
    st.plotly_chart(fig, width="stretch")
    c.source_caption(["demo_trust"], trust["period"].iloc[0])
