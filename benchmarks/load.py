"""Load on the server, not on a browser: N sessions speaking Streamlit's own WebSocket
protocol (`streamlit.proto` BackMsg/ForwardMsg), each asking for a run of the pages in turn
and timing it from the request to the script's end, so one process drives hundreds of
sessions.

    python benchmarks/load.py                     # the cases of CASES, DuckDB, 10 000 events
    python benchmarks/load.py --cases 1x20,2x20 --events 100000 --engine postgres
    make load

A case `RxS` starts R replicas of the app behind nginx (the configuration of
docs/deployment.md as the replica test uses it) on a store of `--events` events, and opens
S sessions at once, each running every page of PAGES `--rounds` times; with `--think T`
each session first waits a random while (exponential, mean T seconds) before every page, as
a viewer reading it would (0: back to back, the replicas' saturation). Recorded per case:
sessions, replicas, engine, p50/p95/max of a page run, page runs per second over the
whole case, errors (a run without `script_finished`, an exception element, a dropped
socket), and the CPU each part of the machine spent per page run (the replicas, nginx,
PostgreSQL, this generator, and the rest: mostly the browsers). Beside them, `--browsers`
headless Chromium sessions (default 2) open every page through the proxy once and check
that it renders (a title, no error box); `--browsers 0` measures the server alone. Results
are merged into benchmarks/load.json (a case measured again replaces its row) and the whole
table goes to stdout (copy it into benchmarks/README.md with the date and commit).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import ssl
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = ("", "har-och-nu", "fortroende", "social-hallbarhet", "omraden")
CASES = ("1x10", "2x10", "1x50", "2x50", "2x100")


async def _session(
    url: str,
    pages,
    rounds: int,
    timings: list,
    errors: list,
    number: int = 0,
    think: float = 0.0,
) -> None:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    context = ssl._create_unverified_context() if url.startswith("wss") else None  # noqa: S323
    try:
        async with websockets.connect(
            f"{url}/_stcore/stream",
            subprotocols=["streamlit"],
            ssl=context,
            max_size=None,
            open_timeout=60,
            # Each session from its own loopback address (127.0.N.1): nginx's ip_hash keys
            # on the first three octets, so the sessions spread over the replicas as
            # viewers on different machines would.
            local_addr=(f"127.0.{number % 250 + 1}.1", 0),
        ) as socket:
            pause = random.Random(number)
            for _ in range(rounds):
                for page in pages:
                    if think:  # a viewer reads the page before opening the next
                        await asyncio.sleep(pause.expovariate(1 / think))
                    message = BackMsg()
                    message.rerun_script.query_string = ""
                    message.rerun_script.page_name = page
                    started = time.perf_counter()
                    await socket.send(message.SerializeToString())
                    failed = False
                    while True:
                        data = await asyncio.wait_for(socket.recv(), timeout=300)
                        reply = ForwardMsg()
                        reply.ParseFromString(data)
                        kind = reply.WhichOneof("type")
                        if kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                            failed |= reply.delta.new_element.WhichOneof("type") == "exception"
                        if kind == "page_not_found":
                            failed = True
                        if kind == "script_finished":
                            break
                    timings.append((page, time.perf_counter() - started))
                    if failed:
                        errors.append(f"{page}: an exception or no such page")
    except Exception as exc:  # noqa: BLE001 - every failure of a session is counted
        errors.append(f"{type(exc).__name__}: {exc}"[:200])


async def _browsers(url: str, count: int, pages, rounds: int, seen: list, errors: list) -> None:
    """`count` headless Chromium sessions opening the pages through the proxy while the load
    runs: each page must finish its script with a title and no error box. Appends
    (page, seconds) to `seen` and a line per failure to `errors`."""
    if not count:
        return
    from playwright.async_api import async_playwright

    from tests.e2e.chromium import find_chromium
    from tests.e2e.helpers import EXCEPTION, SCRIPT_DONE, TITLE

    base = url.replace("wss://", "https://")
    async with async_playwright() as play:
        browser = await play.chromium.launch(
            executable_path=find_chromium(), args=["--no-sandbox"], headless=True
        )

        async def one() -> None:
            context = await browser.new_context(
                ignore_https_errors=True, viewport={"width": 1920, "height": 1080}
            )
            page = await context.new_page()
            for _ in range(rounds):
                for name in pages:
                    started = time.perf_counter()
                    try:
                        await page.goto(f"{base}/{name}", timeout=300_000)
                        await page.wait_for_selector(SCRIPT_DONE, timeout=300_000)
                        await page.locator(TITLE).first.wait_for(timeout=300_000)
                        if await page.locator(EXCEPTION).count():
                            errors.append(f"browser {name}: an error box")
                    except Exception as exc:  # noqa: BLE001 - counted, the load goes on
                        errors.append(f"browser {name}: {type(exc).__name__}: {exc}"[:200])
                    seen.append((name, time.perf_counter() - started))
            await context.close()

        await asyncio.gather(*(one() for _ in range(count)))
        await browser.close()


async def drive(
    url: str, sessions: int, rounds: int, pages=PAGES, think: float = 0.0, browsers: int = 0
) -> dict:
    timings: list = []
    errors: list = []
    seen: list = []
    failed: list = []
    started = time.perf_counter()
    await asyncio.gather(
        *(_session(url, pages, rounds, timings, errors, i, think) for i in range(sessions)),
        _browsers(url, browsers, pages, 1, seen, failed),
    )
    wall = time.perf_counter() - started
    times = sorted(t for _, t in timings)

    def q(p: float) -> float | None:
        return round(times[min(len(times) - 1, int(p * len(times)))], 3) if times else None

    return {
        "sessions": sessions,
        "runs": len(times),
        "p50_s": round(statistics.median(times), 3) if times else None,
        "p95_s": q(0.95),
        "max_s": round(times[-1], 3) if times else None,
        "runs_per_s": round(len(times) / wall, 2) if wall else None,
        "errors": len(errors),
        "first_errors": errors[:3],
        "browser_pages": len(seen),
        "browser_p50_s": round(statistics.median(t for _, t in seen), 3) if seen else None,
        "browser_errors": len(failed),
        "first_browser_errors": failed[:3],
    }


def run_case(
    replicas: int,
    sessions: int,
    store_env: dict,
    rounds: int,
    work: Path,
    think: float = 0.0,
    browsers: int = 2,
) -> dict:
    """R replicas behind nginx (docs/deployment.md) and S sessions through it."""
    from tests.e2e.conftest import free_port, serve
    from tests.e2e.test_replicas import nginx_proxy

    ports = tuple(free_port() for _ in range(replicas))
    with ExitStack() as stack:
        for i, port in enumerate(ports):
            logs = work / f"replica{i}"
            logs.mkdir(exist_ok=True)
            stack.enter_context(serve(store_env, logs, port=port))
        _, https = stack.enter_context(nginx_proxy(work, (ports[0], ports[-1])))
        url = f"wss://127.0.0.1:{https}"
        asyncio.run(drive(url, 2, 1))  # warm every replica's caches a little
        before = _cpu(ports, work)
        result = asyncio.run(drive(url, sessions, rounds, think=think, browsers=browsers))
        spent = {k: v - before[k] for k, v in _cpu(ports, work).items()}
    runs = max(result["runs"], 1)
    # `other` is a difference of two readings: a few ms below zero is noise, shown as 0.
    cpu = {f"cpu_{k}_ms_per_run": round(1000 * max(v, 0.0) / runs, 1) for k, v in spent.items()}
    return {
        "replicas": replicas,
        "think_s": think,
        "browsers": browsers,
        "rounds": rounds,
        **result,
        **cpu,
    }


def _cpu(ports, work: Path) -> dict[str, float]:
    """CPU seconds used so far by the replicas (the processes serving `ports`), nginx (the
    processes of the configuration in `work`), PostgreSQL, this load generator, and the
    whole machine's busy time; `other` (the browsers, mostly) is the rest."""
    import psutil

    groups = {"replicas": 0.0, "nginx": 0.0, "postgres": 0.0}
    flags = tuple(f"--server.port {port}" for port in ports)
    for proc in psutil.process_iter(["name", "cmdline", "cpu_times"]):
        line = " ".join(proc.info["cmdline"] or ())
        times = proc.info["cpu_times"]
        if times is None:
            continue
        used = times.user + times.system
        if any(line.endswith(flag) or f"{flag} " in line for flag in flags):
            groups["replicas"] += used
        elif "nginx" in (proc.info["name"] or "") and str(work) in line:  # the master
            groups["nginx"] += used + sum(
                w.cpu_times().user + w.cpu_times().system for w in proc.children()
            )
        elif (proc.info["name"] or "").startswith("postgres"):
            groups["postgres"] += used
    mine = psutil.Process().cpu_times()
    groups["generator"] = mine.user + mine.system
    machine = psutil.cpu_times()
    busy = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
    groups["other"] = busy - sum(groups.values())
    return groups


def _key(row: dict) -> tuple:
    return (
        row["engine"],
        row["events"],
        row.get("think_s", 0.0),
        row.get("browsers", 2),
        row["replicas"],
        row["sessions"],
    )


def merge(path: Path, rows: list[dict]) -> list[dict]:
    """The results of earlier runs in `path` with this run's rows replacing the same cases."""
    old = json.loads(path.read_text()) if path.exists() else []
    new = {_key(r) for r in rows}
    return sorted([r for r in old if _key(r) not in new] + rows, key=_key)


def table(rows: list[dict]) -> str:
    """The results as the Markdown table of benchmarks/README.md."""
    lines = [
        "| engine | events | think s | replicas | sessions | p50 s | p95 s | max s "
        "| runs/s | errors | browser pages (errors) "
        "| CPU ms per run: replicas / nginx / PostgreSQL / generator / other |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        cpu = " / ".join(
            str(r.get(f"cpu_{k}_ms_per_run", "–"))
            for k in ("replicas", "nginx", "postgres", "generator", "other")
        )
        lines.append(
            f"| {r['engine']} | {r['events']:,} | {r.get('think_s', 0.0):g} | {r['replicas']} "
            f"| {r['sessions']} | {r['p50_s']} | {r['p95_s']} | {r['max_s']} "
            f"| {r['runs_per_s']} | {r['errors']} "
            f"| {r.get('browser_pages', '–')} ({r.get('browser_errors', '–')}) | {cpu} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default=",".join(CASES), help="RxS, comma-separated")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="mean seconds a viewer reads a page before the next (exponential; 0: none)",
    )
    parser.add_argument(
        "--browsers",
        type=int,
        default=2,
        help="headless Chromium sessions opening every page alongside (default: 2)",
    )
    parser.add_argument("--engine", choices=("duckdb", "postgres"), default="duckdb")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "load.json"))
    args = parser.parse_args()
    from tests.conftest import build_store

    results = []
    with tempfile.TemporaryDirectory(prefix="pax-load-") as tmp:
        base = Path(tmp)
        store_path = build_store(base / "store", events=args.events)
        env = {
            "PAX_STORE": str(store_path),
            "PAX_DATA_DIR": str(base / "store" / "data"),
            "PAX_DEMO_END": "2026-06-30",
            "STREAMLIT_SERVER_COOKIE_SECRET": "load" * 16,
        }
        cluster = None
        if args.engine == "postgres":
            from pax import db
            from tests.pg import STORE_SETTINGS, Cluster

            cluster = Cluster().init(STORE_SETTINGS).start()
            db.publish(store_path, cluster.url)
            env["PAX_DATABASE_URL"] = cluster.url
        try:
            for case in args.cases.split(","):
                replicas, sessions = (int(x) for x in case.lower().split("x"))
                work = base / f"case-{case}"
                work.mkdir()
                row = run_case(
                    replicas, sessions, env, args.rounds, work, args.think, args.browsers
                )
                row |= {"engine": args.engine, "events": args.events}
                results.append(row)
                print(json.dumps(row), flush=True)
        finally:
            if cluster:
                cluster.remove()
    output = Path(args.output)
    rows = merge(output, results)
    output.write_text(json.dumps(rows, indent=2) + "\n")
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
