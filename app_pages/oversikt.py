"""Översikt: the three horizons side by side (the start page and the big screen)."""

import streamlit as st

from ui import briefing, cached
from ui import components as c
from ui import overview as o
from ui.state import t

c.require_store()
c.page_header("page_overview", t("app_subtitle"))
c.fictional_notice()

end = cached.as_of()
MAP_HEIGHT = 300
col1, col2, col3 = st.columns(3, gap="large")
with col1:
    st.subheader(t("horizon_here_and_now"))
    st.caption(t("horizon_here_and_now_sub") + " · " + t("last_days", n=28))
    o.show_tiles(o.here_and_now_tiles(end))
    o.here_and_now_map(end, MAP_HEIGHT)
    st.page_link("app_pages/har_och_nu.py", label=t("open_page"), icon=":material/arrow_forward:")
with col2:
    st.subheader(t("horizon_trust"))
    st.caption(t("horizon_trust_sub") + " · " + t("ytd"))
    o.show_tiles(o.trust_tiles(end))
    o.trust_map(MAP_HEIGHT)
    st.page_link("app_pages/fortroende.py", label=t("open_page"), icon=":material/arrow_forward:")
with col3:
    st.subheader(t("horizon_social"))
    st.caption(t("horizon_social_sub"))
    o.show_tiles(o.social_tiles())
    o.social_map(MAP_HEIGHT)
    st.page_link(
        "app_pages/social_hallbarhet.py", label=t("open_page"), icon=":material/arrow_forward:"
    )
since, found = o.since_last_meeting(end)
c.disclosure_note()
briefing.download_buttons(
    lambda: briefing.overview_briefing(end, since, [f.sentence for f in found]), key="oversikt"
)
