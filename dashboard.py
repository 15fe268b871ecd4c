"""Pax lägesbild: the router. Page config, language, role, and st.navigation over pages/;
with `?kiosk=1` presentation mode instead of the sidebar (ui/kiosk.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # streamlit runs this file as a script
    sys.path.insert(0, str(ROOT))

from pax import access, i18n, privacy  # noqa: E402
from ui import auth, cached, components, kiosk, state  # noqa: E402
from ui.navigation import PAGES  # noqa: E402

presenting = kiosk.active()  # presentation mode: ?kiosk=1 (ui/kiosk.py)
st.set_page_config(
    page_title="Pax lägesbild",
    page_icon=str(ROOT / "static" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="collapsed" if presenting else "expanded",
)

lang = state.lang()
try:  # the disclosure settings are checked before any figure is drawn
    privacy.Policy.from_config()
except ValueError as exc:
    st.error(f"{i18n.t('bad_setting', lang)} {exc}", icon=":material/error:")
    st.stop()
viewer = auth.viewer()
# Every page is registered, so that its URL is known; a page the role may not open is
# left out of the menu and refused below. (An unregistered URL would make Streamlit run
# the start page instead, with only a transient "page not found" notice.)
pages = [
    st.Page(
        ROOT / "app_pages" / file,
        title=i18n.t(key, lang),
        icon=icon,
        url_path=path,
        default=(i == 0),
        visibility="visible" if access.allows(viewer.role, minimum) else "hidden",
    )
    for i, (file, key, icon, path, minimum) in enumerate(PAGES)
]
navigation = st.navigation(pages, position="hidden" if presenting else "sidebar")
chosen = next(i for i, page in enumerate(pages) if page is navigation)
refused = not access.allows(viewer.role, PAGES[chosen].minimum)

st.html(components.BASE_STYLE)  # contrast fixes for Streamlit's own colours (axe-core)
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
        auth.sidebar()
        if cached.ready():
            last = cached.as_of()
            st.caption(f"{i18n.t('data_up_to', lang)} {i18n.date(last, lang)}")
            st.caption(i18n.t(f"mode_{cached.mode()}", lang))
        kiosk.start_button(pages)

if refused:  # reached by URL: say so, and never run the page's script
    auth.refuse(pages[chosen].title, PAGES[chosen].minimum, viewer.role)
else:
    navigation.run()
if presenting:
    kiosk.drawn()
