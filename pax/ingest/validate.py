"""Schema validation of canonical rows with pandera: every importer's output passes the
same schema for its kind, and each failure becomes a reject with a Swedish reason."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pandera.pandas as pa

from pax import model
from pax.ingest.core import Reject

EARLIEST = pd.Timestamp("2000-01-01")
SHARE_UNITS = {"procent"}
NON_NEGATIVE_UNITS = {
    "antal",
    "personer",
    "kr",
    "tkr",
    "dagar",
    "besök",
    "poäng",
    "personer per hushåll",
}

# Swedish reasons per (column, check name); pandera names checks after their function.
REASONS = {
    ("occurred_at", "not_future"): "datumet ligger i framtiden",
    ("occurred_at", "not_before_2000"): "datumet är före år 2000",
    ("occurred_at", "not_nullable"): "datum saknas",
    ("category", "isin"): "kategorin finns inte i katalogen",
    ("lat", "in_range"): "latitud utanför Sverige",
    ("lon", "in_range"): "longitud utanför Sverige",
    ("n", "greater_than_or_equal_to"): "antal måste vara minst 1",
    ("precision", "isin"): "okänd platsprecision",
    ("id", "field_uniqueness"): "id förekommer flera gånger i filen",
    ("id", "not_nullable"): "id saknas",
    ("indicator", "isin"): "indikatorn finns inte i katalogen",
    ("value", "share_range"): "en andel måste ligga mellan 0 och 100",
    ("value", "non_negative"): "värdet får inte vara negativt",
    ("denominator", "greater_than"): "nämnaren måste vara större än 0",
    ("start_date", "not_before_2000"): "startdatum före år 2000",
    ("end_date", "end_after_start"): "slutdatum före startdatum",
}


def _now() -> pd.Timestamp:
    # A day of slack: exports are written in local time on the day the events happened.
    return pd.Timestamp(dt.datetime.now() + dt.timedelta(days=1))


def events_schema(categories: set[str]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "id": pa.Column(str, unique=True, nullable=False),
            "occurred_at": pa.Column(
                "datetime64[ns]",
                [
                    pa.Check(lambda s: s <= _now(), element_wise=False, name="not_future"),
                    pa.Check(lambda s: s >= EARLIEST, element_wise=False, name="not_before_2000"),
                ],
                coerce=True,
            ),
            "category": pa.Column(str, pa.Check.isin(sorted(categories))),
            "lat": pa.Column(float, pa.Check.in_range(55.0, 70.0), nullable=True, coerce=True),
            "lon": pa.Column(float, pa.Check.in_range(10.0, 25.0), nullable=True, coerce=True),
            "precision": pa.Column(str, pa.Check.isin(list(model.PRECISIONS))),
            "n": pa.Column(int, pa.Check.ge(1), coerce=True),
        },
        unique=None,
    )


def measures_schema(catalog: pd.DataFrame) -> pa.DataFrameSchema:
    units = dict(zip(catalog["id"], catalog["unit"]))

    def share_range(frame: pd.DataFrame) -> pd.Series:
        is_share = frame["indicator"].map(units).isin(SHARE_UNITS)
        return ~is_share | frame["value"].between(0, 100)

    def non_negative(frame: pd.DataFrame) -> pd.Series:
        unit = frame["indicator"].map(units)
        return ~unit.isin(NON_NEGATIVE_UNITS) | (frame["value"] >= 0)

    return pa.DataFrameSchema(
        {
            "indicator": pa.Column(str, pa.Check.isin(sorted(units))),
            "area_code": pa.Column(str, nullable=False),
            "period": pa.Column(str),
            "value": pa.Column(float, coerce=True),
            "denominator": pa.Column(float, pa.Check.gt(0), nullable=True, coerce=True),
        },
        checks=[
            pa.Check(share_range, name="share_range"),
            pa.Check(non_negative, name="non_negative"),
        ],
    )


def interventions_schema() -> pa.DataFrameSchema:
    def end_after_start(frame: pd.DataFrame) -> pd.Series:
        return frame["end_date"].isna() | (
            pd.to_datetime(frame["end_date"]) >= pd.to_datetime(frame["start_date"])
        )

    return pa.DataFrameSchema(
        {
            "type": pa.Column(str, pa.Check.isin(list(model.INTERVENTION_TYPES))),
            "start_date": pa.Column(
                object,
                pa.Check(
                    lambda s: pd.to_datetime(s) >= EARLIEST,
                    element_wise=False,
                    name="not_before_2000",
                ),
            ),
        },
        checks=[pa.Check(end_after_start, name="end_after_start")],
    )


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> tuple[pd.DataFrame, list[Reject]]:
    """Rows that pass the schema, and a reject (row, column, value, reason) per failure."""
    if frame.empty:
        return frame, []
    try:
        schema.validate(frame, lazy=True)
        return frame, []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    rejects: list[Reject] = []
    bad_index: set = set()
    for _, case in cases.iterrows():
        idx = case["index"]
        column = case["column"] if isinstance(case["column"], str) else None
        check = str(case["check"]).split("(")[0]
        if idx is None or pd.isna(idx):
            # A whole-column failure (wrong type): every row of that column fails.
            raise ValueError(f"kolumnen {column} har fel typ ({case['failure_case']})")
        idx = int(idx)
        if column is None and check in ("share_range", "non_negative", "end_after_start"):
            column = {"end_after_start": "end_date"}.get(check, "value")
        key = (column, check)
        if (idx, column) in {(i, c) for i, c in bad_index}:
            continue
        bad_index.add((idx, column))
        reason = REASONS.get(key, f"ogiltigt värde ({check})")
        value = frame.at[idx, column] if column in frame.columns else case["failure_case"]
        if key == ("id", "field_uniqueness"):
            first = frame.index[frame["id"] == frame.at[idx, "id"]][0]
            if idx == first:
                bad_index.discard((idx, column))
                continue
            reason = f"id förekommer redan på rad {int(frame.at[first, 'row'])}"
        rejects.append(Reject(int(frame.at[idx, "row"]), column, str(value), reason))
    bad_rows = {i for i, _ in bad_index}
    return frame.drop(index=sorted(bad_rows)), rejects
