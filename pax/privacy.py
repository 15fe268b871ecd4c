"""Disclosure control: the one place that decides what may be shown.

Every count leaving the query layer for a page passes `protect_counts`; every set of
event locations passes `locations_for_role`. Both run inside the cached functions in
`ui/cached.py`, so nothing unprotected is ever cached, drawn or exported.

The method (README, *Privacy*):

- **Primary suppression.** A count from 1 to k−1 is shown as `<k` (k = PAX_DISCLOSURE_K,
  default 3). Zero is shown: it discloses nobody.
- **Margins.** A table may have totals that are shown, here or on another view: the
  municipal total beside areas, the year-to-date figure beside months, the RegSO beside
  its DeSO. Callers name them (`margins`: lists of columns whose groups have a known
  total; `[]` is the grand total).
- **Complementary (secondary) suppression, checked by an attacker.** With margins, the
  engine plays the attacker: from the shown cells, the shown margins and everything the
  labels and the method say about hidden cells (a `<k` cell is 1…k−1; a hidden cell is
  never 0 unless zeros were hidden too; a complement is never larger than the smallest
  shown cell of the group it was taken from), it computes the feasible interval of every
  hidden cell — in closed form for one set of disjoint groups, by linear programming
  (scipy's HiGHS, exact here because row/column and nested-area constraints are totally
  unimodular) when groups overlap. While some hidden cell is pinned to one value, the
  smallest shown non-zero cell of one of its groups is hidden too; if a group has none
  left, its zeros are hidden as well. Every hidden cell of a group that needed a
  complement is labelled `..` (SCB's sign for a figure that is not shown), so the
  labels do not tell primary and complementary cells apart.
- **Totals** beside their parts are margins of the parts' table (above), and both are
  perturbed on their own; where the two perturbed figures would meet at one value, the
  suppression hides the part (`perturbed_pins`, docs/privacy.md). A rounded total is no
  protection (a total rounded to 5 beside known parts pins a hidden 1 or 2).
- **Differences of periods** (CompStat now against a year earlier) are only shown when
  both counts are; a test, percentage or rate from a hidden count is not shown.
- **Cell-key perturbation of shown counts** (the ABS TableBuilder method), against
  differencing *across* views: CompStat's week, 28 days and year to date side by side,
  the map for 28 days against the map for 7, one area's monthly trend against the
  municipality and every other area. Every event (and every unit of a monthly measure)
  has a secret record key (a salted hash of its id, `row_key_sql`); a cell's key is
  the sum of its records' keys. A shown count n ≥ k is published as n + d, where d in
  −D…D (PAX_CELL_KEY_NOISE, default 2; never below k) is chosen by the cell's key from
  a fixed table (`perturb`). The same records always give the same figure, in every view
  and every session, so repeating or re-slicing a view averages nothing away; two cells
  whose records differ get independent noise, so the difference of two shown counts is
  the true difference ± 2D and never pins a count of 1…k−1 (`noise_guards_differences`
  proves it for the table, `Policy.from_config` refuses a D too small for k). Zero is shown as 0, small counts as `<k`; the suppression
  above is decided on the true counts before the noise is added. Differences, tests,
  percentages and rates are computed from the published figures. Official statistics
  (SCB, BRÅ …: `OFFICIAL_PUBLISHERS`) are public already and shown as published; so are
  event counts made only of records a source publishes one by one (Polisen's feed:
  `PUBLIC_RECORD_SOURCES`, `for_records`).
- **Derived figures** (rolling means, 12-month sums, the 'since last meeting' list,
  near-repeat detail) follow one rule, written beside each view in `pax.published`:
  computed from published figures only, or with their inputs registered as margins.
- Rates are not shown where the population is below PAX_MIN_POPULATION_FOR_RATE; survey
  shares are not shown below PAX_MIN_SURVEY_SAMPLE respondents.
- Location precision by role: public — areas only; council — 250 m grid-cell centres in
  SWEREF 99 TM (EPSG:3006), never points, and a cell with 1…k−1 events carries the
  weight of `<k` (k−1), not its count; analyst — the source's precision. Weapon and drug
  caches are never points below analyst.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pax import config, geo, model

GRID_M = 250.0
HIDDEN = ".."  # a count hidden so that another hidden count cannot be worked out
KEY_MODULUS = 1 << 20  # record and cell keys are integers modulo this
KEY = "_key"  # suffix of a count column's cell-key column: `count` → `count_key`


@dataclass(frozen=True)
class Policy:
    k: int = 3
    min_population_for_rate: int = 500
    min_survey_sample: int = 30
    noise: int = 2

    @classmethod
    def from_config(cls) -> Policy:
        policy = cls(
            config.disclosure_k(),
            config.get("PAX_MIN_POPULATION_FOR_RATE"),
            config.get("PAX_MIN_SURVEY_SAMPLE"),
            config.get("PAX_CELL_KEY_NOISE"),
        )
        if not noise_guards_differences(policy.k, policy.noise):
            raise ValueError(
                f"PAX_CELL_KEY_NOISE={policy.noise} är för litet för k={policy.k}: två "
                "visade antal skulle kunna avslöja en skillnad mellan 1 och k−1 "
                "(välj 0 eller minst (k−1)/2)"
            )
        return policy


# The salted hash of a record key in each engine's SQL (non-negative). The two engines
# hash differently, so a store's noise is its engine's; each is as secret and as stable.
_HASH = {
    "duckdb": "hash({material} || ?)",
    "postgres": "(hashtextextended({material} || ?, 0) & 9223372036854775807)",
}


def row_key_sql(material: str, weight: str, dialect: str = "duckdb") -> tuple[str, list]:
    """SQL (and its one parameter, the secret) of one row's key: its record key (a salted
    hash of `material`, e.g. the event id) counted `weight` times (e.g. `n`), modulo
    KEY_MODULUS."""
    hashed = _HASH[dialect].format(material=material)
    return weighted_key_sql(hashed, weight), [config.get("PAX_CELL_KEY_SECRET")]


def weighted_key_sql(key: str, weight: str) -> str:
    """SQL of a record key (`key`: a hash, or a key stored earlier) counted `weight` times,
    modulo KEY_MODULUS: one row's key."""
    m = KEY_MODULUS
    return f"((({key}) % {m})::BIGINT * ({weight})::BIGINT % {m})::BIGINT"


def sum_keys_sql(row: str, alias: str | None = "count_key") -> str:
    """SQL of a cell key: the sum of its rows' keys (`row`), modulo KEY_MODULUS, as
    `alias` (none for a bare expression)."""
    sql = f"(sum({row}) % {KEY_MODULUS})::BIGINT"
    return f"{sql} AS {alias}" if alias else sql


def key_check() -> str:
    """A short fingerprint of the cell-key secret: a store's pre-summed record keys
    (`event_days`) are used only when they were summed under the secret in use."""
    secret = str(config.get("PAX_CELL_KEY_SECRET"))
    return hashlib.sha256(f"pax-cell-key-check|{secret}".encode()).hexdigest()[:16]


def record_key_sql(
    material: str, weight: str, alias: str = "count_key", dialect: str = "duckdb"
) -> tuple[str, list]:
    """SQL (and parameter) of the cell key of a GROUP BY over records: the sum of the
    rows' keys (`row_key_sql`), modulo KEY_MODULUS, as `alias`."""
    row, params = row_key_sql(material, weight, dialect)
    return sum_keys_sql(row, alias), params


def measure_key_sql(alias: str = "m", dialect: str = "duckdb") -> tuple[str, list]:
    """SQL (and parameter) of one monthly measure row's key: every unit of the value
    carries the row's record key (a salted hash of indicator, area, month, breakdown)."""
    a = alias
    material = f"{a}.indicator || '|' || {a}.area_code || '|' || {a}.period || '|' || {a}.breakdown"
    return row_key_sql(material, f"coalesce(round({a}.value), 0)", dialect)


# Producers of Sweden's official statistics (SOS) among the sources: their figures are
# public already, under the producer's own disclosure control, and are shown exactly as
# published (perturbing them would make Pax disagree with SCB). Small counts are still
# shown as <k.
OFFICIAL_PUBLISHERS = (
    "SCB",
    "Brottsförebyggande rådet",
    "BRÅ",
    "Skolverket",
    "Socialstyrelsen",
    "Arbetsförmedlingen",
    "Försäkringskassan",
)


# Sources that publish every record openly (anyone can count them): Polisen's event feed.
# Counts made only of their records are shown exactly, at the precision the source publishes
# (the feed names the municipality, never a place: its events are never drawn finer).
PUBLIC_RECORD_SOURCES = ("polisen_handelser",)


def for_records(policy: Policy, source_ids) -> Policy:
    """The policy of counts over records of `source_ids`: exact (k = 1, no noise) when every
    one of them is a public per-record source, else `policy` — a figure that holds one
    record of an internal register is protected whole."""
    ids = list(source_ids)
    if ids and all(s in PUBLIC_RECORD_SOURCES for s in ids):
        return dataclasses.replace(policy, k=1, noise=0)
    return policy


def is_official_statistics(publisher: str, fictional: bool) -> bool:
    """Whether a source's figures are official statistics, shown as published."""
    return not fictional and str(publisher).startswith(OFFICIAL_PUBLISHERS)


def combine_keys(keys) -> int:
    """The key of a cell made of several cells: the sum of their keys (modulo)."""
    k = pd.to_numeric(pd.Series(keys), errors="coerce").fillna(0)
    return int(k.astype("int64").sum() % KEY_MODULUS)


def _noise_table(noise: int) -> tuple[np.ndarray, np.ndarray]:
    """The perturbations −D…D and their weights (triangular: 0 most likely)."""
    d = np.arange(-noise, noise + 1)
    return d, (noise + 1 - np.abs(d)).astype(float)


def perturb(values, keys, policy: Policy) -> np.ndarray:
    """Published counts: n ≥ k becomes n + d with d in −D…D, never below k, chosen by the
    cell key from a fixed table; 0, missing and small counts are returned unchanged (the
    latter are hidden by the caller). The same count and key always give the same figure."""
    v = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    out = v.copy()
    if policy.noise <= 0 or keys is None or not len(v):
        return out
    raw = pd.to_numeric(pd.Series(keys), errors="coerce").fillna(0).to_numpy(dtype=float)
    u = (raw % KEY_MODULUS) / KEY_MODULUS
    d, w = _noise_table(policy.noise)
    target = np.isfinite(v) & (v >= policy.k)
    base = np.where(target, v, policy.k)
    weights = np.where(base[:, None] + d[None, :] >= policy.k, w[None, :], 0.0)
    cumulative = np.cumsum(weights, axis=1) / weights.sum(axis=1, keepdims=True)
    pick = np.minimum((cumulative <= u[:, None]).sum(axis=1), len(d) - 1)
    out[target] = v[target] + d[pick[target]]
    return out


def possible_noise(n: int, policy: Policy) -> np.ndarray:
    """The perturbations the table can give a count n (what an attacker knows)."""
    if n < policy.k or policy.noise <= 0:
        return np.array([0])
    d, _ = _noise_table(policy.noise)
    return d[n + d >= policy.k]


@functools.lru_cache(maxsize=32)
def noise_guards_differences(k: int, noise: int) -> bool:
    """True when no two published counts of nested cells, both shown as numbers, tell that
    their difference is 1…k−1 (checked over every pair of figures; beyond k + 2D the table
    repeats itself). Noise 0 is allowed: exact counts, the suppression alone."""
    if noise <= 0:
        return True
    policy = Policy(k=k, noise=noise)
    top = 3 * k + 8 * noise
    shown = range(top + noise + 1)
    counts = {s: np.array(possible_counts(s, policy, top)) for s in shown}
    for a in shown:
        for b in shown:
            diff = counts[b][None, :] - counts[a][:, None]
            found = diff[diff >= 0]
            if found.size and ((found >= 1) & (found <= k - 1)).all():
                return False
    return True


def possible_counts(shown: float, policy: Policy, top: int) -> list[int]:
    """The true counts up to `top` the table could have published as `shown` (NaN stands
    for `<k`): what an attacker who knows the method, but not the keys, can tell."""
    if shown is None or np.isnan(shown):
        return list(range(1, policy.k))
    return [
        n
        for n in range(top + 1)
        if not 1 <= n <= policy.k - 1 and shown - n in possible_noise(n, policy)
    ]


def possible_differences(shown_a: float, shown_b: float, policy: Policy, top: int) -> set[int]:
    """What two published counts of nested cells (a ⊆ b: a week and its 28 days, a DeSO
    and its RegSO) tell of b − a: every difference some pair of true counts could have."""
    return {
        b - a
        for a in possible_counts(shown_a, policy, top)
        for b in possible_counts(shown_b, policy, top)
        if b >= a
    }


def is_small(values, k: int) -> np.ndarray:
    """True where a count is between 1 and k−1 (zero is not disclosive)."""
    v = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    return (v >= 1) & (v <= k - 1)


def label(value, k: int, suppressed: bool = False) -> str:
    """The text shown for a protected count, sv-SE grouping."""
    if value is not None and not pd.isna(value) and 1 <= value <= k - 1:
        return f"<{k}"
    if suppressed:
        return HIDDEN
    if value is None or pd.isna(value):
        return "–"
    return f"{int(round(value)):,}".replace(",", "\u00a0")


def protect_counts(
    frame: pd.DataFrame,
    columns: list[str],
    policy: Policy,
    group_by: list[str] | None = None,
    margins: list[list[str]] | None = None,
    hide=None,
) -> pd.DataFrame:
    """Hide small counts in `columns`, and complements wherever a margin is shown.

    `hide`: rows to hide whatever their value (a boolean per row), labelled `..` — sums
    over several categories with a small category among them (`small_parts`).

    `margins`: each entry is a list of columns; the rows of one group of those columns
    have a total that is shown (here or elsewhere) — `[]` for the grand total.
    `group_by=x` is `margins=[x]`. Returns a copy where each hidden cell is <NA>, with
    a `<col>_label` text column (`<k`, `..` or the number) and a `<col>_suppressed` flag,
    so tables, tiles, charts and exports all show the same thing."""
    out = frame.copy()
    if group_by:
        margins = [list(group_by), *(margins or [])]
    groups = _groups(out, margins or [])
    extra = None if hide is None else np.asarray(hide, dtype=bool)
    for col in columns:
        values = pd.to_numeric(out[col], errors="coerce").to_numpy(dtype=float)
        keys = out[f"{col}{KEY}"] if f"{col}{KEY}" in out else None
        hidden, labels = suppress(values, policy.k, groups, extra, noise=(keys, policy))
        _publish(out, col, values, hidden, labels, policy)
    return out


def _publish(out: pd.DataFrame, col: str, values, hidden, labels, policy: Policy) -> None:
    """Write a protected column in place: the hidden cells <NA>, the shown ones perturbed
    by their cell keys (`<col>_key`, dropped here: keys never leave), the labels and the
    flags."""
    key = f"{col}{KEY}"
    shown = perturb(values, out[key] if key in out else None, policy)
    hidden = pd.Series(np.asarray(hidden, dtype=bool), index=out.index)
    out[col] = pd.Series(shown, index=out.index).astype("Float64").mask(hidden)
    out[f"{col}_suppressed"] = hidden
    out[f"{col}_label"] = [
        (lbl or HIDDEN) if hide else label(v, policy.k)
        for v, lbl, hide in zip(shown, labels, hidden)
    ]
    if key in out:
        out.drop(columns=key, inplace=True)


def small_parts(
    frame: pd.DataFrame, keys: list[str], parts: pd.DataFrame, k: int, column: str = "count"
) -> np.ndarray:
    """The rows of `frame` (one sum over several categories per cell `keys`) where some
    category's own count in `parts` (one row per cell and category) is 1…k−1.

    Each category can be shown on its own and any set of categories can be chosen, so the
    difference of two nested sums (all categories, then all but one) is one category's
    count: a sum holding a small part is hidden, and a difference never names it."""
    if parts.empty:
        return np.zeros(len(frame), dtype=bool)
    small = parts.loc[is_small(parts[column], k), keys].drop_duplicates()
    if small.empty:
        return np.zeros(len(frame), dtype=bool)
    flag = frame[keys].merge(small.assign(_small=True), on=keys, how="left")["_small"]
    return flag.fillna(False).to_numpy(dtype=bool)


def protect_category_sum(
    parts: pd.DataFrame,
    keys: list[str],
    chosen: list[str] | None,
    policy: Policy,
    margins: list[list[str]],
    column: str = "count",
) -> pd.DataFrame:
    """Protected sums over the `chosen` categories for each cell `keys`, from `parts` (one
    row per cell and category, every cell and category present, zeros included, plus any
    columns the margins name).

    Public and council viewers choose fixed category groups — all categories, or one — so
    that a small count is never the difference of two freely chosen sets:
    - all categories (`chosen` None or every category): the cells' totals, protected with
      the `margins` shown elsewhere;
    - one category: that column of the whole cell × category table, where each cell's
      all-categories total (a row) and each category's totals over the `margins` (a column)
      are shown: small cells are hidden with complements in their row and their column
      until neither pins a hidden cell (`protect_cube`), so the all-categories view keeps
      its detail and the five one-category views cannot be subtracted from it;
    - any other set (analysts' free choice): the sum, hidden (`..`) wherever one of its
      categories is 1…k−1 in that cell (`small_parts`)."""
    every = sorted(parts["category"].unique())
    if chosen is None or set(every) <= set(chosen):
        frame = _sum_categories(parts, keys, column)
        return protect_counts(frame, [column], policy, margins=margins)
    if len(chosen) == 1:
        cube = protect_one_category_views(parts, keys, policy, margins, column)
        return cube[cube["category"] == chosen[0]].drop(columns="category").reset_index(drop=True)
    part = parts[parts["category"].isin(chosen)]
    frame = _sum_categories(part, keys, column)
    hide = small_parts(frame, keys, part, policy.k, column)
    return protect_counts(frame, [column], policy, margins=margins, hide=hide)


def protect_one_category_views(
    parts: pd.DataFrame,
    keys: list[str],
    policy: Policy,
    margins: list[list[str]],
    column: str = "count",
) -> pd.DataFrame:
    """The whole cell × category table as the one-category views show it: each category's
    column is what `protect_category_sum(…, [category], …)` returns for it."""
    # A cell hidden in the all-categories view (a complement there) must not be the sum of
    # its shown one-category counts: its categories start hidden.
    whole = protect_counts(_sum_categories(parts, keys, column), [column], policy, margins=margins)
    gone = whole.loc[whole[f"{column}_suppressed"], keys].assign(_gone=True)
    parts = parts.reset_index(drop=True)
    start = parts[keys].merge(gone, on=keys, how="left")["_gone"].fillna(False)
    return protect_cube(parts, keys, policy, margins, column, start=start.to_numpy(bool))


def _sum_categories(parts: pd.DataFrame, keys: list[str], column: str) -> pd.DataFrame:
    """One row per cell: the count summed over its categories (and their cell keys, so
    the sum is perturbed as the cell it is), other columns as they are."""
    key = f"{column}{KEY}"
    sums = {column: "sum", **({key: combine_keys} if key in parts else {})}
    extra = [c for c in parts.columns if c not in (*keys, "category", *sums)]
    return parts.groupby(keys, as_index=False, sort=False).agg(
        {**sums, **{c: "first" for c in extra}}
    )


def protect_cube(
    cube: pd.DataFrame,
    keys: list[str],
    policy: Policy,
    margins: list[list[str]],
    column: str,
    start: np.ndarray | None = None,
) -> pd.DataFrame:
    """Row-and-column suppression of a cell × category table: each category's column is
    protected with its `margins`, each cell's row (the categories of one cell, whose total
    is the all-categories view) with its total, alternately, each pass keeping what the
    last one hid, until a pass hides nothing new; then one run over every margin at once
    (the linear-programming attacker) adds what combining rows and columns would pin, and
    gives the labels. `start`: cells hidden from the outset (rows whose total is hidden
    in another view)."""
    values = pd.to_numeric(cube[column], errors="coerce").to_numpy(dtype=float)
    hidden = np.zeros(len(cube), dtype=bool) if start is None else np.array(start, dtype=bool)
    by_category = _positions(cube, ["category"])
    passes = [(idx, _groups(cube.iloc[idx], margins)) for idx in by_category]
    passes += [(idx, [[np.arange(len(idx))]]) for idx in _positions(cube, keys)]
    for _ in range(10):
        before = hidden.copy()
        for idx, partitions in passes:
            hidden[idx] |= suppress(values[idx], policy.k, partitions, start=hidden[idx])[0]
        if (hidden == before).all():
            break
    # The passes look at one row or column at a time; an attacker may combine them. A last
    # run over every margin at once (the linear-programming attacker) adds what is missing.
    every = _groups(cube, [list(keys), *[[*m, "category"] for m in margins], *margins])
    key = cube[f"{column}{KEY}"] if f"{column}{KEY}" in cube else None
    hidden, labels = suppress(
        values, policy.k, every, start=hidden, bulk=_positions(cube, keys), noise=(key, policy)
    )  # its labels, too
    out = cube.copy()
    _publish(out, column, values, hidden, labels, policy)
    return out


def _positions(frame: pd.DataFrame, cols: list[str]) -> list[np.ndarray]:
    """Row positions of each group of `cols`."""
    return [np.asarray(idx) for idx in frame.groupby(cols, sort=False).indices.values()]


def _groups(frame: pd.DataFrame, margins: list[list[str]]) -> list[list[np.ndarray]]:
    """Each margin as a list of row-position arrays (one per group)."""
    partitions = []
    for cols in margins:
        if not cols:
            partitions.append([np.arange(len(frame))])
            continue
        # A row with a missing key is in no group of this margin (no total shown for it).
        known = np.flatnonzero(frame[list(cols)].notna().all(axis=1).to_numpy())
        sub = frame.iloc[known][list(cols)].astype(object)
        found = sub.groupby(list(cols), sort=False, dropna=False).indices
        partitions.append([known[np.asarray(idx)] for idx in found.values()])
    return partitions


def suppress(
    values: np.ndarray,
    k: int,
    partitions: list[list[np.ndarray]],
    hide: np.ndarray | None = None,
    start: np.ndarray | None = None,
    bulk: list[np.ndarray] | None = None,
    noise: tuple | None = None,
) -> tuple[np.ndarray, list[str | None]]:
    """(hidden flags, labels) for counts `values` with the given margin partitions.

    Labels are `<k` for a small cell in no group that needed a complement, `..` for every
    other hidden cell and None for a shown one. Missing values (NaN) stay missing.
    `hide` marks cells hidden whatever their value (category sums with a small part):
    they are `..`, and the attacker knows only that they are at least 1.
    `start` marks cells already hidden by this method in another view of the same table
    (complements and hidden zeros): they stay hidden and count as complements.
    `bulk` (cells in blocks, e.g. the categories of one area): a pinned cell hides its whole
    block at once instead of one complement at a time — fewer rounds on large tables.
    `noise` (the cells' keys, the policy): the shown counts and the groups' totals are
    published perturbed; a shown count or total that what is shown pins to one value
    (`perturbed_pins`) is hidden too, with its complements."""
    v = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    primary = is_small(values, k)
    extra = np.zeros(len(v), dtype=bool) if hide is None else (np.asarray(hide) & ~primary)
    hidden = primary | extra
    if start is not None:
        hidden |= np.asarray(start, dtype=bool)
    groups = [g for part in partitions for g in part if len(g)]
    forced = np.zeros(len(groups), dtype=bool)  # groups whose zeros were hidden too
    member = [[] for _ in range(len(v))]
    for gi, g in enumerate(groups):
        for i in g:
            member[i].append(gi)
    block_of = {int(i): b for b, block in enumerate(bulk or []) for i in block}
    for _ in range(2 * len(v) + 2):
        complemented = _complemented(groups, hidden, primary, forced)
        lo, hi = _attacker_bounds(v, hidden, complemented, member, groups, k, extra)
        pinned = _pinned(v, hidden, lo, hi, groups, member, len(partitions) > 1, k)
        blocks = {block_of[int(i)] for i in pinned if int(i) in block_of}
        grown = [b for b in blocks if not hidden[bulk[b]].all()]
        if grown:
            for b in grown:
                hidden[bulk[b]] = True
            forced |= np.array([hidden[g].all() for g in groups], dtype=bool)
            continue
        if pinned:
            if not any(_add_complement(i, v, hidden, member, groups, forced) for i in pinned):
                break  # nothing left to hide in its groups
            continue
        exposed = perturbed_pins(v, hidden, lo, hi, groups, member, *(noise or (None, None)))
        if not exposed:
            break
        hidden[exposed] = True
    complemented = _complemented(groups, hidden, primary, forced)
    labels = [
        None
        if not hidden[i]
        else (HIDDEN if extra[i] or any(complemented[g] for g in member[i]) else f"<{k}")
        for i in range(len(v))
    ]
    return hidden, labels


def _complemented(groups, hidden, primary, forced) -> list[bool]:
    """Groups that needed more than their small cells hidden: all their hidden cells are
    labelled `..`."""
    return [bool((hidden[g] & ~primary[g]).any() or forced[gi]) for gi, g in enumerate(groups)]


def _attacker_bounds(v, hidden, complemented, member, groups, k, extra=None):
    """What the method and the labels tell about each hidden cell: [lo, hi]."""
    lo = np.where(hidden, 1.0, v)
    hi = np.where(hidden, np.inf, v)
    for i in np.flatnonzero(hidden):
        if extra is not None and extra[i]:
            continue  # a category sum with a small part: at least 1, no upper bound
        mine = member[i]
        if not any(complemented[g] for g in mine):
            hi[i] = k - 1  # labelled <k
            continue
        if any(hidden[groups[g]].all() for g in mine):
            lo[i] = 0.0  # a group with nothing shown may have had its zeros hidden
        # A complement is never larger than the smallest shown non-zero cell of the
        # group it was taken from (and a primary is smaller still).
        caps = []
        for g in mine:
            shown = v[groups[g]][~hidden[groups[g]] & (v[groups[g]] > 0)]
            caps.append(shown.min() if shown.size else np.inf)
        hi[i] = max(caps) if caps else np.inf
    return lo, hi


def _margin(v, hidden, g, k) -> tuple[float, float]:
    """What the attacker knows of the sum of a group's hidden cells."""
    total = v[g].sum()
    shown = v[g][~hidden[g]].sum()
    if 1 <= total <= k - 1:  # the total itself is shown as <k
        return max(1 - shown, 0), k - 1 - shown
    return total - shown, total - shown


def _pinned(v, hidden, lo, hi, groups, member, overlapping, k) -> list[int]:
    """Hidden cells (in some group with a known total) pinned to a single value."""
    if not hidden.any():
        return []
    if overlapping:
        candidates = [int(i) for i in np.flatnonzero(hidden) if member[i] and v[i] > 0]
        intervals = feasible_intervals(v, hidden, lo, hi, groups, k, only=candidates)
        return [i for i, (low, high) in intervals.items() if high - low < 1 - 1e-9]
    out = []
    for g in groups:
        h = g[hidden[g]]
        if not h.size:
            continue
        r_lo, r_hi = _margin(v, hidden, g, k)
        for i in h[v[h] > 0]:  # a hidden zero may be known: it discloses nobody
            others = h[h != i]
            low = max(lo[i], r_lo - hi[others].sum())
            high = min(hi[i], r_hi - lo[others].sum())
            if high - low < 1:
                out.append(int(i))
    return out


def feasible_intervals(
    v, hidden, lo, hi, groups, k, only: list[int] | None = None
) -> dict[int, tuple[float, float]]:
    """Min and max of each hidden cell (of `only`, when given) over everything consistent
    with what is shown (linear programming; exact for the totally unimodular tables used
    here).

    The true table is one of those consistent with what is shown, so a cell's max is at
    least its true value: where the min is already a whole unit below it, the cell is not
    pinned and its max is not solved for — the interval returned is then (min, true
    value), a lower bound of its width. Half the programs on a large table (Stockholm's
    544 DeSO), the same cells pinned."""
    from scipy.optimize import linprog

    cells = np.flatnonzero(hidden)
    index = {c: j for j, c in enumerate(cells)}
    a_ub, b_ub = [], []
    for g in groups:
        h = g[hidden[g]]
        if not h.size:
            continue
        row = np.zeros(len(cells))
        row[[index[i] for i in h]] = 1
        r_lo, r_hi = _margin(v, hidden, g, k)
        a_ub += [row, -row]
        b_ub += [r_hi, -r_lo]
    bounds = [(lo[c], None if np.isinf(hi[c]) else hi[c]) for c in cells]
    out = {}
    wanted = set(cells.tolist() if only is None else only)
    for j, c in enumerate(cells):
        if int(c) not in wanted:
            continue
        goal = np.zeros(len(cells))
        goal[j] = 1
        ends = []
        for sign in (1, -1):
            if sign < 0 and ends[0] <= v[c] - 1 + 1e-9:
                ends.append(float(v[c]))  # not pinned: the true value is feasible
                break
            res = linprog(
                sign * goal,
                A_ub=np.array(a_ub) if a_ub else None,
                b_ub=np.array(b_ub) if b_ub else None,
                bounds=bounds,
                method="highs",
            )
            ends.append(sign * res.fun if res.status == 0 else (-np.inf if sign > 0 else np.inf))
        out[int(c)] = (ends[0], ends[1])
    return out


def perturbed_pins(v, hidden, lo, hi, groups, member, keys, policy) -> list[int]:
    """Shown cells to hide because what is published pins a perturbed count exactly.

    Each shown count n ≥ k is published as n + d and each group's total as its own
    perturbed figure (the key of a total is `combine_keys` of its cells'), so an attacker
    knows every shown count and total only within ±D. Side by side the two can still meet
    at one value (parts 3 and 3 shown as 5 and 5, their total 6 shown as 4: the total is
    at most 6, the parts at least 3). The attacker here knows the true count of every
    group total's small or zero form, the hidden cells' bounds (`lo`, `hi`) and the
    intervals of the shown counts and totals; a shown count is pinned when no other
    integer value fits (a quick test of moving it by one, then an integer program over
    its connected cells), a total likewise. A pinned count is returned itself; a pinned
    total returns its smallest shown cell."""
    if keys is None or policy is None or policy.noise <= 0 or not groups:
        return []
    k, d = policy.k, policy.noise
    keys = pd.to_numeric(pd.Series(keys), errors="coerce").fillna(0).to_numpy(dtype=float)
    shown = ~hidden & (v >= k)
    if not shown.any():
        return []
    published = perturb(v, keys, policy)
    box_lo = np.where(hidden, lo, np.where(shown, np.maximum(k, published - d), v))
    box_hi = np.where(hidden, hi, np.where(shown, published + d, v))
    total = np.array([v[g].sum() for g in groups])
    t_pub = perturb(total, [combine_keys(keys[g]) for g in groups], policy)
    small = (total >= 1) & (total <= k - 1)
    t_lo = np.where(total >= k, np.maximum(k, t_pub - d), np.where(small, 1, 0))
    t_hi = np.where(total >= k, t_pub + d, np.where(small, k - 1, 0))

    def movable(i, step) -> bool:
        """Cell i can move by `step` with every other cell kept (its groups allow it)."""
        if not box_lo[i] <= v[i] + step <= box_hi[i]:
            return False
        return all(t_lo[g] <= total[g] + step <= t_hi[g] for g in member[i])

    suspects = [
        ("cell", int(i)) for i in np.flatnonzero(shown) if not (movable(i, 1) or movable(i, -1))
    ]
    for gi, g in enumerate(groups):
        if total[gi] < k or len(g) < 2:
            continue  # a small total is hidden; a cell alone is its own total
        if not any(movable(i, s) for s in (1, -1) for i in g):
            suspects.append(("total", gi))
    out = []
    for kind, j in suspects:
        cells = np.array([j]) if kind == "cell" else groups[j]
        if _fixed(cells, v, box_lo, box_hi, groups, member, t_lo, t_hi):
            if kind == "cell":
                out.append(j)
            else:
                free = [i for i in groups[j] if shown[i] and i not in out]
                if free:
                    out.append(min(free, key=lambda i: v[i]))
    return sorted(set(out))


def _fixed(cells, v, box_lo, box_hi, groups, member, t_lo, t_hi) -> bool:
    """True when the integer program over the cells connected to `cells` (through the
    groups) allows their sum no value but the true one."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    seen, todo = set(), [int(c) for c in cells]
    while todo:
        i = todo.pop()
        if i in seen:
            continue
        seen.add(i)
        for g in member[i]:
            todo += [int(c) for c in groups[g] if int(c) not in seen]
    var = np.array(sorted(seen))
    index = {c: j for j, c in enumerate(var)}
    touched = sorted({g for c in var for g in member[c]})
    rows = np.zeros((len(touched), len(var)))
    for r, g in enumerate(touched):
        rows[r, [index[int(c)] for c in groups[g]]] = 1
    goal = np.zeros(len(var))
    goal[[index[int(c)] for c in cells]] = 1
    true = float(v[cells].sum())
    upper = np.where(np.isinf(box_hi[var]), np.inf, box_hi[var])
    for lo_goal, hi_goal in ((true + 1, np.inf), (-np.inf, true - 1)):
        res = milp(
            np.zeros(len(var)),
            constraints=[
                LinearConstraint(rows, t_lo[touched], t_hi[touched]),
                LinearConstraint(goal[None, :], lo_goal, hi_goal),
            ],
            integrality=np.ones(len(var)),
            bounds=Bounds(box_lo[var], upper),
        )
        if res.status == 0:
            return False
    return True


def _alone(j, member, groups) -> bool:
    return any(len(groups[g]) == 1 for g in member[j])


def _add_complement(i, v, hidden, member, groups, forced) -> bool:
    """Hide the smallest shown non-zero cell of one of cell i's groups; if there is none,
    hide the zeros of its groups (and label all their hidden cells `..`). False when
    nothing is left to do."""
    best = None
    for g in member[i]:
        idx = groups[g]
        # A cell alone in a group is shown by that group's total: useless as a complement.
        cand = [j for j in idx[~hidden[idx] & (v[idx] > 0)] if not _alone(j, member, groups)]
        if cand:
            j = min(cand, key=lambda c: v[c])
            if best is None or v[j] < v[best]:
                best = j
    if best is not None:
        hidden[best] = True
        return True
    changed = False
    for g in member[i]:
        idx = groups[g]
        zero = idx[~hidden[idx] & (v[idx] == 0)]
        if zero.size or not forced[g]:
            hidden[zero] = True
            forced[g] = True
            changed = True
    return changed


def protect_change(
    frame: pd.DataFrame,
    now: str,
    before: str,
    policy: Policy,
    margins: list[list[str]] | None = None,
) -> pd.DataFrame:
    """Two periods side by side (`now`, `before`), each protected with its margins, with
    `diff` and `pct` only where both counts are shown: a difference beside a hidden
    count would give it back."""
    out = protect_counts(frame, [now, before], policy, margins=margins)
    hidden = out[f"{now}_suppressed"] | out[f"{before}_suppressed"]
    a, b = out[now].astype(float), out[before].astype(float)
    out["diff"] = (a - b).where(~hidden)
    out["pct"] = ((a - b) / b.where(b > 0) * 100).where(~hidden)
    return out


def rate_allowed(population, policy: Policy) -> np.ndarray:
    p = pd.to_numeric(pd.Series(population), errors="coerce").to_numpy(dtype=float)
    return p >= policy.min_population_for_rate


def precision_for(role: str, category: str | None = None) -> str:
    """`area`, `grid` or `source`: the finest location a role may see."""
    if role not in model.ROLES:
        raise ValueError(f"okänd roll {role!r}")
    if role == "analyst":
        return "source"
    if role == "council":
        return "grid"
    return "area"


def locations_for_role(
    points: pd.DataFrame, role: str, k: int | None = None, policy: Policy | None = None
) -> pd.DataFrame:
    """Event locations a role may see, as weighted points (lat, lon, weight).

    public: none (areas only). council: 250 m grid-cell centres in SWEREF 99 TM, one row
    per cell with the number of events as weight — a cell with 1…k−1 events weighs k−1
    (what `<k` says), since the weights are readable in the page; a cell of k or more is
    perturbed by its cell key (`weight_key`: the records' keys) like any shown count, so
    the grid for 28 days set against the grid for 7 tells no small difference. analyst:
    the source's points; caches are never points below analyst (no point is, below
    analyst)."""
    empty = pd.DataFrame(
        {
            "lat": pd.Series(dtype=float),
            "lon": pd.Series(dtype=float),
            "weight": pd.Series(dtype=float),
        }
    )
    precision = precision_for(role)
    pts = points.dropna(subset=["lat", "lon"])
    pts = pts[pts["precision"].isin(["exact", "snapped"])] if "precision" in pts else pts
    if precision == "area" or pts.empty:
        return empty
    weight = pts["n"].astype(float) if "n" in pts else pd.Series(1.0, index=pts.index)
    if precision == "source":
        return pd.DataFrame({"lat": pts["lat"], "lon": pts["lon"], "weight": weight}).reset_index(
            drop=True
        )
    lon, lat = geo.snap_to_grid(pts["lon"].to_numpy(), pts["lat"].to_numpy(), GRID_M)
    cells = pd.DataFrame(
        {"lat": np.round(lat, 6), "lon": np.round(lon, 6), "weight": weight.to_numpy()}
    )
    keyed = "weight_key" in pts
    if keyed:
        cells["weight_key"] = pts["weight_key"].fillna(0).astype("int64").to_numpy()
    cells = cells.groupby(["lat", "lon"], as_index=False).sum()
    policy = policy or Policy.from_config()
    k = policy.k if k is None else k
    if keyed:
        cells["weight"] = perturb(cells["weight"], cells.pop("weight_key"), policy)
    cells.loc[is_small(cells["weight"], k), "weight"] = float(k - 1)
    return cells


def protect_survey(frame: pd.DataFrame, policy: Policy, lang: str = "sv") -> pd.DataFrame:
    """Survey shares with too few respondents (`denominator`) are hidden, with the reason;
    the others get a 95 % Wilson interval (`low`, `high`)."""
    from pax.stats import proportion_interval

    out = frame.copy()
    n = pd.to_numeric(out["denominator"], errors="coerce")
    small = n.isna() | (n < policy.min_survey_sample)
    low, high = proportion_interval(out["numerator"], n)
    out["low"] = pd.Series(low, index=out.index).where(~small)
    out["high"] = pd.Series(high, index=out.index).where(~small)
    out["value"] = pd.to_numeric(out["value"], errors="coerce").where(~small)
    out["hidden_reason"] = [
        (
            f"för få svarande (n = {int(v) if v == v else 0} < {policy.min_survey_sample})"
            if lang != "en"
            else f"too few respondents (n = {int(v) if v == v else 0} < {policy.min_survey_sample})"
        )
        if s
        else ""
        for v, s in zip(n, small)
    ]
    # The numerator of a hidden share would give it away; the sample size is kept (it is
    # the reason shown).
    out["numerator"] = pd.to_numeric(out["numerator"], errors="coerce").where(~small)
    return out
