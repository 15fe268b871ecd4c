"""Roll DeSO figures up to RegSO and the municipality, the same way for every source.

Input rows carry `numerator` and `denominator` and a `how`:
- `sum`: counts; the value is the sum of numerators.
- `ratio`: shares and rates; numerator and denominator are summed, then divided (× scale).
- `weighted`: a weighted mean (numerator = value × weight, denominator = weight).
"""

from __future__ import annotations

import pandas as pd

from pax import model
from pax.periods import parse_period

MEASURE_COLUMNS = [
    "indicator",
    "area_code",
    "period",
    "period_start",
    "period_end",
    "value",
    "numerator",
    "denominator",
    "breakdown",
    "source_id",
]


def roll_up(
    parts: pd.DataFrame, areas: pd.DataFrame, source_id: str, scale: dict[str, float] | None = None
) -> pd.DataFrame:
    """Measures for every DeSO in `parts` and for their RegSO and the municipality.

    `parts` has columns area_code (DeSO), indicator, period, how, numerator, denominator
    and optionally breakdown. Ratios are × 100 unless `scale` says otherwise.
    """
    scale = scale or {}
    parts = parts.copy()
    if "breakdown" not in parts:
        parts["breakdown"] = ""
    parent = areas[areas["level"] == "deso"].set_index("code")["parent_code"]
    unknown = set(parts["area_code"]) - set(parent.index)
    if unknown:
        raise ValueError(f"okända DeSO-koder: {sorted(unknown)[:5]}")
    parts["regso"] = parts["area_code"].map(parent)
    parts["kommun"] = model.KOMMUN_CODE
    keys = ["indicator", "period", "how", "breakdown"]
    levels = [parts[keys + ["area_code", "numerator", "denominator"]]]
    for level in ("regso", "kommun"):
        grouped = parts.groupby(keys + [level], as_index=False)[["numerator", "denominator"]]
        levels.append(grouped.sum(min_count=1).rename(columns={level: "area_code"}))
    out = pd.concat(levels, ignore_index=True)
    out["numerator"] = out["numerator"].astype(float)
    out["denominator"] = out["denominator"].astype(float)
    ratio = out["numerator"] / out["denominator"]
    factor = out["indicator"].map(scale).fillna(100.0)
    how = out["how"]
    out["value"] = ratio * factor
    out.loc[how == "weighted", "value"] = ratio
    out.loc[how == "sum", "value"] = out["numerator"]
    out.loc[how == "sum", ["numerator", "denominator"]] = None
    out.loc[how == "weighted", ["numerator", "denominator"]] = None
    return with_periods(out, source_id)


def with_periods(frame: pd.DataFrame, source_id: str) -> pd.DataFrame:
    """Add normalised period, start and end, and the source; keep the measure columns."""
    frame = frame.copy()
    parsed = {p: parse_period(p) for p in frame["period"].astype(str).unique()}
    frame["period"] = frame["period"].astype(str).map(lambda p: parsed[p][0])
    frame["period_start"] = frame["period"].map({v[0]: v[1] for v in parsed.values()})
    frame["period_end"] = frame["period"].map({v[0]: v[2] for v in parsed.values()})
    frame["source_id"] = source_id
    if "breakdown" not in frame:
        frame["breakdown"] = ""
    for col in ("numerator", "denominator"):
        if col not in frame:
            frame[col] = None
    return frame[MEASURE_COLUMNS].reset_index(drop=True)
