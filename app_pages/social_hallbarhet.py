"""Social hållbarhet: the long-term horizon by neighbourhood, on real SCB figures."""

import streamlit as st

from ui import cached, social
from ui import components as c
from ui.state import t

c.require_store()
c.page_header("page_social", t("horizon_social"))

choice = social.picker()
if choice.indicator["fictional"]:
    c.fictional_notice()
result = social.map_and_table(choice)
if result is None:
    st.stop()
data, year = result
areas = cached.areas(choice.level)
names = dict(zip(areas["code"], areas["name"]))
left, right = st.columns([3, 2], gap="large")
with left:
    social.over_time(choice, names)
with right:
    social.similar_areas(choice, data, year, names)
