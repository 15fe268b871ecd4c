"""Reusable page parts: tiles, source footers, the fictional-data badge, downloads and
the app's only st_folium call."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit_folium import st_folium

from pax import config, exports, i18n, maps, privacy, safe, stats
from ui import auth, cached
from ui.state import lang, t

# Streamlit draws captions at 60 % opacity, which falls under WCAG's 4.5:1 on the sidebar's
# background and inside badges (found by axe-core); a solid dark grey keeps them secondary
# and readable (7:1 on the sidebar).
BASE_STYLE = """<style id="pax-base-style">
[data-testid="stCaptionContainer"] { opacity: 1 !important; color: #555a5f; }
</style>"""


def _presenting() -> bool:
    from ui import kiosk  # kiosk imports the router's page list; import when drawing

    return kiosk.active()


def font() -> int:
    """Plotly and folium font size: large in presentation mode (ui/kiosk.py)."""
    from ui import kiosk

    return kiosk.font_size()


def require_store() -> bool:
    """Show a clear Swedish message and stop the page when the store is missing."""
    if cached.ready():
        return True
    from pax import db, store

    unreachable = store.shared() and store.version() == db.UNREACHABLE
    st.error(t("store_unreachable" if unreachable else "store_missing"))
    st.stop()
    return False


def page_header(title_key: str, subtitle: str | None = None) -> None:
    st.title(t(title_key))
    if subtitle:
        st.caption(subtitle)


def source_line(source_ids: Iterable[str], period: str) -> str:
    """`Källa: SCB · 2022` with the fictional flag where it applies, and when a synced
    source was fetched (`hämtad …`, `inaktuell` when older than twice its schedule)."""
    from ui import sources_panel  # the sync status: when the data was fetched

    source_ids = list(source_ids)
    text, fictional = i18n.source_text(
        cached.sources().set_index("id"),
        source_ids,
        period,
        lang(),
        short=_presenting(),  # the wall screen: `SCB`, not `SCB (Statistiska centralbyrån)`
        fetched=sources_panel.freshness(source_ids),
        escape=safe.markdown,
    )
    return text + (f" · :orange-badge[{t('fictional')}]" if fictional else "")


def source_caption(source_ids: Iterable[str], period: str) -> None:
    st.caption(source_line(source_ids, period))


def fictional_notice() -> None:
    """The demo's notice, on every page of a store that holds fictional registers (a live
    store holds none: nothing is shown)."""
    if cached.fictional():
        st.info(t("fictional_banner"), icon=":material/science:")


def publisher(source_id: str) -> str:
    """A source's publisher, short (`SCB`), or `fiktiva demodata` for a fictional one."""
    src = cached.sources().set_index("id")
    if source_id not in src.index:
        return t("not_delivered")
    if src.at[source_id, "fictional"]:
        return t("fictional")
    return str(i18n.term(src.at[source_id, "publisher"], lang())).split(" (")[0]


def examples() -> str:
    """The example files shipped in data/examples/ (names only)."""
    folder = config.ROOT / "data" / "examples"
    return ", ".join(sorted(p.name for p in folder.glob("*") if p.is_file())) or "–"


def events_delivered() -> bool:
    """False, after saying what is missing and how to deliver it, when the store holds no
    events (a live store before its first import or sync)."""
    if cached.event_sources():
        return True
    missing_source("events")
    return False


def events_placed() -> bool:
    """False, after saying why, when no event in the store names an area finer than the
    municipality (Polisen's feed alone): a map or table per area would show only zeros."""
    if cached.events_in_areas():
        return True
    publishers = ", ".join(dict.fromkeys(publisher(s) for s in cached.event_sources()))
    _notice(t("events_only_municipal", sources=publishers), ":material/map:")
    return False


def delivered(indicator_ids: Iterable[str]) -> list[str]:
    """The indicators that have data; names the missing ones (in one sentence) when some
    have none."""
    rows = [cached.indicator(i) for i in indicator_ids]
    missing_indicators([r for r in rows if not r["has_data"]])
    return [r["id"] for r in rows if r["has_data"]]


def missing_indicators(rows: Iterable) -> None:
    """The sentences for catalogue rows without data: SCB's figures come with the store or
    from SCB (a kommun without its own SCB tables lacks some), the rest from the kommun's
    and the police's own registers — each named with what fills it."""
    rows = list(rows)
    official = [i18n.name(r, lang()) for r in rows if str(r["source_id"]).startswith("scb")]
    own = [i18n.name(r, lang()) for r in rows if not str(r["source_id"]).startswith("scb")]
    if own:
        missing_source("measures", own)
    if official:
        _notice(t("missing_official", names=", ".join(official)), ":material/inbox:")


def delivered_quietly(indicator_ids: Iterable[str]) -> list[str]:
    """The indicators that have data, without a sentence (the caller has said it)."""
    return [i for i in indicator_ids if cached.indicator(i)["has_data"]]


def missing_source(kind: str, names: Iterable[str] = ()) -> None:
    """One sentence where a register has no data: what is missing and how to deliver it
    (never a blank, a zero that looks like a measurement, or a fictional fill)."""
    if kind == "measures":
        text = t("missing_measures", names=", ".join(names) or "–", examples=examples())
    else:
        text = t(f"missing_{kind}")
    _notice(text, ":material/inbox:")


def _notice(text: str, icon: str) -> None:
    """An empty state's sentences; on the wall screen only the first (the how-to is for the
    people at a keyboard)."""
    if _presenting():
        text = text.replace("**", "").split(". ")[0].rstrip(".") + "."
    st.info(text, icon=icon)


def kiosk_header(title_key: str, as_of: dt.date, note: str = "") -> None:
    """The wall screen's one-line header: title, data date, a note and the demo-data notice."""
    with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
        st.title(t(title_key), width="content")
        st.markdown(
            f"{t('data_up_to')} {i18n.date(as_of, lang())}{note}"
            + (
                f" · :orange-badge[:material/science: {t('fictional_short')}]"
                if cached.fictional()
                else ""
            ),
            width="content",
        )


def tile(
    label: str,
    value: str,
    delta: str | None = None,
    delta_color: str = "normal",
    source: str = "",
    help: str | None = None,
    chart_data: list | None = None,
) -> None:
    """A headline figure with its change, an optional sparkline, and its source and period
    underneath."""
    with st.container(border=True):
        # A comparison with another area is no change: no arrow then.
        unchanged = bool(delta) and delta.startswith(t("unchanged"))
        arrow = "off" if delta_color == "off" or unchanged else "auto"
        delta_color = "off" if unchanged else delta_color
        st.metric(
            safe.markdown(label),  # category labels and catalogue names: text, not markdown
            value,
            delta,
            delta_color=delta_color,
            help=help,
            delta_arrow=arrow,
            chart_data=chart_data,
            chart_type="line",
        )
        if source:
            st.caption(source)


def change_text(now: float | None, before: float | None, unit: str = "") -> str | None:
    """`+3 (+25 %)` in Swedish number format; no percentage on a zero base."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    diff = now - before
    if diff == 0:
        return f"{t('unchanged')} {t('vs_last_year')}"
    # An ASCII sign first: st.metric reads it to choose the arrow and colour.
    sign = "+" if diff > 0 else "-" if diff < 0 else ""
    text = f"{sign}{i18n.number(abs(diff), 0 if float(diff).is_integer() else 1, lang())}{unit}"
    if before:
        pct = abs(diff / before * 100)
        text += f" ({sign}{i18n.number(pct, 0, lang())} %)"
    return f"{text} {t('vs_last_year')}"


def legend_below(m) -> None:
    """The map's legends under it, in rows, large on the wall screen (`base_map(…,
    legends_below=True)`): on a map a legend covers the areas it explains."""
    below = getattr(m, "pax_below", None)
    if not below:
        return
    size = max(font(), 14)
    swatch = round(size * 1.1)
    style = (
        f"<style>.pax-legend-below{{font-size:{size}px;line-height:1.5;display:flex;"
        "flex-wrap:wrap;gap:2px 16px;align-items:center;margin-bottom:4px}"
        f".pax-legend-below i{{display:inline-block;width:{swatch}px;height:{swatch}px;"
        "margin-right:6px;vertical-align:middle;border:1px solid #999}"
        ".pax-legend-below div{display:inline-block}</style>"
    )
    st.html(style + "".join(f"<div class='pax-legend-below'>{html}</div>" for html in below))


def map_settings() -> maps.MapSettings:
    """This deployment's map settings (basemap, where Leaflet is served)."""
    return maps.MapSettings.from_config()


POLICE_STATUS_ORDER = ("Särskilt utsatt område", "Utsatt område", "Riskområde")


def default_areas(names: dict[str, str], n: int = 1) -> list[str]:
    """The areas a page opens on: one per police-listed area of the kommun, the most
    severe status first (Hovsjö in Södertälje, Alby in Botkyrka), then by name."""
    status = cached.police_status()
    status = status[status["area_code"].isin(names)]
    rank = status["status"].map({s: i for i, s in enumerate(POLICE_STATUS_ORDER)}).fillna(9)
    status = status.assign(rank=rank).sort_values(["rank", "police_area", "area_code"])
    listed = list(dict.fromkeys(status.drop_duplicates("police_area")["area_code"]))
    rest = [code for code in sorted(names, key=names.get) if code not in listed]
    return (listed + rest)[:n]


def level_label(level: str) -> str:
    """`RegSO (31 områden)`: the level with the kommun's number of its areas."""
    return t(f"level_{level}", n=len(cached.areas(level)))


def level_select(container=None) -> str:
    """The area level (`?niva=`), RegSO or DeSO, the same on every page: RegSO by default
    (the areas a council member knows by name; DeSO for the finer picture)."""
    from ui import state

    return state.select(
        t("level"), ["regso", "deso"], "niva", "regso", format_func=level_label, container=container
    )


def chart(fig, **kwargs) -> None:
    """A Plotly chart as wide as its column; on a wall screen wider than 1920 as much taller
    as the type is larger (`kiosk.scale`; its fonts come from `font()`)."""
    from ui import kiosk

    if kiosk.scale() != 1:
        fig = go.Figure(fig).update_layout(height=kiosk.pixels(fig.layout.height or 450))
    st.plotly_chart(fig, width="stretch", **kwargs)


def render_map(m, key: str, height: int = 560, clickable: bool = False) -> str | None:
    """Draw a folium map without re-running the script on pan and zoom.

    With `clickable`, a click on an area reruns the page and returns that area's code
    (only the clicked feature is sent back, never the map's view)."""
    from ui import kiosk

    returned = ["last_active_drawing"] if clickable else []
    height = kiosk.pixels(height)  # as large as the type on a wall screen wider than 1920
    m.height = (height, "px")
    # st_folium's own use_container_width (not Streamlit's): the map fills its column.
    result = st_folium(
        m, key=key, height=height, use_container_width=True, returned_objects=returned
    )
    if clickable and result:
        feature = result.get("last_active_drawing") or {}
        code = (feature.get("properties") or {}).get("code")
        return str(code) if code else None
    return None


def number_table(table: pd.DataFrame, decimals: dict[str, int], **dataframe_args) -> None:
    """A table as the viewer reads it: the `decimals` columns in the viewer's number format
    (1,25 in Swedish), right-aligned, a missing value as "–" (not Streamlit's "None").
    Downloads take the table itself, with its numbers."""
    shown = table.copy()
    config = {}
    for col, d in decimals.items():
        if col in shown.columns:
            shown[col] = [
                "–" if pd.isna(v) else i18n.number(v, d, lang())
                for v in pd.to_numeric(shown[col], errors="coerce")
            ]
            config[col] = st.column_config.TextColumn(alignment="right")
    st.dataframe(shown, hide_index=True, column_config=config, **dataframe_args)


def table_view(table: pd.DataFrame, name: str, decimals: dict[str, int] | None = None) -> None:
    """A chart's or map's table view: a folded table (`number_table`) with its CSV and
    Excel downloads."""
    with st.expander(t("show_table")):
        number_table(table, decimals or {}, width="stretch")
        downloads(table, name)


def audited_download(
    where, label: str, data, name: str, mime: str, key: str, action: str, rows=None
) -> None:
    """A download button in `where` (a column, or `st`) whose click writes `action`, the
    file's name and `rows` to the audit log (the click reruns the page; ui.auth.audited)."""
    args = (action, name) if rows is None else (action, name, rows)
    where.download_button(
        label,
        data,
        name,
        mime,
        key=key,
        icon=":material/download:",
        on_click=auth.audited,
        args=args,
    )


def made_files(warning: str | None, *files: tuple, key_suffix: str = "") -> None:
    """The files an export made, side by side: each (label, data, name, mime, action) is an
    audited download (keyed `action` + `key_suffix`; none where its data is missing), and
    the export's warning above them (e.g. no PDF without Chromium)."""
    if warning:
        st.warning(warning, icon=":material/picture_as_pdf:")
    for where, (label, data, name, mime, action) in zip(st.columns(len(files)), files):
        if data:
            audited_download(where, label, data, name, mime, action + key_suffix, action)


def downloads(frame: pd.DataFrame, name: str) -> None:
    """CSV and Excel downloads of a protected table, formula-neutralised; each download
    is written to the audit log (the click's callback, ui.auth.audited)."""
    c1, c2 = st.columns(2)
    csv, xlsx = f"{name}.csv", f"{name}.xlsx"
    # Both files are made only when clicked (neutralised then, too): every run of a page
    # with a dozen tables made them all before.
    audited_download(
        c1,
        t("download_csv"),
        lambda: exports.to_csv(exports.neutralise(frame)),
        csv,
        "text/csv",
        f"dl_csv_{name}",
        "export_csv",
        len(frame),
    )

    def excel() -> bytes:  # openpyxl is slow
        buf = io.BytesIO()
        exports.neutralise(frame).to_excel(buf, index=False)
        return buf.getvalue()

    xlsx_mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    audited_download(
        c2, t("download_xlsx"), excel, xlsx, xlsx_mime, f"dl_xlsx_{name}", "export_xlsx", len(frame)
    )


def disclosure_note() -> None:
    policy = privacy.Policy.from_config()
    st.caption(i18n.disclosure_note(policy.k, policy.noise, lang()))


@dataclass
class TileData:
    """One headline tile as the page shows it and the briefing prints it."""

    label: str
    value: str
    delta: str | None
    delta_color: str
    source_ids: list[str]
    period: str
    help: str | None = None
    spark: list | None = None

    @property
    def source(self) -> str:
        return source_line(self.source_ids, self.period)


def year_to_date(indicator_id: str, end: dt.date) -> TileData:
    """An indicator's year to date against the same months last year (Översikt and
    Förtroende): counts summed from raw values and protected once, medians (days) the
    median of the monthly values."""
    row = cached.indicator(indicator_id)
    statistic = "sum" if row["kind"] == "count" else "median"
    start = dt.date(end.year, 1, 1)
    now, now_label = cached.measure_total(indicator_id, start, end, statistic)
    before, _ = cached.measure_total(
        indicator_id, stats.year_earlier(start), stats.year_earlier(end), statistic
    )
    value = now_label or i18n.number(now, 0, lang())
    return TileData(
        i18n.name(row, lang()),
        f"{value} {i18n.unit(row['unit'], lang())}".strip(),
        change_text(now, before),
        {"lower": "inverse", "higher": "normal"}.get(row["better"], "off"),
        [row["source_id"]],
        i18n.date_range(start, end, lang()),
    )


def year_to_date_tile(indicator_id: str, end: dt.date) -> None:
    shown = year_to_date(indicator_id, end)
    tile(
        shown.label,
        shown.value,
        shown.delta,
        delta_color=shown.delta_color,
        source=shown.source,
    )


def trend_sentence(last, prior) -> str:
    """One sentence on the last 12 months against the 12 before (`published.MonthSum`),
    from the published months only: a sum and a change only when every month is shown."""
    return i18n.trend_sentence(last, prior, lang())


def pattern_sentence(grid: pd.DataFrame, days: list[str]) -> str:
    """Which weekday and time block had the most events (shown cells only)."""
    return i18n.pattern_sentence(grid, days, lang())


def when_text(first, last, exact: bool) -> str:
    """Dates for analysts; ISO weeks for everyone else (a date and a small area together can
    point at a single case)."""
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    if exact:
        return f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
    a, b = first.isocalendar().week, last.isocalendar().week
    return t("iso_week", w=a if a == b else f"{a}–{b}")


def presence_spans(
    presence: pd.DataFrame, codes: list[str], start: dt.date, end: dt.date
) -> list[tuple]:
    """Periods with any preventive presence in the areas, merged and clipped to the chart,
    as (start, end, label) for shading — overlapping periods become one span."""
    part = presence[presence["area_code"].isin(codes)]
    spans = sorted(
        (max(s, start), min(e if pd.notna(e) else end, end))
        for s, e in zip(part["start_date"], part["end_date"])
    )
    merged: list[list] = []
    for s, e in spans:
        if s > e:
            continue
        if merged and s <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    label = t("presence")
    return [(s, e, label if i == 0 else "") for i, (s, e) in enumerate(merged)]
