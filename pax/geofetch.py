"""A kommun's DeSO 2018 polygons from SCB's open geodata WFS (`PAX_SCB_WFS_URL`, layer
`stat:DeSO_2018`), for kommuner outside the three counties whose polygons ship in
`geo/sweden/`: `python -m pax geo fetch [--kommun KOD]`.

What it asks (GeoServer, WFS 2.0.0): the capabilities document first, to confirm the layer;
then `GetFeature` of that layer in WGS 84 as GeoJSON, limited to the kommun's bounding box
(from Lantmäteriet's outlines in `geo/sweden/`) and paged with `count`/`startIndex`. No
attribute name of SCB's is assumed for the filter: the box brings the kommun's DeSO and
some of its neighbours', and a DeSO is the kommun's when its code (the property holding a
DeSO code: four digits of the kommun, a letter A–C, four digits) starts with the kommun's.

What it checks before anything is written — any failure is one Swedish sentence and no
file changes:
- the layer is in the capabilities, every answer is GeoJSON, and the pages add up;
- the DeSO codes are exactly SCB's list for the kommun (`deso2018_regso_koppling.csv`):
  none missing, none extra (51 for Södertälje);
- every geometry is a non-empty polygon with finite coordinates; an invalid ring (a
  self-touching edge) is repaired with `make_valid` and named in the provenance;
- the polygons lie in the kommun: at least 90 % of their area inside Lantmäteriet's
  outline (axis order flipped by the server, lat/lon, is detected and turned back).

It then writes `geo/sweden/fetched/deso_2018_<kod>.geojson` (new file, then swap) and
`deso_2018_<kod>.json` beside it with the provenance: address, layer, time, user agent,
counts, repaired DeSO and the file's SHA-256. The client is the syncs' polite one
(`pax.sync.http`): a user agent naming the app and the kommun, pauses between calls,
back-off on 429 and 5xx.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape

from pax import config, geo
from pax.sync.http import Client, Rules, SyncError
from pax.sync.sources import replace_text

LAYER = "stat:DeSO_2018"
PAGE = 1000  # features per GetFeature page
DESO_CODE = re.compile(r"^\d{4}[ABC]\d{4}$")
MIN_INSIDE = 0.9  # share of the polygons' area inside the kommun's outline
# GeoServer publishes no call limits; these keep well clear of any.
RULES = Rules(min_interval_s=2.0, max_per_hour=120, max_per_day=500, timeout_s=120.0)


class FetchError(ValueError):
    """The polygons cannot be taken: one Swedish sentence, nothing written."""


def fetch(
    kommun: config.Kommun | None = None,
    geo_dir: Path | None = None,
    base_url: str | None = None,
    client: Client | None = None,
    progress: Callable[[str], None] = print,
) -> Path:
    """Fetch, check and store the kommun's DeSO polygons; the stored file's path."""
    kommun = kommun or config.kommun()
    geo_dir = geo_dir or config.geo_dir()
    url = (base_url or config.get("PAX_SCB_WFS_URL")).rstrip("?")
    client = client or Client("SCB:s geodata (WFS)", config.user_agent(), RULES)
    expected = set(geo.regso_table(geo_dir, kommun.code)["deso"])
    name = f"{kommun.name} ({kommun.code})"
    progress(f"Frågar {url} vilka lager som finns …")
    try:
        _check_layer(client, url)
        features = _features(client, url, geo.kommun_bounds(kommun.code, geo_dir), progress)
    except SyncError as exc:
        raise FetchError(f"DeSO-polygonerna för {name} kunde inte hämtas: {exc}") from exc
    mine = _kommun_features(features, kommun.code)
    _check_codes(set(mine), expected, name)
    geoms, repaired = _geometries(mine, name)
    geoms = _in_kommun(geoms, geo.kommun_outline(kommun.code, geo_dir), name)
    target = geo.fetched_file(kommun.code, geo_dir)
    _write(target, geoms, kommun)
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    provenance = {
        "source": "SCB, öppna geodata: DeSO 2018 (WFS)",
        "url": url,
        "layer": LAYER,
        "kommun": kommun.code,
        "kommunnamn": kommun.name,
        "fetched": dt.datetime.now().isoformat(timespec="seconds"),
        "user_agent": client.user_agent,
        "features_in_answer": len(features),
        "deso": len(geoms),
        "deso_expected": len(expected),
        "repaired_with_make_valid": sorted(repaired),
        "sha256": digest,
        "licence": "Källa: SCB (CC BY 4.0 / CC0 enligt SCB:s sida om öppna geodata)",
    }
    replace_text(
        target.with_suffix(".json"), json.dumps(provenance, ensure_ascii=False, indent=2) + "\n"
    )
    progress(
        f"{len(geoms)} DeSO för {name} sparade i {target}"
        + (f" ({len(repaired)} lagade med make_valid)" if repaired else "")
        + ". Bygg nu datalagret: python -m pax build"
    )
    return target


def _check_layer(client: Client, url: str) -> None:
    """The capabilities document names the layer (else: which layers it does name)."""
    response = client.get(url, {"service": "WFS", "version": "2.0.0", "request": "GetCapabilities"})
    try:
        root = ET.fromstring(response.content)  # noqa: S314 - a public service's XML
    except ET.ParseError as exc:
        raise SyncError(f"svaret på GetCapabilities är inte XML ({exc})") from exc
    names = {
        el.text.strip()
        for el in root.iter()
        if el.tag.rpartition("}")[2] == "Name" and el.text  # any namespace, or none
    }
    if LAYER not in names:
        near = sorted(n for n in names if "deso" in n.lower())
        raise SyncError(
            f"lagret {LAYER} finns inte i tjänstens lagerlista"
            + (f" (närmast: {', '.join(near[:5])})" if near else "")
        )


def _features(client: Client, url: str, bounds, progress) -> list[dict]:
    """Every feature in the box, page by page."""
    minx, miny, maxx, maxy = bounds
    out: list[dict] = []
    while True:
        answer = client.get_json(
            url,
            {
                "service": "WFS",
                "version": "2.0.0",
                "request": "GetFeature",
                "typeNames": LAYER,
                "outputFormat": "application/json",
                "srsName": "EPSG:4326",
                # Axis order of EPSG:4326 in WFS 2.0 is lat/lon; the box says so.
                "bbox": f"{miny},{minx},{maxy},{maxx},urn:ogc:def:crs:EPSG::4326",
                "count": PAGE,
                "startIndex": len(out),
            },
        )
        if not isinstance(answer, dict) or answer.get("type") != "FeatureCollection":
            raise SyncError("svaret är inte en GeoJSON FeatureCollection")
        page = answer.get("features")
        if not isinstance(page, list):
            raise SyncError("svaret saknar listan features")
        out.extend(page)
        progress(f"Hämtade {len(out)} områden …")
        # The server may cap a page below `count`: numberMatched says when all are in;
        # without it, a short page is the last.
        matched = answer.get("numberMatched")
        if not page or (len(out) >= matched if isinstance(matched, int) else len(page) < PAGE):
            return out


def _code(feature: dict) -> str | None:
    """The feature's DeSO code: the property that looks like one (`0181C1010`)."""
    props = feature.get("properties") or {}
    for key in ("deso", "desokod", "deso_kod", "deso_code", "Deso"):
        value = props.get(key)
        if isinstance(value, str) and DESO_CODE.match(value):
            return value
    for value in props.values():
        if isinstance(value, str) and DESO_CODE.match(value):
            return value
    return None


def _kommun_features(features: list[dict], code: str) -> dict[str, dict]:
    mine: dict[str, dict] = {}
    for feature in features:
        deso = _code(feature) if isinstance(feature, dict) else None
        if deso and deso.startswith(code):
            mine.setdefault(deso, feature)
    return mine


def _check_codes(found: set[str], expected: set[str], name: str) -> None:
    if found == expected:
        return
    missing, extra = sorted(expected - found), sorted(found - expected)
    parts = []
    if missing:
        parts.append(f"{len(missing)} saknas (t.ex. {', '.join(missing[:3])})")
    if extra:
        parts.append(f"{len(extra)} finns inte i SCB:s lista (t.ex. {', '.join(extra[:3])})")
    raise FetchError(
        f"Tjänsten gav {len(found)} DeSO för {name}, men SCB:s DeSO-tabell har "
        f"{len(expected)}: {'; '.join(parts)}. Inget sparades; är det rätt lager och kommun?"
    )


def _geometries(features: dict[str, dict], name: str) -> tuple[dict, set[str]]:
    """DeSO code → polygonal geometry; the codes repaired with make_valid."""
    out, repaired = {}, set()
    for deso, feature in sorted(features.items()):
        try:
            geom = shape(feature.get("geometry") or {})
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            raise FetchError(f"DeSO {deso} i {name} har ingen läsbar geometri ({exc}).") from exc
        coords = shapely.get_coordinates(geom)
        if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise FetchError(
                f"DeSO {deso} i {name} är ingen yta ({geom.geom_type}); inget sparades."
            )
        if not np.isfinite(coords).all():
            raise FetchError(f"DeSO {deso} i {name} har ogiltiga koordinater; inget sparades.")
        if not geom.is_valid:
            fixed = shapely.make_valid(geom)
            polygons = [
                g
                for g in getattr(fixed, "geoms", [fixed])
                if g.geom_type in ("Polygon", "MultiPolygon")
            ]
            fixed = shapely.union_all(polygons) if polygons else None
            if fixed is None or fixed.is_empty or fixed.area < 0.5 * abs(geom.area):
                raise FetchError(
                    f"DeSO {deso} i {name} har en trasig geometri som inte går att laga; "
                    "inget sparades."
                )
            geom = fixed
            repaired.add(deso)
        out[deso] = geom
    return out, repaired


def _swap(geom):
    return shapely.transform(geom, lambda xy: xy[:, ::-1])


def _in_kommun(geoms: dict, outline, name: str) -> dict:
    """The polygons, in lon/lat, when they lie in the kommun (turned if the server gave
    lat/lon); else an error."""

    def inside(polygons: dict) -> float:
        union = shapely.union_all(list(polygons.values()))
        area = geo.to_metric(union).area
        return geo.to_metric(union.intersection(outline.buffer(0.002))).area / area if area else 0

    share = inside(geoms)
    if share < MIN_INSIDE:
        swapped = {k: _swap(g) for k, g in geoms.items()}
        if inside(swapped) >= MIN_INSIDE:
            return swapped
        raise FetchError(
            f"Polygonerna ligger inte i {name} (bara {share:.0%} av ytan inom kommungränsen); "
            "fel kommun eller fel koordinatsystem i svaret. Inget sparades."
        )
    return geoms


def _write(target: Path, geoms: dict, kommun: config.Kommun) -> None:
    collection = {
        "type": "FeatureCollection",
        "name": f"DeSO_2018_{kommun.code}",
        "features": [
            {
                "type": "Feature",
                "properties": {"deso": code, "kommun": kommun.code, "kommunnamn": kommun.name},
                "geometry": mapping(geom),
            }
            for code, geom in sorted(geoms.items())
        ],
    }
    replace_text(target, json.dumps(collection, ensure_ascii=False))
