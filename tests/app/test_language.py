"""The English toggle switches every label, sentence, table header and number format.

Every page is run in English as an analyst (who sees every page and layer); the text of
every element is searched for Swedish words and Swedish number formats. Place names, the
Swedish geography provenance document (Om data, said so on screen) and, on the import
panel, what the importer itself writes (as `python -m pax import` prints it) are the only
Swedish left."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]
# Swedish words that are not English words and not part of Södertälje's place names.
SWEDISH = re.compile(
    r"\b(och|för|mot|från|inte|är|visas|saknas|samma|fjol|antal|månad|månader|källa|"
    r"senaste|hittills|område|områden|kategori|värde|andel|ökade|minskade|förvaltning|"
    r"jämfört|dold|dolda|enhet|genererat|sedan|utan|eller|alla|nämns|efter|över|"
    r"veckodag|händelser|fiktiva|verklig|bara|finns|visar|liknande|kommunen|invånare|"
    # The import panel's words (ui/upload.py).
    r"fil|importera|importerar|importerade|importerades|innehåll|automatiskt|mått|insatser|"
    r"koordinatsystem|startar|klart|lästa|rader|avvisade|dubbletter|överhoppade|rad|kolumn|"
    r"skäl)\b",
    re.IGNORECASE,
)
SWEDISH_NUMBER = re.compile(r"\d\u00a0\d{3}|\d,\d+\s*%")


def _texts(at: AppTest) -> list[str]:
    texts = []
    for kind in ("title", "header", "subheader", "markdown", "caption"):
        texts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("info", "warning", "error", "success"):
        texts += [str(e.value) for e in getattr(at, kind)]
    texts += [f"{m.label} {m.value} {m.delta or ''}" for m in at.metric]
    widgets = [*at.selectbox, *at.multiselect, *at.checkbox, *at.date_input, *at.button]
    widgets += [*at.text_input, *at.file_uploader]
    for widget in widgets:
        texts.append(str(widget.label))
    for widget in [*at.selectbox, *at.multiselect]:  # the choices, as they are shown
        texts += [str(option) for option in widget.options]
    texts += [e.label for e in at.expander] + [e.label for e in at.status]
    texts += [e.text for e in at.progress]
    for frame in at.dataframe:
        texts += [str(c) for c in frame.value.columns]
    return texts


@pytest.mark.parametrize("file", [file for file, *_ in PAGES])
def test_every_page_speaks_english(app_env, monkeypatch, file):
    monkeypatch.setenv("PAX_DEFAULT_ROLE", "analyst")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page(f"app_pages/{file}").run()
    assert not at.exception, [e.value for e in at.exception]
    provenance = "geo/README.md"  # Om data shows the geography's Swedish provenance, said so
    texts = [t for t in _texts(at) if "SWEREF 99 TM (EPSG:3006)" not in t or provenance in t]
    swedish = [t for t in texts if SWEDISH.search(t)]
    assert swedish == [], "\n".join(swedish)
    numbers = [t for t in texts if SWEDISH_NUMBER.search(t)]
    assert numbers == [], "\n".join(numbers)


def _english(file: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page(f"app_pages/{file}").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# One event that goes in, one dated in the future that is rejected (quarantined).
UPLOAD = "datum;kategori;område\n2025-03-05;Bilbrand;Hovsjö\n2031-01-01;Bilbrand;Hovsjö\n"


def test_the_upload_panel_speaks_english(import_env, monkeypatch, tmp_path):
    """The import panel on Granskning (analysts, live store; a demo store shows a notice
    instead) in English: its labels and choices, the progress, the counts, the rejected
    rows and the sentence after the import, and its error when a file cannot be read.

    What the importer (pax/ingest) writes stays Swedish, as `python -m pax import` prints
    it: the reasons of the rejected rows are table cells, which this test has never read
    (like the place names, they are data); the importer's notes, its progress steps and its
    error message are left out below, each one exactly (the same files run through the
    importer here, dry). Nothing else is: every word of the panel's own is checked."""
    from pax import safe
    from pax.ingest.core import ImportRefused, Options
    from pax.ingest.run import import_file
    from ui import cached

    for key, value in {
        "PAX_MODE": "live",
        "PAX_STORE": str(import_env["store"]),
        "PAX_DATA_DIR": str(import_env["data"]),
        "PAX_IMPORT_IN_APP": "1",
        "PAX_DEFAULT_ROLE": "analyst",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("PAX_DEMO_END", raising=False)
    cached.clear()
    (tmp_path / "logg.csv").write_text(UPLOAD, encoding="utf-8")
    (tmp_path / "tom.csv").write_bytes(b"")
    steps = set()  # the importer's progress sentences, which the bar shows as they come
    dry = Options(dry_run=True)
    stores = (import_env["store"], import_env["data"])
    report = import_file(tmp_path / "logg.csv", dry, *stores, progress=lambda f, s: steps.add(s))
    with pytest.raises(ImportRefused) as refused:
        import_file(tmp_path / "tom.csv", dry, *stores, progress=lambda f, s: steps.add(s))
    importer = {safe.markdown(n) for n in report.notes} | {safe.markdown(refused.value)} | steps

    at = _english("granskning.py")
    at.file_uploader[0].set_value(("logg.csv", UPLOAD.encode(), "text/csv")).run()
    at.button(key="import_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.metric) == 5 and at.success and at.status[0].state == "complete"
    assert any(d.value.shape == (1, 4) for d in at.dataframe)  # the rejected row
    texts = _texts(at)
    at.file_uploader[0].set_value(("tom.csv", b"", "text/csv")).run()
    at.button(key="import_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error and at.status[0].state == "error"
    texts += _texts(at)
    swedish = [t for t in texts if SWEDISH.search(t) and t not in importer]
    assert swedish == [], "\n".join(swedish)


def test_swedish_stays_the_default(app_env):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert at.title[0].value == "Översikt"
    assert any(m.label == "Befolkning" or "personer" in m.value for m in at.metric)
