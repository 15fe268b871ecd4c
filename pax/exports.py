"""Safe exports: a cell starting with = + - @ (or a tab/CR) would run as a formula in
Excel, so it is prefixed with an apostrophe."""

from __future__ import annotations

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(
                lambda v: f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_START) else v
            )
    return out


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM and `;`, as Swedish Excel expects."""
    return frame.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")
