"""Several app replicas behind nginx, with the configuration of docs/deployment.md as
written: only the ports, the certificate's paths and the log and temporary folders are
put in for the test (a self-signed certificate made here). A browser through the proxy
keeps its session (a filter changes the page over the proxied WebSocket), and when the
replica holding it is stopped, the browser reconnects to the other and the page works
again, its filters kept in the address."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, _stop, free_port, serve
from tests.e2e.helpers import SCRIPT_DONE, TITLE, assert_no_exception, choose, select_box

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
def nginx_proxy(tmp: Path, upstreams: tuple[int, int]) -> Iterator[tuple[int, int]]:
    """nginx with the documented configuration in front of the app on `upstreams` (the same
    port twice for one replica), a self-signed certificate made in `tmp`; yields its
    (http, https) ports once it answers, and stops it afterwards."""
    http, https = free_port(), free_port()
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


def test_replicas_behind_nginx_keep_the_session_and_survive_a_stopped_replica(
    browser, store_env, tmp_path
):
    ports = (free_port(), free_port())
    settings = store_env | {"STREAMLIT_SERVER_COOKIE_SECRET": SECRET}
    replicas = [ExitStack(), ExitStack()]
    stack = ExitStack()  # the proxy

    def start(i: int) -> None:
        logs = tmp_path / f"replica{i}"
        logs.mkdir(exist_ok=True)
        replicas[i] = ExitStack()
        replicas[i].enter_context(serve(settings, logs, port=ports[i]))

    try:
        start(0)
        start(1)
        http, https = stack.enter_context(nginx_proxy(tmp_path, ports))
        context = browser.new_context(
            ignore_https_errors=True, viewport={"width": 1920, "height": 1080}
        )
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
        for i, (label, days) in enumerate((("senaste 7 dagarna", 7), ("senaste 90 dagarna", 90))):
            replicas[i].close()
            page.wait_for_timeout(1500)
            # Only a live session answers a filter (the old page's text would still show);
            # a choice made while the browser is still reconnecting is lost, so try again.
            deadline = time.monotonic() + 90
            while f"dagar={days}&" not in page.url + "&":
                assert time.monotonic() < deadline, f"no session after stopping replica {i}"
                try:
                    select_box(page, "Period").click(timeout=5_000)
                    page.get_by_role("option", name=label, exact=True).click(timeout=5_000)
                    expect(page).to_have_url(re.compile(rf"dagar={days}\b"), timeout=10_000)
                except (AssertionError, PlaywrightTimeout):
                    page.keyboard.press("Escape")
                    page.wait_for_timeout(1000)
            page.wait_for_selector(SCRIPT_DONE, timeout=60_000)
            expect(page.locator(TITLE).first).to_have_text("Här och nu")
            assert_no_exception(page)
            start(i)  # back for the next round
        context.close()
    finally:
        stack.close()
        for replica in replicas:
            replica.close()
