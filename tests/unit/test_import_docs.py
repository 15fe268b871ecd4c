from pathlib import Path

from pax.ingest.tabular import ALIASES

ROOT = Path(__file__).resolve().parents[2]


def test_every_accepted_header_is_documented():
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    missing = [a for aliases in ALIASES.values() for a in aliases if f"`{a}`" not in text]
    assert missing == []
