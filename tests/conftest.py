"""Shared fixtures: an isolated store built once per test session from the real
geography, the real SCB tables and demo data ending on a fixed date."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from streamlit import config as streamlit_config

ROOT = Path(__file__).resolve().parent.parent
DEMO_END = dt.date(2026, 6, 30)

# .streamlit/config.toml hides error details from viewers (production); the tests want the
# real message and traceback in their failure messages: the option for AppTest (in this
# process), the environment for every server the browser tests start (they inherit it).
os.environ.setdefault("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", "full")
streamlit_config.set_option("client.showErrorDetails", "full")


def make_data_dir(target: Path) -> Path:
    """A data folder sharing the project's catalogue and SCB tables, with its own demo/."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("catalog.csv", "sources.csv", "event_categories.csv", "scb"):
        link = target / name
        if not link.exists():
            link.symlink_to(ROOT / "data" / name)
    (target / "sources").mkdir(exist_ok=True)
    return target


def build_live_store(target: Path) -> Path:
    """A live store (PAX_MODE=live): real geography and SCB figures, no fictional record."""
    from pax import store

    data_dir = make_data_dir(target / "data")
    path = target / "live.duckdb"
    store.build(path, data_dir, progress=lambda m: None, mode="live")
    return path


def build_store(target: Path, events: int = 0, end: dt.date = DEMO_END) -> Path:
    from pax import store

    data_dir = make_data_dir(target / "data")
    store.generate_demo(
        data_dir, end=end, events_total=events, seed=7, years=5, progress=lambda m: None
    )
    path = target / "pax.duckdb"
    store.build(path, data_dir, progress=lambda m: None)
    return path


@pytest.fixture(scope="session")
def store_env(tmp_path_factory) -> dict[str, str]:
    """Environment pointing the app at a session-wide test store."""
    base = tmp_path_factory.mktemp("store")
    path = build_store(base)
    return {
        "PAX_STORE": str(path),
        "PAX_DATA_DIR": str(base / "data"),
        "PAX_DEMO_END": DEMO_END.isoformat(),
    }


@pytest.fixture(scope="session")
def live_store(tmp_path_factory) -> Path:
    """A session-wide live store, empty of registers (imports go into copies of it)."""
    return build_live_store(tmp_path_factory.mktemp("live"))


@pytest.fixture
def import_env(live_store, tmp_path) -> dict[str, Path]:
    """A private copy of the session's live store and a data folder of its own, for one
    test that imports files (imports go into live stores only; the copy keeps tests
    independent of each other's imports)."""
    path = tmp_path / "live.duckdb"
    shutil.copy(live_store, path)
    return {"store": path, "data": make_data_dir(tmp_path / "data")}


@pytest.fixture
def app_env(store_env, monkeypatch):
    for key, value in store_env.items():
        monkeypatch.setenv(key, value)
    yield store_env
    os.environ.pop("PAX_DEFAULT_ROLE", None)
