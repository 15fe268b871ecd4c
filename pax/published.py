"""Views a viewer may see, computed from the store and protected here, Streamlit-free.

Each function takes a connection and a `privacy.Policy` and returns only what may be shown.
Beside each view stands the rule for its *derived* figures (README, *Privacy*; issue 14):
a derived figure — a rolling mean, a 12-month sum, a difference, a percentage, a test —
is either

- **computed from published figures only** (the shown, perturbed counts, never the true
  ones), so it tells nothing the published figures do not already tell; or
- **registered as a margin** of the table it derives from, so that the suppression's
  attacker sees it.

`ui/cached.py` caches these functions; the attacker tests (`tests/unit/attacker.py`) run
them in plain pytest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pax import geo, privacy, queries, stats

ROLLING_MONTHS = 12
TREND_YEARS = 3  # the monthly trend on Här och nu, Områden and the briefing


def trend_start(end: dt.date) -> dt.date:
    """The first month of the monthly trend ending at `end`: the same month three years
    earlier (36 or 37 months, so the rolling mean has two full years)."""
    return dt.date(end.year - TREND_YEARS, end.month, 1)


ROLLING_DECIMALS = 1  # the rolling mean is shown, and downloaded, with one decimal


def category_grid(cells: pd.DataFrame, raw: pd.DataFrame, categories: list[str]) -> pd.DataFrame:
    """Every cell (the rows of `cells`: their keys and margin columns) × every category
    (`categories` and any in `raw`), with the raw count (zero where none): the table
    `privacy.protect_category_sum` protects. `raw` has the cells' key columns, `category`
    and `count` (and `count_key`)."""
    every = pd.DataFrame({"category": list(categories)})
    every = pd.concat([every, raw[["category"]]]).drop_duplicates()
    keys = [c for c in raw.columns if c in cells.columns]
    grid = cells.drop_duplicates(keys).merge(every, how="cross")
    summed = ["count", *(["count_key"] if "count_key" in raw else [])]
    counts = raw.groupby([*keys, "category"], as_index=False)[summed].sum()
    grid = grid.merge(counts, on=[*keys, "category"], how="left")
    if "count_key" in grid:  # a cell's key: its records' keys summed (modulo)
        grid["count_key"] = grid["count_key"].fillna(0).astype("int64") % privacy.KEY_MODULUS
    return grid.assign(count=grid["count"].fillna(0).astype(float))


# --- The monthly trend ------------------------------------------------------------------


@dataclass(frozen=True)
class MonthSum:
    """What may be said of the events in a run of months, from the published months only.

    `value`: the sum of the published (perturbed) months when every month is shown, else
    None. `shown`: the sum of the months that are shown; `hidden`: how many are not
    (`<k` or `..`); `months`: how many months the run has (fewer than asked at the start
    of the data)."""

    value: float | None
    shown: float
    hidden: int
    months: int


def month_sum(counts: pd.Series, suppressed: pd.Series) -> MonthSum:
    """The `MonthSum` of published months (`count`, `count_suppressed`)."""
    shown = pd.to_numeric(counts, errors="coerce").astype(float)
    hidden = pd.Series(suppressed, dtype=bool).to_numpy()
    total = float(np.nansum(shown.to_numpy()[~hidden]))
    return MonthSum(None if hidden.any() else total, total, int(hidden.sum()), len(shown))


def rolling_mean(counts: pd.Series, suppressed: pd.Series, months: int = ROLLING_MONTHS):
    """The rolling mean of published months over `months` months, rounded as shown; missing
    where any month in its window is hidden.

    Derived from published figures only: the mean of shown (perturbed) counts is a function
    of what the table shows already, so it adds nothing an attacker could use, and a window
    with a hidden month has no mean (a mean over a hidden month, from true or from rounded
    sums, would bound it: issue 14)."""
    shown = pd.to_numeric(counts, errors="coerce").astype(float)
    shown = shown.where(~pd.Series(suppressed, dtype=bool).to_numpy())
    mean = shown.rolling(months, min_periods=months).mean()  # NaN if any month is hidden
    return mean.round(ROLLING_DECIMALS)


def monthly_trend(
    con,
    policy: privacy.Policy,
    start: dt.date,
    end: dt.date,
    categories: list[str] | None,
    areas: list[str] | None,
) -> tuple[pd.DataFrame, MonthSum, MonthSum]:
    """Monthly events of the chosen categories in the chosen areas, with the rolling
    12-month mean, and what may be said of the last 12 months and the 12 before.

    Margins: this year's months add up to CompStat's year-to-date count (`ytd`); the
    all-categories and one-category views are the fixed groups of
    `privacy.protect_category_sum`. Derived: the rolling mean and the two 12-month sums
    from the published months only (`rolling_mean`, `month_sum`)."""
    raw = queries.monthly_counts(  # every category: the one-category view needs the table
        con, start, end, None, list(areas) if areas else None
    )
    every = queries.categories(con)["id"].tolist()
    return trend_from_counts(raw, every, policy, start, end, categories)


def trend_from_counts(
    raw: pd.DataFrame,
    every: list[str],
    policy: privacy.Policy,
    start: dt.date,
    end: dt.date,
    categories: list[str] | None,
) -> tuple[pd.DataFrame, MonthSum, MonthSum]:
    """`monthly_trend` from the month × category counts (`month`, `category`, `count`,
    `count_key`) of the chosen areas."""
    months = pd.date_range(pd.Timestamp(start).replace(day=1), end, freq="MS").date
    raw = raw.assign(month=pd.to_datetime(raw["month"]).dt.date)
    cells = pd.DataFrame({"month": months})
    cells["ytd"] = pd.Series([m.year == end.year for m in months]).where(lambda s: s, pd.NA)
    parts = category_grid(cells, raw, every)
    frame = privacy.protect_category_sum(
        parts, ["month"], list(categories) if categories else None, policy, [["ytd"]]
    )
    frame = frame.set_index("month").reindex(months).reset_index().drop(columns="ytd")
    frame["rolling"] = rolling_mean(frame["count"], frame["count_suppressed"])
    n = ROLLING_MONTHS
    last = month_sum(frame["count"].iloc[-n:], frame["count_suppressed"].iloc[-n:])
    prior = month_sum(frame["count"].iloc[-2 * n : -n], frame["count_suppressed"].iloc[-2 * n : -n])
    return frame, last, prior


# --- Near-repeat warnings ---------------------------------------------------------------

# The expected count of a near-repeat cluster comes from one DeSO's true count of a
# category over the last year, which no other view shows; with the observed count, p gives
# it back (Poisson tail). Below analyst neither is returned.
NEAR_REPEAT_DETAIL = ("expected", "p")


def near_repeats(
    con,
    policy: privacy.Policy,
    end: dt.date,
    categories: list[str] | None,
    areas: list[str] | None,
    role: str,
) -> pd.DataFrame:
    """Near-repeat clusters in the 28 days to `end` that are unlikely under the area's
    usual rate. The cluster's count is protected (`<k`); `expected` and `p` only for
    analysts (`NEAR_REPEAT_DETAIL`), and for nobody beside a hidden count."""
    start = end - dt.timedelta(days=27)
    events = queries.located_events(
        con, start, end, list(categories) if categories else None, list(areas) if areas else None
    )
    if events.empty:
        return pd.DataFrame()
    x, y = geo.transformer(geo.WGS84, geo.SWEREF99TM).transform(
        events["lon"].to_numpy(), events["lat"].to_numpy()
    )
    events = events.assign(x=x, y=y)
    base_end = start - dt.timedelta(days=1)
    rates = queries.deso_category_rates(con, base_end - dt.timedelta(days=364), base_end)
    rates = rates.set_index(["area_code", "category"])["rate"]
    # An area with no events of a kind last year gets the municipal rate for that kind,
    # not zero: with λ = 0 any pair of events would count as a warning.
    deso = queries.areas(con, "deso")
    municipal = rates.groupby(level="category").sum() / max(len(deso), 1)
    full = pd.MultiIndex.from_product(
        [deso["code"], municipal.index], names=["area_code", "category"]
    )
    rates = rates.reindex(full)
    rates = rates.fillna(
        pd.Series(rates.index.get_level_values("category").map(municipal), index=rates.index)
    )
    flagged = stats.near_repeats(events, rates)
    if flagged.empty:
        return flagged
    flagged = privacy.protect_counts(flagged, ["events"], policy)
    hidden = flagged["events_suppressed"]
    for column in NEAR_REPEAT_DETAIL:
        flagged[column] = flagged[column].where(~hidden)
    if role != "analyst":
        flagged = flagged.drop(columns=list(NEAR_REPEAT_DETAIL))
    names = deso.set_index("code")["name"]
    return flagged.assign(area_name=flagged["area_code"].map(names))


# --- Översikt: since the last meeting -----------------------------------------------------

PLURAL_SV = {
    "shooting": "Skottlossningar",
    "explosion": "Sprängningar",
    "car_fire": "Bilbränder",
    "drug_cache": "Narkotikagömmor",
    "weapon_cache": "Vapengömmor",
}
SINCE_SPANS = (7, 14, 28, 91)  # fixed choices of 'since' (days up to the data's last day)
SINCE_DEFAULT_SPAN = 28


@dataclass(frozen=True)
class SinceChoice:
    """One fixed choice of 'since the last meeting': a board meeting from the configuration
    (`days` None) or the last `days` days."""

    since: dt.date
    days: int | None = None


def since_choices(end: dt.date, meetings: list[dt.date]) -> list[SinceChoice]:
    """The 'since' dates a public or council viewer may choose: the board's meetings in the
    year before `end` (latest first), then the fixed spans. A free date is for analysts
    only: two free dates a day apart, many times over, would let noise be averaged away."""
    first = end - dt.timedelta(days=365)
    held = sorted({m for m in meetings if first <= m < end}, reverse=True)
    spans = [SinceChoice(end - dt.timedelta(days=d - 1), d) for d in SINCE_SPANS]
    return [SinceChoice(m) for m in held] + spans


def default_since(choices: list[SinceChoice]) -> SinceChoice:
    """The latest meeting, else the last 28 days."""
    meetings = [c for c in choices if c.days is None]
    if meetings:
        return meetings[0]
    return next(c for c in choices if c.days == SINCE_DEFAULT_SPAN)


def _event_window(con, policy: privacy.Policy, start: dt.date, end: dt.date, every) -> dict:
    """{(level, area, category): published count or None when hidden} for one window: the
    municipal count per category as CompStat shows it (the categories with the window's
    total as margin) and each RegSO's count per category as the RegSO map's one-category
    views show it (`privacy.protect_one_category_views`)."""
    out = {}
    raw = queries.event_counts(con, start, end, "kommun")
    cats = pd.DataFrame({"category": list(every)})
    municipal = cats.merge(raw.drop(columns="area_code"), on="category", how="left")
    municipal["count"] = municipal["count"].fillna(0).astype(float)
    municipal["count_key"] = municipal["count_key"].fillna(0).astype("int64")
    shown = privacy.protect_counts(municipal, ["count"], policy, margins=[[]])
    for r in shown.itertuples(index=False):
        out[("kommun", None, r.category)] = None if r.count_suppressed else float(r.count)
    raw = queries.event_counts(con, start, end, "regso").rename(columns={"area_code": "code"})
    shape = queries.areas(con, "regso")[["code", "parent_code"]]
    cube = privacy.protect_one_category_views(
        category_grid(shape, raw, every), ["code"], policy, [[]]
    )
    for r in cube.itertuples(index=False):
        out[("regso", r.code, r.category)] = None if r.count_suppressed else float(r.count)
    return out


def since_last_meeting(con, policy: privacy.Policy, since: dt.date, end: dt.date, lang: str):
    """The three to five changes since `since` that are beyond normal variation.

    Derived from published figures only: each event line compares two counts as the
    protected views of the two windows show them (municipal: CompStat's category column;
    RegSO: the map's one-category views), and names nothing either view hides; each
    indicator line compares two perturbed totals of whole months. The verdict and p come
    from those published counts (`pax.changes`)."""
    from pax import changes, i18n

    prev = (stats.year_earlier(since), stats.year_earlier(end))
    cats = queries.categories(con).set_index("id")
    every = cats.index.tolist()
    sources = queries.sources(con).set_index("id")
    rows = []

    def label(cat: str) -> str:
        if lang == "en":
            return str(cats.at[cat, "label_en"]) if cat in cats.index else cat
        return PLURAL_SV.get(cat, str(cats.at[cat, "label_sv"]) if cat in cats.index else cat)

    def publisher(source_ids: str) -> str:
        """The publishers of one or more sources (ids joined by commas)."""
        names = []
        for source_id in source_ids.split(","):
            if source_id not in sources.index:
                continue
            name = i18n.term(sources.at[source_id, "publisher"], lang)
            fictional = sources.at[source_id, "fictional"]
            names.append(f"{name} ({i18n.t('fictional', lang)})" if fictional else name)
        return ", ".join(dict.fromkeys(names)) or source_ids

    counted = privacy.for_records(policy, queries.register_sources(con, "events"))
    now = _event_window(con, counted, since, end, every)
    before = _event_window(con, counted, *prev, every)
    names = queries.areas(con, "regso").set_index("code")["name"]
    event_source = ",".join(queries.register_sources(con, "events"))
    for cell, count in now.items():
        previous = before.get(cell)
        if count is None or previous is None:
            continue  # hidden in a view of either window: never named
        level, area, cat = cell
        where = "" if level == "kommun" else f" {i18n.t('in', lang)} {names.get(area, area)}"
        rows.append(("here_and_now", f"{label(cat)}{where}", count, previous, event_source))
    catalog = queries.catalog(con)
    counted = catalog[
        (catalog["kind"] == "count")
        & (catalog["unit"] == "antal")
        & (catalog["horizon"] == "trust")
    ]
    for ind in counted.itertuples(index=False):
        a, a_key = queries.measure_total(con, ind.id, since, end)
        b, b_key = queries.measure_total(con, ind.id, *prev)
        if a is None or b is None:
            continue
        a = float(privacy.perturb([a], [a_key], policy)[0])
        b = float(privacy.perturb([b], [b_key], policy)[0])
        name = ind.name_en if lang == "en" else ind.name_sv
        rows.append(("trust", name, a, b, ind.source_id))
    frame = pd.DataFrame(rows, columns=["horizon", "subject", "now", "before", "source"])
    frame["source"] = frame["source"].map(publisher)
    found = changes.candidates(frame, since, end, *prev, policy.k, lang)
    return changes.select(found)


# --- The store and its rules --------------------------------------------------------------

# Measures in these units are counts of people or things: protected like event counts.
PROTECTED_UNITS = {"antal", "personer"}


def event_policy(con, policy: privacy.Policy) -> privacy.Policy:
    """The policy of event counts: exact where every event in the store is from a source
    that publishes each record openly (`privacy.for_records`), else `policy`."""
    return privacy.for_records(policy, queries.register_sources(con, "events"))


def store_info(con) -> dict:
    """The store's build information with the first and last day of its events."""
    info = queries.build_info(con)
    info["events_first"], info["events_last"] = queries.events_range(con)
    return info


def as_of(info: dict) -> dt.date:
    """The last day with data (`store_info`): every period on the pages ends here."""
    days = [d for d in (info.get("events_last"),) if d]
    if info.get("demo_end"):
        days.append(dt.date.fromisoformat(info["demo_end"]))
    return max(days) if days else dt.date.today()


def as_list(codes: tuple | None) -> list[str] | None:
    return list(codes) if codes else None


def _indicator(con, indicator_id: str) -> pd.Series:
    return queries.catalog(con, indicator_id).iloc[0]


def is_official(con, indicator_id: str) -> bool:
    """Whether an indicator's source is official statistics (`privacy.OFFICIAL_PUBLISHERS`):
    shown as published, not perturbed."""
    src = queries.sources(con).set_index("id")
    source_id = _indicator(con, indicator_id)["source_id"]
    if source_id not in src.index:
        return False
    return privacy.is_official_statistics(
        src.at[source_id, "publisher"], bool(src.at[source_id, "fictional"])
    )


def keyless(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without cell keys (they choose the perturbation and never leave)."""
    return frame.drop(columns=[c for c in frame.columns if c.endswith(privacy.KEY)])


def _protect_measure(
    con,
    policy: privacy.Policy,
    frame: pd.DataFrame,
    indicator_id: str,
    margins: list[list[str]] | None = None,
) -> pd.DataFrame:
    row = _indicator(con, indicator_id)
    if is_official(con, indicator_id):
        frame = keyless(frame)  # official statistics: shown as published, not perturbed
    if row["kind"] == "count" and row["unit"] in PROTECTED_UNITS and not frame.empty:
        frame = privacy.protect_counts(frame, ["value"], policy, margins=margins)
    return keyless(frame)


# --- Events: counts per window, per area, per weekday × time ----------------------------


def window_counts(
    con, policy: privacy.Policy, windows: dict, categories: list[str] | None
) -> pd.DataFrame:
    """Municipal counts per category and named window {name: (start, end)}. Each window's
    categories are protected on their own (no margin: the tiles show them one by one)."""
    frame = queries.category_window_counts(con, windows, categories)
    return privacy.protect_counts(frame, ["count"], policy)


def area_counts(
    con,
    policy: privacy.Policy,
    start: dt.date,
    end: dt.date,
    level: str,
    categories: list[str] | None,
) -> pd.DataFrame:
    """Event counts (and rates per 1 000) per area, with geometry: the one-category cube
    of `privacy.protect_category_sum`. Margins: the municipal total (CompStat, tiles) and,
    for DeSO, each RegSO's count (the RegSO map). Derived: the rate, from the published
    count, only where the population allows (`privacy.rate_allowed`)."""
    raw = queries.event_counts(con, start, end, level, None)
    shape = queries.areas(con, level)[
        ["code", "name", "parent_code", "population", "population_year", "geometry"]
    ]
    parts = category_grid(
        shape[["code", "parent_code"]],
        raw.rename(columns={"area_code": "code"}),
        queries.categories(con)["id"].tolist(),
    )
    margins = [[], ["parent_code"]] if level == "deso" else [[]]
    if level == "deso" and categories and len(categories) == 1 and parts["category"].nunique() > 1:
        # One category per DeSO: the table with DeSO, RegSO and category totals is too large
        # to check in page time (a minute) and too sparse to show anything; all hidden.
        shown = parts.drop_duplicates("code")[["code", "parent_code"]].assign(
            count=pd.Series(pd.NA, dtype="Float64"),
            count_suppressed=True,
            count_label=privacy.HIDDEN,
        )
    else:
        shown = privacy.protect_category_sum(parts, ["code"], categories, policy, margins)
    frame = shape.drop(columns="parent_code").merge(
        shown.drop(columns="parent_code"), on="code", how="left"
    )
    allowed = privacy.rate_allowed(frame["population"], policy)
    rate = frame["count"].astype(float) / frame["population"].astype(float) * 1000
    frame["rate_per_1000"] = rate.where(allowed).astype(float)
    return frame


def heat_points(
    con,
    policy: privacy.Policy,
    start: dt.date,
    end: dt.date,
    categories: list[str] | None,
    role: str,
) -> pd.DataFrame:
    """Event locations at the precision the role may see (`privacy.locations_for_role`)."""
    points = queries.event_points(con, start, end, categories)
    return privacy.locations_for_role(points, role, policy=policy)


def weekday_hour(
    con,
    policy: privacy.Policy,
    start: dt.date,
    end: dt.date,
    categories: list[str] | None,
    areas: list[str] | None,
) -> pd.DataFrame:
    """Counts per weekday × three-hour band: the one-category cube; the cells add up to
    the period's total (CompStat, map), a margin."""
    raw = queries.weekday_hour_counts(
        con,
        start,
        end,
        None,
        areas,
        by_category=True,  # the one-category view needs all
    )
    keys = ["weekday", "hour"]
    cells = pd.MultiIndex.from_product([range(1, 8), range(0, 24, 3)], names=keys).to_frame(
        index=False
    )
    parts = category_grid(cells, raw, queries.categories(con)["id"].tolist())
    shown = privacy.protect_category_sum(parts, keys, categories, policy, [[]])
    return shown[shown["count"].isna() | (shown["count"] > 0)].reset_index(drop=True)


def events_total(
    con, policy: privacy.Policy, start: dt.date, end: dt.date, categories: list[str] | None
) -> tuple[float | None, str]:
    """Municipal events of some categories in [start, end], summed raw and protected once:
    (value or None when hidden, label). Hidden when a category in the sum is small: each
    category's count is shown on its own (CompStat), and a sum holding a hidden one would
    give it back by subtraction."""
    raw = queries.category_counts(con, start, end, categories)
    total = float(raw["count"].sum()) if not raw.empty else 0.0
    frame = pd.DataFrame({"n": [total], "n_key": [privacy.combine_keys(raw["count_key"])]})
    shown = privacy.protect_counts(frame, ["n"], policy)
    value = shown["n"].iloc[0]
    if len(categories or ()) != 1 and privacy.is_small(raw["count"], policy.k).any():
        return None, privacy.HIDDEN
    return (None if pd.isna(value) else float(value)), shown["n_label"].iloc[0]


# --- Här och nu: CompStat, hotspots, presence --------------------------------------------


def selection(con, areas: list[str], police_listed: bool) -> tuple | None:
    """The DeSO and RegSO codes an area filter stands for (None = the whole municipality)."""
    codes = list(areas)
    if police_listed:
        codes += queries.police_status(con)["area_code"].tolist()
    return tuple(queries.area_children(con, codes)) if codes else None


def selection_population(con, areas: list[str] | None) -> float | None:
    """The population of the chosen areas (a RegSO and its DeSO counted once); of the
    whole municipality (every RegSO) without a choice."""
    regso = queries.areas(con, "regso")
    deso = queries.areas(con, "deso")
    if not areas:
        return float(regso["population"].sum())
    chosen_regso = regso[regso["code"].isin(areas)]
    chosen_deso = deso[deso["code"].isin(areas) & ~deso["parent_code"].isin(chosen_regso["code"])]
    total = chosen_regso["population"].sum() + chosen_deso["population"].sum()
    return float(total) if total else None


def compstat(
    con,
    policy: privacy.Policy,
    end: dt.date,
    categories: list[str] | None,
    areas: list[str] | None,
) -> pd.DataFrame:
    """CompStat rows (category × window: week, 28 days, year to date) with protected counts
    now and a year before. Margins: per window, the categories add up to the total shown on
    the map, the weekday grid and the tiles for the same days. Derived from the published
    counts only, and only where both are shown: difference, verdict, p and the rate."""
    rows = []
    population = selection_population(con, areas)
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
    frame = privacy.protect_change(frame, "now", "before", policy, margins=[["window"]])
    hidden = frame["now_suppressed"] | frame["before_suppressed"]
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


def hot_areas(
    con, start: dt.date, end: dt.date, level: str, categories: list[str] | None
) -> pd.DataFrame:
    """Getis-Ord Gi* classes per area; classes only, no count leaves."""
    import shapely

    raw = queries.event_counts(con, start, end, level, categories)
    shapes = queries.areas(con, level)
    counts = shapes["code"].map(raw.groupby("area_code")["count"].sum()).fillna(0)
    geoms = [shapely.from_geojson(g) for g in shapes["geometry"]]
    result = stats.hotspots_areas(shapes["code"].tolist(), geoms, counts.to_numpy(dtype=float))
    result = result.merge(shapes[["code", "name", "geometry"]], on="code")
    return result.drop(columns=["value"])


def hot_grid(
    con, start: dt.date, end: dt.date, categories: list[str] | None, role: str
) -> pd.DataFrame:
    """Gi* on a 250 m grid for roles that may see grid precision (empty for the public);
    the grid's counts are not shown."""
    import shapely

    if privacy.precision_for(role) == "area":
        return pd.DataFrame()
    points = queries.located_events(con, start, end, categories)
    outline = shapely.from_geojson(queries.areas(con, "kommun")["geometry"].iloc[0])
    cells = stats.hotspots_grid(
        points["lon"].to_numpy(),
        points["lat"].to_numpy(),
        points["n"].to_numpy(dtype=float),
        outline,
        privacy.GRID_M,
    )
    return cells.drop(columns=["count"])


def presence(con, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Preventive presence active in [start, end], placed at its point or its area's
    representative point. Owner and other free text from the source are dropped here: only
    our own labels leave."""
    import shapely

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
    for i, column in enumerate(("lat", "lon")):
        active.loc[missing, column] = active.loc[missing, "area_code"].map(
            lambda c, i=i: centroids.get(c, (None, None))[i]
        )
    return active[
        ["type", "area_code", "area_name", "lat", "lon", "start_date", "end_date", "source_id"]
    ].reset_index(drop=True)


# --- Measures -------------------------------------------------------------------------------


def measure_values(
    con,
    policy: privacy.Policy,
    indicator_id: str,
    level: str | None,
    codes: list[str] | None,
    breakdown: str | None,
) -> pd.DataFrame:
    """An indicator's values per area and period; counts protected each on its own,
    official statistics as published."""
    frame = queries.measure_values(con, indicator_id, level, codes, breakdown)
    return _protect_measure(con, policy, frame, indicator_id)


def latest(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the latest period."""
    if frame.empty:
        return frame
    return frame[frame["period"] == frame["period"].max()].reset_index(drop=True)


def measure_by_breakdown(
    con, policy: privacy.Policy, indicator_id: str, start: dt.date, end: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cells: month × breakdown, totals: one row per month), protected together.

    Margins: the year to date (tiles) and the same months a year earlier (their change)
    are totals of the months; each month's total is shown (Pax actions, sparklines) beside
    its breakdowns (any department can be chosen): one month × breakdown table protected
    with row and column passes, a month whose total is hidden having all its breakdowns
    hidden, so they cannot add up to it."""
    frame = queries.measure_by_breakdown(con, indicator_id, start, end)
    keys = ["period", "period_start"]
    if is_official(con, indicator_id):
        frame = keyless(frame)
    summed = {"value": ("value", lambda v: v.sum(min_count=1))}
    if "value_key" in frame:
        summed["value_key"] = ("value_key", privacy.combine_keys)
    totals = frame.groupby(keys, as_index=False).agg(**summed)
    if frame.empty:
        return keyless(frame), keyless(totals)
    first = pd.to_datetime(totals["period_start"])
    block = pd.Series(pd.NA, index=totals.index, dtype=object)
    block[first.dt.year == end.year] = "now"
    block[(first.dt.year == end.year - 1) & (first.dt.month <= end.month)] = "before"
    totals = _protect_measure(con, policy, totals.assign(ytd=block), indicator_id, [["ytd"]])
    if "value_suppressed" not in totals:
        return keyless(frame), totals.drop(columns="ytd")
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
        grid, ["period"], policy, [["ytd"]], "value", start=start_hidden.to_numpy()
    )
    cells = cube[present.to_numpy()].rename(columns={"category": "breakdown"})
    return cells.drop(columns="ytd").reset_index(drop=True), totals.drop(columns="ytd")


def measure_total(
    con,
    policy: privacy.Policy,
    indicator_id: str,
    start: dt.date,
    end: dt.date,
    statistic: str = "sum",
) -> tuple[float | None, str | None]:
    """A total (or median) over a window, with its label when it was protected; a count of
    people or things is protected as one cell."""
    value, key = queries.measure_total(con, indicator_id, start, end, statistic=statistic)
    row = _indicator(con, indicator_id)
    label = None
    if statistic == "sum" and row["kind"] == "count" and row["unit"] in PROTECTED_UNITS:
        official = is_official(con, indicator_id)
        frame = pd.DataFrame({"v": [value], **({} if official else {"v_key": [key]})})
        shown = privacy.protect_counts(frame, ["v"], policy)
        value, label = shown["v"].iloc[0], shown["v_label"].iloc[0]
    return (None if value is None or pd.isna(value) else float(value)), label


def survey(
    con,
    policy: privacy.Policy,
    indicator_id: str,
    level: str | None,
    codes: list[str] | None,
    lang: str,
) -> pd.DataFrame:
    """Survey shares with their 95 % interval; small samples hidden with the reason."""
    frame = queries.measure_values(con, indicator_id, level, codes)
    if frame.empty:
        return frame
    return privacy.protect_survey(keyless(frame), policy, lang)


def similar(con, level: str, code: str, mode: str, k: int) -> pd.DataFrame:
    """Areas like `code`: the same police status (`status`) or nearest on structure."""
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
        newest = frame[frame["period"] == frame["period"].max()]
        columns[indicator_id] = newest.set_index("area_code")["value"]
    return stats.similar_areas(pd.DataFrame(columns), code, k)
