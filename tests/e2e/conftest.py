"""Browser fixtures: one real Streamlit server and one headless Chromium per test session.

The server runs `dashboard.py` on a free port against the session's test store
(`store_env` from tests/conftest.py). Every request any page makes, iframes included,
is recorded in `request_log` so a test can prove that nothing leaves the machine.
"""

from __future__ import annotations

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
