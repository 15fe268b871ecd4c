"""Pax lägesbild: the router. Page config, language, role, and st.navigation over pages/;
with `?kiosk=1` presentation mode instead of the sidebar (ui/kiosk.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # streamlit runs this file as a script
    sys.path.insert(0, str(ROOT))

from pax import i18n  # noqa: E402
from ui import cached, kiosk, state  # noqa: E402
from ui.navigation import PAGES  # noqa: E402

presenting = kiosk.active()  # presentation mode: ?kiosk=1 (ui/kiosk.py)
st.set_page_config(
    page_title="Pax lägesbild",
    page_icon=str(ROOT / "static" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="collapsed" if presenting else "expanded",
)

lang = state.lang()
pages = [
    st.Page(
        ROOT / "app_pages" / file,
        title=i18n.t(key, lang),
        icon=icon,
        url_path=path,
        default=(i == 0),
    )
    for i, (file, key, icon, path) in enumerate(PAGES)
]
navigation = st.navigation(pages, position="hidden" if presenting else "sidebar")

if presenting:  # no sidebar: the pages take turns (ui/kiosk.py)
    kiosk.apply_style()
    kiosk.rotate(pages, navigation)
else:
    with st.sidebar:
        st.markdown(f"### {i18n.t('app_title', lang)}")
        st.caption(i18n.t("app_subtitle", lang))
        state.select(
            i18n.t("language", lang),
            list(i18n.LANGUAGES),
            "lang",
            "sv",
            format_func={"sv": "Svenska", "en": "English"}.get,
        )
        role = state.role()
        st.markdown(f"**{i18n.t('role', lang)}:** {i18n.t('role_' + role, lang)}")
        st.caption(i18n.t("role_note_" + role, lang))
        if cached.ready():
            last = cached.as_of()
            st.caption(("Data t.o.m. " if lang == "sv" else "Data up to ") + i18n.date(last, lang))
        kiosk.start_button(pages)

navigation.run()
if presenting:
    kiosk.drawn()
