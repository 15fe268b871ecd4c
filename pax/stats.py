"""Statistics behind the situation picture: CompStat windows, an exact test for two
Poisson counts, Getis-Ord Gi* hotspots (areas and a 250 m grid) and near-repeat
early warnings.

esda, libpysal and scipy.stats take seconds to import, so they are imported inside the
functions that need them: importing `pax.stats` (and every page that does) stays cheap.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely

from pax import geo

# ---------------------------------------------------------------------------
# CompStat windows
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """A period and the same period a year earlier; all dates inclusive."""

    name: str
    start: dt.date
    end: dt.date
    prev_start: dt.date
    prev_end: dt.date

    @property
    def exposure_ratio(self) -> float:
        """Length of the period / length of the comparison period.

        Usually 1, but a window touching 29 February is a day longer (or shorter) than
        its counterpart, and the Poisson test must know."""
        days = (self.end - self.start).days + 1
        prev_days = (self.prev_end - self.prev_start).days + 1
        return days / prev_days


def year_earlier(day: dt.date) -> dt.date:
    """The same calendar day a year earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 Feb has no counterpart in a common year
        return dt.date(day.year - 1, 2, 28)


def compstat_windows(end: dt.date) -> list[Window]:
    """The CompStat comparisons ending on `end`: last week, last 28 days and year to date,
    each against the same dates a year earlier."""
    windows = []
    for name, start in (
        ("week", end - dt.timedelta(days=6)),
        ("28d", end - dt.timedelta(days=27)),
        ("ytd", dt.date(end.year, 1, 1)),
    ):
        prev_start = dt.date(end.year - 1, 1, 1) if name == "ytd" else year_earlier(start)
        windows.append(Window(name, start, end, prev_start, year_earlier(end)))
    return windows


_PERIOD_DAYS = {"7": 7, "28": 28, "90": 90, "365": 365}


def period_window(kind: str, end: dt.date, start: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of a period choice: "7", "28", "90", "365" days
    ending `end`, "ytd" or "custom" (start..end). ValueError with a Swedish reason."""
    kind = str(kind)
    if kind in _PERIOD_DAYS:
        return end - dt.timedelta(days=_PERIOD_DAYS[kind] - 1), end
    if kind == "ytd":
        return dt.date(end.year, 1, 1), end
    if kind == "custom":
        if start is None or end is None:
            raise ValueError("ange både start- och slutdatum för en egen period")
        if start > end:
            raise ValueError(
                f"startdatum {start.isoformat()} ligger efter slutdatum {end.isoformat()}"
            )
        return start, end
    raise ValueError(f"okänd period {kind!r}: välj 7, 28, 90 eller 365 dagar, ytd eller custom")


# ---------------------------------------------------------------------------
# Exact test for two Poisson counts
# ---------------------------------------------------------------------------


def poisson_test(now: int, before: int, exposure_ratio: float = 1.0) -> float:
    """Two-sided p-value of H0: the rate now equals the rate before.

    Conditioning on the total n = now + before turns two Poisson counts into one
    binomial: under H0, now ~ Binomial(n, r / (1 + r)) with r = length of the current
    period / length of the comparison period. The two-sided p sums the probabilities of
    all outcomes no more likely than the observed one, as R's binom.test and
    poisson.test do (scipy's binomtest uses the same rule)."""
    from scipy.stats import binomtest

    now, before = int(now), int(before)
    if now < 0 or before < 0:
        raise ValueError("antal kan inte vara negativa")
    if not exposure_ratio > 0:
        raise ValueError("exponeringskvoten måste vara större än noll")
    n = now + before
    if n == 0:
        return 1.0  # nothing happened in either period: no evidence of a change
    p = exposure_ratio / (1.0 + exposure_ratio)
    return float(binomtest(now, n, p, alternative="two-sided").pvalue)


def change_verdict(now: int, before: int, exposure_ratio: float = 1.0, alpha: float = 0.05) -> str:
    """Verdict on a change: "increase", "decrease" or "normal" (within normal variation)."""
    if now + before == 0:
        return "normal"
    if poisson_test(now, before, exposure_ratio) >= alpha:
        return "normal"
    # Compare rates, not raw counts: periods of unequal length need the ratio.
    return "increase" if now > exposure_ratio * before else "decrease"


_VERDICT_TEXT = {
    "sv": {
        "increase": "Ökning utöver normal variation",
        "decrease": "Minskning utöver normal variation",
        "normal": "Förändringen ryms inom normal variation",
    },
    "en": {
        "increase": "Increase beyond normal variation",
        "decrease": "Decrease beyond normal variation",
        "normal": "The change is within normal variation",
    },
}


def verdict_text(verdict: str, lang: str = "sv") -> str:
    """The sentence shown for a verdict from `change_verdict`."""
    texts = _VERDICT_TEXT.get(lang, _VERDICT_TEXT["sv"])
    if verdict not in texts:
        raise ValueError(f"okänd bedömning {verdict!r}")
    return texts[verdict]


# ---------------------------------------------------------------------------
# Getis-Ord Gi* hotspots
# ---------------------------------------------------------------------------

# Two-sided p thresholds and the confidence level each one stands for, strictest first.
_LEVELS = ((0.01, 99, 3), (0.05, 95, 2), (0.10, 90, 1))


def _classify(z: np.ndarray) -> pd.DataFrame:
    from scipy.stats import norm

    p = np.minimum(2.0 * norm.sf(np.abs(z)), 1.0)
    confidence = np.select([p < t for t, _, _ in _LEVELS], [c for _, c, _ in _LEVELS], 0)
    level = np.select([p < t for t, _, _ in _LEVELS], [lv for _, _, lv in _LEVELS], 0)
    cls = (np.sign(z) * level).astype(int)
    return pd.DataFrame({"z": z, "p": p, "confidence": confidence.astype(int), "cls": cls})


def gi_star(values: np.ndarray, w) -> pd.DataFrame:
    """Getis-Ord Gi* for each observation: columns z, p, confidence (0/90/95/99), cls.

    `w` is a libpysal W or Graph aligned with `values`; binary weights with the focal
    observation included (star) are applied whatever `w` holds. z is esda's analytical
    Zs. esda's `p_norm` is one-sided (`norm.sf(|z|)`, its docstring says to double it),
    so p here is 2 × that: a two-sided test, hot and cold alike. cls = sign(z) × level,
    level 3/2/1 for p < 0.01/0.05/0.10, 0 when not significant."""
    y = np.asarray(values, dtype=float).ravel()
    if not np.all(np.isfinite(y)):
        raise ValueError("Gi* kräver ett värde för varje område (saknade värden finns)")
    if (y < 0).any():
        raise ValueError("Gi* kräver icke-negativa värden")
    # No variance (or nothing to compare with): esda would divide by zero, and there is
    # nothing to find anyway.
    if y.size < 2 or np.ptp(y) == 0:
        return _classify(np.zeros(y.size))

    import esda

    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        # libpysal warns about islands and disconnected parts; callers handle those.
        warnings.simplefilter("ignore")
        g = esda.G_Local(y, w, star=True, transform="B", permutations=0)
    z = np.asarray(g.Zs, dtype=float)
    # A neighbourhood covering the whole study area has zero expected variance (0/0):
    # it cannot differ from the study area, so it is not a hotspot.
    z = np.where(np.isfinite(z), z, 0.0)
    return _classify(z)


def hotspots_areas(codes: list[str], geometries: list, values) -> pd.DataFrame:
    """Gi* over areas with queen contiguity (shared edge or corner).

    `geometries` are shapely polygons in WGS 84 (contiguity only needs shared vertices, so
    no projection is required). Areas with no neighbour (islands) still count towards the
    study area's mean and variance, but Gi* of an island compares it with nothing but
    itself, so they get z 0, p 1, cls 0 and island=True.
    Columns: code, value, z, p, confidence, cls, island."""
    from libpysal.weights import Queen

    codes = [str(c) for c in codes]
    y = np.asarray(values, dtype=float).ravel()
    if not (len(codes) == len(geometries) == len(y)):
        raise ValueError("koder, geometrier och värden måste vara lika många")
    if len(set(codes)) != len(codes):
        raise ValueError("områdeskoderna måste vara unika")
    columns = ["code", "value", "z", "p", "confidence", "cls", "island"]
    if not codes:
        return pd.DataFrame(columns=columns)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # island / disconnected-component warnings
        w = Queen.from_iterable(list(geometries), ids=codes, silence_warnings=True)
    # Align the values with the order libpysal keeps the ids in.
    position = {code: i for i, code in enumerate(codes)}
    order = [position[i] for i in w.id_order]
    y_w = y[order]
    result = gi_star(y_w, w)
    result.insert(0, "value", y_w)
    result.insert(0, "code", list(w.id_order))
    island = result["code"].isin(set(w.islands)).to_numpy()
    result["island"] = island
    result.loc[island, ["z", "p", "confidence", "cls"]] = [0.0, 1.0, 0, 0]
    result = result.set_index("code").loc[codes].reset_index()
    return result[columns]


@dataclass(frozen=True)
class _Lattice:
    """The study area of a grid: cells whose centre lies inside the outline."""

    cell_m: float
    ix0: int  # global column index (x // cell_m) of the bounding box's first column
    iy0: int
    nx: int
    ny: int
    lookup: np.ndarray  # (ny * nx,) study-cell index of each box cell, −1 outside
    ix: np.ndarray  # global column index of each study cell
    iy: np.ndarray
    lon: np.ndarray  # cell centres in WGS 84
    lat: np.ndarray
    geojson: np.ndarray  # the cell square as a GeoJSON string (WGS 84)
    graph: object  # libpysal Graph: queen neighbours plus the cell itself


@lru_cache(maxsize=4)
def _lattice(outline_wkb: bytes, cell_m: float) -> _Lattice:
    # Depends only on the outline and the cell size, never on the points: built once
    # (~0.1 s for Södertälje at 250 m) and reused for every filter the user tries.
    from libpysal.graph import Graph

    outline_m = geo.to_metric(shapely.from_wkb(outline_wkb))
    minx, miny, maxx, maxy = outline_m.bounds
    # Cells are aligned to multiples of cell_m (as geo.snap_to_grid and the privacy grid),
    # so a hotspot cell is the very cell a council user sees.
    ix0, iy0 = int(np.floor(minx / cell_m)), int(np.floor(miny / cell_m))
    nx = int(np.floor(maxx / cell_m)) - ix0 + 1
    ny = int(np.floor(maxy / cell_m)) - iy0 + 1
    gx, gy = np.meshgrid(np.arange(nx), np.arange(ny))
    gx, gy = gx.ravel(), gy.ravel()
    shapely.prepare(outline_m)
    inside = shapely.contains_xy(outline_m, (ix0 + gx + 0.5) * cell_m, (iy0 + gy + 0.5) * cell_m)
    n = int(inside.sum())
    lookup = np.full(nx * ny, -1, dtype=np.int64)
    lookup[inside] = np.arange(n)
    lx, ly = gx[inside], gy[inside]

    # Queen neighbours on the lattice straight from index arithmetic: the 3 × 3 block
    # around each cell, the cell itself included (Gi*), kept where the neighbour is also
    # in the study area. A Graph (not a W) because esda then stays vectorised: W rebuilds
    # its sparse matrix in Python loops on every transform.
    rows, cols = [], []
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            jx, jy = lx + dx, ly + dy
            ok = (jx >= 0) & (jx < nx) & (jy >= 0) & (jy < ny)
            j = np.full(n, -1, dtype=np.int64)
            j[ok] = lookup[jy[ok] * nx + jx[ok]]
            keep = j >= 0
            rows.append(np.flatnonzero(keep))
            cols.append(j[keep])
    r, c = np.concatenate(rows), np.concatenate(cols)
    graph = Graph.from_sparse(sp.csr_array((np.ones(r.size), (r, c)), shape=(n, n)))

    ix, iy = ix0 + lx, iy0 + ly
    to_wgs = geo.transformer(geo.SWEREF99TM, geo.WGS84)
    lon, lat = to_wgs.transform((ix + 0.5) * cell_m, (iy + 0.5) * cell_m)
    corners = [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]
    ring = [to_wgs.transform((ix + a) * cell_m, (iy + b) * cell_m) for a, b in corners]
    geojson = np.array(
        [
            '{"type":"Polygon","coordinates":[['
            + ",".join(f"[{ring[k][0][i]:.6f},{ring[k][1][i]:.6f}]" for k in range(5))
            + "]]}"
            for i in range(n)
        ],
        dtype=object,
    )
    return _Lattice(
        cell_m, ix0, iy0, nx, ny, lookup, ix, iy, np.asarray(lon), np.asarray(lat), geojson, graph
    )


_GRID_COLUMNS = ["cell_x", "cell_y", "lon", "lat", "count", "z", "p", "confidence", "cls"]


def hotspots_grid(
    lon: np.ndarray,
    lat: np.ndarray,
    weights: np.ndarray | None,
    outline,
    cell_m: float = 250.0,
) -> pd.DataFrame:
    """Gi* over a `cell_m` grid in SWEREF 99 TM covering `outline` (WGS 84 polygon).

    The study area is every cell whose centre lies inside the outline, empty cells
    included: Gi* compares each cell's neighbourhood with the whole study area, so
    leaving out empty cells would hide every hotspot. Points outside the study area
    (or without coordinates) are ignored. `weights` (e.g. the events a row represents)
    default to 1 per point; count is an integer without weights, a float with them.
    One row per cell with count > 0 or cls != 0: cell_x, cell_y (lower-left corner,
    SWEREF 99 TM), lon, lat (centre), count, z, p, confidence, cls, geometry (GeoJSON)."""
    lat_ = _lattice(shapely.to_wkb(outline), float(cell_m))
    lon = np.asarray(lon, dtype=float).ravel()
    lat = np.asarray(lat, dtype=float).ravel()
    ok = np.isfinite(lon) & np.isfinite(lat)
    w = None
    if weights is not None:
        w = np.asarray(weights, dtype=float).ravel()
        ok &= np.isfinite(w)
    lon, lat = lon[ok], lat[ok]

    # Vectorised binning: one projection call, integer cell indices, a lookup into the
    # study area and a bincount. No Python loop ever touches a point.
    x, y = geo.transformer(geo.WGS84, geo.SWEREF99TM).transform(lon, lat)
    gx = np.floor(np.asarray(x) / cell_m).astype(np.int64) - lat_.ix0
    gy = np.floor(np.asarray(y) / cell_m).astype(np.int64) - lat_.iy0
    in_box = (gx >= 0) & (gx < lat_.nx) & (gy >= 0) & (gy < lat_.ny)
    cell = np.full(gx.size, -1, dtype=np.int64)
    cell[in_box] = lat_.lookup[gy[in_box] * lat_.nx + gx[in_box]]
    inside = cell >= 0
    n_cells = lat_.ix.size
    if w is None:
        counts = np.bincount(cell[inside], minlength=n_cells)
    else:
        counts = np.bincount(cell[inside], weights=w[ok][inside], minlength=n_cells)

    result = gi_star(counts, lat_.graph)
    keep = (counts > 0) | (result["cls"].to_numpy() != 0)
    frame = pd.DataFrame(
        {
            "cell_x": lat_.ix[keep] * float(cell_m),
            "cell_y": lat_.iy[keep] * float(cell_m),
            "lon": lat_.lon[keep],
            "lat": lat_.lat[keep],
            "count": counts[keep],
        }
    )
    for col in ("z", "p", "confidence", "cls"):
        frame[col] = result[col].to_numpy()[keep]
    frame["geometry"] = lat_.geojson[keep]
    return frame[[*_GRID_COLUMNS, "geometry"]]


# Cell offsets (x, y, time) to compare for `linked_components`: half of the neighbourhood
# (the other half is the same pairs seen from the other cell), without the corners that
# are always farther apart than the distance.
_LINK_OFFSETS = tuple(
    (a, b, c)
    for a in range(-2, 3)
    for b in range(-2, 3)
    for c in (-1, 0, 1)
    if (a, b, c) > (0, 0, 0) and not (abs(a) == 2 and abs(b) == 2)
)


def _blocks(n: int, first: int = 8, most: int = 256):
    """(start, size) blocks over `n` items, doubling from `first` to `most`."""
    k, size = 0, first
    while k < n:
        yield k, size
        k, size = k + size, min(size * 2, most)


def linked_components(xy: np.ndarray, t: np.ndarray, distance: float, window: float) -> np.ndarray:
    """Single-linkage clusters: component labels (0, 1, … in order of each component's
    first point) of the graph linking two points within `distance` (Euclidean, in `xy`'s
    unit) and `window` (in `t`'s unit) of each other.

    The pairs are never listed: at a city's worth of events a month (150 000 in 28 days
    at 10 000 000 events in five years) there are hundreds of millions of them. Points
    are put in cells of side distance/√2 by `window`, so all points of one cell are linked
    to each other; cells are joined by union–find, and two neighbouring cells are compared
    point by point only while they are still apart — in dense data almost never."""
    n = len(t)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    xy = np.asarray(xy, dtype=float)
    t = np.asarray(t, dtype=float)
    if not distance > 0 or window < 0:
        raise ValueError("the distance must be positive and the window not negative")
    side = distance / np.sqrt(2.0)
    cx = np.floor((xy[:, 0] - xy[:, 0].min()) / side)
    cy = np.floor((xy[:, 1] - xy[:, 1].min()) / side)
    if window > 0:
        ct = np.floor((t - t.min()) / window)
        time_offsets = (-1, 0, 1)
    else:  # only the same moment links: one cell per moment
        ct = np.unique(t, return_inverse=True)[1].astype(float)
        time_offsets = (0,)
    # Padded so that a neighbour's code never wraps onto another cell.
    ny, nt = int(cy.max()) + 5, int(ct.max()) + 3
    code = ((cx.astype(np.int64) + 2) * ny + cy.astype(np.int64) + 2) * nt + ct.astype(np.int64) + 1
    cells, cell_of = np.unique(code, return_inverse=True)
    order = np.argsort(cell_of, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(cell_of, minlength=len(cells)))])
    points = np.column_stack([xy, t])[order]
    parent = np.arange(len(cells))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def roots(ix: np.ndarray) -> np.ndarray:
        r = parent[ix]
        while True:
            up = parent[r]
            if np.array_equal(up, r):
                return r
            r = up

    def linked(i: int, j: int) -> bool:
        a = points[bounds[i] : bounds[i + 1]]
        b = points[bounds[j] : bounds[j + 1]]
        # Small blocks first: in a dense cell the first few points nearly always link.
        for k, size in _blocks(len(a)):
            part = a[k : k + size]
            near = np.hypot(part[:, None, 0] - b[None, :, 0], part[:, None, 1] - b[None, :, 1])
            close = np.abs(part[:, None, 2] - b[None, :, 2]) <= window
            if ((near <= distance) & close).any():
                return True
        return False

    for a, b, c in _LINK_OFFSETS:
        if c not in time_offsets:
            continue
        target = cells + (a * ny + b) * nt + c
        j = np.searchsorted(cells, target)
        hit = j < len(cells)
        hit[hit] = cells[j[hit]] == target[hit]
        i, j = np.flatnonzero(hit), j[hit]
        apart = roots(i) != roots(j)
        for ci, cj in zip(i[apart].tolist(), j[apart].tolist()):
            ri, rj = find(ci), find(cj)
            if ri != rj and linked(ci, cj):
                parent[max(ri, rj)] = min(ri, rj)
    root = roots(np.arange(len(cells)))[cell_of]
    # Labels in order of each component's first point (as scipy's connected_components).
    _, first = np.unique(root, return_index=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[np.searchsorted(np.unique(root), root)]


# ---------------------------------------------------------------------------
# Near-repeat early warning
# ---------------------------------------------------------------------------

_NEAR_REPEAT_COLUMNS = ["area_code", "category", "first", "last", "events", "expected", "p"]


def near_repeats(
    events: pd.DataFrame,
    baseline_rate: pd.Series,
    window_days: int = 14,
    distance_m: float = 500.0,
    min_events: int = 2,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Clusters of same-category events close in space and time that the area's usual
    level does not explain.

    `events`: id, occurred_at, category, x, y (SWEREF 99 TM; rows without a point are
    ignored), area_code, n (default 1). `baseline_rate`: events per day per km², indexed
    by (area_code, category); a missing entry means none in the baseline year (rate 0).
    Events are linked when within `window_days` days and `distance_m` metres of each
    other; clusters are the linked chains (single linkage). A cluster of ≥ `min_events`
    is tested against λ = rate × π r² × window_days (the usual count in one circle of
    radius r over one window), taking the rate of the area holding most of its events;
    p = P(X ≥ observed | Poisson(λ)). Flagged clusters only, newest first."""
    from scipy.stats import poisson

    empty = pd.DataFrame(
        {
            "area_code": pd.Series(dtype=object),
            "category": pd.Series(dtype=object),
            "first": pd.Series(dtype="datetime64[ns]"),
            "last": pd.Series(dtype="datetime64[ns]"),
            "events": pd.Series(dtype=float),
            "expected": pd.Series(dtype=float),
            "p": pd.Series(dtype=float),
        }
    )
    if events is None or events.empty:
        return empty
    ev = events.copy()
    ev["n"] = pd.to_numeric(ev["n"], errors="coerce").fillna(1.0) if "n" in ev else 1.0
    ev = ev[np.isfinite(ev["x"].astype(float)) & np.isfinite(ev["y"].astype(float))]
    ev = ev.dropna(subset=["occurred_at"])
    if ev.empty:
        return empty
    when = pd.to_datetime(ev["occurred_at"])
    days = ((when - when.min()) / pd.Timedelta(days=1)).to_numpy(dtype=float)
    ev = ev.assign(_days=days, _when=when)
    area_km2 = np.pi * (distance_m / 1000.0) ** 2

    rows = []
    for category, group in ev.groupby("category", sort=False):
        xy = group[["x", "y"]].to_numpy(dtype=float)
        label = linked_components(xy, group["_days"].to_numpy(), distance_m, window_days)
        group = group.assign(_cluster=label)
        for _, cl in group.groupby("_cluster", sort=False):
            observed = float(cl["n"].sum())
            if observed < min_events:
                continue
            by_area = cl.groupby("area_code", dropna=False, sort=False)["n"].sum()
            area = by_area.idxmax() if not by_area.empty else None
            rate = float(baseline_rate.get((area, category), 0.0))
            if not np.isfinite(rate):
                rate = 0.0
            expected = rate * area_km2 * window_days
            # P(X ≥ k) = sf(k − 1); counts may be fractional sums of n, so round up.
            p = float(poisson.sf(np.ceil(observed) - 1, expected))
            if p < alpha:
                rows.append(
                    (area, category, cl["_when"].min(), cl["_when"].max(), observed, expected, p)
                )
    if not rows:
        return empty
    out = pd.DataFrame(rows, columns=_NEAR_REPEAT_COLUMNS)
    return out.sort_values("last", ascending=False, kind="stable").reset_index(drop=True)


# --- Survey proportions and targets ------------------------------------------------------


def proportion_interval(successes, n, z: float = 1.959964) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score 95 % interval for a proportion, in percent (vectorised).

    Wilson rather than the normal approximation: survey samples by area are small and
    shares near 0 or 100 % are common, where the normal interval leaves [0, 100]."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    low = np.where(n > 0, (centre - half) * 100, np.nan)
    high = np.where(n > 0, (centre + half) * 100, np.nan)
    return low, high


def target_status(
    value: float | None,
    target: float | None,
    better: str,
    year_fraction: float = 1.0,
    kind: str = "count",
) -> str | None:
    """`on_track`, `behind` or None (no target or no value).

    A yearly target for a count is compared pro rata with the part of the year that has
    passed; a value (a median, a share) is compared with the target as it stands."""
    if target is None or value is None or pd.isna(target) or pd.isna(value):
        return None
    goal = target * year_fraction if kind == "count" else target
    if better == "lower":
        return "on_track" if value <= goal else "behind"
    return "on_track" if value >= goal else "behind"


def target_text(status: str | None, lang: str = "sv") -> str:
    return {
        ("on_track", "sv"): "I fas med målet",
        ("behind", "sv"): "Efter målet",
        ("on_track", "en"): "On track",
        ("behind", "en"): "Behind target",
    }.get((status, "en" if lang == "en" else "sv"), "")


# --- Similar areas ---------------------------------------------------------------------

STRUCTURAL_INDICATORS = (
    "employment_rate_16_64",
    "share_low_economic_standard",
    "share_rental_dwellings",
    "share_post_secondary_25_64",
)


def similar_areas(features: pd.DataFrame, code: str, k: int = 5) -> pd.DataFrame:
    """The `k` areas nearest to `code` on standardised structural indicators.

    `features` is indexed by area code with one column per indicator. Each column is turned
    into z-scores (so a percentage point of employment weighs like one of low income) and
    areas are ranked by Euclidean distance; areas missing a value are left out."""
    data = features.dropna()
    if code not in data.index or len(data) < 2:
        return pd.DataFrame(columns=["code", "distance"])
    std = data.std(ddof=0).replace(0, 1)
    z = (data - data.mean()) / std
    distance = np.sqrt(((z - z.loc[code]) ** 2).sum(axis=1)).drop(index=code)
    nearest = distance.sort_values(kind="stable").head(k)
    return pd.DataFrame({"code": nearest.index, "distance": nearest.to_numpy()})
