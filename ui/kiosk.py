"""Presentation mode for a wall screen (`?kiosk=1`, or the sidebar button).

No sidebar, toolbar or running indicator, large type and high contrast; the pages of the
cycle (Översikt and the three horizons) take turns every `PAX_KIOSK_SECONDS` through a
fragment with `run_every`. Keys: ← and → step back and forward, Space (or P) pauses.
They are Streamlit's own button shortcuts, so no script is injected.

Data: `ui.cached` keys every cache on the store file's version (mtime and size), so a rebuilt
store shows up on the next run of a page. While the rotation runs, every page switch is such
a run; while it is paused the fragment reruns the whole app every
`PAX_KIOSK_REFRESH_MINUTES`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import streamlit as st

from pax import config
from ui.navigation import PAGES
from ui.state import t

# The pages that take turns (their URL paths in ui.navigation.PAGES), in order.
CYCLE = ("oversikt", "har-och-nu", "fortroende", "social-hallbarhet")
FONT_SIZE = 22  # Plotly/folium font size on the wall screen, at 1920 wide
NORMAL_FONT_SIZE = 14  # pax.figures' default

_ON = "_kiosk_on"
_PAUSED = "_kiosk_paused"
_SHOWN = "_kiosk_shown_at"  # time.monotonic() when the current page was last drawn in full
_TRUE = ("1", "true", "yes", "ja", "on")

# The wall screen's width in the address: `skala` = its width / 1920 (1–4, in twentieths).
# The type grows with the screen in CSS (`1.25vw`); maps, charts and legends are drawn in
# pixels by Leaflet and Plotly, sized on the server, which cannot see the screen. So this
# script, run once when presentation mode starts, puts the ratio in the address and
# reloads once if it was missing or different; every drawn size is then multiplied by it
# (`scale`), and a 4K wall shows the 1920 layout at twice the size, not small maps in large
# columns. CSS zoom cannot do it: Streamlit's Plotly element measures its width zoomed.
SCALE = "skala"
SCALE_SCRIPT = """<script>
(function () {
  var wanted = Math.min(4, Math.max(1, Math.round(window.innerWidth / 1920 * 20) / 20));
  var url = new URL(window.location.href);
  var now = parseFloat(url.searchParams.get("skala") || "1");
  if (!(Math.abs(now - wanted) < 0.001)) {
    url.searchParams.set("skala", String(wanted));
    window.location.replace(url.href);
  }
})();
</script>"""

STYLE = """
<style id="pax-kiosk-style">
/* Pax presentation mode (ui/kiosk.py): a wall screen at 1920×1080. */
[data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"],
[data-testid="stSidebarCollapseButton"],
[data-testid="stHeader"],
[data-testid="stToolbar"],
[data-testid="stStatusWidget"],
[data-testid="stDecoration"],
[data-testid="stMainMenu"],
[data-testid="stAppDeployButton"],
[data-testid="stHeaderActionElements"],
[data-testid="stHeadingWithActionElements"] a,
[data-testid="stPageLink"],
.st-key-kiosk_pause_p,
.st-key-kiosk_controls kbd {
  display: none !important;
}
/* Large type: Streamlit sizes text in rem, so the root size scales the whole page. */
/* 24 px at 1920 wide, growing with the screen: 48 px at 3840 (4K). */
html { font-size: max(24px, 1.25vw) !important; }
body, .stApp, [data-testid="stMain"] { background: #ffffff !important; color: #000000 !important; }
[data-testid="stMain"] :is(p, li, span, h1, h2, h3, label, th, td, [data-testid="stMetricValue"]) {
  color: #000000 !important;
}
[data-testid="stMainBlockContainer"] {
  padding: 0.5rem 1.2rem 1.6rem 1.2rem !important;
  max-width: none !important;
}
/* A page that is running keeps its old elements at full strength, no fading. */
[data-stale="true"], .stale-element { opacity: 1 !important; filter: none !important; }
[data-testid="stMain"] h1 { font-size: 1.7rem !important; line-height: 1.2 !important; }
[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3 {
  padding: 0.1rem 0 0.5rem 0 !important;
}
[data-testid="stMain"] h2 { font-size: 1.4rem !important; line-height: 1.2 !important; }
[data-testid="stMain"] h3 { font-size: 1.2rem !important; line-height: 1.2 !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] :is(p, .stMarkdownBadge) {
  color: #1a1a1a !important; font-size: 0.62rem !important; line-height: 1.3 !important;
}
[data-testid="stVerticalBlock"] { gap: 0.4rem !important; }
[data-testid="stHorizontalBlock"] { gap: 1.2rem !important; }
[data-testid="stAlert"] { border: 2px solid #000000 !important; }
[data-testid="stAlertContainer"] { padding: 0.3rem 0.8rem !important; }
/* Bordered containers (the tiles): thick black borders, less padding. */
[data-testid="stVerticalBlock"]:has(> [data-testid="stElementContainer"] [data-testid="stMetric"]) {
  border: 2px solid #000000 !important; padding: 0.35rem 0.6rem !important; gap: 0.15rem !important;
}
/* Tiles: label on top, value and change side by side, the sparkline to the right. */
[data-testid="stMetric"] {
  display: flex !important; align-items: center; gap: 0.6rem; overflow: hidden;
}
[data-testid="stMetric"] > div:first-child {
  flex: 1 1 auto; display: flex; flex-wrap: wrap; align-items: baseline; column-gap: 0.6rem;
}
[data-testid="stMetric"] > div:first-child > label { flex-basis: 100%; margin: 0 !important; }
[data-testid="stMetric"] > div:nth-child(2) { flex: 1 1 30%; min-width: 25%; overflow: hidden; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] p {
  font-size: 1rem !important; font-weight: 600 !important; line-height: 1.25 !important;
}
[data-testid="stMetricValue"] {
  font-size: 1.9rem !important; font-weight: 700 !important; line-height: 1.1 !important;
}
[data-testid="stMetricValue"] p { line-height: 1.1 !important; }
[data-testid="stMetricDelta"] { font-size: 0.8rem !important; height: auto !important; }
/* Narrow tiles: labels and changes wrap instead of being cut off or spilling over. */
:is([data-testid="stMetricLabel"], [data-testid="stMetricDelta"]) :is(div, p) {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stMetricDelta"] p { color: inherit !important; }
/* Controls: small, bottom right, faint until hovered. */
.st-key-kiosk_controls {
  position: fixed !important; right: 0.5rem; bottom: 0.4rem; z-index: 1000;
  width: auto !important; background: #ffffff; align-items: center; border-radius: 0.3rem;
}
.st-key-kiosk_controls :is(button, a, p, span) { color: #6b6b6b !important; }
.st-key-kiosk_controls:hover :is(button, a, p, span) { color: #000000 !important; }
.st-key-kiosk_controls [data-testid="stPageLink"] { display: block !important; }
.st-key-kiosk_controls button, .st-key-kiosk_controls a {
  min-height: 0 !important; padding: 0 0.3rem !important;
}
.st-key-kiosk_controls p { font-size: 0.6rem !important; }
.st-key-kiosk_paused_badge {
  position: fixed !important; right: 0.6rem; top: 0.4rem; z-index: 1000; width: auto !important;
  background: #000000; padding: 0.1rem 0.6rem; border-radius: 0.3rem;
}
/* Badges (fiktiva demodata) on the wall screen: dark text on the light badge (≥ 4.5:1). */
[data-testid="stMain"] .stMarkdownBadge { color: #6b3a00 !important; }
.st-key-kiosk_paused_badge p, .st-key-kiosk_paused_badge span {
  color: #ffffff !important; font-weight: 700;
}
</style>
"""


def active() -> bool:
    """Presentation mode is on: `?kiosk=1` in the URL, or earlier in this session.

    `?kiosk=0` turns it off. The state is kept in st.session_state as well, so it survives
    a page switch that drops the query string."""
    value = st.query_params.get("kiosk")
    if value is not None:
        st.session_state[_ON] = value.strip().lower() in _TRUE
    on = bool(st.session_state.get(_ON, False))
    if on:
        st.query_params["kiosk"] = "1"  # the address can always be copied to another screen
    elif value is not None:
        st.query_params.pop("kiosk", None)
    return on


def seconds() -> int:
    """Seconds each page is shown (`PAX_KIOSK_SECONDS`, at least 2)."""
    return max(2, int(config.get("PAX_KIOSK_SECONDS")))


def tick_seconds() -> float:
    """How often the rotation fragment wakes up: a fifth of a page's time (1 to 10 s), so a
    page is shown for `seconds()` give or take half a tick, however long it took to draw."""
    return min(10.0, max(1.0, seconds() / 5))


def refresh_seconds() -> int:
    """Longest time without a full run while paused (`PAX_KIOSK_REFRESH_MINUTES`)."""
    return max(1, int(config.get("PAX_KIOSK_REFRESH_MINUTES"))) * 60


def scale() -> float:
    """How many times its 1920 size the wall screen draws maps, charts and their type
    (`?skala=`, written by SCALE_SCRIPT); 1 outside presentation mode."""
    if not st.session_state.get(_ON, False):
        return 1.0
    try:
        value = float(st.query_params.get(SCALE, "1"))
    except ValueError:
        return 1.0
    return min(4.0, max(1.0, value)) if math.isfinite(value) else 1.0


def font_size() -> int:
    """Font size for Plotly figures and folium labels: large on the wall screen."""
    if not st.session_state.get(_ON, False):
        return NORMAL_FONT_SIZE
    return round(FONT_SIZE * scale())


def pixels(value: int) -> int:
    """A height drawn in pixels (a map, a chart), as large as the wall screen's type."""
    return round(value * scale())


def apply_style() -> None:
    """Hide Streamlit's chrome and set large, high-contrast type (style only, no space), and
    measure the screen for `scale` (the only script presentation mode runs)."""
    st.html(STYLE)
    st.html(SCALE_SCRIPT, unsafe_allow_javascript=True)


def paused() -> bool:
    return bool(st.session_state.get(_PAUSED, False))


def _params() -> dict[str, str]:
    params = {"kiosk": "1"}
    for key in ("lang", SCALE):
        if key in st.query_params:
            params[key] = st.query_params[key]
    return params


def cycle_of(pages: Sequence) -> list:
    """The st.Page objects that take turns, in the order of CYCLE. `pages` is built from
    ui.navigation.PAGES in its order (the default page's own url_path is "")."""
    by_path = {entry.path: page for entry, page in zip(PAGES, pages, strict=True)}
    return [by_path[path] for path in CYCLE if path in by_path]


def neighbour(cycle: Sequence, current, step: int):
    """The page `step` places from `current` in the cycle (the first one after a page
    outside the cycle)."""
    paths = [p.url_path for p in cycle]
    if current is None or current.url_path not in paths:
        return cycle[0] if step > 0 else cycle[-1]
    return cycle[(paths.index(current.url_path) + step) % len(cycle)]


def _toggle_pause() -> None:
    st.session_state[_PAUSED] = not paused()


def _controls(cycle: list, current) -> None:
    """The fragment body: the controls, and on a timer tick the next page."""
    prev_page, next_page = neighbour(cycle, current, -1), neighbour(cycle, current, 1)
    with st.container(key="kiosk_controls", horizontal=True, gap="small"):
        back = st.button(
            "",
            key="kiosk_prev",
            icon=":material/chevron_left:",
            shortcut="Left",
            help=t("kiosk_prev"),
            type="tertiary",
        )
        st.button(
            "",
            key="kiosk_pause",
            icon=":material/play_arrow:" if paused() else ":material/pause:",
            shortcut="Space",
            help=t("kiosk_pause"),
            type="tertiary",
            on_click=_toggle_pause,
        )
        forward = st.button(
            "",
            key="kiosk_next",
            icon=":material/chevron_right:",
            shortcut="Right",
            help=t("kiosk_next"),
            type="tertiary",
        )
        st.button("P", key="kiosk_pause_p", shortcut="P", type="tertiary", on_click=_toggle_pause)
        st.page_link(
            current,
            label=t("kiosk_exit"),
            icon=":material/close:",
            query_params={k: v for k, v in _params().items() if k != "kiosk"} | {"kiosk": "0"},
        )
    if paused():
        with st.container(key="kiosk_paused_badge", width="content"):
            st.markdown(f":material/pause: {t('kiosk_paused')}")
    if back:
        st.switch_page(prev_page, query_params=_params())
    if forward:
        st.switch_page(next_page, query_params=_params())
    elapsed = time.monotonic() - st.session_state.get(_SHOWN, time.monotonic())
    if paused():
        if elapsed >= refresh_seconds():
            st.rerun(scope="app")  # a paused screen still shows a rebuilt store
        return
    # A timer tick (the fragment's run inside the page's own run has elapsed ≈ 0).
    if elapsed >= seconds() - tick_seconds() / 2:
        st.switch_page(next_page, query_params=_params())


def rotate(pages: Sequence, current) -> None:
    """Show the controls and move on to the next page of the cycle after
    `PAX_KIOSK_SECONDS` (a fragment with `run_every`). Call `drawn()` after the page ran."""
    cycle = cycle_of(pages)
    drawn()
    st.fragment(_controls, run_every=tick_seconds())(cycle, current)


def drawn() -> None:
    """The current page has just been drawn in full: its time on screen starts now."""
    st.session_state[_SHOWN] = time.monotonic()


def start_button(pages: Sequence) -> None:
    """The sidebar button that turns presentation mode on (from Översikt)."""
    if st.button(
        t("kiosk_start"),
        key="kiosk_start",
        icon=":material/slideshow:",
        help=t("kiosk_start_help"),
        width="stretch",
    ):
        st.session_state[_ON] = True
        st.session_state[_PAUSED] = False
        st.switch_page(cycle_of(pages)[0], query_params=_params())
