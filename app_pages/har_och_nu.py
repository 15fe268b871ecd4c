"""Här och nu: where and when events happen, whether it is more than usual, the tested
hotspots and the preventive presence."""

import streamlit as st

from ui import cached
from ui import components as c
from ui import here_and_now as h

c.require_store()
c.page_header("page_here_and_now", h.t("horizon_here_and_now_sub"))
c.fictional_notice()
if not c.events_delivered():
    if not cached.intervention_sources():
        c.missing_source("interventions")
    st.stop()

view = h.filters()
if view is None:
    st.stop()
map_col, side = st.columns([3, 2], gap="large")
with map_col:
    h.map_section(view)
with side:
    codes, scope_name = h.scope(view)
    h.compstat_section(view, codes, scope_name)
trend_col, pattern_col = st.columns([3, 2], gap="large")
with trend_col:
    h.trend_section(view, codes, scope_name)
with pattern_col:
    h.patterns_section(view, codes)
h.warning_section(view, codes)
c.disclosure_note()
