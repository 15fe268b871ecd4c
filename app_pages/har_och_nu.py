"""Här och nu: where and when events happen, and the preventive presence."""

import streamlit as st

from pax import i18n, maps
from ui import cached, state
from ui import components as c
from ui.state import lang, t

c.require_store()
c.page_header("page_here_and_now", t("horizon_here_and_now_sub"))
c.fictional_notice()

end = cached.as_of()
left, mid, right = st.columns([1, 2, 1])
days = state.select(
    t("period"),
    list(state.PERIODS),
    "dagar",
    "90",
    format_func=lambda d: t("last_days", n=d),
    container=left,
)
known = cached.categories()
cat_label = dict(zip(known["id"], known["label_en" if lang() == "en" else "label_sv"]))
core = known.loc[known["origin"] == "catalogue", "id"].tolist()
categories = state.multiselect(
    t("categories"),
    list(cat_label),
    "kat",
    core,
    format_func=cat_label.get,
    container=mid,
)
level = state.select(
    t("level"),
    ["regso", "deso"],
    "niva",
    "regso",
    format_func=lambda v: t(f"level_{v}"),
    container=right,
)
start, end = state.period_window(end, state.PERIODS[days])
period = i18n.date_range(start, end, lang())

if not categories:
    st.warning(t("no_data"))
    st.stop()

counts = cached.area_counts(start, end, level, categories)
counts["label"] = [f"{n}: {lbl}" for n, lbl in zip(counts["name"], counts["count_label"])]
heat = cached.heat_points(start, end, categories, state.role())

m = maps.events_map(
    counts,
    heat,
    cached.police_status(),
    cached.places(),
    {
        "areas": t("layer_areas") if level == "regso" else "DeSO",
        "legend": t("events"),
        "heat": t("layer_heat"),
        "police": t("layer_police"),
        "schools": t("layer_schools"),
    },
    fmt=lambda v: i18n.number(v, 0, lang()),
)

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
    shown = table[["name", "count_label", "rate_per_1000"]].rename(
        columns={"name": t("area"), "count_label": t("events"), "rate_per_1000": "per 1 000 inv."}
    )
    st.dataframe(
        shown,
        hide_index=True,
        height=560,
        column_config={"per 1 000 inv.": st.column_config.NumberColumn(format="%.2f")},
    )
    c.downloads(shown, f"handelser_{level}_{start}_{end}")
