"""Presentation mode (`?kiosk=1`) in a real browser at 1920×1080: no sidebar or toolbar,
large type, the pages take turns, Space pauses and the arrow keys step.

The shared server (conftest.py) runs with the default `PAX_KIOSK_SECONDS` (45 s), so the
style checks and the screenshot see a page that stays put. The rotation tests start a
second server of their own with a short cycle.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.chromium import NO_CHROMIUM, find_chromium
from tests.e2e.conftest import serve
from tests.e2e.helpers import (
    SCRIPT_DONE,
    TITLE,
    assert_no_exception,
    open_page,
    outside_requests,
)

if find_chromium() is None:  # one skip line for the whole module, nothing started
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

pytestmark = pytest.mark.e2e
expect.set_options(timeout=20_000)

SECONDS = 4  # PAX_KIOSK_SECONDS of this module's own server
CYCLE = ("Översikt", "Här och nu", "Förtroende och informationsdelning", "Social hållbarhet")
CHROME = (
    "stSidebar",
    "stSidebarCollapsedControl",
    "stExpandSidebarButton",
    "stHeader",
    "stToolbar",
    "stStatusWidget",
    "stMainMenu",
    "stAppDeployButton",
)
PAUSED = ".st-key-kiosk_paused_badge"
# Font sizes (px) of the root, the body and the body text of Översikt.
FONT_SIZES_JS = """
() => {
  const px = (el) => el ? parseFloat(getComputedStyle(el).fontSize) : null;
  const main = document.querySelector('[data-testid="stMain"]');
  return {
    root: px(document.documentElement),
    body: px(document.body),
    notice: px(main.querySelector('[data-testid="stAlert"] p')),
    label: px(main.querySelector('[data-testid="stMetricLabel"] p')),
    value: px(main.querySelector('[data-testid="stMetricValue"]')),
  };
}
"""


@pytest.fixture(scope="module")
def kiosk_url(chromium_path, store_env, tmp_path_factory) -> Iterator[str]:
    """A second server like `app_url`, with PAX_KIOSK_SECONDS=4."""
    settings = store_env | {"PAX_KIOSK_SECONDS": str(SECONDS)}
    with serve(settings, tmp_path_factory.mktemp("streamlit-kiosk")) as base:
        yield base


def title(page: Page) -> str:
    return page.locator(TITLE).first.inner_text()


def wait_for_title(page: Page, text: str, timeout_ms: int = 20_000) -> None:
    expect(page.locator(TITLE).first).to_have_text(text, timeout=timeout_ms)
    page.wait_for_selector(SCRIPT_DONE)
    assert_no_exception(page)


def assert_local(request_log: list[str]) -> None:
    outside = outside_requests(request_log)
    assert outside == [], f"{len(outside)} request(s) left localhost:\n" + "\n".join(outside)


def test_presentation_mode_hides_the_chrome_and_uses_large_type(
    page, app_url, artifacts, request_log
):
    open_page(page, app_url, "?kiosk=1", "Översikt")
    for testid in CHROME:
        expect(page.locator(f'[data-testid="{testid}"]')).to_be_hidden()
    expect(page.locator('[data-testid="stMain"]')).to_be_visible()
    # Measure only once the notice and the first tile are drawn (a slow machine renders late).
    main = page.locator('[data-testid="stMain"]')
    expect(main.locator('[data-testid="stAlert"] p').first).to_be_visible(timeout=30_000)
    expect(main.locator('[data-testid="stMetricValue"]').first).to_be_visible(timeout=30_000)
    sizes = page.evaluate(FONT_SIZES_JS)
    assert sizes["root"] >= 24 and sizes["body"] >= 24, sizes
    assert sizes["notice"] >= 24 and sizes["label"] >= 24, sizes
    assert sizes["value"] >= 1.8 * sizes["root"], sizes  # headline figures far larger
    # The main area starts at the left edge: no sidebar space is reserved.
    box = page.locator('[data-testid="stMain"]').bounding_box()
    assert box["x"] == 0 and box["width"] == 1920, box
    expect(page.get_by_role("link", name="Avsluta")).to_be_visible()
    page.screenshot(path=artifacts / "kiosk-oversikt.png")
    assert "kiosk=1" in page.url
    assert_local(request_log)


def test_the_sidebar_button_starts_and_the_exit_link_ends_presentation_mode(page, app_url):
    open_page(page, app_url, "fortroende", "Förtroende och informationsdelning")
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()
    page.get_by_role("button", name="Presentationsläge").click()
    wait_for_title(page, "Översikt")
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    assert "kiosk=1" in page.url
    page.get_by_role("link", name="Avsluta").click()
    wait_for_title(page, "Översikt")
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()
    expect(page.get_by_role("button", name="Presentationsläge")).to_be_visible()


def test_the_pages_take_turns(page, kiosk_url, request_log):
    open_page(page, kiosk_url, "?kiosk=1", "Översikt")
    # Within about two cycles (a cold page takes a few seconds to draw on a busy machine).
    wait_for_title(page, "Här och nu", timeout_ms=(2 * SECONDS + 12) * 1000)
    wait_for_title(page, CYCLE[2], timeout_ms=(2 * SECONDS + 12) * 1000)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    assert "kiosk=1" in page.url
    assert_local(request_log)


def test_space_pauses_and_the_arrow_keys_step(page, kiosk_url, request_log):
    open_page(page, kiosk_url, "?kiosk=1", "Översikt")
    # Press as soon as the next page appears, so the key is not racing the next switch.
    expect(page.locator(TITLE).first).to_have_text("Här och nu", timeout=(2 * SECONDS + 12) * 1000)
    page.keyboard.press("Space")
    expect(page.locator(PAUSED)).to_be_visible()
    shown = title(page)
    # Paused: the page stays for one and a half cycles (the behaviour under test).
    page.wait_for_timeout(int(1.5 * SECONDS * 1000))
    assert title(page) == shown
    expect(page.locator(PAUSED)).to_be_visible()

    page.keyboard.press("ArrowRight")
    following = CYCLE[(CYCLE.index(shown) + 1) % len(CYCLE)]
    wait_for_title(page, following)
    expect(page.locator(PAUSED)).to_be_visible()  # stepping keeps the pause
    page.keyboard.press("ArrowLeft")
    wait_for_title(page, shown)

    page.keyboard.press("Space")  # resume
    expect(page.locator(PAUSED)).to_be_hidden()
    wait_for_title(page, following, timeout_ms=(2 * SECONDS + 12) * 1000)
    assert_local(request_log)


# The size of every map frame and Plotly chart in the main area, and of their columns.
DRAWN_SIZES_JS = """
() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.width, r.height]; };
  const column = (el) => box(el.closest('[data-testid="stColumn"]') || main)[0];
  return {
    maps: [...main.querySelectorAll('iframe[title="streamlit_folium.st_folium"]')]
      .map((f) => [...box(f), column(f)]),
    charts: [...main.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg')]
      .filter((s) => !s.parentElement.closest('.main-svg'))
      .map((s) => [...box(s), column(s)]),
    legend: [...main.querySelectorAll('.pax-legend-below')]
      .map((l) => parseFloat(getComputedStyle(l).fontSize)),
    root: parseFloat(getComputedStyle(document.documentElement).fontSize),
  };
}
"""


def _drawn(browser, base: str, path: str, title_text: str, width: int, height: int) -> dict:
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(f"{base}/{path}")
        page.wait_for_url("**skala=**" if width > 1920 else "**", timeout=30_000)
        wait_for_title(page, title_text, timeout_ms=60_000)
        expect(page.locator('iframe[title="streamlit_folium.st_folium"]').first).to_be_visible(
            timeout=60_000
        )
        if path.startswith("fortroende"):
            expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_visible(
                timeout=60_000
            )
        page.wait_for_timeout(1500)
        assert_no_exception(page)
        return page.evaluate(DRAWN_SIZES_JS) | {"url": page.url}
    finally:
        context.close()


@pytest.mark.parametrize(
    ("path", "title_text"),
    [("?kiosk=1", "Översikt"), ("fortroende?kiosk=1", "Förtroende och informationsdelning")],
)
def test_a_4k_wall_draws_maps_charts_and_legends_as_large_as_its_type(
    browser, app_url, path, title_text
):
    """At 3840×2160 the type is twice its 1920 size, and so are the maps, the charts and
    the legends under the maps: the 1920 layout at twice the size, columns filled."""
    small = _drawn(browser, app_url, path, title_text, 1920, 1080)
    large = _drawn(browser, app_url, path, title_text, 3840, 2160)
    assert "skala=2" in large["url"] and "skala" not in small["url"]
    assert large["root"] == pytest.approx(2 * small["root"], rel=0.02)
    assert len(large["maps"]) == len(small["maps"]) >= 1
    for (w1, h1, c1), (w2, h2, c2) in zip(small["maps"], large["maps"]):
        assert h2 == pytest.approx(2 * h1, rel=0.05)
        assert w2 >= 0.95 * c2 and w1 >= 0.95 * c1  # each map fills its column
    for (w1, h1, c1), (w2, h2, c2) in zip(small["charts"], large["charts"]):
        assert h2 == pytest.approx(2 * h1, rel=0.05)
        assert w2 <= c2 + 1 and w2 >= 0.9 * c2 and w1 >= 0.9 * c1  # within its column
    assert len(large["charts"]) == len(small["charts"])
    for f1, f2 in zip(small["legend"], large["legend"]):
        assert f2 == pytest.approx(2 * f1, rel=0.1)
