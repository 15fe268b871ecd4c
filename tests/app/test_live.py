"""Issue 15: live mode. A live store holds no fictional record, an import into a demo store
is refused, and every page of a live store — empty or partly filled, for every role — runs
without an exception, says what is missing and how to deliver it, and never says
*fiktiva demodata*."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from pax import store
from pax.__main__ import main
from pax.ingest.core import ImportRefused, Options
from pax.ingest.run import import_file
from tests.conftest import ROOT, make_data_dir
from ui.navigation import PAGES

POLISEN = sorted((ROOT / "tests" / "fixtures" / "polisen").glob("*.json"))
EXAMPLES = sorted((ROOT / "data" / "examples").glob("*.csv"))
ROLES = ("public", "council", "analyst")
REGISTERS = ("events", "measures", "interventions")


def _live(tmp_path: Path, live_store: Path, files=()) -> dict[str, Path]:
    path = tmp_path / "live.duckdb"
    shutil.copy(live_store, path)
    data = make_data_dir(tmp_path / "data")
    for file in files:
        import_file(file, Options(), store_path=path, data_dir=data)
    return {"store": path, "data": data}


def _env(monkeypatch, live: dict[str, Path], role: str = "public") -> None:
    monkeypatch.setenv("PAX_MODE", "live")
    monkeypatch.setenv("PAX_STORE", str(live["store"]))
    monkeypatch.setenv("PAX_DATA_DIR", str(live["data"]))
    monkeypatch.setenv("PAX_DEFAULT_ROLE", role)
    monkeypatch.delenv("PAX_DEMO_END", raising=False)
    from ui import cached

    cached.clear()


def _text(at: AppTest) -> str:
    parts = []
    for kind in ("markdown", "info", "caption", "header", "subheader", "title", "warning"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def _page(file: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(f"app_pages/{file}").run()
    return at


def _fictional_rows(path: Path) -> dict[str, int]:
    """Rows of each register whose source is fictional or unknown to the store."""
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            table: con.execute(
                f"SELECT count(*) FROM {table} t LEFT JOIN sources s ON s.id = t.source_id "  # noqa: S608
                "WHERE s.id IS NULL OR s.fictional"
            ).fetchone()[0]
            for table in REGISTERS
        } | {"sources": con.execute("SELECT count(*) FROM sources WHERE fictional").fetchone()[0]}


def test_a_live_store_with_real_imports_holds_no_fictional_record(live_store, tmp_path):
    live = _live(tmp_path, live_store, [*POLISEN, *EXAMPLES])
    assert _fictional_rows(live["store"]) == dict.fromkeys([*REGISTERS, "sources"], 0)
    with duckdb.connect(str(live["store"]), read_only=True) as con:
        info = dict(con.execute("SELECT key, value FROM build_info").fetchall())
        events = con.execute("SELECT count(*) FROM events").fetchone()[0]
        targets = con.execute("SELECT count(*) FROM catalog WHERE target IS NOT NULL").fetchone()
    assert info["mode"] == "live" and "demo_end" not in info
    assert events == 8  # Södertälje's events of the three recorded answers (5 + 1 + 2)
    assert targets[0] == 0  # the demo's targets are fictional too
    # A rebuild replays every imported file and adds nothing fictional.
    counts = store.build(live["store"], live["data"], progress=lambda m: None, mode="live")
    assert counts["events"] == 8
    assert _fictional_rows(live["store"]) == dict.fromkeys([*REGISTERS, "sources"], 0)


def test_an_import_into_a_demo_store_is_refused_and_changes_nothing(store_env, tmp_path, capsys):
    path = tmp_path / "pax.duckdb"
    shutil.copy(store_env["PAX_STORE"], path)
    before = path.read_bytes()
    data = make_data_dir(tmp_path / "data")
    with pytest.raises(ImportRefused, match="PAX_MODE=live"):
        import_file(POLISEN[0], Options(), store_path=path, data_dir=data)
    assert path.read_bytes() == before and not list((data / "sources").iterdir())


def test_the_command_line_refuses_an_import_into_the_demo(store_env, tmp_path, monkeypatch, capsys):
    path = tmp_path / "pax.duckdb"
    shutil.copy(store_env["PAX_STORE"], path)
    monkeypatch.setenv("PAX_STORE", str(path))
    monkeypatch.setenv("PAX_DATA_DIR", str(make_data_dir(tmp_path / "data")))
    monkeypatch.setenv("PAX_AUDIT", str(tmp_path / "audit.sqlite3"))
    assert main(["import", str(POLISEN[0])]) == 2
    err = capsys.readouterr().err
    assert "demoläget" in err and "PAX_MODE=live" in err


@pytest.mark.parametrize("filled", [False, True], ids=["empty", "polisen"])
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_live_store_says_what_is_missing(
    live_store, tmp_path, monkeypatch, role, filled
):
    """Empty, and partly filled (Polisen's feed only: events without a place, no internal
    register)."""
    _env(monkeypatch, _live(tmp_path, live_store, POLISEN if filled else ()), role)
    events = (
        "Inga händelser med plats i ett område ännu" if filled else "Inga händelser i datalagret"
    )
    for file, *_ in PAGES:
        at = _page(file)
        assert not at.exception, (file, [e.value for e in at.exception])
        text = _text(at)
        assert "fiktiva demodata" not in text.lower(), file
        if file in ("oversikt.py", "har_och_nu.py", "omraden.py"):
            assert events in text, file
        if file in ("oversikt.py", "fortroende.py", "social_hallbarhet.py"):
            assert "Inga uppgifter levererade ännu för" in text, file
        if file == "om_data.py":
            assert "skarpt läge" in text and "ej levererat" in text
        if file == "granskning.py" and role == "analyst":
            assert "Importera en fil" in text and "demoläget" not in text


def test_a_partly_filled_live_store_shows_what_it_has_beside_what_is_missing(
    live_store, tmp_path, monkeypatch
):
    _env(monkeypatch, _live(tmp_path, live_store, POLISEN), "analyst")
    at = _page("oversikt.py")
    assert not at.exception, [e.value for e in at.exception]
    text = _text(at)
    assert "Inga händelser i datalagret ännu" not in text
    assert "Inga uppgifter levererade ännu för" in text  # the trust registers
    assert "Polismyndigheten" in text and "fiktiva" not in text.lower()
    assert "Inga händelser med plats i ett område ännu" in text  # the feed names no place
    at = _page("har_och_nu.py")
    assert not at.exception, [e.value for e in at.exception]
    text = _text(at)
    assert "Inga händelser i datalagret ännu" not in text
    assert "Inga händelser med plats i ett område ännu" in text and "Polismyndigheten" in text


def test_the_live_briefing_carries_no_demo_label(live_store, tmp_path, monkeypatch):
    from pax import briefing
    from ui import briefing as ub
    from ui import cached

    _env(monkeypatch, _live(tmp_path, live_store, POLISEN))
    end = cached.as_of()
    b = ub.overview_briefing(end, end - dt.timedelta(days=14), [])
    doc = briefing.render_html(b, ub.STATIC_DIR)
    assert not b.fictional and "fiktiva demodata" not in doc.lower()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.sampled_from(["demo", "live", "import"]), min_size=1, max_size=5))
def test_no_store_ever_holds_real_and_fictional_registers_together(
    steps, store_env, tmp_path_factory
):
    """Random sequences of demo builds, live builds and imports on one data folder: each
    register of the store is either all fictional (the demo) or all real."""
    base = tmp_path_factory.mktemp("mix")
    data = make_data_dir(base / "data")
    (data / "demo").symlink_to(Path(store_env["PAX_DATA_DIR"]) / "demo")
    path = base / "store.duckdb"
    shutil.copy(store_env["PAX_STORE"], path)
    for step in steps:
        if step == "import":
            try:
                import_file(POLISEN[0], Options(), store_path=path, data_dir=data)
            except ImportRefused:
                pass  # a demo store refuses
        else:
            store.build(path, data, progress=lambda m: None, mode=step)
        with duckdb.connect(str(path), read_only=True) as con:
            mixed = con.execute(
                "SELECT count(*) FROM (SELECT t.indicator, count(DISTINCT s.fictional) AS kinds "
                "FROM measures t JOIN sources s ON s.id = t.source_id GROUP BY t.indicator) "
                "WHERE kinds > 1"
            ).fetchone()[0]
            for table in ("events", "interventions"):
                kinds = con.execute(
                    f"SELECT count(DISTINCT s.fictional) FROM {table} t "  # noqa: S608
                    "JOIN sources s ON s.id = t.source_id"
                ).fetchone()[0]
                assert kinds <= 1, (steps, table)
        assert mixed == 0, steps


def test_counts_of_the_police_feed_alone_are_exact_and_mixed_ones_protected(
    live_store, tmp_path, monkeypatch
):
    """Polisen's feed publishes every event: a count made only of its records is shown as
    it is (a 1 is `1`, not `<3`), at the municipality; one internal record in the store
    brings the whole rule back."""
    from pax import privacy
    from ui import cached

    live = _live(tmp_path, live_store, POLISEN)
    _env(monkeypatch, live)
    first, last = dt.date(2025, 1, 1), dt.date(2026, 12, 31)
    shown = cached.window_counts({"all": (first, last)})
    with duckdb.connect(str(live["store"]), read_only=True) as con:
        true = dict(con.execute("SELECT category, count(*) FROM events GROUP BY 1").fetchall())
    assert dict(zip(shown["category"], shown["count"].astype(int))) == true
    assert any(1 <= n <= 2 for n in true.values())  # a small count, shown exactly
    assert cached.area_counts(first, last, "regso")["count"].fillna(0).sum() == 0  # no place

    policy = privacy.Policy()
    assert privacy.for_records(policy, ["polisen_handelser"]) == privacy.Policy(k=1, noise=0)
    assert privacy.for_records(policy, ["polisen_handelser", "import_logg"]) == policy
    assert privacy.for_records(policy, []) == policy


def test_an_analyst_syncs_a_source_now_from_granskning(live_store, tmp_path, monkeypatch):
    """The source table lists the configured sources; *Hämta nu* runs one (here the drop
    folder with a delivered survey file), shows the result and writes the audit log."""
    from pax import audit

    live = _live(tmp_path, live_store)
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(ROOT / "data" / "examples" / "trygghetsenkat_per_omrade.csv", drop)
    cfg = tmp_path / "sync.toml"
    cfg.write_text(f'[sources.drop]\nkind = "drop"\nevery = "15m"\nfolder = "{drop}"\n', "utf-8")
    _env(monkeypatch, live, "analyst")
    monkeypatch.setenv("PAX_SYNC_CONFIG", str(cfg))
    monkeypatch.setenv("PAX_AUDIT", str(tmp_path / "audit.sqlite3"))
    at = _page("granskning.py")
    assert not at.exception, [e.value for e in at.exception]
    sources = at.dataframe[0].value
    assert list(sources["Källa"]) == ["drop"] and list(sources["Status"]) == ["inte hämtad ännu"]
    at.button(key="sync_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert list(at.dataframe[0].value["Status"]) == ["aktuell"]
    log = audit.read(file=tmp_path / "audit.sqlite3")
    assert list(log["action"]) == ["sync"] and list(log["what"]) == ["drop"]
    with duckdb.connect(str(live["store"]), read_only=True) as con:
        n = con.execute("SELECT count(*) FROM measures WHERE source_id LIKE 'import_tryg%'")
        assert n.fetchone()[0] > 0


def test_a_synced_source_says_when_it_was_fetched_and_when_it_is_stale(
    live_store, tmp_path, monkeypatch
):
    import json

    from pax.sync import run
    from pax.sync import sources as src
    from tests.fake_api import Server
    from tests.fake_api import ok as _json
    from tests.unit.test_sync import FAST

    live = _live(tmp_path, live_store)
    server = Server()
    try:
        server.answer("/api/events", _json(json.loads(POLISEN[0].read_text(encoding="utf-8"))))
        cfg = tmp_path / "sync.toml"
        cfg.write_text(
            f'[sources.polisen]\nkind = "polisen"\nevery = "1h"\nurl = "{server.url}/api/events"\n',
            "utf-8",
        )
        _env(monkeypatch, live)
        monkeypatch.setenv("PAX_SYNC_CONFIG", str(cfg))
        run.sync(
            ["polisen"], progress=lambda m: None, sleep=lambda s: None, rules={"polisen": FAST}
        )
    finally:
        server.stop()
    at = _page("oversikt.py")
    assert not at.exception, [e.value for e in at.exception]
    fetched = f"hämtad {dt.date.today().day} "
    assert fetched in _text(at) and "(inaktuell)" not in _text(at)
    # Three hours later (twice the schedule passed): marked stale.
    status = src.read_status(live["data"])
    old = (dt.datetime.now().astimezone() - dt.timedelta(hours=3)).isoformat(timespec="seconds")
    status["polisen"]["last_success"] = old
    src.write_status(status, live["data"])
    at = _page("oversikt.py")
    assert "(inaktuell)" in _text(at)


def test_kolada_school_units_are_placed_at_their_schools_or_named_as_not_placed(
    live_store, tmp_path, monkeypatch
):
    """A Kolada sync with `units = true`: the unit list gives the names, the unit values go
    to the schools whose names surely match, the others are named under the map."""
    from pax.sync import run
    from tests.fake_api import Server
    from tests.fake_api import ok as _json
    from tests.unit.test_sync import FAST

    live = _live(tmp_path, live_store)
    year = dt.date.today().year
    server = Server()
    listed = [
        {"id": "V15E018100101", "municipality": "0181", "title": "Hovsjöskolan F-9"},
        {"id": "V15E018100202", "municipality": "0181", "title": "Okända skolan"},
        {"id": "V11E018100303", "municipality": "0181", "title": "En förskola"},
    ]

    def value(place, v):
        return {
            "kpi": "N15505",
            "period": year - 1,
            **place,
            "values": [{"gender": "T", "count": 1, "status": "", "value": v}],
        }

    try:
        server.answer("/v3/ou", _json({"values": listed, "count": 3}))
        years = f"{year - 1},{year}"
        server.answer(
            f"/v3/data/kpi/N15505/municipality/0181/year/{years}",
            _json({"values": [value({"municipality": "0181"}, 220.0)], "count": 1}),
        )
        server.answer(
            f"/v3/oudata/kpi/N15505/ou/V15E018100101,V15E018100202/year/{years}",
            _json(
                {
                    "values": [
                        value({"ou": "V15E018100101"}, 201.5),
                        value({"ou": "V15E018100202"}, 230.0),
                    ],
                    "count": 2,
                }
            ),
        )
        cfg = tmp_path / "sync.toml"
        cfg.write_text(
            f'[sources.kolada]\nkind = "kolada"\nevery = "7d"\nurl = "{server.url}/v3"\n'
            f'kpis = ["N15505"]\nmunicipality = "0181"\nfirst_year = {year - 1}\nunits = true\n',
            "utf-8",
        )
        _env(monkeypatch, live)
        monkeypatch.setenv("PAX_SYNC_CONFIG", str(cfg))
        state = run.sync(
            ["kolada"], progress=lambda m: None, sleep=lambda s: None, rules={"kolada": FAST}
        )["kolada"]
    finally:
        server.stop()
    assert state["error"] is None and state["rows"] == 3
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["tema"] = "school"
    at.query_params["ind"] = "merit_value"
    at.run()
    at.switch_page("app_pages/social_hallbarhet.py").run()
    assert not at.exception, [e.value for e in at.exception]
    text = _text(at)
    assert "publiceras per kommun och per skolenhet" in text
    assert "(1 placerade)" in text and "Okända skolan" in text
