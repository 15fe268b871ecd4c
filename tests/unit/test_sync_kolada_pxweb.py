"""`pax.sync.kolada` and `pax.sync.pxweb` against a real local HTTP server answering as Kolada's
API v3 and SCB's PxWeb API v2 do: pages followed to the end and merged, long id lists and
large tables split, faults refused with one Swedish sentence — and what they return is a file
the importers read."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from pax.ingest import kolada as kolada_reader
from pax.ingest import pxweb as pxweb_reader
from pax.ingest.core import Context, Options
from pax.ingest.run import import_file
from pax.sync import kolada, pxweb
from pax.sync.http import Client, Rules, SyncError
from tests.conftest import ROOT
from tests.fake_api import JSON, Server, ok

FAST = Rules(min_interval_s=0, backoff_s=0.01, attempts=3, timeout_s=5, max_wait_s=60)


@pytest.fixture
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def client(slept) -> Client:
    return Client("kolada", "pax-test/1.0 (Södertälje kommun)", rules=FAST, sleep=slept.append)


@pytest.fixture(scope="module")
def ctx():
    return Context.load(ROOT / "data")


def write(tmp_path: Path, name: str, data) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# --- Kolada -------------------------------------------------------------------------------


def value(kpi="N15505", period=2023, total=205.0, place=("municipality", "0181"), **extra):
    cells = [{"gender": "T", "count": 1, "status": None, "value": total, **extra}]
    return {"kpi": kpi, place[0]: place[1], "period": period, "values": cells}


DATA = "/v3/data/kpi/N15505/municipality/0181/year/2022,2023,2024"


def kolada_fetch(client, server, kpis=("N15505",), years=(2022, 2023, 2024), ous=None):
    return kolada.fetch(client, f"{server.url}/v3", list(kpis), "0181", list(years), ous)


def test_kolada_two_pages_are_followed_and_merged(client, server):
    first = [value(period=2022), value(period=2023)]
    second = [value(period=2024, total=207.5)]

    def answer(query):
        if query.get("page") == "2":
            return ok({"values": second, "count": 3, "next_url": None, "previous_url": "x"})
        next_url = f"{server.url}{DATA}?page=2&per_page=5000"
        return ok({"values": first, "count": 3, "next_url": next_url, "previous_url": None})

    server.route(DATA, answer)
    said = []
    envelope = kolada.fetch(
        client, f"{server.url}/v3/", ["N15505"], "0181", [2022, 2023, 2024], progress=said.append
    )
    assert envelope == {"values": first + second, "count": 3}
    assert [r["query"] for r in server.requests] == [
        {"per_page": "5000"},
        {"page": "2", "per_page": "5000"},
    ]
    assert said and all(m.startswith("kolada: ") for m in said)


def test_kolada_more_than_25_ids_are_split_into_several_requests(client, server):
    kpis = [f"N{i:05d}" for i in range(30)]
    years = list(range(1990, 2026))  # 36 years: two segments
    ous = [f"V15E0181{i:05d}" for i in range(27)]
    for path in itertools.chain(
        (
            f"/v3/data/kpi/{k}/municipality/0181/year/{y}"
            for k in (",".join(kpis[:25]), ",".join(kpis[25:]))
            for y in (",".join(map(str, years[:25])), ",".join(map(str, years[25:])))
        ),
        (
            f"/v3/oudata/kpi/{k}/ou/{o}/year/{y}"
            for k in (",".join(kpis[:25]), ",".join(kpis[25:]))
            for o in (",".join(ous[:25]), ",".join(ous[25:]))
            for y in (",".join(map(str, years[:25])), ",".join(map(str, years[25:])))
        ),
    ):
        server.route(path, ok({"values": [{"path": path}], "count": 1}))
    envelope = kolada_fetch(client, server, kpis + kpis[:3], years, ous)
    assert len(server.requests) == 4 + 8
    assert all(seg.count(",") < 25 for p in server.paths() for seg in p.split("/"))
    assert [v["path"] for v in envelope["values"]] == server.paths()
    assert envelope["count"] == 12


@pytest.mark.parametrize(
    "second, why",
    [
        (None, "det fanns ingen nästa sida"),
        ((500, JSON, b"{}"), "sida 2 gick inte att hämta: källan svarade med fel 500 efter 3"),
        ((404, {}, b""), "sida 2 gick inte att hämta: adressen finns inte (404)"),
        (ok({"oops": []}), "sida 2 gick inte att hämta: svaret från"),
        ((200, JSON, b'{"values": [{"kpi": "N1'), "sida 2 gick inte att hämta: svaret är ofull"),
    ],
)
def test_kolada_a_chain_that_ends_early_is_an_error_never_a_partial_result(
    client, server, second, why
):
    next_url = f"{server.url}/v3/next" if second else None
    server.route(DATA, ok({"values": [value(), value()], "count": 5, "next_url": next_url}))
    if second:
        server.route("/v3/next", second)
    with pytest.raises(SyncError) as err:
        kolada_fetch(client, server)
    message = str(err.value)
    assert message.startswith("kolada: sidkedjan tog slut efter 2 av 5 värden; " + why)
    assert message.endswith("; inget sparades.")


def test_kolada_next_url_is_followed_on_the_base_host_only(client, server):
    # Another port (or scheme) of the same host: asked on the base URL's (a mirror stays one).
    server.route(DATA, ok({"values": [value()], "count": 2, "next_url": "http://127.0.0.1:1/v3/n"}))
    server.route("/v3/n", ok({"values": [value(period=2024)], "count": 2}))
    assert len(kolada_fetch(client, server)["values"]) == 2
    assert server.paths() == [DATA, "/v3/n"]


def test_kolada_next_url_on_another_host_or_in_a_loop_is_refused(client, server):
    server.route(DATA, ok({"values": [value()], "count": 2, "next_url": "http://evil.test/v3"}))
    with pytest.raises(SyncError, match="annan värd"):
        kolada_fetch(client, server)
    server.route(DATA, ok({"values": [value()], "count": 2, "next_url": f"{server.url}{DATA}"}))
    with pytest.raises(SyncError, match="sidkedjan går i cirkel"):
        kolada_fetch(client, server)


def test_kolada_500_then_200_and_429_with_retry_after_are_retried(client, server, slept):
    page = ok({"values": [value()], "count": 1, "next_url": None})
    server.route(DATA, (500, JSON, b"{}"), (429, {"Retry-After": "7"}, b""), page)
    assert kolada_fetch(client, server)["values"] == [value()]
    assert server.paths() == [DATA] * 3
    assert slept == [0.01, 7.0]  # back-off after the 500, then what Retry-After said


@pytest.mark.parametrize(
    "answer, match",
    [
        ((200, {"Content-Type": "text/html"}, b"<!DOCTYPE html><h1>Fel</h1>"), "webbsida"),
        ((200, JSON, b'{"values": [{"kpi": "N15505", "peri'), "ofullständig eller felaktig"),
        (ok({"count": 0, "next_url": None}), "inte ett Kolada-svar"),
        (ok([value()]), "inte ett Kolada-svar"),
        ((403, {}, b""), "nekade åtkomst"),
    ],
)
def test_kolada_a_broken_answer_is_one_swedish_sentence(client, server, answer, match):
    server.route(DATA, answer)
    with pytest.raises(SyncError, match=match) as err:
        kolada_fetch(client, server)
    assert str(err.value).startswith("kolada: ")


def test_kolada_bad_parameters_are_refused_before_any_call(client, server):
    with pytest.raises(SyncError, match="inga nyckeltal"):
        kolada_fetch(client, server, kpis=[])
    with pytest.raises(SyncError, match="inte ett giltigt id"):
        kolada_fetch(client, server, kpis=["N15505/../x"])
    assert server.requests == []


def test_kolada_unknown_fields_are_kept_and_the_envelope_imports(
    client, server, ctx, import_env, tmp_path
):
    values = [
        value(period=2023, total=205.0, extra_cell="?"),
        {**value(period=2024, total=207.0), "kpi_title": "Elever i åk. 9, meritvärde", "x": 1},
        value(period=2024, total=231.0, place=("municipality", "0180")),
    ]
    units = [value(period=2024, total=190.0, place=("ou", "V15E018100101"))]
    server.route(DATA, ok({"values": values, "count": 3, "next_url": None, "new_field": {}}))
    server.route(
        "/v3/oudata/kpi/N15505/ou/V15E018100101/year/2022,2023,2024",
        ok({"values": units, "count": 1, "next_url": None}),
    )
    envelope = kolada_fetch(client, server, ous=["V15E018100101"])
    assert envelope == {"values": values + units, "count": 4}
    path = write(tmp_path, "kolada.json", envelope)
    parsed = kolada_reader.read(path, Options(), ctx)
    assert (parsed.rows_read, len(parsed.frame), len(parsed.rejects), parsed.skipped) == (
        4,
        3,
        0,
        1,
    )
    assert not any("sida av flera" in n or "count=" in n for n in parsed.notes)
    report = import_file(
        path, Options(format="kolada"), store_path=import_env["store"], data_dir=import_env["data"]
    )
    assert report.balanced() and (report.imported, report.skipped, report.rejected) == (3, 1, 0)


# --- SCB PxWeb ----------------------------------------------------------------------------

TABLE = "TAB6574"
REGIONS = ["00", "0180", "0180C1010", "0181", "0181A0010", "0181A0020"]
CATEGORIES = {
    "Region": ("region", {c: {"00": "Riket", "0180": "Stockholm"}.get(c, c) for c in REGIONS}),
    "Alder": ("ålder", {"tot": "totalt ålder", "0-19": "0-19 år", "20-64": "20-64 år"}),
    "Kon": ("kön", {"1+2": "totalt", "1": "män", "2": "kvinnor"}),
    "ContentsCode": ("tabellinnehåll", {"000005FF": "Folkmängd"}),
    "Tid": ("år", {str(y): str(y) for y in range(2019, 2025)}),
}
MISSING = ("0181A0020", "2022", "2", "20-64")  # one suppressed cell, status '..'


def cell_value(c: dict) -> int:
    """A different number for every cell, from its categories only (not its position)."""
    digits = [list(CATEGORIES[d][1]).index(c[d]) for d in ("Region", "Tid", "Alder", "Kon")]
    return int("".join(str(i + 1) for i in digits))


def dataset(order: list[str], picked: dict[str, list[str]], with_values: bool) -> dict:
    """A JSON-stat 2.0 answer as PxWeb v2 gives it, row-major over `order`."""
    dimension = {
        d: {
            "label": CATEGORIES[d][0],
            "category": {
                "index": {c: i for i, c in enumerate(picked[d])},
                "label": {c: CATEGORIES[d][1][c] for c in picked[d]},
            },
        }
        for d in order
    }
    data = {
        "version": "2.0",
        "class": "dataset",
        "label": "Folkmängden per region efter ålder och kön. År 2019-2024",
        "source": "SCB",
        "updated": "2025-02-21T07:00:00Z",
        "id": order,
        "size": [len(picked[d]) for d in order],
        "role": {"time": ["Tid"], "geo": ["Region"], "metric": ["ContentsCode"]},
        "dimension": dimension,
        "extension": {"px": {"tableid": TABLE}},
    }
    if with_values:
        values, status = [], {}
        for pos, combo in enumerate(itertools.product(*(picked[d] for d in order))):
            c = dict(zip(order, combo))
            if (c["Region"], c["Tid"], c["Kon"], c["Alder"]) == MISSING:
                values.append(None)
                status[str(pos)] = ".."
            else:
                values.append(cell_value(c))
        data.update(value=values, status=status)
    return data


def pick(dim: str, selection: str) -> list[str]:
    codes = list(CATEGORIES[dim][1])
    if selection == "*":
        return codes
    if selection.endswith("*"):
        return [c for c in codes if c.startswith(selection[:-1])]
    wanted = selection.split(",")
    return [c for c in codes if c in wanted]


def serve_table(server: Server, order: list[str], config: dict) -> None:
    base = f"/api/v2/tables/{TABLE}"
    server.route("/api/v2/config", ok(config))
    everything = {d: list(CATEGORIES[d][1]) for d in order}
    server.route(f"{base}/metadata", ok(dataset(order, everything, with_values=False)))

    def data(query):
        picked = {d: pick(d, query[f"valueCodes[{d}]"]) for d in order}
        return ok(dataset(order, picked, with_values=True))

    server.route(f"{base}/data", data)


def px_fetch(server, prefix="0181", **kw):
    scb = Client("scb", "pax-test/1.0", rules=FAST, sleep=lambda s: None)
    return pxweb.fetch(scb, f"{server.url}/api/v2", TABLE, prefix, **kw)


ORDERS = [
    ["Region", "Alder", "Kon", "ContentsCode", "Tid"],  # SCB's usual order: time last
    ["Tid", "Region", "ContentsCode", "Kon", "Alder"],
    ["Region", "Kon", "Tid", "Alder", "ContentsCode"],
]


def test_pxweb_a_table_under_the_limit_is_one_data_request(server):
    order = ORDERS[0]
    serve_table(server, order, {"apiVersion": "2.0.0", "languages": [], "unknown": 1})
    data = px_fetch(server)
    assert server.paths() == [
        "/api/v2/config",
        f"/api/v2/tables/{TABLE}/metadata",
        f"/api/v2/tables/{TABLE}/data",
    ]
    assert server.requests[1]["query"] == {"lang": "sv", "outputFormat": "json-stat2"}
    assert server.requests[2]["query"] == {
        "lang": "sv",
        "outputFormat": "json-stat2",
        "valueCodes[Region]": "0181*",
        "valueCodes[Tid]": "*",
        "valueCodes[Alder]": "*",
        "valueCodes[Kon]": "*",
        "valueCodes[ContentsCode]": "*",
    }
    assert data["dimension"]["Region"]["category"]["index"] == {
        "0181": 0,
        "0181A0010": 1,
        "0181A0020": 2,
    }
    assert len(data["value"]) == 3 * 3 * 3 * 1 * 6


@pytest.mark.parametrize("order", ORDERS)
def test_pxweb_over_the_limit_is_split_by_period_and_merges_to_the_unsplit_answer(order):
    whole, split = Server(), Server()
    try:
        serve_table(whole, order, {"maxDataCells": 150_000})
        serve_table(split, order, {"maxDataCells": 60})  # 27 cells a period: two at a time
        said = []
        unsplit, merged = px_fetch(whole), px_fetch(split, progress=said.append)
        tids = [r["query"].get("valueCodes[Tid]") for r in split.requests[2:]]
    finally:
        whole.stop()
        split.stop()
    assert tids == ["2019,2020", "2021,2022", "2023,2024"]
    assert merged == unsplit
    assert merged["status"] == {str(merged["value"].index(None)): ".."}
    assert any("del 3 av 3" in m for m in said)


def test_pxweb_a_single_period_over_the_limit_is_refused(server):
    serve_table(server, ORDERS[0], {"maxDataCells": 26})
    with pytest.raises(SyncError, match="en enda period av TAB6574 är 27 celler, över SCB:s gräns"):
        px_fetch(server)
    assert all(not p.endswith("/data") for p in server.paths())


def test_pxweb_parts_that_do_not_fit_together_are_refused(server):
    serve_table(server, ORDERS[0], {"maxDataCells": 60})
    base = f"/api/v2/tables/{TABLE}/data"
    everything = {d: list(CATEGORIES[d][1]) for d in ORDERS[0]}
    wrong = dataset(ORDERS[0], {**everything, "Tid": ["2019", "2020"]}, with_values=True)
    server.route(base, ok(wrong))  # the same periods for every part
    with pytest.raises(SyncError, match="andra perioder än de begärda"):
        px_fetch(server)

    def other_sexes(query):
        picked = {d: pick(d, query[f"valueCodes[{d}]"]) for d in ORDERS[0]}
        if picked["Tid"][0] != "2019":
            picked["Kon"] = ["1+2"]
        return ok(dataset(ORDERS[0], picked, with_values=True))

    server.route(base, other_sexes)
    with pytest.raises(SyncError, match="olika dimensioner och kan inte slås ihop"):
        px_fetch(server)
    short = dict(wrong, value=wrong["value"][:-1])
    server.route(base, ok(short))
    with pytest.raises(SyncError, match="value har .* värden men dimensionerna ger"):
        px_fetch(server)


def test_pxweb_the_merged_table_imports(server, ctx, import_env, tmp_path):
    serve_table(server, ORDERS[2], {"maxDataCells": 60})
    path = write(tmp_path, "scb_TAB6574.json", px_fetch(server))
    parsed = pxweb_reader.read(path, Options(), ctx)
    n = 3 * 3 * 3 * 6
    assert (parsed.rows_read, len(parsed.frame), len(parsed.rejects), parsed.skipped) == (
        n,
        n - 1,
        1,
        0,
    )
    assert set(parsed.frame["area_code"]) == {"0181", "0181A0010", "0181A0020"}
    plain = parsed.frame[parsed.frame["breakdown"] == ""]
    assert len(plain) == 3 * 6 and set(plain["indicator"]) == {"population"}
    report = import_file(
        path, Options(format="pxweb"), store_path=import_env["store"], data_dir=import_env["data"]
    )
    assert report.balanced() and report.rows_read == n and report.rejected == 1
    assert report.imported + report.duplicates == n - 1
