"""Placing imported rows: coordinates in any Swedish CRS to WGS 84 and a DeSO (through the
`AreaIndex` of `pax.ingest.core`, which also turns area names and codes into our area keys).
Shared by every importer."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import shapely

from pax import config, geo
from pax.ingest.core import AreaIndex, Reject

# The projected systems a CRS is guessed among: SWEREF 99 TM, SWEREF 99 18 00 (municipal
# systems around Stockholm) and RT90 2.5 gon V. Their plausible ranges are the kommun's
# outline in each system plus a margin (`crs_ranges`).
GUESSED_CRS = ("EPSG:3006", "EPSG:3011", "EPSG:3021")
CRS_MARGIN_M = 30_000.0
CRS_NAMES = {
    "EPSG:4326": "WGS 84",
    "EPSG:3006": "SWEREF 99 TM",
    "EPSG:3011": "SWEREF 99 18 00",
    "EPSG:3021": "RT90 2.5 gon V",
}
# A point this close outside the outline (simplified boundaries, a point on the shore) is
# accepted and snapped to the nearest DeSO; farther out it is rejected.
TOLERANCE_M = 300.0


@lru_cache(maxsize=8)
def crs_ranges(kommun_code: str) -> dict[str, tuple[tuple[float, float], tuple[float, float]]]:
    """Plausible (E, N) ranges of the kommun in each guessed CRS (around Södertälje:
    SWEREF 99 TM E ≈ 600 000–690 000, N ≈ 6 490 000–6 600 000)."""
    lon_lo, lat_lo, lon_hi, lat_hi = geo.kommun_bounds(kommun_code)
    mid = (lon_lo + lon_hi) / 2  # the widest easting span of a projection is mid-north/south
    lons = np.array([lon_lo, lon_lo, lon_hi, lon_hi, mid, mid])
    lats = np.array([lat_lo, lat_hi, lat_lo, lat_hi, lat_lo, lat_hi])
    ranges = {}
    for crs in GUESSED_CRS:
        e, n = geo.transformer(geo.WGS84, crs).transform(lons, lats)
        m = CRS_MARGIN_M
        ranges[crs] = (
            (float(min(e)) - m, float(max(e)) + m),
            (float(min(n)) - m, float(max(n)) + m),
        )
    return ranges


def detect_crs(first: np.ndarray, second: np.ndarray) -> tuple[str | None, bool]:
    """Guess the CRS of coordinate pairs from their ranges.

    Returns (crs, swapped): swapped means the first column holds northings."""
    a, b = np.nanmedian(first), np.nanmedian(second)
    if np.isnan(a) or np.isnan(b):
        return None, False
    if 55 <= a <= 70 and 10 <= b <= 25:
        return "EPSG:4326", True  # lat, lon
    if 10 <= a <= 25 and 55 <= b <= 70:
        return "EPSG:4326", False  # lon, lat
    for crs, ((e_lo, e_hi), (n_lo, n_hi)) in crs_ranges(config.kommun().code).items():
        if e_lo <= a <= e_hi and n_lo <= b <= n_hi:
            return crs, False
        if n_lo <= a <= n_hi and e_lo <= b <= e_hi:
            return crs, True
    return None, False


def place_points(
    frame: pd.DataFrame, index: AreaIndex, rejects: list[Reject], lon_col: str, lat_col: str
) -> pd.DataFrame:
    """Check WGS 84 points against the municipality and assign their DeSO.

    Sets `area_code` and `precision` (`exact`, or `snapped` within the tolerance) for the
    rows with a point; rows outside are rejected and removed."""
    has = frame[lon_col].notna() & frame[lat_col].notna()
    if not has.any():
        return frame
    pts = frame[has]
    located = geo.locate(pts[lon_col].to_numpy(), pts[lat_col].to_numpy(), index.areas)
    frame.loc[has, "area_code"] = located
    frame.loc[has, "precision"] = "exact"
    missing = pts.index[pd.isna(located)]
    drop = []
    if len(missing):
        t = geo.transformer(geo.WGS84, geo.SWEREF99TM)
        xs, ys = t.transform(
            frame.loc[missing, lon_col].to_numpy(), frame.loc[missing, lat_col].to_numpy()
        )
        for i, x, y in zip(missing, np.asarray(xs), np.asarray(ys)):
            distance = index.outline_m.distance(shapely.Point(x, y))
            if distance <= TOLERANCE_M:
                frame.loc[i, "area_code"] = index.nearest_deso(x, y)
                frame.loc[i, "precision"] = "snapped"
            else:
                value = f"{frame.at[i, lat_col]:.5f}, {frame.at[i, lon_col]:.5f}"
                rejects.append(
                    Reject(
                        int(frame.at[i, "row"]),
                        "lat/lon",
                        value,
                        f"punkten ligger utanför kommunen ({distance / 1000:.1f} km från gränsen)",
                    )
                )
                drop.append(i)
    return frame.drop(index=drop)


def to_wgs84(
    first: pd.Series,
    second: pd.Series,
    crs: str | None,
    rows: pd.Series,
    rejects: list[Reject],
    notes: list[str],
    default: str | None = None,
) -> tuple[pd.Series, pd.Series]:
    """Convert a coordinate pair (in either order) to lon, lat in WGS 84.

    The CRS is the declared one or detected from the value ranges (and reported); pairs
    given in the other order are detected per row and swapped (and reported)."""
    a = pd.to_numeric(first.astype(str).str.replace(",", ".").str.replace(" ", ""), errors="coerce")
    b = pd.to_numeric(
        second.astype(str).str.replace(",", ".").str.replace(" ", ""), errors="coerce"
    )
    lon = pd.Series(np.nan, index=a.index)
    lat = pd.Series(np.nan, index=a.index)
    if a.isna().all() and b.isna().all() and first.astype(str).str.strip().eq("").all():
        return lon, lat  # the columns exist but hold nothing: rows are placed otherwise
    detected, _ = detect_crs(a.to_numpy(dtype=float), b.to_numpy(dtype=float))
    use = crs or detected or default
    if use is None:
        raise ValueError("koordinaternas referenssystem gick inte att avgöra; ange --crs")
    if not crs:
        notes.append(f"Koordinatsystem upptäckt: {CRS_NAMES.get(use, use)} ({use}).")
    swapped = 0
    for i in a.index:
        x, y = a.at[i], b.at[i]
        if pd.isna(x) or pd.isna(y):
            if not (pd.isna(x) and pd.isna(y)):
                rejects.append(
                    Reject(
                        int(rows.at[i]),
                        "koordinater",
                        f"{first.at[i]}, {second.at[i]}",
                        "ofullständiga eller icke-numeriska koordinater",
                    )
                )
            continue
        row_crs, row_swapped = detect_crs(np.array([x]), np.array([y]))
        if row_crs != use:
            rejects.append(
                Reject(
                    int(rows.at[i]),
                    "koordinater",
                    f"{x}, {y}",
                    f"koordinaterna passar inte {CRS_NAMES.get(use, use)}",
                )
            )
            continue
        if row_swapped:
            x, y = y, x
            swapped += 1
        if use == "EPSG:4326":
            lon.at[i], lat.at[i] = x, y
        else:
            lx, ly = geo.transformer(use, geo.WGS84).transform(x, y)
            lon.at[i], lat.at[i] = lx, ly
    if swapped and use == "EPSG:4326":
        notes.append(f"Latitud och longitud var omkastade på {swapped} rader; de har vänts rätt.")
    elif swapped:
        notes.append(f"Nord- och östkoordinat var omkastade på {swapped} rader; de har vänts rätt.")
    return lon, lat
