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
from pax.ingest.core import KINDS, ImportError_, Options
from pax.ingest.places import CRS_NAMES
from pax.ingest.run import import_file
from ui import auth, cached
from ui import components as c
from ui.state import lang

TYPES = ["csv", "txt", "xlsx", "json", "geojson", "gpkg"]
KIND_LABELS = {
    "events": "Händelser",
    "measures": "Mått (indikatorer)",
    "interventions": "Insatser",
    "areas": "Områden",
}


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
    sv = lang() != "en"
    st.header("Importera en fil" if sv else "Import a file")
    st.caption(
        "Samma kontroller som `python -m pax import`: rader som inte går att importera "
        "sparas med skäl i en karantänfil, de övriga läses in, och inget i datalagret "
        f"ändras om filen inte kan läsas. Största fil: {config.get('PAX_IMPORT_MAX_MB')} MB."
        if sv
        else "The same checks as `python -m pax import`: rows that cannot be imported are kept "
        "with their reason in a quarantine file, the rest go in, and nothing in the store "
        "changes when the file cannot be read."
    )
    upload = st.file_uploader("Fil" if sv else "File", type=TYPES, key="import_file")
    c1, c2, c3 = st.columns(3)
    kind = c1.selectbox(
        "Innehåll" if sv else "Content",
        ["auto", *KINDS],
        format_func=lambda k: "Upptäck automatiskt" if k == "auto" else KIND_LABELS[k],
        key="import_kind",
    )
    crs = c2.selectbox(
        "Koordinatsystem",
        ["auto", *CRS_NAMES],
        key="import_crs",
        format_func=lambda c: "Upptäck automatiskt" if c == "auto" else f"{CRS_NAMES[c]} ({c})",
    )
    source = c3.text_input(
        "Källa (utgivare)" if sv else "Source (publisher)", key="import_source", max_chars=80
    )
    dry_run = st.checkbox(
        "Provkör utan att spara" if sv else "Dry run (save nothing)", key="import_dry"
    )
    if not st.button(
        "Importera" if sv else "Import", type="primary", disabled=upload is None, key="import_go"
    ):
        return
    opts = Options(
        kind=None if kind == "auto" else kind,
        crs=None if crs == "auto" else crs,
        source=source.strip() or None,
        dry_run=dry_run,
    )
    with st.status("Importerar …" if sv else "Importing …", expanded=True) as status:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / _safe_name(upload.name)
            path.write_bytes(upload.getvalue())
            st.write(f"{path.name} ({len(upload.getvalue()) / 1024:.0f} kB)")
            bar = st.progress(0.0, text="Startar …")
            try:
                report = import_file(path, opts, progress=lambda f, text: bar.progress(f, text))
            except ImportError_ as exc:
                auth.audited("import", path.name, None, error=str(exc), dry_run=dry_run)
                status.update(label="Filen kunde inte importeras", state="error")
                st.error(safe.markdown(exc))
                return
        bar.progress(1.0, text="Klart")
        auth.audited("import", path.name, report.rows_read, **_counts(report), dry_run=dry_run)
        state = "error" if report.exit_code == 2 else "complete"
        status.update(
            label="Klart" if state == "complete" else "Ingen rad importerades", state=state
        )
    _show(report)
    if report.imported and not dry_run:
        cached.clear()
        st.success("Importen är klar; sidorna visar nu de nya uppgifterna.")


def _counts(report) -> dict[str, int]:
    """The report's row counts, for the audit log."""
    names = ("imported", "rejected", "duplicates", "skipped")
    return {name: int(getattr(report, name)) for name in names}


def _show(report) -> None:
    cols = st.columns(5)
    for col, (label, value) in zip(
        cols,
        (
            ("Lästa rader", report.rows_read),
            ("Importerade", report.imported),
            ("Avvisade", report.rejected),
            ("Dubbletter", report.duplicates),
            ("Överhoppade", report.skipped),
        ),
    ):
        col.metric(label, value)
    for note in report.notes:
        st.caption(safe.markdown(note))  # notes may quote the file's own headers
    if report.errors:
        st.subheader("Avvisade rader")
        # Values from the file are shown as plain table cells, never as HTML or markdown.
        rejected = pd.DataFrame(report.errors).rename(
            columns={"row": "Rad", "column": "Kolumn", "value": "Värde", "reason": "Skäl"}
        )
        st.dataframe(rejected, hide_index=True, width="stretch")
        c.downloads(rejected, f"avvisade_{Path(report.file).stem}")
        if report.quarantine:
            st.caption(
                f"Alla avvisade rader finns i {Path(report.quarantine).name} "
                "(mappen quarantine bredvid datalagret)."
            )
