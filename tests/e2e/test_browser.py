"""The dashboard in a real browser: every page renders, maps draw, nothing leaves localhost.

Fixtures (conftest.py) start one Streamlit server and one headless Chromium per session.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.chromium import NO_CHROMIUM, find_chromium
from tests.e2e.helpers import (
    assert_no_exception,
    choose,
    map_frame,
    open_page,
    outside_requests,
    save_full_page,
    wait_for_map,
    wait_for_page,
)

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
    """The sidebar's language box switches the page, the menu and the number format, and
    the choice is kept in the address."""
    open_page(page, app_url, "", "Översikt")
    choose(page, "Språk", "English")
    wait_for_page(page, "Overview")
    assert "lang=en" in page.url
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_text("Here and now", exact=True)).to_be_visible()
    expect(
        page.get_by_test_id("stSidebarNav").get_by_text("Trust and information sharing")
    ).to_be_visible()
    text = main.inner_text()
    assert re.search(r"\d,\d{3}", text), "no number in English format (1,234)"
    assert not re.search(r"\d\u00a0\d{3}", text), "a number still in Swedish format"
    for word in ("Källa", "mot samma period i fjol", "fiktiva demodata"):
        assert word not in text, word
    page.reload()
    wait_for_page(page, "Overview")  # a reload keeps the language (it is in the URL)


def test_no_request_leaves_localhost(page, app_url, request_log):
    """Over every page visit of the session (this test visits all pages itself too),
    the browser only talks to the local server."""
    for path, title, _, has_map in PAGES:
        open_page(page, app_url, path, title)
        if has_map:
            wait_for_map(page)
    assert request_log, "no requests were recorded"
    outside = outside_requests(request_log)
    assert outside == [], f"{len(outside)} request(s) left localhost:\n" + "\n".join(outside)
