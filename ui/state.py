"""Viewer state that survives a reload and can be shared as a link: language, role and
filters live in the URL query string (st.query_params).

Every filter widget is *mirrored*: opening a link sets the widget from the URL, changing
the widget rewrites the URL, and the URL is rewritten on every run so the address bar can
always be copied. Values are checked against the widget's options; a bad value in a link
falls back to the default instead of raising."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from pax import config, geo, i18n, stats

PERIODS = {"7": 7, "28": 28, "90": 90, "365": 365}
PERIOD_OPTIONS = ["7", "28", "90", "365", "ytd", "custom"]


def lang() -> str:
    value = st.query_params.get("lang", config.get("PAX_LANGUAGE"))
    return value if value in i18n.LANGUAGES else "sv"


def t(key: str, **kwargs) -> str:
    return i18n.t(key, lang(), **kwargs)


def _encode(value) -> str:
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _sync(key: str, param: str) -> None:
    if key not in st.session_state:  # a page switch (kiosk rotation) removed the widget
        return
    value = _encode(st.session_state[key])
    if value:
        st.query_params[param] = value
    else:
        st.query_params.pop(param, None)


def _mirrored(param: str, current, render: Callable[[str], object]):
    """Render a widget (via `render(key)`) whose value is kept in the URL as `param`."""
    key = f"_q_{param}"
    if param in st.query_params or key not in st.session_state:
        st.session_state[key] = current
    value = render(key)
    encoded = _encode(value)
    if encoded:
        st.query_params[param] = encoded
    else:
        st.query_params.pop(param, None)
    return value


def remembered(param: str, default):
    """The URL's value, else this session's last value, else the default."""
    if param in st.query_params:
        return st.query_params.get(param)
    return st.session_state.get(f"_q_{param}", default)


def _legacy(values: list[str], options: list[str], format_func) -> list[str]:
    """Values of an old link in today's options: RegSO were keyed by a slug of their name
    (`?omrade=hovsjo`) before SCB's codes (`0181R012`); an unknown value is dropped."""
    by_slug = None
    out = []
    for value in values:
        if value not in options:
            if by_slug is None:
                by_slug = {geo.slug(str(format_func(o))): o for o in options}
            value = by_slug.get(value, value)
        if value in options:
            out.append(value)
    return out


def select(
    label: str,
    options: list[str],
    param: str,
    default: str,
    format_func=str,
    container=st,
    **kwargs,
) -> str:
    """A selectbox mirrored in the URL (`?param=value`)."""
    current = remembered(param, default)
    current = (_legacy([current], options, format_func) or [default])[0]
    return _mirrored(
        param,
        current,
        lambda key: container.selectbox(
            label,
            options,
            key=key,
            format_func=format_func,
            on_change=_sync,
            args=(key, param),
            **kwargs,
        ),
    )


def multiselect(
    label: str,
    options: list[str],
    param: str,
    default: list[str],
    format_func=str,
    container=st,
    **kwargs,
) -> list[str]:
    """A multiselect mirrored in the URL (`?param=a,b`)."""
    raw = remembered(param, default)
    values = raw.split(",") if isinstance(raw, str) else list(raw)
    current = _legacy(values, options, format_func)
    return _mirrored(
        param,
        current,
        lambda key: container.multiselect(
            label,
            options,
            key=key,
            format_func=format_func,
            on_change=_sync,
            args=(key, param),
            **kwargs,
        ),
    )


def checkbox(label: str, param: str, default: bool = False, container=st, **kwargs) -> bool:
    raw = remembered(param, default)
    current = raw in ("1", "true", True)
    return _mirrored(
        param,
        current,
        lambda key: container.checkbox(
            label, key=key, on_change=_sync, args=(key, param), **kwargs
        ),
    )


def remembered_date(param: str, default: dt.date, min_value: dt.date, max_value: dt.date):
    """The date in the URL (or this session), else the default, clamped to the range:
    what `date_input` would show, without drawing the widget."""
    raw = remembered(param, default)
    try:
        current = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw))
    except ValueError:
        current = default
    return min(max(current, min_value), max_value)


def date_input(
    label: str, param: str, default: dt.date, min_value: dt.date, max_value: dt.date, container=st
) -> dt.date:
    current = remembered_date(param, default, min_value, max_value)
    return _mirrored(
        param,
        current,
        lambda key: container.date_input(
            label,
            key=key,
            min_value=min_value,
            max_value=max_value,
            format="YYYY-MM-DD",
            on_change=_sync,
            args=(key, param),
        ),
    )


def period_window(end: dt.date, days: int) -> tuple[dt.date, dt.date]:
    return end - dt.timedelta(days=days - 1), end


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date

    def label(self) -> str:
        return i18n.date_range(self.start, self.end, lang())


def period_filter(
    end: dt.date, first: dt.date, container=st, default: str = "90", custom: bool = True
) -> Period:
    """Period: last 7/28/90/365 days, year to date, or (with `custom`) a custom range; all in
    the URL. Without `custom` a link's custom range falls back to the default."""
    names = {"ytd": t("ytd").capitalize(), "custom": t("custom_range")}
    kind = select(
        t("period"),
        PERIOD_OPTIONS if custom else [p for p in PERIOD_OPTIONS if p != "custom"],
        "dagar",
        default,
        container=container,
        format_func=lambda d: names.get(d) or t("last_days", n=d),
    )
    if kind == "custom":
        a, b = container.columns(2)
        start = date_input(t("from"), "fran", end - dt.timedelta(days=27), first, end, a)
        stop = date_input(t("to"), "till", end, first, end, b)
        if start > stop:
            container.warning(t("bad_range"))
            start, stop = stop, start
        return Period(kind, start, stop)
    start, stop = stats.period_window(kind, end)
    return Period(kind, start, stop)
