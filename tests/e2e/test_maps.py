"""Issue 17: maps frame what they show. Each Leaflet map's bounds, read in its frame,
contain the municipality (or the chosen area and its neighbours), and no legend is drawn
on a map (they stand under it)."""

from __future__ import annotations

import duckdb
import pytest

from pax import maps, queries
from tests.e2e.helpers import open_page, wait_for_map

BOUNDS_JS = """() => {
  const k = Object.keys(window).filter(k => k.startsWith('map_'));
  if (!k.length) return null;
  const m = window[k[0]], b = m.getBounds();
  return {bounds: [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()],
          legends: document.querySelectorAll('.pax-legend').length};
}"""


def _maps(page, count: int) -> list[dict]:
    """The bounds of the page's `count` maps, once they are all drawn."""
    page.locator(".stIFrame, iframe").first.wait_for()
    for _ in range(60):
        page.wait_for_timeout(500)  # the fit runs again after the frame takes its size
        out = []
        for frame in page.frames:
            try:
                found = frame.evaluate(BOUNDS_JS)
            except Exception:  # noqa: BLE001 - frames without Leaflet, or gone
                continue
            if found:
                out.append(found)
        if len(out) >= count:
            return out
    return out


def _contains(view, box, slack=1e-4) -> bool:
    (s, w), (n, e) = box
    vs, vw, vn, ve = view
    return vs <= s + slack and vw <= w + slack and vn >= n - slack and ve >= e - slack


@pytest.fixture(scope="module")
def areas(store_env):
    with duckdb.connect(store_env["PAX_STORE"], read_only=True) as con:
        return queries.areas(con, "regso"), queries.areas(con, "deso")


@pytest.mark.parametrize(
    ("path", "title", "count"), [("", "Översikt", 3), ("har-och-nu", "Här och nu", 1)]
)
def test_maps_open_on_the_whole_municipality(page, app_url, areas, path, title, count):
    open_page(page, app_url, path, title)
    whole = maps.bounds_of(areas[1]["geometry"])
    found = _maps(page, count)
    assert len(found) == count
    for m in found:
        assert _contains(m["bounds"], whole), (m, whole)
        assert m["legends"] == 0


def test_a_chosen_area_opens_with_its_neighbours(page, app_url, areas):
    regso = areas[0]
    code = regso["code"].iloc[1]
    open_page(page, app_url, f"har-och-nu?valt={code}", "Här och nu")
    wait_for_map(page)
    (m,) = _maps(page, 1)
    box = maps.framing(regso, code)
    assert _contains(m["bounds"], box), (m, box)
    # …and not the whole municipality: the area fills a good part of the view.
    whole = maps.bounds_of(areas[1]["geometry"])
    assert not _contains(m["bounds"], whole)
