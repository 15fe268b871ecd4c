"""The import panel on the analysts' Granskning page: the same code as `python -m pax
import`, on an uploaded file, with the report and the rejected rows shown, the caches
refreshed afterwards and every attempt written to the audit log."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from pax import access, config, i18n, safe
from pax.ingest.core import KINDS, ImportRefused, Options
from pax.ingest.places import CRS_NAMES
from pax.ingest.run import import_file
from ui import auth, cached
from ui import components as c
from ui.state import lang, t

TYPES = ["csv", "txt", "xlsx", "json", "geojson", "gpkg"]


def allowed() -> bool:
    """Analysts only, and only while PAX_IMPORT_IN_APP is on (the server's own switch)."""
    return bool(config.get("PAX_IMPORT_IN_APP")) and access.allows(auth.role(), "analyst")


def section() -> None:
    """The panel, or one sentence saying the server has import switched off."""
    if allowed() and cached.mode() != "live":
        # Real rows would be counted with fictional ones: imports go into a live store.
        st.header(i18n.t("import_title", lang()))
        st.info(i18n.t("import_demo", lang()), icon=":material/science:")
    elif allowed():
        panel()
    elif access.allows(auth.role(), "analyst"):
        st.info(i18n.t("import_off", lang()))


def _safe_name(name: str) -> str:
    stem = Path(name).name  # never a path from the browser
    return re.sub(r"[^A-Za-z0-9åäöÅÄÖ._-]+", "_", stem)[:120] or "uppladdad_fil"


def panel() -> None:
    st.header(t("import_title"))
    st.caption(t("import_help", mb=config.get("PAX_IMPORT_MAX_MB")))
    upload = st.file_uploader(t("import_file"), type=TYPES, key="import_file")
    c1, c2, c3 = st.columns(3)
    # The choices' names are made here, in this run's language: a format_func is also
    # called outside the run (AppTest), where the URL's language cannot be read.
    kinds = {"auto": t("import_auto")} | {k: t(f"import_kind_{k}") for k in KINDS}
    kind = c1.selectbox(t("import_kind"), list(kinds), format_func=kinds.get, key="import_kind")
    crs_names = {"auto": t("import_auto")} | {c: f"{name} ({c})" for c, name in CRS_NAMES.items()}
    crs = c2.selectbox(
        t("import_crs"), list(crs_names), format_func=crs_names.get, key="import_crs"
    )
    source = c3.text_input(t("import_source"), key="import_source", max_chars=80)
    dry_run = st.checkbox(t("import_dry_run"), key="import_dry")
    if not st.button(t("import_go"), type="primary", disabled=upload is None, key="import_go"):
        return
    opts = Options(
        kind=None if kind == "auto" else kind,
        crs=None if crs == "auto" else crs,
        source=source.strip() or None,
        dry_run=dry_run,
    )
    with st.status(t("import_running"), expanded=True) as status:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / _safe_name(upload.name)
            path.write_bytes(upload.getvalue())
            st.write(f"{path.name} ({len(upload.getvalue()) / 1024:.0f} kB)")
            bar = st.progress(0.0, text=t("import_starting"))
            try:
                report = import_file(path, opts, progress=lambda f, text: bar.progress(f, text))
            except ImportRefused as exc:
                auth.audited("import", path.name, None, error=str(exc), dry_run=dry_run)
                status.update(label=t("import_failed"), state="error")
                st.error(safe.markdown(exc))
                return
        bar.progress(1.0, text=t("import_done"))
        auth.audited("import", path.name, report.rows_read, **_counts(report), dry_run=dry_run)
        state = "error" if report.exit_code == 2 else "complete"
        status.update(
            label=t("import_done") if state == "complete" else t("import_nothing"), state=state
        )
    _show(report)
    if report.imported and not dry_run:
        from pax import store

        store.publish(config.store_path())  # a shared store (PostgreSQL) gets the rows too
        cached.clear()
        st.success(t("import_refreshed"))


def _counts(report) -> dict[str, int]:
    """The report's row counts, for the audit log."""
    names = ("imported", "rejected", "duplicates", "skipped")
    return {name: int(getattr(report, name)) for name in names}


def _show(report) -> None:
    cols = st.columns(5)
    for col, (label, value) in zip(
        cols,
        (
            (t("import_rows_read"), report.rows_read),
            (t("import_imported"), report.imported),
            (t("import_rejected"), report.rejected),
            (t("import_duplicates"), report.duplicates),
            (t("import_skipped"), report.skipped),
        ),
    ):
        col.metric(label, value)
    for note in report.notes:
        st.caption(safe.markdown(note))  # notes may quote the file's own headers
    if report.errors:
        st.subheader(t("import_rejected_rows"))
        # Values from the file are shown as plain table cells, never as HTML or markdown.
        rejected = pd.DataFrame(report.errors).rename(
            columns={name: t(f"import_{name}") for name in ("row", "column", "value", "reason")}
        )
        st.dataframe(rejected, hide_index=True, width="stretch")
        c.downloads(rejected, f"avvisade_{Path(report.file).stem}")
        if report.quarantine:
            st.caption(t("import_quarantine", file=Path(report.quarantine).name))
