"""Social hållbarhet: the long-term horizon by neighbourhood, on real SCB figures."""

import streamlit as st

from pax import i18n, maps
from ui import cached, state
from ui import components as c
from ui.state import lang, t

c.require_store()
c.page_header("page_social", t("horizon_social"))

cat = cached.catalog()
social = cat[cat["horizon"] == "social"]
themes = list(dict.fromkeys(social["theme"]))
a, b, d = st.columns([1, 2, 1])
theme = state.select(
    t("theme"), themes, "tema", "work", format_func=lambda x: t(f"theme_{x}"), container=a
)
options = social[social["theme"] == theme]
names = dict(zip(options["id"], [i18n.name(r, lang()) for _, r in options.iterrows()]))
ind_id = state.select(
    t("indicator"), list(names), "ind", list(names)[0], format_func=names.get, container=b
)
level = state.select(
    t("level"),
    ["deso", "regso"],
    "niva",
    "deso",
    format_func=lambda v: t(f"level_{v}"),
    container=d,
)
row = cached.indicator(ind_id)
if row["fictional"]:
    c.fictional_notice()

values = cached.measure_latest(ind_id, level)
if values.empty:
    st.info(t("no_data"))
    st.stop()
year = values["period"].iloc[0]
kommun = cached.measure_values(ind_id, "kommun")
kommun_value = kommun[kommun["period"] == year]["value"]
kommun_value = kommun_value.iloc[0] if not kommun_value.empty else None
decimals = 0 if row["kind"] == "count" else 1
unit = i18n.unit(row["unit"], lang())

shapes = cached.areas(level)[["code", "name", "geometry"]]
data = shapes.merge(
    values[["area_code", "value"]], left_on="code", right_on="area_code", how="left"
)
data["label"] = [
    f"{n}: {i18n.number(v, decimals, lang())} {unit}" for n, v in zip(data["name"], data["value"])
]
palette = maps.PALETTE_GOOD if row["better"] == "higher" else maps.PALETTE
m = maps.base_map(height=600)
maps.add_areas(
    m,
    data,
    i18n.name(row, lang()),
    "value",
    palette=palette,
    legend_title=f"{i18n.name(row, lang())} ({unit}) – {t('better_' + row['better'])}",
    fmt=lambda v: i18n.number(v, decimals, lang()),
)
maps.finish(m)

map_col, table_col = st.columns([3, 2], gap="large")
with map_col:
    st.subheader(f"{i18n.name(row, lang())}, {year}")
    c.render_map(m, key=f"social_map_{level}", height=600)
with table_col:
    st.metric(
        f"{t('municipality')} {year}",
        f"{i18n.number(kommun_value, decimals, lang())} {unit}",
    )
    table = data[["name", "value"]].sort_values("value", ascending=row["better"] == "lower")
    value_col = f"{t('value')} ({unit})" if unit else t("value")
    table = table.rename(columns={"name": t("area"), "value": value_col})
    st.dataframe(
        table,
        hide_index=True,
        height=470,
        column_config={value_col: st.column_config.NumberColumn(format=f"%.{decimals}f")},
    )
    c.downloads(table, f"{ind_id}_{level}_{year}")
c.source_caption([row["source_id"]], year)
with st.expander(t("indicator") + ": " + i18n.name(row, lang())):
    st.markdown(row["definition_en"] if lang() == "en" else row["definition_sv"])
    st.caption(t("better_" + row["better"]))
