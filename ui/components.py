"""Reusable page parts: tiles, source footers, the fictional-data badge, downloads and
the app's only st_folium call."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from pax import exports, i18n, privacy
from ui import cached
from ui.state import lang, t


def require_store() -> bool:
    """Show a clear Swedish message and stop the page when the store is missing."""
    if cached.ready():
        return True
    st.error(t("store_missing"))
    st.stop()
    return False


def page_header(title_key: str, subtitle: str | None = None) -> None:
    st.title(t(title_key))
    if subtitle:
        st.caption(subtitle)


def source_line(source_ids: Iterable[str], period: str) -> str:
    """`Källa: SCB · 2022` with the fictional flag where it applies."""
    src = cached.sources().set_index("id")
    parts, fictional = [], False
    for sid in dict.fromkeys(source_ids):
        if sid in src.index:
            parts.append(src.at[sid, "publisher"])
            fictional |= bool(src.at[sid, "fictional"])
    text = f"{t('source')}: {', '.join(dict.fromkeys(parts))} · {period}"
    if fictional:
        text += f" · :orange-badge[{t('fictional')}]"
    return text


def source_caption(source_ids: Iterable[str], period: str) -> None:
    st.caption(source_line(source_ids, period))


def fictional_notice() -> None:
    st.info(t("fictional_banner"), icon=":material/science:")


def tile(
    label: str,
    value: str,
    delta: str | None = None,
    delta_color: str = "normal",
    source: str = "",
    help: str | None = None,
) -> None:
    """A headline figure with its change and its source and period underneath."""
    with st.container(border=True):
        # A comparison with another area is no change: no arrow then.
        unchanged = bool(delta) and delta.startswith(t("unchanged"))
        arrow = "off" if delta_color == "off" or unchanged else "auto"
        delta_color = "off" if unchanged else delta_color
        st.metric(label, value, delta, delta_color=delta_color, help=help, delta_arrow=arrow)
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


def render_map(m, key: str, height: int = 560) -> None:
    """Draw a folium map without re-running the script on pan and zoom."""
    st_folium(m, key=key, height=height, width="stretch", returned_objects=[])


def downloads(frame: pd.DataFrame, name: str) -> None:
    """CSV and Excel downloads of a protected table, formula-neutralised."""
    safe = exports.neutralise(frame)
    c1, c2 = st.columns(2)
    c1.download_button(
        t("download_csv"),
        exports.to_csv(safe),
        f"{name}.csv",
        "text/csv",
        key=f"dl_csv_{name}",
        icon=":material/download:",
    )
    buf = io.BytesIO()
    safe.to_excel(buf, index=False)
    c2.download_button(
        t("download_xlsx"),
        buf.getvalue(),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"dl_xlsx_{name}",
        icon=":material/download:",
    )


def disclosure_note() -> None:
    k = privacy.Policy.from_config().k
    st.caption(t("disclosure_note", k=k, km1=k - 1))


def year_to_date_tile(indicator_id: str, end: dt.date) -> None:
    """Year to date against the same months last year; counts are summed from raw values
    and protected once, medians (days) are the median of the monthly values."""
    row = cached.indicator(indicator_id)
    statistic = "sum" if row["kind"] == "count" else "median"
    start = dt.date(end.year, 1, 1)
    now, now_label = cached.measure_total(indicator_id, start, end, statistic)
    before, _ = cached.measure_total(
        indicator_id, start.replace(year=end.year - 1), _year_earlier(end), statistic
    )
    unit = i18n.unit(row["unit"], lang())
    value = now_label or i18n.number(now, 0, lang())
    tile(
        i18n.name(row, lang()),
        f"{value} {unit}".strip(),
        change_text(now, before),
        delta_color="inverse" if row["better"] == "lower" else "normal",
        source=source_line([row["source_id"]], i18n.date_range(start, end, lang())),
    )


def _year_earlier(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
