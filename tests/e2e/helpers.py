"""Shared helpers for the browser tests: open a page, find the map iframe, wait for the
areas to be drawn, screenshot a whole page, list requests that left localhost and sign in
through the mock OpenID provider."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Frame, Locator, Page, expect

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob", "about"}
SCRIPT_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
MAP_IFRAME = 'iframe[title*="streamlit_folium"]'
TITLE = '[data-testid="stMain"] h1'
SIDEBAR = '[data-testid="stSidebar"]'
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
    wait_for_page(page, title)


def wait_for_page(page: Page, title: str) -> None:
    """Wait until the loaded page's script has finished and its h1 shows `title`."""
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


def select_box(page: Page, label: str) -> Locator:
    """The input of the Streamlit select box labelled `label` (its value is the shown text)."""
    return page.get_by_role("combobox", name=label, exact=True)


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` (its shown text) in the select box labelled `label`."""
    select_box(page, label).click()
    page.get_by_role("option", name=option, exact=True).click()


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


def is_local(url: str) -> bool:
    """Whether `url` stays on this machine (or in the page: data:, blob:, about:)."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


def outside_requests(request_log: list[str]) -> list[str]:
    """The distinct URLs in `request_log` that went anywhere but the local server."""
    return sorted({url for url in request_log if not is_local(url)})


def sidebar(page: Page) -> Locator:
    return page.locator(SIDEBAR)


def wait_for_role(page: Page, role: str) -> None:
    """Wait until the script has finished and the sidebar names the role, e.g. "Analytiker"."""
    page.wait_for_selector(SCRIPT_DONE)
    expect(sidebar(page)).to_contain_text(f"Roll: {role}")


def sign_in(page: Page, base: str, subject: str) -> None:
    """Sign in at `base` as `subject`, one of the mock OpenID provider's predefined users
    (tests/e2e/conftest.py: `provider`), and wait until the app is back at `base`."""
    page.goto(base)
    wait_for_role(page, "Allmänhet")
    sidebar(page).get_by_role("button", name="Logga in").click()
    # The provider's consent form: one button per predefined user.
    page.wait_for_url(lambda url: "/oauth2/authorize" in url)
    page.get_by_role("button", name=subject, exact=True).click()
    page.wait_for_url(lambda url: url.rstrip("/") == base)
