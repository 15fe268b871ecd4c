"""Presentation mode (`?kiosk=1`) headless: the router skips the sidebar, injects the wall
screen style, and the rotation fragment's buttons step, pause and keep the mode on."""

from pathlib import Path
from types import SimpleNamespace

from streamlit.testing.v1 import AppTest

from ui import kiosk
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]


def _run(params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    return at


def _param(at: AppTest, name: str):
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def _styles(at: AppTest) -> list[str]:
    return [h.proto.body for h in at.get("html") if "pax-kiosk-style" in h.proto.body]


def test_kiosk_shows_the_overview_without_the_sidebar(app_env):
    at = _run({"kiosk": "1"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Översikt"
    assert not [w for w in at.selectbox if w.label == "Språk"]
    assert len(at.sidebar) == 0
    assert not [b for b in at.button if b.key == "kiosk_start"]
    assert _param(at, "kiosk") == "1"


def test_kiosk_injects_the_wall_screen_style(app_env):
    (style,) = _styles(_run({"kiosk": "1"}))
    for testid in ("stSidebar", "stToolbar", "stHeader", "stStatusWidget", "stMainMenu"):
        assert f'[data-testid="{testid}"]' in style
    assert "font-size: max(24px, 1.25vw)" in style
    assert _styles(_run()) == []


def test_normal_mode_has_the_sidebar_and_the_start_button(app_env):
    at = _run()
    assert not at.exception
    assert [w for w in at.selectbox if w.label == "Språk"]
    start = at.button(key="kiosk_start")
    assert start.label == "Presentationsläge"
    start.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _param(at, "kiosk") == "1"
    assert at.title[0].value == "Översikt"
    assert _styles(at) and not [w for w in at.selectbox if w.label == "Språk"]


def test_the_buttons_step_and_pause_and_the_mode_survives_a_switch(app_env):
    at = _run({"kiosk": "1", "lang": "sv"})
    at.button(key="kiosk_next").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Här och nu"
    assert _param(at, "kiosk") == "1" and _param(at, "lang") == "sv"
    assert _styles(at)
    at.button(key="kiosk_prev").click().run()
    assert at.title[0].value == "Översikt"
    at.button(key="kiosk_prev").click().run()
    assert at.title[0].value == "Social hållbarhet"  # the cycle wraps around

    assert not any("Pausad" in m.value for m in at.markdown)
    at.button(key="kiosk_pause").click().run()
    assert at.session_state["_kiosk_paused"] is True
    assert any("Pausad" in m.value for m in at.markdown)
    at.button(key="kiosk_pause_p").click().run()  # P does the same as Space
    assert at.session_state["_kiosk_paused"] is False


def test_kiosk_0_turns_presentation_mode_off(app_env):
    at = _run({"kiosk": "1"})
    at.query_params["kiosk"] = "0"
    at.run()
    assert not at.exception
    assert not _styles(at)
    assert [w for w in at.selectbox if w.label == "Språk"]


def test_the_cycle_is_the_overview_and_the_three_horizons():
    # Like st.Page: the default (first) page's url_path is "".
    pages = [
        SimpleNamespace(url_path="" if i == 0 else path)
        for i, (_, _, _, path, *_) in enumerate(PAGES)
    ]
    cycle = kiosk.cycle_of(pages)
    assert [p.url_path for p in cycle] == ["", "har-och-nu", "fortroende", "social-hallbarhet"]
    assert kiosk.neighbour(cycle, cycle[3], 1) is cycle[0]
    assert kiosk.neighbour(cycle, cycle[0], -1) is cycle[3]
    assert kiosk.neighbour(cycle, cycle[1], 1) is cycle[2]
    omraden = next(p for p in pages if p.url_path == "omraden")
    assert kiosk.neighbour(cycle, omraden, 1) is cycle[0]  # a page outside the cycle


def test_english_labels(app_env):
    at = _run({"kiosk": "1", "lang": "en"})
    assert at.title[0].value == "Overview"
    at.button(key="kiosk_pause").click().run()
    assert any("Paused" in m.value for m in at.markdown)
