"""The only st.cache_* in the app: a thin cache over `pax`. Every function is keyed on the
store version and explicit arguments (never on frames) and is one call into `pax` — the
protected views of `pax.published`, or plain reads of `pax.queries` — so no unprotected
figure is ever cached or drawn, and no rule of what may be shown lives here
(`tests/unit/test_architecture.py` keeps it so). The one cache keyed on frames is `figure`:
a chart of `pax.figures` drawn from frames these functions already returned."""

from __future__ import annotations

import datetime as dt
import functools

import pandas as pd
import streamlit as st

from pax import figures, i18n, privacy, published, queries, store
from ui import state


def _localized(function):
    """Protected labels (`1 234`, `<3`, `≈170`) leave the caches in Swedish format; a public
    function marked with this decorator returns them in the viewer's number format."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return i18n.localize_labels(function(*args, **kwargs), state.lang())

    return wrapper


def _key(values) -> tuple | None:
    """A list as a hashable cache key (None for none or empty)."""
    return tuple(values) if values else None


def version() -> str:
    return store.version()


def ready() -> bool:
    return store.ready()


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(store_version: str):
    return store.connect()


def connection():
    """The process's connection to the current store (for `pax.report`, which reads the
    published views itself and is not cached)."""
    return _connection(version())


def _policy() -> privacy.Policy:
    return privacy.Policy.from_config()


def _event_policy(store_version: str) -> privacy.Policy:
    return published.event_policy(_connection(store_version), _policy())


def privacy_policy() -> privacy.Policy:
    return _policy()


def clear() -> None:
    """Forget every cached figure (after an import changed the store)."""
    st.cache_data.clear()
    st.cache_resource.clear()


# --- Charts ---------------------------------------------------------------------------------


@st.cache_resource(max_entries=256, show_spinner=False)
def _figure(builder: str, args: tuple, kwargs: tuple):
    return getattr(figures, builder)(*args, **dict(kwargs))


def figure(builder, *args, **kwargs):
    """`builder(*args, **kwargs)` of `pax.figures`, built once for the same (protected)
    input and shared by every session: Plotly validates every property it is given, and
    building a page's charts was a fifth of its CPU under load (py-spy). The figure is
    shared, so nobody changes it (`components.chart` copies it when it must)."""
    return _figure(builder.__name__, args, tuple(sorted(kwargs.items())))


# --- The store: what it holds -------------------------------------------------------------


@st.cache_data(max_entries=4, show_spinner=False)
def _info(store_version: str) -> dict:
    return published.store_info(_connection(store_version))


def info() -> dict:
    return _info(version())


def mode() -> str:
    """The store's mode (`demo` or `live`); a store from before the modes held the demo."""
    return info().get("mode", "demo")


def fictional() -> bool:
    """True when the store holds a fictional source (the demo): the notice is shown."""
    return bool(sources()["fictional"].any())


def as_of() -> dt.date:
    """The last day with data: every period on the pages ends here."""
    return published.as_of(info())


@st.cache_data(max_entries=8, show_spinner=False)
def _register_sources(store_version: str, table: str) -> list[str]:
    return queries.register_sources(_connection(store_version), table)


def event_sources() -> list[str]:
    """The sources of the events in the store (for the source lines under every figure)."""
    return _register_sources(version(), "events")


def intervention_sources() -> list[str]:
    return _register_sources(version(), "interventions")


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


@st.cache_data(max_entries=4, show_spinner=False)
def _categories(store_version: str) -> pd.DataFrame:
    return queries.categories(_connection(store_version))


def categories() -> pd.DataFrame:
    return _categories(version())


@st.cache_data(max_entries=8, show_spinner=False)
def _interventions(store_version: str, day) -> pd.DataFrame:
    return queries.interventions(_connection(store_version), day)


def interventions(day: dt.date | None = None) -> pd.DataFrame:
    return _interventions(version(), day)


# --- Events ---------------------------------------------------------------------------------


@st.cache_data(max_entries=64, show_spinner=False)
def _window_counts(store_version: str, windows: tuple, categories: tuple | None) -> pd.DataFrame:
    return published.window_counts(
        _connection(store_version),
        _event_policy(store_version),
        {name: (s, e) for name, s, e in windows},
        published.as_list(categories),
    )


@_localized
def window_counts(
    windows: dict[str, tuple[dt.date, dt.date]], categories: list[str] | None = None
) -> pd.DataFrame:
    """Protected municipal counts per category and named window."""
    return _window_counts(
        version(), tuple((n, s, e) for n, (s, e) in windows.items()), _key(categories)
    )


@st.cache_data(max_entries=64, show_spinner=False)
def _area_counts(
    store_version: str, start, end, level: str, categories: tuple | None
) -> pd.DataFrame:
    return published.area_counts(
        _connection(store_version),
        _event_policy(store_version),
        start,
        end,
        level,
        published.as_list(categories),
    )


@_localized
def area_counts(
    start: dt.date, end: dt.date, level: str, categories: list[str] | None = None
) -> pd.DataFrame:
    """Protected event counts (and rates per 1 000) per area, with geometry."""
    return _area_counts(version(), start, end, level, _key(categories))


@st.cache_data(max_entries=32, show_spinner=False)
def _heat(store_version: str, start, end, categories: tuple | None, role: str) -> pd.DataFrame:
    return published.heat_points(
        _connection(store_version),
        _event_policy(store_version),
        start,
        end,
        published.as_list(categories),
        role,
    )


def heat_points(
    start: dt.date, end: dt.date, categories: list[str] | None, role: str
) -> pd.DataFrame:
    return _heat(version(), start, end, _key(categories), role)


@st.cache_data(max_entries=64, show_spinner=False)
def _events_total(store_version: str, start, end, categories: tuple | None):
    return published.events_total(
        _connection(store_version),
        _event_policy(store_version),
        start,
        end,
        published.as_list(categories),
    )


@_localized
def events_total(start: dt.date, end: dt.date, categories: list[str] | None):
    """Municipal events of some categories in [start, end], summed raw, protected once:
    (value or None when hidden, label)."""
    return _events_total(version(), start, end, _key(categories))


@st.cache_data(max_entries=16, show_spinner=False)
def _selection(store_version: str, areas: tuple, police_listed: bool) -> tuple | None:
    return published.selection(_connection(store_version), list(areas), police_listed)


def selection(areas: list[str], police_listed: bool) -> list[str] | None:
    """The DeSO and RegSO codes an area filter stands for (None = the whole municipality)."""
    return published.as_list(_selection(version(), tuple(sorted(areas)), police_listed))


@st.cache_data(max_entries=64, show_spinner=False)
def _compstat(store_version: str, end, categories: tuple | None, areas: tuple | None):
    return published.compstat(
        _connection(store_version),
        _event_policy(store_version),
        end,
        published.as_list(categories),
        published.as_list(areas),
    )


@_localized
def compstat(end: dt.date, categories: list[str], areas: list[str] | None) -> pd.DataFrame:
    """CompStat rows (category × window) with protected counts, difference, %, verdict."""
    return _compstat(version(), end, _key(categories), _key(areas))


@st.cache_data(max_entries=32, show_spinner=False)
def _hot_areas(store_version: str, start, end, level: str, categories: tuple | None):
    return published.hot_areas(
        _connection(store_version), start, end, level, published.as_list(categories)
    )


def hot_areas(start: dt.date, end: dt.date, level: str, categories: list[str]) -> pd.DataFrame:
    return _hot_areas(version(), start, end, level, _key(categories))


@st.cache_data(max_entries=32, show_spinner=False)
def _hot_grid(store_version: str, start, end, categories: tuple | None, role: str):
    return published.hot_grid(
        _connection(store_version), start, end, published.as_list(categories), role
    )


def hot_grid(start: dt.date, end: dt.date, categories: list[str], role: str) -> pd.DataFrame:
    """Gi* on a 250 m grid, for roles that may see grid precision (empty for the public)."""
    return _hot_grid(version(), start, end, _key(categories), role)


@st.cache_data(max_entries=16, show_spinner=False)
def _presence(store_version: str, start, end) -> pd.DataFrame:
    return published.presence(_connection(store_version), start, end)


def presence(start: dt.date, end: dt.date) -> pd.DataFrame:
    return _presence(version(), start, end)


@st.cache_data(max_entries=32, show_spinner=False)
def _weekday_hour(store_version: str, start, end, categories: tuple | None, areas: tuple | None):
    return published.weekday_hour(
        _connection(store_version),
        _event_policy(store_version),
        start,
        end,
        published.as_list(categories),
        published.as_list(areas),
    )


@_localized
def weekday_hour(start: dt.date, end: dt.date, categories: list[str], areas: list[str] | None):
    return _weekday_hour(version(), start, end, _key(categories), _key(areas))


@st.cache_data(max_entries=16, show_spinner=False)
def _near_repeats(
    store_version: str, end, categories: tuple | None, areas: tuple | None, role: str
):
    return published.near_repeats(
        _connection(store_version),
        _event_policy(store_version),
        end,
        published.as_list(categories),
        published.as_list(areas),
        role,
    )


@_localized
def near_repeats(
    end: dt.date, categories: list[str], areas: list[str] | None, role: str
) -> pd.DataFrame:
    """Near-repeat clusters in the last 28 days that are unlikely under the usual rate
    (expected count and p for analysts only)."""
    return _near_repeats(version(), end, _key(categories), _key(areas), role)


@st.cache_data(max_entries=32, show_spinner=False)
def _monthly_total(store_version: str, start, end, categories: tuple | None, areas: tuple | None):
    return published.monthly_trend(
        _connection(store_version),
        _event_policy(store_version),
        start,
        end,
        published.as_list(categories),
        published.as_list(areas),
    )


@_localized
def monthly_total(start: dt.date, end: dt.date, categories: list[str], areas: list[str] | None):
    """Monthly events of the chosen categories (protected) with the 12-month rolling mean
    of the published months, and what may be said of the last 12 months and the 12 before
    (`published.MonthSum`)."""
    return _monthly_total(version(), start, end, _key(categories), _key(areas))


# --- Measures -------------------------------------------------------------------------------


@st.cache_data(max_entries=128, show_spinner=False)
def _measure_values(
    store_version: str,
    indicator_id: str,
    level: str | None,
    codes: tuple | None,
    breakdown: str | None,
) -> pd.DataFrame:
    return published.measure_values(
        _connection(store_version),
        _policy(),
        indicator_id,
        level,
        published.as_list(codes),
        breakdown,
    )


@_localized
def measure_values(
    indicator_id: str,
    level: str | None = None,
    codes: list[str] | None = None,
    breakdown: str | None = "",
) -> pd.DataFrame:
    return _measure_values(version(), indicator_id, level, _key(codes), breakdown)


@_localized
def measure_latest(indicator_id: str, level: str) -> pd.DataFrame:
    return published.latest(measure_values(indicator_id, level))


@st.cache_data(max_entries=64, show_spinner=False)
def _by_breakdown(store_version: str, indicator_id: str, start, end) -> tuple:
    return published.measure_by_breakdown(
        _connection(store_version), _policy(), indicator_id, start, end
    )


@_localized
def measure_by_breakdown(indicator_id: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Monthly values per breakdown (department), protected with the months' totals."""
    return _by_breakdown(version(), indicator_id, start, end)[0]


@_localized
def measure_monthly(indicator_id: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Monthly totals over every breakdown, protected (never a sum of protected parts)."""
    return _by_breakdown(version(), indicator_id, start, end)[1]


@st.cache_data(max_entries=128, show_spinner=False)
def _measure_total(store_version: str, indicator_id: str, start, end, statistic: str):
    return published.measure_total(
        _connection(store_version), _policy(), indicator_id, start, end, statistic
    )


@_localized
def measure_total(
    indicator_id: str, start: dt.date, end: dt.date, statistic: str = "sum"
) -> tuple[float | None, str | None]:
    """A protected total (or median) over a window, with its label when it was protected."""
    return _measure_total(version(), indicator_id, start, end, statistic)


@st.cache_data(max_entries=64, show_spinner=False)
def _survey(
    store_version: str, indicator_id: str, level: str | None, codes: tuple | None, lang: str
):
    return published.survey(
        _connection(store_version), _policy(), indicator_id, level, published.as_list(codes), lang
    )


def survey(
    indicator_id: str, level: str | None = None, codes: list[str] | None = None, lang: str = "sv"
) -> pd.DataFrame:
    """Survey shares with their 95 % interval; small samples hidden with the reason."""
    return _survey(version(), indicator_id, level, _key(codes), lang)


@st.cache_data(max_entries=16, show_spinner=False)
def _similar(store_version: str, level: str, code: str, mode: str, k: int) -> pd.DataFrame:
    return published.similar(_connection(store_version), level, code, mode, k)


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
