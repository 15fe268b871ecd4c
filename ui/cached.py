"""The only st.cache_* in the app. Every function is keyed on the store version and
explicit arguments (never on frames) and applies `pax.privacy` before returning, so no
unprotected figure is ever cached or drawn."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from pax import config, privacy, queries, store

PROTECTED_UNITS = {"antal", "personer"}


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


@st.cache_data(max_entries=4, show_spinner=False)
def _info(store_version: str) -> dict:
    con = _connection(store_version)
    info = queries.build_info(con)
    first, last = queries.events_range(con)
    info["events_first"], info["events_last"] = first, last
    return info


def info() -> dict:
    return _info(version())


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


def indicator(indicator_id: str) -> pd.Series:
    cat = catalog()
    return cat[cat["id"] == indicator_id].iloc[0]


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
    return privacy.protect_counts(frame, ["count"], _policy())


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
    raw = queries.event_counts(con, start, end, level, list(categories) if categories else None)
    per_area = raw.groupby("area_code", as_index=False)["count"].sum()
    shape = queries.areas(con, level)[["code", "name", "population", "population_year", "geometry"]]
    frame = shape.merge(per_area, left_on="code", right_on="area_code", how="left")
    frame["count"] = frame["count"].fillna(0)
    policy = _policy()
    frame = privacy.protect_counts(frame.drop(columns="area_code"), ["count"], policy)
    allowed = privacy.rate_allowed(frame["population"], policy)
    rate = frame["count"].astype(float) / frame["population"].astype(float) * 1000
    frame["rate_per_1000"] = rate.where(allowed).astype(float)
    return frame


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
    return privacy.locations_for_role(points, role)


def heat_points(
    start: dt.date, end: dt.date, categories: list[str] | None, role: str
) -> pd.DataFrame:
    return _heat(version(), start, end, tuple(categories) if categories else None, role)


@st.cache_data(max_entries=16, show_spinner=False)
def _monthly_events(store_version: str, start, end) -> pd.DataFrame:
    frame = queries.monthly_event_counts(_connection(store_version), start, end)
    return privacy.protect_counts(frame, ["count"], _policy(), group_by=["month"])


def monthly_events(start: dt.date, end: dt.date) -> pd.DataFrame:
    return _monthly_events(version(), start, end)


def _protect_measure(frame: pd.DataFrame, indicator_id: str) -> pd.DataFrame:
    row = indicator(indicator_id)
    if row["kind"] == "count" and row["unit"] in PROTECTED_UNITS and not frame.empty:
        frame = privacy.protect_counts(frame, ["value"], _policy())
    return frame


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


def measure_values(
    indicator_id: str,
    level: str | None = None,
    codes: list[str] | None = None,
    breakdown: str | None = "",
) -> pd.DataFrame:
    return _measure_values(
        version(), indicator_id, level, tuple(codes) if codes else None, breakdown
    )


def measure_latest(indicator_id: str, level: str) -> pd.DataFrame:
    frame = measure_values(indicator_id, level)
    if frame.empty:
        return frame
    return frame[frame["period"] == frame["period"].max()].reset_index(drop=True)


@st.cache_data(max_entries=64, show_spinner=False)
def _by_breakdown(store_version: str, indicator_id: str, start, end) -> pd.DataFrame:
    frame = queries.measure_by_breakdown(_connection(store_version), indicator_id, start, end)
    return _protect_measure(frame, indicator_id)


def measure_by_breakdown(indicator_id: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    return _by_breakdown(version(), indicator_id, start, end)


@st.cache_data(max_entries=64, show_spinner=False)
def _monthly_total(store_version: str, indicator_id: str) -> pd.DataFrame:
    frame = queries.measure_monthly_total(_connection(store_version), indicator_id)
    return _protect_measure(frame, indicator_id)


def measure_monthly_total(indicator_id: str) -> pd.DataFrame:
    return _monthly_total(version(), indicator_id)


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
    value = queries.measure_total(
        _connection(store_version), indicator_id, start, end, statistic=statistic
    )
    row = indicator(indicator_id)
    if statistic == "sum" and row["kind"] == "count" and row["unit"] in PROTECTED_UNITS:
        shown = privacy.protect_counts(pd.DataFrame({"v": [value]}), ["v"], _policy())
        return shown["v"].iloc[0], shown["v_label"].iloc[0]
    return value, None


def measure_total(
    indicator_id: str, start: dt.date, end: dt.date, statistic: str = "sum"
) -> tuple[float | None, str | None]:
    """A protected total (or median) over a window, with its label when it was protected."""
    value, label = _measure_total(version(), indicator_id, start, end, statistic)
    return (None if value is None or pd.isna(value) else float(value)), label
