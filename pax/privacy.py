"""Disclosure control: the one place that decides what may be shown.

Every count leaving the query layer for a page passes `protect_counts`; every set of
event locations passes `locations_for_role`. Both run inside the cached functions in
`ui/cached.py`, so nothing unprotected is ever cached or drawn.

Rules (DATA.md):
- A count from 1 to k−1 is shown as `<k` (k = PAX_DISCLOSURE_K, default 3).
- Complementary suppression: inside a group whose total is shown, a single hidden cell
  could be recovered by subtraction, so the smallest other non-zero cell is hidden too.
- Rates are not shown where the population is below PAX_MIN_POPULATION_FOR_RATE.
- Location precision by role: public — areas only; council — a ≥ 250 m grid (heat), no
  points; analyst — the source's precision. Caches are never points below analyst.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pax import config, geo, model

GRID_M = 250.0


@dataclass(frozen=True)
class Policy:
    k: int = 3
    min_population_for_rate: int = 500
    min_survey_sample: int = 30

    @classmethod
    def from_config(cls) -> Policy:
        return cls(
            config.disclosure_k(),
            config.get("PAX_MIN_POPULATION_FOR_RATE"),
            config.get("PAX_MIN_SURVEY_SAMPLE"),
        )


def is_small(values, k: int) -> np.ndarray:
    """True where a count is between 1 and k−1 (zero is not disclosive)."""
    v = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    return (v >= 1) & (v <= k - 1)


def label(value, k: int, suppressed: bool = False) -> str:
    """The text shown for a protected count, sv-SE grouping."""
    if suppressed or (value is not None and not pd.isna(value) and 1 <= value <= k - 1):
        return f"<{k}"
    if value is None or pd.isna(value):
        return "–"
    return f"{int(round(value)):,}".replace(",", "\u00a0")


def protect_counts(
    frame: pd.DataFrame, columns: list[str], policy: Policy, group_by: list[str] | None = None
) -> pd.DataFrame:
    """Hide small counts (and their complements within `group_by`) in `columns`.

    Returns a copy where each hidden cell is <NA>, with a `<col>_label` text column and a
    `<col>_suppressed` flag, so tables, tiles and charts all show the same thing."""
    out = frame.copy()
    for col in columns:
        values = pd.to_numeric(out[col], errors="coerce")
        hidden = pd.Series(is_small(values, policy.k), index=out.index)
        if group_by:
            hidden = _complement(values, hidden, out[group_by])
        out[col] = values.astype("Float64").mask(hidden)
        out[f"{col}_suppressed"] = hidden
        out[f"{col}_label"] = [label(v, policy.k, h) for v, h in zip(values, hidden)]
    return out


def _complement(values: pd.Series, hidden: pd.Series, groups: pd.DataFrame) -> pd.Series:
    hidden = hidden.copy()
    keys = [groups[c] for c in groups.columns]
    for _, idx in values.groupby(keys, dropna=False).groups.items():
        cells = values.loc[idx]
        if int(hidden.loc[idx].sum()) == 1:
            candidates = cells[(~hidden.loc[idx]) & (cells > 0)]
            if not candidates.empty:
                hidden.loc[candidates.idxmin()] = True
    return hidden


def protect_total(
    total: float, parts_hidden: int, policy: Policy, base: int = 5
) -> tuple[float, str]:
    """A total shown beside hidden parts is rounded to `base` so it cannot reveal them."""
    if total is None or pd.isna(total):
        return total, "–"
    if is_small([total], policy.k)[0]:
        return np.nan, f"<{policy.k}"
    if parts_hidden:
        rounded = base * round(total / base)
        return float(rounded), f"≈{label(rounded, policy.k)}"
    return float(total), label(total, policy.k)


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


def locations_for_role(points: pd.DataFrame, role: str) -> pd.DataFrame:
    """Event locations a role may see, as weighted points (lat, lon, weight).

    public: none (areas only). council: 250 m grid-cell centres in SWEREF 99 TM, one row
    per cell with the number of events as weight. analyst: the source's points; caches
    are never points below analyst."""
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
    return cells.groupby(["lat", "lon"], as_index=False)["weight"].sum()


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
