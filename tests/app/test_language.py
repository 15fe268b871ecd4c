"""The English toggle switches every label, sentence, table header and number format.

Every page is run in English as an analyst (who sees every page and layer); the text of
every element is searched for Swedish words and Swedish number formats. Place names and
the Swedish geography provenance document (Om data, said so on screen) are the only
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
    r"veckodag|händelser|fiktiva|verklig|bara|finns|visar|liknande|kommunen|invånare)\b",
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
    for widget in [*at.selectbox, *at.multiselect, *at.checkbox, *at.date_input, *at.button]:
        texts.append(str(widget.label))
    texts += [e.label for e in at.expander]
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


def test_swedish_stays_the_default(app_env):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    assert at.title[0].value == "Översikt"
    assert any(m.label == "Befolkning" or "personer" in m.value for m in at.metric)
