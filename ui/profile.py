"""Områden: one neighbourhood across all three horizons over time, against the
municipality and similar areas, with a short generated summary of what moved most."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from pax import figures, i18n, model, published, safe
from ui import cached, state
from ui import components as c
from ui.state import lang, t

SURVEY = ("trust_police", "willing_to_testify", "unsafe_at_night", "refrain_activities")
LONG_TERM = (
    "population",
    "employment_rate_16_64",
    "share_low_economic_standard",
    "share_post_secondary_25_64",
    "share_rental_dwellings",
    "youth_neet_16_24",
    "eligible_upper_secondary",
    "overcrowding",
)


@dataclass
class Area:
    code: str
    name: str
    level: str
    population: float | None
    similar: list[str]
    names: dict[str, str]


def choose() -> Area:
    a, b = st.columns([1, 3])
    level = c.level_select(a)
    areas = cached.areas(level)
    names = dict(zip(areas["code"], areas["name"]))
    default = c.default_areas(names)[0]
    code = state.select(
        t("area"),
        sorted(names, key=names.get),
        "omrade",
        default,
        format_func=names.get,
        container=b,
    )
    return area_of(level, code)


def area_of(level: str, code: str) -> Area:
    """The area `code` of `level` with its three most similar areas (the page's choice)."""
    areas = cached.areas(level)
    names = dict(zip(areas["code"], areas["name"]))
    similar = cached.similar(level, code, "structure", 3)["code"].tolist()
    population = areas.set_index("code")["population"].get(code)
    return Area(code, names[code], level, population, similar, names)


def _table(rows: list[dict], numbers: tuple, decimals: int, name: str) -> pd.DataFrame:
    """A profile table from rows: missing numbers as "–", not "None" (every column but
    the text ones as numbers), the `numbers` columns with `decimals` in the viewer's
    number format, with its downloads."""
    table = pd.DataFrame(rows)
    text = (t("category"), t("events"), t("indicator"), t("year"), t("unit"), t("source"))
    for col in table.columns:
        if col not in text:
            table[col] = pd.to_numeric(table[col], errors="coerce")
    c.number_table(table, dict.fromkeys(numbers, decimals), width="stretch")
    c.downloads(table, name)
    return table


def header(area: Area) -> None:
    status = cached.police_status()
    status = status[status["area_code"] == area.code]
    if not status.empty:
        s = status.iloc[0]
        st.warning(
            t(
                "police_list_status",
                year=s["year"],
                status=safe.markdown(i18n.term(s["status"], lang())),
                area=safe.markdown(s["police_area"]),
                since=i18n.date(s["since"], lang()),
            ),
            icon=":material/policy:",
        )
    similar = ", ".join(safe.markdown(area.names[s]) for s in area.similar)
    st.caption(t("profile_compared", similar=similar))


def event_table(area: Area, end: dt.date) -> pd.DataFrame:
    """Events by category in the 12 months to `end`: the area's count and rate per 1 000
    inhabitants against the municipality's rate and the similar areas' mean — the table of
    the page and of the area's briefing."""
    start = end - dt.timedelta(days=364)
    rows = []
    labels = cached.categories().set_index("id")["label_en" if lang() == "en" else "label_sv"]
    kommun_pop = cached.areas("kommun")["population"].iloc[0]
    for cat in labels.index[:5]:
        cat_counts = cached.area_counts(start, end, area.level, [cat]).set_index("code")
        kommun_total, _ = cached.events_total(start, end, [cat])
        similar_rates = cat_counts.loc[cat_counts.index.isin(area.similar), "rate_per_1000"]
        here = cat_counts.loc[area.code] if area.code in cat_counts.index else None
        rows.append(
            {
                t("category"): labels[cat],
                t("events"): here["count_label"] if here is not None else "0",
                t("per_1000_short"): here["rate_per_1000"] if here is not None else None,
                t("municipality"): (
                    kommun_total / kommun_pop * 1000
                    if kommun_total is not None and kommun_pop
                    else None
                ),
                t("similar_areas"): similar_rates.mean() if similar_rates.notna().any() else None,
            }
        )
    return pd.DataFrame(rows)


EVENT_RATES = ("per_1000_short", "municipality", "similar_areas")  # columns of event_table


def event_trend(area: Area, end: dt.date):
    """The area's monthly events over three years (its DeSO and RegSO together): (first
    month, codes, months, last 12 months, the 12 before) — for the page and the briefing."""
    trend_start = published.trend_start(end)
    children = cached.selection([area.code], False) or [area.code]
    monthly, last12, prior12 = cached.monthly_total(trend_start, end, None, children)
    return trend_start, children, monthly, last12, prior12


def events(area: Area, end: dt.date) -> list[str]:
    """Events by category in the last 12 months per 1 000 inhabitants against the
    municipality and the similar areas; the monthly trend with intervention periods."""
    st.subheader(t("horizon_here_and_now"))
    if not c.events_delivered() or not c.events_placed():
        return []
    start = end - dt.timedelta(days=364)
    sentences = []
    _table(
        event_table(area, end).to_dict("records"),
        tuple(t(k) for k in EVENT_RATES),
        2,
        f"handelser_{area.code}",
    )
    c.source_caption([*cached.event_sources(), "scb_deso"], i18n.date_range(start, end, lang()))
    trend_start, children, monthly, last12, prior12 = event_trend(area, end)
    shaded = c.presence_spans(cached.presence(trend_start, end), children, trend_start, end)
    c.chart(
        cached.figure(
            figures.monthly_trend,
            monthly,
            f"{t('trend')} – {area.name}",
            t("events"),
            t("rolling"),
            shaded,
            font_size=c.font(),
        ),
    )
    sentence = c.trend_sentence(last12, prior12)
    st.markdown(sentence)
    c.table_view(
        monthly[["month", "count_label", "rolling"]].set_axis(
            [t("month"), t("count"), t("rolling")], axis=1
        ),
        f"trend_{area.code}",
        {t("rolling"): 1},
    )
    sentences.append(f"{safe.markdown(area.name)}: {sentence[0].lower()}{sentence[1:]}")
    if shaded:
        st.caption(t("shaded_presence"))
    return sentences


def trust(area: Area) -> list[str]:
    st.subheader(t("horizon_trust"))
    if not c.delivered(SURVEY):
        return []
    indicator_id = state.select(
        t("indicator"),
        list(SURVEY),
        "enk",
        SURVEY[0],
        format_func=lambda i: i18n.name(cached.indicator(i), lang()),
    )
    row = cached.indicator(indicator_id)
    codes = [area.code, model.KOMMUN_CODE, *area.similar]
    frame = cached.survey(indicator_id, codes=codes, lang=lang())
    if frame.empty:
        st.info(t("no_data"))
        return []
    series_name = {area.code: area.name, model.KOMMUN_CODE: t("municipality")}
    shown = frame[frame["area_code"].isin([area.code, model.KOMMUN_CODE])].assign(
        series=lambda d: d["area_code"].map(series_name)
    )
    fig = cached.figure(
        figures.lines_with_band,
        shown.dropna(subset=["value"]),
        "period",
        "value",
        "low",
        "high",
        "series",
        f"{i18n.name(row, lang())} (%)",
        font_size=c.font(),
    )
    c.chart(fig)
    latest = frame[frame["period"] == frame["period"].max()].set_index("area_code")
    similar_mean = latest.loc[latest.index.isin(area.similar), "value"].mean()
    here = latest["value"].get(area.code)
    whole = latest["value"].get(model.KOMMUN_CODE)
    why = latest["hidden_reason"].get(area.code, "")
    if why:
        st.caption(f"{safe.markdown(area.name)}: {why}.")
    table = pd.DataFrame(
        [
            {
                t("year"): frame["period"].max(),
                area.name: here,
                t("municipality"): whole,
                t("similar_areas"): similar_mean,
                t("interval"): (
                    f"{i18n.number(latest['low'].get(area.code), 0, lang())}–"
                    f"{i18n.number(latest['high'].get(area.code), 0, lang())} %"
                    if pd.notna(here)
                    else "–"
                ),
            }
        ]
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            col: st.column_config.NumberColumn(format="%.0f")
            for col in (area.name, t("municipality"), t("similar_areas"))
        },
    )
    c.downloads(table, f"{indicator_id}_{area.code}")
    c.source_caption([row["source_id"]], f"{frame['period'].min()}–{frame['period'].max()}")
    mine = frame[(frame["area_code"] == area.code)].dropna(subset=["value"])
    if len(mine) >= 2:
        diff = mine["value"].iloc[-1] - mine["value"].iloc[0]
        return [
            t(
                "profile_trust_change",
                name=safe.markdown(i18n.name(row, lang())),
                area=safe.markdown(area.name),
                diff=("+" if diff > 0 else "") + i18n.number(diff, 0, lang()),
                first=mine["period"].iloc[0],
                last=mine["period"].iloc[-1],
            )
        ]
    return []


def long_term(area: Area) -> list[str]:
    st.subheader(t("horizon_social"))
    rows, moves, sources = [], [], []
    for indicator_id in LONG_TERM:
        row = cached.indicator(indicator_id)
        values = cached.measure_values(
            indicator_id, codes=[area.code, model.KOMMUN_CODE, *area.similar]
        )
        if values.empty:
            continue
        year = values["period"].max()
        latest = values[values["period"] == year].set_index("area_code")["value"]
        mine = values[values["area_code"] == area.code]
        sources.append(row["source_id"])
        publisher = c.publisher(row["source_id"])
        change = (
            mine["value"].iloc[-1] - mine["value"].iloc[0]
            if mine["period"].nunique() >= 2
            else None
        )
        rows.append(
            {
                t("indicator"): i18n.name(row, lang()),
                t("year"): year,
                area.name: latest.get(area.code),
                t("municipality"): latest.get(model.KOMMUN_CODE),
                t("similar_areas"): latest[latest.index.isin(area.similar)].mean(),
                t("change").capitalize(): change,
                t("unit"): i18n.unit(row["unit"], lang()),
                t("source"): publisher,
            }
        )
        if change is not None and row["kind"] != "count":
            moves.append(
                (
                    abs(change),
                    i18n.name(row, lang()),
                    change,
                    mine["period"].iloc[0],
                    mine["period"].iloc[-1],
                    publisher,
                )
            )
    if not rows:
        c.missing_source("measures")
        return []
    table = _table(
        rows,
        (area.name, t("municipality"), t("similar_areas"), t("change").capitalize()),
        1,
        f"lang_sikt_{area.code}",
    )
    c.source_caption(sources, "2010–" + str(table[t("year")].max()))
    out = []
    for _, name, change, first, last, source in sorted(moves, reverse=True)[:1]:
        out.append(
            t(
                "profile_long_move",
                name=safe.markdown(name[0].lower() + name[1:]),
                diff=("+" if change > 0 else "") + i18n.number(change, 1, lang()),
                first=first,
                last=last,
                source=source,
            )
        )
    return out


def summary(sentences: list[str]) -> None:
    if not sentences:
        return
    st.info(f"**{t('summary')}** " + " ".join(sentences), icon=":material/summarize:")
