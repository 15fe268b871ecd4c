"""Sync benchmark (issue 16): one full sync of every source kind from a local server that
answers as the public APIs do — Polisen's recorded answer (500 real events), a Kolada answer,
an SCB PxWeb table (the test suite's table, split under a small cell limit) and a drop folder
with the example registers — into a fresh live store; then an incremental sync (nothing new).

The client's politeness pauses are off here (a local server): what is timed is our work —
merging, validating, importing and swapping the store. Against the real APIs add at least
10 s between Polisen calls. Run: `python benchmarks/sync_bench.py` (also part of `make bench`).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from pax import store  # noqa: E402
from pax.sync import run  # noqa: E402
from pax.sync.http import Rules  # noqa: E402
from tests.conftest import make_data_dir  # noqa: E402
from tests.fake_api import Server, ok  # noqa: E402
from tests.unit.test_sync_kolada_pxweb import ORDERS, serve_table  # noqa: E402

FREE = Rules(min_interval_s=0, backoff_s=0.01, attempts=2, timeout_s=30)
POLISEN = ROOT / "tests" / "fixtures" / "polisen" / "polisen_events_2026-08-22_county_era.json"


def _serve(server: Server, year: int) -> None:
    server.route("/api/events", ok(json.loads(POLISEN.read_text(encoding="utf-8"))))
    values = [
        {
            "kpi": "N15505",
            "municipality": "0181",
            "period": y,
            "values": [
                {"gender": g, "count": 1, "status": "", "value": 200.0 + y % 10}
                for g in ("T", "K", "M")
            ],
        }
        for y in range(year - 10, year + 1)
    ]
    years = ",".join(str(y) for y in range(year - 10, year + 1))
    server.route(
        f"/v3/data/kpi/N15505/municipality/0181/year/{years}",
        ok({"values": values, "count": len(values), "next_url": None}),
    )
    serve_table(server, ORDERS[0], {"maxDataCells": 60})  # split into several requests


def _config(path: Path, url: str, drop: Path, year: int) -> None:
    path.write_text(
        f'[sources.polisen]\nkind = "polisen"\nevery = "1h"\nurl = "{url}/api/events"\n\n'
        f'[sources.kolada]\nkind = "kolada"\nevery = "7d"\nurl = "{url}/v3"\n'
        f'kpis = ["N15505"]\nmunicipality = "0181"\nfirst_year = {year - 10}\n\n'
        f'[sources.pxweb]\nkind = "pxweb"\nevery = "30d"\nurl = "{url}/api/v2"\n'
        'tables = ["TAB6574"]\nregion = "0181"\n\n'
        f'[sources.drop]\nkind = "drop"\nevery = "15m"\nfolder = "{drop}"\n',
        encoding="utf-8",
    )


def bench() -> list[dict]:
    """[{sync, seconds, rows, errors}] for the full and the incremental sync."""
    year = time.localtime().tm_year
    server = Server()
    out = []
    with tempfile.TemporaryDirectory(prefix="pax-sync-bench-") as tmp:
        base = Path(tmp)
        data = make_data_dir(base / "data")
        drop = base / "drop"
        drop.mkdir()
        for example in (ROOT / "data" / "examples").glob("*.csv"):
            shutil.copy(example, drop)
        path = base / "live.duckdb"
        store.build(path, data, progress=lambda m: None, mode="live")
        cfg = base / "sync.toml"
        _serve(server, year)
        _config(cfg, server.url, drop, year)
        saved = {
            k: os.environ.get(k)
            for k in ("PAX_MODE", "PAX_STORE", "PAX_DATA_DIR", "PAX_SYNC_CONFIG")
        }
        os.environ.update(
            PAX_MODE="live", PAX_STORE=str(path), PAX_DATA_DIR=str(data), PAX_SYNC_CONFIG=str(cfg)
        )
        try:
            rules = dict.fromkeys(("polisen", "kolada", "pxweb", "drop"), FREE)
            for name in ("full", "incremental"):
                started = time.perf_counter()
                tried = run.sync(None, force=True, progress=lambda m: None, rules=rules)
                seconds = time.perf_counter() - started
                out.append(
                    {
                        "sync": name,
                        "seconds": round(seconds, 2),
                        "rows": sum(s.get("rows") or 0 for s in tried.values()),
                        "errors": [s["error"] for s in tried.values() if s.get("error")],
                        "requests": len(server.requests),
                    }
                )
        finally:
            server.stop()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    return out


def table(results: list[dict]) -> str:
    lines = [
        "| sync (4 sources, local server) | seconds | rows written | requests so far | errors |",
        "|---|---:|---:|---:|---|",
    ]
    for r in results:
        errors = "; ".join(r["errors"]) or "none"
        lines.append(f"| {r['sync']} | {r['seconds']} | {r['rows']} | {r['requests']} | {errors} |")
    return "\n".join(lines)


if __name__ == "__main__":
    result = bench()
    print(table(result))
    sys.exit(1 if any(r["errors"] for r in result) else 0)
