"""Översikt: the three horizons side by side (the start page and the big screen).

On the wall screen (presentation mode) 'Sedan förra mötet' stands as a fourth column
beside the horizons, so the whole page fits 1920×1080 without scrolling."""

import streamlit as st

from ui import briefing, cached, kiosk
from ui import components as c
from ui import overview as o
from ui.state import t

c.require_store()
presenting = kiosk.active()
end = cached.as_of()
if presenting:  # title, data date, the comparison and the demo-data notice on one line
    c.kiosk_header("page_overview", end, f" · {t('change')} {t('vs_last_year')}")
else:
    c.page_header("page_overview", t("app_subtitle"))
    c.fictional_notice()
MAP_HEIGHT = 230 if presenting else 300
columns = st.columns([1, 1, 1, 0.8] if presenting else 3, gap="medium" if presenting else "large")
horizons = (
    ("horizon_here_and_now", t("horizon_here_and_now_sub") + " · " + t("last_days", n=28),
     c.events_delivered, lambda: o.here_and_now_tiles(end),
     lambda: o.here_and_now_map(end, MAP_HEIGHT), "app_pages/har_och_nu.py"),
    ("horizon_trust", t("horizon_trust_sub") + " · " + t("ytd"),
     lambda: c.delivered(o.TRUST_TILES), lambda: o.trust_tiles(end),
     lambda: o.trust_map(MAP_HEIGHT), "app_pages/fortroende.py"),
    ("horizon_social", t("horizon_social_sub"),
     lambda: True, o.social_tiles, lambda: o.social_map(MAP_HEIGHT),
     "app_pages/social_hallbarhet.py"),
)  # fmt: skip
for column, (title, caption, ready, tiles, draw_map, page) in zip(columns, horizons):
    with column:
        st.subheader(t(title))
        st.caption(caption)
        if ready():  # a horizon without data says what is missing instead of zeros
            o.show_tiles(tiles(), compact=presenting)
            draw_map()
        st.page_link(page, label=t("open_page"), icon=":material/arrow_forward:")
with columns[3] if presenting else st.container():
    since, found = o.since_last_meeting(end)
    c.disclosure_note()
if not presenting:
    briefing.download_buttons(
        lambda: briefing.overview_briefing(end, since, [f.sentence for f in found]), key="oversikt"
    )
