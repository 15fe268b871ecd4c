"""Import one file: detect, parse, validate, deduplicate, write (new file, then swap),
quarantine the rejects and keep a copy in `data/sources/` for `python -m pax build`."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd

from pax import config
from pax.ingest import validate
from pax.ingest.core import (
    FORMATS,
    KINDS,
    Context,
    ImportRefused,
    Options,
    Parsed,
    Reject,
    Report,
    refuse_wrong_content,
    slug,
    sniff_bytes,
)

SIDECAR = ".import.json"
EVENT_COLUMNS = [
    "id",
    "occurred_at",
    "category",
    "lat",
    "lon",
    "area_code",
    "precision",
    "n",
    "source_id",
    "source_ref",
]
INTERVENTION_COLUMNS = [
    "id",
    "type",
    "area_code",
    "lat",
    "lon",
    "start_date",
    "end_date",
    "intensity",
    "owner",
    "source_id",
]


def detect_format(path: Path) -> str:
    """The format from the file name and, for JSON and CSV, its content."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".gpkg":
        return "gpkg"
    if suffix == ".geojson":
        return "geojson"
    head = sniff_bytes(path)
    if suffix == ".json" or head.lstrip()[:1] in (b"{", b"["):
        refuse_wrong_content(path, head, "json")
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            from pax.ingest import polisen  # concatenated responses are not one JSON value

            if polisen.looks_like(path):
                return "polisen"
            raise ImportRefused(f"Filen {path.name} är inte giltig JSON.") from None
        if isinstance(data, list):
            from pax.ingest import polisen

            if polisen.looks_like(path):  # one malformed object must not hide the file's kind
                return "polisen"
        if isinstance(data, dict):
            if data.get("type") == "FeatureCollection":
                return "geojson"
            if data.get("class") == "dataset" and "dimension" in data:
                return "pxweb"
            from pax.ingest import pxweb

            if pxweb.looks_like_v1(data):  # PxWeb API v1 plain JSON: columns + data
                return "pxweb"
            if "values" in data and ("count" in data or "next_page" in data or "next_url" in data):
                return "kolada"
        raise ImportRefused(
            f"Filen {path.name}: okänt JSON-format (varken Polisen, Kolada, PxWeb eller GeoJSON)."
        )
    if suffix in (".csv", ".txt", ".tsv", ""):
        from pax.ingest import bra

        if bra.looks_like(head):
            return "bra"
        return "csv"
    raise ImportRefused(
        f"Filen {path.name}: okänd filtyp {suffix!r} (csv, xlsx, json, geojson, gpkg)."
    )


def parse(path: Path, opts: Options, ctx: Context) -> Parsed:
    fmt = opts.format if opts.format != "auto" else detect_format(path)
    if fmt not in FORMATS:
        raise ImportRefused(f"Okänt format {fmt!r}; välj bland {', '.join(FORMATS)}.")
    if opts.kind and opts.kind not in KINDS:
        raise ImportRefused(f"Okänd typ {opts.kind!r}; välj bland {', '.join(KINDS)}.")
    head = sniff_bytes(path)
    refuse_wrong_content(
        path,
        head,
        {"xlsx": "xlsx", "gpkg": "gpkg"}.get(fmt, "csv" if fmt in ("csv", "bra") else "json"),
    )
    if fmt in ("csv", "xlsx"):
        from pax.ingest import tabular

        parsed = tabular.read(path, fmt, opts, ctx)
    elif fmt == "polisen":
        from pax.ingest import polisen

        parsed = polisen.read(path, opts, ctx)
    elif fmt == "kolada":
        from pax.ingest import kolada

        parsed = kolada.read(path, opts, ctx)
    elif fmt == "pxweb":
        from pax.ingest import pxweb

        parsed = pxweb.read(path, opts, ctx)
    elif fmt == "bra":
        from pax.ingest import bra

        parsed = bra.read(path, opts, ctx)
    else:
        from pax.ingest import geofile

        parsed = geofile.read(path, fmt, opts, ctx)
    if opts.kind and parsed.kind != opts.kind:
        raise ImportRefused(f"Filen {path.name} innehåller {parsed.kind}, inte {opts.kind}.")
    if opts.format == "auto":
        parsed.notes.insert(0, f"Format upptäckt: {fmt}.")
    return parsed


def _schema_check(parsed: Parsed, ctx: Context) -> Parsed:
    if parsed.kind == "events":
        schema = validate.events_schema(ctx.category_ids | {c["id"] for c in parsed.new_categories})
    elif parsed.kind == "measures":
        schema = validate.measures_schema(ctx.catalog)
    elif parsed.kind == "interventions":
        schema = validate.interventions_schema()
    else:
        return parsed
    frame = parsed.frame.reset_index(drop=True)
    if parsed.kind == "measures":
        # The same indicator, area, period and breakdown twice: keep the first (the rest
        # count as duplicates in the report).
        keys = ["indicator", "area_code", "period", "breakdown"]
        frame = frame[~frame[keys].astype(str).duplicated()].reset_index(drop=True)
    try:
        frame, rejects = validate.validate(frame, schema)
    except ValueError as exc:
        raise ImportRefused(f"Filen kunde inte valideras: {exc}.") from exc
    parsed.frame = frame
    parsed.rejects.extend(rejects)
    return parsed


def source_row(path: Path, opts: Options, parsed: Parsed) -> dict:
    base = {
        "title": path.name,
        "publisher": opts.source or "Importerad fil",
        "licence": "ej angiven vid import",
        "coverage": f"Importerad fil ({parsed.kind})",
    }
    base.update(parsed.source)
    if opts.source or not parsed.source.get("id"):
        # A file of our own: its source is named by the user or after the file.
        base["id"] = "import_" + slug(opts.source or path.stem)
    # A publisher's format (Polisen, Kolada, SCB, BRÅ) keeps the reader's source id, so
    # repeated imports of the same publisher share one source row.
    updated = base.get("updated")
    if isinstance(updated, str):
        try:
            updated = dt.date.fromisoformat(updated[:10])
        except ValueError:
            updated = None
    base["updated"] = updated or dt.date.today()
    base["fictional"] = False
    base.setdefault("period", "")
    return base


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> None:
    """Execute a statement and finish its result (DuckDB 2 refuses the next statement
    while a result is unfetched)."""
    con.execute(sql, params or []).fetchall()


def apply(con: duckdb.DuckDBPyConnection, parsed: Parsed, source: dict) -> tuple[int, int]:
    """Insert the parsed rows into an open store; returns (imported, duplicates)."""
    frame = parsed.frame.copy()
    sid = source["id"]
    exists = con.execute("SELECT count(*) FROM sources WHERE id = ?", [sid]).fetchall()[0][0]
    if not exists:
        row = {
            k: source.get(k)
            for k in (
                "id",
                "title",
                "publisher",
                "licence",
                "updated",
                "period",
                "coverage",
                "fictional",
            )
        }
        _run(con, "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?)", list(row.values()))
    for cat in parsed.new_categories:
        _run(
            con,
            "INSERT INTO categories SELECT ?, ?, ?, false, ? WHERE NOT EXISTS "
            "(SELECT 1 FROM categories WHERE id = ?)",
            [cat["id"], cat["label_sv"], cat["label_en"], cat.get("origin", "import"), cat["id"]],
        )
    for unit, title in parsed.units.items():  # the names of Kolada's units (schools)
        _run(con, "DELETE FROM units WHERE id = ?", [unit])
        _run(con, "INSERT INTO units VALUES (?, ?, ?)", [unit, title, sid])
    if frame.empty:
        return 0, 0
    frame["source_id"] = sid
    if parsed.kind == "events":
        table, key_cols, columns = "events", ["id"], EVENT_COLUMNS
        if "source_ref" not in frame:
            frame["source_ref"] = None
    elif parsed.kind == "measures":
        from pax.aggregate import with_periods

        frame = with_periods(frame, sid)
        table, key_cols = "measures", ["indicator", "area_code", "period", "breakdown"]
        columns = list(frame.columns)
    elif parsed.kind == "interventions":
        table, key_cols, columns = "interventions", ["id"], INTERVENTION_COLUMNS
    else:
        from pax.ingest import geofile

        return geofile.apply(con, frame, source)
    frame = frame[columns]
    con.register("_incoming", frame)
    on = " AND ".join(f"t.{c} = i.{c}" for c in key_cols)
    if table == "measures":
        return _replace_measures(con, frame, on)
    existing = con.execute(
        f"SELECT count(*) FROM _incoming i WHERE EXISTS (SELECT 1 FROM {table} t "  # noqa: S608
        f"WHERE t.source_id = i.source_id AND {on})"
    ).fetchall()[0][0]
    _run(
        con,
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} "  # noqa: S608
        f"FROM _incoming i WHERE NOT EXISTS (SELECT 1 FROM {table} t "
        f"WHERE t.source_id = i.source_id AND {on})",
    )
    con.unregister("_incoming")
    return len(frame) - existing, existing


def _replace_measures(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, on: str):
    """One figure, one row: an incoming measure replaces any row of the same indicator,
    area, period and breakdown — from any source (the shipped SCB files, an earlier
    delivery) — unless it is the same figure from the same source (a duplicate). The row
    keeps the source it came from. Returns (imported or replaced, duplicates)."""
    same = (
        "t.source_id = i.source_id AND t.value IS NOT DISTINCT FROM i.value "
        "AND t.numerator IS NOT DISTINCT FROM i.numerator "
        "AND t.denominator IS NOT DISTINCT FROM i.denominator"
    )
    duplicates = con.execute(
        f"SELECT count(*) FROM _incoming i WHERE EXISTS (SELECT 1 FROM measures t "  # noqa: S608
        f"WHERE {on} AND {same})"
    ).fetchall()[0][0]
    _run(
        con,
        f"DELETE FROM measures t WHERE EXISTS (SELECT 1 FROM _incoming i WHERE {on} "  # noqa: S608
        f"AND NOT ({same}))",
    )
    columns = ", ".join(frame.columns)
    _run(
        con,
        f"INSERT INTO measures ({columns}) SELECT {columns} FROM _incoming i "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT 1 FROM measures t WHERE {on})",
    )
    con.unregister("_incoming")
    return len(frame) - duplicates, duplicates


def write_quarantine(rejects: list[Reject], path: Path, store_path: Path) -> Path | None:
    if not rejects:
        return None
    folder = store_path.parent / "quarantine"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}-{stamp}.csv"
    frame = pd.DataFrame([r.__dict__ for r in sorted(rejects, key=lambda r: r.row)])
    from pax.exports import neutralise, to_csv

    target.write_bytes(to_csv(neutralise(frame)))
    return target


def import_file(
    path: Path,
    opts: Options,
    store_path: Path | None = None,
    data_dir: Path | None = None,
    keep_copy: bool = True,
    progress=None,
) -> Report:
    """Import `path` into the store; raises ImportRefused when nothing can be imported.

    `progress(fraction, text)` is told about each step (for a progress bar)."""
    step = progress or (lambda fraction, text: None)
    path = Path(path)
    store_path = Path(store_path or config.store_path())
    data_dir = data_dir or config.data_dir()
    if not path.is_file():
        raise ImportRefused(f"Filen {path} finns inte.")
    limit = config.get("PAX_IMPORT_MAX_MB")
    if path.stat().st_size > limit * 1024 * 1024:
        raise ImportRefused(
            f"Filen {path.name} är större än gränsen {limit} MB (PAX_IMPORT_MAX_MB)."
        )
    if not store_path.exists():
        raise ImportRefused(
            f"Datalagret {store_path} finns inte; bygg det först med `python -m pax build`."
        )
    with duckdb.connect(str(store_path), read_only=True) as con:
        refuse_demo(con, store_path)
        ctx = Context.load(data_dir, con)
    step(0.1, "Läser och tolkar filen …")
    parsed = parse(path, opts, ctx)
    step(0.5, f"Kontrollerar {len(parsed.frame)} rader mot schemat …")
    parsed = _schema_check(parsed, ctx)
    report = Report(
        file=path.name,
        kind=parsed.kind,
        format=parsed.format,
        rows_read=parsed.rows_read,
        rejected=len({r.row for r in parsed.rejects}),
        skipped=parsed.skipped,
        notes=parsed.notes,
        dry_run=opts.dry_run,
    )
    if parsed.skipped and parsed.skipped_reason:
        report.notes.append(parsed.skipped_reason)
    for reject in parsed.rejects:  # name columns as the file does
        reject.column = parsed.columns.get(reject.column, reject.column)
    report.errors = [r.__dict__ for r in sorted(parsed.rejects, key=lambda r: r.row)]
    source = source_row(path, opts, parsed)
    in_file = parsed.rows_read - report.rejected - report.skipped - _row_count(parsed)
    if opts.dry_run:
        with duckdb.connect(str(store_path), read_only=True) as con:
            _run(con, "BEGIN")
            try:
                report.imported, report.duplicates = 0, 0
                imported, duplicates = _dry_counts(con, parsed, source)
                report.imported, report.duplicates = imported, duplicates + in_file
            finally:
                _run(con, "ROLLBACK")
        return report
    tmp = store_path.with_name(f".{store_path.name}.import-{os.getpid()}")
    step(0.7, "Skriver till en kopia av datalagret …")
    shutil.copy2(store_path, tmp)
    try:
        with duckdb.connect(str(tmp)) as con:
            _run(con, "BEGIN")
            imported, duplicates = apply(con, parsed, source)
            if parsed.kind == "events" and imported:
                from pax.store import derive_event_days

                derive_event_days(con)
            _run(con, "COMMIT")
            _run(con, "CHECKPOINT")
        report.imported, report.duplicates = imported, duplicates + in_file
        if imported or parsed.new_categories:
            os.replace(tmp, store_path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    step(0.9, "Sparar avvisade rader och en kopia av filen …")
    quarantine = write_quarantine(parsed.rejects, path, store_path)
    report.quarantine = str(quarantine) if quarantine else None
    if keep_copy and (report.imported or report.duplicates):
        _keep(path, opts, data_dir)
    return report


DEMO_REFUSAL = (
    "Datalagret {store} är demoläget med fiktiva data; verkliga filer importeras inte dit, "
    "så att de aldrig räknas ihop med påhittade. Gå live först: `PAX_MODE=live python -m "
    "pax build`, importera sedan med PAX_MODE=live (README, Going live)."
)


def refuse_demo(con: duckdb.DuckDBPyConnection, store_path: Path) -> None:
    """An import into a demo store would count real rows with fictional ones: refused.
    (A store built before the modes existed holds the demo too.)"""
    from pax import queries

    if queries.build_info(con).get("mode", "demo") != "live":
        raise ImportRefused(DEMO_REFUSAL.format(store=store_path.name))


def _row_count(parsed: Parsed) -> int:
    """Source rows the parsed frame stands for (an aggregated reader may fold rows)."""
    if "row" in parsed.frame:
        return int(parsed.frame["row"].nunique())
    return len(parsed.frame)


def _dry_counts(con, parsed: Parsed, source: dict) -> tuple[int, int]:
    # A read-only connection cannot insert; count what would be new against the store.
    if parsed.frame.empty:
        return 0, 0
    if parsed.kind in ("events", "interventions"):
        table = parsed.kind
        sid = source["id"]
        ids = parsed.frame["id"].astype(str).tolist()
        existing = con.execute(
            f"SELECT count(*) FROM {table} WHERE source_id = ? AND list_contains(?, id)",  # noqa: S608
            [sid, ids],
        ).fetchall()[0][0]
        return len(ids) - existing, existing
    if parsed.kind == "areas":
        from pax.ingest import geofile

        return geofile.count_new(con, parsed.frame)
    return len(parsed.frame), 0


def _keep(path: Path, opts: Options, data_dir: Path) -> None:
    """Copy the accepted file into data/sources/ with the options used, for `build`."""
    folder = data_dir / "sources"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if path.resolve() != target.resolve():
        shutil.copy2(path, target)
    (folder / (path.name + SIDECAR)).write_text(
        json.dumps(opts.to_json(), ensure_ascii=False, indent=2), encoding="utf-8"
    )


def replay(con: duckdb.DuckDBPyConnection, data_dir: Path, progress) -> list[Report]:
    """Re-import every file kept in data/sources/ into a store being built."""
    reports = []
    folder = data_dir / "sources"
    for sidecar in sorted(folder.glob(f"*{SIDECAR}")):
        path = folder / sidecar.name[: -len(SIDECAR)]
        if not path.exists():
            progress(f"Varning: {sidecar.name} pekar på en fil som saknas; hoppar över.")
            continue
        opts = Options.from_json(json.loads(sidecar.read_text(encoding="utf-8")))
        ctx = Context.load(data_dir, con)
        try:
            parsed = _schema_check(parse(path, opts, ctx), ctx)
        except ImportRefused as exc:
            progress(f"Varning: {path.name} kunde inte läsas om: {exc}")
            continue
        imported, duplicates = apply(con, parsed, source_row(path, opts, parsed))
        progress(f"Importerade filer: {path.name} – {imported} rader.")
        reports.append(
            Report(
                file=path.name,
                kind=parsed.kind,
                format=parsed.format,
                rows_read=parsed.rows_read,
                imported=imported,
                duplicates=duplicates,
                rejected=len(parsed.rejects),
            )
        )
    return reports
