"""Issue 21: the statutory lägesbild (`pax.report`). The DOCX opened with python-docx: the
chapters in the law's and Brå's order, tables and pictures, every figure the published
view's own, no count in 1…k−1, *fiktiva demodata* on the cover and every chapter of the
demo and nowhere in a live store, whose missing sources are each named; the PDF rendered."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from docx import Document

from pax import briefing, i18n, privacy, published, queries, report, store
from tests import pdf
from tests.conftest import DEMO_END


@pytest.fixture(scope="module")
def demo(store_env, tmp_path_factory):
    """The demo store's report, made once: (report, docx bytes, pdf bytes or None)."""
    mp = pytest.MonkeyPatch()
    for key, value in store_env.items():
        mp.setenv(key, value)
    mp.setenv("PAX_AUDIT", str(tmp_path_factory.mktemp("audit") / "audit.sqlite"))
    try:
        con = store.connect()
        made, word, document, warning = report.make(con)
        yield con, made, word, document, warning
    finally:
        mp.undo()


def _chapters(doc) -> list[tuple[str, str]]:
    """(Heading 1, all text under it up to the next) of a DOCX."""
    out = []
    for para in doc.paragraphs:
        if para.style.name == "Heading 1":
            out.append([para.text, ""])
        elif out:
            out[-1][1] += para.text + "\n"
    for _table in doc.tables:  # text boxes and tables belong somewhere; searched whole below
        pass
    return [tuple(x) for x in out]


def _is_small(cell: str, k: int) -> bool:
    plain = cell.replace("\u00a0", "").replace(" ", "")
    return plain.isdigit() and 1 <= int(plain) <= k - 1


def test_demo_report_chapters_tables_pictures_and_label(demo):
    con, made, word, _, _ = demo
    doc = Document(io.BytesIO(word))
    chapters = _chapters(doc)
    assert [c for c, _ in chapters] == list(report.CHAPTERS)
    for title, text in chapters:
        assert "fiktiva demodata" in text, title
    cover = "\n".join(p.text for p in doc.paragraphs[:8])
    assert "FIKTIVA DEMODATA" in cover and "2023:196" in cover
    assert made.end == DEMO_END and made.start == dt.date(DEMO_END.year - 5, 1, 1)
    tables = made.blocks(report.Table)
    # Tables as real tables: every report table is in the document, cell for cell.
    docx_tables = [t for t in doc.tables if len(t.columns) > 1]
    assert len(docx_tables) == len(tables) >= 10
    for block, table in zip(tables, docx_tables):
        cells = [[c.text for c in row.cells] for row in table.rows]
        assert cells[0] == [str(c) for c in block.frame.columns], block.title
        assert cells[1:] == [[str(v) for v in row] for row in block.frame.itertuples(index=False)]
    # Pictures: the charts and maps, drawn.
    if briefing.find_chromium():
        assert len(doc.inline_shapes) == len(made.blocks(report.Picture)) >= 4
    # Analysts' sections: Brå's guiding questions in marked boxes.
    boxes = [t for t in doc.tables if len(t.columns) == 1]
    assert len(boxes) >= 5
    assert all(t.cell(0, 0).text.startswith(report.ANALYST_MARK) for t in boxes)


def test_no_count_in_1_to_k_minus_1(demo):
    con, made, word, _, _ = demo
    k = privacy.Policy.from_config().k
    for block in made.blocks(report.Table):
        for column in block.counts:
            small = [v for v in block.frame[column] if _is_small(str(v), k)]
            assert small == [], (block.title, column)
    # Nor in a generated sentence: a count next to "händelser" is never 1…k−1.
    text = "\n".join(p.text for p in Document(io.BytesIO(word)).paragraphs)
    for n in re.findall(r"(\d+) händelser", text):
        assert not 1 <= int(n) <= k - 1


def test_every_figure_is_the_published_views(demo):
    con, made, _, _, _ = demo
    policy = privacy.Policy.from_config()
    events = published.event_policy(con, policy)
    tables = {t.title: t.frame for t in made.blocks(report.Table)}
    ids = queries.categories(con)["id"].tolist()
    labels = queries.categories(con).set_index("id")["label_sv"]
    yearly = tables["Händelser per kategori och år"].set_index("Kategori")
    for column in yearly.columns:
        year = int(column[:4])
        last = min(dt.date(year, 12, 31), made.end)
        view = published.compstat(con, events, last, ids, None)
        ytd = view[view["window"] == "ytd"].set_index("category")["now_label"]
        for cat in ids:
            assert yearly.at[labels[cat], column] == str(ytd[cat]), (column, cat)
        total = published.events_total(con, events, dt.date(year, 1, 1), last, None)[1]
        assert yearly.at["Totalt", column] == total
    start = made.end - dt.timedelta(days=364)
    areas = published.area_counts(con, events, start, made.end, "regso", None)
    shown = areas.set_index("name")
    top = tables["De tio områden med flest händelser"]
    for name, count, rate in zip(top["Område (RegSO)"], top["Händelser"], top["Per 1 000 inv."]):
        assert count == shown.at[name, "count_label"]
        assert rate == i18n.number(shown.at[name, "rate_per_1000"], 2)
    influence = tables["Anmäld otillbörlig påverkan mot anställda, per år"]
    for column in influence.columns[1:]:
        year = int(column[:4])
        value, label = published.measure_total(
            con,
            policy,
            "improper_influence",
            dt.date(year, 1, 1),
            min(dt.date(year, 12, 31), made.end),
        )
        assert influence[column].iloc[0] == (label or i18n.number(value, 0))
    survey = tables["Trygghets- och förtroendeenkäten, hela kommunen"].set_index("Fråga")
    for indicator in report.SURVEY:
        view = published.survey(con, policy, indicator, "kommun", None, "sv")
        name = queries.catalog(con, indicator).iloc[0]["name_sv"]
        for period, value in zip(view["period"], view["value"]):
            assert survey.at[name, str(period)] == f"{i18n.number(value, 0)} %"


def test_every_source_line_has_source_and_period(demo):
    _, made, _, _, _ = demo
    for block in [*made.blocks(report.Table), *made.blocks(report.Picture)]:
        assert block.caption.startswith(("Källa:", "Datalagret")), block.title
        if block.caption.startswith("Källa:"):
            assert " · " in block.caption and re.search(r"\d{4}", block.caption), block.caption


def test_the_pdf_has_the_same_chapters(demo):
    _, made, _, document, warning = demo
    if not briefing.find_chromium():
        pytest.skip("Chromium saknas")
    assert warning is None and document.startswith(b"%PDF")
    pages = pdf.pages(document, scale=0.5)
    assert len(pages) >= 10
    # Each chapter begins a page, with its title on top, in the report's order.
    starts = [p.text.strip().split("\r\n")[0].split("\n")[0] for p in pages]
    assert [s for s in starts if s in report.CHAPTERS] == list(report.CHAPTERS)
    assert "FIKTIVA DEMODATA" in pages[0].text
    assert sum(len(p.images) for p in pages) >= 4
    assert all(p.width < p.height for p in pages)  # A4 portrait


def test_a_live_store_names_each_missing_source(live_store, tmp_path, monkeypatch):
    monkeypatch.setenv("PAX_STORE", str(live_store))
    monkeypatch.setenv("PAX_MODE", "live")
    monkeypatch.setenv("PAX_DATA_DIR", str(tmp_path))
    con = store.connect(live_store)
    made = report.build(con, end=DEMO_END)
    doc = Document(io.BytesIO(report.docx(made)))
    text = "\n".join(p.text for p in doc.paragraphs)
    text += "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "fiktiv" not in text.lower().replace("verklig eller fiktiv", "")
    assert [c for c, _ in _chapters(doc)] == list(report.CHAPTERS)
    assert "Inga händelser i datalagret ännu" in text  # events
    assert "Ingen förebyggande närvaro i datalagret ännu" in text  # interventions
    assert "anmälda brott per 100 000 invånare" in text  # BRÅ / Kolada comparison
    catalog = queries.catalog(con).set_index("id")
    for indicator in [*report.SURVEY, "improper_influence", "intel_reports", "money_seized_sek"]:
        assert not catalog.at[indicator, "has_data"]
        assert catalog.at[indicator, "name_sv"] in text, indicator
    # What is there is shown: SCB's figures by area.
    assert any(t.title == "Risk- och skyddsfaktorer per område" for t in made.blocks(report.Table))


def test_the_command_writes_both_files_and_logs_them(store_env, tmp_path, monkeypatch):
    from pax import audit
    from pax.__main__ import main

    for key, value in store_env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PAX_AUDIT", str(tmp_path / "audit.sqlite"))
    monkeypatch.setattr(report, "pictures", lambda made, chromium=None: None)
    monkeypatch.setattr(report, "pdf", lambda made, chromium=None: b"%PDF-1.4 test")
    code = main(
        [
            "report",
            "lagesbild",
            "--from",
            "2024-03-01",
            "--to",
            "2026-05-31",
            "--out",
            str(tmp_path),
        ]
    )
    assert code == 0
    files = sorted(p.suffix for p in tmp_path.glob("lagesbild-*"))
    assert files == [".docx", ".pdf"]
    doc = Document(str(next(tmp_path.glob("*.docx"))))
    assert "1 januari 2024 – 31 maj 2026" in "\n".join(p.text for p in doc.paragraphs)
    logged = audit.read(
        dt.date.today() - dt.timedelta(days=1), dt.date.today() + dt.timedelta(days=1)
    )
    assert sorted(logged["action"]) == ["report_docx", "report_pdf"]
