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


def _sync(key: str, param: str) -> None:
    value = st.session_state[key]
    if isinstance(value, list):
        if value:
            st.query_params[param] = ",".join(value)
        else:
            st.query_params.pop(param, None)
    else:
        st.query_params[param] = str(value)


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
    current = st.query_params.get(param, default)
    if current not in options:
        current = default
    key = f"_q_{param}"
    st.session_state.setdefault(key, current)
    return container.selectbox(
        label,
        options,
        key=key,
        format_func=format_func,
        on_change=_sync,
        args=(key, param),
        **kwargs,
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
    raw = st.query_params.get(param)
    current = [v for v in raw.split(",") if v in options] if raw else list(default)
    key = f"_q_{param}"
    st.session_state.setdefault(key, current)
    return container.multiselect(
        label,
        options,
        key=key,
        format_func=format_func,
        on_change=_sync,
        args=(key, param),
        **kwargs,
    )


def period_window(end: dt.date, days: int) -> tuple[dt.date, dt.date]:
    return end - dt.timedelta(days=days - 1), end
