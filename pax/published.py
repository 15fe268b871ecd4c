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
