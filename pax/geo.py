"""Real geography of the kommun chosen by PAX_KOMMUN: DeSO, RegSO, the municipal
outline, police-listed areas, schools and preschools, and the point/area helpers the rest
of the domain uses.

Where the geometry comes from, first found first:
1. the kommun's own files in `geo/` (`<prefix>_deso_2018.geojson`, `…_regso_2018.geojson`,
   `…_kommun_boundary.geojson`; Södertälje's hand-cleaned set, prefix `sodertalje`);
2. the DeSO 2018 polygons of Stockholms, Uppsala and Dalarnas län in `geo/sweden/`;
3. polygons fetched from SCB's WFS by `python -m pax geo fetch` (`geo/sweden/fetched/`).
RegSO codes and names always come from SCB's DeSO → RegSO table (`geo/sweden/`); a RegSO
without its own polygon is the union of its DeSO, and so is the outline. The police's
2023 list is national; schools and preschools exist only where the kommun has its files.
"""

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

from pax import config

SWEDEN = "sweden"
KOPPLING_FILE = config.KOPPLING_FILE
COUNTIES_DESO_FILE = "sweden/deso2018_stockholm_uppsala_dalarna_wgs84.geojson"
COUNTIES_WITH_DESO = ("01", "03", "20")
FETCHED_DIR = "sweden/fetched"
KOMMUN_OUTLINES_FILE = "sweden/kommuner_lantmateriet_wgs84.geojson"
POLICE_FILE = "sweden/polisen_utsatta_omraden_2023_sweden.geojson"
POLICE_LIST_YEAR = 2023
# The kommun's own files: f"{prefix}_{suffix}" with prefix = Kommun.file_prefix.
OWN_DESO = "deso_2018.geojson"
OWN_REGSO = "regso_2018.geojson"
OWN_OUTLINE = "kommun_boundary.geojson"
OWN_SCHOOLS = "grundskolor_skolverket.geojson"
OWN_PRESCHOOLS = "forskolor.geojson"

WGS84 = "EPSG:4326"
SWEREF99TM = "EPSG:3006"

# The police draw their own outlines, not SCB's. A RegSO or DeSO takes a police status
# when at least 40 % of its area lies inside the police polygon, or when it holds at
# least 25 % of the police polygon (a large, mostly rural RegSO around a small listed
# estate, such as Hovsjö or Fornhöjden, is still the listed neighbourhood).
STATUS_AREA_SHARE = 0.4
STATUS_POLICE_SHARE = 0.25


class GeometryMissing(ValueError):
    """The chosen kommun has no DeSO polygons yet (outside the three shipped counties)."""


def slug(name: str) -> str:
    """ASCII key of a RegSO name: the key before SCB's RegSO codes (`Hovsjö` → `hovsjo`),
    still accepted in old links and files."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _features(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        data = json.load(f)
    return data["features"]


def _own(geo_dir: Path, kommun: config.Kommun, suffix: str) -> Path:
    return geo_dir / f"{kommun.file_prefix}_{suffix}"


def kommun_bounds(kommun_code: str, geo_dir: Path | None = None) -> tuple[float, ...]:
    """(min lon, min lat, max lon, max lat) of a kommun from Lantmäteriet's outlines."""
    return _kommun_bounds(str((geo_dir or config.geo_dir()) / KOMMUN_OUTLINES_FILE))[kommun_code]


@lru_cache(maxsize=2)
def _kommun_bounds(path: str) -> dict[str, tuple[float, ...]]:
    return {
        f["properties"]["kommun_kod"]: shape(f["geometry"]).bounds for f in _features(Path(path))
    }


def kommun_outline(kommun_code: str, geo_dir: Path | None = None):
    """Lantmäteriet's outline of a kommun (WGS 84): a check on DeSO polygons from elsewhere."""
    path = (geo_dir or config.geo_dir()) / KOMMUN_OUTLINES_FILE
    for feat in _features(path):
        if feat["properties"]["kommun_kod"] == kommun_code:
            return shape(feat["geometry"])
    raise KeyError(kommun_code)


def fetched_file(kommun_code: str, geo_dir: Path | None = None) -> Path:
    """Where `python -m pax geo fetch` stores a kommun's DeSO polygons."""
    return (geo_dir or config.geo_dir()) / FETCHED_DIR / f"deso_2018_{kommun_code}.geojson"


def regso_table(geo_dir: Path | None = None, kommun_code: str | None = None) -> pd.DataFrame:
    """SCB's DeSO → RegSO table (all of Sweden, or one kommun): deso, kommun, kommunnamn,
    lan, regso_code, regso_name."""
    table = _regso_table(str((geo_dir or config.geo_dir()) / KOPPLING_FILE))
    if kommun_code is not None:
        table = table[table["kommun"] == kommun_code]
    return table.reset_index(drop=True)


@lru_cache(maxsize=2)
def _regso_table(path: str) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return table.rename(columns={"regsokod_2020": "regso_code", "regso_namn_2020": "regso_name"})


def geometry_source(kommun: config.Kommun, geo_dir: Path | None = None) -> Path | None:
    """The file holding the kommun's DeSO polygons, or None when there is none yet."""
    geo_dir = geo_dir or config.geo_dir()
    for path, has_it in (
        (_own(geo_dir, kommun, OWN_DESO), True),
        (geo_dir / COUNTIES_DESO_FILE, kommun.county in COUNTIES_WITH_DESO),
        (fetched_file(kommun.code, geo_dir), True),
    ):
        if has_it and path.exists():
            return path
    return None


def missing_geometry_message(kommun: config.Kommun) -> str:
    return (
        f"DeSO-polygonerna för {kommun.name} ({kommun.code}) saknas – de följer bara med för "
        "Stockholms, Uppsala och Dalarnas län; hämta dem från SCB med "
        f"`python -m pax geo fetch --kommun {kommun.code}` och bygg igen."
    )


def require_geometry(geo_dir: Path | None = None) -> config.Kommun:
    """The chosen kommun, after checking that its DeSO polygons are at hand (a build
    stops here, before it writes anything)."""
    kommun = config.kommun()
    if geometry_source(kommun, geo_dir) is None:
        raise GeometryMissing(missing_geometry_message(kommun))
    return kommun


def _deso_geometries(kommun: config.Kommun, geo_dir: Path) -> tuple[dict, dict]:
    """DeSO code → geometry, and DeSO code → the RegSO name of the kommun's own file."""
    path = geometry_source(kommun, geo_dir)
    if path is None:
        raise GeometryMissing(missing_geometry_message(kommun))
    geoms, own_names = {}, {}
    for feat in _features(path):
        p = feat["properties"]
        code = p.get("deso_code") or p.get("deso")
        if code and code.startswith(kommun.code):
            geoms[code] = shape(feat["geometry"])
            if "regso_name" in p:
                own_names[code] = p["regso_name"]
    return geoms, own_names


def _km2(geom) -> float:
    return float(to_metric(geom).area / 1e6)


def load_areas(geo_dir: Path | None = None) -> pd.DataFrame:
    """Areas of all three levels: code, name, level, parent_code, category, area_km2,
    geometry (shapely, WGS 84). RegSO carry SCB's codes (`0181R012`)."""
    geo_dir = geo_dir or config.geo_dir()
    kommun = config.kommun()
    table = regso_table(geo_dir, kommun.code)
    geoms, own_names = _deso_geometries(kommun, geo_dir)
    if set(geoms) != set(table["deso"]):
        raise ValueError(
            f"DeSO-polygonerna för {kommun.name} stämmer inte med SCB:s DeSO-tabell: "
            f"{len(geoms)} polygoner, {len(table)} DeSO i tabellen."
        )
    # The kommun's own files name RegSO as its own maps do; else SCB's table.
    table = table.assign(regso_name=table["deso"].map(own_names).fillna(table["regso_name"]))
    regso_names = table.groupby("regso_code")["regso_name"].first()
    own_regso = _own(geo_dir, kommun, OWN_REGSO)
    own_regso_geoms = (
        {f["properties"]["regso_name"]: shape(f["geometry"]) for f in _features(own_regso)}
        if own_regso.exists()
        else {}
    )
    rows = []
    for code, name in regso_names.items():
        members = table.loc[table["regso_code"] == code, "deso"]
        geom = own_regso_geoms.get(name) or shapely.union_all([geoms[d] for d in members])
        rows.append((code, name, "regso", kommun.code, None, _km2(geom), geom))
    for deso, regso_code in zip(table["deso"], table["regso_code"]):
        name = f"{regso_names[regso_code]} ({deso[-4:]})"
        rows.append((deso, name, "deso", regso_code, deso[4], _km2(geoms[deso]), geoms[deso]))
    own_outline = _own(geo_dir, kommun, OWN_OUTLINE)
    if own_outline.exists():
        (feat,) = _features(own_outline)
        outline = shape(feat["geometry"])
    else:
        outline = shapely.union_all(list(geoms.values()))
    rows.append((kommun.code, kommun.name, "kommun", None, None, _km2(outline), outline))
    return pd.DataFrame(
        rows, columns=["code", "name", "level", "parent_code", "category", "area_km2", "geometry"]
    )


def load_police_status(areas: pd.DataFrame, geo_dir: Path | None = None) -> pd.DataFrame:
    """The police's area list with its year, matched to RegSO and DeSO by overlap."""
    geo_dir = geo_dir or config.geo_dir()
    kommun_code = areas.loc[areas["level"] == "kommun", "code"].iloc[0]
    local = areas[areas["level"].isin(["regso", "deso"])]
    local_m = [to_metric(g) for g in local["geometry"]]
    rows = []
    for feat in _features(geo_dir / POLICE_FILE):
        p = feat["properties"]
        if p["kommun_code"] != kommun_code:
            continue
        police_geom = shape(feat["geometry"])
        police_m = to_metric(police_geom)
        since = pd.Timestamp(p["status_since"]).date()
        for code, area_m in zip(local["code"], local_m):
            if not area_m.intersects(police_m):
                continue
            overlap = area_m.intersection(police_m).area
            if (
                overlap / area_m.area >= STATUS_AREA_SHARE
                or overlap / police_m.area >= STATUS_POLICE_SHARE
            ):
                geometry = json.dumps(mapping(police_geom))
                rows.append((code, p["name"], p["status"], since, POLICE_LIST_YEAR, geometry))
    return pd.DataFrame(
        rows, columns=["area_code", "police_area", "status", "since", "year", "geometry"]
    )


def load_places(geo_dir: Path | None = None) -> pd.DataFrame:
    """Schools and preschools as points (id, kind, name, lat, lon, area_code, source_id),
    where the kommun has its own files (Södertälje); else none."""
    geo_dir = geo_dir or config.geo_dir()
    kommun = config.kommun()
    rows = []
    for suffix, kind, id_key, source in (
        (OWN_SCHOOLS, "school", "skolenhetskod", "skolverket_schools"),
        (OWN_PRESCHOOLS, "preschool", "skolverket_id", "skolverket_preschools"),
    ):
        path = _own(geo_dir, kommun, suffix)
        for feat in _features(path) if path.exists() else []:
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
    """`geo/README.md`, then the kommun's own `<prefix>_README.md` if it has one, without
    their titles, to show under a heading of the caller's."""
    geo_dir = geo_dir or config.geo_dir()
    parts = []
    for path in (geo_dir / "README.md", geo_dir / f"{config.kommun().file_prefix}_README.md"):
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            if lines and lines[0].startswith("# "):
                lines = lines[1:]
            parts.append("\n".join(lines).strip())
    return "\n\n".join(parts)
