"""Load on the server, not on a browser: N sessions speaking Streamlit's own WebSocket
protocol (`streamlit.proto` BackMsg/ForwardMsg), each asking for a run of the pages in turn
and timing it from the request to the script's end, so one process drives hundreds of
sessions.

    python benchmarks/load.py                     # the cases of CASES, DuckDB, 10 000 events
    python benchmarks/load.py --cases 1x20,2x20 --events 100000 --engine postgres
    make load

A case `RxS` starts R replicas of the app behind nginx (the configuration of
docs/deployment.md as the replica test uses it) on a store of `--events` events, and opens
S sessions at once, each running every page of PAGES `--rounds` times. Recorded per case:
sessions, replicas, engine, p50/p95/max of a page run, page runs per second over the
whole case, and errors (a run without `script_finished`, an exception element, a dropped
socket). Results go to benchmarks/load.json and the table to stdout (copy it into
benchmarks/README.md with the date and commit).
"""

from __future__ import annotations

import argparse
import asyncio
import json
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
    url: str, pages, rounds: int, timings: list, errors: list, number: int = 0
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
            for _ in range(rounds):
                for page in pages:
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


async def drive(url: str, sessions: int, rounds: int, pages=PAGES) -> dict:
    timings: list = []
    errors: list = []
    started = time.perf_counter()
    await asyncio.gather(
        *(_session(url, pages, rounds, timings, errors, i) for i in range(sessions))
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
    }


def run_case(replicas: int, sessions: int, store_env: dict, rounds: int, work: Path) -> dict:
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
        result = asyncio.run(drive(url, sessions, rounds))
    return {"replicas": replicas, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default=",".join(CASES), help="RxS, comma-separated")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
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
            from tests.pg import Cluster

            cluster = Cluster().init().start()
            db.publish(store_path, cluster.url)
            env["PAX_DATABASE_URL"] = cluster.url
        try:
            for case in args.cases.split(","):
                replicas, sessions = (int(x) for x in case.lower().split("x"))
                work = base / f"case-{case}"
                work.mkdir()
                row = run_case(replicas, sessions, env, args.rounds, work)
                row |= {"engine": args.engine, "events": args.events}
                results.append(row)
                print(json.dumps(row), flush=True)
        finally:
            if cluster:
                cluster.remove()
    Path(args.output).write_text(json.dumps(results, indent=2) + "\n")
    print("\n| replicas | sessions | engine | events | p50 s | p95 s | max s | runs/s | errors |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['replicas']} | {r['sessions']} | {r['engine']} | {r['events']:,} | "
            f"{r['p50_s']} | {r['p95_s']} | {r['max_s']} | {r['runs_per_s']} | {r['errors']} |"
        )


if __name__ == "__main__":
    main()
