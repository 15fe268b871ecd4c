"""Benchmark harness: store build time, page server time and map size per event scale.

For each scale, an isolated store is built under `benchmarks/work/<scale>/` from the
real catalogue, SCB tables and geography plus fictional demo events ending on a fixed
date. Every page of the app is then run headless with Streamlit's AppTest: one cold run
(empty Streamlit caches) and the median of N warm runs. The Här och nu map is also
built through `pax.maps.events_map` for the public and council roles to record its
HTML size. Results go to stdout (tables) and `benchmarks/results.json`; progress to
stderr. Nothing here asserts anything about speed.

Usage: python benchmarks/bench.py [--scales 10000,100000] [--runs 5]
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

import streamlit as st  # noqa: E402
import streamlit.logger  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from pax import i18n, maps, model, store  # noqa: E402


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

DEFAULT_SCALES = (10_000, 100_000, 1_000_000)
DEMO_END = dt.date(2026, 6, 30)
SEED = 7
YEARS = 5
TIMEOUT_S = 300.0
MAP_PAGE = "har_och_nu.py"
MAP_DAYS = 90
# Modules the pages import on first use: loaded up front so that a cold run measures
# empty Streamlit caches, not Python imports (plotly, streamlit_folium).
PAGE_MODULES = ("pax.figures", "ui.components")
WORK = HERE / "work"
RESULTS = HERE / "results.json"
Record = dict[str, Any]


def progress(message: str) -> None:
    """A progress line on stderr, so stdout stays a clean table."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def build_scale(scale: int) -> tuple[Path, Path, Record]:
    """Generate demo data and build the store for one scale; returns paths and timings."""
    base = WORK / str(scale)
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
        "events": scale,
        "build_s": round(build_s, 3),
        "demo_s": round(demo_s, 3),
        "events_stored": counts["events"],
    }
    return path, data_dir, record


def use_store(path: Path, data_dir: Path, role: str = "public") -> None:
    """Point the app's configuration at a store and start from empty Streamlit caches."""
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


def map_html_bytes(role: str) -> int:
    """Bytes of the Här och nu map as the page builds it: last 90 days, all categories,
    RegSO level, for `role` (public: areas only; council: plus the heat layer)."""
    lang = "sv"
    end = cached.as_of()
    start = end - dt.timedelta(days=MAP_DAYS - 1)
    categories = [cat.id for cat in model.CATEGORIES]
    counts = cached.area_counts(start, end, "regso", categories)
    counts["label"] = [f"{n}: {lbl}" for n, lbl in zip(counts["name"], counts["count_label"])]
    heat = cached.heat_points(start, end, categories, role)
    m = maps.events_map(
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
        },
        fmt=lambda v: i18n.number(v, 0, lang),
    )
    return len(m.get_root().render().encode())


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


def bench_scale(scale: int, runs: int, files: list[str]) -> tuple[Record, list[Record]]:
    """Build one scale's store and measure every page in `files` on it."""
    path, data_dir, build_record = build_scale(scale)
    records = []
    for file in files:
        roles = ("public", "council") if file == MAP_PAGE else ("public",)
        for role in roles:
            use_store(path, data_dir, role)
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
            records.append({"events": scale, "page": file, "role": role, **record})
            progress(
                f"{scale:>9,} events: {file} ({role}) warm {record['server_s']} s, "
                f"cold {record['cold_s']} s"
                + (f", ERROR {record['error']}" if "error" in record else "")
            )
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
        lines.append(
            f"{r['events']:>9,}  {r['page']:<22} {r['role']:<8} "
            f"{_fmt(r['server_s'], '.3f'):>9} {_fmt(r['cold_s'], '.3f'):>9} "
            f"{_fmt(r['html_bytes'], ','):>11}  {r.get('error') or r.get('map_error') or ''}"
        )
    return "\n".join(lines)


def build_table(records: list[Record]) -> str:
    """The per-scale build records as a fixed-width text table."""
    lines = [f"{'events':>9}  {'demo_s':>8} {'build_s':>8}  error"]
    for r in records:
        lines.append(
            f"{r['events']:>9,}  {_fmt(r['demo_s'], '.2f'):>8} {_fmt(r['build_s'], '.2f'):>8}"
            f"  {r.get('error', '')}"
        )
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
        "--output",
        type=Path,
        default=RESULTS,
        help="JSON results file (default: benchmarks/results.json)",
    )
    args = parser.parse_args(argv)
    try:
        args.scales = [int(s.replace("_", "")) for s in args.scales.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--scales must be comma-separated integers, not {args.scales!r}")
    if not args.scales or not all(0 <= s <= 1_000_000 for s in args.scales):
        parser.error("--scales: each scale must be between 0 and 1000000 events")
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
            build_record, page_records = bench_scale(scale, args.runs, files)
        except Exception as exc:  # a scale that cannot be built must not stop the others
            traceback.print_exc(file=sys.stderr)
            build_record = {"events": scale, "build_s": None, "demo_s": None}
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
    progress(f"results written to {args.output}")
    return 1 if any("error" in r or "map_error" in r for r in pages + builds) else 0


if __name__ == "__main__":
    sys.exit(main())
