"""`python -m pax sync`: fetch every source that is due, validate, write in one step.

For each source the fetch produces files (a saved API answer, a delivered register); each
is validated by the importer against the store before anything is written (a dry run), then
imported — the importer writes a new copy of the store and swaps it in, and keeps the file in
`data/sources/` so that a rebuild replays it. A source that fails changes nothing: neither the
store nor its kept files, only its status (the error in one Swedish sentence). Viewers keep
reading the store they opened; the next page run sees the new one.

Polisen's feed returns the latest 500 events only, so its history exists only because it is
kept: every answer is merged by `id` into the kept file (new ones added, changed ones
replaced, none ever deleted). A changed event (the police update a notice) replaces its
row through a rebuild of the live store from its kept files.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pax import config, model, queries, store
from pax.ingest.core import ImportRefused, Options
from pax.ingest.run import import_file
from pax.sync import sources as src
from pax.sync.http import Client, Rules, SyncError

Progress = Callable[[str], None]
POLISEN_FILE = "polisen_handelser.json"
POLISEN_RULES = Rules(min_interval_s=10, max_per_hour=60, max_per_day=1440)
DROP_TYPES = {".csv", ".txt", ".xlsx", ".json", ".geojson", ".gpkg"}


@dataclass
class Delivery:
    """One file a fetch produced, with the options to import it by."""

    path: Path
    options: Options


@dataclass
class Outcome:
    deliveries: list[Delivery]
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    seen: list[str] | None = None  # drop folder: hashes of the files now imported


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


@contextmanager
def _lock(data_dir: Path):
    """One sync at a time (a timer firing while `--loop` runs waits for nothing: it stops)."""
    path = src.status_path(data_dir).with_name(".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise SyncError("En annan synk pågår redan; den här avstår.") from exc
        yield


def _client(source: src.Source, state: dict, rules: Rules, sleep) -> Client:
    return Client(
        source.name,
        config.user_agent(),
        rules,
        calls=list(state.get("calls", [])),
        sleep=sleep,
    )


# --- Connectors ---------------------------------------------------------------------------


def polisen_locations() -> str:
    """Polisen's `locationname` for the kommun of PAX_KOMMUN: before 20 January 2026 the
    feed named the municipality, since then the county, so both (`;` separates)."""
    kommun = config.kommun()
    return f"{kommun.name};{kommun.county_name}"


def fetch_polisen(source: src.Source, client: Client, kept: Path, work: Path, progress) -> Outcome:
    params = {
        k: source.params[k] for k in ("locationname", "type", "DateTime") if k in source.params
    }
    params.setdefault("locationname", polisen_locations())
    progress(f"{source.name}: hämtar {source.url} …")
    answer = client.get_json(source.url, params or None)
    if not isinstance(answer, list):
        raise SyncError(f"{source.name}: svaret är inte en lista med händelser.")
    previous = []
    if kept.exists():
        previous = json.loads(kept.read_text(encoding="utf-8"))
    by_id = {str(e.get("id")): e for e in previous if isinstance(e, dict)}
    new = updated = unchanged = 0
    for event in answer:
        if not isinstance(event, dict) or event.get("id") is None:
            continue  # the importer reports malformed objects; nothing to merge by
        key = str(event["id"])
        if key not in by_id:
            new += 1
        elif by_id[key] != event:
            updated += 1
        else:
            unchanged += 1
        by_id[key] = event
    if not by_id:
        return Outcome([], 0, 0, 0)  # an empty answer and nothing kept: nothing to write
    merged = work / POLISEN_FILE
    merged.write_text(json.dumps(list(by_id.values()), ensure_ascii=False), encoding="utf-8")
    return Outcome([Delivery(merged, Options(format="polisen"))], new, updated, unchanged)


def fetch_kolada(source: src.Source, client: Client, work: Path, progress) -> Outcome:
    from pax.sync import kolada

    first = int(source.params.get("first_year", dt.date.today().year - 10))
    years = list(range(first, dt.date.today().year + 1))
    municipality = str(source.params.get("municipality", model.KOMMUN_CODE))
    ous = [str(o) for o in source.params.get("ous", [])]
    listed = []
    if source.params.get("units"):  # every compulsory school unit, with its name
        listed = kolada.units(client, source.url, municipality)
        ous += [u["id"] for u in listed]
    envelope = kolada.fetch(
        client,
        source.url,
        [str(k) for k in source.params.get("kpis", [])],
        municipality,
        years,
        ous or None,
        progress=progress,
    )
    if listed:
        envelope["units"] = listed
    path = work / f"{source.name}.json"
    path.write_text(json.dumps(envelope, ensure_ascii=False), encoding="utf-8")
    # More KPIs than the reader pins: `[sources.NAME.map]` indicator = "KPI", as --map.
    mapping = {str(k): str(v) for k, v in (source.params.get("map") or {}).items()}
    options = Options(format="kolada", mapping=mapping)
    return Outcome([Delivery(path, options)], new=len(envelope["values"]))


def fetch_pxweb(source: src.Source, client: Client, work: Path, progress) -> Outcome:
    from pax.sync import pxweb

    out = []
    for table in source.params.get("tables", []):
        data = pxweb.fetch(
            client,
            source.url,
            str(table),
            str(source.params.get("region", model.KOMMUN_CODE)),
            progress=progress,
        )
        path = work / f"{source.name}_{table}.json"
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        out.append(Delivery(path, Options(format="pxweb")))
    return Outcome(out, new=len(out))


def fetch_drop(source: src.Source, state: dict, work: Path, progress) -> Outcome:
    """Every file in the drop folder that is new or changed since it was last imported."""
    folder = Path(source.params.get("folder", "data/drop"))
    folder = folder if folder.is_absolute() else config.ROOT / folder
    if not folder.is_dir():
        raise SyncError(f"{source.name}: mappen {folder} finns inte.")
    seen = set(state.get("seen", []))
    out, hashes, unchanged = [], [], 0
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in DROP_TYPES):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        hashes.append(digest)
        if digest in seen:
            unchanged += 1
            continue
        copy = work / path.name
        shutil.copy2(path, copy)  # the file may be replaced while we import it
        out.append(Delivery(copy, Options()))
    progress(f"{source.name}: {len(out)} nya eller ändrade filer i {folder}.")
    return Outcome(out, new=len(out), unchanged=unchanged, seen=sorted(seen | set(hashes)))


# --- The run ------------------------------------------------------------------------------


def sync(
    names: list[str] | None = None,
    force: bool = False,
    progress: Progress = print,
    sleep: Callable[[float], None] = time.sleep,
    rules: dict[str, Rules] | None = None,
) -> dict[str, dict]:
    """Sync the named sources (all that are due when None; `force`: due or not). Returns
    the status of the sources tried."""
    data_dir = config.data_dir()
    store_path = config.store_path()
    configured = src.load()
    unknown = [n for n in names or [] if n not in configured]
    if unknown:
        raise ValueError(
            f"Okänd källa: {', '.join(unknown)} (konfigurerade: {', '.join(configured)})."
        )
    _require_live(store_path)
    tried = {}
    with _lock(data_dir):
        status = src.read_status(data_dir)
        for name, source in configured.items():
            if names and name not in names:
                continue
            state = status.get(name, {})
            if not (force or names or src.due(source, state, _now())):
                continue
            rule = (rules or {}).get(name) or (
                POLISEN_RULES if source.kind == "polisen" else Rules()
            )
            status[name] = _one(source, state, rule, sleep, progress, data_dir, store_path)
            tried[name] = status[name]
            src.write_status(status, data_dir)
    return tried


def _require_live(store_path: Path) -> None:
    if not store_path.exists():
        raise ValueError(
            f"Datalagret {store_path} finns inte; bygg det med PAX_MODE=live python -m pax build."
        )
    with duckdb.connect(str(store_path), read_only=True) as con:
        if queries.build_info(con).get("mode", "demo") != "live":
            raise ValueError(
                "Synk skriver verkliga data och körs bara mot ett skarpt datalager "
                "(PAX_MODE=live); det här är demoläget."
            )


def _one(source, state, rules, sleep, progress, data_dir: Path, store_path: Path) -> dict:
    started = _now()
    client = _client(source, state, rules, sleep)
    state = {**state, "last_attempt": started.isoformat(timespec="seconds"), "kind": source.kind}
    try:
        with tempfile.TemporaryDirectory(prefix="pax-sync-") as tmp:
            work = Path(tmp)
            kept = data_dir / "sources" / POLISEN_FILE
            if source.kind == "polisen":
                outcome = fetch_polisen(source, client, kept, work, progress)
            elif source.kind == "kolada":
                outcome = fetch_kolada(source, client, work, progress)
            elif source.kind == "pxweb":
                outcome = fetch_pxweb(source, client, work, progress)
            else:
                outcome = fetch_drop(source, state, work, progress)
            rows = _write(source, outcome, data_dir, store_path, progress)
    except (SyncError, ImportRefused, ValueError, OSError, json.JSONDecodeError) as exc:
        message = (
            str(exc) if isinstance(exc, SyncError | ImportRefused) else f"{source.name}: {exc}"
        )
        progress(f"Fel: {message}")
        return {**state, "error": message, "calls": client.calls}
    progress(
        f"{source.name}: {outcome.new} nya, {outcome.updated} ändrade, "
        f"{outcome.unchanged} oförändrade ({rows} rader skrivna)."
    )
    done = {
        **state,
        "last_success": _now().isoformat(timespec="seconds"),
        "error": None,
        "new": outcome.new,
        "updated": outcome.updated,
        "unchanged": outcome.unchanged,
        "rows": rows,
        "calls": client.calls,
    }
    if outcome.seen is not None:
        done["seen"] = outcome.seen
    return done


def _write(source, outcome: Outcome, data_dir: Path, store_path: Path, progress) -> int:
    """Validate every delivery (a dry run: nothing written if one cannot be read), then
    import them; a changed Polisen event is applied by rebuilding the live store."""
    for d in outcome.deliveries:
        if d.path.stat().st_size and source.kind != "drop":
            import_file(
                d.path,
                Options(**{**d.options.__dict__, "dry_run": True}),
                store_path,
                data_dir,
            )
    rows = 0
    for d in outcome.deliveries:
        try:
            report = import_file(d.path, d.options, store_path, data_dir)
        except ImportRefused as exc:
            if source.kind != "drop":
                raise
            progress(f"Varning: {d.path.name}: {exc}")  # one bad delivery, the others go on
            continue
        rows += report.imported
    if outcome.updated:
        progress(f"{source.name}: {outcome.updated} ändrade händelser – bygger om datalagret …")
        store.build(store_path, data_dir, progress=progress, mode="live")  # publishes too
    elif rows:
        store.publish(store_path, progress)  # a shared store (PostgreSQL) gets the new rows
    return rows


def loop(progress: Progress = print, sleep: Callable[[float], None] = time.sleep) -> None:
    """Run the schedule until stopped: sync what is due, sleep until the next is due."""
    while True:
        try:
            sync(progress=progress, sleep=sleep)
        except (ValueError, SyncError) as exc:
            progress(f"Fel: {exc}")
        configured = src.load()
        status = src.read_status()
        now = _now()
        waits = [
            max(0.0, ((src.next_due(s, status.get(n, {})) or now) - now).total_seconds())
            for n, s in configured.items()
        ]
        sleep(max(30.0, min(waits, default=60.0)))
