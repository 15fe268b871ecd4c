"""Issue 16: `python -m pax sync` against a local HTTP server answering as Polisen's events
API does (the three recorded real answers), and a drop folder — every fault leaves the store
and the kept files as they were, with a clear status; nothing is ever lost."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from pax.sync import run
from pax.sync import sources as src
from pax.sync.http import Client, Rules, SyncError
from tests.conftest import ROOT
from tests.fake_api import Server, ok

POLISEN = sorted((ROOT / "tests" / "fixtures" / "polisen").glob("*.json"))
FAST = Rules(min_interval_s=0, backoff_s=0.01, attempts=3, timeout_s=2, max_wait_s=60)


def _json(obj) -> tuple:
    return ok(obj)


@pytest.fixture
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture
def env(import_env, server, tmp_path, monkeypatch):
    """A live store, its data folder, a sync.toml pointing at the local server."""
    drop = tmp_path / "drop"
    drop.mkdir()
    cfg = tmp_path / "sync.toml"
    cfg.write_text(
        f'[sources.polisen]\nkind = "polisen"\nevery = "1h"\nurl = "{server.url}/api/events"\n'
        'locationname = "Södertälje;Stockholms län"\n\n'
        f'[sources.drop]\nkind = "drop"\nevery = "15m"\nfolder = "{drop}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PAX_MODE", "live")
    monkeypatch.setenv("PAX_STORE", str(import_env["store"]))
    monkeypatch.setenv("PAX_DATA_DIR", str(import_env["data"]))
    monkeypatch.setenv("PAX_SYNC_CONFIG", str(cfg))
    return {**import_env, "drop": drop, "server": server}


def _sync(names=("polisen",), slept=None):
    return run.sync(
        list(names),
        progress=lambda m: None,
        sleep=(slept.append if slept is not None else lambda s: None),
        rules={"polisen": FAST, "drop": FAST},
    )


def _events(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        rows = con.execute("SELECT id, occurred_at FROM events ORDER BY id").fetchall()
    return {r[0]: str(r[1]) for r in rows}


def _answer(i: int) -> list:
    return json.loads(POLISEN[i].read_text(encoding="utf-8"))


def test_a_poll_keeps_every_event_and_a_second_poll_adds_nothing(env):
    server = env["server"]
    server.answer("/api/events", _json(_answer(0)))
    state = _sync()["polisen"]
    assert state["error"] is None and state["new"] == 500 and state["rows"] == 5
    assert len(_events(env["store"])) == 5  # the Södertälje events of the answer
    kept = env["data"] / "sources" / run.POLISEN_FILE
    assert len(json.loads(kept.read_text(encoding="utf-8"))) == 500
    agent = server.requests[0]["agent"]
    assert "Pax" in agent and "kommun" in agent  # names the app and the organisation
    assert "locationname=S%C3%B6dert%C3%A4lje%3BStockholms+l%C3%A4n" in server.requests[0]["raw"]
    # Again: nothing new, nothing lost.
    state = _sync()["polisen"]
    assert (state["new"], state["updated"], state["unchanged"]) == (0, 0, 500)
    assert len(_events(env["store"])) == 5
    # The later answers (the county era) add their events; the first ones stay.
    server.answer("/api/events", _json(_answer(2)))
    _sync()
    assert len(_events(env["store"])) == 7
    assert len(json.loads(kept.read_text(encoding="utf-8"))) == 1000


def test_an_updated_event_replaces_its_row(env):
    answer = _answer(0)
    env["server"].answer("/api/events", _json(answer))
    _sync()
    mine = next(e for e in answer if e["name"].endswith("Södertälje"))
    day, month, rest = mine["name"].split(" ", 2)
    changed = {**mine, "name": f"{day} {month} 23.59, {rest.split(', ', 1)[1]}"}
    env["server"].answer("/api/events", _json([changed, *[e for e in answer if e is not mine]]))
    before = _events(env["store"])
    state = _sync()["polisen"]
    assert state["updated"] == 1 and state["error"] is None
    after = _events(env["store"])
    assert set(after) == set(before)
    assert after[f"polisen-{mine['id']}"].endswith("23:59:00")


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([(503,), (503,), (503,)], "svarade med fel 503 efter 3 försök"),
        ([(403,)], "nekade åtkomst (403)"),
        ([(200, {"Content-Type": "text/html"}, b"<html><body>Fel</body></html>")], "webbsida"),
        (
            [(200, {"Content-Type": "application/json"}, b'[{"id": 1, "name": "06 ju')],
            "ofullständig",
        ),
        ([(200, {}, b"", 5)], "svarade inte inom"),
        ([_json({"error": "x"})], "inte en lista"),
        ([(200, {"Content-Length": "100"}, b'[{"id": 1}')] * 3, "bröt svaret"),
        ([(302, {"Location": "http://elsewhere.example/"})], "skickar vidare"),
    ],
    ids=["503", "403", "html", "truncated", "timeout", "not-a-list", "cut", "redirect"],
)
def test_a_failed_poll_changes_nothing_and_says_why(env, answers, message):
    env["server"].answer("/api/events", _json(_answer(0)))
    _sync()
    kept = env["data"] / "sources" / run.POLISEN_FILE
    store_before, kept_before = env["store"].read_bytes(), kept.read_bytes()
    env["server"].answer("/api/events", *answers)
    rules = Rules(min_interval_s=0, backoff_s=0.01, attempts=3, timeout_s=0.5)
    state = run.sync(
        ["polisen"], progress=lambda m: None, sleep=lambda s: None, rules={"polisen": rules}
    )["polisen"]
    assert message in state["error"]
    assert env["store"].read_bytes() == store_before and kept.read_bytes() == kept_before
    assert state["last_success"] == src.read_status()["polisen"]["last_success"]
    if message.startswith("nekade"):
        assert len(env["server"].requests) == 2  # 403 is not retried


def test_500_then_200_and_429_with_and_without_retry_after_back_off(env):
    slept: list[float] = []
    env["server"].answer(
        "/api/events",
        (500,),
        (429, {"Retry-After": "7"}),
        (429,),
        _json(_answer(1)),
    )
    rules = Rules(min_interval_s=0, backoff_s=2, attempts=5, timeout_s=2)
    state = run.sync(
        ["polisen"], progress=lambda m: None, sleep=slept.append, rules={"polisen": rules}
    )["polisen"]
    assert state["error"] is None and len(env["server"].requests) == 4
    assert slept == [2, 7, 2 * 2**3]  # back-off, Retry-After, back-off (doubled for 429)


def test_the_rules_of_the_api_hold_across_runs():
    """At least the interval between calls, and the hourly limit kept between runs."""
    now = [1000.0]
    slept = []

    def sleep(s):
        slept.append(s)
        now[0] += s

    client = Client(
        "polisen",
        "Pax (test)",
        Rules(min_interval_s=10, max_per_hour=3),
        calls=[990.0],
        sleep=sleep,
        clock=lambda: now[0],
    )
    client._polite()
    assert slept == [pytest.approx(0.0)] or slept == []  # 10 s since the last call
    client._polite()
    assert slept[-1] == pytest.approx(10)
    with pytest.raises(SyncError, match="timgränsen"):
        client._polite()


def test_the_network_gone_for_a_day_and_back_catches_up(env):
    server = env["server"]
    server.answer("/api/events", _json(_answer(0)))
    _sync()
    url = server.url
    server.stop()  # the network is gone
    state = _sync()["polisen"]
    assert "gick inte att nå" in state["error"]
    assert src.due(src.load()["polisen"], state, dt.datetime.now().astimezone()) is False
    later = dt.datetime.now().astimezone() + dt.timedelta(minutes=16)
    assert src.due(src.load()["polisen"], state, later)  # retried soon, not hammered
    back = Server()
    try:
        cfg = Path(src.config.get("PAX_SYNC_CONFIG"))
        cfg.write_text(cfg.read_text(encoding="utf-8").replace(url, back.url), encoding="utf-8")
        back.answer("/api/events", _json(_answer(2)))
        state = _sync()["polisen"]
        assert state["error"] is None and len(_events(env["store"])) == 7
    finally:
        back.stop()


def test_an_empty_answer_and_unknown_fields_are_fine(env):
    env["server"].answer("/api/events", _json([]))
    state = _sync()["polisen"]
    assert state["error"] is None and state["new"] == 0
    odd = [{**e, "extra": {"x": 1}} for e in _answer(0)]
    env["server"].answer("/api/events", _json(odd))
    state = _sync()["polisen"]
    assert state["error"] is None and len(_events(env["store"])) == 5


def test_a_demo_store_is_never_synced(env, store_env, monkeypatch):
    monkeypatch.setenv("PAX_STORE", store_env["PAX_STORE"])
    with pytest.raises(ValueError, match="demoläget"):
        _sync()


def test_the_drop_folder_imports_new_and_changed_files_once(env):
    example = ROOT / "data" / "examples" / "trygghetsenkat_per_omrade.csv"
    target = env["drop"] / example.name
    target.write_bytes(example.read_bytes())
    state = _sync(["drop"])["drop"]
    assert state["error"] is None and state["new"] == 1 and state["rows"] > 0
    rows = state["rows"]
    state = _sync(["drop"])["drop"]
    assert (state["new"], state["unchanged"], state["rows"]) == (0, 1, 0)
    target.write_text(
        example.read_text(encoding="utf-8") + "trust_police;Hovsjö;2026;50,0;50;100\n",
        encoding="utf-8",
    )
    state = _sync(["drop"])["drop"]
    assert state["new"] == 1 and state["rows"] == 1  # only the new row
    with duckdb.connect(str(env["store"]), read_only=True) as con:
        n = con.execute(
            "SELECT count(*) FROM measures WHERE source_id = 'import_trygghetsenkat_per_omrade'"
        ).fetchone()
    assert n[0] == rows + 1


def test_the_same_figure_delivered_twice_is_one_row(env):
    """The shipped SCB population by DeSO and the same figure delivered again (a newer
    delivery, another source): one row per indicator, area, period and breakdown, the
    newest delivery's value and source."""
    with duckdb.connect(str(env["store"]), read_only=True) as con:
        deso = con.execute(
            "SELECT area_code, value FROM measures WHERE indicator = 'population' "
            "AND period = '2022' AND area_code LIKE '0181%' AND length(area_code) > 4 LIMIT 3"
        ).fetchall()
    lines = "".join(f"population;{code};2022;{int(v) + 1}\n" for code, v in deso)
    (env["drop"] / "folkmangd.csv").write_text("indikator;område;period;värde\n" + lines, "utf-8")
    state = _sync(["drop"])["drop"]
    assert state["error"] is None and state["rows"] == 3
    with duckdb.connect(str(env["store"]), read_only=True) as con:
        doubles = con.execute(
            "SELECT count(*) FROM (SELECT indicator, area_code, period, breakdown FROM measures "
            "GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
        row = con.execute(
            "SELECT value, source_id FROM measures WHERE indicator = 'population' "
            "AND period = '2022' AND area_code = ?",
            [deso[0][0]],
        ).fetchone()
    assert doubles == 0
    assert row == (deso[0][1] + 1, "import_folkmangd")


def test_the_configuration_says_what_is_wrong(tmp_path):
    bad = tmp_path / "sync.toml"
    bad.write_text('[sources.x]\nkind = "ftp"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="kind = 'ftp'"):
        src.load(bad)
    bad.write_text('[sources.x]\nkind = "drop"\nevery = "often"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="15m, 1h eller 7d"):
        src.load(bad)
    shipped = src.load(ROOT / "sync.toml")
    assert {s.kind for s in shipped.values()} == {"polisen", "kolada", "pxweb", "drop"}
    assert shipped["polisen"].every_s == 3600


def test_kolada_through_the_schedule_imports_its_figures(env, tmp_path):
    """The configured Kolada source, fetched by `run.sync` from the local server: the
    pinned KPI becomes the catalogue's merit value, and a second sync adds no row."""
    server = env["server"]
    year = dt.date.today().year
    path = f"/v3/data/kpi/N15505/municipality/0181/year/{year - 1},{year}"
    values = [
        {
            "kpi": "N15505",
            "municipality": "0181",
            "period": year - 1,
            "values": [{"gender": "T", "count": 1, "status": "", "value": 221.5}],
        }
    ]
    server.answer(path, _json({"values": values, "count": 1, "next_url": None}))
    cfg = Path(src.config.get("PAX_SYNC_CONFIG"))
    cfg.write_text(
        cfg.read_text(encoding="utf-8")
        + f'\n[sources.kolada]\nkind = "kolada"\nevery = "7d"\nurl = "{server.url}/v3"\n'
        f'kpis = ["N15505"]\nmunicipality = "0181"\nfirst_year = {year - 1}\n',
        encoding="utf-8",
    )
    state = run.sync(
        ["kolada"], progress=lambda m: None, sleep=lambda s: None, rules={"kolada": FAST}
    )["kolada"]
    assert state["error"] is None and state["rows"] == 1
    state = run.sync(
        ["kolada"], progress=lambda m: None, sleep=lambda s: None, rules={"kolada": FAST}
    )["kolada"]
    assert state["rows"] == 0
    with duckdb.connect(str(env["store"]), read_only=True) as con:
        rows = con.execute(
            "SELECT value, source_id FROM measures WHERE indicator = 'merit_value'"
        ).fetchall()
    assert rows == [(221.5, "kolada")]


def test_the_loop_syncs_what_is_due_then_sleeps_until_the_next_is_due(env):
    """`--loop`: one pass, then a sleep as long as the soonest source's wait (at least
    30 s); the loop ends only when the process is stopped (here: the second sleep)."""
    env["server"].answer("/api/events", _json(_answer(0)))
    (env["drop"] / "x.csv").write_text("indikator;område;period;värde\n", encoding="utf-8")
    slept = []

    class Stop(Exception):
        pass

    def sleep(seconds):
        slept.append(seconds)
        if len(slept) >= 1:
            raise Stop

    messages = []
    with pytest.raises(Stop):
        run.loop(progress=messages.append, sleep=sleep)
    status = src.read_status()
    assert {"polisen", "drop"} <= set(status)
    assert status["polisen"]["error"] is None
    assert 30 <= slept[0] <= 900  # the drop folder's 15 minutes at most


def test_unit_names_match_schools_only_when_certain():
    import pandas as pd

    from pax import units

    schools = pd.DataFrame(
        {
            "id": ["s1", "s2", "s3", "s4"],
            "name": ["Hovsjöskolan", "Järna friskola", "Södertälje friskola", "Lina grundskola"],
            "lat": [59.1, 59.0, 59.2, 59.3],
            "lon": [17.6, 17.5, 17.7, 17.8],
        }
    )
    given = pd.DataFrame(
        {
            "id": ["u1", "u2", "u3", "u4"],
            "title": ["Hovsjöskolan F-9", "Lina grundskola 7-9", "Friskolan", "Okända skolan"],
        }
    )
    matched, unplaced = units.match(given, schools)
    assert dict(zip(matched["unit_id"], matched["place_id"])) == {"u1": "s1", "u2": "s4"}
    assert unplaced == ["Friskolan", "Okända skolan"]  # none, or more than one candidate


def test_a_kolada_kpi_mapped_in_the_configuration_reaches_its_indicator(env):
    server = env["server"]
    year = dt.date.today().year
    path = f"/v3/data/kpi/N99999/municipality/0181/year/{year}"
    row = {
        "kpi": "N99999",
        "municipality": "0181",
        "period": year,
        "values": [{"gender": "T", "count": 1, "status": "", "value": 1234.0}],
    }
    server.answer(path, _json({"values": [row], "count": 1}))
    cfg = Path(src.config.get("PAX_SYNC_CONFIG"))
    cfg.write_text(
        cfg.read_text(encoding="utf-8")
        + f'\n[sources.kolada]\nkind = "kolada"\nevery = "7d"\nurl = "{server.url}/v3"\n'
        f'kpis = ["N99999"]\nfirst_year = {year}\n'
        '[sources.kolada.map]\nreported_crimes_per_100k = "N99999"\n',
        encoding="utf-8",
    )
    state = run.sync(
        ["kolada"], progress=lambda m: None, sleep=lambda s: None, rules={"kolada": FAST}
    )["kolada"]
    assert state["error"] is None and state["rows"] == 1
    with duckdb.connect(str(env["store"]), read_only=True) as con:
        value = con.execute(
            "SELECT value FROM measures WHERE indicator = 'reported_crimes_per_100k'"
        ).fetchall()
    assert value == [(1234.0,)]
