"""The audit log: who took which data out of the app (downloads, briefings) and who put
data in (imports), with their role and the time.

It lives in its own SQLite file (`PAX_AUDIT`, by default `audit.sqlite3` beside the
store), not in the DuckDB store, because

- the store is a rebuildable artefact: `python -m pax build` and every import write a new
  file and swap it in with `os.replace`, so a table inside it would have to be copied over
  on every rebuild, and an entry written between the copy and the swap would be lost;
- DuckDB lets one process write a file at a time and the app's processes open the store
  read-only; SQLite (WAL mode, a busy timeout) takes short appends from several app
  processes and the command line at once.

With a PostgreSQL store (`PAX_DATABASE_URL`) the log is the table `pax_audit.audit` of the
primary (`PAX_DATABASE_WRITE_URL`), in a schema of its own that a publish never swaps, so
every app replica on every host writes to one log; it is read where the app reads.

The log is append-only: this module has no update or delete. Times are UTC.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from pax import config

# What was done. Exports name the format; `import` covers the app's panel and the CLI.
ACTIONS = {
    "export_csv": ("Nedladdning CSV", "CSV download"),
    "export_xlsx": ("Nedladdning Excel", "Excel download"),
    "briefing_html": ("Lägesbild HTML", "Briefing HTML"),
    "briefing_pdf": ("Lägesbild PDF", "Briefing PDF"),
    "report_docx": ("Lagstadgad lägesbild Word", "Statutory report Word"),
    "report_pdf": ("Lagstadgad lägesbild PDF", "Statutory report PDF"),
    "import": ("Import", "Import"),
    "sync": ("Synk", "Sync"),
}
COLUMNS = ["at", "who", "role", "action", "what", "rows", "channel", "detail"]
_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      TEXT    NOT NULL,  -- UTC, ISO 8601 with seconds
    who     TEXT    NOT NULL,  -- e-mail address, `anonym`, or `cli:<user>`
    role    TEXT    NOT NULL,
    action  TEXT    NOT NULL,
    what    TEXT    NOT NULL,  -- the file name
    rows    INTEGER,           -- rows exported, or rows read by an import
    channel TEXT    NOT NULL,  -- app or cli
    detail  TEXT    NOT NULL DEFAULT '{}'  -- JSON: page, imported/rejected counts, ...
)
"""
_READ = (
    "SELECT at, who, role, action, what, rows, channel, detail FROM audit "
    "WHERE at >= ? AND at < ? ORDER BY id DESC"
)


_PG_SCHEMA = "CREATE SCHEMA IF NOT EXISTS pax_audit; " + _SCHEMA.replace(
    "audit (", "pax_audit.audit (", 1
).replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY").replace("--", "-- ")


def _pg(file: Path | None) -> bool:
    """The log is PostgreSQL's (a shared store, and no file asked for)."""
    from pax import db

    return file is None and bool(db.write_url())


def path(env: Mapping[str, str] | None = None) -> Path:
    """`PAX_AUDIT`, or `audit.sqlite3` in the store's folder."""
    configured = config.get("PAX_AUDIT", env)
    return configured or config.store_path(env).with_name("audit.sqlite3")


def _connect(file: Path) -> sqlite3.Connection:
    file.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(file, timeout=10)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(_SCHEMA)
    return con


def record(
    action: str,
    what: str,
    who: str,
    role: str,
    rows: int | None = None,
    *,
    channel: str = "app",
    detail: Mapping[str, object] | None = None,
    file: Path | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Append one entry. `what` is a file name, never file content."""
    if action not in ACTIONS:
        raise ValueError(f"okänd händelse i granskningsloggen: {action!r}")
    at = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(tzinfo=None)
    values = (
        at.isoformat(timespec="seconds"),
        who,
        role,
        action,
        Path(str(what)).name,
        None if rows is None else int(rows),
        channel,
        json.dumps(dict(detail or {}), ensure_ascii=False, default=str),
    )
    insert = "INSERT INTO {t} (at, who, role, action, what, rows, channel, detail) VALUES "
    if _pg(file):
        import psycopg

        from pax import db

        with psycopg.connect(db.write_url()) as pg:
            pg.execute(_PG_SCHEMA)
            pg.execute(
                insert.format(t="pax_audit.audit") + "(%s, %s, %s, %s, %s, %s, %s, %s)", values
            )
        return
    con = _connect(file or path())
    try:
        with con:
            con.execute(insert.format(t="audit") + "(?, ?, ?, ?, ?, ?, ?, ?)", values)
    finally:
        con.close()


def read(
    start: dt.date | None = None, end: dt.date | None = None, file: Path | None = None
) -> pd.DataFrame:
    """Entries from `start` to `end` (UTC dates, both included), newest first."""
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in COLUMNS})
    low = start.isoformat() if start else ""
    high = (end + dt.timedelta(days=1)).isoformat() if end else "9999"
    if _pg(file):
        import psycopg

        from pax import db

        with psycopg.connect(db.read_url() or db.write_url()) as pg:
            try:
                cur = pg.execute(
                    _READ.replace("FROM audit", "FROM pax_audit.audit").replace("?", "%s"),
                    (low, high),
                )
            except psycopg.errors.UndefinedTable:
                return empty
            frame = pd.DataFrame(cur.fetchall(), columns=COLUMNS)
    else:
        file = file or path()
        if not file.exists():
            return empty
        con = _connect(file)
        try:
            frame = pd.read_sql_query(_READ, con, params=(low, high))
        finally:
            con.close()
    frame["at"] = pd.to_datetime(frame["at"])
    frame["rows"] = frame["rows"].astype("Int64")
    return frame
