"""Every page on the PostgreSQL store (`PAX_DATABASE_URL`): the test store published into a
cluster of its own, the app reading it through its pool; the pages render with their
titles and the demo label, and a new publish is what the next run shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from pax import db, store
from tests.app.test_pages import MINIMUM_ROLE, TITLES, _run, _text
from tests.pg import NO_POSTGRES, Cluster, bin_dir

if bin_dir() is None:
    pytest.skip(NO_POSTGRES, allow_module_level=True)


@pytest.fixture(scope="module")
def pg_url(store_env):
    server = Cluster().init().start()
    db.publish(Path(store_env["PAX_STORE"]), server.url)
    yield server.url
    server.remove()


@pytest.fixture
def pg_env(app_env, pg_url, monkeypatch):
    monkeypatch.setenv("PAX_DATABASE_URL", pg_url)
    from ui import cached

    cached.clear()
    yield pg_url
    cached.clear()


@pytest.mark.parametrize("page", list(TITLES))
def test_every_page_renders_from_postgresql(pg_env, monkeypatch, page):
    monkeypatch.setenv("PAX_DEFAULT_ROLE", MINIMUM_ROLE[page])
    at = _run(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == TITLES[page]
    if page in ("oversikt.py", "har_och_nu.py"):
        assert "fiktiva demodata" in _text(at)


def test_the_next_run_shows_a_new_publish(pg_env, store_env):
    assert store.shared() and store.ready()
    before = store.version()
    db.publish(Path(store_env["PAX_STORE"]), pg_env)
    assert store.version() != before
    at = _run("oversikt.py")
    assert not at.exception and at.title[0].value == "Översikt"


def test_a_database_that_does_not_answer_gets_one_sentence(app_env, monkeypatch):
    from tests.pg import _free_port

    monkeypatch.setenv("PAX_DATABASE_URL", f"postgresql://postgres@127.0.0.1:{_free_port()}/x")
    at = _run("oversikt.py")
    assert not at.exception, [e.value for e in at.exception]
    assert "svarar inte" in at.error[0].value
