"""The sections of the Förtroende och informationsdelning page: information flow, trust
and silence, and the Pax actions. Counts only; every figure with its source and period."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from pax import figures, i18n, maps, model, safe, stats
from ui import cached, state
from ui import components as c
from ui.state import lang, t

SURVEY = ("trust_police", "willing_to_testify", "unsafe_at_night", "refrain_activities")
FLOW_TILES = (
    "intel_reports",
    "deviations_reported",
    "feedback_median_days",
    "staff_trained_share",
    "collab_meetings",
    "improper_influence",
)


def _name(indicator_id: str) -> str:
    return i18n.name(cached.indicator(indicator_id), lang())


def _month_table(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(month=[i18n.month_label(p, lang()) for p in frame["period"]])


def information_flow(end: dt.date) -> None:
    st.header(t("information_flow"))
    if not c.delivered(FLOW_TILES):
        return
    cols = st.columns(len(FLOW_TILES))
    for col, indicator_id in zip(cols, FLOW_TILES):
        with col:
            if indicator_id == "staff_trained_share":
                latest_tile(indicator_id)
            else:
                c.year_to_date_tile(indicator_id, end)
    first = dt.date(end.year - 2, end.month, 1) + pd.offsets.MonthBegin(1)
    first = first.date() if hasattr(first, "date") else first
    reports = cached.measure_by_breakdown("intel_reports", first, end)
    departments = sorted(reports["breakdown"].dropna().unique())
    a, b = st.columns([3, 1])
    chosen = state.multiselect(
        t("departments"),
        departments,
        "forv",
        departments,
        container=a,
        format_func=lambda d: i18n.term(d, lang()),
    )
    view = state.select(
        t("view"),
        ["stacked", "multiples"],
        "vy",
        "stacked",
        format_func=lambda v: t(f"view_{v}"),
        container=b,
    )
    part = _month_table(reports[reports["breakdown"].isin(chosen)])
    part = part.assign(breakdown=[i18n.term(b, lang()) for b in part["breakdown"]])
    if part.empty:
        st.info(t("no_data"))
        return
    title = f"{_name('intel_reports')} – {t('departments').lower()}"
    # A hidden month has no bar; its hover says `<k` or `..`, never 0.
    text = "value_label" if "value_label" in part else None
    if view == "stacked":
        fig = cached.figure(
            figures.stacked_bars,
            part,
            "month",
            "value",
            "breakdown",
            title,
            font_size=c.font(),
            text=text,
        )
    else:
        fig = cached.figure(
            figures.small_multiples,
            part,
            "month",
            "value",
            "breakdown",
            title,
            font_size=c.font() - 2,
            text=text,
        )
    c.chart(fig)
    st.markdown(flow_sentence(part, chosen))
    with st.expander(t("show_table")):
        table = part[["month", "breakdown", "value_label" if "value_label" in part else "value"]]
        table.columns = [t("month"), t("department"), t("count")]
        st.dataframe(table, hide_index=True, width="stretch")
        c.downloads(table, f"underrattelser_{first}_{end}")
    c.source_caption(
        [cached.indicator("intel_reports")["source_id"]], i18n.date_range(first, end, lang())
    )


def flow_sentence(part: pd.DataFrame, chosen: list[str]) -> str:
    """Which department sent most reports in the last 12 months (shown values only)."""
    months = sorted(part["period"].unique())[-12:]
    recent = part[part["period"].isin(months)]
    by_dept = recent.groupby("breakdown")["value"].sum(min_count=1).dropna()
    if by_dept.empty:
        return ""
    top = by_dept.idxmax()
    share = by_dept.max() / by_dept.sum() * 100 if by_dept.sum() else 0
    return t(
        "flow_sentence",
        top=safe.markdown(top),
        n=len(chosen),
        share=i18n.number(share, 0, lang()),
    )


def latest_tile(indicator_id: str) -> None:
    row = cached.indicator(indicator_id)
    values = cached.measure_values(indicator_id, "kommun")
    if values.empty:
        return
    latest, before = values.iloc[-1], values.iloc[-13] if len(values) > 12 else None
    delta = c.change_text(latest["value"], before["value"] if before is not None else None, t("pp"))
    c.tile(
        _name(indicator_id),
        f"{i18n.number(latest['value'], 0, lang())} {i18n.unit(row['unit'], lang())}",
        delta,
        source=c.source_line([row["source_id"]], i18n.month_label(latest["period"], lang())),
    )


def trust_and_silence() -> None:
    st.header(t("trust_silence"))
    if not c.delivered(SURVEY):
        return
    a, b, d = st.columns(3)
    indicator_id = state.select(
        t("indicator"), list(SURVEY), "enk", SURVEY[0], format_func=_name, container=a
    )
    level = c.level_select(d)
    values = cached.survey(indicator_id, level, lang=lang())
    if values.empty:
        st.info(t("no_data"))
        return
    years = sorted(values["period"].unique(), reverse=True)
    year = state.select(t("survey_year"), years, "ar", years[0], container=b)
    row = cached.indicator(indicator_id)
    this = values[values["period"] == year]
    shapes = cached.areas(level)[["code", "name", "geometry"]]
    data = shapes.merge(this, left_on="code", right_on="area_code", how="left")
    data["label"] = [
        survey_label(n, v, lo, hi, k, why)
        for n, v, lo, hi, k, why in zip(
            data["name"],
            data["value"],
            data["low"],
            data["high"],
            data["denominator"],
            data["hidden_reason"],
        )
    ]
    palette = maps.PALETTE_GOOD if row["better"] == "higher" else maps.PALETTE
    m = maps.base_map(
        height=520, font_px=c.font(), lang=lang(), legends_below=True, settings=c.map_settings()
    )
    maps.add_areas(
        m,
        data,
        _name(indicator_id),
        "value",
        palette=palette,
        legend_title=f"{_name(indicator_id)} (%) – {t('better_' + row['better'])}",
        fmt=lambda v: i18n.number(v, 0, lang()),
        lang=lang(),
    )
    maps.finish(m, bounds=maps.framing(data), settings=c.map_settings())
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader(f"{safe.markdown(_name(indicator_id))}, {year}")
        c.render_map(m, key=f"trust_map_{level}", height=520)
        c.legend_below(m)
        c.source_caption([row["source_id"]], year)
    with right:
        table = data[["name", "value", "low", "high", "denominator", "hidden_reason"]].copy()
        table.columns = [
            t("area"),
            f"{t('value')} (%)",
            t("interval_low"),
            t("interval_high"),
            t("respondents"),
            t("why_hidden"),
        ]
        st.dataframe(
            table.sort_values(f"{t('value')} (%)", ascending=row["better"] == "lower"),
            hide_index=True,
            height=470,
            column_config={
                col: st.column_config.NumberColumn(format="%.0f")
                for col in (
                    f"{t('value')} (%)",
                    t("interval_low"),
                    t("interval_high"),
                    t("respondents"),
                )
            },
        )
        c.downloads(table, f"{indicator_id}_{level}_{year}")
    survey_lines(indicator_id, level, shapes)


def survey_label(name, value, low, high, n, why) -> str:
    if why:
        return t("survey_hidden", name=name, why=why)
    if value is None or pd.isna(value):
        return t("survey_missing", name=name)
    return (
        f"{name}: {i18n.number(value, 0, lang())} % (95 %: {i18n.number(low, 0, lang())}–"
        f"{i18n.number(high, 0, lang())} %, n = {int(n)})"
    )


def survey_lines(indicator_id: str, level: str, shapes: pd.DataFrame) -> None:
    names = dict(zip(shapes["code"], shapes["name"]))
    default = c.default_areas(names)[0]
    code = state.select(
        t("area"), sorted(names, key=names.get), "omrade", default, format_func=names.get
    )
    kommun = model.KOMMUN_CODE
    frame = cached.survey(indicator_id, codes=[code, kommun], lang=lang())
    frame = frame.assign(
        series=frame["area_code"].map({code: names[code], kommun: t("municipality")})
    )
    fig = cached.figure(
        figures.lines_with_band,
        frame.dropna(subset=["value"]),
        "period",
        "value",
        "low",
        "high",
        "series",
        f"{_name(indicator_id)}: {t('area_and_municipality', a=names[code])}",
        font_size=c.font(),
    )
    c.chart(fig)
    shown = frame.dropna(subset=["value"])
    here = shown[shown["area_code"] == code]
    if len(here) >= 2:
        first, last = here.iloc[0], here.iloc[-1]
        diff = last["value"] - first["value"]
        st.markdown(
            t(
                "survey_change",
                name=safe.markdown(names[code]),
                v1=i18n.number(first["value"], 0, lang()),
                y1=first["period"],
                v2=i18n.number(last["value"], 0, lang()),
                y2=last["period"],
                diff=("+" if diff > 0 else "") + i18n.number(diff, 0, lang()),
            )
        )
    hidden = frame[frame["hidden_reason"] != ""]
    if not hidden.empty:
        st.caption(
            t("hidden_years")
            + "; ".join(f"{p}: {r}" for p, r in zip(hidden["period"], hidden["hidden_reason"]))
        )
    with st.expander(t("show_table")):
        table = frame[["series", "period", "value", "low", "high", "denominator"]]
        table.columns = [
            t("area"),
            t("year"),
            f"{t('value')} (%)",
            t("interval_low"),
            t("interval_high"),
            t("respondents"),
        ]
        st.dataframe(table, hide_index=True, width="stretch")
        c.downloads(table, f"{indicator_id}_{code}_over_tid")
    c.source_caption(
        [cached.indicator(indicator_id)["source_id"]],
        f"{frame['period'].min()}–{frame['period'].max()}",
    )


def pax_actions(end: dt.date) -> None:
    st.header(t("pax_actions"))
    catalog = cached.catalog()
    left, right = st.columns(2, gap="large")
    for column, theme, title in (
        (left, "police_actions", t("police")),
        (right, "municipal_actions", t("municipal_group")),
    ):
        with column:
            st.subheader(title)
            for indicator_id in c.delivered(catalog.loc[catalog["theme"] == theme, "id"]):
                action(indicator_id, end)


def action(indicator_id: str, end: dt.date) -> None:
    row = cached.indicator(indicator_id)
    c.year_to_date_tile(indicator_id, end)
    statistic = "sum" if row["kind"] == "count" else "median"
    now, _ = cached.measure_total(indicator_id, dt.date(end.year, 1, 1), end, statistic)
    fraction = (end.timetuple().tm_yday) / (366 if end.year % 4 == 0 else 365)
    status = stats.target_status(now, row["target"], row["better"], fraction, row["kind"])
    if status:
        target = i18n.number(row["target"], 0, lang())
        flag = f" ({t('fictional_target')})" if row["fictional"] else ""
        pace = (
            t("target_pace", n=i18n.number(row["target"] * fraction, 0, lang()))
            if row["kind"] == "count"
            else ""
        )
        icon = ":material/check_circle:" if status == "on_track" else ":material/warning:"
        unit = i18n.unit(row["unit"], lang())
        sentence = t(
            "target_for_year",
            target_word=t("target").lower(),
            target=target,
            unit=unit,
            pace=pace,
            flag=flag,
        ).replace("  ", " ")
        st.markdown(f"{icon} **{stats.target_text(status, lang())}**: {sentence}")
    first = dt.date(end.year - 1, end.month, 1)
    monthly = cached.measure_monthly(indicator_id, first, end)
    if monthly.empty:
        return
    monthly = _month_table(monthly)
    monthly_target = row["target"] / 12 if row["kind"] == "count" else row["target"]
    fig = cached.figure(
        figures.bars_with_target,
        monthly,
        "month",
        "value",
        t("per_month", what=_name(indicator_id)),
        monthly_target,
        t("per_month", what=t("target")) if row["kind"] == "count" else t("target"),
        font_size=c.font(),
    )
    c.chart(fig, key=f"action_{indicator_id}")
    shown = "value_label" if "value_label" in monthly else "value"  # `<k`/`..`, not None
    c.table_view(
        monthly[["month", shown]].set_axis([t("month"), _name(indicator_id)], axis=1),
        f"{indicator_id}_per_manad",
    )
