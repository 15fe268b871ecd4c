"""GeoJSON and GeoPackage files: points become events or interventions (through exactly the
same rules as CSV rows), polygons become the municipality's own areas (level `custom`).

Any CRS declared in the file is honoured; `--crs` only fills in a missing one, and without
either, projected coordinates are recognised from their ranges (SWEREF 99 TM, SWEREF 99
18 00, RT90). Everything is stored in WGS 84 and measured (area, distance) in SWEREF 99 TM.
Row numbers in rejects are feature numbers, starting at 1."""

from __future__ import annotations

import dataclasses
import json
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.raw
import pyproj
import shapely
from shapely.geometry import mapping

from pax import geo, model
from pax.ingest import places, tabular
from pax.ingest.core import (
    Collected,
    Context,
    ImportRefused,
    Options,
    Parsed,
    norm_header,
    refuse_wrong_content,
    slug,
    sniff_bytes,
)

if TYPE_CHECKING:
    import duckdb

# The `areas.level` column accepts any string. The app only draws `deso`, `regso` and
# `kommun` for now: custom areas are stored (and queryable) but not yet a map layer.
AREA_LEVEL = "custom"
AREA_PREFIX = "custom-"
AREA_COLUMNS = [
    "code",
    "name",
    "level",
    "parent_code",
    "category",
    "area_km2",
    "geometry",
    "source_id",
]
NAME_KEYS = ("name", "namn", "område", "omrade", "områdesnamn", "omradesnamn")
POINT_TYPES = {"Point", "MultiPoint"}
AREA_TYPES = {"Polygon", "MultiPolygon"}
# Canonical coordinate columns: in a geo file the geometry is the place, never a property.
COORD_COLUMNS = {"lat", "lon", "x", "y", "n_coord", "e_coord"}
DATE_COLUMNS = ("occurred_at", "date", "start", "end")
PROJECTED_MIN = 1000.0  # larger coordinates cannot be degrees
MIN_AREA_M2 = 1.0  # a polygon smaller than this is a sliver, not an area
SQLITE_MAGIC = b"SQLite format 3\x00"
LOCAL_TZ = "Europe/Stockholm"
ISO_T = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})T(?=\d)", re.IGNORECASE)
ISO_WITH_ZONE = re.compile(
    r"^\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$",
    re.IGNORECASE,
)


@dataclass
class _Layer:
    """One layer as read: properties as text, geometries as WKB, the CRS GDAL reports and
    whether the file itself declares it."""

    props: pd.DataFrame
    wkb: np.ndarray
    crs: str | None
    declared: bool


# ---------------------------------------------------------------------------- reading


def _text(value) -> str:
    """A property as the text a CSV cell would hold ('' for missing)."""
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        if not np.isfinite(value):
            return ""
        return str(int(value)) if float(value).is_integer() else str(float(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, list | tuple | np.ndarray):
        return ", ".join(_text(v) for v in value)
    return str(value)


def _raw(
    path: Path, layer: str | None, label: str, **open_options
) -> tuple[dict, np.ndarray, pd.DataFrame]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's notes on odd values
            meta, _, wkb, fields = pyogrio.raw.read(
                path, layer=layer, datetime_as_string=True, force_2d=True, **open_options
            )
    except Exception as exc:  # pyogrio/GDAL raise many types for a broken file
        raise ImportRefused(f"Filen {path.name} gick inte att läsa som {label} ({exc}).") from exc
    props = pd.DataFrame(
        {str(name): [_text(v) for v in col] for name, col in zip(meta["fields"], fields)},
        index=range(len(wkb)),
    )
    return meta, np.asarray(wkb, dtype=object), props


def _read_geojson(path: Path) -> _Layer:
    name = path.name
    raw = path.read_bytes()
    refuse_wrong_content(path, raw[:4096], "json")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ImportRefused(f"Filen {name} är inte giltig JSON.") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        what = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise ImportRefused(
            f"Filen {name} är ingen GeoJSON-FeatureCollection (den är av typen {what!r})."
        )
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise ImportRefused(f"Filen {name} innehåller inga geoobjekt (features är tom).")
    if not all(isinstance(f, dict) for f in features):
        raise ImportRefused(f"Filen {name} har poster i features som inte är GeoJSON-objekt.")
    # DATE_AS_STRING: properties stay as written (GDAL would otherwise retype dates).
    meta, wkb, props = _raw(path, None, "GeoJSON", DATE_AS_STRING="YES")
    if len(wkb) != len(features):
        raise ImportRefused(
            f"Filen {name}: {len(features)} objekt i filen men {len(wkb)} gick att läsa; "
            "kontrollera att alla objekt är giltiga GeoJSON-Feature."
        )
    # GDAL turns integer feature ids into its own feature numbers: keep them as `id`.
    if "id" not in {norm_header(c) for c in props.columns} and all(
        f.get("id") not in (None, "") for f in features
    ):
        props.insert(0, "id", [_text(f["id"]) for f in features])
    member = data.get("crs")
    if member is None:  # RFC 7946: WGS 84 unless the file says otherwise
        return _Layer(props, wkb, None, False)
    # The legacy `crs` member, resolved here: GDAL falls back to WGS 84 for a name it
    # does not know, which would silently misplace every point.
    crs_name = member.get("properties", {}).get("name") if isinstance(member, dict) else None
    crs = meta.get("crs")
    if isinstance(crs_name, str):
        try:
            pyproj.CRS.from_user_input(crs_name)
            crs = crs_name
        except pyproj.exceptions.CRSError:
            crs = None
    if not crs:
        raise ImportRefused(
            f"Filen {name} anger ett koordinatsystem som inte känns igen "
            f"({json.dumps(member, ensure_ascii=False)[:120]}); ange t.ex. EPSG:3006."
        )
    return _Layer(props, wkb, crs, True)


def _read_gpkg(path: Path, opts: Options, notes: list[str]) -> _Layer:
    name = path.name
    head = sniff_bytes(path)
    refuse_wrong_content(path, head, "gpkg")  # empty, zip, HTML
    if not head.startswith(SQLITE_MAGIC):
        raise ImportRefused(f"Filen {name} är ingen GeoPackage (den är inte en SQLite-databas).")
    try:
        layers = pyogrio.list_layers(path)
        driver = pyogrio.read_info(path, layer=str(layers[0][0]))["driver"] if len(layers) else ""
    except Exception as exc:  # GDAL raises many types for a broken database
        raise ImportRefused(f"Filen {name} gick inte att öppna som GeoPackage ({exc}).") from exc
    if driver != "GPKG":
        raise ImportRefused(f"Filen {name} är en SQLite-databas men ingen GeoPackage.")
    names = [str(n) for n, _ in layers]
    spatial = [str(n) for n, gtype in layers if gtype is not None]
    wanted = opts.mapping.get("layer")
    if wanted:
        if wanted not in names:
            raise ImportRefused(
                f"Filen {name} har inget lager {wanted!r}; lagren är {', '.join(names)}."
            )
        layer = wanted
        notes.append(f"Lager {layer!r} lästes.")
    elif not spatial:
        raise ImportRefused(f"Filen {name} har inget lager med geometrier.")
    else:
        layer = spatial[0]
        if len(spatial) > 1:
            notes.append(
                f"Filen har {len(spatial)} lager med geometrier ({', '.join(spatial)}); "
                f"lagret {layer!r} lästes. Välj ett annat med --map layer=NAMN."
            )
    meta, wkb, props = _raw(path, layer, "GeoPackage")
    if len(wkb) == 0:
        raise ImportRefused(f"Filen {name}: lagret {layer!r} är tomt.")
    return _Layer(props, wkb, meta.get("crs"), meta.get("crs") is not None)


# ------------------------------------------------------------------------ coordinates


def _crs_name(crs: str) -> str:
    if crs in places.CRS_NAMES:
        return f"{places.CRS_NAMES[crs]} ({crs})"
    try:
        parsed = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        return crs
    epsg = parsed.to_epsg()
    key = f"EPSG:{epsg}" if epsg else None
    if key in places.CRS_NAMES:
        return f"{places.CRS_NAMES[key]} ({key})"
    return f"{parsed.name} ({key})" if key else parsed.name


def _same_crs(a: str, b: str) -> bool:
    try:
        return pyproj.CRS.from_user_input(a).equals(
            pyproj.CRS.from_user_input(b), ignore_axis_order=True
        )
    except pyproj.exceptions.CRSError:
        return False


def _user_crs(text: str) -> str:
    value = text.strip().upper()
    if value.isdigit():
        value = f"EPSG:{value}"
    try:
        pyproj.CRS.from_user_input(value)
    except pyproj.exceptions.CRSError:
        raise ImportRefused(
            f"Okänt koordinatsystem {text!r} (--crs); ange till exempel EPSG:3006."
        ) from None
    return value


def _source_crs(
    layer: _Layer, geoms: np.ndarray, opts: Options, name: str, notes: list[str]
) -> tuple[str, bool]:
    """The CRS of the usable geometries and whether their axes must be swapped."""
    coords = shapely.get_coordinates(geoms)
    xs, ys = coords[:, 0], coords[:, 1]
    detected, swapped = places.detect_crs(xs, ys)
    if layer.declared:
        crs = str(layer.crs)
        notes.append(f"Koordinatsystem enligt filen: {_crs_name(crs)}.")
        if opts.crs and not _same_crs(opts.crs, crs):
            notes.append(f"--crs {opts.crs} användes inte: filen anger sitt eget koordinatsystem.")
        if detected and not _same_crs(detected, crs):
            notes.append(
                f"Koordinaterna ser ut att vara i {_crs_name(detected)}, men filen anger "
                f"{_crs_name(crs)}; filens angivelse gäller."
            )
        return crs, False
    if opts.crs:
        crs = _user_crs(opts.crs)
        notes.append(f"Koordinatsystem enligt --crs: {_crs_name(crs)}.")
        return crs, False
    if len(coords) and np.nanmax(np.abs(coords)) > PROJECTED_MIN:
        if detected is None or detected == geo.WGS84:
            raise ImportRefused(
                f"Filen {name} anger inget koordinatsystem och koordinaterna passar varken "
                "SWEREF 99 TM, SWEREF 99 18 00 eller RT90; ange det med --crs."
            )
        notes.append(f"Koordinatsystem upptäckt: {_crs_name(detected)} (filen anger inget).")
    else:
        detected = geo.WGS84
    if swapped:
        notes.append("Koordinaternas axlar var omkastade i filen; de har vänts rätt.")
    return detected, swapped


def _to_crs(geoms: np.ndarray, src: str, dst: str) -> np.ndarray:
    return np.asarray(gpd.GeoSeries(geoms, crs=src).to_crs(dst).array, dtype=object)


def _finite(geom) -> bool:
    return bool(np.isfinite(shapely.get_coordinates(geom)).all())


def _local_time(text: str) -> tuple[str, bool]:
    """An ISO time as tabular reads it: a zone (`…Z`, `…+01:00`) converted to Swedish local
    time (flagged), and the `T` separator (GeoPackage date-times) written as a space."""
    value = str(text).strip()
    if not ISO_WITH_ZONE.match(value):
        return ISO_T.sub(r"\1 ", value), False
    try:
        stamp = pd.Timestamp(value)
    except ValueError:
        return text, False
    return stamp.tz_convert(LOCAL_TZ).strftime("%Y-%m-%d %H:%M:%S"), True


# ------------------------------------------------------------------------------- read


def read(path: Path, fmt: str, opts: Options, ctx: Context) -> Parsed:
    """Read a GeoJSON or GeoPackage file into canonical events, interventions or areas."""
    path = Path(path)
    name = path.name
    out = Collected()
    if fmt == "geojson":
        layer = _read_geojson(path)
    elif fmt == "gpkg":
        layer = _read_gpkg(path, opts, out.notes)
    else:
        raise ImportRefused(f"Formatet {fmt!r} är inte geodata (geojson eller gpkg).")
    rows_read = len(layer.wkb)

    # Which features have a usable point or polygon.
    strict = shapely.from_wkb(layer.wkb, on_invalid="ignore")
    geoms = shapely.from_wkb(layer.wkb, on_invalid="fix")  # closes unclosed rings
    closed = int(sum(s is None and g is not None for s, g in zip(strict, geoms)))
    kinds = np.full(rows_read, None, dtype=object)
    for i, (wkb, geom) in enumerate(zip(layer.wkb, geoms)):
        reason, value = None, ""
        if wkb is None:
            reason = "geometri saknas (eller har en okänd geometrityp)"
        elif geom is None:
            reason = "geometrin är trasig och går inte att läsa"
        elif geom.is_empty:
            reason, value = "geometrin är tom", geom.geom_type
        elif geom.geom_type in POINT_TYPES:
            if geom.geom_type == "MultiPoint" and len(geom.geoms) != 1:
                reason, value = "flera punkter i samma objekt; dela upp dem", geom.geom_type
            else:
                kinds[i] = "point"
                geoms[i] = shapely.get_geometry(geom, 0) if geom.geom_type == "MultiPoint" else geom
        elif geom.geom_type in AREA_TYPES:
            kinds[i] = "area"
        else:
            reason = f"geometritypen {geom.geom_type} stöds inte (endast punkter eller ytor)"
            value = geom.geom_type
        if reason:
            out.reject(i + 1, "geometri", value, reason)
    n_points, n_areas = int((kinds == "point").sum()), int((kinds == "area").sum())
    if n_points and n_areas:
        raise ImportRefused(
            f"Filen {name} blandar punkter ({n_points}) och ytor ({n_areas}); "
            "dela upp den i en fil med punkter och en med ytor."
        )
    if not (n_points or n_areas):
        first = out.rejects[0].reason if out.rejects else "inga objekt"
        raise ImportRefused(f"Filen {name} har inga användbara geometrier ({first}).")
    kind = "point" if n_points else "area"
    if kind == "area" and opts.kind not in (None, "areas"):
        raise ImportRefused(
            f"Filen {name} innehåller ytor; de kan bara importeras som områden (--kind areas)."
        )
    if kind == "point" and opts.kind in ("areas", "measures"):
        raise ImportRefused(
            f"Filen {name} innehåller punkter; de kan importeras som händelser eller insatser, "
            f"inte som {opts.kind}."
        )
    if closed:
        out.note(f"{closed} ytor hade ringar som inte var slutna; de har slutits.")

    usable = np.flatnonzero(kinds != None)  # noqa: E711
    src, swap = _source_crs(layer, geoms[usable], opts, name, out.notes)
    if swap:
        geoms[usable] = shapely.transform(geoms[usable], lambda xy: xy[:, ::-1])
    if kind == "point":
        return _points(layer, geoms, usable, src, fmt, opts, ctx, out, rows_read, name)
    return _areas(layer, geoms, usable, src, fmt, opts, ctx, out, rows_read, name)


def _points(
    layer: _Layer,
    geoms: np.ndarray,
    usable: np.ndarray,
    src: str,
    fmt: str,
    opts: Options,
    ctx: Context,
    out: Collected,
    rows_read: int,
    name: str,
) -> Parsed:
    wgs = _to_crs(geoms[usable], src, geo.WGS84)
    keep = []
    for i, point in zip(usable, wgs):
        if _finite(point):
            keep.append(i)
        else:
            out.reject(
                int(i) + 1, "geometri", "", "koordinaterna går inte att räkna om till WGS 84"
            )
    keep = np.asarray(keep, dtype=int)
    wgs = {int(i): p for i, p in zip(usable, wgs)}

    props = layer.props.iloc[keep].reset_index(drop=True)
    lookup = {norm_header(a): canon for canon, aliases in tabular.ALIASES.items() for a in aliases}
    mapping = {k: v for k, v in opts.mapping.items() if k != "layer"}
    explicit = {norm_header(v): k for k, v in mapping.items()}
    ignored = [
        c
        for c in props.columns
        if (explicit.get(norm_header(c)) or lookup.get(norm_header(c))) in COORD_COLUMNS
    ]
    if ignored:
        out.note(f"Egenskaperna {', '.join(ignored)} lästes inte: punktens geometri är platsen.")
    props = props.drop(columns=ignored).rename(
        columns={c: f"{c} (egenskap)" for c in props.columns if norm_header(c) == "row"}
    )
    mapping = {k: v for k, v in mapping.items() if k not in COORD_COLUMNS}
    table = pd.concat([pd.DataFrame({"row": keep + 1}), props], axis=1)
    table = tabular.map_columns(table, mapping, out.notes)
    original = dict(table.attrs.get("original", {}))
    zoned = 0
    for col in DATE_COLUMNS:
        if col in table:
            converted = table[col].map(_local_time)
            table[col] = [text for text, _ in converted]
            zoned += sum(flag for _, flag in converted)
    if zoned:
        out.note(f"{zoned} tidpunkter med tidszon har räknats om till svensk tid.")
    table["lon"] = [wgs[int(i)].x for i in keep]
    table["lat"] = [wgs[int(i)].y for i in keep]

    columns = set(table.columns)
    kind = opts.kind
    if kind is None:
        if opts.category or "category" in columns:
            kind = "events"
        elif {"type", "start"} <= columns:
            kind = "interventions"
        elif columns & {"date", "occurred_at"}:
            kind = "events"  # _events explains that the category is missing
        else:
            raise ImportRefused(
                f"Filen {name}: kunde inte avgöra vad punkterna är – egenskaperna "
                f"{', '.join(props.columns) or '(inga)'} räcker inte. Händelser kräver datum "
                "och kategori (eller --category), insatser type och start."
            )
        out.note(f"Innehåll upptäckt: {kind}.")
    # The points are WGS 84 by now: the table's coordinate rules must not re-project them.
    local = dataclasses.replace(opts, crs=geo.WGS84, mapping={})
    if kind == "events":
        frame = tabular._events(table, local, ctx.categories, ctx.index, out.rejects, out.notes)
    elif "type" not in table or "start" not in table:
        raise ImportRefused("Insatser kräver egenskaperna type (insatstyp) och start (startdatum).")
    else:
        frame = tabular._interventions(table, local, ctx.index, out.rejects, out.notes)
    return out.parsed(kind, fmt, frame, rows_read, columns=original)


def _polygonal(geom):
    """The polygonal part of a repaired geometry, or None when nothing is left."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in AREA_TYPES and not p.is_empty]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return merged if merged.geom_type in AREA_TYPES and merged.area > 0 else None


def _areas(
    layer: _Layer,
    geoms: np.ndarray,
    usable: np.ndarray,
    src: str,
    fmt: str,
    opts: Options,
    ctx: Context,
    out: Collected,
    rows_read: int,
    name: str,
) -> Parsed:
    props = layer.props
    wanted = opts.mapping.get("name")
    if wanted:
        matches = [c for c in props.columns if norm_header(c) == norm_header(wanted)]
        if not matches:
            raise ImportRefused(f"--map name={wanted} anger en egenskap som inte finns i filen.")
        name_cols = matches[:1]
    else:  # in NAME_KEYS order; a feature without the first takes the next
        name_cols = sorted(
            (c for c in props.columns if norm_header(c) in NAME_KEYS),
            key=lambda c: NAME_KEYS.index(norm_header(c)),
        )
    if not name_cols:
        raise ImportRefused(
            f"Ytorna i {name} saknar namn: ge dem egenskapen name, namn eller område "
            "(eller ange --map name=EGENSKAP)."
        )
    cat_keys = set(tabular.ALIASES["category"])
    cat_col = next((c for c in props.columns if norm_header(c) in cat_keys), None)

    candidates: list[tuple[int, str, object, str]] = []
    repaired = 0
    for i in usable:
        row = int(i) + 1
        name_col = next((c for c in name_cols if props.at[int(i), c].strip()), name_cols[0])
        area_name = props.at[int(i), name_col].strip()
        if not area_name:
            out.reject(row, name_col, "", "ytan saknar namn")
            continue
        if not slug(area_name):
            out.reject(row, name_col, area_name, "namnet saknar bokstäver eller siffror")
            continue
        geom = geoms[i]
        if not geom.is_valid:
            why = shapely.is_valid_reason(geom)
            fixed = _polygonal(shapely.make_valid(geom))
            if fixed is None:
                out.reject(row, "geometri", why, "ogiltig geometri som inte går att laga")
                continue
            geom = fixed
            repaired += 1
        candidates.append((row, area_name, geom, name_col))
    if repaired:
        out.note(f"{repaired} ytor hade ogiltig geometri och har lagats (make_valid).")

    seen: dict[str, int] = {}
    partly = 0
    if candidates:
        source_geoms = np.asarray([c[2] for c in candidates], dtype=object)
        wgs = _to_crs(source_geoms, src, geo.WGS84)
        metric = _to_crs(source_geoms, src, geo.SWEREF99TM)
        for (row, area_name, _, name_col), g_wgs, g_m in zip(candidates, wgs, metric):
            if not (_finite(g_wgs) and _finite(g_m)):
                out.reject(row, "geometri", "", "koordinaterna går inte att räkna om till WGS 84")
                continue
            if g_m.area < MIN_AREA_M2:
                out.reject(row, "geometri", area_name, "ytan har ingen utbredning (arean är noll)")
                continue
            distance = ctx.index.outline_m.distance(g_m)
            if distance > places.TOLERANCE_M:
                out.reject(
                    row,
                    "geometri",
                    area_name,
                    f"ytan ligger helt utanför kommunen ({distance / 1000:.1f} km från gränsen)",
                )
                continue
            code = AREA_PREFIX + slug(area_name)
            if code in seen:
                out.reject(
                    row,
                    name_col,
                    area_name,
                    f"namnet ger samma kod ({code}) som ytan på rad {seen[code]}",
                )
                continue
            seen[code] = row
            if not ctx.index.outline_m.covers(g_m):
                partly += 1
            category = props.at[row - 1, cat_col].strip() if cat_col else ""
            out.row(
                row,
                code=code,
                name=area_name,
                level=AREA_LEVEL,
                parent_code=model.KOMMUN_CODE,
                category=category or None,
                area_km2=round(g_m.area / 1e6, 6),
                geometry=json.dumps(mapping(g_wgs)),
            )
    if partly:
        out.note(f"{partly} ytor sträcker sig utanför kommungränsen; de sparas som de är.")
    out.note(
        f"Ytorna sparas som egna områden (nivå {AREA_LEVEL}, kod {AREA_PREFIX}<namn>); "
        "kartan visar ännu bara DeSO, RegSO och kommunen."
    )
    frame = pd.DataFrame(
        out.rows,
        columns=[
            "row",
            "code",
            "name",
            "level",
            "parent_code",
            "category",
            "area_km2",
            "geometry",
        ],
    )
    return out.parsed("areas", fmt, frame, rows_read, columns={"name": name_cols[0]})


# ------------------------------------------------------------------------------ apply


def _present(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> set[str]:
    codes = frame["code"].astype(str).tolist()
    rows = con.execute("SELECT code FROM areas WHERE list_contains(?, code)", [codes])
    return {r[0] for r in rows.fetchall()}


def count_new(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> tuple[int, int]:
    """(new, already stored) for parsed areas, without writing: for a dry run."""
    if frame.empty:
        return 0, 0
    new = int((~frame["code"].isin(_present(con, frame))).sum())
    return new, len(frame) - new


def apply(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, source: dict) -> tuple[int, int]:
    """Insert the areas whose code is not in the store yet; returns (imported, duplicates).

    The `areas.level` column accepts any string; the app only draws deso/regso/kommun for
    now, so custom areas wait in the store for a map layer of their own."""
    if frame.empty:
        return 0, 0
    incoming = frame.assign(source_id=source["id"])
    new = incoming[~incoming["code"].isin(_present(con, incoming))].drop_duplicates("code")
    if not new.empty:
        rows = [
            [None if pd.isna(v) else v for v in record]
            for record in new[AREA_COLUMNS].itertuples(index=False, name=None)
        ]
        con.executemany(
            f"INSERT INTO areas ({', '.join(AREA_COLUMNS)}) VALUES "  # noqa: S608
            f"({', '.join('?' for _ in AREA_COLUMNS)})",
            rows,
        )
    return len(new), len(incoming) - len(new)
