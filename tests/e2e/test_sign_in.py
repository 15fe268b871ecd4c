"""Sign-in for real: a local OpenID Connect provider (`oidc-provider-mock`), a Streamlit
server with an `[auth]` block in a generated secrets file and an allow-list, and headless
Chromium signing in through the provider's form.

The secrets file lives in a temporary folder and reaches the server through
`--secrets.files`, so the repository's `.streamlit/` is never touched. The provider's own
pages load a stylesheet from a CDN; the browser context blocks every request that would
leave the machine and the test checks that only the provider's stylesheet tried to."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from pax import audit
from tests.e2e.conftest import (
    free_port,
    local_only_context,
    only_provider_styles,
    serve,
    sign_in_settings,
)
from tests.e2e.helpers import SCRIPT_DONE, TITLE, sidebar, sign_in, wait_for_page, wait_for_role

pytestmark = pytest.mark.e2e

NAV = '[data-testid="stSidebarNav"]'


@pytest.fixture(scope="module")
def signed_app(provider, store_env, tmp_path_factory) -> Iterator[dict]:
    """A Streamlit server with sign-in against `provider` and an allow-list file."""
    work = tmp_path_factory.mktemp("signin")
    port = free_port()
    settings, args = sign_in_settings(
        work, provider, f"http://127.0.0.1:{port}/oauth2callback", secrets.token_hex(32)
    )
    with serve(store_env | settings, work, args, port=port) as base:
        yield {"base": base, "audit": Path(settings["PAX_AUDIT"])}


@pytest.fixture
def browser_context(browser) -> Iterator[tuple[BrowserContext, list[tuple[str, str, str]]]]:
    """A context in which nothing can leave the machine; returns the blocked requests as
    (URL, resource type, URL of the page that asked)."""
    with local_only_context(browser) as (context, blocked):
        yield context, blocked


def _refused(page: Page, base: str, path: str) -> None:
    page.goto(f"{base}/{path}")
    page.wait_for_selector(SCRIPT_DONE)
    expect(page.locator(TITLE).first).to_have_text("Åtkomst nekad")
    expect(page.locator('[data-testid="stAlertContentError"]')).to_contain_text("Granskning")
    expect(page.get_by_text("Granskningslogg")).to_have_count(0)


def test_an_analyst_signs_in_sees_the_review_page_and_signs_out(
    signed_app, provider, browser_context, artifacts
):
    context, blocked = browser_context
    base = signed_app["base"]
    page = context.new_page()

    # Not signed in: public, no analysts' page in the menu, refused by URL.
    page.goto(base)
    wait_for_role(page, "Allmänhet")
    expect(page.locator(NAV)).to_contain_text("Om data")
    expect(page.locator(NAV).get_by_text("Granskning")).to_have_count(0)
    _refused(page, base, "granskning")
    page.screenshot(path=artifacts / "sign_in_refused.png")

    sign_in(page, base, "anna")
    wait_for_role(page, "Analytiker")
    expect(sidebar(page)).to_contain_text("Inloggad som anna@kommun.se")

    # A download on Om data is written to the audit log, under her name and role.
    page.locator(NAV).get_by_text("Om data").click()
    wait_for_page(page, "Om data")
    with page.expect_download() as info:
        page.get_by_role("button", name="Ladda ned CSV").first.click()
    assert info.value.suggested_filename == "kallor.csv"
    page.wait_for_selector(SCRIPT_DONE)  # the click's rerun writes the entry

    page.locator(NAV).get_by_text("Granskning").click()
    wait_for_page(page, "Granskning")
    expect(page.get_by_text("Importera en fil")).to_be_visible()
    expect(page.get_by_role("heading", name="Granskningslogg")).to_be_visible()
    page.screenshot(path=artifacts / "sign_in_analyst_review.png")
    entry = audit.read(file=signed_app["audit"]).iloc[0]
    assert (entry["who"], entry["role"], entry["action"], entry["what"]) == (
        "anna@kommun.se",
        "analyst",
        "export_csv",
        "kallor.csv",
    )

    # Sign out: through the provider's end-session page, back to the public view.
    sidebar(page).get_by_role("button", name="Logga ut").click()
    page.wait_for_url(lambda url: "/oauth2/end_session" in url)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(lambda url: urlsplit(url).path in ("", "/"))
    wait_for_role(page, "Allmänhet")
    expect(sidebar(page).get_by_role("button", name="Logga in")).to_be_visible()
    _refused(page, base, "granskning")

    only_provider_styles(blocked, provider)


@pytest.mark.parametrize(
    "subject, role, note",
    [("bo", "Förtroendevald", None), ("eve", "Allmänhet", "finns inte i appens behörighetslista")],
)
def test_council_and_unlisted_users_never_see_the_review_page(
    signed_app, provider, browser_context, subject, role, note
):
    context, blocked = browser_context
    base = signed_app["base"]
    page = context.new_page()
    sign_in(page, base, subject)
    wait_for_role(page, role)
    if note:
        expect(sidebar(page)).to_contain_text(note)
    expect(page.locator(NAV).get_by_text("Granskning")).to_have_count(0)
    _refused(page, base, "granskning")
    only_provider_styles(blocked, provider)
