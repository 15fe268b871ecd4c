"""The questions the pages ask, as parametrised SQL returning small frames.

These return raw figures; `pax.published` passes every result through `pax.privacy`
before it is cached or shown, and pages only ever see the protected frames.

One definition per query for both stores: the SQL is what DuckDB and PostgreSQL both
accept (no `GROUP BY ALL`, `list_contains`, `EXCLUDE` or `//`; lists as
`CAST(? AS VARCHAR[])`), with `?` placeholders (`pax.db` turns them into PostgreSQL's);
only the salted hash of the cell keys differs by engine (`privacy.row_key_sql`), and for
events not even that: PostgreSQL reads the keys DuckDB made (`_row_key`).
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb
import pandas as pd

from pax import model, privacy

Con = duckdb.DuckDBPyConnection


DATE_COLUMNS = ("period_start", "period_end", "start_date", "end_date", "since", "month", "updated")


def _dialect(con) -> str:
    """`duckdb` or `postgres` (`pax.db.PgConnection.dialect`)."""
    return getattr(con, "dialect", "duckdb")


def _in(column: str) -> str:
    """`column` is in a list parameter, or the parameter is NULL (no filter): two `?`."""
    return f"(CAST(? AS VARCHAR[]) IS NULL OR {column} IN (SELECT unnest(CAST(? AS VARCHAR[]))))"


def _daily(con: Con) -> bool:
    """The store's `event_days` may answer counts over whole days: it was summed under the
    cell-key secret in use (`privacy.key_check`). A store from before the table, or built
    under another secret, is read from `events` (the same figures, more slowly)."""
    try:
        row = (
            con.cursor()
            .execute("SELECT value FROM build_info WHERE key = 'cell_key_check'")
            .fetchone()
        )
    except Exception:  # noqa: BLE001 - an older store without the key: read the events
        return False
    return bool(row) and row[0] == privacy.key_check()


def _row_key(con: Con, prefix: str = "e.") -> tuple[str, list]:
    """SQL (and parameters) of one event's key times its weight: hashed in the query on
    DuckDB; on PostgreSQL the key DuckDB hashed when the store was published
    (`record_key`, `pax.db`) wherever it was made under the secret in use — the keys
    `event_days` was summed with, so a count has one key whichever table or engine
    answers it."""
    if _dialect(con) == "postgres" and _daily(con):
        return privacy.weighted_key_sql(f"{prefix}record_key", f"{prefix}n"), []
    return privacy.row_key_sql(f"{prefix}id", f"{prefix}n", dialect=_dialect(con))


def _count_key(con: Con) -> tuple[str, list]:
    """The cell key of a GROUP BY over events `e`: the sum of their `_row_key`s."""
    row, params = _row_key(con)
    return privacy.sum_keys_sql(row), params


def _counted(con: Con) -> tuple[str, str, str, list]:
    """FROM table, its time column, the cell key's SQL and parameters for a count over
    whole days: `event_days` where `_daily`, else `events` with the record keys summed."""
    if _daily(con):
        return "event_days", "e.day", privacy.sum_keys_sql("e.count_key"), []
    key, params = _count_key(con)
    return "events", "e.occurred_at", key, params


def _df(con: Con, sql: str, params: list | None = None) -> pd.DataFrame:
    frame = con.cursor().execute(sql, params or []).df()
    for col in DATE_COLUMNS:  # DuckDB DATE arrives as datetime64; pages compare with dates
        if col in frame and pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].dt.date
    return frame


def build_info(con: Con) -> dict[str, str]:
    return dict(con.cursor().execute("SELECT key, value FROM build_info").fetchall())


def sources(con: Con) -> pd.DataFrame:
    return _df(con, "SELECT * FROM sources ORDER BY fictional, id")


REGISTERS = ("events", "interventions", "measures")


def register_sources(con: Con, table: str) -> list[str]:
    """The source ids that have rows in `table` (events, interventions or measures)."""
    if table not in REGISTERS:
        raise ValueError(table)
    if table == "events":  # noted with every write (pax.store.derive_event_days)
        noted = build_info(con).get("event_sources")
        if noted is not None:
            return json.loads(noted)
    rows = con.cursor().execute(
        f"SELECT DISTINCT source_id FROM {table} ORDER BY source_id"  # noqa: S608
    )
    return [r[0] for r in rows.fetchall()]


def events_in_areas(con: Con) -> int:
    """Events placed in a DeSO or RegSO (the rest name only the municipality)."""
    row = (
        con.cursor()
        .execute(
            "SELECT coalesce(sum(e.n), 0) "  # noqa: S608 - a fixed table name
            f"FROM {'event_days' if _daily(con) else 'events'} e "
            "JOIN areas d ON d.code = e.area_code WHERE d.level IN ('deso', 'regso')"
        )
        .fetchone()
    )
    return int(row[0])


def unit_values(con: Con, indicator: str) -> pd.DataFrame:
    """An indicator's latest value per Kolada unit (breakdown `enhet: <id>`), with the
    unit's name where the store has it: unit_id, title, period, value, source_id."""
    return _df(
        con,
        "WITH u AS (SELECT substr(breakdown, 8) AS unit_id, period, value, source_id "
        "FROM measures WHERE indicator = ? AND breakdown LIKE 'enhet: %' AND value IS NOT NULL), "
        "latest AS (SELECT unit_id, max(period) AS period FROM u GROUP BY unit_id) "
        "SELECT u.unit_id, coalesce(n.title, u.unit_id) AS title, u.period, u.value, u.source_id "
        "FROM u JOIN latest USING (unit_id, period) LEFT JOIN units n ON n.id = u.unit_id "
        "ORDER BY title",
        [indicator],
    )


def catalog(con: Con, indicator: str | None = None) -> pd.DataFrame:
    """The indicators with their source: the catalogue's, or — where the store does not
    hold that source (a live store holds no fictional one) — the source of the indicator's
    measures; `fictional` from that source, `has_data` when it has measures. With
    `indicator`, that one row only (read without scanning the other indicators)."""
    only = "WHERE indicator = ?" if indicator else ""
    where = "WHERE c.id = ?" if indicator else ""
    return _df(
        con,
        "WITH used AS (SELECT indicator, min(source_id) AS source_id FROM measures "  # noqa: S608
        f"{only} GROUP BY indicator), "
        "cat AS (SELECT c.id, c.horizon, c.theme, c.name_sv, c.name_en, c.unit, c.better, "
        "c.kind, c.aggregation, c.definition_sv, c.definition_en, c.target, "
        "CASE WHEN c.source_id IN (SELECT id FROM sources) THEN c.source_id "
        "ELSE coalesce(u.source_id, c.source_id) END AS source_id, "
        "u.indicator IS NOT NULL AS has_data "
        f"FROM catalog c LEFT JOIN used u ON u.indicator = c.id {where}) "
        "SELECT cat.*, coalesce(s.fictional, false) AS fictional FROM cat "
        "LEFT JOIN sources s ON s.id = cat.source_id ORDER BY horizon, theme, id",
        [indicator, indicator] if indicator else [],
    )


def areas(con: Con, level: str) -> pd.DataFrame:
    """Areas of one level with their GeoJSON geometry and latest population."""
    return _df(
        con,
        """
        SELECT a.code, a.name, a.level, a.parent_code, a.category, a.area_km2, a.geometry,
               p.value AS population, p.period AS population_year
        FROM areas a
        LEFT JOIN (
            SELECT area_code, value, period,
                   row_number() OVER (PARTITION BY area_code ORDER BY period DESC) AS r
            FROM measures WHERE indicator = 'population' AND breakdown = ''
        ) p ON p.area_code = a.code AND p.r = 1
        WHERE a.level = ? ORDER BY a.name""",
        [level],
    )


def police_status(con: Con) -> pd.DataFrame:
    return _df(
        con,
        """SELECT s.*, a.name AS area_name, a.level FROM area_status s
                       JOIN areas a ON a.code = s.area_code ORDER BY s.police_area, a.level""",
    )


def places(con: Con) -> pd.DataFrame:
    return _df(con, "SELECT * FROM places ORDER BY kind, name")


def events_range(con: Con) -> tuple[dt.date | None, dt.date | None]:
    first, last = (
        con.cursor()
        .execute("SELECT min(occurred_at)::DATE, max(occurred_at)::DATE FROM events")
        .fetchone()
    )
    return first, last


def event_counts(
    con: Con, start: dt.date, end: dt.date, level: str, categories: list[str] | None = None
) -> pd.DataFrame:
    """Events per area of `level` and category in [start, end] (dates inclusive).

    An event counts in the finest area its precision allows: a point or DeSO event in its
    DeSO and RegSO, a RegSO-level event only in its RegSO, a municipality-level event only
    in the municipal total (`level = 'kommun'`), never in an area."""
    area_expr = {
        "deso": "CASE WHEN d.level = 'deso' THEN d.code END",
        "regso": "CASE d.level WHEN 'deso' THEN d.parent_code WHEN 'regso' THEN d.code END",
        # The kommun code is four digits, checked by pax.config (PAX_KOMMUN).
        "kommun": f"CASE WHEN d.code IS NOT NULL THEN '{model.KOMMUN_CODE}' END",
    }[level]
    table, time, key, key_params = _counted(con)
    sql = f"""
        SELECT {area_expr} AS area_code, e.category, sum(e.n)::BIGINT AS count, {key}
        FROM {table} e LEFT JOIN areas d ON d.code = e.area_code
        WHERE {time} >= ? AND {time} < ?
          AND {_in("e.category")}
          AND ({area_expr}) IS NOT NULL
        GROUP BY 1, 2"""  # noqa: S608 - the expression comes from the fixed mapping above
    cats = list(categories) if categories else None
    return _df(con, sql, [*key_params, start, end + dt.timedelta(days=1), cats, cats])


def category_window_counts(
    con: Con, windows: dict[str, tuple[dt.date, dt.date]], categories: list[str] | None = None
) -> pd.DataFrame:
    """Municipal count per category for each named window [start, end]."""
    frames = []
    for name, (start, end) in windows.items():
        frame = event_counts(con, start, end, "kommun", categories)
        frames.append(frame.assign(window=name))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def event_points(
    con: Con, start: dt.date, end: dt.date, categories: list[str] | None = None
) -> pd.DataFrame:
    """Located events (raw; privacy decides what may leave), each with its record key
    times its weight (`weight_key`)."""
    cats = list(categories) if categories else None
    key, key_params = _row_key(con, prefix="")
    return _df(
        con,
        f"""
        SELECT lat, lon, category, precision, n, {key} AS weight_key
        FROM events
        WHERE occurred_at >= ? AND occurred_at < ? AND lat IS NOT NULL
          AND {_in("category")}""",  # noqa: S608 - fixed SQL
        [*key_params, start, end + dt.timedelta(days=1), cats, cats],
    )


def measure_values(
    con: Con,
    indicator: str,
    level: str | None = None,
    area_codes: list[str] | None = None,
    breakdown: str | None = "",
) -> pd.DataFrame:
    """All values of an indicator (optionally for one level or some areas)."""
    codes = list(area_codes) if area_codes else None
    key, key_params = privacy.measure_key_sql("m", dialect=_dialect(con))
    return _df(
        con,
        f"""
        SELECT m.*, {key} AS value_key, a.name AS area_name, a.level
        FROM measures m JOIN areas a ON a.code = m.area_code
        WHERE m.indicator = ?
          AND (CAST(? AS VARCHAR) IS NULL OR a.level = ?)
          AND {_in("m.area_code")}
          AND (CAST(? AS VARCHAR) IS NULL OR m.breakdown = ?)
        ORDER BY m.period_start, a.name""",  # noqa: S608 - fixed SQL from pax.privacy
        [*key_params, indicator, level, level, codes, codes, breakdown, breakdown],
    )


def measure_latest(con: Con, indicator: str, level: str) -> pd.DataFrame:
    """The latest period's value of an indicator for each area of a level."""
    frame = measure_values(con, indicator, level)
    if frame.empty:
        return frame
    return frame[frame["period"] == frame["period"].max()].reset_index(drop=True)


def measure_by_breakdown(
    con: Con, indicator: str, start: dt.date, end: dt.date, area_code: str | None = None
) -> pd.DataFrame:
    area_code = area_code or model.KOMMUN_CODE
    key, key_params = privacy.measure_key_sql("m", dialect=_dialect(con))
    return _df(
        con,
        f"""
        SELECT period, period_start, breakdown, value, {key} AS value_key FROM measures m
        WHERE indicator = ? AND area_code = ? AND period_start >= ? AND period_start <= ?
        ORDER BY period_start, breakdown""",  # noqa: S608 - fixed SQL from pax.privacy
        [*key_params, indicator, area_code, start, end],
    )


def interventions(con: Con, day: dt.date | None = None) -> pd.DataFrame:
    """Interventions, optionally only those active on `day`."""
    return _df(
        con,
        """
        SELECT i.*, a.name AS area_name FROM interventions i
        LEFT JOIN areas a ON a.code = i.area_code
        WHERE CAST(? AS DATE) IS NULL
           OR (i.start_date <= ? AND (i.end_date IS NULL OR i.end_date >= ?))
        ORDER BY start_date""",
        [day, day, day],
    )


def categories(con: Con) -> pd.DataFrame:
    """Event categories: the catalogue's first (in file order), then imported ones."""
    return _df(con, "SELECT * FROM categories ORDER BY origin <> 'catalogue', label_sv")


def measure_total(
    con: Con,
    indicator: str,
    start: dt.date,
    end: dt.date,
    area_code: str | None = None,
    statistic: str = "sum",
) -> tuple[float | None, int]:
    """Sum (or median) of an indicator's monthly values whose month starts in [start, end],
    over all breakdowns, and the sum's cell key: totals are computed from raw values, then
    protected once."""
    area_code = area_code or model.KOMMUN_CODE
    agg = {
        "sum": "sum(value)",
        "median": "percentile_cont(0.5) WITHIN GROUP (ORDER BY value)",
    }[statistic]
    key, key_params = privacy.measure_key_sql("m", dialect=_dialect(con))
    sql = f"""
        SELECT {agg}, coalesce(sum(value_key), 0)::BIGINT FROM (
            SELECT period, sum(value) AS value, sum({key}) AS value_key FROM measures m
            WHERE indicator = ? AND area_code = ? AND length(period) = 7
              AND period_start >= ? AND period_start <= ?
            GROUP BY period) AS months"""  # noqa: S608 - agg comes from the fixed mapping above
    params = [*key_params, indicator, area_code, start, end]
    value, key_sum = con.cursor().execute(sql, params).fetchall()[0]
    return (None if value is None else float(value)), int(key_sum) % privacy.KEY_MODULUS


def _area_filter(areas: list[str] | None) -> tuple[str, list]:
    """SQL condition on events `e` (joined to `d`) for a set of DeSO and RegSO codes: an
    event is in a RegSO when its DeSO is, or when it was placed on the RegSO itself."""
    if not areas:
        return "TRUE", []
    codes = list(areas)
    listed = "IN (SELECT unnest(CAST(? AS VARCHAR[])))"
    return f"(e.area_code {listed} OR d.parent_code {listed})", [codes, codes]


def _filtered_events(
    con: Con,
    select: str,
    start: dt.date,
    end: dt.date,
    categories: list[str] | None,
    areas: list[str] | None,
    select_params: list | None = None,
    where: str = "",
    tail: str = "",
    counted: tuple[str, str] = ("events", "e.occurred_at"),
) -> pd.DataFrame:
    """Events in [start, end] of some categories within some areas (all when None): the
    FROM and WHERE shared by the Här och nu queries; `select`, `where` and `tail` are
    fixed SQL text from the callers below, never user input; `counted` is the table and
    its time column (`_counted`: `event_days` and `e.day` for counts over whole days)."""
    cond, params = _area_filter(areas)
    cats = list(categories) if categories else None
    table, time = counted
    sql = f"""
        SELECT {select}
        FROM {table} e LEFT JOIN areas d ON d.code = e.area_code
        WHERE {time} >= ? AND {time} < ? {where}
          AND {_in("e.category")} AND {cond}
        {tail}"""  # noqa: S608
    return _df(
        con, sql, [*(select_params or []), start, end + dt.timedelta(days=1), cats, cats, *params]
    )


def category_counts(
    con: Con,
    start: dt.date,
    end: dt.date,
    categories: list[str] | None,
    areas: list[str] | None = None,
) -> pd.DataFrame:
    """Events per category in [start, end] within the given areas (all when None), with
    each count's cell key."""
    table, time, key, key_params = _counted(con)
    return _filtered_events(
        con,
        f"e.category, sum(e.n)::BIGINT AS count, {key}",
        start,
        end,
        categories,
        areas,
        select_params=key_params,
        tail="GROUP BY 1",
        counted=(table, time),
    )


def monthly_counts(
    con: Con,
    start: dt.date,
    end: dt.date,
    categories: list[str] | None,
    areas: list[str] | None = None,
) -> pd.DataFrame:
    table, time, key, key_params = _counted(con)
    return _filtered_events(
        con,
        f"CAST(date_trunc('month', {time}) AS DATE) AS month, e.category, "
        f"sum(e.n)::BIGINT AS count, {key}",
        start,
        end,
        categories,
        areas,
        select_params=key_params,
        tail="GROUP BY 1, 2 ORDER BY month",
        counted=(table, time),
    )


def weekday_hour_counts(
    con: Con,
    start: dt.date,
    end: dt.date,
    categories: list[str] | None,
    areas: list[str] | None = None,
    block_hours: int = 3,
    by_category: bool = False,
) -> pd.DataFrame:
    """Events by ISO weekday (1 = Monday) and block of `block_hours` hours (and category)."""
    key, key_params = _count_key(con)
    hours = int(block_hours)  # a number of our own, written into the SQL
    return _filtered_events(
        con,
        "CAST(EXTRACT(ISODOW FROM e.occurred_at) AS INTEGER) AS weekday, "
        f"CAST(floor(EXTRACT(HOUR FROM e.occurred_at) / {hours}) AS INTEGER) * {hours} AS hour, "
        + ("e.category, " if by_category else "")
        + f"sum(e.n)::BIGINT AS count, {key}",
        start,
        end,
        categories,
        areas,
        select_params=key_params,
        where="AND e.precision <> 'municipality'",
        tail="GROUP BY 1, 2, 3" if by_category else "GROUP BY 1, 2",
    )


def located_events(
    con: Con,
    start: dt.date,
    end: dt.date,
    categories: list[str] | None,
    areas: list[str] | None = None,
) -> pd.DataFrame:
    """Events with a point (for hotspots and near repeats; raw, never drawn as points)."""
    return _filtered_events(
        con,
        "e.id, e.occurred_at, e.category, e.lat, e.lon, e.area_code, e.n",
        start,
        end,
        categories,
        areas,
        where="AND e.lat IS NOT NULL",
    )


def deso_category_rates(con: Con, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Usual events per day and km² by DeSO and category over [start, end] (the baseline
    for near-repeat tests)."""
    days = (end - start).days + 1
    table, time = ("event_days", "e.day") if _daily(con) else ("events", "e.occurred_at")
    return _df(
        con,
        f"""
        SELECT e.area_code, e.category,
               CAST(sum(e.n) AS DOUBLE PRECISION) / ? / max(d.area_km2) AS rate
        FROM {table} e JOIN areas d ON d.code = e.area_code AND d.level = 'deso'
        WHERE {time} >= ? AND {time} < ?
        GROUP BY 1, 2""",  # noqa: S608 - fixed table and column names
        [days, start, end + dt.timedelta(days=1)],
    )


def area_children(con: Con, codes: list[str]) -> list[str]:
    """The DeSO of the given RegSO codes plus the codes themselves."""
    if not codes:
        return []
    rows = (
        con.cursor()
        .execute(
            "SELECT code FROM areas WHERE code IN (SELECT unnest(CAST(? AS VARCHAR[]))) "
            "OR parent_code IN (SELECT unnest(CAST(? AS VARCHAR[])))",
            [list(codes), list(codes)],
        )
        .fetchall()
    )
    return sorted({r[0] for r in rows})
