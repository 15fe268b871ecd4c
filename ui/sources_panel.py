"""The analysts' source table on Granskning: each configured source with its last success,
last attempt, error, rows and next due time, and a button to sync it now (audited)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from pax.sync import run
from pax.sync import sources as src
from pax.sync.http import SyncError
from ui import auth, cached
from ui.state import lang, t


def _when(value) -> str:
    return str(value).replace("T", " ")[:16] if value else "–"


def table(configured: dict[str, src.Source], status: dict[str, dict]) -> pd.DataFrame:
    now = dt.datetime.now().astimezone()
    rows = []
    for name, source in configured.items():
        state = status.get(name, {})
        due = src.next_due(source, state)
        rows.append(
            {
                t("sync_source"): name,
                t("sync_kind"): source.kind,
                t("sync_every"): source.every,
                t("sync_last_success"): _when(state.get("last_success")),
                t("sync_last_attempt"): _when(state.get("last_attempt")),
                t("sync_rows"): "–" if state.get("rows") is None else str(state["rows"]),
                t("sync_next"): t("sync_now_due")
                if due is None or due <= now
                else _when(due.isoformat()),
                t("sync_state"): (
                    state["error"]
                    if state.get("error")
                    else t("sync_never")
                    if not state.get("last_success")
                    else t("sync_stale")
                    if src.stale(source, state, now)
                    else t("sync_ok")
                ),
            }
        )
    return pd.DataFrame(rows)


def section() -> None:
    st.header(t("sync_heading"))
    try:
        configured = src.load()
    except ValueError as exc:
        st.error(str(exc))
        return
    st.caption(t("sync_help"))
    shown = st.empty()  # refilled after a sync in this run
    shown.dataframe(table(configured, src.read_status()), hide_index=True, width="stretch")
    if cached.mode() != "live":
        st.info(t("sync_demo"), icon=":material/science:")
        return
    left, right = st.columns([2, 1], vertical_alignment="bottom")
    name = left.selectbox(t("sync_source"), list(configured), key="sync_pick")
    if right.button(t("sync_run"), key="sync_go", icon=":material/sync:"):
        with st.status(t("sync_running", name=name), expanded=True) as box:
            try:
                state = run.sync([name], force=True, progress=box.write)[name]
            except (SyncError, ValueError) as exc:
                state = {"error": str(exc)}
            auth.audited("sync", name, state.get("rows"), error=state.get("error"))
            if state.get("error"):
                box.update(label=state["error"], state="error")
            else:
                box.update(
                    label=t("sync_done", name=name, rows=state.get("rows", 0)), state="complete"
                )
                cached.clear()
        shown.dataframe(table(configured, src.read_status()), hide_index=True, width="stretch")


def freshness(source_ids) -> str:
    """`hämtad 4 december 2026 10:15` for the synced sources among `source_ids` (and
    `inaktuell` when older than twice the schedule); empty for sources not synced."""
    return src.fetched(source_ids, lang())
