"""Real Södertälje geography: DeSO, RegSO, the municipal outline, police-listed areas,
schools and preschools, and the point/area helpers the rest of the domain uses."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import mapping, shape

from pax import config, model

DESO_FILE = "sodertalje_deso_2018.geojson"
REGSO_FILE = "sodertalje_regso_2018.geojson"
KOMMUN_FILE = "sodertalje_kommun_boundary.geojson"
POLICE_FILE = "sodertalje_polisen_utsatta_omraden_2023.geojson"
SCHOOLS_FILE = "sodertalje_grundskolor_skolverket.geojson"
PRESCHOOLS_FILE = "sodertalje_forskolor.geojson"

WGS84 = "EPSG:4326"
SWEREF99TM = "EPSG:3006"

# The police draw their own outlines, not SCB's. A RegSO or DeSO takes a police status
# when at least 40 % of its area lies inside the police polygon, or when it holds at
# least 25 % of the police polygon (a large, mostly rural RegSO around a small listed
# estate, such as Hovsjö or Fornhöjden, is still the listed neighbourhood).
STATUS_AREA_SHARE = 0.4
STATUS_POLICE_SHARE = 0.25


def slug(name: str) -> str:
    """Stable ASCII key for a RegSO name (SCB publishes no RegSO codes for 2018)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _features(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        data = json.load(f)
    return data["features"]


def load_areas(geo_dir: Path | None = None) -> pd.DataFrame:
    """Areas of all three levels: code, name, level, parent_code, category, area_km2,
    geometry (shapely, WGS 84)."""
    geo_dir = geo_dir or config.geo_dir()
    rows = []
    regso_codes = {}
    for feat in _features(geo_dir / REGSO_FILE):
        p = feat["properties"]
        code = slug(p["regso_name"])
        regso_codes[p["regso_name"]] = code
        rows.append(
            (
                code,
                p["regso_name"],
                "regso",
                model.KOMMUN_CODE,
                None,
                float(p["area_km2"]),
                shape(feat["geometry"]),
            )
        )
    for feat in _features(geo_dir / DESO_FILE):
        p = feat["properties"]
        parent = regso_codes.get(p["regso_name"])
        if parent is None:
            raise ValueError(f"DeSO {p['deso_code']} hänvisar till okänt RegSO {p['regso_name']!r}")
        name = f"{p['regso_name']} ({p['deso_code'][-4:]})"
        rows.append(
            (
                p["deso_code"],
                name,
                "deso",
                parent,
                p["deso_category"],
                float(p["area_km2"]),
                shape(feat["geometry"]),
            )
        )
    (kommun,) = _features(geo_dir / KOMMUN_FILE)
    rows.append(
        (
            model.KOMMUN_CODE,
            model.KOMMUN_NAME,
            "kommun",
            None,
            None,
            float(kommun["properties"]["area_km2"]),
            shape(kommun["geometry"]),
        )
    )
    return pd.DataFrame(
        rows, columns=["code", "name", "level", "parent_code", "category", "area_km2", "geometry"]
    )


def load_police_status(areas: pd.DataFrame, geo_dir: Path | None = None) -> pd.DataFrame:
    """The police's area list with its year, matched to RegSO and DeSO by overlap."""
    geo_dir = geo_dir or config.geo_dir()
    local = areas[areas["level"].isin(["regso", "deso"])]
    local_m = [to_metric(g) for g in local["geometry"]]
    rows = []
    for feat in _features(geo_dir / POLICE_FILE):
        p = feat["properties"]
        police_geom = shape(feat["geometry"])
        police_m = to_metric(police_geom)
        since = pd.Timestamp(p["aktualitet_start"]).date()
        for (_, area), area_m in zip(local.iterrows(), local_m):
            overlap = area_m.intersection(police_m).area
            if (
                overlap / area_m.area >= STATUS_AREA_SHARE
                or overlap / police_m.area >= STATUS_POLICE_SHARE
            ):
                rows.append(
                    (
                        area["code"],
                        p["namn"],
                        p["kategori"],
                        since,
                        2023,
                        json.dumps(mapping(police_geom)),
                    )
                )
    return pd.DataFrame(
        rows, columns=["area_code", "police_area", "status", "since", "year", "geometry"]
    )


def load_places(geo_dir: Path | None = None) -> pd.DataFrame:
    """Schools and preschools as points (id, kind, name, lat, lon, area_code, source_id)."""
    geo_dir = geo_dir or config.geo_dir()
    rows = []
    for file, kind, id_key, source in (
        (SCHOOLS_FILE, "school", "skolenhetskod", "skolverket_schools"),
        (PRESCHOOLS_FILE, "preschool", "skolverket_id", "skolverket_preschools"),
    ):
        for feat in _features(geo_dir / file):
            p = feat["properties"]
            lon, lat = feat["geometry"]["coordinates"][:2]
            rows.append(
                (
                    f"{kind}:{p[id_key]}",
                    kind,
                    p["namn"],
                    lat,
                    lon,
                    p.get("deso_code") or None,
                    source,
                )
            )
    return pd.DataFrame(
        rows, columns=["id", "kind", "name", "lat", "lon", "area_code", "source_id"]
    )


def locate(lon: np.ndarray, lat: np.ndarray, areas: pd.DataFrame) -> np.ndarray:
    """DeSO code for each point (None outside the municipality), vectorised."""
    deso = areas[areas["level"] == "deso"]
    result = np.full(len(lon), None, dtype=object)
    for code, geom in zip(deso["code"], deso["geometry"]):
        minx, miny, maxx, maxy = geom.bounds
        box = (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy) & (result == None)  # noqa: E711
        idx = np.flatnonzero(box)
        if idx.size:
            inside = shapely.contains_xy(geom, lon[idx], lat[idx])
            result[idx[inside]] = code
    return result


@lru_cache(maxsize=4)
def transformer(src: str, dst: str) -> Transformer:
    return Transformer.from_crs(src, dst, always_xy=True)


def snap_to_grid(lon: np.ndarray, lat: np.ndarray, cell_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Move points to the centre of their `cell_m` grid cell in SWEREF 99 TM."""
    x, y = transformer(WGS84, SWEREF99TM).transform(lon, lat)
    cx = (np.floor(np.asarray(x) / cell_m) + 0.5) * cell_m
    cy = (np.floor(np.asarray(y) / cell_m) + 0.5) * cell_m
    return transformer(SWEREF99TM, WGS84).transform(cx, cy)


def to_metric(geom):
    """A WGS 84 geometry in SWEREF 99 TM (metres), for areas, distances and grids."""
    t = transformer(WGS84, SWEREF99TM)
    return shapely.transform(geom, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))


def provenance_markdown(geo_dir: Path | None = None) -> str:
    """`geo/README.md` without its title, to show under a heading of the caller's."""
    text = ((geo_dir or config.geo_dir()) / "README.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join(lines).strip()
