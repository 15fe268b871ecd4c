"""AppTest for every page: it renders without exceptions, shows its Swedish title, its
figures and the fictional-data label where demo data appear."""

import datetime as dt
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parents[2]
TITLES = {
    "oversikt.py": "Översikt",
    "har_och_nu.py": "Här och nu",
    "fortroende.py": "Förtroende och informationsdelning",
    "social_hallbarhet.py": "Social hållbarhet",
    "omraden.py": "Områden",
    "om_data.py": "Om data",
    "granskning.py": "Granskning",
}
MINIMUM_ROLE = {file: minimum for file, *_, minimum in PAGES}


def _run(page: str | None = None, params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"app_pages/{page}").run()
    return at


def _text(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [e.body for e in at.info] + [e.body for e in at.warning]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    # Text from the data is markdown-escaped (pax.safe.markdown): read it as it is shown.
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))


def test_the_title_table_covers_every_page():
    assert set(TITLES) == {file for file, *_ in PAGES}


@pytest.mark.parametrize("page", list(TITLES))
def test_page_renders_with_its_title_and_no_exception(app_env, monkeypatch, page):
    monkeypatch.setenv("PAX_DEFAULT_ROLE", MINIMUM_ROLE[page])
    at = _run(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == TITLES[page]


@pytest.mark.parametrize("page", ["oversikt.py", "har_och_nu.py", "fortroende.py", "omraden.py"])
def test_pages_with_demo_data_say_so(app_env, page):
    at = _run(page)
    assert "fiktiva demodata" in _text(at)


def test_overview_shows_three_horizons_with_sourced_tiles(app_env):
    at = _run("oversikt.py")
    headers = [h.value for h in at.subheader]
    assert headers[:3] == ["Här och nu", "Medellång sikt", "Lång sikt"]
    labels = [m.label for m in at.metric]
    assert "Skottlossning" in labels and "Folkmängd" in labels
    population = next(m for m in at.metric if m.label == "Folkmängd")
    assert population.value.startswith("102\u00a0519")  # SCB, 31 Dec 2023
    assert "Källa: SCB (Statistiska centralbyrån) · 2023" in _text(at)


def test_small_counts_never_reach_the_overview(app_env):
    at = _run("oversikt.py")
    for metric in at.metric:
        if metric.label in {"Skottlossning", "Sprängning/detonation", "Vapengömma"}:
            assert metric.value in {"0", "<3", ".."} or int(metric.value.replace("\u00a0", "")) >= 3


def _widget(at, kind: str, label: str):
    return next(w for w in getattr(at, kind) if w.label == label)


def _compstat(at):
    return next(d.value for d in at.dataframe if "Bedömning" in d.value.columns)


def test_here_and_now_filters_come_from_the_url(app_env):
    at = _run(
        "har_och_nu.py",
        {
            "dagar": "28",
            "kat": "shooting",
            "niva": "deso",
            "matt": "rate",
            "omr": "hovsjo",
            "utsatta": "1",
        },
    )
    assert not at.exception, [e.value for e in at.exception]
    assert not [w for w in at.multiselect if w.label == "Områden"]  # free sets: analysts
    assert _widget(at, "selectbox", "Period").value == "28"
    assert _widget(at, "selectbox", "Kategorier").value == "shooting"
    assert _widget(at, "selectbox", "Områdesnivå").value == "deso"
    assert _widget(at, "selectbox", "Visa").value == "rate"
    assert _widget(at, "checkbox", "Bara Polisens utsatta områden").value is True
    table = _compstat(at)
    assert set(table["Kategori"]) == {"Skottlossning"}
    assert len(table) == 3  # one category × three windows


def test_public_chooses_fixed_category_groups_and_analysts_any_set(app_env, monkeypatch):
    """A free set of categories is for analysts: the difference of two sets chosen by a
    public viewer could reveal a small count (pax.privacy.protect_category_sum)."""
    at = _run("har_och_nu.py", {"kat": "shooting,car_fire"})
    categories = _widget(at, "selectbox", "Kategorier")
    assert categories.value == "alla"  # a set from an analyst's link falls back to all
    monkeypatch.setenv("PAX_DEFAULT_ROLE", "analyst")
    at = _run("har_och_nu.py", {"kat": "shooting,car_fire"})
    assert not at.exception, [e.value for e in at.exception]
    assert _widget(at, "multiselect", "Kategorier").value == ["shooting", "car_fire"]
    assert set(_compstat(at)["Kategori"]) == {"Skottlossning", "Bilbrand"}
    # An old link names RegSO by slug; they open as SCB's codes (Hovsjö, Saltskog).
    at = _run("har_och_nu.py", {"omr": "hovsjo,saltskog"})
    assert _widget(at, "multiselect", "Områden").value == ["0181R012", "0181R024"]


def test_here_and_now_custom_range_and_year_to_date(app_env, monkeypatch):
    at = _run("har_och_nu.py", {"dagar": "custom", "fran": "2026-03-01", "till": "2026-03-31"})
    assert not at.exception and _widget(at, "selectbox", "Period").value == "365"
    assert "Egen period" not in _widget(at, "selectbox", "Period").options  # analysts only
    monkeypatch.setenv("PAX_DEFAULT_ROLE", "analyst")
    at = _run("har_och_nu.py", {"dagar": "custom", "fran": "2026-03-01", "till": "2026-03-31"})
    assert not at.exception
    dates = [d.value for d in at.date_input]
    assert [str(d) for d in dates] == ["2026-03-01", "2026-03-31"]
    at = _run("har_och_nu.py", {"dagar": "ytd"})
    assert not at.exception and _widget(at, "selectbox", "Period").value == "ytd"


def _area_events(at) -> int:
    """The events of the map's area table that are shown as numbers (not `<3`)."""
    table = next(d.value for d in at.dataframe if "Gi*" in d.value.columns)
    return sum(int(v) for v in table["Händelser"] if str(v).isdigit())


def test_changing_a_filter_updates_the_url(app_env):
    """Choosing a period other than the default (365 days) rewrites `?dagar=` and what the
    page shows: the map's source line names the new window and the map counts fewer events."""
    from pax import i18n
    from ui import cached

    end = cached.as_of()
    year = i18n.date_range(end - dt.timedelta(days=364), end)
    four_weeks = i18n.date_range(end - dt.timedelta(days=27), end)
    at = _run("har_och_nu.py")
    assert at.query_params["dagar"] in (["365"], "365")
    map_source = next(c.value for c in at.caption if "Polismyndigheten" in c.value)
    assert year in map_source
    year_events = _area_events(at)
    _widget(at, "selectbox", "Period").set_value("28").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["dagar"] in (["28"], "28")
    assert _widget(at, "selectbox", "Period").value == "28"
    map_source = next(c.value for c in at.caption if "Polismyndigheten" in c.value)
    assert four_weeks in map_source and year not in map_source
    assert _area_events(at) < year_events


def test_the_area_select_box_scopes_the_compstat_table(app_env):
    whole = _compstat(_run("har_och_nu.py", {"dagar": "365"}))
    at = _run("har_och_nu.py", {"dagar": "365", "valt": "hovsjo"})  # an old link's slug
    assert _widget(at, "selectbox", "Valt område").value == "0181R012"
    part = _compstat(at)
    assert any("Hovsjö" in c.value for c in at.caption)

    def total(t):
        shown = t["Nu"][t["Period"] == "Hittills i år"]
        return sum(int(v) for v in shown if v.isdigit())

    assert total(part) <= total(whole)


def test_compstat_never_shows_small_counts_or_infinite_change(app_env):
    table = _compstat(_run("har_och_nu.py", {"valt": "0181R012", "niva": "regso"}))
    for col in ("Nu", "I fjol"):
        assert not any(v in {"1", "2"} for v in table[col])
    assert not any("inf" in str(v) for v in table["Förändring %"])
    hidden = table[table["Nu"].isin(["<3", ".."]) | table["I fjol"].isin(["<3", ".."])]
    assert (hidden["Skillnad"] == "").all() and (hidden["Bedömning"] == "–").all()


def test_here_and_now_public_sees_no_heat_layer(app_env):
    at = _run("har_och_nu.py")
    assert "Värmekartan visas inte för din roll" in _text(at)


def test_here_and_now_council_gets_the_heat_layer(app_env, monkeypatch):
    monkeypatch.setenv("PAX_DEFAULT_ROLE", "council")
    at = _run("har_och_nu.py")
    assert not at.exception
    assert "Värmekartan visas inte" not in _text(at)
    assert "Förtroendevald" in _text(at)


def test_social_page_shows_real_scb_figures_with_source(app_env):
    at = _run("social_hallbarhet.py", {"tema": "work", "ind": "employment_rate_16_64"})
    assert not at.exception
    assert "Källa: SCB (Statistiska centralbyrån) · 2022" in _text(at)
    assert "fiktiva demodata" not in _text(at)
    kommun = next(m for m in at.metric if m.label.startswith("Södertälje kommun"))
    assert kommun.value.startswith("74,0")


def test_social_page_labels_fictional_indicators(app_env):
    at = _run("social_hallbarhet.py", {"tema": "school", "ind": "merit_value"})
    assert "fiktiva demodata" in _text(at)


def test_areas_page_profiles_the_chosen_area(app_env):
    at = _run("omraden.py", {"omrade": "hovsjo"})
    assert not at.exception, [e.value for e in at.exception]
    assert "Särskilt utsatt område" in _text(at)
    assert "Sammanfattning" in _text(at)
    headers = [h.value for h in at.subheader]
    assert headers[:3] == ["Här och nu", "Medellång sikt", "Lång sikt"]
    events = next(d.value for d in at.dataframe if "Kategori" in d.value.columns)
    assert {"Per 1 000 inv.", "Södertälje kommun", "Liknande områden"} <= set(events.columns)
    assert not any(v in {"1", "2"} for v in events["Händelser"])
    long_term = next(d.value for d in at.dataframe if "Förändring" in d.value.columns)
    assert "Förvärvsfrekvens 16–64 år" in set(long_term["Indikator"])


def test_areas_page_by_select_box_and_deso_level(app_env):
    at = _run("omraden.py")
    _widget(at, "selectbox", "Område").set_value("0181R024").run()  # Saltskog
    assert not at.exception
    assert at.query_params["omrade"] in (["0181R024"], "0181R024")
    assert "Utsatt område" in _text(at)
    at = _run("omraden.py", {"niva": "deso", "omrade": "0181C1050"})
    assert not at.exception
    assert _widget(at, "selectbox", "Område").value == "0181C1050"


def test_about_page_documents_every_catalogue_entry(app_env):
    import pandas as pd

    at = _run("om_data.py")
    text = _text(at)
    catalog = pd.read_csv(ROOT / "data" / "catalog.csv")
    missing = [i for i in catalog["id"] if f"`{i}`" not in text]
    assert missing == []
    assert "Polismyndigheten" in at.dataframe[0].value.to_string()


def test_english_toggle(app_env):
    at = _run(None, {"lang": "en"})
    assert at.title[0].value == "Overview"


def test_a_missing_store_gives_a_clear_swedish_message(app_env, monkeypatch, tmp_path):
    monkeypatch.setenv("PAX_STORE", str(tmp_path / "missing.duckdb"))
    at = _run()
    assert not at.exception
    assert "Datalagret är inte byggt ännu" in at.error[0].value


def test_import_panel_is_not_on_the_public_about_page(app_env, monkeypatch):
    monkeypatch.setenv("PAX_DEFAULT_ROLE", "analyst")
    at = _run("om_data.py")
    assert not at.file_uploader


def test_import_panel_is_hidden_from_analysts_when_switched_off(app_env, monkeypatch):
    monkeypatch.setenv("PAX_DEFAULT_ROLE", "analyst")
    monkeypatch.setenv("PAX_IMPORT_IN_APP", "0")
    at = _run("granskning.py")
    assert not at.exception
    assert not at.file_uploader
    assert "PAX_IMPORT_IN_APP=0" in _text(at)


def test_import_panel_imports_an_uploaded_file_and_shows_the_report(
    app_env, live_store, monkeypatch, tmp_path
):
    import shutil

    from pax import store

    live = tmp_path / "live.duckdb"
    shutil.copy(live_store, live)
    monkeypatch.setenv("PAX_STORE", str(live))
    monkeypatch.setenv("PAX_MODE", "live")
    data = tmp_path / "data"
    data.mkdir()
    for name in ("catalog.csv", "sources.csv", "event_categories.csv", "scb"):
        (data / name).symlink_to(ROOT / "data" / name)
    monkeypatch.setenv("PAX_DATA_DIR", str(data))
    monkeypatch.setenv("PAX_IMPORT_IN_APP", "1")
    monkeypatch.setenv("PAX_DEFAULT_ROLE", "analyst")
    at = _run("granskning.py")
    content = (
        "datum;kategori;område;![bild](http://evil.example/x.png)\n"
        "2025-03-05;Bilbrand;Hovsjö;a\n2031-01-01;Bilbrand;Hovsjö;b\n"
        "2025-03-06;<img src=x onerror=alert(1)>;Hovsjö;c\n"
    ).encode()
    at.file_uploader[0].set_value(("logg.csv", content, "text/csv"))
    at.run()
    at.button(key="import_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Lästa rader"] == "3"
    assert metrics["Importerade"] == "1" and metrics["Avvisade"] == "2"
    # The file's own header is quoted in a note, escaped so markdown cannot make it an image.
    notes = [c.value for c in at.caption if "Okända kolumner" in c.value]
    assert notes and "\\!\\[bild\\]" in notes[0]
    rejected = next(d.value for d in at.dataframe if "Rad" in d.value.columns)
    assert list(rejected["Rad"]) == [3, 4]
    # The import is in the audit log beside the store, shown on the same page.
    logged = at.dataframe[-1].value
    assert list(logged["Fil"]) == ["logg.csv"] and list(logged["Rader"]) == [3]
    assert list(logged["Vem"]) == ["anonym"] and list(logged["Roll"]) == ["Analytiker"]
    con = store.connect(live)
    assert (
        con.execute("SELECT count(*) FROM events WHERE source_id = 'import_logg'").fetchall()[0][0]
        == 1
    )
    assert (data / "sources" / "logg.csv").exists()


def test_trust_page_filters_come_from_the_url(app_env):
    at = _run(
        "fortroende.py",
        {
            "forv": "Socialtjänsten,Bostadsbolaget",
            "vy": "multiples",
            "enk": "unsafe_at_night",
            "niva": "deso",
            "omrade": "0181C1050",
        },
    )
    assert not at.exception, [e.value for e in at.exception]
    assert _widget(at, "multiselect", "Förvaltningar och bolag").value == [
        "Socialtjänsten",
        "Bostadsbolaget",
    ]
    assert _widget(at, "selectbox", "Vy").value == "multiples"
    assert _widget(at, "selectbox", "Indikator").value == "unsafe_at_night"
    assert _widget(at, "selectbox", "Områdesnivå").value == "deso"
    assert _widget(at, "selectbox", "Område").value == "0181C1050"
    assert any(
        "Socialtjänsten" in m.value and "flest underrättelser" in m.value for m in at.markdown
    )


def test_trust_page_greys_out_small_survey_samples_with_the_reason(app_env):
    at = _run("fortroende.py", {"niva": "deso"})
    survey = next(d.value for d in at.dataframe if "Varför dold" in d.value.columns)
    hidden = survey[survey["Varför dold"] != ""]
    assert not hidden.empty
    assert hidden["Värde (%)"].isna().all()
    assert hidden["Varför dold"].str.contains("för få svarande").all()
    shown = survey[survey["Varför dold"] == ""]
    assert (shown["Från"] <= shown["Värde (%)"]).all() and (
        shown["Värde (%)"] <= shown["Till"]
    ).all()


def test_trust_page_shows_target_status_for_pax_actions(app_env):
    at = _run("fortroende.py")
    text = _text(at)
    assert "I fas med målet" in text or "Efter målet" in text
    assert "fiktivt demomål" in text
    labels = [m.label for m in at.metric]
    for name in (
        "Beslagtagna pengar",
        "Stoppade olagliga hyreskontrakt",
        "Återkallade tillstånd",
        "Underrättelser till polisen",
    ):
        assert name in labels


def test_social_page_similar_areas_and_over_time(app_env):
    at = _run(
        "social_hallbarhet.py",
        {
            "tema": "school",
            "ind": "merit_value",
            "niva": "regso",
            "jamfor": "0181R012,0181R024",
            "liknar": "0181R012",
            "likhet": "status",
        },
    )
    assert not at.exception, [e.value for e in at.exception]
    assert _widget(at, "multiselect", "Områden").value == ["0181R012", "0181R024"]
    similar = next(d.value for d in at.dataframe if "Roll" in d.value.columns)
    assert similar.iloc[0]["Område"] == "Hovsjö"
    # Same police status as Hovsjö (särskilt utsatt): the Ronna/Geneta RegSO, not Saltskog.
    assert "Saltskog" not in set(similar["Område"])
    assert any("Ronna" in name for name in similar["Område"])
    ranked = next(
        d.value for d in at.dataframe if any("Förändring sedan" in c for c in d.value.columns)
    )
    assert len(ranked) == 31


def test_social_page_real_single_year_indicator_says_so(app_env):
    at = _run("social_hallbarhet.py", {"tema": "work", "ind": "share_low_economic_standard"})
    assert any("Bara ett år (2022)" in c.value for c in at.caption)


def test_overview_lists_changes_since_the_last_meeting(app_env, monkeypatch):
    """An analyst picks any date; the list names changes from published counts."""
    monkeypatch.setenv("PAX_DEFAULT_ROLE", "analyst")
    at = _run(None, {"sedan": "2025-07-01"})
    assert not at.exception
    assert str(at.date_input[0].value) == "2025-07-01"
    sentences = [m.value for m in at.markdown if "samma period i fjol" in m.value]
    assert 1 <= len(sentences) <= 5
    for sentence in sentences:
        assert ("ökade" in sentence or "minskade" in sentence) and "Källa:" in sentence
    assert any("exakt test" in c.value for c in at.caption)


def test_overview_offers_the_public_fixed_choices_only(app_env, monkeypatch):
    """Issue 14: below analyst, 'since' is a meeting from PAX_MEETING_DATES or a fixed span;
    a free date in the link falls back to the default (the latest meeting)."""
    import datetime as dt

    from tests.conftest import DEMO_END

    monkeypatch.setenv("PAX_MEETING_DATES", "2026-05-20, 2026-06-17")
    at = _run(None, {"sedan": "2025-07-01"})
    assert not at.exception
    assert not at.date_input
    box = _widget(at, "selectbox", "Förra mötet")
    assert box.value == "2026-06-17"
    # The 14 days start on the meeting of 17 June: named once, as the meeting.
    assert box.options == [
        "Mötet 17 juni 2026",
        "Mötet 20 maj 2026",
        "Senaste 7 dagarna (från 24 juni 2026)",
        "Senaste 28 dagarna (från 3 juni 2026)",
        "Senaste 91 dagarna (från 1 april 2026)",
    ]
    assert DEMO_END - dt.timedelta(days=90) == dt.date(2026, 4, 1)


def test_overview_default_since_is_the_last_28_days(app_env):
    import datetime as dt

    from tests.conftest import DEMO_END

    at = _run(None)
    box = _widget(at, "selectbox", "Förra mötet")
    assert box.value == (DEMO_END - dt.timedelta(days=27)).isoformat()
