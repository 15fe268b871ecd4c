"""Områden: one neighbourhood across the three horizons, against the municipality."""

import datetime as dt

import streamlit as st

from pax import i18n, model
from ui import cached, state
from ui import components as c
from ui.state import lang, t

c.require_store()
c.page_header("page_areas", t("app_subtitle"))

regso = cached.areas("regso")
names = dict(zip(regso["code"], regso["name"]))
default = "hovsjo" if "hovsjo" in names else next(iter(names))
code = state.select(t("area"), list(names), "omrade", default, format_func=names.get)
area = regso[regso["code"] == code].iloc[0]
status = cached.police_status()
status = status[status["area_code"] == code]
if not status.empty:
    s = status.iloc[0]
    st.warning(
        f"Polisens lista {s['year']}: **{s['status']}** ({s['police_area']}), "
        f"sedan {i18n.date(s['since'], lang())}.",
        icon=":material/policy:",
    )
c.fictional_notice()

end = cached.as_of()
start = end - dt.timedelta(days=364)
period = i18n.date_range(start, end, lang())
col1, col2, col3 = st.columns(3, gap="large")
with col1:
    st.subheader(t("horizon_here_and_now"))
    area_counts = cached.area_counts(start, end, "regso")
    kommun = cached.window_counts({"year": (start, end)})
    this = area_counts[area_counts["code"] == code].iloc[0]
    kommun_total = kommun["count"].sum()
    rate = this["rate_per_1000"]
    kommun_rate = kommun_total / regso["population"].sum() * 1000
    c.tile(t("events"), this["count_label"], source=c.source_line(["demo_events"], period))
    c.tile(
        "Händelser per 1 000 invånare" if lang() == "sv" else "Events per 1,000 inhabitants",
        i18n.number(rate, 2, lang()),
        f"{t('municipality')}: {i18n.number(kommun_rate, 2, lang())}",
        delta_color="off",
        source=c.source_line(["demo_events", "scb_deso"], period),
    )
with col2:
    st.subheader(t("horizon_trust"))
    for ind in ("trust_police", "willing_to_testify", "unsafe_at_night"):
        row = cached.indicator(ind)
        values = cached.measure_values(ind, codes=[code, model.KOMMUN_CODE])
        if values.empty:
            continue
        latest = values[values["period"] == values["period"].max()].set_index("area_code")
        here = latest["value"].get(code)
        whole = latest["value"].get(model.KOMMUN_CODE)
        c.tile(
            i18n.name(row, lang()),
            i18n.number(here, 0, lang()) + " %",
            f"{t('municipality')}: {i18n.number(whole, 0, lang())} %",
            delta_color="off",
            source=c.source_line([row["source_id"]], values["period"].max()),
        )
with col3:
    st.subheader(t("horizon_social"))
    for ind in (
        "population",
        "employment_rate_16_64",
        "share_low_economic_standard",
        "eligible_upper_secondary",
    ):
        row = cached.indicator(ind)
        values = cached.measure_values(ind, codes=[code, model.KOMMUN_CODE])
        if values.empty:
            continue
        latest = values[values["period"] == values["period"].max()].set_index("area_code")
        decimals = 0 if row["kind"] == "count" else 1
        unit = "" if row["kind"] == "count" else f" {i18n.unit(row['unit'], lang())}"
        whole = latest["value"].get(model.KOMMUN_CODE)
        c.tile(
            i18n.name(row, lang()),
            i18n.number(latest["value"].get(code), decimals, lang()) + unit,
            None
            if row["kind"] == "count"
            else f"{t('municipality')}: {i18n.number(whole, decimals, lang())}{unit}",
            delta_color="off",
            source=c.source_line([row["source_id"]], values["period"].max()),
        )

st.subheader(
    "Förebyggande närvaro i området" if lang() == "sv" else "Preventive presence in the area"
)
deso_codes = cached.areas("deso").query("parent_code == @code")["code"].tolist()
presence = cached.interventions()
presence = presence[presence["area_code"].isin(deso_codes)]
if presence.empty:
    st.info(t("no_data"))
else:
    labels = {k: (v[1] if lang() == "en" else v[0]) for k, v in model.INTERVENTION_TYPES.items()}
    table = presence.assign(type=presence["type"].map(labels))[
        ["type", "area_name", "start_date", "end_date", "intensity", "owner"]
    ]
    st.dataframe(table, hide_index=True, width="stretch")
    c.source_caption(
        ["demo_interventions"], i18n.date_range(presence["start_date"].min(), end, lang())
    )
c.disclosure_note()
