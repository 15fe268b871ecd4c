"""The briefing export from Översikt and Områden: the same protected figures the pages show
(through ui.cached only), put into a `pax.briefing.Briefing` and offered as a dated HTML
file and a PDF.

`overview_briefing` and `area_briefing` need no running Streamlit script (the cached
functions work in bare mode), so tests call them directly; `download_buttons` is the only
part that draws widgets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import folium
import pandas as pd
import streamlit as st

from pax import briefing, config, figures, i18n, maps, model, published
from pax.briefing import Briefing, Section, Tile
from ui import cached, overview, profile, sources_panel
from ui import components as c
from ui.state import lang, t

STATIC_DIR = config.ROOT / "static"
MAP_HEIGHT = 340
FIGURE_HEIGHT = 320
SURVEY = ("trust_police", "willing_to_testify", "unsafe_at_night")
LONG_TERM = (
    ("population", 0, ""),
    ("employment_rate_16_64", 1, " %"),
    ("share_low_economic_standard", 1, " %"),
    ("eligible_upper_secondary", 1, " %"),
)
SESSION_KEY = "_pax_briefing"


class _Sources:
    """Source lines in plain text (`Källa: SCB · 2023 · fiktiva demodata`), remembering
    every source used for the briefing's source table."""

    def __init__(self) -> None:
        self.used: list[str] = []
        self.table = cached.sources().set_index("id")

    def line(self, ids: Iterable[str], period) -> str:
        ids = list(ids)
        self.used += [s for s in dict.fromkeys(ids) if s in self.table.index and s not in self.used]
        text, fictional = i18n.source_text(
            self.table, ids, period, lang(), fetched=sources_panel.freshness(ids)
        )
        return text + (f" · {t('fictional')}" if fictional else "")

    def frame(self) -> pd.DataFrame:
        rows = self.table.loc[[s for s in self.used if s in self.table.index]].reset_index()
        for column in ("title", "publisher"):  # proper names in the viewer's language
            rows[column] = [i18n.term(v, lang()) for v in rows[column]]
        return rows[["title", "publisher", "licence", "period", "fictional"]]

    def fictional(self) -> bool:
        return any(bool(self.table.at[s, "fictional"]) for s in self.used)


def _tiles(page_tiles, src: _Sources) -> list[Tile]:
    """The page's own tiles (ui.overview), each with its source line in plain text."""
    return [Tile(x.label, x.value, x.delta, src.line(x.source_ids, x.period)) for x in page_tiles]


def _disclosure() -> str:
    policy = cached.privacy_policy()
    return i18n.disclosure_note(policy.k, policy.noise, lang())


def _choropleth(
    data: pd.DataFrame, name: str, value_col: str, legend: str, fmt, palette=maps.PALETTE
) -> folium.Map:
    m = maps.base_map(height=MAP_HEIGHT, font_px=13, lang=lang(), legends_below=True)
    maps.add_areas(
        m, data, name, value_col, palette=palette, legend_title=legend, fmt=fmt, lang=lang()
    )
    return m


def _here_and_now(end: dt.date, src: _Sources) -> Section:
    start = end - dt.timedelta(days=27)
    period = i18n.date_range(start, end, lang())
    tiles = _tiles(overview.here_and_now_tiles(end), src)
    # Här och nu's trend for the whole municipality and every category, as the page draws it.
    trend_start = published.trend_start(end)
    every = cached.categories()["id"].tolist()
    monthly, last12, prior12 = cached.monthly_total(trend_start, end, every, None)
    fig = figures.monthly_trend(
        monthly,
        f"{t('trend')} – {t('municipality')}",
        t("events"),
        t("rolling"),
        height=FIGURE_HEIGHT,
    )
    areas = cached.area_counts(start, end, "regso")
    areas["label"] = [f"{n}: {lbl}" for n, lbl in zip(areas["name"], areas["count_label"])]
    m = _choropleth(
        areas,
        t("layer_areas"),
        "count",
        f"{t('events')}, {t('last_days', n=28)}",
        lambda v: i18n.number(v, 0, lang()),
    )
    maps.add_police_areas(m, cached.police_status(), t("layer_police"), lang())
    maps.finish(m, bounds=maps.bounds_of(areas["geometry"]))
    return Section(
        t("horizon_here_and_now"),
        f"{t('horizon_here_and_now_sub')} · {t('last_days', n=28)} ({period})",
        tiles=tiles,
        figures=[fig],
        maps=[m],
        sentences=[c.trend_sentence(last12, prior12)],
        figure_captions=[
            src.line(cached.event_sources(), i18n.date_range(trend_start, end, lang())),
        ],
        map_captions=[src.line([*cached.event_sources(), "scb_geo", "polisen_uso"], period)],
    )


def _medium_term(end: dt.date, src: _Sources) -> Section:
    tiles = _tiles(overview.trust_tiles(end), src)
    row = cached.indicator("trust_police")
    figs, fig_captions, section_maps, map_captions = [], [], [], []
    survey = cached.survey("trust_police", "kommun", lang=lang())
    if not survey.empty:
        frame = survey.assign(series=t("municipality"))
        figs.append(
            figures.lines_with_band(
                frame,
                "period",
                "value",
                "low",
                "high",
                "series",
                f"{i18n.name(row, lang())} (%), {t('interval')}",
                height=FIGURE_HEIGHT,
            )
        )
        fig_captions.append(
            src.line([row["source_id"]], f"{survey['period'].min()}–{survey['period'].max()}")
        )
    by_area = cached.survey("trust_police", "regso", lang=lang())
    if not by_area.empty:
        year = by_area["period"].max()
        this = by_area[by_area["period"] == year]
        shapes = cached.areas("regso")[["code", "name", "geometry"]]
        data = shapes.merge(this, left_on="code", right_on="area_code", how="left")
        data["label"] = [
            f"{n}: {i18n.number(v, 0, lang())} %" if pd.notna(v) else f"{n}: {why or '–'}"
            for n, v, why in zip(data["name"], data["value"], data["hidden_reason"])
        ]
        m = _choropleth(
            data,
            i18n.name(row, lang()),
            "value",
            f"{i18n.name(row, lang())} (%), {year}",
            lambda v: i18n.number(v, 0, lang()),
            maps.PALETTE_GOOD,
        )
        section_maps.append(maps.finish(m, bounds=maps.bounds_of(data["geometry"])))
        map_captions.append(src.line([row["source_id"], "scb_geo"], year))
    return Section(
        t("horizon_trust"),
        f"{t('horizon_trust_sub')} · {t('ytd')}",
        tiles=tiles,
        figures=figs,
        maps=section_maps,
        figure_captions=fig_captions,
        map_captions=map_captions,
    )


def _long_term(src: _Sources) -> Section:
    tiles = _tiles(overview.social_tiles(), src)
    figs, fig_captions, section_maps, map_captions = [], [], [], []
    employment = cached.measure_latest("employment_rate_16_64", "regso")
    if not employment.empty:
        row = cached.indicator("employment_rate_16_64")
        kommun = cached.measure_values("employment_rate_16_64", "kommun")
        year = employment["period"].max()
        reference = kommun[kommun["period"] == year]["value"]
        figs.append(
            figures.ranked_bars(
                employment.assign(code=employment["area_code"]),
                "area_name",
                "value",
                f"{i18n.name(row, lang())} (%), {year}",
                reference=reference.iloc[0] if len(reference) else None,
                reference_label=t("municipality"),
                height=440,
                font_size=12,
            )
        )
        fig_captions.append(src.line([row["source_id"]], year))
    low = cached.measure_latest("share_low_economic_standard", "deso")
    if not low.empty:
        row = cached.indicator("share_low_economic_standard")
        year = low["period"].max()
        shapes = cached.areas("deso")[["code", "name", "geometry"]]
        data = shapes.merge(
            low[["area_code", "value"]], left_on="code", right_on="area_code", how="left"
        )
        data["label"] = [
            f"{n}: {i18n.number(v, 0, lang())} %" for n, v in zip(data["name"], data["value"])
        ]
        m = _choropleth(
            data,
            "DeSO",
            "value",
            f"{i18n.name(row, lang())} (%), {year}",
            lambda v: i18n.number(v, 0, lang()),
        )
        section_maps.append(maps.finish(m, bounds=maps.bounds_of(data["geometry"])))
        map_captions.append(src.line([row["source_id"], "scb_geo"], year))
    return Section(
        t("horizon_social"),
        t("horizon_social_sub"),
        tiles=tiles,
        figures=figs,
        maps=section_maps,
        figure_captions=fig_captions,
        map_captions=map_captions,
    )


def overview_briefing(end: dt.date, since: dt.date, changes: list[str]) -> Briefing:
    """The Översikt page as a briefing: the three horizons with their tiles, one chart and
    one map each, the 'since last meeting' list (made elsewhere), sources and the note."""
    src = _Sources()
    sections = [_here_and_now(end, src), _medium_term(end, src), _long_term(src)]
    return Briefing(
        title=t("app_title"),
        subtitle=f"{t('app_subtitle')} · {t('briefing_data_until', d=i18n.date(end, lang()))}",
        date=dt.date.today(),
        sections=sections,
        changes=list(changes),
        sources=src.frame(),
        disclosure=_disclosure(),
        fictional=src.fictional(),
        lang=lang(),
        since=since,
    )


# --- Områden ----------------------------------------------------------------------------


def _survey_tile(ind: str, code: str, src: _Sources) -> tuple[Tile, pd.DataFrame] | None:
    row = cached.indicator(ind)
    values = cached.survey(ind, None, [code, model.KOMMUN_CODE], lang())
    if values.empty:
        return None
    year = values["period"].max()
    latest = values[values["period"] == year].set_index("area_code")
    here = latest["value"].get(code)
    whole = latest["value"].get(model.KOMMUN_CODE)
    reason = latest["hidden_reason"].get(code, "") if code in latest.index else ""
    value = i18n.number(here, 0, lang()) + " %" if pd.notna(here) else "–"
    delta = f"{t('municipality')}: {i18n.number(whole, 0, lang())} %"
    if reason:
        delta = f"{t('briefing_hidden')}: {reason}; {delta}"
    tile = Tile(i18n.name(row, lang()), value, delta, src.line([row["source_id"]], year))
    return tile, values


def _area_events(code: str, level: str, name: str, end: dt.date, src: _Sources) -> Section:
    """The Områden page's events for one area (its table and trend: `ui.profile`), the
    area's 12-month count and rate as the Här och nu map shows them, and the map."""
    area = profile.area_of(level, code)
    start = end - dt.timedelta(days=364)
    period = i18n.date_range(start, end, lang())
    counts = cached.area_counts(start, end, level)
    this = counts[counts["code"] == code].iloc[0]
    kommun_total, _ = cached.events_total(start, end, None)
    kommun_pop = cached.areas("kommun")["population"].iloc[0]
    kommun_rate = kommun_total / kommun_pop * 1000 if kommun_total is not None else None
    tiles = [
        Tile(t("events"), str(this["count_label"]), None, src.line(cached.event_sources(), period)),
        Tile(
            t("briefing_per_1000"),
            i18n.number(this["rate_per_1000"], 2, lang()),
            f"{t('municipality')}: {i18n.number(kommun_rate, 2, lang())}",
            src.line([*cached.event_sources(), "scb_deso"], period),
        ),
    ]
    table = profile.event_table(area, end)
    for key in profile.EVENT_RATES:
        table[t(key)] = [i18n.number(v, 2, lang()) for v in table[t(key)]]
    tables = [(t("briefing_by_category"), table)]
    trend_start, codes, monthly, last12, prior12 = profile.event_trend(area, end)
    presence = cached.presence(start, end)
    presence = presence[presence["area_code"].isin(codes)]
    if not presence.empty:
        labels = {
            k: (v[1] if lang() == "en" else v[0]) for k, v in model.INTERVENTION_TYPES.items()
        }
        tables.append(
            (
                t("briefing_presence"),
                pd.DataFrame(
                    {
                        t("layer_presence"): presence["type"].map(labels).fillna(presence["type"]),
                        t("area"): presence["area_name"],
                        t("from"): presence["start_date"],
                        t("to"): presence["end_date"],
                    }
                ),
            )
        )
        src.line(cached.intervention_sources(), period)
    fig = figures.monthly_trend(
        monthly, f"{t('trend')} – {name}", t("events"), t("rolling"), height=FIGURE_HEIGHT
    )
    counts["label"] = [
        f"{n}: {i18n.number(r, 2, lang())} {t('per_1000_short')}" if pd.notna(r) else f"{n}: –"
        for n, r in zip(counts["name"], counts["rate_per_1000"])
    ]
    m = _choropleth(
        counts,
        t("layer_areas") if level == "regso" else "DeSO",
        "rate_per_1000",
        t("measure_rate"),
        lambda v: i18n.number(v, 2, lang()),
    )
    maps.add_outlines(
        m, counts[counts["code"] == code], t("selected_area"), color="#000000", dash=None
    )
    maps.finish(m, bounds=maps.framing(counts, code))
    sentences = [c.trend_sentence(last12, prior12)]
    status = cached.police_status()
    status = status[status["area_code"] == code]
    if not status.empty:
        s = status.iloc[0]
        sentence = t(
            "police_list_status",
            year=s["year"],
            status=i18n.term(s["status"], lang()),
            area=s["police_area"],
            since=i18n.date(s["since"], lang()),
        )
        sentences.insert(0, sentence.replace("**", ""))
        src.line(["polisen_uso"], s["year"])
    return Section(
        t("horizon_here_and_now"),
        f"{t('horizon_here_and_now_sub')} · {period}",
        tiles=tiles,
        figures=[fig],
        maps=[m],
        tables=tables,
        sentences=sentences,
        figure_captions=[
            src.line(cached.event_sources(), i18n.date_range(trend_start, end, lang()))
        ],
        map_captions=[src.line([*cached.event_sources(), "scb_deso", "scb_geo"], period)],
    )


def _area_trust(code: str, name: str, src: _Sources) -> Section:
    tiles, figs, captions = [], [], []
    for ind in SURVEY:
        made = _survey_tile(ind, code, src)
        if made is None:
            continue
        tile, values = made
        tiles.append(tile)
        if ind == "trust_police":
            names = {code: name, model.KOMMUN_CODE: t("municipality")}
            frame = values.assign(series=values["area_code"].map(names)).sort_values(
                "area_code", key=lambda s: s != code, kind="stable"
            )
            figs.append(
                figures.lines(
                    frame,
                    "period",
                    "value",
                    "series",
                    f"{tile.label} (%)",
                    height=FIGURE_HEIGHT,
                    fmt=".0f",
                )
            )
            figs[-1].update_xaxes(type="category")
            span = f"{values['period'].min()}–{values['period'].max()}"
            captions.append(src.line([cached.indicator(ind)["source_id"]], span))
    return Section(
        t("horizon_trust"),
        t("horizon_trust_sub"),
        tiles=tiles,
        figures=figs,
        figure_captions=captions,
    )


def _area_long_term(code: str, name: str, src: _Sources) -> Section:
    tiles, lines = [], []
    for ind, _, _ in LONG_TERM:
        row = cached.indicator(ind)
        values = cached.measure_values(ind, codes=[code, model.KOMMUN_CODE])
        if values.empty:
            continue
        year = values["period"].max()
        latest = values[values["period"] == year].set_index("area_code")
        decimals = 0 if row["kind"] == "count" else 1
        unit = "" if row["kind"] == "count" else f" {i18n.unit(row['unit'], lang())}"
        whole = latest["value"].get(model.KOMMUN_CODE)
        tiles.append(
            Tile(
                i18n.name(row, lang()),
                i18n.number(latest["value"].get(code), decimals, lang()) + unit,
                None
                if row["kind"] == "count"
                else f"{t('municipality')}: {i18n.number(whole, decimals, lang())}{unit}",
                src.line([row["source_id"]], year),
            )
        )
        if row["kind"] != "count" and values["period"].nunique() > 1:
            names = {code: name, model.KOMMUN_CODE: t("municipality")}
            lines.append(
                values.assign(
                    facet=i18n.name(row, lang()), series=values["area_code"].map(names)
                ).sort_values("area_code", key=lambda s: s != code, kind="stable")
            )
    figs, captions = [], []
    if lines:
        frame = pd.concat(lines, ignore_index=True)
        figs.append(
            figures.small_multiples_lines(
                frame,
                "period",
                "value",
                "facet",
                "series",
                f"{name} – {t('municipality')} (%)",
                columns=len(lines),
                area_label=t("area"),
            )
        )
        ids = [cached.indicator(i)["source_id"] for i, _, _ in LONG_TERM]
        captions.append(
            src.line(
                ids, f"{frame['period'].astype(str).min()}–{frame['period'].astype(str).max()}"
            )
        )
    return Section(
        t("horizon_social"),
        t("horizon_social_sub"),
        tiles=tiles,
        figures=figs,
        figure_captions=captions,
    )


def area_briefing(code: str, level: str, end: dt.date) -> Briefing:
    """One neighbourhood across the three horizons against the municipality."""
    shapes = cached.areas(level)
    hit = shapes[shapes["code"] == code]
    if hit.empty:
        raise ValueError(f"Okänt område {code!r} på nivån {level}.")
    name = str(hit.iloc[0]["name"])
    src = _Sources()
    sections = [
        _area_events(code, level, name, end, src),
        _area_trust(code, name, src),
        _area_long_term(code, name, src),
    ]
    return Briefing(
        title=f"{t('app_title')}: {name}",
        subtitle=f"{t('app_subtitle')} · {t('briefing_data_until', d=i18n.date(end, lang()))}",
        date=dt.date.today(),
        sections=sections,
        changes=[],
        sources=src.frame(),
        disclosure=_disclosure(),
        fictional=src.fictional(),
        lang=lang(),
        slug=name,
    )


# --- the buttons ------------------------------------------------------------------------


def download_buttons(briefing_factory: Callable[[], Briefing], key: str) -> None:
    """'Skapa lägesbild' builds the briefing on demand (HTML, then the PDF); the two
    downloads then stay on the page. Only the last briefing made is kept in the session;
    a `key` naming the scope (e.g. `omraden_hovsjo`) keeps another area's file from
    being offered."""
    with st.container(border=True):
        st.markdown(f"**{t('briefing_heading')}**")
        st.caption(t("briefing_help"))
        if st.button(t("briefing_make"), key=f"briefing_make_{key}", icon=":material/description:"):
            with st.spinner(t("briefing_making")):
                made = briefing_factory()
                doc = briefing.render_html(made, STATIC_DIR)
            result = {
                "key": key,
                "html": doc.encode("utf-8"),
                "html_name": briefing.filename(made, "html"),
                "pdf": None,
                "pdf_name": briefing.filename(made, "pdf"),
                "warning": None,
            }
            with st.spinner(t("briefing_making_pdf")):
                try:
                    result["pdf"] = briefing.pdf(made, STATIC_DIR)
                except RuntimeError as exc:
                    result["warning"] = str(exc)
            st.session_state[SESSION_KEY] = result
        result = st.session_state.get(SESSION_KEY)
        if not result or result.get("key") != key:
            return
        c.made_files(
            result["warning"],
            (t("briefing_html"), result["html"], result["html_name"], "text/html", "briefing_html"),
            (
                t("briefing_pdf"),
                result["pdf"],
                result["pdf_name"],
                "application/pdf",
                "briefing_pdf",
            ),
            key_suffix=f"_{key}",
        )
