"""Memory of presentation mode over a long run: does the server grow while the pages turn?

    python benchmarks/kiosk_memory.py                 # 30 minutes, a sample every 30 s
    python benchmarks/kiosk_memory.py --minutes 5 --every 10 --seconds 5

Builds a test store like `tests.conftest.build_store` (under benchmarks/work/kiosk/), starts
`streamlit run dashboard.py` on a free port with `PAX_KIOSK_SECONDS` (default 5: a 30-minute
run turns about as many pages as 5 hours at the default 45 s), opens `/?kiosk=1` in headless
Chromium (Playwright, Debian's chromium) and samples:

- `server_mb`: RSS of the server process and its children (psutil), in MB;
- `browser_mb`: PSS (shared pages split between processes, so not counted twice) of the
  Chromium processes Playwright started, in MB;
- `cache_kb`: Streamlit's own count of bytes held by st.cache_data/st.cache_resource and the
  media file store (`/_stcore/metrics`, `cache_memory_bytes`), in kB; `caches` in the JSON
  lists them per cache, so a growing one can be named;
- `switches`: page changes seen by the browser so far, and the page shown.

It prints a table, writes benchmarks/kiosk_memory.json and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.conftest import DEMO_END, build_store  # noqa: E402
from tests.e2e.chromium import NO_CHROMIUM, find_chromium  # noqa: E402

WORK = ROOT / "benchmarks" / "work" / "kiosk"
OUT = ROOT / "benchmarks" / "kiosk_memory.json"
METRIC = re.compile(r'^cache_memory_bytes\{cache_type="([^"]*)",cache="([^"]*)"\} (\S+)$')
TITLE_JS = "() => document.querySelector('[data-testid=\"stMain\"] h1')?.innerText || ''"
# Counts page changes in the browser (h1 text changes), kept on window across reruns.
COUNT_JS = """
() => {
  if (window.__paxSwitches === undefined) {
    window.__paxSwitches = 0;
    let last = '';
    setInterval(() => {
      const h1 = document.querySelector('[data-testid="stMain"] h1');
      const text = h1 ? h1.innerText : '';
      if (text && text !== last) { if (last) window.__paxSwitches += 1; last = text; }
    }, 250);
  }
  return window.__paxSwitches;
}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_memory(proc: psutil.Process, match: str | None = None, kind: str = "rss") -> int:
    """RSS (or PSS) of a process and all its children (only names containing `match`)."""
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for p in procs:
        try:
            if match is None or match in p.name().lower():
                info = p.memory_info() if kind == "rss" else p.memory_full_info()
                total += getattr(info, kind)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def caches(base: str) -> dict[str, int]:
    with urllib.request.urlopen(f"{base}/_stcore/metrics", timeout=10) as response:
        text = response.read().decode()
    out = {}
    for line in text.splitlines():
        m = METRIC.match(line)
        if m:
            out[f"{m[1]}:{m[2]}"] = int(float(m[3]))
    return out


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {base} within {timeout:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--every", type=float, default=30, help="seconds between samples")
    parser.add_argument("--seconds", type=int, default=5, help="PAX_KIOSK_SECONDS")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    chromium = find_chromium()
    if chromium is None:
        raise SystemExit(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    print(f"Building the test store in {WORK} …", flush=True)
    store = build_store(WORK)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAX_")}
    env |= {
        "PAX_STORE": str(store),
        "PAX_DATA_DIR": str(WORK / "data"),
        "PAX_DEMO_END": DEMO_END.isoformat(),
        "PAX_KIOSK_SECONDS": str(args.seconds),
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(WORK / "server.log", "wb")  # closed in `finally`
    cmd = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port)]
    server = subprocess.Popen(
        [*cmd, "--server.headless", "true"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    samples: list[dict] = []
    started = time.monotonic()
    try:
        wait_healthy(base, server)
        server_ps = psutil.Process(server.pid)
        me = psutil.Process()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(f"{base}/?kiosk=1")
            page.wait_for_selector('[data-testid="stMain"] h1', timeout=120_000)
            page.evaluate(COUNT_JS)
            started = time.monotonic()
            header = f"{'min':>6} {'server_mb':>10} {'browser_mb':>11} {'cache_kb':>9} "
            print(header + f"{'switches':>9}  page", flush=True)
            end = started + args.minutes * 60
            while True:
                cache = caches(base)
                row = {
                    "minute": round((time.monotonic() - started) / 60, 2),
                    "server_mb": round(tree_memory(server_ps) / 2**20, 1),
                    "browser_mb": round(tree_memory(me, "chrom", "pss") / 2**20, 1),
                    "cache_kb": round(sum(cache.values()) / 1024, 1),
                    "switches": page.evaluate(COUNT_JS),
                    "page": page.evaluate(TITLE_JS),
                    "caches": cache,
                }
                samples.append(row)
                print(
                    f"{row['minute']:6.1f} {row['server_mb']:10.1f} {row['browser_mb']:11.1f} "
                    f"{row['cache_kb']:9.1f} {row['switches']:9d}  {row['page']}",
                    flush=True,
                )
                if time.monotonic() >= end:
                    break
                page.wait_for_timeout(min(args.every, end - time.monotonic()) * 1000)
            browser.close()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, 15)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, 9)
        log.close()

    server_mb = [s["server_mb"] for s in samples]
    summary = {
        "minutes": args.minutes,
        "kiosk_seconds": args.seconds,
        "samples": len(samples),
        "switches": samples[-1]["switches"] if samples else 0,
        "server_first_mb": server_mb[0] if samples else None,
        "server_last_mb": server_mb[-1] if samples else None,
        "server_max_mb": max(server_mb) if samples else None,
        "browser_first_mb": samples[0]["browser_mb"] if samples else None,
        "browser_last_mb": samples[-1]["browser_mb"] if samples else None,
        "browser_max_mb": max(s["browser_mb"] for s in samples) if samples else None,
    }
    if len(samples) >= 4:  # growth over the second half, where warm-up is over
        half = samples[len(samples) // 2 :]
        span = half[-1]["minute"] - half[0]["minute"]
        if span > 0:
            summary["server_mb_per_hour_2nd_half"] = round(
                (half[-1]["server_mb"] - half[0]["server_mb"]) / span * 60, 1
            )
    args.out.write_text(
        json.dumps({"summary": summary, "samples": samples}, indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
