"""Viewer state that survives a reload and can be shared as a link: language, role and
filters live in the URL query string (st.query_params)."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from pax import config, i18n, model

PERIODS = {"7": 7, "28": 28, "90": 90, "365": 365}


def lang() -> str:
    value = st.query_params.get("lang", config.get("PAX_LANGUAGE"))
    return value if value in i18n.LANGUAGES else "sv"


def t(key: str, **kwargs) -> str:
    return i18n.t(key, lang(), **kwargs)


def role() -> str:
    """The viewer's role. Without sign-in (issue 8 adds OIDC), the configured default."""
    value = config.get("PAX_DEFAULT_ROLE")
    return value if value in model.ROLES else "public"


def _to_url(value) -> str:
    return ",".join(value) if isinstance(value, list) else str(value)


def _sync(key: str, param: str) -> None:
    value = _to_url(st.session_state[key])
    if value:
        st.query_params[param] = value
    else:
        st.query_params.pop(param, None)


def _mirrored(
    widget, label: str, options: list[str], param: str, current, format_func, container, kwargs
):
    """Render `widget` with its value kept in the URL: the URL wins when a link is opened,
    the widget wins when the viewer changes it, and the URL is rewritten on every run so
    the address bar can always be shared."""
    key = f"_q_{param}"
    if param in st.query_params or key not in st.session_state:
        st.session_state[key] = current
    value = getattr(container, widget)(
        label,
        options,
        key=key,
        format_func=format_func,
        on_change=_sync,
        args=(key, param),
        **kwargs,
    )
    if _to_url(value):
        st.query_params[param] = _to_url(value)
    return value


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
    current = st.query_params.get(param, st.session_state.get(f"_q_{param}", default))
    if current not in options:
        current = default
    return _mirrored("selectbox", label, options, param, current, format_func, container, kwargs)


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
    raw = st.query_params.get(param)
    if raw is not None:
        current = [v for v in raw.split(",") if v in options]
    else:
        current = [v for v in st.session_state.get(f"_q_{param}", default) if v in options]
    return _mirrored("multiselect", label, options, param, current, format_func, container, kwargs)


def period_window(end: dt.date, days: int) -> tuple[dt.date, dt.date]:
    return end - dt.timedelta(days=days - 1), end
