"""The sections of the Här och nu page: filters, map, CompStat, trend, patterns and early
warning. Each reads protected figures from `ui.cached` and draws them with their source."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from pax import figures, i18n, maps, model, privacy, published, safe, stats
from ui import auth, cached, state
from ui import components as c
from ui.state import lang, t

WEEKDAYS = i18n.WEEKDAYS


@dataclass
class View:
    """What the viewer chose: the filters, resolved."""

    end: dt.date
    period: state.Period
    categories: list[str]
    cat_label: dict[str, str]
    level: str
    names: dict[str, str]
    all_names: dict[str, str]
    chosen: list[str]
    selection: list[str] | None
    measure: str
    role: str


def filters() -> View | None:
    info = cached.info()
    end = cached.as_of()
    first = info["events_first"] or end - dt.timedelta(days=365)
    known = cached.categories()
    cat_label = dict(zip(known["id"], known["label_en" if lang() == "en" else "label_sv"]))
    core = known.loc[known["origin"] == "catalogue", "id"].tolist()
    f1, f2, f3, f4, f5 = st.columns([1.2, 2.2, 2, 1, 1])
    role = auth.role()
    # Custom dates are for analysts: two windows a day apart would give one day's count.
    analyst = privacy.precision_for(role) == "source"
    period = state.period_filter(end, first, container=f1, default="365", custom=analyst)
    if analyst:  # any set of categories
        categories = state.multiselect(
            t("categories"), list(cat_label), "kat", core, format_func=cat_label.get, container=f2
        )
    else:  # fixed groups, so that no small count is the difference of two chosen sets
        choice = state.select(
            t("categories"),
            ["alla", *cat_label],
            "kat",
            "alla",
            format_func=lambda c: t("all_categories") if c == "alla" else cat_label[c],
            container=f2,
            help=t("category_groups_help"),
        )
        categories = list(cat_label) if choice == "alla" else [choice]
    level = c.level_select(f4)
    regso, deso = cached.areas("regso"), cached.areas("deso")
    all_names = {**dict(zip(regso["code"], regso["name"])), **dict(zip(deso["code"], deso["name"]))}
    # Free sets of areas are for analysts (the trend for A + B minus the trend for A would
    # give A's); everyone picks one area under "Valt område" or the police-listed group.
    chosen = (
        state.multiselect(
            t("areas"),
            sorted(all_names, key=all_names.get),
            "omr",
            [],
            format_func=all_names.get,
            container=f3,
            placeholder=t("no_area"),
        )
        if analyst
        else []
    )
    police_only = state.checkbox(t("police_listed"), "utsatta", container=f3)
    measure = state.select(
        t("measure"),
        ["count", "rate"],
        "matt",
        "count",
        format_func=lambda v: t(f"measure_{v}"),
        container=f5,
    )
    if not categories:
        st.warning(t("no_data"))
        return None
    level_areas = regso if level == "regso" else deso
    return View(
        end,
        period,
        categories,
        cat_label,
        level,
        dict(zip(level_areas["code"], level_areas["name"])),
        all_names,
        chosen,
        cached.selection(chosen, police_only),
        measure,
        role,
    )


def _type_labels() -> dict[str, str]:
    return {k: v[1] if lang() == "en" else v[0] for k, v in model.INTERVENTION_TYPES.items()}


def map_section(v: View) -> None:
    """The map: choropleth, heat (by role), tested hotspots, presence, police areas."""
    if not c.events_placed():
        return
    counts = cached.area_counts(v.period.start, v.period.end, v.level, v.categories)
    value_col = "count" if v.measure == "count" else "rate_per_1000"
    decimals = 0 if v.measure == "count" else 2
    counts["label"] = [
        f"{n}: {lbl}"
        if v.measure == "count"
        else f"{n}: {i18n.number(r, 2, lang())} {t('per_1000_short').lower()}"
        for n, lbl, r in zip(counts["name"], counts["count_label"], counts["rate_per_1000"])
    ]
    hot_areas = cached.hot_areas(v.period.start, v.period.end, v.level, v.categories)
    hot_areas["label"] = [
        f"{n}: {maps.HOTSPOT_LABELS.get(int(k), t('not_significant'))}"
        for n, k in zip(hot_areas["name"], hot_areas["cls"])
    ]
    hot_grid = cached.hot_grid(v.period.start, v.period.end, v.categories, v.role)
    if not hot_grid.empty:
        hot_grid["label"] = [maps.HOTSPOT_LABELS.get(int(k), "") for k in hot_grid["cls"]]
    presence = cached.presence(v.period.start, v.period.end)
    labels = _type_labels()
    presence["label"] = [
        f"{labels.get(ty, ty)} – {area or ''} ({i18n.date(s, lang())} – "
        + (f"{i18n.date(e, lang())})" if pd.notna(e) else ")")
        for ty, area, s, e in zip(
            presence["type"], presence["area_name"], presence["start_date"], presence["end_date"]
        )
    ]
    heat = cached.heat_points(v.period.start, v.period.end, v.categories, v.role)
    selected = st.query_params.get("valt")
    m = maps.events_map(
        counts,
        heat,
        cached.police_status(),
        cached.places(),
        {
            "areas": t("layer_areas") if v.level == "regso" else "DeSO",
            "legend": t("events") if v.measure == "count" else t("measure_rate"),
            "heat": t("layer_heat"),
            "police": t("layer_police"),
            "schools": t("layer_schools"),
            "hot_areas": t("layer_hot_areas"),
            "hot_grid": t("layer_hot_grid"),
            "presence": t("layer_presence"),
            "selected": t("selected_area"),
            "method": t("hotspot_method_short"),
        },
        fmt=lambda x: i18n.number(x, decimals, lang()),
        value_col=value_col,
        hot_areas=hot_areas,
        hot_grid=None if hot_grid.empty else hot_grid,
        presence=presence,
        selected=selected if selected in v.names else None,
        font_px=c.font(),
        lang=lang(),
        legends_below=True,
        settings=c.map_settings(),
    )
    clicked = c.render_map(m, key=f"har_och_nu_map_{v.level}", height=640, clickable=True)
    c.legend_below(m)
    if clicked and clicked in v.names and clicked != selected:
        st.query_params["valt"] = clicked
        st.session_state["_q_valt"] = clicked
        st.rerun()
    if heat.empty:
        st.caption(t("heat_hidden"))
    if v.level == "deso" and len(v.categories) == 1 and len(v.cat_label) > 1:
        st.info(t("deso_one_category"), icon=":material/visibility_off:")
    c.source_caption(
        [*cached.event_sources(), "scb_geo", "polisen_uso", *cached.intervention_sources()],
        v.period.label(),
    )
    st.caption(t("hotspot_method", grid="" if hot_grid.empty else t("hotspot_grid")))
    hot = dict(zip(hot_areas["code"], hot_areas["cls"]))
    c.table_view(
        pd.DataFrame(
            {
                t("area"): counts["name"],
                t("events"): counts["count_label"],
                t("per_1000_short"): counts["rate_per_1000"],
                "Gi*": [maps.HOTSPOT_LABELS.get(int(hot.get(k, 0)), "") for k in counts["code"]],
            }
        ),
        f"omraden_{v.level}_{v.period.start}_{v.period.end}",
        {t("per_1000_short"): 2},
    )


def scope(v: View) -> tuple[list[str] | None, str]:
    """The area the tables and charts describe: the selected area, else the filter."""
    area_code = state.select(
        t("selected_area"),
        ["", *sorted(v.names, key=v.names.get)],
        "valt",
        "",
        format_func=lambda x: v.names.get(x, t("no_area")),
    )
    if area_code:
        st.page_link(
            "app_pages/omraden.py",
            label=t("open_profile", name=safe.markdown(v.names[area_code])),
            icon=":material/arrow_forward:",
            query_params={"omrade": area_code, "niva": v.level},
        )
        return [area_code], v.names[area_code]
    if not v.selection:
        return None, t("no_area")
    named = ", ".join(v.all_names.get(a, a) for a in v.chosen)
    return v.selection, named or t("police_listed")


def compstat_section(v: View, codes: list[str] | None, scope_name: str) -> None:
    st.subheader(t("compstat"))
    st.caption(f"{safe.markdown(scope_name)} · {t('up_to', date=i18n.date(v.end, lang()))}")
    table = cached.compstat(v.end, v.categories, codes)
    windows = {"week": t("window_week"), "28d": t("window_28d"), "ytd": t("window_ytd")}
    shown = table.assign(
        category=table["category"].map(v.cat_label),
        window=table["window"].map(windows),
        diff=[
            ("+" if d > 0 else "") + i18n.number(d, 0, lang()) if pd.notna(d) else ""
            for d in table["diff"]
        ],
        pct=[i18n.number(p, 0, lang()) + " %" if pd.notna(p) else "" for p in table["pct"]],
        verdict=[
            stats.verdict_text(x, lang()) if isinstance(x, str) else "–" for x in table["verdict"]
        ],
    )[["category", "window", "now_label", "before_label", "diff", "pct", "verdict", "rate_now"]]
    shown.columns = [
        t("category"),
        t("period"),
        t("now"),
        t("last_year"),
        t("difference"),
        t("change_pct"),
        t("assessment"),
        t("rate_now"),
    ]
    c.number_table(shown, {t("rate_now"): 2}, height=500)
    st.caption(t("assessment_method"))
    c.source_caption([*cached.event_sources(), "scb_deso"], i18n.date(v.end, lang()))
    c.downloads(shown, f"compstat_{v.end}")


def trend_section(v: View, codes: list[str] | None, scope_name: str) -> None:
    start = published.trend_start(v.end)
    monthly, last12, prior12 = cached.monthly_total(start, v.end, v.categories, codes)
    st.subheader(t("trend"))
    if monthly["count"].fillna(0).sum() == 0 and not monthly["count_suppressed"].any():
        st.info(t("no_data"))
        return
    shaded = c.presence_spans(cached.presence(start, v.end), codes, start, v.end) if codes else []
    chosen = ", ".join(v.cat_label.get(x, x) for x in v.categories)
    c.chart(
        cached.figure(
            figures.monthly_trend,
            monthly,
            f"{t('trend')} – {scope_name}",
            chosen,
            t("rolling"),
            shaded,
            font_size=c.font(),
        ),
    )
    st.markdown(c.trend_sentence(last12, prior12))
    table = monthly[["month", "count_label", "rolling"]].copy()
    table.columns = [t("month"), t("count"), t("rolling")]
    c.table_view(table, f"trend_{v.end}", {t("rolling"): 1})
    c.source_caption(cached.event_sources(), i18n.date_range(start, v.end, lang()))


def patterns_section(v: View, codes: list[str] | None) -> None:
    grid = cached.weekday_hour(v.period.start, v.period.end, v.categories, codes)
    st.subheader(t("patterns"))
    days = WEEKDAYS["en" if lang() == "en" else "sv"]
    if grid.empty:
        st.info(t("no_data"))
        return
    c.chart(
        cached.figure(
            figures.weekday_hour_grid, grid, days, 3, v.period.label(), font_size=c.font()
        ),
    )
    st.markdown(c.pattern_sentence(grid, days))
    table = grid.assign(weekday=grid["weekday"].map(lambda d: days[d - 1]))[
        ["weekday", "hour", "count_label"]
    ]
    table.columns = [t("weekday"), t("from_hour"), t("count")]
    c.table_view(table, f"veckodag_tid_{v.period.start}_{v.period.end}")
    c.source_caption(cached.event_sources(), v.period.label())


def warning_section(v: View, codes: list[str] | None) -> None:
    st.subheader(t("early_warning"))
    warnings = cached.near_repeats(v.end, v.categories, codes, v.role)
    if warnings.empty:
        st.success(t("no_warnings"))
    else:
        exact = v.role == "analyst"
        rows = warnings.assign(
            category=warnings["category"].map(v.cat_label),
            when=[c.when_text(a, b, exact) for a, b in zip(warnings["first"], warnings["last"])],
        )
        columns = {
            "area_name": t("area"),
            "category": t("category"),
            "when": t("when"),
            "events_label": t("events"),
        }
        if "expected" in rows:  # analysts only (pax.published.near_repeats)
            rows["expected"] = [i18n.number(x, 2, lang()) for x in rows["expected"]]
            rows["p"] = [i18n.number(p, 3, lang()) for p in rows["p"]]
            columns.update(expected=t("expected_count"), p="p")
        rows = rows[list(columns)].rename(columns=columns)
        st.dataframe(rows, hide_index=True, width="stretch")
        c.downloads(rows, f"tidig_varning_{v.end}")
    st.caption(t("near_repeat_method"))
    if v.role != "analyst":
        st.caption(t("near_repeat_detail"))
    c.source_caption(
        cached.event_sources(), i18n.date_range(v.end - dt.timedelta(days=27), v.end, lang())
    )
