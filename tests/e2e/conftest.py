"""Browser fixtures: one real Streamlit server and one headless Chromium per test session.

The server runs `dashboard.py` on a free port against the session's test store
(`store_env` from tests/conftest.py). Every request any page makes, iframes included,
is recorded in `request_log` so a test can prove that nothing leaves the machine.

For sign-in: a local OpenID Connect provider (`oidc-provider-mock`, fixture `provider`),
`sign_in_settings` writing a secrets file with an `[auth]` block against it and a roles
file, and `local_only_context`, a browser context in which nothing can leave the machine.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.e2e.chromium import NO_CHROMIUM, find_chromium
from tests.e2e.helpers import is_local

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1920, "height": 1080}
STARTUP_TIMEOUT_S = 60
PAGE_TIMEOUT_MS = 60_000
# The mock provider's predefined users, and the app's roles file for them.
USERS = (
    {"sub": "anna", "email": "anna@kommun.se", "name": "Anna Analytiker"},
    {"sub": "bo", "email": "bo@kommun.se", "groups": ["pax-fullmaktige"]},
    {"sub": "eve", "email": "eve@example.com"},
)
ROLES_TOML = '[users]\n"anna@kommun.se" = "analyst"\n\n[groups]\n"pax-fullmaktige" = "council"\n'


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode().strip() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server's whole process group, killing it if it does not stop."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        pytest.skip(NO_CHROMIUM)
    return path


@pytest.fixture(scope="session")
def app_url(chromium_path, store_env, tmp_path_factory) -> Iterator[str]:
    """Base URL of a real `streamlit run dashboard.py` server on a free port."""
    with serve(store_env, tmp_path_factory.mktemp("streamlit")) as base:
        yield base


@contextmanager
def serve(
    settings: dict[str, str], logs: Path, args: Sequence[str] = (), port: int | None = None
) -> Iterator[str]:
    """Run `streamlit run dashboard.py` with these PAX_* settings (and extra command-line
    `args`) on a free port until the block ends; yields its base URL."""
    port = port or free_port()
    # The parent's PAX_* settings (tiles, role, language…) must not leak into the app.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAX_")} | settings
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        *args,
    ]
    with open(logs / "stdout.txt", "wb") as out, open(logs / "stderr.txt", "wb") as err:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(f"{base}/_stcore/health"):
            exit_code = proc.poll()
            if exit_code is not None or time.monotonic() > deadline:
                _stop(proc)
                why = (
                    f"exited with code {exit_code}"
                    if exit_code is not None
                    else f"did not answer within {STARTUP_TIMEOUT_S} s"
                )
                stderr = (logs / "stderr.txt").read_text(encoding="utf-8", errors="replace")
                pytest.fail(
                    f"Streamlit server {why} at {base}/_stcore/health; stderr:\n{stderr}",
                    pytrace=False,
                )
            time.sleep(0.2)  # poll interval, not a fixed wait
        yield base
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def browser(chromium_path) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def request_log() -> list[str]:
    """Every URL requested by any page or iframe during the session."""
    return []


@pytest.fixture
def context(browser, request_log) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    # Context-level events include requests made from iframes (the map component).
    context.on("request", lambda request: request_log.append(request.url))
    yield context
    context.close()


@pytest.fixture
def page(context, request_log) -> Page:
    page = context.new_page()
    # WebSockets are not requests; log them too (Streamlit's own is on the same host).
    page.on("websocket", lambda socket: request_log.append(socket.url))
    return page


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def provider(chromium_path, tmp_path_factory) -> Iterator[str]:
    """The mock OpenID provider on a free port, with the predefined `USERS`."""
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
        _stop(proc)


def sign_in_settings(
    work: Path, provider: str, redirect_uri: str, cookie_secret: str
) -> tuple[dict[str, str], list[str]]:
    """Write into `work` a secrets file whose `[auth]` block signs in against `provider`
    and the roles file `ROLES_TOML`; return the app's settings (the roles file, an audit log
    in `work`) and the command-line arguments that pass it the secrets file."""
    (work / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "{redirect_uri}"\n'
        f'cookie_secret = "{cookie_secret}"\n'
        'client_id = "pax-lagesbild"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    (work / "roller.toml").write_text(ROLES_TOML, encoding="utf-8")
    settings = {
        "PAX_ROLES_FILE": str(work / "roller.toml"),
        "PAX_AUDIT": str(work / "audit.sqlite3"),
    }
    return settings, ["--secrets.files", str(work / "secrets.toml")]


@contextmanager
def local_only_context(
    browser: Browser, **options
) -> Iterator[tuple[BrowserContext, list[tuple[str, str, str]]]]:
    """A browser context (`options` as for `browser.new_context`) in which nothing can leave
    the machine; yields it with the blocked requests as (URL, resource type, URL of the page
    that asked)."""
    blocked: list[tuple[str, str, str]] = []
    context = browser.new_context(viewport=VIEWPORT, **options)
    context.set_default_timeout(PAGE_TIMEOUT_MS)

    def guard(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            request = route.request
            blocked.append((request.url, request.resource_type, request.frame.url))
            route.abort()

    context.route("**/*", guard)
    try:
        yield context, blocked
    finally:
        context.close()


def only_provider_styles(blocked: list[tuple[str, str, str]], provider: str) -> None:
    """Every blocked request was a stylesheet of the provider's own pages (its login page
    loads one from a public CDN), none the app's."""
    for url, kind, page_url in blocked:
        assert kind == "stylesheet" and page_url.startswith(provider), (url, kind, page_url)
