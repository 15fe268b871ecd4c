"""`python -m pax geo fetch` against a local server answering as SCB's GeoServer WFS does:
the capabilities document, then GeoJSON pages of `stat:DeSO_2018` in the kommun's box.

Falköping (1499, Västra Götalands län) has no polygons in the repository: the server hands
out polygons made here — the kommun's outline cut into as many pieces as SCB's table has
DeSO for it, named with their codes — plus a few of a neighbour's that fall in the box.
Then a build for Falköping runs on what was fetched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely import affinity
from shapely.geometry import Point, mapping

from pax import config, geo, geofetch
from pax.sync.http import Client, Rules
from tests.conftest import ROOT, make_data_dir
from tests.fake_api import Server, ok

KOMMUN = "1499"
CAPABILITIES = (  # GeoServer's WFS 2.0 capabilities, cut to the layer list
    b'<?xml version="1.0" encoding="UTF-8"?><wfs:WFS_Capabilities version="2.0.0" '
    b'xmlns="http://www.opengis.net/wfs/2.0" xmlns:wfs="http://www.opengis.net/wfs/2.0" '
    b'xmlns:ows="http://www.opengis.net/ows/1.1"><ows:ServiceIdentification>'
    b"<ows:Title>SCB</ows:Title></ows:ServiceIdentification><FeatureTypeList>"
    b'<FeatureType xmlns:stat="https://geodata.scb.se/stat"><Name>stat:DeSO_2018</Name>'
    b"<Title>DeSO_2018</Title><DefaultCRS>urn:ogc:def:crs:EPSG::3006</DefaultCRS>"
    b'</FeatureType><FeatureType xmlns:stat="https://geodata.scb.se/stat">'
    b"<Name>stat:DeSO_2025</Name></FeatureType></FeatureTypeList></wfs:WFS_Capabilities>"
)
XML = {"Content-Type": "application/xml"}


@pytest.fixture
def geo_dir(tmp_path) -> Path:
    """The project's geography with a `sweden/` folder of its own (fetched files go there)."""
    target = tmp_path / "geo"
    target.mkdir()
    for entry in (ROOT / "geo").iterdir():
        if entry.name != "sweden":
            (target / entry.name).symlink_to(entry)
    (target / "sweden").mkdir()
    for entry in (ROOT / "geo" / "sweden").iterdir():
        (target / "sweden" / entry.name).symlink_to(entry)
    return target


def _pieces(geo_dir: Path, code: str) -> dict[str, shapely.Geometry]:
    """The kommun's outline cut into one piece per DeSO of SCB's table (Voronoi cells of
    points inside it), keyed by the DeSO codes."""
    codes = sorted(geo.regso_table(geo_dir, code)["deso"])
    outline = geo.kommun_outline(code, geo_dir)
    rng = np.random.default_rng(1)
    minx, miny, maxx, maxy = outline.bounds
    points = []
    while len(points) < len(codes):
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if outline.contains(p):
            points.append(p)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=outline.envelope)
    pieces = [c.intersection(outline) for c in cells.geoms]
    pieces = sorted((p for p in pieces if not p.is_empty), key=lambda g: g.centroid.x)
    return dict(zip(codes, pieces))


def _feature(code: str, geom, props: dict | None = None) -> dict:
    return {
        "type": "Feature",
        "id": f"DeSO_2018.{code}",
        "properties": props or {"deso": code, "kommun": code[:4], "version": "2018_v2"},
        "geometry": mapping(geom) if not isinstance(geom, dict) else geom,
    }


def _wfs(server: Server, features: list[dict], page: int = 1000) -> None:
    """Answer GetCapabilities and paged GetFeature as GeoServer does."""

    def answer(query: dict):
        if query.get("request") == "GetCapabilities":
            return 200, XML, CAPABILITIES
        start = int(query.get("startIndex", 0))
        part = features[start : start + page]
        return ok(
            {
                "type": "FeatureCollection",
                "features": part,
                "numberMatched": len(features),
                "numberReturned": len(part),
            }
        )

    server.route("/geoserver/stat/wfs", answer)


def _client() -> Client:
    return Client("SCB:s geodata (WFS)", "Pax-lagesbild/1.0 (test)", Rules(), sleep=lambda s: None)


def _fetch(server: Server, geo_dir: Path, code: str = KOMMUN) -> Path:
    return geofetch.fetch(
        config.kommuner()[code],
        geo_dir,
        f"{server.url}/geoserver/stat/wfs",
        _client(),
        progress=lambda m: None,
    )


@pytest.fixture
def server() -> Server:
    s = Server()
    yield s
    s.httpd.shutdown()


def test_fetch_stores_the_kommuns_deso_with_provenance_and_a_build_uses_them(
    server, geo_dir, tmp_path, monkeypatch
):
    """SCB's 1499 list, served in pages of 10 among a neighbour's DeSO, some with lat/lon
    axes and one with a self-touching ring: stored as lon/lat polygons, the neighbour's
    left out, the ring repaired and named; then `python -m pax build` for Falköping."""
    pieces = _pieces(geo_dir, KOMMUN)
    codes = sorted(pieces)
    features = [_feature(c, g) for c, g in pieces.items()]
    x0, y0, x1, y1 = pieces[codes[0]].bounds  # a bow tie over the first piece's box
    bow_tie = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])
    features[0] = _feature(codes[0], bow_tie)
    neighbour = _pieces(geo_dir, "1471")  # Götene, in the same box
    features += [_feature(c, g) for c, g in list(neighbour.items())[:5]]
    _wfs(server, features, page=10)
    monkeypatch.setenv("PAX_KOMMUN", KOMMUN)
    path = _fetch(server, geo_dir)

    assert path == geo.fetched_file(KOMMUN, geo_dir)
    stored = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert sorted(f["properties"]["deso"] for f in stored) == codes
    outline = geo.kommun_outline(KOMMUN, geo_dir)
    for feature in stored:
        geom = shapely.geometry.shape(feature["geometry"])
        assert geom.is_valid and outline.buffer(0.01).contains(geom.representative_point())
    provenance = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert provenance["layer"] == "stat:DeSO_2018" and provenance["deso"] == len(codes)
    assert provenance["repaired_with_make_valid"] == [codes[0]]
    assert provenance["features_in_answer"] == len(features)
    # Politely asked: the capabilities first, the layer in WGS 84 within the kommun's box,
    # page by page, with the app's user agent.
    first, *pages = server.requests
    assert first["query"]["request"] == "GetCapabilities"
    assert {r["query"]["request"] for r in pages} == {"GetFeature"}
    assert len(pages) == len(features) // 10 + 1
    assert pages[0]["query"]["typeNames"] == "stat:DeSO_2018"
    assert pages[0]["query"]["srsName"] == "EPSG:4326" and "bbox" in pages[0]["query"]
    assert all(r["agent"] == "Pax-lagesbild/1.0 (test)" for r in server.requests)

    # The build for Falköping now runs on the fetched polygons.
    env = {**os.environ, "PAX_KOMMUN": KOMMUN, "PAX_GEO_DIR": str(geo_dir)}
    env |= {"PAX_STORE": str(tmp_path / "pax.duckdb"), "PAX_MODE": "live"}
    env["PAX_DATA_DIR"] = str(make_data_dir(tmp_path / "data"))
    done = subprocess.run(
        [sys.executable, "-m", "pax", "build"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    counts = json.loads(done.stdout)
    regso = geo.regso_table(geo_dir, KOMMUN)["regso_code"].nunique()
    assert counts["areas"] == len(codes) + regso + 1


def test_lat_lon_answers_are_turned_back(server, geo_dir):
    pieces = _pieces(geo_dir, KOMMUN)
    swapped = {c: shapely.transform(g, lambda xy: xy[:, ::-1]) for c, g in pieces.items()}
    _wfs(server, [_feature(c, g) for c, g in swapped.items()])
    stored = json.loads(_fetch(server, geo_dir).read_text(encoding="utf-8"))["features"]
    outline = geo.kommun_outline(KOMMUN, geo_dir)
    inside = [outline.contains(shapely.geometry.shape(f["geometry"]).centroid) for f in stored]
    assert sum(inside) >= 0.9 * len(stored)


def _refused(server, geo_dir, match: str) -> None:
    """The fetch fails with one Swedish sentence and leaves the earlier file as it was."""
    target = geo.fetched_file(KOMMUN, geo_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("earlier", encoding="utf-8")
    with pytest.raises(geofetch.FetchError, match=match) as refused:
        _fetch(server, geo_dir)
    assert "\n" not in str(refused.value)
    assert target.read_text(encoding="utf-8") == "earlier"
    assert not target.with_suffix(".json").exists()
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


def test_no_answer_is_refused_after_backing_off(server, geo_dir):
    server.route("/geoserver/stat/wfs", (503, {}, b"busy"))
    _refused(server, geo_dir, "kunde inte hämtas: .*503")
    assert len(server.requests) == Rules().attempts


def test_a_missing_layer_is_refused(server, geo_dir):
    server.route(
        "/geoserver/stat/wfs",
        (200, XML, CAPABILITIES.replace(b"stat:DeSO_2018", b"stat:DeSO_2018_v9")),
    )
    _refused(server, geo_dir, "lagret stat:DeSO_2018 finns inte.*DeSO_2018_v9")


def test_an_html_page_instead_of_geojson_is_refused(server, geo_dir):
    def answer(query):
        if query.get("request") == "GetCapabilities":
            return 200, XML, CAPABILITIES
        return 200, {"Content-Type": "text/html"}, b"<html>Service unavailable</html>"

    server.route("/geoserver/stat/wfs", answer)
    _refused(server, geo_dir, "webbsida i stället för JSON")


def test_the_wrong_kommuns_polygons_are_refused(server, geo_dir):
    """Polygons of Botkyrka (0127, real) carrying Falköping's codes: not in the kommun."""
    pieces = _pieces(geo_dir, KOMMUN)
    there = geo.kommun_outline("0127", geo_dir).centroid
    here = geo.kommun_outline(KOMMUN, geo_dir).centroid
    far = {c: affinity.translate(g, there.x - here.x, there.y - here.y) for c, g in pieces.items()}
    _wfs(server, [_feature(c, g) for c, g in far.items()])
    _refused(server, geo_dir, "ligger inte i Falköping")


def test_a_count_that_does_not_match_scbs_list_is_refused(server, geo_dir):
    pieces = _pieces(geo_dir, KOMMUN)
    missing = sorted(pieces)[3]
    _wfs(server, [_feature(c, g) for c, g in pieces.items() if c != missing])
    _refused(server, geo_dir, f"men SCB:s DeSO-tabell har {len(pieces)}: 1 saknas .*{missing}")


@pytest.mark.parametrize(
    "geometry, match",
    [
        ({"type": "Point", "coordinates": [13.55, 58.17]}, "ingen yta"),
        ({"type": "Polygon", "coordinates": [[[13.5, 58.1], [13.6, "x"], [13.5, 58.2]]]}, ""),
        ({"type": "Polygon", "coordinates": []}, "ingen yta"),
        (None, "ingen"),
    ],
)
def test_a_geometry_that_is_not_an_area_is_refused(server, geo_dir, geometry, match):
    pieces = _pieces(geo_dir, KOMMUN)
    features = [_feature(c, g) for c, g in pieces.items()]
    features[2]["geometry"] = geometry
    _wfs(server, features)
    _refused(server, geo_dir, f"DeSO {sorted(pieces)[2]} i Falköping.*{match}")


def test_the_command_line_says_what_failed_in_one_sentence(server, geo_dir, tmp_path):
    server.route("/geoserver/stat/wfs", (404, {}, b"no"))
    env = {**os.environ, "PAX_GEO_DIR": str(geo_dir), "PAX_KOMMUN": KOMMUN}
    env["PAX_SCB_WFS_URL"] = f"{server.url}/geoserver/stat/wfs"
    done = subprocess.run(
        [sys.executable, "-m", "pax", "geo", "fetch", "--kommun", KOMMUN],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("Fel: DeSO-polygonerna för Falköping (1499) kunde inte hämtas")
    assert "404" in last and "Traceback" not in done.stderr
    assert not geo.fetched_file(KOMMUN, geo_dir).exists()
