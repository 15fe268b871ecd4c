"""The briefings of Översikt and Områden, built from the test store through ui.cached (the
cached functions work outside a Streamlit run), and the buttons that offer them."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from streamlit.testing.v1 import AppTest

from pax import briefing, i18n
from tests import pdf
from tests.conftest import DEMO_END
from ui import briefing as ub

HORIZONS = ["Här och nu", "Medellång sikt", "Lång sikt"]
RESOURCE = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*https?://""", re.I)


def _markup(doc: str) -> str:
    return re.sub(r"<script\b[^>]*>.*?</script>", "", doc, flags=re.S | re.I)


def _text(doc: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", _markup(doc)))


def _self_contained(doc: str) -> None:
    assert briefing.outside_references(doc) == []
    for part in [doc, *(html.unescape(s) for s in re.findall(r'srcdoc="([^"]*)"', doc))]:
        assert not RESOURCE.search(_markup(part))
        assert "/app/static" not in part


def _small(value: str) -> bool:
    return value in {"0", "<3", ".."} or int(value.replace("\u00a0", "")) >= 3


def test_overview_briefing_has_the_three_horizons_with_sourced_tiles(app_env):
    since = DEMO_END - dt.timedelta(days=14)
    b = ub.overview_briefing(DEMO_END, since, ["Skottlossning: 2 fler än vid förra mötet."])
    assert [s.title for s in b.sections] == HORIZONS
    tiles = {t.label: t for s in b.sections for t in s.tiles}
    for label in ("Skottlossning", "Underrättelser till polisen", "Förtroende för polisen"):
        assert label in tiles
    assert tiles["Folkmängd"].value == "102\u00a0519 personer"  # SCB, 31 Dec 2023, as on the page
    assert tiles["Folkmängd"].source == "Källa: SCB (Statistiska centralbyrån) · 2023"
    assert all(t.source.startswith("Källa: ") for t in tiles.values())
    assert "fiktiva demodata" in tiles["Skottlossning"].source
    for label in ("Skottlossning", "Sprängning/detonation", "Narkotika- och vapengömmor"):
        assert _small(tiles[label].value.split(" (")[0]) or tiles[label].value in (
            "färre än 3",
            "dolt",
        )
    assert [len(s.maps) for s in b.sections] == [1, 1, 1]
    assert b.fictional and b.since == since
    assert {"SCB (Statistiska centralbyrån)", "Pax lägesbild (genererat)"} <= set(
        b.sources["publisher"]
    )

    doc = briefing.render_html(b, ub.STATIC_DIR)
    _self_contained(doc)
    for title in HORIZONS:
        assert f"<h2>{title}</h2>" in doc
    text = _text(doc)
    assert "Sedan förra mötet (16 juni 2026)" in text
    assert "Skottlossning: 2 fler än vid förra mötet." in text
    assert "Källa: SCB (Statistiska centralbyrån) · 2023" in text
    assert "fiktiva demodata" in text and "Källor" in text
    assert "Antal mellan 1 och 2 visas som <3" in text
    assert doc.count('class="pax-map"') == 3
    assert briefing.filename(b, "html") == f"pax-lagesbild-{dt.date.today().isoformat()}.html"


def test_area_briefing_names_the_area_and_compares_with_the_municipality(app_env):
    b = ub.area_briefing("0181R012", "regso", DEMO_END)
    assert b.title == "Pax lägesbild: Hovsjö" and b.changes == []
    assert [s.title for s in b.sections] == HORIZONS
    tiles = [t for s in b.sections for t in s.tiles]
    assert all(t.source.startswith("Källa: ") for t in tiles)
    assert any(t.label == "Förtroende för polisen" for t in tiles)
    assert sum("Södertälje kommun: " in (t.delta or "") for t in tiles) >= 4
    title, table = b.sections[0].tables[0]
    assert title == "Händelser per kategori, senaste 12 månaderna"
    assert len(table) == 5
    assert all(_small(v) for v in table[i18n.t("events", "sv")])
    for key in ("per_1000_short", "municipality", "similar_areas"):
        assert table[i18n.t(key, "sv")].str.fullmatch(r"\d+,\d\d|–").all()  # as on the page

    doc = briefing.render_html(b, ub.STATIC_DIR)
    _self_contained(doc)
    text = _text(doc)
    assert "Pax lägesbild: Hovsjö" in text
    assert "Särskilt utsatt område" in text
    assert "Sedan förra mötet" not in text  # no meeting list for an area
    for title in HORIZONS:
        assert f"<h2>{title}</h2>" in doc
    assert briefing.filename(b, "pdf").startswith("pax-lagesbild-hovsjo-")


def test_area_briefing_works_for_a_deso_and_refuses_an_unknown_area(app_env):
    b = ub.area_briefing("0181C1050", "deso", DEMO_END)
    assert "Hovsjö" in b.title
    _self_contained(briefing.render_html(b, ub.STATIC_DIR))
    with pytest.raises(ValueError, match="Okänt område"):
        ub.area_briefing("finns-inte", "regso", DEMO_END)


def _buttons_app():
    import datetime as dt

    import pandas as pd

    from pax.briefing import Briefing, Section, Tile
    from ui import briefing as ub

    def factory():
        return Briefing(
            "Pax lägesbild",
            "Södertälje",
            dt.date(2026, 11, 27),
            [Section("Här och nu", tiles=[Tile("Bilbrand", "6", None, "Källa: Polisen · 2026")])],
            [],
            pd.DataFrame(columns=["title", "publisher", "licence", "period", "fictional"]),
            "Antal mellan 1 och 2 visas som <3.",
            True,
        )

    ub.download_buttons(factory, key="test")


def test_the_buttons_make_the_files_on_demand_and_explain_a_missing_pdf(monkeypatch):
    monkeypatch.setattr(briefing, "find_chromium", lambda: None)
    at = AppTest.from_function(_buttons_app, default_timeout=120)
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Skapa lägesbild"]
    assert not at.download_button  # nothing is built before it is asked for
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [d.label for d in at.download_button] == ["Ladda ned lägesbild (HTML)"]
    assert "Chromium saknas" in at.warning[0].value
    made = at.session_state["_pax_briefing"]
    assert made["html_name"] == "pax-lagesbild-2026-11-27.html"
    assert b"Bilbrand" in made["html"] and made["pdf"] is None
    at.run()  # the downloads stay on the page
    assert [d.label for d in at.download_button] == ["Ladda ned lägesbild (HTML)"]


@pytest.mark.e2e
def test_the_buttons_offer_the_pdf_when_chromium_is_there():
    if briefing.find_chromium() is None:
        pytest.skip("Chromium saknas: installera Debians paket chromium för PDF-testet")
    at = AppTest.from_function(_buttons_app, default_timeout=180)
    at.run()
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [d.label for d in at.download_button] == [
        "Ladda ned lägesbild (HTML)",
        "Ladda ned lägesbild (PDF)",
    ]
    made = at.session_state["_pax_briefing"]
    assert made["pdf"].startswith(b"%PDF") and made["pdf_name"].endswith(".pdf")


@pytest.mark.e2e
@pytest.mark.parametrize("area", [None, "0181R012"])
def test_the_printed_briefing_fills_its_sheets_with_static_maps(app_env, area):
    """Each horizon is one A4 landscape sheet: its maps printed as pictures fitted to the
    municipality (or the area), its charts and maps filling what the tiles leave."""
    if briefing.find_chromium() is None:
        pytest.skip("Chromium saknas: installera Debians paket chromium för PDF-testet")
    if area:
        b = ub.area_briefing(area, "regso", DEMO_END)
    else:
        b = ub.overview_briefing(DEMO_END, DEMO_END - dt.timedelta(days=14), ["Skottlossning."])
    paper = briefing.paper_document(b, ub.STATIC_DIR)
    assert "<iframe" not in paper and "leaflet-control" not in paper
    printed = pdf.pages(briefing.to_pdf(paper))
    sheets = [p for p in printed if any(s.title in p.text.splitlines()[:8] for s in b.sections)]
    assert len(sheets) == len(b.sections)
    with_maps = [p for p in sheets if p.images]
    assert len(with_maps) == sum(len(s.maps) for s in b.sections)
    for sheet in sheets:
        assert sheet.lowest_ink > 0.85, sheet.text[:60]
        assert "Leaflet" not in sheet.text and "10 km" not in sheet.text
    for sheet in with_maps:
        left, bottom, right, top = sheet.images[0]
        assert top - bottom > 0.3 * sheet.height
        assert "Uppgift saknas/dold" in sheet.text  # each map's legend, as text


@pytest.mark.parametrize("area", [None, "0181R012"])
def test_an_english_briefing_has_no_swedish_words(app_env, monkeypatch, area):
    """Every text of the document and of its maps (labels, legends, tooltips, the police
    list's sentence, the sources table) in English, numbers in the English format."""
    from tests.app.test_language import SWEDISH, SWEDISH_NUMBER

    monkeypatch.setenv("PAX_LANGUAGE", "en")
    if area:
        b = ub.area_briefing(area, "regso", DEMO_END)
    else:
        b = ub.overview_briefing(DEMO_END, DEMO_END - dt.timedelta(days=14), [])
    doc = briefing.render_html(b, ub.STATIC_DIR)
    parts = [doc, *(html.unescape(s) for s in re.findall(r'srcdoc="([^"]*)"', doc))]
    lines = [line.strip() for part in parts for line in _text(part).splitlines()]
    swedish = [line for line in lines if SWEDISH.search(line) or SWEDISH_NUMBER.search(line)]
    assert swedish == []
    assert "Particularly vulnerable area" in doc or area is None
