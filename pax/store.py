"""The embedded DuckDB store: built whole into a new file, then swapped in.

A build never touches the live store until it has succeeded, so a failed build (bad
file, full disk, a bug) leaves the previous store exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
from shapely.geometry import mapping

from pax import catalog, config, db, demo, geo, model, privacy
from pax.ingest import scb

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
DEMO_DIR = "demo"
DEMO_FILES = ("events", "interventions", "trust_measures", "social_measures")


class Attached:
    """A read-only view of the store file as it is now: a fresh in-memory DuckDB instance
    with the file attached (`USE`d, so queries name tables as usual; every cursor too).

    `duckdb.connect(path)` would reuse the process's cached instance of that path, which
    still reads the file a build, import or sync has since replaced (duckdb/duckdb#15912):
    the app would never see new data until restarted. An attached file in a new instance is
    opened anew, while connections to the old version keep reading the old file until they
    are dropped — a viewer mid-query is never broken by a swap."""

    def __init__(self, path: Path):
        self._con = duckdb.connect(":memory:")
        quoted = str(path).replace("'", "''")
        self._con.execute(f"ATTACH '{quoted}' AS pax (READ_ONLY)")
        self._con.execute("USE pax")

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = self._con.cursor()
        cur.execute("USE pax")
        return cur

    def __getattr__(self, name):
        return getattr(self._con, name)

    def __enter__(self) -> Attached:
        return self

    def __exit__(self, *exc) -> None:
        self._con.close()


def shared() -> bool:
    """The app reads a PostgreSQL store (`PAX_DATABASE_URL`, `pax.db`), not the file."""
    return bool(db.read_url())


def ready() -> bool:
    """There is a store to read."""
    if shared():
        return version() not in ("missing", db.UNREACHABLE)
    return config.store_path().exists()


def connect(path: Path | None = None, read_only: bool = True):
    """A connection to the store: read-only (`Attached`, the file as it is now; with
    `PAX_DATABASE_URL` the process's pool to PostgreSQL) or, for a build or an import
    writing its own new file, a plain read-write DuckDB connection."""
    if read_only and path is None and shared():
        return db.shared()
    path = Path(path or config.store_path())
    if read_only and not path.exists():
        raise FileNotFoundError(
            f"Datalagret {path} finns inte. Bygg det med `python -m pax build` (eller `make run`)."
        )
    if read_only:
        return Attached(path)
    return duckdb.connect(str(path), read_only=False)


def schema_version() -> str:
    """A short hash of the schema: a store built by another version is rebuilt."""
    return hashlib.sha256(model.SCHEMA.encode()).hexdigest()[:12]


def version(path: Path | None = None) -> str:
    """A token that changes whenever the store file is replaced (used as a cache key); on
    PostgreSQL, whenever a new store is published."""
    if path is None and shared():
        return db.version()
    path = Path(path or config.store_path())
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "missing"
    return f"{stat.st_mtime_ns}-{stat.st_size}"


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    columns = ", ".join(frame.columns)
    con.register("_frame", frame)
    con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _frame")  # noqa: S608
    con.unregister("_frame")


def demo_dir(data_dir: Path | None = None) -> Path:
    return (data_dir or config.data_dir()) / DEMO_DIR


def generate_demo(
    data_dir: Path | None = None,
    end: dt.date | None = None,
    events_total: int | None = None,
    seed: int | None = None,
    years: int | None = None,
    progress: Progress = log.info,
) -> Path:
    """Write the fictional demo data to `data/demo/` as Parquet plus a manifest."""
    data_dir = data_dir or config.data_dir()
    end = end or config.get("PAX_DEMO_END")
    seed = config.get("PAX_DEMO_SEED") if seed is None else seed
    years = years or config.get("PAX_DEMO_YEARS")
    events_total = config.get("PAX_DEMO_EVENTS") if events_total is None else events_total
    if not 0 <= events_total <= 10_000_000:
        raise ValueError("Antalet demohändelser måste vara mellan 0 och 10 000 000.")
    areas = geo.load_areas()
    kommun = model.KOMMUN_CODE
    real = scb.measures(areas, data_dir / "scb")
    population = real[(real["indicator"] == "population") & (real["period"] == "2022")]
    population = population.set_index("area_code")["value"]
    listed = set(geo.load_police_status(areas)["area_code"])
    target = demo_dir(data_dir)
    target.mkdir(parents=True, exist_ok=True)
    progress(f"Genererar fiktiva händelser till och med {end} …")
    frames = {
        "events": demo.events(areas, population, listed, end, years, seed, events_total),
        "interventions": demo.interventions(areas, listed, end, years, seed),
        "trust_measures": demo.trust_measures(
            areas, listed, end, years, seed, demo.population_scale(population, areas)
        ),
        "social_measures": demo.social_measures(areas, real, end, years, seed),
    }
    for name, frame in frames.items():
        frame.to_parquet(target / f"{name}.parquet", index=False)
    manifest = {
        "kommun": kommun,
        "end": end.isoformat(),
        "seed": seed,
        "years": years,
        "events": len(frames["events"]),
        "generated": dt.datetime.now().isoformat(),
    }
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    progress(f"Demodata klara: {len(frames['events']):,} händelser.".replace(",", " "))
    return target


def demo_manifest(data_dir: Path | None = None) -> dict | None:
    path = demo_dir(data_dir) / "manifest.json"
    if not path.exists() or not all((path.parent / f"{n}.parquet").exists() for n in DEMO_FILES):
        return None
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("kommun", "0181") != model.KOMMUN_CODE:
        return None  # generated for another kommun (PAX_KOMMUN changed): generate anew
    return manifest


def build(
    path: Path | None = None,
    data_dir: Path | None = None,
    progress: Progress = log.info,
    mode: str | None = None,
) -> dict:
    """Rebuild the store from `data/` and `geo/` into a new file, then swap it in.

    `mode` (PAX_MODE): `demo` loads the fictional registers of `data/demo/` (generated if
    missing) and nothing imported; `live` loads no fictional record at all and replays
    every file kept in `data/sources/`. Both hold the real geography and SCB figures."""
    started = time.perf_counter()
    mode = mode or config.mode()
    path = Path(path or config.store_path())
    data_dir = data_dir or config.data_dir()
    kommun = geo.require_geometry()
    progress(
        f"Bygger {path.name} för {kommun.name} kommun ({kommun.code}) i läget {mode}"
        + (" (fiktiva register)." if mode == "demo" else " (bara verkliga data).")
    )
    manifest = None
    if mode == "demo":
        manifest = demo_manifest(data_dir)
        if manifest is None:
            progress("Demodata saknas – genererar dem först.")
            generate_demo(data_dir, progress=progress)
            manifest = demo_manifest(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.building-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp))
        try:
            counts = _fill(con, data_dir, manifest, progress)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    publish(path, progress)
    counts["build_s"] = round(time.perf_counter() - started, 2)
    progress(f"Datalagret {path} byggt på {counts['build_s']} s.")
    return counts


def publish(path: Path, progress: Progress = log.info) -> None:
    """With a PostgreSQL store (`PAX_DATABASE_WRITE_URL` or `PAX_DATABASE_URL`), copy the
    freshly written store file there and swap it in (`pax.db.publish`); else nothing."""
    if db.write_url() and Path(path) == Path(config.store_path()):
        db.publish(Path(path), progress=progress)


def _kommun_coverage(
    sources: pd.DataFrame,
    areas: pd.DataFrame,
    status: pd.DataFrame,
    places: pd.DataFrame,
    national: bool,
) -> pd.DataFrame:
    """The coverage of the geography, SCB, police-list, school and BRÅ sources, said of
    the kommun of PAX_KOMMUN with the counts of this build (sources.csv holds the rest)."""
    kommun = config.kommun()
    name = kommun.official_name()
    n = areas.groupby("level").size()
    police = status["police_area"].nunique()
    schools = places.groupby("kind").size()
    coverage = {
        "scb_geo": f"{n.get('deso', 0)} DeSO, {n.get('regso', 0)} RegSO och kommungränsen "
        f"(unionen av DeSO) för {name}",
        "scb_deso": f"{n.get('deso', 0)} DeSO i {name}, DeSO 2018"
        + (
            "; SCB:s rikstabell 2022 (folkmängd 2023): RegSO- och kommunvärden för "
            "hyresrätter, låg ekonomisk standard och medianinkomst är befolkningsvägda "
            "medelvärden av DeSO-värdena"
            if national
            else ""
        ),
        "polisen_uso": f"{police} områden i {name} med status och startdatum"
        if police
        else f"Inga områden i {name} på Polisens lista 2023",
        "skolverket_schools": f"{schools.get('school', 0)} grundskoleenheter i {name}",
        "skolverket_preschools": f"{schools.get('preschool', 0)} förskolor i {name}",
        "bra_kommun": f"Anmälda brott per kommun, antal och per 100 000 invånare; {name} och riket",
    }
    out = sources.copy()
    out["coverage"] = out["id"].map(coverage).fillna(out["coverage"])
    if national:
        out.loc[out["id"] == "scb_deso", "period"] = "2022, 2023"
    return out


def derive_event_days(con: duckdb.DuckDBPyConnection) -> None:
    """Fill `event_days` anew from `events` (every build, and every import of events):
    per day, area and category the events' weight and the sum of their record keys
    (`privacy.row_key_sql`, modulo KEY_MODULUS), with the fingerprint of the secret they
    were summed under, and the sources the events come from (`event_sources`). Counts over
    whole days then read this table (`pax.queries`), and no page scans the events to name
    their sources."""
    key, params = privacy.row_key_sql("id", "n")
    con.execute("DELETE FROM event_days")
    con.execute(
        "INSERT INTO event_days SELECT CAST(occurred_at AS DATE), area_code, category, "  # noqa: S608
        f"sum(n)::BIGINT, {privacy.sum_keys_sql(key, alias=None)} FROM events "
        "GROUP BY 1, 2, 3",
        params,
    )
    sources = [
        r[0] for r in con.execute("SELECT DISTINCT source_id FROM events ORDER BY 1").fetchall()
    ]
    noted = {"cell_key_check": privacy.key_check(), "event_sources": json.dumps(sources)}
    con.execute("DELETE FROM build_info WHERE key IN ('cell_key_check', 'event_sources')")
    con.executemany("INSERT INTO build_info VALUES (?, ?)", list(noted.items()))


def _fill(
    con: duckdb.DuckDBPyConnection, data_dir: Path, manifest: dict | None, progress: Progress
) -> dict:
    """Fill a new store: `manifest` is the demo's (demo mode), None in live mode."""
    con.execute(model.SCHEMA)
    progress("Läser geografin (DeSO, RegSO, kommun, Polisens områden, skolor) …")
    areas = geo.load_areas()
    status = geo.load_police_status(areas).assign(source_id="polisen_uso")
    places = geo.load_places()
    progress("Läser källregister och indikatorkatalog …")
    sources = catalog.load_sources(data_dir)
    if manifest is None:  # live: not even the description of a fictional source
        sources = sources[~sources["fictional"]]
    national = scb.uses_national(data_dir / "scb")
    _insert(con, "sources", _kommun_coverage(sources, areas, status, places, national))
    indicators = catalog.load_catalog(data_dir)
    if manifest is None:  # live: the demo's targets are fictional too
        indicators.loc[~indicators["source_id"].isin(sources["id"]), "target"] = None
    _insert(con, "catalog", indicators)
    cats = catalog.load_categories(data_dir)
    _insert(
        con,
        "categories",
        cats[["id", "label_sv", "label_en", "is_cache"]].assign(origin="catalogue"),
    )
    frame = areas.assign(
        geometry=[json.dumps(mapping(g)) for g in areas["geometry"]], source_id="scb_geo"
    )
    _insert(con, "areas", frame)
    _insert(con, "area_status", status)
    _insert(con, "places", places)
    progress("Läser SCB:s DeSO-statistik …")
    _insert(con, "measures", scb.measures(areas, data_dir / "scb"))
    info = {
        "mode": "demo" if manifest else "live",
        "schema": schema_version(),
        "kommun": model.KOMMUN_CODE,
    }
    if manifest:
        progress("Läser fiktiva demodata …")
        ddir = demo_dir(data_dir)
        events = ddir / "events.parquet"
        con.execute(f"INSERT INTO events SELECT * FROM read_parquet('{events}')")  # noqa: S608
        for name, table in (
            ("interventions", "interventions"),
            ("trust_measures", "measures"),
            ("social_measures", "measures"),
        ):
            frame = pd.read_parquet(ddir / f"{name}.parquet")
            _insert(con, table, frame)
        info |= {"demo_end": manifest["end"], "demo_seed": str(manifest["seed"])}
    else:
        progress("Läser om importerade filer i data/sources/ …")
        from pax.ingest.run import replay

        info["imported_files"] = str(len(replay(con, data_dir, progress)))
    info["built_at"] = dt.datetime.now().isoformat(timespec="seconds")
    _insert(con, "build_info", pd.DataFrame(list(info.items()), columns=["key", "value"]))
    progress("Summerar händelserna per dag, område och kategori …")
    derive_event_days(con)
    counts = {
        t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
        for t in ("areas", "events", "measures", "interventions", "sources", "catalog")
    }
    return counts
