"""The briefing export: one self-contained HTML file (nothing fetched, everything escaped)
and a PDF printed from it by headless Chromium."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
from pathlib import Path

import pandas as pd
import plotly.offline
import pytest
import shapely
from shapely.geometry import mapping

from pax import briefing, figures, maps
from pax.briefing import Briefing, Section, Tile
from tests import pdf

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
HOSTILE = "<script>alert(1)</script>"
SQUARE = json.dumps(mapping(shapely.box(17.6, 59.18, 17.62, 59.2)))
NO_CHROMIUM = "Chromium saknas: installera Debians paket chromium för PDF- och webbläsartesterna"
RESOURCE = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*https?://""", re.I)


def _map(heat: bool = False, below: bool = False, settings: maps.MapSettings = maps.OFFLINE):
    m = maps.base_map(height=300, legends_below=below, settings=settings)
    areas = pd.DataFrame(
        {
            "code": ["a", "b"],
            "name": ["A", "B"],
            "geometry": [SQUARE, SQUARE],
            "count": [5.0, None],
            "label": [HOSTILE, "B: <3"],
        }
    )
    maps.add_areas(m, areas, "Områden", "count", legend_title="Händelser")
    if heat:
        maps.add_heat(m, pd.DataFrame({"lat": [59.19], "lon": [17.61], "weight": [2.0]}), "Värme")
    return maps.finish(m, bounds=[[59.18, 17.6], [59.2, 17.62]])


def _briefing(
    fictional: bool = True, label: str = HOSTILE, heat: bool = True, below: bool = False
) -> Briefing:
    fig = figures.lines(
        pd.DataFrame({"year": ["2023", "2024", "2025"], "v": [1.0, 3.0, 2.0], "s": ["K"] * 3}),
        "year",
        "v",
        "s",
        f"Diagram {HOSTILE}",
    )
    section = Section(
        title=f"Här och nu {HOSTILE}",
        subtitle="Situationell prevention",
        tiles=[Tile(label, "12", "+3 (+33 %) mot samma period i fjol", "Källa: Polisen · 2026")],
        figures=[fig],
        maps=[_map(heat, below)],
        tables=[
            ("Per kategori", pd.DataFrame({"Kategori": [HOSTILE, "Bilbrand"], "Antal": [4, 2.5]}))
        ],
        sentences=[f"En mening {HOSTILE}."],
        figure_captions=["Källa: Pax lägesbild (genererat) · 2023–2025"],
        map_captions=["Källa: SCB · 2026"],
    )
    sources = pd.DataFrame(
        {
            "title": [f"Händelser {HOSTILE}"],
            "publisher": ["Pax lägesbild (genererat)"],
            "licence": ["CC0"],
            "period": [None],
            "fictional": [fictional],
        }
    )
    return Briefing(
        title="Pax lägesbild",
        subtitle="Södertälje kommun och Polisen",
        date=dt.date(2026, 11, 27),
        sections=[section, Section(title="Lång sikt", tiles=[Tile("Folkmängd", "102 519")])],
        changes=[f"Skottlossningar: 2 fler {HOSTILE}"],
        sources=sources,
        disclosure="Antal mellan 1 och 2 visas som <3 för att ingen enskild ska kunna pekas ut.",
        fictional=fictional,
        since=dt.date(2026, 11, 13),
    )


def _without_scripts(doc: str) -> str:
    """The markup only: a URL inside JavaScript code is no resource."""
    return re.sub(r"<script\b[^>]*>.*?</script>", "<script></script>", doc, flags=re.S | re.I)


def _srcdocs(doc: str) -> list[str]:
    return [html.unescape(s) for s in re.findall(r'srcdoc="([^"]*)"', doc)]


@pytest.fixture(scope="module")
def doc() -> str:
    return briefing.render_html(_briefing(), STATIC)


def test_the_html_fetches_nothing(doc):
    assert briefing.outside_references(doc) == []
    inner = _srcdocs(doc)
    assert len(inner) == 1
    for part in [doc, *inner]:
        assert not RESOURCE.search(_without_scripts(part))
        assert "/app/static" not in part
        assert not re.search(r"<link\b", _without_scripts(part), flags=re.I)
        assert not re.search(r"<script\b[^>]*\bsrc\s*=", part, flags=re.I)
        assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", part, flags=re.I)
    assert "Content-Security-Policy" in doc and "default-src 'none'" in doc


def test_leaflet_and_plotly_are_inlined(doc):
    (inner,) = _srcdocs(doc)
    leaflet = (STATIC / "vendor/leaflet/leaflet.js").read_text(encoding="utf-8")
    heat = (STATIC / "vendor/leaflet.heat/leaflet-heat.js").read_text(encoding="utf-8")
    assert leaflet[:400] in inner and heat[:200] in inner
    assert "L.map(" in inner and ".leaflet-container" in inner  # the map and Leaflet's CSS
    assert "url(images/" not in inner  # Leaflet's CSS images are inlined as data: URIs
    assert "data:image/png;base64," in inner
    bundle = plotly.offline.get_plotlyjs()
    assert doc.count(bundle[:500]) == 1  # plotly.js once, however many charts
    assert "Plotly.newPlot" in doc


def test_text_from_the_data_is_escaped(doc):
    assert HOSTILE not in doc
    assert "alert(1)</script>" not in _without_scripts(doc)
    assert html.escape(HOSTILE) in doc  # shown as text: tile, sentence, table, change, source
    (inner,) = _srcdocs(doc)
    assert "<script>alert" not in inner  # map labels go through maps.safe_text


def test_the_document_has_its_parts(doc):
    text = html.unescape(re.sub(r"<[^>]+>", " ", _without_scripts(doc)))
    for part in (
        "Pax lägesbild",
        "27 november 2026",
        "fiktiva demodata",
        "Sedan förra mötet (13 november 2026)",
        "Här och nu",
        "Lång sikt",
        "+3 (+33 %) mot samma period i fjol",
        "Källa: Polisen · 2026",
        "Källa: SCB · 2026",
        "Per kategori",
        "2,5",
        "Källor",
        "CC0",
        "Antal mellan 1 och 2 visas som <3",
    ):
        assert part in text, part
    assert "@page { size: A4 landscape" in doc


def test_real_data_is_not_labelled_fictional():
    doc = briefing.render_html(_briefing(fictional=False, label="Folkmängd"), STATIC)
    text = re.sub(r"<[^>]+>", " ", _without_scripts(doc))
    assert "fiktiva demodata" not in text


def test_a_briefing_without_charts_carries_no_plotly():
    plain = _briefing()
    plain.sections = [Section(title="Lång sikt", tiles=[Tile("Folkmängd", "102 519")])]
    doc = briefing.render_html(plain, STATIC)
    assert "Plotly" not in doc and len(doc) < 100_000


def test_online_basemap_tiles_never_reach_the_file():
    m = _map(settings=maps.MapSettings(tiles_url="https://tiles.example.org/{z}/{x}/{y}.png"))
    b = _briefing()
    b.sections[0].maps = [m]
    doc = briefing.render_html(b, STATIC)
    assert "tiles.example.org" not in html.unescape(doc)
    assert "tiles.example.org" in m.get_root().render()  # the map itself is left as it was


def test_a_map_asset_from_outside_is_refused():
    m = _map()
    m.default_js = [*m.default_js, ("mystery", "https://cdn.example.org/x.js")]
    b = _briefing()
    b.sections[0].maps = [m]
    with pytest.raises(ValueError, match="static/vendor"):
        briefing.render_html(b, STATIC)


def test_the_checker_finds_what_would_be_fetched():
    inner = html.escape('<html><script src="http://cdn.example.org/a.js"></script></html>')
    found = briefing.outside_references(
        '<img src="https://example.org/x.png"><a href="//example.org">x</a>'
        "<style>body{background:url(https://example.org/b.png)}</style>"
        f'<iframe srcdoc="{inner}"></iframe><link href="/app/static/x.css">'
        "<script>var s = '<img src=\"https://in-a-string.example.org\">';</script>"
    )
    assert "https://example.org/x.png" in found and "//example.org" in found
    assert "https://example.org/b.png" in found and "http://cdn.example.org/a.js" in found
    assert "/app/static/x.css" in found
    assert not any("in-a-string" in f for f in found)
    assert briefing.outside_references('<img src="data:image/png;base64,AAAA">') == []


def test_file_names_carry_the_date_and_the_area():
    b = _briefing()
    assert briefing.filename(b, "html") == "pax-lagesbild-2026-11-27.html"
    b.slug = "Hovsjö/Ronna"
    assert briefing.filename(b, "pdf") == "pax-lagesbild-hovsjo-ronna-2026-11-27.pdf"


def test_without_chromium_the_pdf_gives_a_swedish_sentence(monkeypatch):
    monkeypatch.setattr(briefing, "find_chromium", lambda: None)
    with pytest.raises(RuntimeError, match="Chromium saknas"):
        briefing.to_pdf("<html></html>")
    with pytest.raises(RuntimeError, match="gick inte att starta"):
        briefing.to_pdf("<html></html>", chromium="/finns/inte/chromium")


@pytest.fixture(scope="module")
def chromium() -> str:
    path = briefing.find_chromium()
    if path is None:
        pytest.skip(NO_CHROMIUM)
    return path


@pytest.mark.e2e
def test_the_pdf_is_printed_by_chromium(doc, chromium, tmp_path):
    pdf = briefing.to_pdf(doc, chromium)
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 10_000  # tiles, a chart and a drawn map, not an empty page


# Run in its own process: the browser tests keep a session-wide sync Playwright open, and a
# second sync Playwright in the same process refuses to start inside its event loop.
OFFLINE_CHECK = """
import json, sys
from pathlib import Path
from playwright.sync_api import sync_playwright
path, chromium = Path(sys.argv[1]), sys.argv[2]
requests, errors = [], []
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=chromium,
                                args=["--no-sandbox", "--disable-background-networking"])
    try:
        page = browser.new_page(viewport={"width": 1123, "height": 794})
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri(), wait_until="load", timeout=90_000)
        frame = page.frame_locator("iframe.pax-map").first
        frame.locator(".leaflet-container").wait_for(timeout=60_000)
        frame.locator(".pax-legend").wait_for(timeout=60_000)
        page.locator(".plotly-graph-div .main-svg").first.wait_for(timeout=60_000)
        page.wait_for_timeout(500)
    finally:
        browser.close()
print(json.dumps({"requests": requests, "errors": errors}))
"""


@pytest.mark.e2e
def test_the_file_opens_offline_in_a_browser_with_a_drawn_map(doc, chromium, tmp_path):
    import json
    import subprocess
    import sys

    path = tmp_path / "lagesbild.html"
    path.write_text(doc, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-c", OFFLINE_CHECK, str(path), chromium],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    outside = [
        u for u in result["requests"] if u != path.as_uri() and not u.startswith(("data:", "blob:"))
    ]
    assert outside == []
    assert result["errors"] == []


@pytest.mark.e2e
def test_map_pictures_are_fitted_and_draw_no_controls(chromium, monkeypatch):
    from PIL import Image

    empty = maps.finish(maps.base_map(height=300), bounds=[[59.18, 17.6], [59.2, 17.62]])
    square = _map()
    blank, drawn = briefing.map_pictures([empty, square], STATIC, chromium)
    # No zoom buttons, layer box, scale bar or attribution: a map with no areas is white.
    with Image.open(io.BytesIO(blank)) as picture:
        assert picture.convert("L").getextrema() == (255, 255)
    # The square is fitted to the frame's height and the picture cut to it.
    with Image.open(io.BytesIO(drawn)) as picture:
        width, height = picture.size
        assert height >= 0.85 * briefing.PICTURE_SIZE[1] * briefing.PICTURE_SCALE
        assert abs(width - height) < 0.25 * height  # a square stays a square
    # The check sees controls where they are drawn.
    monkeypatch.setattr(briefing, "PICTURE_CSS", "html,body{height:100%;margin:0}")
    with Image.open(io.BytesIO(briefing.map_pictures([empty], STATIC, chromium)[0])) as shown:
        assert shown.convert("L").getextrema()[0] < 200


@pytest.mark.e2e
def test_the_pdf_is_made_for_paper(chromium):
    b = _briefing(heat=False, below=True)
    paper = briefing.paper_document(b, STATIC, chromium)
    assert "pax-map" not in paper.replace("pax-map-picture", "")  # no live map, no iframe
    assert "<iframe" not in paper and "leaflet" not in paper.lower()
    assert briefing.outside_references(paper) == []
    printed = pdf.pages(briefing.to_pdf(paper, chromium))
    assert all(round(p.width) == 842 and round(p.height) == 595 for p in printed)  # A4 landscape
    sheet = printed[0]
    assert len(sheet.images) == 1  # the map, as a picture
    left, bottom, right, top = sheet.images[0]
    assert top - bottom > 0.3 * sheet.height  # the map takes the height the tiles leave
    assert sheet.lowest_ink > 0.85  # charts and maps fill the sheet, not half of it
    assert "Leaflet" not in sheet.text and "−" not in sheet.text
    assert "Händelser" in sheet.text  # the legend, printed as text beside the picture
    assert "Källa: SCB · 2026" in sheet.text
    assert "Per kategori" in printed[1].text  # tables on the page after the sheet
    assert "Lång sikt" in printed[2].text and not printed[2].images
