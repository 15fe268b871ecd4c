"""Här och nu in a real browser: the map and its layers, filters kept in a shareable URL,
the protected CompStat table, selecting an area by clicking the map, and no request
leaving localhost.

Fixtures (conftest.py) start one Streamlit server and one headless Chromium per session.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.chromium import NO_CHROMIUM, find_chromium
from tests.e2e.helpers import (
    SCRIPT_DONE,
    choose,
    map_frame,
    open_page,
    outside_requests,
    save_full_page,
    select_box,
    wait_for_map,
    wait_for_page,
)

if find_chromium() is None:  # one skip line for the whole module, nothing started
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

pytestmark = pytest.mark.e2e
expect.set_options(timeout=20_000)  # a cold page can take a while on a busy machine

PATH = "har-och-nu"
TITLE = "Här och nu"
WHOLE_MUNICIPALITY = "Hela kommunen"  # i18n no_area: "Valt område" when nothing is chosen
# layer_areas, layer_hot_areas, layer_presence, layer_police (pax/i18n.py)
LAYERS = (
    "Områden (RegSO)",
    "Testade hotspots (områden)",
    "Förebyggande närvaro",
    "Polisens utsatta områden",
)
SHARED_VIEW = "dagar=365&kat=shooting&niva=deso&matt=rate&valt=0181C1050"
SHARED_SELECTS = {
    "Period": "senaste 365 dagarna",
    "Kategorier": "Skottlossning",
    "Områdesnivå": "DeSO (51 områden)",
    "Visa": "Per 1 000 invånare",
    "Valt område": "Hovsjö (1050)",
}
SHARED_PARAMS = {"kat": "shooting", "niva": "deso", "matt": "rate", "valt": "0181C1050"}
COMPSTAT_CSV = '[class*="st-key-dl_csv_compstat_"] button'  # c.downloads(…, "compstat_<end>")
COUNT_COLUMNS = ("Nu", "I fjol")
RATE_NOW = "Nu per 1 000 inv."
NUMBER = re.compile(r"\d{1,3}(\u00a0\d{3})*")  # sv-SE grouping, as privacy.label writes it


def is_safe_count(text: str) -> bool:
    """A count as the table may show it: hidden (`<3`, the default k = 3, or `..` for a
    complement), 0, or at least 3; never 1 or 2 on its own."""
    if text in ("<3", ".."):
        return True
    return bool(NUMBER.fullmatch(text)) and int(text.replace("\u00a0", "")) not in (1, 2)


def query(page: Page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def assert_shared_view(page: Page) -> None:
    for label, shown in SHARED_SELECTS.items():
        expect(select_box(page, label)).to_have_value(shown)
    params = query(page)
    assert params["dagar"] == "365", page.url
    assert {k: params.get(k) for k in SHARED_PARAMS} == SHARED_PARAMS, page.url


def test_map_shows_its_layers_and_legends(page, app_url, artifacts):
    open_page(page, app_url, PATH, TITLE)
    drawn = wait_for_map(page)  # the areas are painted on the prefer_canvas overlay
    assert drawn["svgPaths"] > 0 or drawn["polygons"] > 0, drawn
    frame = map_frame(page)
    control = frame.locator(".leaflet-control-layers")
    expect(control).to_be_visible()
    labels = control.locator("label")
    for layer in LAYERS:
        expect(labels.filter(has_text=layer)).to_have_count(1)
    areas = labels.filter(has_text=LAYERS[0]).locator("input")
    expect(areas).to_be_checked()
    # The legends stand under the map, where they cover nothing (issue 17).
    expect(frame.locator(".pax-legend")).to_have_count(0)
    expect(page.locator(".pax-legend-below", has_text="Getis-Ord Gi*")).to_be_visible()
    expect(page.locator(".pax-legend-below b").get_by_text("Händelser", exact=True)).to_be_visible()
    save_full_page(page, artifacts / "har-och-nu-karta.png")


def test_shared_link_restores_the_filters_and_survives_a_reload(page, app_url):
    open_page(page, app_url, f"{PATH}?{SHARED_VIEW}", TITLE)
    assert_shared_view(page)

    page.reload()
    wait_for_page(page, TITLE)
    assert_shared_view(page)

    choose(page, "Period", "senaste 28 dagarna")
    expect(page).to_have_url(re.compile(r"[?&]dagar=28(&|$)"))
    page.wait_for_selector(SCRIPT_DONE)
    expect(select_box(page, "Period")).to_have_value("senaste 28 dagarna")
    params = query(page)  # the rest of the view is still in the link
    assert {k: params.get(k) for k in SHARED_PARAMS} == SHARED_PARAMS, page.url


def test_compstat_table_never_shows_a_count_of_one_or_two(page, app_url):
    open_page(page, app_url, PATH, TITLE)
    # glide-data-grid paints on a canvas and keeps an accessible copy of the rendered
    # cells in a <table> (hidden from the accessibility tree, so found by CSS).
    table = page.get_by_test_id("stDataFrame").filter(
        has=page.locator("thead th", has_text="Bedömning")
    )
    expect(table).to_be_visible()
    expect(table.locator("canvas").first).to_be_visible()

    headers = table.locator("thead th").all_inner_texts()
    assert {"Kategori", "Period", *COUNT_COLUMNS, "Bedömning"} <= set(headers), headers
    expect(table.locator("tbody tr").first).to_be_attached()
    grid = [
        dict(zip(headers, row.locator("td").all_inner_texts()))
        for row in table.locator("tbody tr").all()
    ]
    assert grid, "the CompStat table has no rows"
    for row in grid:
        for col in COUNT_COLUMNS:
            assert is_safe_count(row[col]), (col, row)

    with page.expect_download() as info:
        page.locator(COMPSTAT_CSV).click()
    download = info.value
    assert re.fullmatch(r"compstat_\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    raw = download.path().read_bytes()
    assert raw.startswith(codecs.BOM_UTF8), raw[:20]
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows, "the CompStat CSV has no rows"
    assert {"Kategori", "Period", *COUNT_COLUMNS, "Bedömning", RATE_NOW} <= set(rows[0])
    assert {r["Period"] for r in rows} == {
        "Senaste 7 dagarna",
        "Senaste 28 dagarna",
        "Hittills i år",
    }
    for row in rows:
        for col in COUNT_COLUMNS:
            assert is_safe_count(row[col]), (col, row)
        if row["Nu"] in ("<3", ".."):  # a rate would give the hidden count back
            assert row[RATE_NOW] == "", row
    # The table on screen and the file hold the same rows.
    same = ("Kategori", "Period", *COUNT_COLUMNS, "Bedömning")
    assert [{k: r[k] for k in same} for r in grid] == [
        {k: r[k] for k in same} for r in rows[: len(grid)]
    ]


def test_clicking_an_area_on_the_map_selects_it(page, app_url):
    open_page(page, app_url, PATH, TITLE)
    wait_for_map(page)
    chosen = select_box(page, "Valt område")
    expect(chosen).to_have_value(WHOLE_MUNICIPALITY)
    assert "valt" not in query(page), page.url

    # The map opens on the town centre (RegSO level), so its middle is inside an area.
    container = map_frame(page).locator(".leaflet-container")
    box = container.bounding_box()
    container.click(position={"x": box["width"] / 2, "y": box["height"] / 2})

    expect(chosen).not_to_have_value(WHOLE_MUNICIPALITY)
    expect(page).to_have_url(re.compile(r"[?&]valt=[^&]+"))
    page.wait_for_selector(SCRIPT_DONE)
    name = chosen.input_value()
    assert name and name != WHOLE_MUNICIPALITY
    # The CompStat caption names the area, and the map outlines it as its own layer.
    expect(page.get_by_text(f"{name} · t.o.m.")).to_be_visible()
    control = map_frame(page).locator(".leaflet-control-layers")
    expect(control.locator("label").filter(has_text="Valt område")).to_have_count(1)


def test_trend_table_renders_for_a_small_area(page, app_url):
    open_page(page, app_url, f"{PATH}?valt=vardsholmen-sodra", TITLE)
    trend = page.get_by_test_id("stExpander").filter(has_text="Visa som tabell").first
    trend.locator("summary").click()
    shown = trend.locator('[data-testid="stDataFrame"], [data-testid="stAlertContentError"]')
    expect(shown.first).to_be_visible()
    errors = trend.get_by_test_id("stAlertContentError")
    assert errors.count() == 0, "\n".join(errors.all_inner_texts())
    expect(trend.get_by_test_id("stDataFrame")).to_be_visible()


def test_no_request_left_localhost(page, app_url, request_log):
    """Runs last in this module: over every visit of the session so far (this module's
    included, and one more visit of its own), the browser only talked to the local
    server."""
    open_page(page, app_url, f"{PATH}?{SHARED_VIEW}", TITLE)
    wait_for_map(page)
    assert request_log, "no requests were recorded"
    assert any(f"/{PATH}" in url for url in request_log), "Här och nu was not visited"
    outside = outside_requests(request_log)
    assert outside == [], f"{len(outside)} request(s) left localhost:\n" + "\n".join(outside)
