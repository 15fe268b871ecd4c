"""The analysts' Granskning page: the statutory lägesbild's button (`report_section`: a
Word draft and a PDF, `pax.report`) and the audit log viewer (entries in a date range,
newest first, as a table with CSV and Excel downloads). Every download is logged."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from pax import audit, i18n, report
from ui import cached
from ui import components as c
from ui.state import lang, t

DEFAULT_DAYS = 30
REPORT_KEY = "_pax_report"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_section() -> None:
    """'Skapa lägesbild' builds the statutory report (with a progress bar: about half a
    minute) and keeps its Word file and PDF in the session for the two downloads, each
    written to the audit log when clicked."""
    st.header(t("report_heading"))
    st.caption(t("report_help"))
    if st.button(t("report_make"), key="report_make", icon=":material/description:"):
        bar = st.progress(0.0, text=t("report_make"))
        made, word, document, warning = report.make(
            cached.connection(), progress=lambda i, n, text: bar.progress(i / n, text=text)
        )
        bar.empty()
        st.session_state[REPORT_KEY] = {
            "docx": word,
            "docx_name": made.filename("docx"),
            "pdf": document,
            "pdf_name": made.filename("pdf"),
            "warning": warning,
        }
    result = st.session_state.get(REPORT_KEY)
    if not result:
        return
    c.made_files(
        result["warning"],
        (t("report_docx"), result["docx"], result["docx_name"], DOCX_MIME, "report_docx"),
        (t("report_pdf"), result["pdf"], result["pdf_name"], "application/pdf", "report_pdf"),
    )


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
