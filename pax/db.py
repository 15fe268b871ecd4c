"""PostgreSQL/PostGIS as the shared store (`PAX_DATABASE_URL`), beside the embedded DuckDB
file that stays the default.

How a write reaches PostgreSQL: every build, import and sync still writes the writer's
own DuckDB file exactly as on one machine (new file, then swap), and then *publishes* it:
each table is copied into a fresh schema of the primary (`PAX_DATABASE_WRITE_URL`), the
areas and places get PostGIS geometries (SRID 4326, GiST indexes), and one transaction
renames the fresh schema to `pax` and drops the old one. A viewer's query sees the old
store or the new, never a mixture, and a failed publish leaves `pax` as it was. One
definition per query: `pax.queries` is SQL both engines accept, run here through
`PgConnection` (`?` placeholders become psycopg's; `dialect = "postgres"`).

Reads go to `PAX_DATABASE_URL` (a streaming standby near the app host, or the primary on a
single server), through a small connection pool per process (`PAX_DATABASE_POOL`).
"""

from __future__ import annotations

import decimal
import re
import tempfile
import uuid
from pathlib import Path

import duckdb
import pandas as pd

from pax import config, model, privacy

SCHEMA = "pax"
UNREACHABLE = "unreachable"  # version() when the server does not answer
CONNECT_TIMEOUT_S = 5  # longest wait for a pooled connection: a page says so, not hangs
# DuckDB's type names that PostgreSQL spells otherwise.
_PG_TYPES = ((re.compile(r"\bDOUBLE\b"), "DOUBLE PRECISION"),)
# Indexes the queries use: events and their daily sums by time (every event query has a
# period; an area filter joins the areas, so an index on the events' area is never used —
# EXPLAIN at 10 000 000 events — and only cost 20 s per publish), measures by indicator
# and area, the areas by level and both geometries.
INDEXES = (
    "CREATE INDEX ON {s}.events (occurred_at)",
    "CREATE INDEX ON {s}.event_days (day)",
    "CREATE INDEX ON {s}.measures (indicator, area_code)",
    "CREATE INDEX ON {s}.areas (level)",
    "CREATE INDEX ON {s}.areas USING GIST (geom)",
    "CREATE INDEX ON {s}.places USING GIST (geom)",
)


def read_url() -> str:
    """Where viewers read (`PAX_DATABASE_URL`); empty: the DuckDB file."""
    return config.get("PAX_DATABASE_URL")


def write_url() -> str:
    """Where builds, imports, syncs and the audit log write (`PAX_DATABASE_WRITE_URL`,
    else `PAX_DATABASE_URL`)."""
    return config.get("PAX_DATABASE_WRITE_URL") or read_url()


def pg_schema() -> str:
    """The store's DDL in PostgreSQL's spelling."""
    ddl = model.SCHEMA
    for pattern, replacement in _PG_TYPES:
        ddl = pattern.sub(replacement, ddl)
    return ddl


def _tables() -> list[str]:
    return re.findall(r"CREATE TABLE (\w+)", model.SCHEMA)


class _Result:
    """Rows of one statement with the DuckDB-like reads `pax.queries` uses."""

    def __init__(self, columns: list[str], rows: list[tuple]):
        self.columns, self.rows = columns, rows

    def fetchall(self) -> list[tuple]:
        return self.rows

    def fetchone(self) -> tuple | None:
        return self.rows[0] if self.rows else None

    def df(self) -> pd.DataFrame:
        frame = pd.DataFrame.from_records(self.rows, columns=self.columns)
        for column in frame.columns:
            values = frame[column].dropna()
            if len(values) and isinstance(values.iloc[0], decimal.Decimal):
                frame[column] = frame[column].astype(float)  # numeric sums and averages
        return frame


def _psycopg_sql(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (a literal `%` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PgConnection:
    """A read connection to the store in PostgreSQL with the calls `pax.queries` makes
    (`cursor().execute(sql, params)` then `.df()`, `.fetchone()`, `.fetchall()`)."""

    dialect = "postgres"

    def __init__(self, url: str, size: int | None = None):
        from psycopg_pool import ConnectionPool

        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=size or config.get("PAX_DATABASE_POOL"),
            kwargs={"options": f"-c search_path={SCHEMA},public", "autocommit": True},
            open=True,
        )

    def cursor(self) -> PgConnection:
        return self

    def execute(self, sql: str, params: list | None = None) -> _Result:
        with self.pool.connection(timeout=CONNECT_TIMEOUT_S) as conn, conn.cursor() as cur:
            cur.execute(_psycopg_sql(sql), list(params or []))
            if cur.description is None:
                return _Result([], [])
            return _Result([d.name for d in cur.description], cur.fetchall())

    def close(self) -> None:
        self.pool.close()

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def connect(url: str | None = None) -> PgConnection:
    return PgConnection(url or read_url())


_SHARED: dict[str, PgConnection] = {}


def shared(url: str | None = None) -> PgConnection:
    """The process's pool for `url`: a publish renames schemas under it, so one pool serves
    every version of the store (no new pool per build, no pool left open)."""
    url = url or read_url()
    if url not in _SHARED:
        _SHARED[url] = PgConnection(url)
    return _SHARED[url]


def version(url: str | None = None) -> str:
    """The published store's build id (a cache key that changes with every publish), or
    `missing` when nothing has been published, `unreachable` when the server does not
    answer. Asked on every page run, so through the process's pool, not a new connection."""
    import psycopg

    try:
        row = (
            shared(url)
            .execute(f"SELECT value FROM {SCHEMA}.build_info WHERE key = 'build_id'")  # noqa: S608
            .fetchone()
        )
    except psycopg.errors.UndefinedTable:
        return "missing"
    except psycopg.OperationalError:  # the pool's timeout too
        return UNREACHABLE
    return f"pg-{row[0]}" if row else "missing"


def publish(store_path: Path, url: str | None = None, progress=lambda message: None) -> str:
    """Copy the DuckDB store at `store_path` into PostgreSQL (`PAX_DATABASE_WRITE_URL`) and
    swap it in as schema `pax` in one transaction; the new build id."""
    import psycopg

    url = url or write_url()
    build_id = uuid.uuid4().hex[:16]
    fresh = f"{SCHEMA}_new_{build_id}"
    old = f"{SCHEMA}_old_{build_id}"
    progress("Kopierar datalagret till PostgreSQL …")
    with duckdb.connect(str(store_path), read_only=True) as source, psycopg.connect(url) as conn:
        with conn.transaction():
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            conn.execute(f"CREATE SCHEMA {fresh}")
            conn.execute(f"SET LOCAL search_path = {fresh}, public")
            conn.execute(pg_schema())
            # Each event's record key as DuckDB hashes it (the keys `event_days` was summed
            # with): PostgreSQL's counts then carry the same keys, and the same noise.
            conn.execute(f"ALTER TABLE {fresh}.events ADD COLUMN record_key BIGINT")
            secret = str(config.get("PAX_CELL_KEY_SECRET")).replace("'", "''")
            key = privacy.row_key_sql("id", "1")[0].replace("?", f"'{secret}'")
            for table in _tables():
                extra = {"record_key": key} if table == "events" else {}
                _copy(source, conn, fresh, table, extra)
            conn.execute(
                f"INSERT INTO {fresh}.build_info VALUES ('build_id', %s)",  # noqa: S608
                [build_id],
            )
            _geometries(conn, fresh)
            for index in INDEXES:
                conn.execute(index.format(s=fresh))
            conn.execute("ANALYZE")
        progress("Byter till den nya versionen i en transaktion …")
        with conn.transaction():
            exists = conn.execute(
                "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [SCHEMA]
            ).fetchone()
            if exists:
                conn.execute(f"ALTER SCHEMA {SCHEMA} RENAME TO {old}")
            conn.execute(f"ALTER SCHEMA {fresh} RENAME TO {SCHEMA}")
            if exists:
                conn.execute(f"DROP SCHEMA {old} CASCADE")
    return build_id


def _copy(
    source: duckdb.DuckDBPyConnection, conn, schema: str, table: str, extra: dict | None = None
) -> None:
    """Every row of one table: DuckDB writes it as CSV to a temporary file and the file is
    streamed into `COPY … FROM STDIN` in blocks, both sides in C (10 000 000 events in
    seconds, where one Python `write_row` per row took minutes). NULL is an unquoted empty
    field and an empty string a quoted one, which both engines read alike. `extra`: more
    columns, name → DuckDB expression."""
    names = [row[0] for row in source.execute(f"DESCRIBE {table}").fetchall()]  # noqa: S608
    extra = extra or {}
    select = ", ".join([*names, *(f"{sql} AS {name}" for name, sql in extra.items())])
    columns = ", ".join([*names, *extra])
    with tempfile.TemporaryDirectory(prefix="pax-publish-") as tmp:
        path = Path(tmp) / f"{table}.csv"
        quoted = str(path).replace("'", "''")
        source.execute(
            f"COPY (SELECT {select} FROM {table}) TO '{quoted}' (FORMAT csv, HEADER false)"  # noqa: S608
        )
        with (
            conn.cursor().copy(
                f"COPY {schema}.{table} ({columns}) FROM STDIN (FORMAT csv)"  # noqa: S608
            ) as copy,
            path.open("rb") as csv,
        ):
            while block := csv.read(1 << 20):
                copy.write(block)


def _geometries(conn, schema: str) -> None:
    """PostGIS geometries (SRID 4326) beside the GeoJSON text the pages draw."""
    conn.execute(f"ALTER TABLE {schema}.areas ADD COLUMN geom geometry(MultiPolygon, 4326)")
    conn.execute(
        f"UPDATE {schema}.areas SET geom = "  # noqa: S608
        "ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(geometry), 4326))"
    )
    conn.execute(f"ALTER TABLE {schema}.places ADD COLUMN geom geometry(Point, 4326)")
    conn.execute(
        f"UPDATE {schema}.places SET geom = ST_SetSRID(ST_MakePoint(lon, lat), 4326)"  # noqa: S608
    )
