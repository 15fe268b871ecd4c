"""Roles in the running app (AppTest): the analysts' page is refused to public and council,
sign-in claims plus the allow-list give the role, and downloads are written to the audit log."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pax import audit

ROOT = Path(__file__).resolve().parents[2]
AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "pax",
        "client_secret": "secret",
        "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
    }
}


def _app(user: dict | None = None, secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    if user is not None:
        at.user = user
    if secrets:
        at.secrets.update(secrets)
    return at.run()


def _review(at: AppTest) -> AppTest:
    return at.switch_page("app_pages/granskning.py").run()


def _sidebar_text(at: AppTest) -> str:
    parts = [e.value for e in at.sidebar.markdown] + [e.value for e in at.sidebar.caption]
    return "\n".join(parts)


@pytest.fixture
def roles(app_env, monkeypatch):
    monkeypatch.setenv("PAX_ROLES", "anna@kommun.se=analyst;grp:pax-council=council")
    return app_env


@pytest.mark.parametrize("role", ["public", "council"])
def test_review_page_is_refused_by_url_below_analyst(app_env, monkeypatch, role):
    monkeypatch.setenv("PAX_DEFAULT_ROLE", role)
    at = _review(_app())
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Åtkomst nekad"
    assert "Granskning" in at.error[0].value and "analytiker" in at.error[0].value
    # Nothing of the page ran: no upload panel, no audit table.
    assert not at.file_uploader and not at.dataframe


def test_without_auth_the_sidebar_says_everyone_has_the_default_role(app_env):
    at = _app()  # AppTest's default user has an e-mail address but never signed in
    text = _sidebar_text(at)
    assert "Allmänhet" in text and "Inloggning är inte konfigurerad" in text
    assert not [b for b in at.sidebar.button if b.label == "Logga in"]


def test_logged_in_claims_without_an_auth_block_are_ignored(roles):
    at = _review(_app({"is_logged_in": True, "email": "anna@kommun.se"}))
    assert at.title[0].value == "Åtkomst nekad"


def test_signed_out_viewer_with_auth_gets_the_sign_in_button(roles):
    at = _app({"is_logged_in": False}, AUTH)
    assert [b.label for b in at.sidebar.button if b.label == "Logga in"] == ["Logga in"]
    assert "Allmänhet" in _sidebar_text(at)


def test_an_allow_listed_analyst_signs_in_and_opens_the_review_page(roles):
    at = _app({"is_logged_in": True, "email": "anna@kommun.se", "name": "Anna"}, AUTH)
    text = _sidebar_text(at)
    # The address from the token is escaped: markdown shows it as text, not as a link.
    assert "Analytiker" in text and r"Inloggad som anna\@kommun\.se" in text
    assert "Logga ut" in [b.label for b in at.sidebar.button]
    at = _review(at)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Granskning"
    # The import panel's place: a demo store refuses imports and says how to go live.
    assert any("PAX_MODE=live" in i.value for i in at.info)
    assert at.header[-1].value == "Granskningslogg"


def test_a_group_claim_gives_council_and_the_review_page_stays_refused(roles):
    at = _app({"is_logged_in": True, "email": "bo@kommun.se", "groups": ["pax-council"]}, AUTH)
    assert "Förtroendevald" in _sidebar_text(at)
    assert _review(at).title[0].value == "Åtkomst nekad"


def test_a_signed_in_stranger_sees_the_public_view_and_is_told_why(roles):
    at = _app({"is_logged_in": True, "email": "eve@example.com"}, AUTH)
    text = _sidebar_text(at)
    assert "Allmänhet" in text and "finns inte i appens behörighetslista" in text
    assert _review(at).title[0].value == "Åtkomst nekad"


def test_a_broken_allow_list_gives_nobody_more_than_the_default(app_env, monkeypatch):
    monkeypatch.setenv("PAX_ROLES", "anna@kommun.se=admin")
    at = _app({"is_logged_in": True, "email": "anna@kommun.se"}, AUTH)
    assert "Behörighetslistan kunde inte läsas" in at.sidebar.warning[0].value
    assert _review(at).title[0].value == "Åtkomst nekad"


def test_a_download_is_written_to_the_audit_log_with_who_and_role(roles):
    at = _app({"is_logged_in": True, "email": "anna@kommun.se"}, AUTH)
    at = at.switch_page("app_pages/om_data.py").run()
    button = next(b for b in at.download_button if b.label == "Ladda ned CSV")
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    log = audit.read(file=audit.path())
    entry = log.iloc[0]
    assert (entry["who"], entry["role"], entry["action"], entry["what"]) == (
        "anna@kommun.se",
        "analyst",
        "export_csv",
        "kallor.csv",
    )
    assert entry["rows"] > 0
    # The analyst sees it on the review page.
    at = _review(at)
    shown = at.dataframe[-1].value
    assert "kallor.csv" in set(shown["Fil"])


def test_a_briefing_download_is_written_to_the_audit_log(app_env, monkeypatch):
    from pax import briefing
    from tests.app.test_briefing import _buttons_app

    monkeypatch.setattr(briefing, "find_chromium", lambda: None)  # HTML only: faster
    at = AppTest.from_function(_buttons_app, default_timeout=120).run()
    at.button[0].click().run()
    at.download_button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    entry = audit.read(file=audit.path()).iloc[0]
    assert (entry["who"], entry["role"], entry["action"], entry["what"]) == (
        "anonym",
        "public",
        "briefing_html",
        "pax-lagesbild-2026-11-27.html",
    )
