"""The only st.cache_* in the app. Every function is keyed on the store version and
explicit arguments (never on frames) and applies `pax.privacy` before returning, so no
unprotected figure is ever cached or drawn."""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd
import shapely
import streamlit as st

from pax import config, i18n, privacy, published, queries, stats, store
from ui import state

PROTECTED_UNITS = {"antal", "personer"}


def _localized(function):
    """Protected labels (`1 234`, `<3`, `≈170`) leave the caches in Swedish format; a public
    function marked with this decorator returns them in the viewer's number format."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return i18n.localize_labels(function(*args, **kwargs), state.lang())

    return wrapper


def version() -> str:
    return store.version()


def ready() -> bool:
    return config.store_path().exists()


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(store_version: str):
    return store.connect()


def _con():
    return _connection(version())


def _policy() -> privacy.Policy:
    return privacy.Policy.from_config()


def _event_policy(store_version: str) -> privacy.Policy:
    """The policy of event counts: exact where every event in the store is from a source
    that publishes each record openly (`privacy.for_records`)."""
    return privacy.for_records(_policy(), _register_sources(store_version, "events"))


@st.cache_data(max_entries=4, show_spinner=False)
def _info(store_version: str) -> dict:
    con = _connection(store_version)
    info = queries.build_info(con)
    first, last = queries.events_range(con)
    info["events_first"], info["events_last"] = first, last
    return info


def info() -> dict:
    return _info(version())


def mode() -> str:
    """The store's mode (`demo` or `live`); a store from before the modes held the demo."""
    return info().get("mode", "demo")


def fictional() -> bool:
    """True when the store holds a fictional source (the demo): the notice is shown."""
    return bool(sources()["fictional"].any())


@st.cache_data(max_entries=8, show_spinner=False)
def _register_sources(store_version: str, table: str) -> list[str]:
    return queries.register_sources(_connection(store_version), table)


@st.cache_data(max_entries=4, show_spinner=False)
def _events_in_areas(store_version: str) -> int:
    return queries.events_in_areas(_connection(store_version))


def events_in_areas() -> int:
    return _events_in_areas(version())


@st.cache_data(max_entries=8, show_spinner=False)
def _unit_values(store_version: str, indicator: str) -> pd.DataFrame:
    return queries.unit_values(_connection(store_version), indicator)


def unit_values(indicator: str) -> pd.DataFrame:
    """An indicator's latest value per Kolada unit (school), with its name."""
    return _unit_values(version(), indicator)


def event_sources() -> list[str]:
    """The sources of the events in the store (for the source lines under every figure)."""
    return _register_sources(version(), "events")


def intervention_sources() -> list[str]:
    return _register_sources(version(), "interventions")


def as_of() -> dt.date:
    """The last day with data: every period on the pages ends here."""
    data = info()
    days = [d for d in (data.get("events_last"),) if d]
    if data.get("demo_end"):
        days.append(dt.date.fromisoformat(data["demo_end"]))
    return max(days) if days else dt.date.today()


@st.cache_data(max_entries=4, show_spinner=False)
def _catalog(store_version: str) -> pd.DataFrame:
    return queries.catalog(_connection(store_version))


def catalog() -> pd.DataFrame:
    return _catalog(version())


@st.cache_resource(max_entries=4, show_spinner=False)
def _indicators(store_version: str) -> dict[str, pd.Series]:
    """The catalogue's rows by id, built once per store (a page asks for dozens)."""
    return {row["id"]: row for _, row in _catalog(store_version).iterrows()}


def indicator(indicator_id: str) -> pd.Series:
    """One catalogue row (a copy of the cached one)."""
    return _indicators(version())[indicator_id].copy()


@st.cache_data(max_entries=4, show_spinner=False)
def _sources(store_version: str) -> pd.DataFrame:
    return queries.sources(_connection(store_version))


def sources() -> pd.DataFrame:
    return _sources(version())


@st.cache_data(max_entries=8, show_spinner=False)
def _areas(store_version: str, level: str) -> pd.DataFrame:
    return queries.areas(_connection(store_version), level)


def areas(level: str) -> pd.DataFrame:
    return _areas(version(), level)


@st.cache_data(max_entries=4, show_spinner=False)
def _police(store_version: str) -> pd.DataFrame:
    return queries.police_status(_connection(store_version))


def police_status() -> pd.DataFrame:
    return _police(version())


@st.cache_data(max_entries=4, show_spinner=False)
def _places(store_version: str) -> pd.DataFrame:
    return queries.places(_connection(store_version))


def places() -> pd.DataFrame:
    return _places(version())


@st.cache_data(max_entries=64, show_spinner=False)
def _window_counts(store_version: str, windows: tuple, categories: tuple | None) -> pd.DataFrame:
    frame = queries.category_window_counts(
        _connection(store_version),
        {name: (s, e) for name, s, e in windows},
        list(categories) if categories else None,
    )
    return privacy.protect_counts(frame, ["count"], _event_policy(store_version))


@_localized
def window_counts(
    windows: dict[str, tuple[dt.date, dt.date]], categories: list[str] | None = None
) -> pd.DataFrame:
    """Protected municipal counts per category and named window."""
    key = tuple((n, s, e) for n, (s, e) in windows.items())
    return _window_counts(version(), key, tuple(categories) if categories else None)


@st.cache_data(max_entries=64, show_spinner=False)
def _area_counts(
    store_version: str, start, end, level: str, categories: tuple | None
) -> pd.DataFrame:
    con = _connection(store_version)
    raw = queries.event_counts(con, start, end, level, None)
    shape = queries.areas(con, level)[
        ["code", "name", "parent_code", "population", "population_year", "geometry"]
    ]
    parts = _category_grid(
        shape[["code", "parent_code"]], raw.rename(columns={"area_code": "code"}), store_version
    )
    # The municipal total (CompStat, tiles) and, for DeSO, each RegSO's count (the RegSO
    # map) are shown elsewhere: both are margins of this table.
    margins = [[], ["parent_code"]] if level == "deso" else [[]]
    chosen = list(categories) if categories else None
    if level == "deso" and chosen and len(chosen) == 1 and parts["category"].nunique() > 1:
        # One category per DeSO: the table with DeSO, RegSO and category totals is too large
        # to check in page time (a minute) and too sparse to show anything; all hidden.
        shown = parts.drop_duplicates("code")[["code", "parent_code"]].assign(
            count=pd.Series(pd.NA, dtype="Float64"),
            count_suppressed=True,
            count_label=privacy.HIDDEN,
        )
    else:
        shown = privacy.protect_category_sum(
            parts, ["code"], chosen, _event_policy(store_version), margins
        )
    frame = shape.drop(columns="parent_code").merge(
        shown.drop(columns="parent_code"), on="code", how="left"
    )
    policy = _event_policy(store_version)
    allowed = privacy.rate_allowed(frame["population"], policy)
    rate = frame["count"].astype(float) / frame["population"].astype(float) * 1000
    frame["rate_per_1000"] = rate.where(allowed).astype(float)
    return frame


def _category_grid(cells: pd.DataFrame, raw: pd.DataFrame, store_version: str) -> pd.DataFrame:
    return published.category_grid(cells, raw, _categories(store_version)["id"].tolist())


@_localized
def area_counts(
    start: dt.date, end: dt.date, level: str, categories: list[str] | None = None
) -> pd.DataFrame:
    """Protected event counts (and rates per 1 000) per area, with geometry."""
    return _area_counts(version(), start, end, level, tuple(categories) if categories else None)


@st.cache_data(max_entries=32, show_spinner=False)
def _heat(store_version: str, start, end, categories: tuple | None, role: str) -> pd.DataFrame:
    points = queries.event_points(
        _connection(store_version), start, end, list(categories) if categories else None
    )
    return privacy.locations_for_role(points, role, policy=_event_policy(store_version))


def heat_points(
    start: dt.date, end: dt.date, categories: list[str] | None, role: str
) -> pd.DataFrame:
    return _heat(version(), start, end, tuple(categories) if categories else None, role)


def _protect_measure(
    frame: pd.DataFrame, indicator_id: str, margins: list[list[str]] | None = None
) -> pd.DataFrame:
    row = indicator(indicator_id)
    if _published(indicator_id):
        frame = _keyless(frame)  # official statistics: shown as published, not perturbed
    if row["kind"] == "count" and row["unit"] in PROTECTED_UNITS and not frame.empty:
        frame = privacy.protect_counts(frame, ["value"], _policy(), margins=margins)
    return _keyless(frame)


def _published(indicator_id: str) -> bool:
    """Whether an indicator's source is official statistics (`privacy.OFFICIAL_PUBLISHERS`)."""
    src = sources().set_index("id")
    source_id = indicator(indicator_id)["source_id"]
    if source_id not in src.index:
        return False
    return privacy.is_official_statistics(
        src.at[source_id, "publisher"], bool(src.at[source_id, "fictional"])
    )


def _keyless(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without cell keys (they choose the perturbation and never leave)."""
    return frame.drop(columns=[c for c in frame.columns if c.endswith(privacy.KEY)])


@st.cache_data(max_entries=128, show_spinner=False)
def _measure_values(
    store_version: str,
    indicator_id: str,
    level: str | None,
    codes: tuple | None,
    breakdown: str | None,
) -> pd.DataFrame:
    frame = queries.measure_values(
        _connection(store_version), indicator_id, level, list(codes) if codes else None, breakdown
    )
    return _protect_measure(frame, indicator_id)


@_localized
def measure_values(
    indicator_id: str,
    level: str | None = None,
    codes: list[str] | None = None,
    breakdown: str | None = "",
) -> pd.DataFrame:
    return _measure_values(
        version(), indicator_id, level, tuple(codes) if codes else None, breakdown
    )


@_localized
def measure_latest(indicator_id: str, level: str) -> pd.DataFrame:
    frame = measure_values(indicator_id, level)
    if frame.empty:
        return frame
    return frame[frame["period"] == frame["period"].max()].reset_index(drop=True)


@st.cache_data(max_entries=64, show_spinner=False)
def _by_breakdown(store_version: str, indicator_id: str, start, end) -> tuple:
    """(cells: month × breakdown, totals: one row per month), protected together."""
    frame = queries.measure_by_breakdown(_connection(store_version), indicator_id, start, end)
    keys = ["period", "period_start"]
    if _published(indicator_id):
        frame = _keyless(frame)  # official statistics: shown as published
    summed = {"value": ("value", lambda v: v.sum(min_count=1))}
    if "value_key" in frame:
        summed["value_key"] = ("value_key", privacy.combine_keys)
    totals = frame.groupby(keys, as_index=False).agg(**summed)
    if frame.empty:
        return _keyless(frame), _keyless(totals)
    # Year to date (tiles) and the same months a year earlier (their change) are shown
    # as totals of the months: margins.
    first = pd.to_datetime(totals["period_start"])
    block = pd.Series(pd.NA, index=totals.index, dtype=object)
    block[first.dt.year == end.year] = "now"
    block[(first.dt.year == end.year - 1) & (first.dt.month <= end.month)] = "before"
    totals = _protect_measure(totals.assign(ytd=block), indicator_id, [["ytd"]])
    if "value_suppressed" not in totals:
        return _keyless(frame), totals.drop(columns="ytd")
    # Each month's total is shown (Pax actions, sparklines) beside its breakdowns (the
    # departments, any of which can be chosen): one month × breakdown table, protected with
    # row and column passes; a month whose total is hidden has all its breakdowns hidden,
    # so they cannot add up to it.
    grid = totals[[*keys, "ytd"]].merge(
        pd.DataFrame({"category": frame["breakdown"].dropna().unique()}), how="cross"
    )
    grid = grid.merge(
        frame.rename(columns={"breakdown": "category"}), on=[*keys, "category"], how="left"
    )
    present = grid["value"].notna()
    grid["value"] = grid["value"].fillna(0.0)
    if "value_key" in grid:
        grid["value_key"] = grid["value_key"].fillna(0).astype("int64")
    start_hidden = grid["period"].isin(totals.loc[totals["value_suppressed"], "period"])
    cube = privacy.protect_cube(
        grid, ["period"], _policy(), [["ytd"]], "value", start=start_hidden.to_numpy()
    )
    cells = cube[present.to_numpy()].rename(columns={"category": "breakdown"})
    return cells.drop(columns="ytd").reset_index(drop=True), totals.drop(columns="ytd")


@_localized
def measure_by_breakdown(indicator_id: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Monthly values per breakdown (department), protected with the months' totals."""
    return _by_breakdown(version(), indicator_id, start, end)[0]


@_localized
def measure_monthly(indicator_id: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Monthly totals over every breakdown, protected (never a sum of protected parts)."""
    return _by_breakdown(version(), indicator_id, start, end)[1]


@st.cache_data(max_entries=8, show_spinner=False)
def _interventions(store_version: str, day) -> pd.DataFrame:
    return queries.interventions(_connection(store_version), day)


def interventions(day: dt.date | None = None) -> pd.DataFrame:
    return _interventions(version(), day)


def privacy_policy() -> privacy.Policy:
    return _policy()


@st.cache_data(max_entries=4, show_spinner=False)
def _categories(store_version: str) -> pd.DataFrame:
    return queries.categories(_connection(store_version))


def categories() -> pd.DataFrame:
    return _categories(version())


def clear() -> None:
    """Forget every cached figure (after an import changed the store)."""
    st.cache_data.clear()
    st.cache_resource.clear()


@st.cache_data(max_entries=128, show_spinner=False)
def _measure_total(store_version: str, indicator_id: str, start, end, statistic: str):
    value, key = queries.measure_total(
        _connection(store_version), indicator_id, start, end, statistic=statistic
    )
    row = indicator(indicator_id)
    if statistic == "sum" and row["kind"] == "count" and row["unit"] in PROTECTED_UNITS:
        frame = pd.DataFrame(
            {"v": [value], **({} if _published(indicator_id) else {"v_key": [key]})}
        )
        shown = privacy.protect_counts(frame, ["v"], _policy())
        return shown["v"].iloc[0], shown["v_label"].iloc[0]
    return value, None


@_localized
def measure_total(
    indicator_id: str, start: dt.date, end: dt.date, statistic: str = "sum"
) -> tuple[float | None, str | None]:
    """A protected total (or median) over a window, with its label when it was protected."""
    value, label = _measure_total(version(), indicator_id, start, end, statistic)
    return (None if value is None or pd.isna(value) else float(value)), label


# --- Här och nu -------------------------------------------------------------------------


@st.cache_data(max_entries=16, show_spinner=False)
def _selection(store_version: str, areas: tuple, police_listed: bool) -> tuple | None:
    con = _connection(store_version)
    codes = list(areas)
    if police_listed:
        codes += queries.police_status(con)["area_code"].tolist()
    return tuple(queries.area_children(con, codes)) if codes else None


def selection(areas: list[str], police_listed: bool) -> list[str] | None:
    """The DeSO and RegSO codes an area filter stands for (None = the whole municipality)."""
    result = _selection(version(), tuple(sorted(areas)), police_listed)
    return list(result) if result else None


@st.cache_data(max_entries=64, show_spinner=False)
def _compstat(store_version: str, end, categories: tuple | None, areas: tuple | None):
    con = _connection(store_version)
    policy = _event_policy(store_version)
    rows = []
    population = _selection_population(con, areas)
    for window in stats.compstat_windows(end):
        now = queries.category_counts(con, window.start, window.end, categories, areas)
        before = queries.category_counts(con, window.prev_start, window.prev_end, categories, areas)
        merged = pd.merge(now, before, on="category", how="outer", suffixes=("_now", "_before"))
        days_now = (window.end - window.start).days + 1
        days_before = (window.prev_end - window.prev_start).days + 1
        for cat in categories or merged["category"].tolist():
            hit = merged[merged["category"] == cat]
            rows.append(
                {
                    "category": cat,
                    "window": window.name,
                    "now": int(hit["count_now"].fillna(0).sum()),
                    "before": int(hit["count_before"].fillna(0).sum()),
                    "now_key": privacy.combine_keys(hit["count_key_now"]),
                    "before_key": privacy.combine_keys(hit["count_key_before"]),
                    "ratio": days_now / days_before,
                }
            )
    order = {"week": 0, "28d": 1, "ytd": 2}
    frame = pd.DataFrame(rows)
    frame = frame.sort_values(
        ["category", "window"],
        key=lambda s: s.map(order).fillna(s) if s.name == "window" else s,
        kind="stable",
    ).reset_index(drop=True)
    # Per window, the categories add up to a total shown on the map, the weekday grid and
    # the tiles for the same days: that total is a margin of each column.
    frame = privacy.protect_change(frame, "now", "before", policy, margins=[["window"]])
    hidden = frame["now_suppressed"] | frame["before_suppressed"]
    # Verdict, p and rate come from the published (perturbed) counts, and only where both
    # are shown: from the true counts, or beside a hidden one, they would hint at them.
    tests = [
        (stats.change_verdict(int(a), int(b), r), stats.poisson_test(int(a), int(b), r))
        if not h
        else (None, None)
        for a, b, r, h in zip(frame["now"], frame["before"], frame["ratio"], hidden)
    ]
    frame["verdict"] = [v for v, _ in tests]
    frame["p"] = pd.Series([p for _, p in tests], dtype=float)
    frame["rate_now"] = frame["now"].astype(float) / population * 1000 if population else None
    if population is None or population < policy.min_population_for_rate:
        frame["rate_now"] = None
    return frame.drop(columns="ratio")


def _selection_population(con, areas: tuple | None) -> float | None:
    regso = queries.areas(con, "regso")
    deso = queries.areas(con, "deso")
    if not areas:
        return float(regso["population"].sum())
    chosen_regso = regso[regso["code"].isin(areas)]
    chosen_deso = deso[deso["code"].isin(areas) & ~deso["parent_code"].isin(chosen_regso["code"])]
    total = chosen_regso["population"].sum() + chosen_deso["population"].sum()
    return float(total) if total else None


@_localized
def compstat(end: dt.date, categories: list[str], areas: list[str] | None) -> pd.DataFrame:
    """CompStat rows (category × window) with protected counts, difference, %, verdict."""
    return _compstat(
        version(), end, tuple(categories) if categories else None, tuple(areas) if areas else None
    )


@st.cache_data(max_entries=32, show_spinner=False)
def _hot_areas(store_version: str, start, end, level: str, categories: tuple | None):
    con = _connection(store_version)
    raw = queries.event_counts(con, start, end, level, list(categories) if categories else None)
    shapes = queries.areas(con, level)
    counts = shapes["code"].map(raw.groupby("area_code")["count"].sum()).fillna(0)
    geoms = [shapely.from_geojson(g) for g in shapes["geometry"]]
    result = stats.hotspots_areas(shapes["code"].tolist(), geoms, counts.to_numpy(dtype=float))
    result = result.merge(shapes[["code", "name", "geometry"]], on="code")
    return result.drop(columns=["value"])  # classes only: no raw count leaves this function


def hot_areas(start: dt.date, end: dt.date, level: str, categories: list[str]) -> pd.DataFrame:
    return _hot_areas(version(), start, end, level, tuple(categories) if categories else None)


@st.cache_data(max_entries=32, show_spinner=False)
def _hot_grid(store_version: str, start, end, categories: tuple | None, role: str):
    if privacy.precision_for(role) == "area":
        return pd.DataFrame()
    con = _connection(store_version)
    points = queries.located_events(con, start, end, list(categories) if categories else None)
    outline = shapely.from_geojson(queries.areas(con, "kommun")["geometry"].iloc[0])
    cells = stats.hotspots_grid(
        points["lon"].to_numpy(),
        points["lat"].to_numpy(),
        points["n"].to_numpy(dtype=float),
        outline,
        privacy.GRID_M,
    )
    return cells.drop(columns=["count"])  # the grid's counts are not shown


def hot_grid(start: dt.date, end: dt.date, categories: list[str], role: str) -> pd.DataFrame:
    """Gi* on a 250 m grid, for roles that may see grid precision (empty for the public)."""
    return _hot_grid(version(), start, end, tuple(categories) if categories else None, role)


@st.cache_data(max_entries=16, show_spinner=False)
def _presence(store_version: str, start, end) -> pd.DataFrame:
    con = _connection(store_version)
    frame = queries.interventions(con)
    active = frame[
        (frame["start_date"] <= end) & (frame["end_date"].isna() | (frame["end_date"] >= start))
    ].copy()
    centroids = {}
    for level in ("deso", "regso"):
        for code, geometry in queries.areas(con, level)[["code", "geometry"]].itertuples(
            index=False
        ):
            point = shapely.from_geojson(geometry).representative_point()
            centroids[code] = (point.y, point.x)
    missing = active["lat"].isna()
    active.loc[missing, "lat"] = active.loc[missing, "area_code"].map(
        lambda c: centroids.get(c, (None, None))[0]
    )
    active.loc[missing, "lon"] = active.loc[missing, "area_code"].map(
        lambda c: centroids.get(c, (None, None))[1]
    )
    # Owner and other free text from the source are dropped here: only our own labels leave.
    return active[
        ["type", "area_code", "area_name", "lat", "lon", "start_date", "end_date", "source_id"]
    ].reset_index(drop=True)


def presence(start: dt.date, end: dt.date) -> pd.DataFrame:
    return _presence(version(), start, end)


@st.cache_data(max_entries=32, show_spinner=False)
def _weekday_hour(store_version: str, start, end, categories: tuple | None, areas: tuple | None):
    raw = queries.weekday_hour_counts(
        _connection(store_version),
        start,
        end,
        None,  # every category: the one-category view needs the whole table
        list(areas) if areas else None,
        by_category=True,
    )
    keys = ["weekday", "hour"]
    cells = pd.MultiIndex.from_product([range(1, 8), range(0, 24, 3)], names=keys).to_frame(
        index=False
    )
    parts = _category_grid(cells, raw, store_version)
    # The cells add up to the period's total (CompStat, map): a margin.
    shown = privacy.protect_category_sum(
        parts, keys, list(categories) if categories else None, _event_policy(store_version), [[]]
    )
    return shown[shown["count"].isna() | (shown["count"] > 0)].reset_index(drop=True)


@_localized
def weekday_hour(start: dt.date, end: dt.date, categories: list[str], areas: list[str] | None):
    return _weekday_hour(
        version(),
        start,
        end,
        tuple(categories) if categories else None,
        tuple(areas) if areas else None,
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _near_repeats(
    store_version: str, end, categories: tuple | None, areas: tuple | None, role: str
):
    return published.near_repeats(
        _connection(store_version),
        _event_policy(store_version),
        end,
        list(categories) if categories else None,
        list(areas) if areas else None,
        role,
    )


@_localized
def near_repeats(
    end: dt.date, categories: list[str], areas: list[str] | None, role: str
) -> pd.DataFrame:
    """Near-repeat clusters in the last 28 days that are unlikely under the usual rate
    (expected count and p for analysts only)."""
    return _near_repeats(
        version(),
        end,
        tuple(categories) if categories else None,
        tuple(areas) if areas else None,
        role,
    )


@st.cache_data(max_entries=32, show_spinner=False)
def _monthly_total(store_version: str, start, end, categories: tuple | None, areas: tuple | None):
    return published.monthly_trend(
        _connection(store_version),
        _event_policy(store_version),
        start,
        end,
        list(categories) if categories else None,
        list(areas) if areas else None,
    )


@_localized
def monthly_total(start: dt.date, end: dt.date, categories: list[str], areas: list[str] | None):
    """Monthly events of the chosen categories (protected) with the 12-month rolling mean
    of the published months, and what may be said of the last 12 months and the 12 before
    (`published.MonthSum`)."""
    return _monthly_total(
        version(),
        start,
        end,
        tuple(categories) if categories else None,
        tuple(areas) if areas else None,
    )


# --- Förtroende -------------------------------------------------------------------------


@st.cache_data(max_entries=64, show_spinner=False)
def _survey(
    store_version: str, indicator_id: str, level: str | None, codes: tuple | None, lang: str
):
    frame = queries.measure_values(
        _connection(store_version), indicator_id, level, list(codes) if codes else None
    )
    if frame.empty:
        return frame
    return privacy.protect_survey(_keyless(frame), _policy(), lang)


def survey(
    indicator_id: str, level: str | None = None, codes: list[str] | None = None, lang: str = "sv"
) -> pd.DataFrame:
    """Survey shares with their 95 % interval; small samples hidden with the reason."""
    return _survey(version(), indicator_id, level, tuple(codes) if codes else None, lang)


# --- Social hållbarhet ------------------------------------------------------------------


@st.cache_data(max_entries=16, show_spinner=False)
def _similar(store_version: str, level: str, code: str, mode: str, k: int) -> pd.DataFrame:
    con = _connection(store_version)
    if mode == "status":
        status = queries.police_status(con)
        listed = status[status["level"] == level]
        mine = listed[listed["area_code"] == code]["status"]
        shapes = queries.areas(con, level)
        if mine.empty:
            same = shapes[~shapes["code"].isin(listed["area_code"])]["code"]
        else:
            same = listed[listed["status"] == mine.iloc[0]]["area_code"]
        return pd.DataFrame({"code": [c for c in same if c != code], "distance": None})
    columns = {}
    for indicator_id in stats.STRUCTURAL_INDICATORS:
        frame = queries.measure_values(con, indicator_id, level)
        if frame.empty:
            continue
        latest = frame[frame["period"] == frame["period"].max()]
        columns[indicator_id] = latest.set_index("area_code")["value"]
    return stats.similar_areas(pd.DataFrame(columns), code, k)


def similar(level: str, code: str, mode: str = "structure", k: int = 5) -> pd.DataFrame:
    """Areas like `code`: the same police status (`status`) or nearest on structure."""
    return _similar(version(), level, code, mode, k)


# --- Översikt: since the last meeting -----------------------------------------------------


@st.cache_data(max_entries=16, show_spinner=False)
def _since(store_version: str, since, end, lang: str) -> list:
    return published.since_last_meeting(_connection(store_version), _policy(), since, end, lang)


def since_last_meeting(since: dt.date, end: dt.date, lang: str = "sv") -> list:
    """The three to five changes since `since` that are beyond normal variation."""
    return _since(version(), since, end, lang)


@st.cache_data(max_entries=64, show_spinner=False)
def _events_total(store_version: str, start, end, categories: tuple | None):
    raw = queries.category_counts(
        _connection(store_version), start, end, list(categories) if categories else None
    )
    total = float(raw["count"].sum()) if not raw.empty else 0.0
    policy = _event_policy(store_version)
    frame = pd.DataFrame({"n": [total], "n_key": [privacy.combine_keys(raw["count_key"])]})
    shown = privacy.protect_counts(frame, ["n"], policy)
    value = shown["n"].iloc[0]
    if len(categories or ()) != 1 and privacy.is_small(raw["count"], policy.k).any():
        # Each category's count is shown on its own (CompStat): a sum holding a hidden
        # one would give it back by subtraction.
        return None, privacy.HIDDEN
    return (None if pd.isna(value) else float(value)), shown["n_label"].iloc[0]


@_localized
def events_total(start: dt.date, end: dt.date, categories: list[str] | None):
    """Municipal events of some categories in [start, end], summed raw, protected once:
    (value or None when hidden, label)."""
    return _events_total(version(), start, end, tuple(categories) if categories else None)
