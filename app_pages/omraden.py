"""Områden: one neighbourhood across the three horizons over time, against the
municipality and similar areas, with a generated summary. The URL names the area."""

import streamlit as st

from ui import briefing, cached, profile
from ui import components as c
from ui.state import t

c.require_store()
c.page_header("page_areas", t("app_subtitle"))

area = profile.choose()
profile.header(area)
c.fictional_notice()
summary = st.container()
end = cached.as_of()
left, right = st.columns(2, gap="large")
with left:
    sentences = profile.events(area, end)
with right:
    sentences += profile.trust(area)
sentences += profile.long_term(area)
with summary:
    profile.summary(sentences)
c.disclosure_note()
briefing.download_buttons(
    lambda: briefing.area_briefing(area.code, area.level, end), key=f"omraden_{area.code}"
)
