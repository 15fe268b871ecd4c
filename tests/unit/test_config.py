from pathlib import Path

import pytest

from pax import config

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in config.SETTINGS if f"`{s.name}`" not in readme]
    assert missing == []


def test_settings_are_declared_once():
    names = [s.name for s in config.SETTINGS]
    assert len(names) == len(set(names))
    assert all(s.help for s in config.SETTINGS)


def test_relative_store_path_is_anchored_at_the_project():
    assert config.get("PAX_STORE", {"PAX_STORE": "x/y.duckdb"}) == ROOT / "x" / "y.duckdb"


def test_a_bad_number_gives_a_swedish_error_naming_the_setting():
    with pytest.raises(ValueError, match="PAX_DISCLOSURE_K"):
        config.get("PAX_DISCLOSURE_K", {"PAX_DISCLOSURE_K": "tre"})
