"""Sign-in for real: a local OpenID Connect provider (`oidc-provider-mock`), a Streamlit
server with an `[auth]` block in a generated secrets file and an allow-list, and headless
Chromium signing in through the provider's form.

The secrets file lives in a temporary folder and reaches the server through
`--secrets.files`, so the repository's `.streamlit/` is never touched. The provider's own
pages load a stylesheet from a CDN; the browser context blocks every request that would
leave the machine and the test checks that only the provider's stylesheet tried to."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from pax import audit
from tests.e2e.conftest import PAGE_TIMEOUT_MS, VIEWPORT, free_port, serve
from tests.e2e.helpers import LOCAL_HOSTS, LOCAL_SCHEMES, SCRIPT_DONE, TITLE, wait_for_page

pytestmark = pytest.mark.e2e

USERS = (
    {"sub": "anna", "email": "anna@kommun.se", "name": "Anna Analytiker"},
    {"sub": "bo", "email": "bo@kommun.se", "groups": ["pax-fullmaktige"]},
    {"sub": "eve", "email": "eve@example.com"},
)
ROLES_TOML = '[users]\n"anna@kommun.se" = "analyst"\n\n[groups]\n"pax-fullmaktige" = "council"\n'
# The only outside requests allowed to be *attempted* (and they are blocked): the mock
# provider's own login page loads its stylesheet from a public CDN; the app loads nothing.
SIDEBAR = '[data-testid="stSidebar"]'
NAV = '[data-testid="stSidebarNav"]'


@pytest.fixture(scope="module")
def provider(chromium_path, tmp_path_factory) -> Iterator[str]:
    """The mock OpenID provider on a free port, with three predefined users."""
    port = free_port()
    logs = tmp_path_factory.mktemp("oidc")
    cmd = [sys.executable, "-m", "oidc_provider_mock", "--port", str(port)]
    for user in USERS:
        cmd += ["--user-claims", json.dumps(user)]
    with open(logs / "out.txt", "wb") as out:
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/.well-known/openid-configuration", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"OIDC provider did not start:\n{(logs / 'out.txt').read_text()}")
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def signed_app(provider, store_env, tmp_path_factory) -> Iterator[dict]:
    """A Streamlit server with sign-in against `provider` and an allow-list file."""
    work = tmp_path_factory.mktemp("signin")
    port = free_port()
    (work / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "pax-lagesbild"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    (work / "roller.toml").write_text(ROLES_TOML, encoding="utf-8")
    audit_file = work / "audit.sqlite3"
    settings = store_env | {
        "PAX_ROLES_FILE": str(work / "roller.toml"),
        "PAX_AUDIT": str(audit_file),
    }
    args = ["--secrets.files", str(work / "secrets.toml")]
    with serve(settings, work, args, port=port) as base:
        yield {"base": base, "audit": audit_file}


@pytest.fixture
def browser_context(browser) -> Iterator[tuple[BrowserContext, list[tuple[str, str, str]]]]:
    """A context in which nothing can leave the machine; returns the blocked requests as
    (URL, resource type, URL of the page that asked)."""
    blocked: list[tuple[str, str, str]] = []
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(PAGE_TIMEOUT_MS)

    def guard(route):
        url = urlsplit(route.request.url)
        if url.scheme in LOCAL_SCHEMES or url.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            request = route.request
            blocked.append((request.url, request.resource_type, request.frame.url))
            route.abort()

    context.route("**/*", guard)
    yield context, blocked
    context.close()


def _sidebar(page: Page):
    return page.locator(SIDEBAR)


def _wait_for_role(page: Page, role: str) -> None:
    page.wait_for_selector(SCRIPT_DONE)
    expect(_sidebar(page)).to_contain_text(f"Roll: {role}")


def _sign_in(page: Page, base: str, subject: str) -> None:
    page.goto(base)
    _wait_for_role(page, "Allmänhet")
    _sidebar(page).get_by_role("button", name="Logga in").click()
    # The provider's consent form: one button per predefined user.
    page.wait_for_url(lambda url: "/oauth2/authorize" in url)
    page.get_by_role("button", name=subject, exact=True).click()
    page.wait_for_url(lambda url: url.rstrip("/") == base)


def _refused(page: Page, base: str, path: str) -> None:
    page.goto(f"{base}/{path}")
    page.wait_for_selector(SCRIPT_DONE)
    expect(page.locator(TITLE).first).to_have_text("Åtkomst nekad")
    expect(page.locator('[data-testid="stAlertContentError"]')).to_contain_text("Granskning")
    expect(page.get_by_text("Granskningslogg")).to_have_count(0)


def _only_provider_styles(blocked: list[tuple[str, str, str]], provider: str) -> None:
    """Every blocked request was a stylesheet of the provider's own pages, none the app's."""
    for url, kind, page_url in blocked:
        assert kind == "stylesheet" and page_url.startswith(provider), (url, kind, page_url)


def test_an_analyst_signs_in_sees_the_review_page_and_signs_out(
    signed_app, provider, browser_context, artifacts
):
    context, blocked = browser_context
    base = signed_app["base"]
    page = context.new_page()

    # Not signed in: public, no analysts' page in the menu, refused by URL.
    page.goto(base)
    _wait_for_role(page, "Allmänhet")
    expect(page.locator(NAV)).to_contain_text("Om data")
    expect(page.locator(NAV).get_by_text("Granskning")).to_have_count(0)
    _refused(page, base, "granskning")
    page.screenshot(path=artifacts / "sign_in_refused.png")

    _sign_in(page, base, "anna")
    _wait_for_role(page, "Analytiker")
    expect(_sidebar(page)).to_contain_text("Inloggad som anna@kommun.se")

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
    _sidebar(page).get_by_role("button", name="Logga ut").click()
    page.wait_for_url(lambda url: "/oauth2/end_session" in url)
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(lambda url: urlsplit(url).path in ("", "/"))
    _wait_for_role(page, "Allmänhet")
    expect(_sidebar(page).get_by_role("button", name="Logga in")).to_be_visible()
    _refused(page, base, "granskning")

    _only_provider_styles(blocked, provider)


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
    _sign_in(page, base, subject)
    _wait_for_role(page, role)
    if note:
        expect(_sidebar(page)).to_contain_text(note)
    expect(page.locator(NAV).get_by_text("Granskning")).to_have_count(0)
    _refused(page, base, "granskning")
    _only_provider_styles(blocked, provider)
