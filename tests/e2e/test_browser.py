"""The dashboard in a real browser: every page renders, maps draw, nothing leaves localhost.

Fixtures (conftest.py) start one Streamlit server and one headless Chromium per session.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Frame, Page, expect

from tests.e2e.chromium import NO_CHROMIUM, find_chromium

if find_chromium() is None:  # one skip line for the whole module, nothing started
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

pytestmark = pytest.mark.e2e
expect.set_options(timeout=20_000)  # a cold page can take a while on a busy machine

# (URL path, Swedish title, artifact name, has a folium map)
PAGES = (
    ("", "Översikt", "oversikt", False),
    ("har-och-nu", "Här och nu", "har-och-nu", True),
    ("fortroende", "Förtroende och informationsdelning", "fortroende", False),
    ("social-hallbarhet", "Social hållbarhet", "social-hallbarhet", True),
    ("omraden", "Områden", "omraden", False),
    ("om-data", "Om data", "om-data", False),
)
MAP_PAGES = [p for p in PAGES if p[3]]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}
SCRIPT_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
MAP_IFRAME = 'iframe[title*="streamlit_folium"]'
TITLE = '[data-testid="stMain"] h1'
EXCEPTION = '[data-testid="stException"]'

# Area polygons drawn by Leaflet, with either renderer. pax/maps.py uses
# prefer_canvas=True, so polygons are painted on a <canvas> and there is no
# `path.leaflet-interactive`; then count the polygon layers Leaflet has projected into
# view and check that the overlay canvas has painted pixels.
MAP_DRAWN_JS = """
() => {
  const svgPaths = document.querySelectorAll('path.leaflet-interactive').length;
  if (svgPaths > 0) return {svgPaths, polygons: 0, painted: true};
  if (!window.L) return null;
  let polygons = 0;
  for (const key of Object.keys(window)) {
    const map = window[key];
    if (!(map instanceof L.Map)) continue;
    map.eachLayer(layer => {
      if (layer instanceof L.Polygon && layer._parts && layer._parts.length) polygons += 1;
    });
  }
  let painted = false;
  for (const canvas of document.querySelectorAll('.leaflet-overlay-pane canvas')) {
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length && !painted; i += 4) painted = pixels[i] > 0;
  }
  return polygons > 0 && painted ? {svgPaths, polygons, painted} : null;
}
"""


def open_page(page: Page, base: str, path: str, title: str) -> None:
    """Load a page and wait until its script has finished and its h1 shows `title`."""
    page.goto(f"{base}/{path}")
    page.wait_for_selector(SCRIPT_DONE)
    # The first h1 is the page title (Om data also renders a README with its own h1).
    expect(page.locator(TITLE).first).to_have_text(title)
    page.wait_for_selector(SCRIPT_DONE)  # a rerun may have started after the first run
    assert_no_exception(page)


def assert_no_exception(page: Page) -> None:
    """No Streamlit error box; the message holds the app's traceback."""
    exceptions = page.locator(EXCEPTION)
    assert exceptions.count() == 0, "\n\n".join(exceptions.all_inner_texts())


def map_frame(page: Page) -> Frame:
    iframe = page.locator(MAP_IFRAME)
    expect(iframe).to_have_count(1)
    frame = iframe.element_handle().content_frame()
    assert frame is not None and "streamlit_folium" in frame.url, frame
    return frame


def wait_for_map(page: Page) -> dict:
    """Wait until the map's Leaflet container is visible and its areas are drawn."""
    frame = map_frame(page)
    frame.wait_for_selector(".leaflet-container", state="visible")
    return frame.wait_for_function(MAP_DRAWN_JS, polling=100).json_value()


def save_full_page(page: Page, target: Path) -> None:
    """Screenshot the whole page. Streamlit scrolls inside stMain, not the document, so
    grow the viewport to the content's height first."""
    main = "document.querySelector('[data-testid=\"stMain\"]')"
    viewport = page.viewport_size
    height = viewport["height"]
    for _ in range(5):  # content may still grow a little as the taller viewport lays out
        scroll = page.evaluate(f"() => {main}.scrollHeight")
        if scroll <= height:
            break
        height = scroll + 1
        page.set_viewport_size({"width": viewport["width"], "height": height})
        page.wait_for_function(f"() => window.innerHeight === {height}")
    page.screenshot(path=target, full_page=True)
    page.set_viewport_size(viewport)


def test_deep_link_sets_the_period_filter(page, app_url):
    """Filters come from the query string, also on a fresh session's first request."""
    open_page(page, app_url, "har-och-nu?dagar=28", "Här och nu")
    expect(page.get_by_role("combobox", name="Period")).to_have_value("senaste 28 dagarna")
    assert "dagar=28" in page.url


@pytest.mark.parametrize(("path", "title", "name", "has_map"), PAGES, ids=[p[2] for p in PAGES])
def test_page_renders_without_exception(page, app_url, artifacts, path, title, name, has_map):
    open_page(page, app_url, path, title)
    if has_map:
        wait_for_map(page)
    assert_no_exception(page)
    save_full_page(page, artifacts / f"{name}.png")
    assert (artifacts / f"{name}.png").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("path", "title"), [p[:2] for p in MAP_PAGES], ids=[p[2] for p in MAP_PAGES]
)
def test_leaflet_map_draws_the_areas(page, app_url, path, title):
    open_page(page, app_url, path, title)
    frame = map_frame(page)
    expect(frame.locator(".leaflet-container")).to_be_visible()
    drawn = wait_for_map(page)
    assert drawn["svgPaths"] > 0 or drawn["polygons"] > 0, drawn


@pytest.mark.parametrize(
    ("path", "title"),
    [("", "Översikt"), ("har-och-nu", "Här och nu")],
    ids=["oversikt", "har-och-nu"],
)
def test_fictional_data_notice_is_shown(page, app_url, path, title):
    open_page(page, app_url, path, title)
    notice = page.locator('[data-testid="stAlert"]', has_text="fiktiva demodata")
    expect(notice.first).to_be_visible()


def test_english_toggle(page, app_url):
    open_page(page, app_url, "?lang=en", "Overview")


def test_no_request_leaves_localhost(page, app_url, request_log):
    """Over every page visit of the session (this test visits all pages itself too),
    the browser only talks to the local server."""
    for path, title, _, has_map in PAGES:
        open_page(page, app_url, path, title)
        if has_map:
            wait_for_map(page)
    assert request_log, "no requests were recorded"
    outside = sorted(
        {
            url
            for url in request_log
            if urlsplit(url).scheme not in LOCAL_SCHEMES
            and urlsplit(url).hostname not in LOCAL_HOSTS
        }
    )
    assert outside == [], f"{len(outside)} request(s) left localhost:\n" + "\n".join(outside)
