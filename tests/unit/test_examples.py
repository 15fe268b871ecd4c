"""The example files a municipality can copy import cleanly (exit code 0)."""

from pathlib import Path

import pytest

from pax.ingest.core import Options
from pax.ingest.run import import_file

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "data" / "examples").glob("*.csv"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_file_imports_without_rejects(import_env, path):
    report = import_file(
        path, Options(), store_path=import_env["store"], data_dir=import_env["data"]
    )
    assert report.exit_code == 0, report.errors
    assert report.imported == report.rows_read > 0
    assert report.kind == "measures"


def test_there_is_an_example_for_every_panel():
    assert {p.name for p in EXAMPLES} >= {
        "underrattelser_per_forvaltning.csv",
        "trygghetsenkat_per_omrade.csv",
        "pax_atgarder.csv",
    }
