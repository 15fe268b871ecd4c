"""The sections of the Social hållbarhet page: indicator picker, choropleth, ranked table
against the municipality (and Sweden where known), small multiples over the years, similar
areas, and schools and preschools. Real SCB figures and fictional series never mix."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from pax import figures, i18n, maps, model, safe, units
from ui import cached, state
from ui import components as c
from ui.state import lang, t


@dataclass
class Choice:
    indicator: pd.Series
    level: str
    decimals: int
    unit: str

    @property
    def id(self) -> str:
        return self.indicator["id"]

    @property
    def name(self) -> str:
        return i18n.name(self.indicator, lang())

    def fmt(self, value) -> str:
        return i18n.number(value, self.decimals, lang())


def picker() -> Choice:
    catalog = cached.catalog()
    social = catalog[catalog["horizon"] == "social"]
    missing = social[~social["has_data"]]
    if not missing.empty:  # offered only where there is data; the rest named once
        c.missing_indicators(r for _, r in missing.iterrows())
    social = social[social["has_data"]]
    themes = list(dict.fromkeys(social["theme"]))
    a, b, d = st.columns([1, 2, 1])
    theme = state.select(
        t("theme"), themes, "tema", "work", format_func=lambda x: t(f"theme_{x}"), container=a
    )
    options = social[social["theme"] == theme]
    names = {r["id"]: i18n.name(r, lang()) for _, r in options.iterrows()}
    indicator_id = state.select(
        t("indicator"), list(names), "ind", next(iter(names)), format_func=names.get, container=b
    )
    level = c.level_select(d)
    row = cached.indicator(indicator_id)
    return Choice(row, level, 0 if row["kind"] == "count" else 1, i18n.unit(row["unit"], lang()))


def comparison_values(ch: Choice, year: str) -> tuple[float | None, float | None]:
    """The municipality's and Sweden's value for the year (None where not known)."""
    out = []
    for code in (model.KOMMUN_CODE, model.SWEDEN_CODE):
        values = cached.measure_values(ch.id, codes=[code])
        hit = values[values["period"] == year]["value"] if not values.empty else values
        out.append(hit.iloc[0] if len(hit) else None)
    return out[0], out[1]


def _units_layer(m, ch: Choice, places: pd.DataFrame) -> tuple[int, list[str]]:
    """The indicator's values per school unit (Kolada), at the schools their names match
    (`pax.units`); returns how many were placed and the names of those that were not."""
    values = cached.unit_values(ch.id)
    if values.empty:
        return 0, []
    schools = places[places["kind"] == "school"]
    matched, unplaced = units.match(
        values[["unit_id", "title"]].rename(columns={"unit_id": "id"}), schools
    )
    if matched.empty:
        return 0, unplaced
    shown = matched.merge(values, on="unit_id", suffixes=("", "_unit"))
    shown["label"] = [
        f"{n}: {ch.fmt(v)} {ch.unit} ({p}, Kolada)".replace("  ", " ")
        for n, v, p in zip(shown["name"], shown["value"], shown["period"])
    ]
    maps.add_points(m, shown, t("units_layer", name=ch.name), color="#6a1b9a", show=True)
    return len(shown), unplaced


def _units_only(ch: Choice) -> None:
    """An indicator published per municipality and school unit, not per area (Kolada):
    the areas' outlines and the schools' values."""
    st.info(t("units_only", name=ch.name), icon=":material/school:")
    kommun = cached.measure_values(ch.id, "kommun")
    kommun = kommun[kommun["breakdown"] == ""] if "breakdown" in kommun else kommun
    if not kommun.empty:
        latest = kommun[kommun["period"] == kommun["period"].max()].iloc[0]
        st.metric(
            f"{t('municipality')} {latest['period']}",
            f"{ch.fmt(latest['value'])} {ch.unit}".strip(),
        )
    m = maps.base_map(height=600, font_px=c.font(), lang=lang(), settings=c.map_settings())
    shapes = cached.areas(ch.level).assign(label=lambda d: d["name"])
    maps.add_outlines(m, shapes, c.level_label(ch.level), color="#555555", dash=None)
    placed, unplaced = _units_layer(m, ch, cached.places())
    maps.finish(m, bounds=maps.framing(shapes), settings=c.map_settings())
    c.render_map(m, key=f"social_units_{ch.level}", height=600)
    st.caption(t("units_note", placed=placed, names=", ".join(unplaced) or "–"))
    c.source_caption([ch.indicator["source_id"]], str(cached.unit_values(ch.id)["period"].max()))


def map_and_table(ch: Choice) -> tuple[pd.DataFrame, str] | None:
    all_years = cached.measure_values(ch.id, ch.level)
    if all_years.empty:
        if not cached.unit_values(ch.id).empty:
            _units_only(ch)
        else:
            st.info(t("no_data"))
        return None
    year = all_years["period"].max()
    first_year = all_years["period"].min()
    latest = all_years[all_years["period"] == year][["area_code", "value"]]
    first = all_years[all_years["period"] == first_year].set_index("area_code")["value"]
    kommun, sweden = comparison_values(ch, year)
    shapes = cached.areas(ch.level)[["code", "name", "geometry"]]
    data = shapes.merge(latest, left_on="code", right_on="area_code", how="left")
    data["label"] = [f"{n}: {ch.fmt(v)} {ch.unit}" for n, v in zip(data["name"], data["value"])]
    palette = maps.PALETTE_GOOD if ch.indicator["better"] == "higher" else maps.PALETTE
    m = maps.base_map(
        height=600, font_px=c.font(), lang=lang(), legends_below=True, settings=c.map_settings()
    )
    maps.add_areas(
        m,
        data,
        ch.name,
        "value",
        palette=palette,
        legend_title=f"{ch.name} ({ch.unit}) – {t('better_' + ch.indicator['better'])}",
        fmt=ch.fmt,
        lang=lang(),
    )
    places = cached.places()
    maps.add_points(
        m,
        places[places["kind"] == "school"].assign(label=lambda d: d["name"]),
        t("schools_layer"),
    )
    maps.add_points(
        m,
        places[places["kind"] == "preschool"].assign(label=lambda d: d["name"]),
        t("preschools_layer"),
        color="#2e7d32",
    )
    placed, unplaced = _units_layer(m, ch, places)
    maps.finish(m, bounds=maps.framing(data), settings=c.map_settings())
    map_col, table_col = st.columns([3, 2], gap="large")
    with map_col:
        st.subheader(f"{safe.markdown(ch.name)}, {year}")
        c.render_map(m, key=f"social_map_{ch.level}", height=600)
        c.legend_below(m)
        if places["kind"].isin(["school", "preschool"]).any():
            st.caption(t("schools_note"))
        if placed or unplaced:
            st.caption(t("units_note", placed=placed, names=", ".join(unplaced) or "–"))
    with table_col:
        st.metric(f"{t('municipality')} {year}", f"{ch.fmt(kommun)} {ch.unit}".strip())
        if sweden is not None:
            st.metric(f"{t('sweden')} {year}", f"{ch.fmt(sweden)} {ch.unit}".strip())
        table = data[["name", "value"]].assign(
            change=data["code"].map(first).rsub(data["value"]) if first_year != year else None
        )
        table = table.sort_values("value", ascending=ch.indicator["better"] == "lower")
        value_col = f"{t('value')} ({ch.unit})" if ch.unit else t("value")
        change_col = t("change_since", year=first_year)
        table.columns = [t("area"), value_col, change_col]
        if first_year == year:
            table = table.drop(columns=change_col)
        st.dataframe(
            table,
            hide_index=True,
            height=440,
            column_config={
                col: st.column_config.NumberColumn(format=f"%.{ch.decimals}f")
                for col in table.columns[1:]
            },
        )
        c.downloads(table, f"{ch.id}_{ch.level}_{year}")
        if first_year == year:
            st.caption(t("one_year_only", year=year))
    c.source_caption(
        [ch.indicator["source_id"]], year if first_year == year else f"{first_year}–{year}"
    )
    with st.expander(f"{t('indicator')}: {safe.markdown(ch.name)}"):
        st.markdown(
            safe.markdown(
                ch.indicator["definition_en"] if lang() == "en" else ch.indicator["definition_sv"]
            )
        )
        st.caption(t("better_" + ch.indicator["better"]))
    return data, year


def over_time(ch: Choice, names: dict[str, str]) -> list[str]:
    """Small multiples of the indicator over the years for chosen areas, with the
    municipality in every panel."""
    st.subheader(t("over_time"))
    default = c.default_areas(names, 3)
    chosen = state.multiselect(
        t("areas"), sorted(names, key=names.get), "jamfor", default, format_func=names.get
    )
    if not chosen:
        return chosen
    values = cached.measure_values(ch.id, codes=[*chosen, model.KOMMUN_CODE])
    if values["period"].nunique() < 2:
        st.caption(t("one_year_no_trend"))
        return chosen
    kommun = values[values["area_code"] == model.KOMMUN_CODE]
    frames = []
    for code in chosen:
        mine = values[values["area_code"] == code].assign(panel=names[code], series=names[code])
        whole = kommun.assign(panel=names[code], series=t("municipality"))
        frames += [mine, whole]
    data = pd.concat(frames, ignore_index=True)
    fig = cached.figure(
        figures.small_multiples_lines,
        data,
        "period",
        "value",
        "panel",
        "series",
        f"{ch.name} ({ch.unit})",
        font_size=c.font() - 2,
        area_label=t("area"),
    )
    c.chart(fig)
    with st.expander(t("show_table")):
        table = data[["panel", "series", "period", "value"]].drop_duplicates()
        table.columns = [t("area"), t("series"), t("year"), t("value")]
        st.dataframe(table, hide_index=True, width="stretch")
        c.downloads(table, f"{ch.id}_over_tid")
    c.source_caption(
        [ch.indicator["source_id"]], f"{values['period'].min()}–{values['period'].max()}"
    )
    return chosen


def similar_areas(ch: Choice, data: pd.DataFrame, year: str, names: dict[str, str]) -> None:
    st.subheader(t("similar_areas"))
    a, b = st.columns(2)
    default = c.default_areas(names)[0]
    code = state.select(
        t("area"),
        sorted(names, key=names.get),
        "liknar",
        default,
        format_func=names.get,
        container=a,
    )
    mode = state.select(
        t("similarity"),
        ["structure", "status"],
        "likhet",
        "structure",
        container=b,
        format_func=lambda mode: t(f"similarity_{mode}"),
    )
    similar = cached.similar(ch.level, code, mode)
    if mode == "structure":
        st.caption(t("similarity_structure_note"))
    else:
        st.caption(t("similarity_status_note"))
    values = data.set_index("code")["value"]
    area, role = t("area"), t("role_in_table")
    rows = [{area: names[code], t("value"): values.get(code), role: t("chosen")}]
    rows += [
        {area: names.get(s, s), t("value"): values.get(s), role: t("similar")}
        for s in similar["code"]
        if s in names
    ]
    table = pd.DataFrame(rows)
    mean = table.loc[table[role] == t("similar"), t("value")].mean()
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={t("value"): st.column_config.NumberColumn(format=f"%.{ch.decimals}f")},
    )
    c.downloads(table, f"liknande_{code}_{ch.id}")
    here = values.get(code)
    if pd.notna(here) and pd.notna(mean):
        st.markdown(
            t(
                "similar_sentence",
                name=safe.markdown(names[code]),
                here=f"{ch.fmt(here)} {ch.unit}".strip(),
                mean=f"{ch.fmt(mean)} {ch.unit}".strip(),
                year=year,
            )
        )
    c.source_caption([ch.indicator["source_id"], "scb_deso"], year)
