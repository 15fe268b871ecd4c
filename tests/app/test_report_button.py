"""Issue 21: Granskning's button makes the statutory lägesbild (Word and PDF) for analysts."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def test_an_analyst_makes_the_report_on_granskning(app_env, monkeypatch, tmp_path):
    monkeypatch.setenv("PAX_DEFAULT_ROLE", "analyst")
    monkeypatch.setenv("PAX_AUDIT", str(tmp_path / "audit.sqlite"))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
    at.run()
    at.switch_page("app_pages/granskning.py").run()
    assert not at.exception
    at.button(key="report_make").click().run()
    assert not at.exception, [e.value for e in at.exception]
    made = at.session_state["_pax_report"]
    assert made["docx"][:2] == b"PK" and made["docx_name"].endswith(".docx")
    assert made["pdf"] is None or made["pdf"].startswith(b"%PDF")
    names = [b.proto.label for b in at.get("download_button")]
    assert "Ladda ned lägesbild (Word)" in names
