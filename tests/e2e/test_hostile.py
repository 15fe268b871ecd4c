"""Hostile data in a real browser (issue 8, item 4): every text field that reaches the app
holds markup, script, template or markdown syntax, and every page must show it as text.

A store of its own is built in a temporary folder: the geography (RegSO and DeSO names,
school and preschool names, police-listed area names) and the data folder's catalogue
(indicator definitions), source register (publishers) and event categories (labels) are
copies with hostile text, and then the command-line importer (`python -m pax import`) adds
a Polisen API file whose event types are hostile (new categories), a measures file whose
departments (`förvaltning`) are hostile, an events file and an interventions file (hostile
owner), each with a hostile `--source`. A Streamlit server per role (public, analyst) runs
against it, and every page is visited in headless Chromium.

Per page: no dialog opens (alert), no console error and no page error, no Streamlit
exception, no `<img src="x">` or `<script>alert(…)</script>` element in any frame, the map
draws, and hostile text is shown literally. In the map iframes the tooltips, the legend
and the layer control hold the hostile names as literal text.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.conftest import DEMO_END, ROOT, make_data_dir
from tests.e2e.chromium import NO_CHROMIUM, find_chromium
from tests.e2e.conftest import serve
from tests.e2e.helpers import MAP_IFRAME, assert_no_exception, open_page, wait_for_map

if find_chromium() is None:  # one skip line for the whole module, nothing started
    pytest.skip(NO_CHROMIUM, allow_module_level=True)

pytestmark = pytest.mark.e2e

HOSTILE = (
    "${alert(1)}",
    "`x${alert(2)}`",
    "<img src=x onerror=alert(3)>",
    "<script>alert(4)</script>",
    "**bold** [link](javascript:alert(5))",
    ":red[x] :material/home:",
    "$x^2$",
    "{{7*7}}",
    "%{x}",
)
ALL = " ".join(HOSTILE)  # one field holding every kind at once
SCHOOL = "<img src=x onerror=alert(3)> skola"

# (URL path, Swedish title, has a folium map, minimum role)
PAGES = (
    ("", "Översikt", False, "public"),
    ("har-och-nu", "Här och nu", True, "public"),
    ("fortroende", "Förtroende och informationsdelning", False, "public"),
    ("social-hallbarhet", "Social hållbarhet", True, "public"),
    ("omraden", "Områden", False, "public"),
    ("om-data", "Om data", False, "public"),
    ("granskning", "Granskning", False, "analyst"),
)
# Text each page must show literally (outside tables, whose cells are drawn on a canvas).
EXPECTED_TEXT = {
    "": ALL,  # the events' publisher in the tiles' source lines
    "fortroende": ALL,  # the department with most reports in the flow sentence
    "social-hallbarhet": ALL,  # the indicator's definition in its expander
    "omraden": ALL,  # the police-listed area's name in the header
    "om-data": ALL,  # catalogue definitions and publishers
}

# Messages in the browser console that are not about the page's content. Each is named
# with the reason it is allowed; nothing else may be logged as an error.
BENIGN_CONSOLE = (
    # Chromium logs a failed load without its address; every failed load is checked by
    # its address instead (`_watch`, responses).
    "Failed to load resource",
)
# Opened at /<page>, Streamlit's front end first looks for its server under that path
# (a 404) before it tries the root: the probes of its own base URL, not our content.
BENIGN_404 = re.compile(r"^http://127\.0\.0\.1:\d+/[a-z-]+/_stcore/(health|host-config)$")

FIND_INJECTED_JS = """
() => ({
  images: document.querySelectorAll('img[src="x"]').length,
  scripts: [...document.querySelectorAll('script')]
    .filter(s => /^\\s*alert\\(\\d\\)\\s*$/.test(s.textContent)).length,
  links: document.querySelectorAll('a[href^="javascript:"]').length,
})
"""

# The text of every tooltip (GeoJSON tooltips are functions of the feature layer), the
# legend and the layer control of the Leaflet maps in a frame. Tooltip HTML is parsed by
# DOMParser, which never runs scripts or loads images.
MAP_TEXTS_JS = """
() => {
  const texts = [];
  const text = v => v instanceof Element ? v.textContent
    : new DOMParser().parseFromString(String(v), 'text/html').body.textContent;
  if (!window.L) return texts;
  for (const key of Object.keys(window)) {
    const map = window[key];
    if (!(map instanceof L.Map)) continue;
    map.eachLayer(layer => {
      const tip = layer.getTooltip && layer.getTooltip();
      if (!tip) return;
      const content = tip._content;
      const parts = [];
      if (layer.eachLayer) layer.eachLayer(sub => parts.push(sub)); else parts.push(layer);
      for (const sub of parts) texts.push(text(typeof content === 'function' ? content(sub) : content));
    });
  }
  for (const el of document.querySelectorAll('.pax-legend, .leaflet-control-layers')) {
    texts.push(el.textContent);
  }
  return texts;
}
"""


# --------------------------------------------------------------------------- the store


def _edit_geojson(source: Path, target: Path, change) -> None:
    data = json.loads(source.read_text(encoding="utf-8"))
    for i, feature in enumerate(data["features"]):
        change(i, feature["properties"])
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _hostile_geo(target: Path) -> Path:
    """geo/ with hostile RegSO (and so DeSO) names, school, preschool and police names.
    Hovsjö keeps its name: it is the pages' default area."""
    shutil.copytree(ROOT / "geo", target)
    regso = json.loads((target / "sodertalje_regso_2018.geojson").read_text(encoding="utf-8"))
    names = [f["properties"]["regso_name"] for f in regso["features"]]
    renamed = {
        old: f"{HOSTILE[i]} {old}"
        for i, old in enumerate(n for n in names if n != "Hovsjö")
        if i < len(HOSTILE)
    }

    def area(_, p):
        p["regso_name"] = renamed.get(p["regso_name"], p["regso_name"])

    def place(i, p):
        area(i, p)
        p["namn"] = f"{HOSTILE[i % len(HOSTILE)]} {p['namn']}"

    def police(_, p):
        if p["kommun_code"] == "0181":
            p["name"] = f"{ALL} {p['name']}"

    for name, change in (
        ("sodertalje_regso_2018.geojson", area),
        ("sodertalje_deso_2018.geojson", area),
        ("sodertalje_grundskolor_skolverket.geojson", place),
        ("sodertalje_forskolor.geojson", place),
        ("sweden/polisen_utsatta_omraden_2023_sweden.geojson", police),
    ):
        _edit_geojson(target / name, target / name, change)
    return target


def _edit_csv(source: Path, target: Path, change) -> None:
    with source.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        change(row)
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _hostile_data(target: Path) -> Path:
    """The data folder with hostile definitions, publishers and category labels."""
    target.mkdir(parents=True)
    data = ROOT / "data"

    def definition(row):
        row["definition_sv"] = f"{row['definition_sv']} {ALL}"
        row["definition_en"] = f"{row['definition_en']} {ALL}"

    def publisher(row):
        row["publisher"] = f"{row['publisher']} {ALL}"

    def label(row):
        if row["id"] in ("shooting", "car_fire"):
            row["label_sv"] = row["label_en"] = f"{row['label_sv']} {ALL}"

    _edit_csv(data / "catalog.csv", target / "catalog.csv", definition)
    _edit_csv(data / "sources.csv", target / "sources.csv", publisher)
    _edit_csv(data / "event_categories.csv", target / "event_categories.csv", label)
    return make_data_dir(target)  # the SCB tables and sources/ as usual


def _files(folder: Path) -> list[tuple[Path, list[str]]]:
    """Files to import and their options: every importable text field is hostile."""
    folder.mkdir()
    # Polisen API: unknown event types become categories named by the type. Twenty events
    # per type in the last four weeks make a change 'since the last meeting'.
    events = []
    for t, kind in enumerate(HOSTILE):
        for n in range(20):
            day = DEMO_END - dt.timedelta(days=1 + n)
            events.append(
                {
                    "id": 900000 + t * 100 + n,
                    "datetime": f"{day.isoformat()} 12:00:00 +02:00",
                    "name": "Händelse, Södertälje",
                    "summary": ALL,
                    "url": f"/aktuellt/handelser/{900000 + t * 100 + n}/",
                    "type": kind,
                    "location": {"name": "Södertälje", "gps": "59.195363,17.625689"},
                }
            )
    polisen = folder / "polisen.json"
    polisen.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")
    # Measures: reports per department, the hostile one the largest.
    months = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)][: 12 + DEMO_END.month]
    lines = ["indikator;område;period;värde;förvaltning"]
    for i, dept in enumerate((ALL, *HOSTILE)):
        value = 90 if i == 0 else 3
        lines += [f"intel_reports;Södertälje;{m};{value};{dept}" for m in months]
    measures = folder / "underrattelser.csv"
    measures.write_text("\n".join(lines) + "\n", encoding="utf-8")
    # Located events in a real category, from a hostile publisher.
    rows = ["datum;tid;kategori;antal;latitud;longitud"]
    rows += [
        f"{(DEMO_END - dt.timedelta(days=d)).isoformat()};21:30;Bilbrand;1;59.1690;17.6410"
        for d in range(1, 30)
    ]
    located = folder / "handelser.csv"
    located.write_text("\n".join(rows) + "\n", encoding="utf-8")
    interventions = folder / "insatser.csv"
    interventions.write_text(
        "insatstyp;område;startdatum;slutdatum;ansvarig\n"
        + "".join(f"Ordningsvakter;Hovsjö;2026-05-01;2026-06-15;{h}\n" for h in HOSTILE),
        encoding="utf-8",
    )
    return [
        (polisen, []),
        (measures, ["--source", HOSTILE[2]]),
        (located, ["--source", HOSTILE[0]]),
        (interventions, ["--source", HOSTILE[4]]),
    ]


@pytest.fixture(scope="module")
def hostile_env(tmp_path_factory) -> dict[str, str]:
    from pax import store

    base = tmp_path_factory.mktemp("hostile")
    geo_dir = _hostile_geo(base / "geo")
    data_dir = _hostile_data(base / "data")
    path = base / "live.duckdb"
    env = {  # a live store: imports go into live stores only
        "PAX_MODE": "live",
        "PAX_STORE": str(path),
        "PAX_DATA_DIR": str(data_dir),
        "PAX_GEO_DIR": str(geo_dir),
    }
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        store.build(path, data_dir, progress=lambda m: None, mode="live")
    run_env = {k: v for k, v in os.environ.items() if not k.startswith("PAX_")} | env
    for file, options in _files(base / "incoming"):
        done = subprocess.run(
            [sys.executable, "-m", "pax", "import", str(file), "--json", *options],
            cwd=ROOT,
            env=run_env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        report = json.loads(done.stdout)
        assert done.returncode == 0, (file.name, done.stderr, report)
        assert report["imported"] > 0, report
    return env


@pytest.fixture(scope="module", params=["public", "analyst"])
def hostile_app(request, chromium_path, hostile_env, tmp_path_factory):
    """A Streamlit server on the hostile store, one per role (PAX_DEFAULT_ROLE)."""
    settings = hostile_env | {"PAX_DEFAULT_ROLE": request.param}
    with serve(settings, tmp_path_factory.mktemp(f"hostile-{request.param}")) as base:
        yield request.param, base


# ------------------------------------------------------------------------------ checks


def _watch(page: Page) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"dialogs": [], "errors": [], "page_errors": []}

    def dialog(d):
        seen["dialogs"].append(f"{d.type}: {d.message}")
        d.dismiss()

    def console(message):
        if message.type == "error" and not any(b in message.text for b in BENIGN_CONSOLE):
            seen["errors"].append(message.text)

    page.on("dialog", dialog)
    page.on("console", console)
    page.on("pageerror", lambda exc: seen["page_errors"].append(str(exc)))

    # A failed load is logged without its address: name it (an `<img src=x>` asks for /x).
    def response(r):
        if r.status >= 400 and not (r.status == 404 and BENIGN_404.match(r.url)):
            seen["errors"].append(f"{r.status} {r.url}")

    page.context.on("response", response)
    return seen


def _no_injected_elements(page: Page) -> None:
    for frame in page.frames:
        found = frame.evaluate(FIND_INJECTED_JS)
        assert found == {"images": 0, "scripts": 0, "links": 0}, (frame.url, found)


def _map_texts(page: Page) -> str:
    texts = []
    for handle in page.locator(MAP_IFRAME).element_handles():
        frame = handle.content_frame()
        texts += frame.evaluate(MAP_TEXTS_JS)
    return "\n".join(texts)


@pytest.mark.parametrize(
    ("path", "title", "has_map", "minimum"), PAGES, ids=[p[0] or "oversikt" for p in PAGES]
)
def test_hostile_text_is_shown_as_text(page, hostile_app, path, title, has_map, minimum):
    role, base = hostile_app
    if minimum == "analyst" and role != "analyst":
        pytest.skip("an analysts' page: refused to the public (tests/app/test_access.py)")
    seen = _watch(page)
    open_page(page, base, path, title)
    if has_map:
        wait_for_map(page)
        texts = _map_texts(page)
        for text in HOSTILE:  # the renamed areas' (and schools') names in the tooltips
            assert text in texts, (text, texts[:2000])
    page.wait_for_timeout(500)  # late errors from components (maps, charts) still count
    assert_no_exception(page)
    _no_injected_elements(page)
    body = " ".join(page.locator("body").inner_text().split())
    if path in EXPECTED_TEXT:
        assert EXPECTED_TEXT[path] in body, body[:3000]
    assert seen == {"dialogs": [], "errors": [], "page_errors": []}, seen
