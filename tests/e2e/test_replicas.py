"""Several app replicas behind nginx, with the configuration of docs/deployment.md as
written: only the ports, the certificate's paths and the log and temporary folders are
put in for the test (a self-signed certificate made here). A browser through the proxy
keeps its session (a filter changes the page over the proxied WebSocket), and when the
replica holding it is stopped, the browser reconnects to the other and the page works
again, its filters kept in the address. A person signed in through the proxy (one
secrets file with the same `[auth]` cookie secret on both replicas) stays signed in, with
her role, on the other replica."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    ROOT,
    VIEWPORT,
    _stop,
    free_port,
    local_only_context,
    only_provider_styles,
    serve,
    sign_in_settings,
)
from tests.e2e.helpers import (
    SCRIPT_DONE,
    TITLE,
    assert_no_exception,
    choose,
    select_box,
    sidebar,
    sign_in,
    wait_for_page,
    wait_for_role,
)

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
if NGINX is None or shutil.which("openssl") is None:
    pytest.skip(
        "nginx eller openssl saknas: installera Debians paket nginx", allow_module_level=True
    )

pytestmark = pytest.mark.e2e
SECRET = "0123456789abcdef" * 4  # the same cookie secret on every replica


def documented_config() -> str:
    """The nginx block of docs/deployment.md, as written."""
    text = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    section = text.split("## nginx", 1)[1]
    return re.search(r"```nginx\n(.*?)```", section, re.S).group(1)


def nginx_config(tmp: Path, upstreams: tuple[int, int], http: int, https: int) -> str:
    conf = documented_config()
    for placeholder, value in (
        ("server 127.0.0.1:8501;", f"server 127.0.0.1:{upstreams[0]};"),
        ("server 127.0.0.1:8502;", f"server 127.0.0.1:{upstreams[1]};"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("/etc/ssl/pax/fullchain.pem", str(tmp / "cert.pem")),
        ("/etc/ssl/pax/privkey.pem", str(tmp / "key.pem")),
    ):
        assert placeholder in conf, placeholder
        conf = conf.replace(placeholder, value)
    temp = "".join(
        f"{kind}_temp_path {tmp / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}daemon off;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'};\n"
        f"events {{}}\nhttp {{\naccess_log {tmp / 'access.log'};\n{temp}{conf}\n}}\n"
    )


def _wait_for_port(port: int, timeout: float = 20) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nginx answers not on port {port}")


@contextmanager
def nginx_proxy(
    tmp: Path, upstreams: tuple[int, int], http: int | None = None, https: int | None = None
) -> Iterator[tuple[int, int]]:
    """nginx with the documented configuration in front of the app on `upstreams` (the same
    port twice for one replica), a self-signed certificate made in `tmp`; listens on `http`
    and `https` (free ports if not given) and yields them once it answers, and stops it
    afterwards."""
    http, https = http or free_port(), https or free_port()
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=pax.kommun.example",
            "-keyout",
            str(tmp / "key.pem"),
            "-out",
            str(tmp / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    (tmp / "nginx.conf").write_text(nginx_config(tmp, upstreams, http, https))
    proc = subprocess.Popen(
        [NGINX, "-c", str(tmp / "nginx.conf"), "-p", str(tmp)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for_port(https)
        yield http, https
    finally:
        _stop(proc)


class Replicas:
    """Two replicas of the app on free ports with the same settings (`args`: extra command-line
    arguments), each logging into `tmp`/replica<i>; each can be stopped and started again."""

    def __init__(self, settings: dict[str, str], tmp: Path, args: Sequence[str] = ()):
        self.settings, self.tmp, self.args = settings, tmp, args
        self.ports = (free_port(), free_port())
        self.running = [ExitStack(), ExitStack()]

    def start(self, i: int) -> None:
        logs = self.tmp / f"replica{i}"
        logs.mkdir(exist_ok=True)
        self.running[i] = ExitStack()
        self.running[i].enter_context(serve(self.settings, logs, self.args, port=self.ports[i]))

    def stop(self, i: int) -> None:
        self.running[i].close()

    def each_stopped(self) -> Iterator[int]:
        """Stop each replica in turn, the body of the loop running while it is down, and
        start it again. All of the test's requests come from 127.0.0.1, so `ip_hash` sends
        them all to one replica: one of the two rounds stops the replica holding the session."""
        for i in range(2):
            self.stop(i)
            yield i
            self.start(i)


@contextmanager
def replicas_behind_nginx(
    settings: dict[str, str], tmp: Path, args: Sequence[str] = (), https: int | None = None
) -> Iterator[tuple[Replicas, int, int]]:
    """Two `Replicas` behind `nginx_proxy` (on `https` if given); yields them with the
    proxy's (http, https) ports, and stops them all afterwards."""
    replicas = Replicas(settings, tmp, args)
    try:
        replicas.start(0)
        replicas.start(1)
        with nginx_proxy(tmp, replicas.ports, https=https) as (http, https):
            yield replicas, http, https
    finally:
        replicas.stop(0)
        replicas.stop(1)


def until_live(page: Page, attempt: Callable[[], None], what: str, seconds: float = 90) -> None:
    """Call `attempt` until it passes: after a replica stops, the browser needs a while to
    reach the other through nginx (a request or a choice made meanwhile is lost)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            attempt()
            return
        except (AssertionError, PlaywrightError):
            assert time.monotonic() < deadline, what
            page.keyboard.press("Escape")  # close a select box left open
            page.wait_for_timeout(1000)


def test_replicas_behind_nginx_keep_the_session_and_survive_a_stopped_replica(
    browser, store_env, tmp_path
):
    settings = store_env | {"STREAMLIT_SERVER_COOKIE_SECRET": SECRET}
    with replicas_behind_nginx(settings, tmp_path) as (replicas, http, https):
        context = browser.new_context(ignore_https_errors=True, viewport=VIEWPORT)
        page = context.new_page()
        base = f"https://127.0.0.1:{https}"
        page.goto(f"{base}/har-och-nu")
        page.wait_for_selector(SCRIPT_DONE, timeout=60_000)
        expect(page.locator(TITLE).first).to_have_text("Här och nu", timeout=60_000)
        # The session works over the proxied WebSocket: a filter reruns the page.
        choose(page, "Period", "senaste 28 dagarna")
        expect(page).to_have_url(re.compile(r"dagar=28"), timeout=30_000)
        page.wait_for_selector(SCRIPT_DONE)
        assert_no_exception(page)
        # The plain-HTTP port sends the browser to HTTPS.
        import urllib.request

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(f"http://127.0.0.1:{http}/")
        except urllib.error.HTTPError as moved:
            assert moved.code == 301 and moved.headers["Location"].startswith("https://")

        # Stop each replica in turn (one of them holds the session): the browser
        # reconnects through nginx to the other and the page works again.
        def period(label: str, days: int) -> None:
            # Only a live session answers a filter (the old page's text would still show).
            select_box(page, "Period").click(timeout=5_000)
            page.get_by_role("option", name=label, exact=True).click(timeout=5_000)
            expect(page).to_have_url(re.compile(rf"dagar={days}\b"), timeout=10_000)

        rounds = (("senaste 7 dagarna", 7), ("senaste 90 dagarna", 90))
        for i in replicas.each_stopped():
            page.wait_for_timeout(1500)
            until_live(page, partial(period, *rounds[i]), f"no session after stopping replica {i}")
            page.wait_for_selector(SCRIPT_DONE, timeout=60_000)
            expect(page.locator(TITLE).first).to_have_text("Här och nu")
            assert_no_exception(page)
        context.close()


def test_sign_in_holds_on_the_other_replica(browser, provider, store_env, tmp_path):
    """One secrets file for both replicas (the same `[auth]` block and cookie secret, a
    redirect URI on the proxy): a person who signed in through nginx is still signed in,
    with her role, when the replica she signed in on stops and the other one answers."""
    https = free_port()  # before the secrets: the redirect URI names it
    base = f"https://127.0.0.1:{https}"
    auth, args = sign_in_settings(tmp_path, provider, f"{base}/oauth2callback", SECRET)
    settings = store_env | auth | {"STREAMLIT_SERVER_COOKIE_SECRET": SECRET}
    with (
        replicas_behind_nginx(settings, tmp_path, args, https=https) as (replicas, _, _),
        local_only_context(browser, ignore_https_errors=True) as (context, blocked),
    ):
        page = context.new_page()
        sign_in(page, base, "anna")
        wait_for_role(page, "Analytiker")
        expect(sidebar(page)).to_contain_text("Inloggad som anna@kommun.se")

        def review() -> None:
            # A fresh page: only a live session runs its script and shows a title.
            page.goto(f"{base}/granskning", timeout=15_000)
            expect(page.locator(TITLE).first).to_be_visible(timeout=30_000)

        for i in replicas.each_stopped():
            until_live(page, review, f"no session after stopping replica {i}")
            # The analysts' page, not "Åtkomst nekad": the other replica read her cookie.
            wait_for_page(page, "Granskning")
            expect(page.get_by_text("Importera en fil")).to_be_visible()
            expect(page.get_by_role("heading", name="Granskningslogg")).to_be_visible()
            wait_for_role(page, "Analytiker")
            expect(sidebar(page)).to_contain_text("Inloggad som anna@kommun.se")
            assert_no_exception(page)
    only_provider_styles(blocked, provider)
