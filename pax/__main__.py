"""Command line: `python -m pax build | demo | bench`.

Exit codes: 0 success, 2 a clear Swedish error on stderr (nothing in the store changed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import logging
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb

from pax import audit, config, model, queries, store
from pax.ingest.core import FORMATS, KINDS, ImportRefused, Options
from pax.ingest.run import import_file


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pax", description="Pax lägesbild")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser(
        "build",
        help="bygg datalagret från data/ och geo/ (idempotent); PAX_MODE=live: bara verkliga "
        "data (geografi, SCB och importerade filer), annars demo med fiktiva register",
    )
    b.add_argument("--store", type=Path, help="datalagrets fil (annars PAX_STORE)")
    b.add_argument(
        "--if-stale",
        action="store_true",
        help="bygg bara om lagret saknas eller är äldre än sina källor",
    )
    d = sub.add_parser("demo", help="generera fiktiva demodata till data/demo/")
    d.add_argument(
        "--events",
        type=int,
        default=None,
        help="antal händelser totalt (0 = realistiska nivåer, högst 10 000 000)",
    )
    d.add_argument(
        "--end",
        type=dt.date.fromisoformat,
        default=None,
        help="sista dag (ÅÅÅÅ-MM-DD), annars PAX_DEMO_END eller i dag",
    )
    d.add_argument("--seed", type=int, default=None)
    d.add_argument("--years", type=int, default=None)
    sub.add_parser("bench", help="kör benchmarks/ och skriv en tabell")
    y = sub.add_parser("sync", help="hämta de källor i sync.toml som står på tur (skarpt läge)")
    y.add_argument("--source", action="append", default=[], metavar="NAMN", help="bara den källan")
    y.add_argument("--force", action="store_true", help="hämta även källor som inte står på tur")
    y.add_argument("--loop", action="store_true", help="följ schemat tills processen stoppas")
    y.add_argument("--status", action="store_true", help="visa källornas status och avsluta")
    r = sub.add_parser("report", help="skapa en rapport ur datalagret (Word och PDF)")
    r.add_argument("kind", choices=("lagesbild",), help="lagesbild: den lagstadgade lägesbilden")
    r.add_argument("--from", dest="start", type=dt.date.fromisoformat, help="ÅÅÅÅ-MM-DD")
    r.add_argument("--to", dest="end", type=dt.date.fromisoformat, help="ÅÅÅÅ-MM-DD")
    r.add_argument("--out", type=Path, default=Path("."), help="mapp för filerna")
    g = sub.add_parser("geo", help="geografin: hämta en kommuns DeSO-polygoner från SCB")
    g.add_argument("action", choices=("fetch",), help="fetch: hämta DeSO 2018 från SCB:s WFS")
    g.add_argument("--kommun", help="kommunkod (annars PAX_KOMMUN)")
    i = sub.add_parser("import", help="importera en fil till datalagret (med rapport)")
    i.add_argument("file", type=Path)
    i.add_argument("--kind", choices=KINDS)
    i.add_argument("--format", default="auto", choices=("auto", *FORMATS))
    i.add_argument("--crs", help="koordinaternas referenssystem, t.ex. EPSG:3006")
    i.add_argument("--source", help="källans namn (utgivare)")
    i.add_argument("--category", help="en kategori för hela filen (id i katalogen)")
    i.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="KANONISK=KOLUMN",
        help="koppla en kolumn i filen till ett kanoniskt namn (upprepningsbar)",
    )
    i.add_argument("--dry-run", action="store_true", help="kontrollera utan att skriva")
    i.add_argument("--json", action="store_true", help="rapporten som JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        if args.command == "build":
            path = args.store or config.store_path()
            if args.if_stale and not stale(path):
                _progress(f"Datalagret {path} är aktuellt.")
                return 0
            counts = store.build(path, progress=_progress)
            print(json.dumps(counts, ensure_ascii=False))
        elif args.command == "demo":
            store.generate_demo(
                end=args.end,
                events_total=args.events,
                seed=args.seed,
                years=args.years,
                progress=_progress,
            )
        elif args.command == "import":
            return _import(args)
        elif args.command == "sync":
            return _sync(args)
        elif args.command == "report":
            return _report(args)
        elif args.command == "geo":
            return _geo(args)
        elif args.command == "bench":
            bench = config.ROOT / "benchmarks" / "bench.py"
            return subprocess.call([sys.executable, str(bench)])
    except (ValueError, FileNotFoundError, OSError) as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    return 0


def _import(args) -> int:
    mapping = {}
    for item in args.map:
        if "=" not in item:
            print(f"Fel: --map {item!r} ska skrivas KANONISK=KOLUMN.", file=sys.stderr)
            return 2
        canonical, column = item.split("=", 1)
        mapping[canonical.strip()] = column.strip()
    crs = args.crs.upper() if args.crs else None
    if crs and not crs.startswith("EPSG:"):
        crs = f"EPSG:{crs}"
    opts = Options(
        kind=args.kind,
        format=args.format,
        crs=crs,
        source=args.source,
        category=args.category,
        mapping=mapping,
        dry_run=args.dry_run,
    )
    try:
        report = import_file(args.file, opts)
    except ImportRefused as exc:
        message = str(exc)
        _audit(args.file, None, {"error": message, "dry_run": args.dry_run})
        if args.file.name not in message:
            message = f"{args.file.name}: {message}"
        print(f"Fel: {message}", file=sys.stderr)
        if args.json:
            print(json.dumps({"file": args.file.name, "error": message}, ensure_ascii=False))
        return 2
    counts = {k: getattr(report, k) for k in ("imported", "rejected", "duplicates", "skipped")}
    if report.imported and not args.dry_run:
        store.publish(config.store_path(), print)  # a shared store (PostgreSQL) gets them
    _audit(args.file, report.rows_read, {**counts, "dry_run": args.dry_run})
    print(
        json.dumps(report.to_json(), ensure_ascii=False, indent=2, default=str)
        if args.json
        else report.text()
    )
    if report.exit_code == 2:
        print(
            f"Fel: {args.file.name}: ingen rad kunde importeras; se skälen i rapporten.",
            file=sys.stderr,
        )
    return report.exit_code


def _sync(args) -> int:
    from pax.sync import run
    from pax.sync import sources as src
    from pax.sync.http import SyncError

    if args.status:
        status = src.read_status()
        for name, source in src.load().items():
            state = status.get(name, {})
            print(
                f"{name:10} {source.kind:8} var {source.every:4} · senast lyckad "
                f"{state.get('last_success') or '–'} · senaste försök "
                f"{state.get('last_attempt') or '–'}"
                + (f" · FEL: {state['error']}" if state.get("error") else "")
            )
        return 0
    if args.loop:
        run.loop(progress=_progress)
        return 0
    try:
        tried = run.sync(args.source or None, force=args.force, progress=_progress)
    except SyncError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    if not tried:
        _progress("Ingen källa står på tur (--force hämtar ändå).")
    failed = [n for n, s in tried.items() if s.get("error")]
    for name, state in tried.items():
        _audit(Path(name), state.get("rows"), {"sync": True, "error": state.get("error")}, "sync")
    return 3 if failed else 0


def _report(args) -> int:
    """`report lagesbild`: the DOCX (and the PDF when Chromium is there) in --out."""
    from pax import report

    args.out.mkdir(parents=True, exist_ok=True)
    with store.connect() as con:
        made, word, document, warning = report.make(
            con, args.start, args.end, progress=lambda i, n, text: _progress(f"{i}/{n} {text}")
        )
    files = [(made.filename("docx"), word, "report_docx")]
    if document:
        files.append((made.filename("pdf"), document, "report_pdf"))
    for name, data, action in files:
        (args.out / name).write_bytes(data)
        _audit(Path(name), None, {"from": str(made.start), "to": str(made.end)}, action)
        print(args.out / name)
    if warning:
        print(f"Varning: {warning}", file=sys.stderr)
    return 0


def _geo(args: argparse.Namespace) -> int:
    """`geo fetch`: the kommun's DeSO polygons from SCB's WFS (pax.geofetch)."""
    from pax import geofetch

    kommun = config.kommun()
    if args.kommun:
        kommun = config.kommuner().get(args.kommun)
        if kommun is None:
            raise ValueError(
                f"Kommunkoden {args.kommun} finns inte i SCB:s DeSO-tabell; ange en av landets "
                "290 kommunkoder, t.ex. 0181 för Södertälje."
            )
    try:
        geofetch.fetch(kommun, progress=_progress)
    except geofetch.FetchError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 1
    return 0


def _audit(file: Path, rows: int | None, detail: dict, action: str = "import") -> None:
    """The audit log entry of a command-line import: who is the server account."""
    try:
        who = f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for the uid (a container)
        who = "cli"
    try:
        audit.record(action, file.name, who, "server", rows, channel="cli", detail=detail)
    except (OSError, sqlite3.Error) as exc:
        print(f"Varning: granskningsloggen kunde inte skrivas ({exc}).", file=sys.stderr)


def stale(path: Path) -> bool:
    """True when the store is missing or older than any file it is built from."""
    if not path.exists():
        return True
    try:
        with store.connect(path) as con:
            info = queries.build_info(con)
            if info.get("mode", "demo") != config.mode():
                return True  # built in the other mode
            if info.get("schema") != store.schema_version():
                return True  # built by another version of the code
            if info.get("kommun", "0181") != model.KOMMUN_CODE:
                return True  # built for another kommun (PAX_KOMMUN changed)
    except (OSError, duckdb.Error):
        return True
    built = path.stat().st_mtime
    data, geo = config.data_dir(), config.geo_dir()
    inputs = [
        data / "catalog.csv",
        data / "sources.csv",
        *(data / "scb").rglob("*.csv"),
        *geo.rglob("*.geojson"),
        *geo.rglob("*.csv"),
        *(data / "sources").glob("*"),
        *(data / store.DEMO_DIR).glob("*"),
    ]
    return any(p.stat().st_mtime > built for p in inputs if p.is_file())


if __name__ == "__main__":
    sys.exit(main())
