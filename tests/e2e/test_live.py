"""Issue 15 in the browser: a live store with only Polisen's public feed, at 1920×1080 —
the horizons side by side, what exists drawn, what is missing said in one sentence, and no
*fiktiva demodata* anywhere."""

from __future__ import annotations

import shutil

import pytest

from pax.ingest.core import Options
from pax.ingest.run import import_file
from tests.conftest import ROOT, make_data_dir
from tests.e2e.conftest import serve
from tests.e2e.helpers import assert_no_exception, open_page, save_full_page

POLISEN = sorted((ROOT / "tests" / "fixtures" / "polisen").glob("*.json"))


@pytest.fixture(scope="module")
def live_url(chromium_path, live_store, tmp_path_factory):
    base = tmp_path_factory.mktemp("live-e2e")
    path = base / "live.duckdb"
    shutil.copy(live_store, path)
    data = make_data_dir(base / "data")
    for file in POLISEN:
        import_file(file, Options(), store_path=path, data_dir=data)
    settings = {"PAX_MODE": "live", "PAX_STORE": str(path), "PAX_DATA_DIR": str(data)}
    with serve(settings, tmp_path_factory.mktemp("streamlit-live")) as url:
        yield url


@pytest.mark.parametrize(
    ("path", "title", "missing"),
    [
        ("", "Översikt", "Inga uppgifter levererade ännu för"),
        ("har-och-nu", "Här och nu", "Inga händelser med plats i ett område ännu"),
        ("fortroende", "Förtroende och informationsdelning", "Inga uppgifter levererade ännu"),
    ],
)
def test_a_live_page_shows_what_it_has_and_says_what_is_missing(
    page, live_url, artifacts, path, title, missing
):
    open_page(page, live_url, path, title)
    page.get_by_text(missing).first.wait_for()
    assert_no_exception(page)
    text = page.inner_text("body")
    assert "fiktiva demodata" not in text.lower()
    assert "Läge: skarpt" in text
    if path == "":
        assert "Källa: Polismyndigheten" in text  # the tiles of the feed's events
    save_full_page(page, artifacts / f"live-{path or 'oversikt'}.png")


def test_a_viewer_keeps_reading_while_a_sync_writes(
    page, chromium_path, live_store, tmp_path_factory, monkeypatch, artifacts
):
    """A page open during a sync keeps working (the store is replaced whole, never written
    in place) and shows the new data on its next run."""
    import json
    import threading

    from pax.sync import run
    from pax.sync.http import Rules
    from tests.fake_api import Server
    from tests.fake_api import ok as _json

    rules = Rules(min_interval_s=0, backoff_s=0.01, attempts=2, timeout_s=20)

    base = tmp_path_factory.mktemp("live-sync")
    path = base / "live.duckdb"
    shutil.copy(live_store, path)
    data = make_data_dir(base / "data")
    server = Server()
    answer = _json(json.loads(POLISEN[0].read_text(encoding="utf-8")))
    server.answer("/api/events", (*answer[:3], 3.0))  # a slow answer: the viewer reads meanwhile
    cfg = base / "sync.toml"
    cfg.write_text(
        f'[sources.polisen]\nkind = "polisen"\nevery = "1h"\nurl = "{server.url}/api/events"\n',
        "utf-8",
    )
    settings = {
        "PAX_MODE": "live",
        "PAX_STORE": str(path),
        "PAX_DATA_DIR": str(data),
        "PAX_SYNC_CONFIG": str(cfg),
    }
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    try:
        with serve(settings, tmp_path_factory.mktemp("streamlit-sync")) as url:
            open_page(page, url, "", "Översikt")
            page.get_by_text("Inga händelser i datalagret ännu").wait_for()
            result = {}
            worker = threading.Thread(
                target=lambda: result.update(
                    run.sync(["polisen"], progress=lambda m: None, rules={"polisen": rules})
                )
            )
            worker.start()
            reads = 0
            while worker.is_alive():
                page.reload()
                open_page(page, url, "", "Översikt")
                assert_no_exception(page)
                reads += 1
            worker.join()
            assert result["polisen"]["error"] is None and reads >= 1
            open_page(page, url, "", "Översikt")
            save_full_page(page, artifacts / "live-after-sync.png")
            page.get_by_text("Källa: Polismyndigheten").first.wait_for()
            assert "Inga händelser i datalagret ännu" not in page.inner_text("body")
            save_full_page(page, artifacts / "live-after-sync.png")
    finally:
        server.stop()
