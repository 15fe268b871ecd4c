"""Översikt: the three horizons side by side — headline tiles with sparklines, a small map
per horizon — and 'Sedan förra mötet', the changes beyond normal variation."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from pax import config, i18n, maps, published, safe, stats
from ui import auth, cached, kiosk, state
from ui import components as c
from ui.state import lang, t

CATEGORY_TILES = (("shooting",), ("explosion",), ("car_fire",), ("drug_cache", "weapon_cache"))


TileData = c.TileData


def _spark(values) -> list | None:
    """Sparkline points; a series with a hidden value gets no sparkline (a gap would still
    let the line's shape hint at the hidden number)."""
    points = list(values)
    if len(points) < 2 or any(pd.isna(v) for v in points):
        return None
    return [float(v) for v in points]


def here_and_now_tiles(end: dt.date) -> list[TileData]:
    start = end - dt.timedelta(days=27)
    window = (stats.year_earlier(start), stats.year_earlier(end))
    period = i18n.date_range(start, end, lang())
    labels = cached.categories().set_index("id")
    spark_start = dt.date(end.year - 1, end.month, 1)
    tiles = []
    for group in CATEGORY_TILES:
        now_raw = cached.events_total(start, end, list(group))
        before_raw = cached.events_total(*window, list(group))
        label_col = "label_en" if lang() == "en" else "label_sv"
        name = t("caches") if len(group) > 1 else labels.at[group[0], label_col]
        monthly, last12, _ = cached.monthly_total(spark_start, end, list(group), None)
        value, delta, color, why = hidden_tile(now_raw[1], last12)
        tiles.append(
            TileData(
                name,
                value,
                delta if delta is not None else c.change_text(now_raw[0], before_raw[0]),
                color or "inverse",
                cached.event_sources(),
                period,
                help=why,
                spark=_spark(monthly["count"]),
            )
        )
    return tiles


def hidden_tile(label: str, last12) -> tuple[str, str | None, str | None, str | None]:
    """What a tile whose count is hidden can say: (value, delta, delta colour, tooltip).

    `<k` reads "färre än k"; `..` reads "dolt". Either way, where the last 12 months are all
    shown on the tile's own monthly trend, their sum — computed from those published months
    only (`published.MonthSum`), so nothing hidden comes back — stands in the delta line
    with its period. A shown count is returned as it is (delta None: the usual change)."""
    label = str(label)
    if label.startswith("<"):
        value, why = t("fewer_than", k=label[1:]), t("tile_small_help", k=label[1:])
    elif label == "..":
        value, why = t("tile_hidden"), t("tile_hidden_help")
    else:
        return label, None, None, None
    if last12 is not None and last12.value is not None:
        number = i18n.number(last12.value, 0, lang())
        return value, t("tile_last12", n=number), "off", why
    return value, None, "off", why


TRUST_TILES = ("intel_reports", "money_seized_sek", "illicit_rentals_stopped")


def trust_tiles(end: dt.date) -> list[TileData]:
    tiles = []
    for indicator_id in c.delivered_quietly(TRUST_TILES):
        tile = c.year_to_date(indicator_id, end)
        series = cached.measure_monthly(indicator_id, dt.date(end.year - 1, end.month, 1), end)
        tile.spark = _spark(series.set_index("period")["value"])
        tiles.append(tile)
    survey = cached.survey("trust_police", "kommun", lang=lang())
    if not survey.empty:
        row = cached.indicator("trust_police")
        latest = survey.iloc[-1]
        before = survey.iloc[-2]["value"] if len(survey) > 1 else None
        tiles.append(
            TileData(
                i18n.name(row, lang()),
                f"{i18n.number(latest['value'], 0, lang())} %",
                c.change_text(latest["value"], before, t("pp")),
                "normal",
                [row["source_id"]],
                str(latest["period"]),
                spark=_spark(survey["value"]),
            )
        )
    return tiles


def social_tiles() -> list[TileData]:
    tiles = []
    for indicator_id in (
        "population",
        "employment_rate_16_64",
        "share_low_economic_standard",
        "eligible_upper_secondary",
    ):
        row = cached.indicator(indicator_id)
        values = cached.measure_values(indicator_id, "kommun")
        if values.empty:
            continue
        latest = values.iloc[-1]
        decimals = 0 if row["kind"] == "count" else 1
        unit = i18n.unit(row["unit"], lang())
        before = values.iloc[-2]["value"] if len(values) > 1 else None
        years = f" {t('and')} ".join(values["period"].tolist()[-2:]) if before is not None else ""
        delta = None
        if before is not None:
            delta = c.change_text(latest["value"], before).replace(t("vs_last_year"), f"({years})")
        color = {"higher": "normal", "lower": "inverse"}.get(row["better"], "off")
        tiles.append(
            TileData(
                i18n.name(row, lang()),
                f"{i18n.number(latest['value'], decimals, lang())} {unit}".strip(),
                delta,
                color,
                [row["source_id"]],
                str(latest["period"]),
                help=safe.markdown(row["definition_en" if lang() == "en" else "definition_sv"]),
                spark=_spark(values["value"]),
            )
        )
    return tiles


def show_tiles(tiles: list[TileData], compact: bool = False) -> None:
    """The tiles of one horizon. `compact` (the wall screen): the comparison is said once in
    the column's caption and the sources once under the tiles, so four tiles and a map fit
    in a column at 1920×1080."""
    suffix = " " + t("vs_last_year")
    for tile in tiles:
        delta = tile.delta
        if compact and delta and delta.endswith(suffix):
            delta = delta[: -len(suffix)]
        c.tile(
            tile.label,
            tile.value,
            delta,
            delta_color=tile.delta_color,
            source="" if compact else tile.source,
            help=tile.help,
            chart_data=tile.spark,
        )
    if compact:
        st.caption(" · ".join(dict.fromkeys(tile.source for tile in tiles)))


def _small_map(height: int):
    """One of Översikt's three small maps: legends under it, the viewer's language."""
    return maps.base_map(
        height=height,
        zoom=10,
        font_px=c.font(),
        lang=lang(),
        legends_below=True,
        settings=c.map_settings(),
    )


def here_and_now_map(end: dt.date, height: int) -> None:
    if not c.events_placed():
        return
    start = end - dt.timedelta(days=89)
    counts = cached.area_counts(start, end, "regso", None)
    counts["label"] = [f"{n}: {lbl}" for n, lbl in zip(counts["name"], counts["count_label"])]
    hot = cached.hot_areas(start, end, "regso", [])
    hot["label"] = [
        f"{n}: {maps.HOTSPOT_LABELS.get(int(k), '')}" for n, k in zip(hot["name"], hot["cls"])
    ]
    m = _small_map(height)
    maps.add_areas(
        m,
        counts,
        t("layer_areas"),
        "count",
        legend_title=t("events"),
        fmt=lambda v: i18n.number(v, 0, lang()),
        lang=lang(),
    )
    maps.add_hotspots(m, hot, t("layer_hot_areas"), "Gi*", outline=True, legend=False)
    maps.finish(
        m, bounds=maps.bounds_of(counts["geometry"]), layer_control=False, settings=c.map_settings()
    )
    c.render_map(m, key="overview_here", height=height)
    c.legend_below(m)
    c.source_caption([*cached.event_sources(), "scb_geo"], t("last_days", n=90) + " · hotspots Gi*")
    _map_table(
        {t("area"): counts["name"], t("events"): counts["count_label"]}, "oversikt_handelser"
    )


def trust_map(height: int) -> None:
    values = cached.survey("trust_police", "regso", lang=lang())
    if values.empty:
        return
    year = values["period"].max()
    latest = values[values["period"] == year]
    shapes = cached.areas("regso")[["code", "name", "geometry"]]
    data = shapes.merge(
        latest[["area_code", "value", "hidden_reason"]],
        left_on="code",
        right_on="area_code",
        how="left",
    )
    data["label"] = [
        f"{n}: {why}" if isinstance(why, str) and why else f"{n}: {i18n.number(v, 0, lang())} %"
        for n, v, why in zip(data["name"], data["value"], data["hidden_reason"])
    ]
    m = _small_map(height)
    maps.add_areas(
        m,
        data,
        i18n.name(cached.indicator("trust_police"), lang()),
        "value",
        palette=maps.PALETTE_GOOD,
        legend_title="%",
        fmt=lambda v: i18n.number(v, 0, lang()),
        lang=lang(),
    )
    maps.finish(
        m, bounds=maps.bounds_of(data["geometry"]), layer_control=False, settings=c.map_settings()
    )
    c.render_map(m, key="overview_trust", height=height)
    c.legend_below(m)
    c.source_caption([cached.indicator("trust_police")["source_id"]], year)
    _map_table(
        {
            t("area"): data["name"],
            f"{t('value')} (%)": data["value"],
            t("why_hidden"): data["hidden_reason"],
        },
        f"oversikt_fortroende_{year}",
    )


def social_map(height: int) -> None:
    values = cached.measure_latest("share_low_economic_standard", "deso")
    shapes = cached.areas("deso")[["code", "name", "geometry"]]
    data = shapes.merge(
        values[["area_code", "value"]], left_on="code", right_on="area_code", how="left"
    )
    data["label"] = [
        f"{n}: {i18n.number(v, 0, lang())} %" for n, v in zip(data["name"], data["value"])
    ]
    row = cached.indicator("share_low_economic_standard")
    m = _small_map(height)
    maps.add_areas(
        m,
        data,
        i18n.name(row, lang()),
        "value",
        legend_title="%",
        fmt=lambda v: i18n.number(v, 0, lang()),
        lang=lang(),
    )
    maps.finish(
        m, bounds=maps.bounds_of(data["geometry"]), layer_control=False, settings=c.map_settings()
    )
    c.render_map(m, key="overview_social", height=height)
    c.legend_below(m)
    c.source_caption(["scb_deso"], f"{i18n.name(row, lang())} {values['period'].iloc[0]}")
    _map_table(
        {t("area"): data["name"], f"{t('value')} (%)": data["value"]}, "oversikt_lag_ek_standard"
    )


def _map_table(columns: dict, name: str) -> None:
    """The small map's table view (not on the wall screen, where nothing can be clicked)."""
    if not kiosk.active():
        c.table_view(pd.DataFrame(columns), name)


def since_last_meeting(end: dt.date) -> tuple[dt.date, list]:
    """The list of changes since the last meeting. Analysts choose any date; everyone else
    one of the fixed choices (the board's meetings from PAX_MEETING_DATES, or the last 7,
    14, 28 or 91 days: `published.since_choices`), so that no two free dates can be set
    against each other. On the wall screen the choice comes from the link (`sedan=`) or the
    default, without a widget."""
    if auth.role() == "analyst":
        window = (
            end - dt.timedelta(days=28),
            end - dt.timedelta(days=365),
            end - dt.timedelta(days=1),
        )
        if kiosk.active():
            since = state.remembered_date("sedan", *window)
        else:
            st.subheader(t("since_title"))
            since = state.date_input(t("last_meeting"), "sedan", *window)
    else:
        choices = published.since_choices(end, config.get("PAX_MEETING_DATES"))
        by_date = {}
        for choice in choices:  # a meeting on a span's first day is named as the meeting
            by_date.setdefault(choice.since.isoformat(), choice)
        default = published.default_since(choices).since.isoformat()

        def label(value: str) -> str:
            choice = by_date[value]
            day = i18n.date(choice.since, lang())
            if choice.days is None:
                return t("since_meeting", date=day)
            return t("since_span", n=choice.days, date=day)

        if kiosk.active():
            raw = state.remembered("sedan", default)
            since = by_date.get(str(raw), by_date[default]).since
        else:
            st.subheader(t("since_title"))
            chosen = state.select(t("last_meeting"), list(by_date), "sedan", default, label)
            since = by_date[chosen].since
    if kiosk.active():
        st.subheader(t("since_title_date", date=i18n.date(since, lang())))
    found = cached.since_last_meeting(since, end, lang())
    if not found:
        st.info(t("since_none"))
    presenting = kiosk.active()
    for change in found:
        st.markdown(f"- {change.short_markdown if presenting else change.markdown}")
    if presenting and found:
        sources = dict.fromkeys(safe.markdown(f.source) for f in found)
        st.caption(f"{t('source')}: " + "; ".join(sources))
    if 0 < len(found) < 3:
        st.caption(t("since_no_more"))
    st.caption(t("since_method", k=cached.privacy_policy().k))
    return since, found
