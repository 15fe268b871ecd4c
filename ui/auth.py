"""Sign-in and the viewer's role.

With an `[auth]` block in `.streamlit/secrets.toml`, the sidebar offers *Logga in*
(`st.login`, OIDC, e.g. Microsoft Entra ID) and *Logga ut* (`st.logout`); the identity
provider says who the viewer is and the app's own allow-list (`pax.access`) says which role
they get. Without `[auth]` nobody signs in and every viewer has `PAX_DEFAULT_ROLE`.

Pages need a minimum role (`ui.navigation.PAGES`); `dashboard.py` lists only the pages the
role may open and refuses the others (`refuse`) when they are reached by URL."""

from __future__ import annotations

import logging
import sqlite3

import streamlit as st

from pax import access, audit, i18n, safe
from ui.state import lang

_LOG = logging.getLogger(__name__)


def configured() -> bool:
    """True when `.streamlit/secrets.toml` (or `secrets.files`) has an `[auth]` block."""
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except Exception:  # an unreadable secrets file: no sign-in, say so in the log
        _LOG.exception("Could not read Streamlit secrets; sign-in is off")
        return False


def _claims() -> dict | None:
    """The identity-token claims of a signed-in viewer, or None."""
    if not configured():
        return None  # st.user may hold test or proxy values; only an OIDC sign-in counts
    user = st.user.to_dict()
    return user if user.get("is_logged_in") is True else None


def _allow_list() -> tuple[access.AllowList, str | None]:
    try:
        return access.from_config(), None
    except (ValueError, OSError) as exc:
        _LOG.error("Allow-list could not be read: %s", exc)
        return access.AllowList(), str(exc)


def _resolve() -> tuple[access.Viewer, str | None]:
    allow, problem = _allow_list()
    return access.role_for(_claims(), allow, access.default_role()), problem


def viewer() -> access.Viewer:
    """The viewer and their role. A broken allow-list gives nobody more than the default
    role (and the sidebar says the list could not be read)."""
    return _resolve()[0]


def role() -> str:
    return viewer().role


def sidebar() -> access.Viewer:
    """Role, a note on what it sees, and the sign-in or sign-out button."""
    lg = lang()
    who, problem = _resolve()
    st.markdown(f"**{i18n.t('role', lg)}:** {i18n.t('role_' + who.role, lg)}")
    st.caption(i18n.t("role_note_" + who.role, lg))
    if not configured():
        st.caption(i18n.t("auth_off", lg))
        return who
    if problem:
        st.warning(i18n.t("auth_list_broken", lg), icon=":material/warning:")
    if who.signed_in:
        # The address comes from the identity token: shown as text, never as markdown.
        st.caption(i18n.t("auth_signed_in_as", lg, who=safe.markdown(who.email or "–")))
        if not who.listed:
            st.caption(i18n.t("auth_not_listed", lg))
        if st.button(i18n.t("auth_logout", lg), key="auth_logout", icon=":material/logout:"):
            st.logout()
    elif st.button(
        i18n.t("auth_login", lg), key="auth_login", type="primary", icon=":material/login:"
    ):
        st.login()
    return who


def refuse(title: str, minimum: str, current: str) -> None:
    """The page a role may not see, reached by URL: say so, show nothing of it."""
    lg = lang()
    st.title(i18n.t("access_denied", lg))
    st.error(
        i18n.t(
            "access_denied_text",
            lg,
            page=title,
            needed=i18n.t("role_" + minimum, lg).lower(),
            role=i18n.t("role_" + current, lg).lower(),
        ),
        icon=":material/lock:",
    )
    st.caption(i18n.t("access_denied_login" if configured() else "access_denied_no_login", lg))


def require(minimum: str) -> access.Viewer:
    """At the top of a restricted page: stop unless the viewer's role is high enough
    (the router already refuses; this guards a page that is reached some other way)."""
    who = viewer()
    if not access.allows(who.role, minimum):
        st.error(i18n.t("access_denied", lang()), icon=":material/lock:")
        st.stop()
    return who


def audited(action: str, what: str, rows: int | None = None, **detail) -> None:
    """Record an export or import by the current viewer in the audit log (`pax.audit`).
    Used as a download button's `on_click` callback, which runs in the viewer's session
    at the start of the rerun that the click causes."""
    who = viewer()
    try:
        audit.record(action, what, who.who, who.role, rows, detail=detail)
    except (OSError, sqlite3.Error, ValueError):
        # The file has already gone to the browser; an unwritable log must not break the
        # page, but it must be visible to whoever runs the server.
        _LOG.exception("Audit log entry could not be written: %s %s", action, what)
        st.toast(i18n.t("audit_failed", lang()), icon=":material/warning:")
