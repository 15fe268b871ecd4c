"""Benchmark harness: store build time, page server time and map size per event scale.

For each scale, an isolated store is built under `benchmarks/work/<scale>/` from the
real catalogue, SCB tables and geography plus fictional demo events ending on a fixed
date. Every page of the app is then run headless with Streamlit's AppTest: one cold run
(empty Streamlit caches) and the median of N warm runs. The Här och nu map is also
built through `pax.maps.events_map` for the public and council roles to record its
HTML size.

Här och nu is measured in more detail (records with `variant`): the page with its default
filters and after one filter change (Period → 365 days), the build+render time and size
of its map, and, at 1 000 and 10 000 events only, a naive map with one folium
CircleMarker per event of the store for comparison. A summary table prints the ratios
and whether the targets are met (✓/✗).

Results go to stdout (tables) and `benchmarks/results.json`; progress to stderr.
Nothing here asserts anything about speed.

Usage: python benchmarks/bench.py [--scales 1000,10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import importlib
import json
import os
import statistics
import sys
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

import folium  # noqa: E402
import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402
import streamlit.logger  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from pax import db, i18n, maps, model, queries, store  # noqa: E402


def configure_streamlit() -> None:
    """Silence Streamlit's warnings about cached calls outside a script run and keep
    exception messages (the app's config redacts them). Parsing the config resets both:
    parse it first; the first AppTest run may parse it again, so call this after it too."""
    st.config.get_option("logger.level")
    st.config.set_option("client.showErrorDetails", "full")
    streamlit.logger.set_log_level("error")


configure_streamlit()  # before ui.cached: its decorators warn at import time
# The tests' data folder (links to the project's catalogue, categories, sources and SCB
# tables, with its own demo/), so the benchmark stores follow the same recipe.
from tests.conftest import make_data_dir  # noqa: E402
from ui import cached  # noqa: E402

DEFAULT_SCALES = (1_000, 10_000, 100_000, 1_000_000)
DEMO_END = dt.date(2026, 6, 30)
SEED = 7
YEARS = 5
TIMEOUT_S = 300.0
MAP_PAGE = "har_och_nu.py"
MAP_DAYS = 90
# Här och nu in detail: the page's name in the variant records, the filter change, the
# scales that also get the naive map, and the targets of the issue (checked, not asserted).
VARIANT_PAGE = "har_och_nu"
PERIOD_LABEL = "Period"
PERIOD_CHANGE = "365"
NAIVE_SCALES = (1_000, 10_000)
TARGET_SCALE = 1_000_000
TARGET_SERVER_S = 0.5
TARGET_COMPARE_SCALE = 10_000
TARGET_SPEEDUP = 50.0
TARGET_SHRINK = 10.0
TARGET_HTML_BYTES = 1_500_000
# Modules the pages import on first use: loaded up front so that a cold run measures
# empty Streamlit caches, not Python imports (plotly, streamlit_folium).
PAGE_MODULES = ("pax.figures", "ui.components")
WORK = HERE / "work"
RESULTS = HERE / "results.json"
Record = dict[str, Any]
# The store engines: the DuckDB file, or PostgreSQL/PostGIS (a cluster the benchmark starts
# in a temporary folder with Debian's packages, as the tests do; the store is built as a
# DuckDB file and published to it, as `python -m pax build` does with PAX_DATABASE_URL).
ENGINES = ("duckdb", "postgres")
# Every page warm, by engine and scale (issue 19): the figure each must stay within.
PAGE_TARGETS = {
    ("postgres", 1_000_000): 0.5,
    ("duckdb", 10_000_000): 1.0,
    ("postgres", 10_000_000): 1.0,
}
_CLUSTER: list = []


def progress(message: str) -> None:
    """A progress line on stderr, so stdout stays a clean table."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pg_url() -> str:
    """The benchmark's PostgreSQL cluster (started on first use, removed at exit)."""
    if not _CLUSTER:
        import atexit

        from tests.pg import STORE_SETTINGS, Cluster

        cluster = Cluster().init(STORE_SETTINGS).start()
        atexit.register(cluster.remove)
        _CLUSTER.append(cluster)
    return _CLUSTER[0].url


def build_scale(scale: int, engine: str = "duckdb") -> tuple[Path, Path, Record]:
    """Generate demo data and build the store for one scale (and publish it to PostgreSQL
    for that engine); returns paths and timings."""
    kommun = os.environ.get("PAX_KOMMUN", "0181")
    base = WORK / (str(scale) if kommun == "0181" else f"{kommun}-{scale}")
    data_dir = make_data_dir(base / "data")
    path = base / "pax.duckdb"
    started = time.perf_counter()
    store.generate_demo(
        data_dir, end=DEMO_END, events_total=scale, seed=SEED, years=YEARS, progress=lambda m: None
    )
    demo_s = time.perf_counter() - started
    progress(f"{scale:>9,} events: demo data generated in {demo_s:.2f} s")
    started = time.perf_counter()
    counts = store.build(path, data_dir, progress=lambda m: None)
    build_s = time.perf_counter() - started
    progress(f"{scale:>9,} events: store built in {build_s:.2f} s")
    record = {
        "engine": engine,
        "kommun": kommun,
        "events": scale,
        "build_s": round(build_s, 3),
        "demo_s": round(demo_s, 3),
        "events_stored": counts["events"],
    }
    if engine == "postgres":
        started = time.perf_counter()
        db.publish(path, pg_url())
        record["publish_s"] = round(time.perf_counter() - started, 3)
        progress(f"{scale:>9,} events: published to PostgreSQL in {record['publish_s']:.2f} s")
    return path, data_dir, record


def use_store(path: Path, data_dir: Path, role: str = "public", engine: str = "duckdb") -> None:
    """Point the app's configuration at a store and start from empty Streamlit caches."""
    for name in ("PAX_DATABASE_URL", "PAX_DATABASE_WRITE_URL"):
        if engine == "postgres":
            os.environ[name] = pg_url()
        else:
            os.environ.pop(name, None)
    os.environ["PAX_STORE"] = str(path)
    os.environ["PAX_DATA_DIR"] = str(data_dir)
    os.environ["PAX_DEMO_END"] = DEMO_END.isoformat()
    os.environ["PAX_DEFAULT_ROLE"] = role
    clear_caches()


def clear_caches() -> None:
    """Empty every st.cache_data and st.cache_resource (including the store connection)."""
    st.cache_data.clear()
    st.cache_resource.clear()


def _error(at: AppTest) -> str | None:
    """The exceptions a run showed, each with the frame that raised it."""
    if not at.exception:
        return None
    parts = []
    for exc in at.exception:
        text = f"{exc.proto.type}: {exc.message}"
        if exc.stack_trace:  # the last frame, on one line
            text += f" [{' '.join(exc.stack_trace[-1].split())}]"
        parts.append(text)
    return "; ".join(parts)[:500]


def time_page(page: str, runs: int) -> Record:
    """Cold run (empty caches) and the median of `runs` warm runs of one page."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT_S)
    at.run()  # register the pages (st.navigation) before switching; runs the start page
    configure_streamlit()
    clear_caches()
    at.switch_page(f"app_pages/{page}")
    started = time.perf_counter()
    at.run(timeout=TIMEOUT_S)
    cold_s = time.perf_counter() - started
    error = _error(at)
    warm = []
    for _ in range(runs):
        started = time.perf_counter()
        at.run(timeout=TIMEOUT_S)
        warm.append(time.perf_counter() - started)
        error = error or _error(at)
    record = {
        "page": page,
        "server_s": round(statistics.median(warm), 4) if warm else None,
        "cold_s": round(cold_s, 4),
    }
    if error:
        record["error"] = error
    return record


def page_map(role: str, days: int = MAP_DAYS, lang: str = "sv") -> folium.Map:
    """The Här och nu map as `ui.here_and_now.map_section` builds it with the default
    filters (RegSO, count, the catalogue's categories, no area selected) for the last
    `days` days and `role`, from the same `ui.cached` calls (warm after the first)."""
    end = cached.as_of()
    start = end - dt.timedelta(days=days - 1)
    known = cached.categories()
    categories = known.loc[known["origin"] == "catalogue", "id"].tolist()
    level = "regso"
    counts = cached.area_counts(start, end, level, categories)
    counts["label"] = [f"{n}: {lbl}" for n, lbl in zip(counts["name"], counts["count_label"])]
    hot_areas = cached.hot_areas(start, end, level, categories)
    hot_areas["label"] = [
        f"{n}: {maps.HOTSPOT_LABELS.get(int(k), 'ej signifikant')}"
        for n, k in zip(hot_areas["name"], hot_areas["cls"])
    ]
    hot_grid = cached.hot_grid(start, end, categories, role)
    if not hot_grid.empty:
        hot_grid["label"] = [maps.HOTSPOT_LABELS.get(int(k), "") for k in hot_grid["cls"]]
    presence = cached.presence(start, end)
    types = {k: v[1] if lang == "en" else v[0] for k, v in model.INTERVENTION_TYPES.items()}
    presence["label"] = [
        f"{types.get(ty, ty)} – {area or ''} ({i18n.date(s, lang)} – "
        + (f"{i18n.date(e, lang)})" if pd.notna(e) else ")")
        for ty, area, s, e in zip(
            presence["type"], presence["area_name"], presence["start_date"], presence["end_date"]
        )
    ]
    heat = cached.heat_points(start, end, categories, role)
    return maps.events_map(
        counts,
        heat,
        cached.police_status(),
        cached.places(),
        {
            "areas": i18n.t("layer_areas", lang),
            "legend": i18n.t("events", lang),
            "heat": i18n.t("layer_heat", lang),
            "police": i18n.t("layer_police", lang),
            "schools": i18n.t("layer_schools", lang),
            "hot_areas": i18n.t("layer_hot_areas", lang),
            "hot_grid": i18n.t("layer_hot_grid", lang),
            "presence": i18n.t("layer_presence", lang),
            "selected": i18n.t("selected_area", lang),
            "method": i18n.t("hotspot_method_short"),
        },
        fmt=lambda x: i18n.number(x, 0, lang),
        value_col="count",
        hot_areas=hot_areas,
        hot_grid=None if hot_grid.empty else hot_grid,
        presence=presence,
        selected=None,
    )


def render(m: folium.Map) -> str:
    """The map's whole HTML document, as `st_folium` gets it."""
    return m.get_root().render()


def map_html_bytes(role: str, days: int = MAP_DAYS) -> int:
    """Bytes of the rendered Här och nu map (see `page_map`): public shows areas only,
    council adds the heat layer and the 250 m hotspot grid."""
    return len(render(page_map(role, days)).encode())


def store_events() -> pd.DataFrame:
    """Every located event of the store, raw (lat, lon, category): the naive map's input."""
    data = cached.info()
    first, last = data["events_first"], data["events_last"]
    if first is None:
        return pd.DataFrame({"lat": [], "lon": [], "category": []})
    return queries.event_points(store.connect(), first, last)


def naive_map(events: pd.DataFrame, labels: dict[str, str]) -> folium.Map:
    """The map built the naive way: the same base map with one CircleMarker per event,
    its tooltip the category's label."""
    m = maps.base_map(height=620)
    for lat, lon, category in zip(events["lat"], events["lon"], events["category"]):
        folium.CircleMarker(
            (lat, lon),
            radius=4,
            color="#b30000",
            weight=1,
            fill=True,
            fill_opacity=0.7,
            tooltip=maps.safe_text(labels.get(category, category)),
        ).add_to(m)
    return maps.finish(m)


def _timed(call) -> tuple[float, float, Any]:
    """Wall seconds and CPU seconds of this process (all threads) of `call()`, and its
    result. CPU time hardly moves when other work shares the machine; wall time does."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def time_map(build, runs: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds to build a map (inputs included) and render it to
    HTML, and the HTML's size in bytes. One untimed run first (warm Streamlit caches)."""
    render(build())
    walls, cpus = [], []
    size = 0
    for _ in range(runs):
        wall, cpu, html = _timed(lambda: render(build()))
        walls.append(wall)
        cpus.append(cpu)
        size = len(html.encode())
    return statistics.median(walls), statistics.median(cpus), size


def _warm(at: AppTest, runs: int) -> tuple[float, float, str | None]:
    """Median wall and CPU seconds of `runs` reruns of the AppTest's current state, and
    any error they showed."""
    walls, cpus = [], []
    error = None
    for _ in range(runs):
        wall, cpu, _ = _timed(lambda: at.run(timeout=TIMEOUT_S))
        walls.append(wall)
        cpus.append(cpu)
        error = error or _error(at)
    return statistics.median(walls), statistics.median(cpus), error


def time_filters(runs: int) -> list[Record]:
    """Här och nu in one AppTest session: cold run and `runs` warm runs with the default
    filters, then Period → 365 days: the first rerun after the change (`change_s`, new
    figures not cached yet) and the median of `runs` warm runs of that state."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT_S)
    at.run()
    configure_streamlit()
    clear_caches()
    at.switch_page(f"app_pages/{MAP_PAGE}")
    started = time.perf_counter()
    at.run(timeout=TIMEOUT_S)
    cold_s = time.perf_counter() - started
    error = _error(at)
    warm, cpu, warm_error = _warm(at, runs)
    default = {
        "filter": "default",
        "server_s": round(warm, 4),
        "cpu_s": round(cpu, 4),
        "cold_s": round(cold_s, 4),
    }
    if error or warm_error:
        default["error"] = error or warm_error
    boxes = [box for box in at.selectbox if box.label == PERIOD_LABEL]
    if not boxes:
        raise LookupError(f"no selectbox labelled {PERIOD_LABEL!r} on {MAP_PAGE}")
    boxes[0].set_value(PERIOD_CHANGE)
    started = time.perf_counter()
    at.run(timeout=TIMEOUT_S)
    change_s = time.perf_counter() - started
    error = _error(at)
    warm, cpu, warm_error = _warm(at, runs)
    changed = {
        "filter": f"period={PERIOD_CHANGE}",
        "server_s": round(warm, 4),
        "cpu_s": round(cpu, 4),
        "change_s": round(change_s, 4),
    }
    shown = [box.value for box in at.selectbox if box.label == PERIOD_LABEL]
    if shown != [PERIOD_CHANGE]:
        error = error or f"Period shows {shown}, not {PERIOD_CHANGE!r}, after the change"
    if error or warm_error:
        changed["error"] = error or warm_error
    return [default, changed]


def bench_variants(scale: int, runs: int) -> list[Record]:
    """The Här och nu variant records of one scale (the store is already in use, role
    public): the page with default filters and after the period change, each with its
    map's size and build+render time, and the naive map at `NAIVE_SCALES`."""
    base = {"events": scale, "page": VARIANT_PAGE, "role": "public"}
    records = []
    try:
        pages = time_filters(runs)
    except Exception as exc:  # report, keep going
        traceback.print_exc(file=sys.stderr)
        error = f"{type(exc).__name__}: {exc}"[:500]
        pages = [{"filter": f, "server_s": None, "error": error} for f in ("default", "period=365")]
    for page, days in zip(pages, (MAP_DAYS, int(PERIOD_CHANGE))):
        record = {**base, "variant": "pax", **page, "html_bytes": None, "map_s": None}
        try:
            map_s, map_cpu_s, html_bytes = time_map(
                lambda days=days: page_map("public", days), runs
            )
            record["map_s"], record["map_cpu_s"] = round(map_s, 4), round(map_cpu_s, 4)
            record["html_bytes"] = html_bytes
        except Exception as exc:  # report, keep going
            record["map_error"] = f"{type(exc).__name__}: {exc}"[:500]
            traceback.print_exc(file=sys.stderr)
        records.append(record)
        progress(
            f"{scale:>9,} events: {VARIANT_PAGE} pax {page['filter']}: page "
            f"{record['server_s']} s, map {record['map_s']} s, {record['html_bytes']} bytes"
        )
    if scale in NAIVE_SCALES:
        record = {**base, "variant": "naive", "filter": "all", "server_s": None}
        record["html_bytes"] = None
        try:
            known = cached.categories()
            labels = dict(zip(known["id"], known["label_sv"]))
            record["markers"] = len(store_events())
            server_s, cpu_s, html_bytes = time_map(lambda: naive_map(store_events(), labels), runs)
            record["server_s"], record["cpu_s"] = round(server_s, 4), round(cpu_s, 4)
            record["html_bytes"] = html_bytes
        except Exception as exc:  # report, keep going
            record["error"] = f"{type(exc).__name__}: {exc}"[:500]
            traceback.print_exc(file=sys.stderr)
        records.append(record)
        progress(
            f"{scale:>9,} events: {VARIANT_PAGE} naive ({record.get('markers')} markers): "
            f"{record['server_s']} s, {record['html_bytes']} bytes"
        )
    return records


def page_files() -> list[str]:
    """The page files of the router's PAGES (`ui.navigation`, or a literal in dashboard.py),
    read without running the Streamlit script."""
    try:
        pages = importlib.import_module("ui.navigation").PAGES
    except (ImportError, AttributeError):
        tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
        assigns = [
            node.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "PAGES" for t in node.targets)
        ]
        if not assigns:
            raise ValueError("no PAGES in ui/navigation.py or dashboard.py") from None
        pages = ast.literal_eval(assigns[0])
    return [page[0] for page in pages]


def bench_scale(
    scale: int, runs: int, files: list[str], engine: str = "duckdb"
) -> tuple[Record, list[Record]]:
    """Build one scale's store and measure every page in `files` on it."""
    path, data_dir, build_record = build_scale(scale, engine)
    records = []
    for file in files:
        roles = ("public", "council") if file == MAP_PAGE else ("public",)
        for role in roles:
            use_store(path, data_dir, role, engine)
            progress(f"{scale:>9,} events: {file} ({role}) …")
            try:
                record = time_page(file, runs)
            except Exception as exc:  # a failing page must not stop the bench
                record = {
                    "page": file,
                    "server_s": None,
                    "cold_s": None,
                    "error": f"{type(exc).__name__}: {exc}"[:500],
                }
                traceback.print_exc(file=sys.stderr)
            record["html_bytes"] = None
            if file == MAP_PAGE:
                try:
                    record["html_bytes"] = map_html_bytes(role)
                except Exception as exc:  # report, keep going
                    record["map_error"] = f"{type(exc).__name__}: {exc}"[:500]
                    traceback.print_exc(file=sys.stderr)
            records.append(
                {
                    "engine": engine,
                    "kommun": os.environ.get("PAX_KOMMUN", "0181"),
                    "events": scale,
                    "page": file,
                    "role": role,
                    **record,
                }
            )
            progress(
                f"{scale:>9,} events: {file} ({role}) warm {record['server_s']} s, "
                f"cold {record['cold_s']} s"
                + (f", ERROR {record['error']}" if "error" in record else "")
            )
    if MAP_PAGE in files:
        use_store(path, data_dir, "public", engine)
        progress(f"{scale:>9,} events: {VARIANT_PAGE} variants …")
        records.extend({"engine": engine, **r} for r in bench_variants(scale, runs))
    clear_caches()
    return build_record, records


def _fmt(value: Any, spec: str) -> str:
    """`value` formatted with `spec`, or a dash when it is missing."""
    return "–" if value is None else format(value, spec)


def page_table(records: list[Record]) -> str:
    """The per-page records as a fixed-width text table."""
    lines = [
        f"{'events':>9}  {'page':<22} {'role':<8} {'server_s':>9} {'cold_s':>9} "
        f"{'html_bytes':>11}  error"
    ]
    for r in records:
        if "variant" in r:
            continue
        lines.append(
            f"{r['events']:>9,}  {r['page']:<22} {r['role']:<8} "
            f"{_fmt(r['server_s'], '.3f'):>9} {_fmt(r['cold_s'], '.3f'):>9} "
            f"{_fmt(r['html_bytes'], ','):>11}  {r.get('error') or r.get('map_error') or ''}"
        )
    return "\n".join(lines)


def build_table(records: list[Record]) -> str:
    """The per-scale build records as a fixed-width text table."""
    lines = [f"{'engine':<8} {'events':>10}  {'demo_s':>8} {'build_s':>8} {'publish_s':>9}  error"]
    for r in records:
        lines.append(
            f"{r.get('engine', 'duckdb'):<8} {r['events']:>10,}  {_fmt(r['demo_s'], '.2f'):>8} "
            f"{_fmt(r['build_s'], '.2f'):>8} {_fmt(r.get('publish_s'), '.2f'):>9}"
            f"  {r.get('error', '')}"
        )
    return "\n".join(lines)


def pages_summary(records: list[Record]) -> str:
    """Every page per engine and scale (Markdown): warm / cold seconds, role public (and
    council for Här och nu), then the per-page targets of PAGE_TARGETS with ✓ or ✗."""
    rows = [r for r in records if "variant" not in r]
    columns = list(dict.fromkeys((r["page"], r["role"]) for r in rows))
    keys = list(dict.fromkeys((r.get("engine", "duckdb"), r["events"]) for r in rows))
    by = {(r.get("engine", "duckdb"), r["events"], r["page"], r["role"]): r for r in rows}
    kommun = rows[0].get("kommun", "0181") if rows else "0181"
    names = [
        page.removesuffix(".py") + ("" if role == "public" else f" ({role})")
        for page, role in columns
    ]
    lines = [
        "| engine, kommun | events | " + " | ".join(names) + " |",
        "|---|---:|" + "---:|" * len(columns),
    ]
    checks = []
    for engine, events in keys:
        cells = []
        for page, role in columns:
            r = by.get((engine, events, page, role), {})
            cells.append(f"{_fmt(r.get('server_s'), '.2f')} / {_fmt(r.get('cold_s'), '.2f')}")
        lines.append(f"| {engine} {kommun} | {events:,} | " + " | ".join(cells) + " |")
        target = PAGE_TARGETS.get((engine, events))
        if target is not None:
            warm = [by.get((engine, events, *c), {}).get("server_s") for c in columns]
            worst = max((w for w in warm if w is not None), default=None)
            ok = None if None in warm or not warm else all(w <= target for w in warm)
            checks.append(
                f"| every page warm ≤ {target} s, {engine}, {events:,} events "
                f"| slowest {_fmt(worst, '.2f')} s | {_mark(ok)} |"
            )
    lines += ["", "Warm / cold seconds (warm: median of the warm runs; cold: empty caches)."]
    if checks:
        lines += ["", "| target | measured | met |", "|---|---:|:-:|", *checks]
    return "\n".join(lines)


def variant_table(records: list[Record]) -> str:
    """The Här och nu variant records as a fixed-width text table."""
    lines = [
        f"{'events':>9}  {'variant':<7} {'filter':<11} {'server_s':>9} {'cpu_s':>7} "
        f"{'cold_s':>7} {'change_s':>8} {'map_s':>7} {'map_cpu':>7} {'html_bytes':>11} "
        f"{'markers':>7}  error"
    ]
    for r in records:
        if "variant" not in r:
            continue
        lines.append(
            f"{r['events']:>9,}  {r['variant']:<7} {r['filter']:<11} "
            f"{_fmt(r.get('server_s'), '.3f'):>9} {_fmt(r.get('cpu_s'), '.3f'):>7} "
            f"{_fmt(r.get('cold_s'), '.3f'):>7} {_fmt(r.get('change_s'), '.3f'):>8} "
            f"{_fmt(r.get('map_s'), '.3f'):>7} {_fmt(r.get('map_cpu_s'), '.3f'):>7} "
            f"{_fmt(r.get('html_bytes'), ','):>11} {_fmt(r.get('markers'), ','):>7}  "
            f"{r.get('error') or r.get('map_error') or ''}"
        )
    return "\n".join(lines)


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def _mark(ok: bool | None) -> str:
    return "–" if ok is None else ("✓" if ok else "✗")


def _pair(record: Record, wall: str, cpu: str) -> str:
    """'wall / CPU' seconds of a record, dashes where missing."""
    return f"{_fmt(record.get(wall), '.3f')} / {_fmt(record.get(cpu), '.3f')}"


def _times(value: float | None) -> str:
    return _fmt(value, ".0f") + ("×" if value else "")


def summary(records: list[Record]) -> str:
    """Här och nu per scale (Markdown): page times, map time and size, the naive map and
    the ratios, then each target of the issue with ✓, ✗ or – (not measured), judged on
    wall time and, as a check against a busy machine, on CPU time."""
    by = {(r["events"], r["variant"], r["filter"]): r for r in records if "variant" in r}
    scales = sorted({key[0] for key in by})
    lines = [
        "| events | page default, s | page period=365, s | pax map, s | pax map HTML, bytes "
        "| naive map, s | naive map HTML, bytes | naive/pax time | naive/pax size |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ratios = {}
    for scale in scales:
        pax = by.get((scale, "pax", "default"), {})
        changed = by.get((scale, "pax", f"period={PERIOD_CHANGE}"), {})
        naive = by.get((scale, "naive", "all"), {})
        speed = _ratio(naive.get("server_s"), pax.get("map_s"))
        speed_cpu = _ratio(naive.get("cpu_s"), pax.get("map_cpu_s"))
        size = _ratio(naive.get("html_bytes"), pax.get("html_bytes"))
        ratios[scale] = speed, speed_cpu, size
        lines.append(
            f"| {scale:,} | {_pair(pax, 'server_s', 'cpu_s')} "
            f"| {_pair(changed, 'server_s', 'cpu_s')} | {_pair(pax, 'map_s', 'map_cpu_s')} "
            f"| {_fmt(pax.get('html_bytes'), ',')} | {_pair(naive, 'server_s', 'cpu_s')} "
            f"| {_fmt(naive.get('html_bytes'), ',')} | {_times(speed)} / {_times(speed_cpu)} "
            f"| {_times(size)} |"
        )
    filters = ("default", f"period={PERIOD_CHANGE}")
    big = [by.get((TARGET_SCALE, "pax", f), {}).get("server_s") for f in filters]
    big_cpu = [by.get((TARGET_SCALE, "pax", f), {}).get("cpu_s") for f in filters]
    speed, speed_cpu, size = ratios.get(TARGET_COMPARE_SCALE, (None, None, None))
    sizes = [r.get("html_bytes") for key, r in by.items() if key[1] == "pax"]
    measured = [b for b in sizes if b is not None]
    size_ok = None if not measured or None in sizes else max(measured) <= TARGET_HTML_BYTES
    shrink_ok = None if size is None else size >= TARGET_SHRINK

    def fast(values: list[float | None]) -> bool | None:
        return None if None in values else all(v <= TARGET_SERVER_S for v in values)

    def faster(ratio: float | None) -> bool | None:
        return None if ratio is None else ratio >= TARGET_SPEEDUP

    checks = [
        (
            f"page ≤ {TARGET_SERVER_S} s at {TARGET_SCALE:,} events (default / period=365)",
            " / ".join(_fmt(v, ".3f") for v in big)
            + " s (CPU "
            + " / ".join(_fmt(v, ".3f") for v in big_cpu)
            + " s)",
            fast(big),
            fast(big_cpu),
        ),
        (
            f"map ≥ {TARGET_SPEEDUP:.0f}× faster than naive at {TARGET_COMPARE_SCALE:,}",
            f"{_times(speed)} (CPU {_times(speed_cpu)})",
            faster(speed),
            faster(speed_cpu),
        ),
        (
            f"map ≥ {TARGET_SHRINK:.0f}× smaller than naive at {TARGET_COMPARE_SCALE:,}",
            _times(size),
            shrink_ok,
            shrink_ok,
        ),
        (
            f"map HTML ≤ {TARGET_HTML_BYTES:,} bytes at every scale",
            "max " + _fmt(max(measured, default=None), ",") + " bytes",
            size_ok,
            size_ok,
        ),
    ]
    lines += ["", "| target | measured | met (wall) | met (CPU) |", "|---|---:|:-:|:-:|"]
    lines += [f"| {n} | {v} | {_mark(a)} | {_mark(b)} |" for n, v, a, b in checks]
    lines += [
        "",
        "Times are wall / CPU seconds (median); CPU is this process's CPU time, all threads.",
    ]
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options: --scales, --runs and --output."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scales",
        default=",".join(str(s) for s in DEFAULT_SCALES),
        help="comma-separated event counts (default: %(default)s)",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=5,
        help="warm runs per page; the median is reported (default: 5)",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="duckdb",
        help="the store: the DuckDB file or PostgreSQL/PostGIS (default: %(default)s)",
    )
    parser.add_argument(
        "--kommun",
        default=None,
        help="the kommun (PAX_KOMMUN) of the stores, e.g. 0180: Stockholm's 544 DeSO",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="JSON results file (default: benchmarks/results.json, "
        "benchmarks/results_postgres.json for --engine postgres)",
    )
    args = parser.parse_args(argv)
    if args.kommun:
        os.environ["PAX_KOMMUN"] = args.kommun
    if args.output is None:
        suffix = "" if args.engine == "duckdb" else "_postgres"
        suffix += f"_{args.kommun}" if args.kommun and args.kommun != "0181" else ""
        args.output = HERE / f"results{suffix}.json"
    try:
        args.scales = [int(s.replace("_", "")) for s in args.scales.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--scales must be comma-separated integers, not {args.scales!r}")
    if not args.scales or not all(0 <= s <= 10_000_000 for s in args.scales):
        parser.error("--scales: each scale must be between 0 and 10000000 events")
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run every scale; exit code 1 only if a build, a page or the map raised."""
    args = parse_args(argv)
    for module in PAGE_MODULES:
        importlib.import_module(module)
    files = page_files()
    builds: list[Record] = []
    pages: list[Record] = []
    for scale in args.scales:
        try:
            build_record, page_records = bench_scale(scale, args.runs, files, args.engine)
        except Exception as exc:  # a scale that cannot be built must not stop the others
            traceback.print_exc(file=sys.stderr)
            build_record = {
                "engine": args.engine,
                "events": scale,
                "build_s": None,
                "demo_s": None,
            }
            build_record["error"] = f"{type(exc).__name__}: {exc}"[:500]
            page_records = []
        builds.append(build_record)
        pages.extend(page_records)
        # Written after every scale, so a long run keeps what it has measured.
        args.output.write_text(
            json.dumps(pages + builds, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    print(page_table(pages))
    print()
    print(build_table(builds))
    print()
    print(pages_summary(pages))
    if any("variant" in r for r in pages):
        print()
        print(variant_table(pages))
        print()
        print(summary(pages))
    synced = []
    if args.engine == "duckdb":
        import sync_bench  # one full and one incremental sync from a local server (issue 16)

        synced = sync_bench.bench()
        print()
        print(sync_bench.table(synced))
    args.output.write_text(
        json.dumps(pages + builds + synced, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    progress(f"results written to {args.output}")
    failed = any(r["errors"] for r in synced)
    return 1 if failed or any("error" in r or "map_error" in r for r in pages + builds) else 0


if __name__ == "__main__":
    sys.exit(main())
