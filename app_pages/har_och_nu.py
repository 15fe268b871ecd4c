"""Här och nu: where and when events happen, and the preventive presence."""

from pax import i18n, maps, model
from ui import cached, components as c, state
from ui.state import lang, t

import streamlit as st

c.require_store()
c.page_header("page_here_and_now", t("horizon_here_and_now_sub"))
c.fictional_notice()

end = cached.as_of()
left, mid, right = st.columns([1, 2, 1])
days = state.select(t("period"), list(state.PERIODS), "dagar", "90",
                    format_func=lambda d: t("last_days", n=d), container=left)
cat_label = {cat.id: (cat.label_en if lang() == "en" else cat.label_sv) for cat in model.CATEGORIES}
categories = state.multiselect(t("categories"), list(cat_label), "kat", list(cat_label),
                               format_func=cat_label.get, container=mid)
level = state.select(t("level"), ["regso", "deso"], "niva", "regso",
                     format_func=lambda v: t(f"level_{v}"), container=right)
start, end = state.period_window(end, state.PERIODS[days])
period = i18n.date_range(start, end, lang())

if not categories:
    st.warning(t("no_data"))
    st.stop()

counts = cached.area_counts(start, end, level, categories)
counts["label"] = [f"{n}: {lbl}" for n, lbl in zip(counts["name"], counts["count_label"])]
heat = cached.heat_points(start, end, categories, state.role())

m = maps.base_map(height=620)
maps.add_areas(m, counts, t("layer_areas") if level == "regso" else "DeSO", "count",
               legend_title=t("events"), fmt=lambda v: i18n.number(v, 0, lang()))
if not heat.empty:
    maps.add_heat(m, heat, t("layer_heat"))
police = cached.police_status()
outlines = police.drop_duplicates("police_area").assign(
    label=lambda d: d["police_area"] + " – " + d["status"] + " (" + d["year"].astype(str) + ")")
maps.add_outlines(m, outlines, t("layer_police"))
places = cached.places().assign(label=lambda d: d["name"])
maps.add_points(m, places, t("layer_schools"))
maps.finish(m)

map_col, table_col = st.columns([3, 2], gap="large")
with map_col:
    c.render_map(m, key="har_och_nu_map", height=620)
    if heat.empty:
        st.caption(t("heat_hidden"))
    c.source_caption(["demo_events", "scb_geo", "polisen_uso"], period)
with table_col:
    # A hidden count lies between 1 and k-1: sort it there, not after the zeros.
    order = counts["count"].astype(float).fillna(0.5).where(~counts["count_suppressed"], 1.5)
    table = counts.assign(_order=order).sort_values("_order", ascending=False)
    shown = table[["name", "count_label", "rate_per_1000"]].rename(columns={
        "name": t("area"), "count_label": t("events"), "rate_per_1000": "per 1 000 inv."})
    st.dataframe(shown, hide_index=True, height=560,
                 column_config={"per 1 000 inv.": st.column_config.NumberColumn(format="%.2f")})
    c.downloads(shown, f"handelser_{level}_{start}_{end}")
