"""Översikt: the three horizons side by side (the start page and the big screen)."""

import streamlit as st

from pax import i18n, model
from ui import cached
from ui import components as c
from ui.state import lang, period_window, t

c.require_store()
c.page_header("page_overview", t("app_subtitle"))
c.fictional_notice()

end = cached.as_of()
start, _ = period_window(end, 28)
last_year = (start.replace(year=start.year - 1), end.replace(year=end.year - 1))
counts = cached.window_counts({"now": (start, end), "before": last_year})
period = i18n.date_range(start, end, lang())

col1, col2, col3 = st.columns(3, gap="large")
with col1:
    st.subheader(t("horizon_here_and_now"))
    st.caption(t("horizon_here_and_now_sub") + " · " + t("last_days", n=28))
    for cat in model.CATEGORIES:
        rows = counts[counts["category"] == cat.id].set_index("window")
        now = rows["count"].get("now") if "now" in rows.index else 0
        before = rows["count"].get("before") if "before" in rows.index else 0
        label_now = rows["count_label"].get("now", "0") if "now" in rows.index else "0"
        delta = c.change_text(now, before)  # None when either count is hidden
        c.tile(
            cat.label_en if lang() == "en" else cat.label_sv,
            label_now,
            delta,
            delta_color="inverse",
            source=c.source_line(["demo_events"], period),
        )
    st.page_link("app_pages/har_och_nu.py", label=t("open_page"), icon=":material/arrow_forward:")

with col2:
    st.subheader(t("horizon_trust"))
    st.caption(t("horizon_trust_sub") + " · " + t("ytd"))
    for ind in ("intel_reports", "money_seized_sek", "illicit_rentals_stopped"):
        c.year_to_date_tile(ind, end)
    trust = cached.measure_values("trust_police", "kommun")
    if not trust.empty:
        latest = trust.iloc[-1]
        prev = trust.iloc[-2]["value"] if len(trust) > 1 else None
        row = cached.indicator("trust_police")
        c.tile(
            i18n.name(row, lang()),
            i18n.number(latest["value"], 0, lang()) + " %",
            c.change_text(latest["value"], prev, " pe"),
            source=c.source_line([row["source_id"]], latest["period"]),
        )
    st.page_link("app_pages/fortroende.py", label=t("open_page"), icon=":material/arrow_forward:")

with col3:
    st.subheader(t("horizon_social"))
    st.caption(t("horizon_social_sub"))
    for ind, decimals, unit in (
        ("population", 0, ""),
        ("employment_rate_16_64", 1, " %"),
        ("share_low_economic_standard", 1, " %"),
        ("eligible_upper_secondary", 1, " %"),
    ):
        row = cached.indicator(ind)
        values = cached.measure_values(ind, "kommun")
        if values.empty:
            continue
        latest = values.iloc[-1]
        c.tile(
            i18n.name(row, lang()),
            i18n.number(latest["value"], decimals, lang()) + unit,
            source=c.source_line([row["source_id"]], latest["period"]),
            help=row["definition_en"] if lang() == "en" else row["definition_sv"],
        )
    st.page_link(
        "app_pages/social_hallbarhet.py", label=t("open_page"), icon=":material/arrow_forward:"
    )

c.disclosure_note()
