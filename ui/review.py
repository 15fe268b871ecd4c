"""The audit log viewer on the analysts' Granskning page: entries in a date range, newest
first, as a table with CSV and Excel downloads (which are themselves logged)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from pax import audit, i18n
from ui import components as c
from ui.state import lang, t

DEFAULT_DAYS = 30


def table(entries: pd.DataFrame) -> pd.DataFrame:
    """The log with Swedish (or English) column names and action labels."""
    en = lang() == "en"
    labels = {k: v[1] if en else v[0] for k, v in audit.ACTIONS.items()}
    roles = {r: i18n.t("role_" + r, lang()) for r in ("public", "council", "analyst")}
    shown = entries.assign(
        at=entries["at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        action=entries["action"].map(labels).fillna(entries["action"]),
        role=entries["role"].map(roles).fillna(entries["role"]),
    )
    names = {col: t(f"audit_{col}") for col in ("at", "who", "action", "what", "rows", "channel")}
    names |= {"role": t("role"), "detail": t("audit_detail")}
    return shown[audit.COLUMNS].rename(columns=names)


def audit_log() -> None:
    st.header(t("audit_heading"))
    st.caption(t("audit_help"))
    today = dt.datetime.now(dt.UTC).date()
    left, right = st.columns(2)
    start = left.date_input(
        t("from"),
        today - dt.timedelta(days=DEFAULT_DAYS - 1),
        key="audit_from",
        format="YYYY-MM-DD",
    )
    end = right.date_input(t("to"), today, key="audit_to", format="YYYY-MM-DD")
    if start > end:
        st.warning(t("bad_range"))
        start, end = end, start
    entries = audit.read(start, end)
    if entries.empty:
        st.info(t("audit_empty"))
        return
    shown = table(entries)
    # Plain cells: names of uploaded files are the uploader's text, never markdown or HTML.
    st.dataframe(shown, hide_index=True, width="stretch")
    c.downloads(shown, f"granskningslogg_{start:%Y%m%d}_{end:%Y%m%d}")
