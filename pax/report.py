"""The statutory lägesbild (lag 2023:196 om kommuners ansvar för brottsförebyggande arbete,
4 §; Brå's checklist for *kartläggning och lägesbild*): a dated Swedish draft as an editable
Word document (DOCX) and a PDF of the same content, built from the store's published views.

`build` collects the chapters in the order the issue and the law give them — Sammanfattning,
Kartläggning, Annan relevant information, Analys, Åtgärder och uppföljning, Källor och
begränsningar — as blocks (text, tables, charts, maps, and boxes of Brå's guiding questions
for the analysts to write). Every figure comes from a view of `pax.published` under the
public role's rule (areas, not points; `<k`, `..`, the same perturbed counts as on screen):
the report goes to the council and becomes a public document. Every table, chart and map
has its source line (publisher, period, when fetched; *fiktiva demodata* where it applies).
In the demo the cover and every chapter say *fiktiva demodata*; in a live store a part
whose source is missing says what is missing and what would fill it.

`pictures` draws every chart and map once (headless Chromium, `pax.briefing`), `docx`
writes the Word file (python-docx) and `html`/`pdf` the same content printed to A4.
No Streamlit here: the CLI (`python -m pax report lagesbild`) and Granskning's button
both call `make`.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass, field

import folium
import pandas as pd
import plotly.graph_objects as go

from pax import briefing, config, figures, i18n, maps, model, privacy, published, queries, stats
from pax.sync import sources as synced

ROLE = "public"  # the report is a public document: the public role's rule applies
LANG = "sv"
YEARS = 5  # at least five years of extent and trend (Brå)
CHART_SIZE = (900, 420)
MAP_SIZE = (760, 620)
STATIC_DIR = config.ROOT / "static"

SURVEY = ("unsafe_at_night", "refrain_activities", "trust_police", "willing_to_testify")
RISK = (
    "share_low_economic_standard",
    "employment_rate_16_64",
    "unemployment_rate_16_64",
    "youth_neet_16_24",
    "share_pre_upper_secondary_25_64",
    "share_age_0_19",
    "share_rental_dwellings",
    "overcrowding",
)
SCHOOL = ("eligible_upper_secondary", "merit_value", "school_safety")
ACTION_THEMES = ("police_actions", "municipal_actions", "information")
COMPARISON = ("reported_crimes_per_100k", "reported_crimes_total")

# The document's own words (Swedish: the statutory report is written in Swedish).
CHAPTERS = (
    "Sammanfattning",
    "Kartläggning",
    "Annan relevant information",
    "Analys",
    "Åtgärder och uppföljning",
    "Källor och begränsningar",
)
PUBLIC_RULE = (
    "Rapporten blir en allmän handling. Den visar därför bara det som allmänheten får se i "
    "Pax lägesbild: platser per område (aldrig punkter), antal mellan 1 och {km1} som <{k}, "
    "antal som annars skulle kunna räknas fram som ”..” och samma störda antal som på "
    "skärmen (Pax egna register, högst ±{noise})."
)
DRAFT = (
    "Utkast framtaget ur Pax lägesbild. Avsnitten markerade ”Att skriva” fylls i av "
    "kommunens analytiker innan lägesbilden läggs till grund för åtgärdsplanen."
)
COMPARISON_MISSING = (
    "Saknas: anmälda brott per 100 000 invånare för kommunen och riket (Brå:s "
    "kriminalstatistik). Fylls av Brå:s kommunfil (`python -m pax import bra_ÅÅÅÅ.csv`) "
    "eller av Brå:s siffror som Kolada återpublicerar (sync.toml, `[sources.kolada.map]` "
    "reported_crimes_per_100k = KPI-id, efter kontroll av KPI:ns titel)."
)
COUNTY_MISSING = (
    "Jämförelse med länet och med liknande kommuner: ingen källa i Pax lägesbild ger dem "
    "ännu. Brå:s statistikdatabas och Kolada (jämförelsegrupper) har dem; ange siffrorna "
    "under ”Att skriva” nedan eller importera dem som mått för riket (SE)."
)
ANALYST_MARK = "Att skriva"
ANALYST_PLACEHOLDER = "[Analytikerns text: ersätt den här raden.]"

# Brå's guiding questions, for the sections only people can write.
QUESTIONS = {
    "Kartläggning: kompletterande uppgifter": [
        "Vilka källor utöver Pax har använts (polisens lokala lägesbild, "
        "räddningstjänst, skola, socialtjänst, bostadsbolag, näringsliv, civilsamhälle)?",
        "Vad visar jämförelsen med länet, riket och liknande kommuner?",
        "Vilka brottstyper saknas i underlaget, och varför (mörkertal, ingen källa)?",
    ],
    "Orsaker och drivkrafter": [
        "Vilka orsaker och bakomliggande faktorer kan förklara problemen och deras utveckling?",
        "Vilka risk- och skyddsfaktorer finns på individ-, grupp- och områdesnivå?",
        "Vilka platser och tider återkommer, och vad gör dem attraktiva för brott?",
    ],
    "Utsatta grupper och områden": [
        "Vilka grupper är särskilt utsatta för brott eller otrygghet (barn och unga, "
        "äldre, kvinnor, företagare)?",
        "Vilka områden utmärker sig, och hur ser de boende själva på läget?",
        "Vilka konsekvenser får brottsligheten för enskilda, verksamheter och kommunen?",
    ],
    "Framåtblick": [
        "Vilken samhällsplanering och vilket byggande väntar (nya bostadsområden, "
        "etableringar, evenemang, ombyggnader)?",
        "Hur väntas befolkningen förändras, och vad betyder det för brottsligheten?",
        "Vilka händelser i omvärlden kan påverka läget det kommande året?",
    ],
    "Slutsatser och prioriteringar": [
        "Vilka problem bör åtgärdsplanen prioritera, och varför?",
        "Vilka åtgärder finns redan, och vilka behövs?",
        "Hur ska effekterna följas upp, och när tas nästa lägesbild fram?",
    ],
}


# --- the content --------------------------------------------------------------------------


@dataclass
class Text:
    text: str
    kind: str = ""  # "", "bullet", "demo", "missing", "note", "rule"


@dataclass
class Table:
    title: str
    frame: pd.DataFrame  # every cell already text, as printed
    caption: str
    counts: list[str] = field(default_factory=list)  # columns of protected counts


@dataclass
class Picture:
    title: str
    caption: str
    figure: go.Figure | None = None
    map: folium.Map | None = None
    size: tuple[int, int] = CHART_SIZE
    png: bytes = b""


@dataclass
class Questions:
    title: str
    questions: list[str]


@dataclass
class Chapter:
    title: str
    level: int = 1
    blocks: list = field(default_factory=list)

    def add(self, *blocks) -> Chapter:
        self.blocks += blocks
        return self


@dataclass
class Report:
    kommun: str
    start: dt.date
    end: dt.date
    made: dt.date
    fictional: bool
    chapters: list[Chapter]

    @property
    def title(self) -> str:
        return f"Lägesbild över brottsligheten i {self.kommun}"

    def blocks(self, kind: type) -> list:
        """Every block of a kind (`Table`, `Picture`, …), sub-chapters included, in order."""
        out = []

        def walk(chapter: Chapter) -> None:
            for b in chapter.blocks:
                if isinstance(b, Chapter):
                    walk(b)
                elif isinstance(b, kind):
                    out.append(b)

        for c in self.chapters:
            walk(c)
        return out

    def filename(self, ext: str) -> str:
        slug = briefing.slugify(self.kommun)
        return f"lagesbild-{slug}-{self.made.isoformat()}.{ext}"


# --- reading the store --------------------------------------------------------------------


class _Ctx:
    """The store, the public policy, the period and the sources used so far."""

    def __init__(self, con, start: dt.date, end: dt.date) -> None:
        self.con = con
        self.policy = privacy.Policy.from_config()
        self.events = published.event_policy(con, self.policy)
        self.start, self.end = start, end
        self.year_start = end - dt.timedelta(days=364)  # the last 12 months
        self.sources = queries.sources(con).set_index("id")
        self.catalog = queries.catalog(con).set_index("id")
        self.event_sources = queries.register_sources(con, "events")
        self.fictional = bool(self.sources["fictional"].any())
        self.every = queries.categories(con)
        self.labels = self.every.set_index("id")["label_sv"].to_dict()
        self.kommun_short = model.KOMMUN_NAME
        self.first_event = queries.events_range(con)[0]

    def line(self, ids, period) -> str:
        """`Källa: SCB (…) · 2023 · hämtad …` (and *fiktiva demodata* where it applies)."""
        ids = list(ids)
        text, fictional = i18n.source_text(
            self.sources, ids, period, LANG, fetched=synced.fetched(ids, LANG)
        )
        return text + (f" · {i18n.t('fictional', LANG)}" if fictional else "")

    def name(self, indicator: str) -> str:
        return str(self.catalog.at[indicator, "name_sv"])

    def has(self, indicator: str) -> bool:
        return indicator in self.catalog.index and bool(self.catalog.at[indicator, "has_data"])

    def source_of(self, indicator: str) -> str:
        return str(self.catalog.at[indicator, "source_id"])

    def missing(self, indicators) -> Text | None:
        """What is missing and how to deliver it (the pages' empty state, in words)."""
        names = [self.name(i) for i in indicators if not self.has(i)]
        if not names:
            return None
        text = i18n.t("missing_measures", LANG, names=", ".join(names), examples=_examples())
        return Text(_plain(text), "missing")


def _examples() -> str:
    folder = config.ROOT / "data" / "examples"
    return ", ".join(sorted(p.name for p in folder.glob("*") if p.is_file())) or "–"


def _plain(text: str) -> str:
    """A text of `pax.i18n` without its Markdown emphasis and code marks."""
    return text.replace("**", "").replace("`", "")


def _num(value, decimals: int = 0) -> str:
    return i18n.number(value, decimals, LANG)


def _years(ctx: _Ctx) -> list[tuple[int, dt.date, dt.date]]:
    """(year, first day, last day) of each calendar year in the period; the last ends on
    the data's last day (the year to date)."""
    out = []
    for year in range(ctx.start.year, ctx.end.year + 1):
        first = dt.date(year, 1, 1)
        last = min(dt.date(year, 12, 31), ctx.end)
        out.append((year, first, last))
    return out


def _year_label(year: int, last: dt.date, first: dt.date | None = None) -> str:
    """`2025`, `2026 t.o.m. 30/06`, or `2021 fr.o.m. 02/07` where the data begin later."""
    if first is not None and first > dt.date(year, 1, 1):
        return f"{year} fr.o.m. {first:%d/%m}"
    return str(year) if last == dt.date(year, 12, 31) else f"{year} t.o.m. {last:%d/%m}"


def _population(ctx: _Ctx) -> pd.DataFrame:
    return published.measure_values(ctx.con, ctx.policy, "population", "kommun", None, "")


def _population_for(pop: pd.DataFrame, year: int) -> tuple[float | None, str]:
    """The municipality's population of the year nearest `year` that SCB has (the later
    of two as near): (value, its year)."""
    if pop.empty:
        return None, ""
    years = pop.assign(y=pop["period"].astype(str).str[:4].astype(int))
    years = years.assign(d=(years["y"] - year).abs()).sort_values(
        ["d", "y"], ascending=[True, False]
    )
    row = years.iloc[0]
    return float(row["value"]), str(row["period"])


# --- chapters -----------------------------------------------------------------------------


def _yearly(ctx: _Ctx) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Events per category and calendar year as CompStat's year to date shows them at the
    year's last day (protected with the year's total as margin, the same perturbed counts),
    the total as the tiles show it (`published.events_total`), and per 1 000 inhabitants
    from those published counts."""
    ids = ctx.every["id"].tolist()
    pop = _population(ctx)
    counts, rates, totals = {}, {}, {}
    for year, first, last in _years(ctx):
        column = _year_label(year, last, ctx.first_event)
        rows = published.compstat(ctx.con, ctx.events, last, ids, None)
        ytd = rows[rows["window"] == "ytd"].set_index("category")
        total, total_label = published.events_total(ctx.con, ctx.events, first, last, None)
        people, _ = _population_for(pop, year)
        allowed = people is not None and people >= ctx.policy.min_population_for_rate
        labels, per = [], []
        for cat in ids:
            shown = not bool(ytd.at[cat, "now_suppressed"])
            labels.append(str(ytd.at[cat, "now_label"]))
            value = float(ytd.at[cat, "now"]) if shown else None
            per.append(_num(value / people * 1000, 2) if value is not None and allowed else "–")
        labels.append(str(total_label))
        per.append(_num(total / people * 1000, 2) if total is not None and allowed else "–")
        counts[column], rates[column] = labels, per
        totals[year] = (total, total_label, last)
    index = [ctx.labels.get(c, c) for c in ids] + ["Totalt"]
    frame = pd.DataFrame(counts, index=index).rename_axis("Kategori").reset_index()
    rate = pd.DataFrame(rates, index=index).rename_axis("Kategori").reset_index()
    return frame, rate, totals


def _extent(ctx: _Ctx, out: Chapter, summary: list[str]) -> None:
    sub = Chapter("Omfattning och utveckling", 2)
    out.add(sub)
    if not ctx.event_sources:
        sub.add(Text(_plain(i18n.t("missing_events", LANG)), "missing"))
        return
    span = i18n.date_range(dt.date(ctx.start.year, 1, 1), ctx.end, LANG)
    counts, rates, totals = _yearly(ctx)
    pop = _population(ctx)
    pop_years = sorted({_population_for(pop, y)[1] for y, _, _ in _years(ctx)} - {""})
    sub.add(
        Text(
            "Händelser per kategori och kalenderår (innevarande år till och med datalagrets "
            "sista dag), som Här och nu visar dem för året; därefter per 1 000 invånare."
        ),
        Table(
            "Händelser per kategori och år",
            counts,
            ctx.line(ctx.event_sources, span),
            counts=list(counts.columns[1:]),
        ),
        Table(
            "Händelser per 1 000 invånare",
            rates,
            ctx.line(
                [*ctx.event_sources, "scb_deso"],
                f"{span}; folkmängd (SCB) närmaste år: {', '.join(pop_years) or '–'}",
            ),
        ),
    )
    trend, last12, prior12 = published.monthly_trend(
        ctx.con, ctx.events, dt.date(ctx.start.year, 1, 1), ctx.end, None, None
    )
    fig = figures.monthly_trend(
        trend, "Händelser per månad, alla kategorier", "Händelser", "Rullande 12-månadersmedel"
    )
    sentence = i18n.trend_sentence(last12, prior12, LANG)
    sub.add(
        Picture("Händelser per månad", ctx.line(ctx.event_sources, span), figure=fig),
        Text(sentence),
    )
    summary.append(
        f"{sentence} ({ctx.line(ctx.event_sources, i18n.date_range(ctx.year_start, ctx.end, LANG))})"
    )
    full = [(y, v) for y, v in totals.items() if v[2] == dt.date(y, 12, 31)]
    if len(full) >= 2:
        (y0, (a, la, _)), (y1, (b, lb, _)) = full[-2], full[-1]
        text = f"Händelser {y1}: {lb} (år {y0}: {la})"
        if a and b is not None:
            text += f", {_num((b - a) / a * 100, 0)} % mot året innan"
        summary.append(f"{text}. ({ctx.line(ctx.event_sources, f'{y0}–{y1}')})")


def _comparison(ctx: _Ctx, out: Chapter) -> None:
    sub = Chapter("Jämförelse med länet, riket och liknande kommuner", 2)
    out.add(sub)
    shown = False
    for indicator in COMPARISON:
        if not ctx.has(indicator):
            continue
        values = published.measure_values(
            ctx.con, ctx.policy, indicator, None, [model.KOMMUN_CODE, "SE"], ""
        )
        if values.empty:
            continue
        decimals = 0 if indicator.endswith("total") else 1
        where = {model.KOMMUN_CODE: ctx.kommun_short, "SE": "Riket"}
        label = "value_label" if "value_label" in values else "value"
        values = values.assign(
            area=values["area_code"].map(where),
            shown=[v if label == "value_label" else _num(v, decimals) for v in values[label]],
        )
        table = values.pivot_table(index="area", columns="period", values="shown", aggfunc="first")
        table = table.fillna("–").rename_axis(None, axis=1).rename_axis("Område").reset_index()
        periods = f"{values['period'].min()}–{values['period'].max()}"
        sub.add(Table(ctx.name(indicator), table, ctx.line([ctx.source_of(indicator)], periods)))
        shown = True
    if not shown:
        sub.add(Text(COMPARISON_MISSING, "missing"))
    sub.add(Text(COUNTY_MISSING, "missing"))


def _places(ctx: _Ctx, out: Chapter, analysis: list[str]) -> pd.DataFrame | None:
    sub = Chapter("Platser och tider", 2)
    out.add(sub)
    if not ctx.event_sources:
        sub.add(Text(_plain(i18n.t("missing_events", LANG)), "missing"))
        return None
    period = i18n.date_range(ctx.year_start, ctx.end, LANG)
    grid = published.weekday_hour(ctx.con, ctx.events, ctx.year_start, ctx.end, None, None)
    if not queries.events_in_areas(ctx.con):
        publishers = ", ".join(
            dict.fromkeys(str(ctx.sources.at[s, "publisher"]) for s in ctx.event_sources)
        )
        sub.add(Text(_plain(i18n.t("events_only_municipal", LANG, sources=publishers)), "missing"))
        areas = None
    else:
        areas = published.area_counts(ctx.con, ctx.events, ctx.year_start, ctx.end, "regso", None)
        hot = published.hot_areas(ctx.con, ctx.year_start, ctx.end, "regso", None)
        areas = areas.merge(hot[["code", "cls"]], on="code", how="left")
        police = queries.police_status(ctx.con)
        m = maps.base_map(height=MAP_SIZE[1], font_px=14, lang=LANG)
        areas["label"] = [f"{n}: {lbl}" for n, lbl in zip(areas["name"], areas["count_label"])]
        maps.add_areas(
            m,
            areas,
            "Områden",
            "count",
            legend_title="Händelser, senaste 12 mån.",
            fmt=lambda v: _num(v, 0),
            lang=LANG,
        )
        maps.add_police_areas(m, police, "Polisens utsatta områden", LANG)
        maps.finish(m, bounds=maps.bounds_of(areas["geometry"]))
        top = areas.sort_values("count", ascending=False, na_position="last").head(10)
        table = pd.DataFrame(
            {
                "Område (RegSO)": top["name"],
                "Händelser": top["count_label"],
                "Per 1 000 inv.": [_num(v, 2) for v in top["rate_per_1000"]],
                "Gi*-klass": [
                    maps.HOTSPOT_LABELS.get(int(c), "–") if pd.notna(c) else "–" for c in top["cls"]
                ],
            }
        )
        caption = ctx.line([*ctx.event_sources, "scb_deso", "scb_geo", "polisen_uso"], period)
        sub.add(
            Text(
                "Händelser per område (RegSO) de senaste 12 månaderna, med Polisens utsatta "
                "områden inritade. Kartan visar områden, aldrig enskilda platser."
            ),
            Picture("Händelser per område", caption, map=m, size=MAP_SIZE),
            Table("De tio områden med flest händelser", table, caption, counts=["Händelser"]),
            Text(
                "Gi*-klassen (Getis-Ord) anger om området och dess grannar tillsammans har "
                "fler händelser än slumpen ger (hotspot, 90–99 %)."
            ),
        )
        for row in areas[areas["cls"] >= 2].itertuples(index=False):
            analysis.append(
                f"{row.name} är en statistiskt säkerställd koncentration av händelser "
                f"({maps.HOTSPOT_LABELS[int(row.cls)]}, Gi*) de senaste 12 månaderna. ({caption})"
            )
        rated = areas.dropna(subset=["rate_per_1000"]).sort_values("rate_per_1000")
        for row in rated.tail(3).iloc[::-1].itertuples(index=False):
            analysis.append(
                f"{row.name} har {_num(row.rate_per_1000, 2)} händelser per 1 000 invånare "
                f"de senaste 12 månaderna ({row.count_label} händelser). ({caption})"
            )
    days = i18n.WEEKDAYS[LANG]
    if not grid.empty:
        sub.add(
            Picture(
                "Händelser per veckodag och tid",
                ctx.line(ctx.event_sources, period),
                figure=figures.weekday_hour_grid(
                    grid, days, 3, f"Händelser per veckodag och tretimmarsblock, {period}"
                ),
                size=(900, 380),
            ),
            Text(i18n.pattern_sentence(grid, days, LANG)),
        )
    return areas


def _police_areas(ctx: _Ctx, out: Chapter, areas: pd.DataFrame | None) -> None:
    sub = Chapter("Polisens utsatta områden och deras utveckling", 2)
    out.add(sub)
    police = queries.police_status(ctx.con)
    if police.empty:
        sub.add(Text("Saknas: Polisens lista över utsatta områden (geo/).", "missing"))
        return
    listed = police.sort_values("level", key=lambda s: s != "regso").drop_duplicates("police_area")
    before = None
    if areas is not None:
        prev_end = ctx.year_start - dt.timedelta(days=1)
        before = published.area_counts(
            ctx.con, ctx.events, prev_end - dt.timedelta(days=364), prev_end, "regso", None
        ).set_index("code")
        now = areas.set_index("code")
    rows = []
    for r in listed.itertuples(index=False):
        row = {
            "Område": r.police_area,
            "Status": r.status,
            "Sedan": i18n.date(pd.Timestamp(r.since).date(), LANG) if pd.notna(r.since) else "–",
            "Listans år": str(r.year),
        }
        if areas is not None:
            hit = r.level == "regso" and r.area_code in now.index
            row["Händelser, 12 mån. innan"] = (
                str(before.at[r.area_code, "count_label"]) if hit else "–"
            )
            row["Händelser, senaste 12 mån."] = (
                str(now.at[r.area_code, "count_label"]) if hit else "–"
            )
            row["Per 1 000 inv."] = _num(now.at[r.area_code, "rate_per_1000"], 2) if hit else "–"
        rows.append(row)
    prev = i18n.date_range(ctx.year_start - dt.timedelta(days=365), ctx.end, LANG)
    ids = ["polisen_uso", *(ctx.event_sources if areas is not None else [])]
    sub.add(
        Text(
            "Polisens lista över utsatta områden, med händelserna i området (RegSO) de "
            "senaste 12 månaderna och de 12 månaderna innan. Listan ändras över tid: "
            "statusen gäller listans år."
        ),
        Table(
            "Utsatta områden",
            pd.DataFrame(rows),
            ctx.line(ids, prev),
            counts=["Händelser, 12 mån. innan", "Händelser, senaste 12 mån."],
        ),
    )


def _consequences(ctx: _Ctx, out: Chapter, summary: list[str]) -> None:
    sub = Chapter("Konsekvenser: trygghet, förtroende och otillbörlig påverkan", 2)
    out.add(sub)
    frames, rows = [], []
    for indicator in SURVEY:
        if not ctx.has(indicator):
            continue
        values = published.survey(ctx.con, ctx.policy, indicator, "kommun", None, LANG)
        if values.empty:
            continue
        frames.append(values.assign(series=ctx.name(indicator)))
        rows.append(
            {"Fråga": ctx.name(indicator)}
            | {
                str(p): (f"{_num(v, 0)} %" if pd.notna(v) else (why or "–"))
                for p, v, why in zip(values["period"], values["value"], values["hidden_reason"])
            }
        )
    missing = ctx.missing([*SURVEY, "improper_influence"])
    if missing:
        sub.add(missing)
    if rows:
        data = pd.concat(frames, ignore_index=True)
        span = f"{data['period'].min()}–{data['period'].max()}"
        ids = sorted({ctx.source_of(i) for i in SURVEY if ctx.has(i)})
        table = pd.DataFrame(rows).fillna("–")
        sub.add(
            Table("Trygghets- och förtroendeenkäten, hela kommunen", table, ctx.line(ids, span)),
            Picture(
                "Enkätens andelar över tid",
                ctx.line(ids, span),
                figure=figures.lines_with_band(
                    data,
                    "period",
                    "value",
                    "low",
                    "high",
                    "series",
                    "Andel (%) med 95 % konfidensintervall",
                ),
            ),
        )
        first = frames[0]
        if len(first) > 1:
            a, b = first.iloc[-2], first.iloc[-1]
            summary.append(
                f"{ctx.name(SURVEY[0])}: {_num(b['value'], 0)} % {b['period']} "
                f"({_num(a['value'], 0)} % {a['period']}). ({ctx.line(ids, span)})"
            )
    if ctx.has("improper_influence"):
        cells = {}
        for year, first, last in _years(ctx):
            value, label = published.measure_total(
                ctx.con, ctx.policy, "improper_influence", first, last
            )
            cells[_year_label(year, last)] = [label or _num(value, 0)]
        table = pd.DataFrame(cells, index=[ctx.name("improper_influence")])
        table = table.rename_axis("Mått").reset_index()
        span = i18n.date_range(dt.date(ctx.start.year, 1, 1), ctx.end, LANG)
        sub.add(
            Table(
                "Anmäld otillbörlig påverkan mot anställda, per år",
                table,
                ctx.line([ctx.source_of("improper_influence")], span),
                counts=list(table.columns[1:]),
            )
        )


def _risk(ctx: _Ctx, out: Chapter) -> None:
    sub = Chapter("Risk- och skyddsfaktorer per område", 2)
    out.add(sub)
    present = [i for i in RISK if ctx.has(i)]
    missing = ctx.missing(RISK)
    if missing:
        sub.add(missing)
    if present:
        regso = queries.areas(ctx.con, "regso")[["code", "name"]]
        table = pd.concat(
            [regso, pd.DataFrame({"code": [model.KOMMUN_CODE], "name": [ctx.kommun_short]})],
            ignore_index=True,
        )
        periods, ids = [], []
        for indicator in present:
            values = published.latest(
                published.measure_values(ctx.con, ctx.policy, indicator, None, None, "")
            )
            if values.empty:
                continue
            year = str(values["period"].max())
            periods.append(year)
            ids.append(ctx.source_of(indicator))
            unit = i18n.unit(str(ctx.catalog.at[indicator, "unit"]), LANG)
            by_code = values.set_index("area_code")["value"]
            table[f"{ctx.name(indicator)} ({unit}, {year})"] = [
                _num(by_code.get(c), 1) for c in table["code"]
            ]
        table = table.drop(columns="code").rename(columns={"name": "Område (RegSO)"})
        span = f"{min(periods)}–{max(periods)}" if periods else ""
        sub.add(
            Text(
                "Ekonomisk standard, sysselsättning, utbildning, unga och boende per område, "
                "senaste år, och för hela kommunen (sista raden)."
            ),
            Table("Risk- och skyddsfaktorer per område", table, ctx.line(ids, span)),
        )
    if ctx.has("share_low_economic_standard"):
        low = published.latest(
            published.measure_values(
                ctx.con, ctx.policy, "share_low_economic_standard", "deso", None, ""
            )
        )
        shapes = queries.areas(ctx.con, "deso")[["code", "name", "geometry"]]
        data = shapes.merge(
            low[["area_code", "value"]], left_on="code", right_on="area_code", how="left"
        )
        data["label"] = [f"{n}: {_num(v, 0)} %" for n, v in zip(data["name"], data["value"])]
        year = str(low["period"].max())
        m = maps.base_map(height=MAP_SIZE[1], font_px=14, lang=LANG)
        maps.add_areas(
            m,
            data,
            "DeSO",
            "value",
            legend_title=f"Låg ekonomisk standard (%), {year}",
            fmt=lambda v: _num(v, 0),
            lang=LANG,
        )
        maps.finish(m, bounds=maps.bounds_of(data["geometry"]))
        sub.add(
            Picture(
                "Låg ekonomisk standard per DeSO",
                ctx.line([ctx.source_of("share_low_economic_standard"), "scb_geo"], year),
                map=m,
                size=MAP_SIZE,
            )
        )
    school = [i for i in SCHOOL if ctx.has(i)]
    rows, ids, periods = [], [], []
    for indicator in school:
        values = published.measure_values(ctx.con, ctx.policy, indicator, "kommun", None, "")
        if values.empty:
            continue
        ids.append(ctx.source_of(indicator))
        periods += values["period"].astype(str).tolist()
        rows.append(
            {"Mått": ctx.name(indicator)}
            | {str(p): _num(v, 1) for p, v in zip(values["period"], values["value"])}
        )
    missing = ctx.missing(SCHOOL)
    if missing:
        sub.add(missing)
    if rows:
        table = pd.DataFrame(rows).fillna("–")
        table = table[["Mått", *sorted(c for c in table.columns if c != "Mått")]]
        sub.add(
            Table(
                "Skolresultat, hela kommunen",
                table,
                ctx.line(ids, f"{min(periods)}–{max(periods)}"),
            )
        )


def _forward(ctx: _Ctx, out: Chapter) -> None:
    sub = Chapter("Framåtblick: befolkning", 2)
    out.add(sub)
    pop = _population(ctx)
    if pop.empty:
        sub.add(ctx.missing(["population"]) or Text("Saknas: folkmängd (SCB).", "missing"))
    else:
        table = pd.DataFrame(
            {"År": pop["period"].astype(str), "Folkmängd": [_num(v, 0) for v in pop["value"]]}
        )
        span = f"{pop['period'].min()}–{pop['period'].max()}"
        sub.add(Table("Folkmängd i kommunen", table, ctx.line([ctx.source_of("population")], span)))
    if ctx.has("population_change_since_2010_pct"):
        change = published.latest(
            published.measure_values(
                ctx.con, ctx.policy, "population_change_since_2010_pct", "regso", None, ""
            )
        )
        if not change.empty:
            year = str(change["period"].max())
            ordered = change.sort_values("value", ascending=False)
            shown = pd.concat([ordered.head(8), ordered.tail(3)]).drop_duplicates("area_code")
            sub.add(
                Text(
                    "Områdena med störst befolkningsförändring sedan 2010 (överst) och de tre "
                    "med minst (underst)."
                ),
                Table(
                    f"Befolkningsförändring sedan 2010 per område (%), {year}",
                    pd.DataFrame(
                        {
                            "Område (RegSO)": shown["area_name"],
                            "Förändring sedan 2010": [f"{_num(v, 1)} %" for v in shown["value"]],
                        }
                    ),
                    ctx.line([ctx.source_of("population_change_since_2010_pct")], f"2010–{year}"),
                ),
            )
    sub.add(Questions("Framåtblick", QUESTIONS["Framåtblick"]))


def _observations(ctx: _Ctx, out: Chapter, found: list[str]) -> None:
    sub = Chapter("Genererade iakttagelser", 2)
    out.add(sub)
    sub.add(
        Text(
            "Iakttagelserna nedan är framräknade ur de publicerade siffrorna: förändringar "
            "som är större än normal variation (exakt test för två Poissonantal, p < 0,05) och "
            "områden som utmärker sig. De är underlag för analysen, inte slutsatser."
        )
    )
    lines = []
    if ctx.event_sources:
        ids = ctx.every["id"].tolist()
        rows = published.compstat(ctx.con, ctx.events, ctx.end, ids, None)
        names = {"28d": "de senaste 28 dagarna", "ytd": "hittills i år"}
        for r in rows[
            rows["window"].isin(names) & rows["verdict"].isin(["increase", "decrease"])
        ].itertuples(index=False):
            lines.append(
                f"{ctx.labels.get(r.category, r.category)}, {names[r.window]}: {r.now_label} mot "
                f"{r.before_label} samma period året innan – {stats.verdict_text(r.verdict, LANG).lower()} "
                f"(p = {_num(r.p, 3)}). ({ctx.line(ctx.event_sources, i18n.date(ctx.end, LANG))})"
            )
    since = ctx.end - dt.timedelta(days=90)  # a fixed span the public may choose (91 days)
    for change in published.since_last_meeting(ctx.con, ctx.policy, since, ctx.end, LANG):
        lines.append(change.sentence)
    lines += found
    if not lines:
        lines.append("Inga förändringar utöver normal variation och inga utmärkande områden.")
    sub.add(*(Text(x, "bullet") for x in lines))


def _actions(ctx: _Ctx, out: Chapter) -> None:
    sub = Chapter("Pax-åtgärder mot mål", 2)
    out.add(sub)
    chosen = ctx.catalog[ctx.catalog["theme"].isin(ACTION_THEMES)]
    missing = ctx.missing(chosen.index)
    if missing:
        sub.add(missing)
    start = dt.date(ctx.end.year, 1, 1)
    before = (stats.year_earlier(start), stats.year_earlier(ctx.end))
    rows, ids = [], []
    for indicator, row in chosen.iterrows():
        if not row["has_data"]:
            continue
        statistic = "sum" if row["kind"] == "count" else "median"
        now, now_label = published.measure_total(
            ctx.con, ctx.policy, indicator, start, ctx.end, statistic
        )
        then, then_label = published.measure_total(
            ctx.con, ctx.policy, indicator, *before, statistic
        )
        unit = i18n.unit(str(row["unit"]), LANG)
        target = row.get("target")
        rows.append(
            {
                "Åtgärd": str(row["name_sv"]),
                "Hittills i år": f"{now_label or _num(now, 0)} {unit}".strip(),
                "Samma period i fjol": f"{then_label or _num(then, 0)} {unit}".strip(),
                "Mål per år": f"{_num(target, 0)} {unit}".strip()
                if pd.notna(target) and str(target) != ""
                else "–",
                "Statistik": "summa" if statistic == "sum" else "median per månad",
            }
        )
        ids.append(str(row["source_id"]))
    if rows:
        sub.add(
            Table(
                "Pax-åtgärder och informationsdelning: hittills i år mot samma period i fjol och mål",
                pd.DataFrame(rows),
                ctx.line(sorted(set(ids)), i18n.date_range(start, ctx.end, LANG)),
            )
        )
    presence_sub = Chapter("Förebyggande närvaro", 2)
    out.add(presence_sub)
    intervention_sources = queries.register_sources(ctx.con, "interventions")
    if not intervention_sources:
        presence_sub.add(Text(_plain(i18n.t("missing_interventions", LANG)), "missing"))
        return
    presence = published.presence(ctx.con, ctx.year_start, ctx.end)
    labels = {k: v[0] for k, v in model.INTERVENTION_TYPES.items()}
    grouped = (
        presence.assign(kind=presence["type"].map(labels).fillna(presence["type"]))
        .groupby("kind")
        .agg(n=("type", "size"), areas=("area_name", lambda s: ", ".join(sorted(set(s.dropna())))))
        .reset_index()
    )
    table = pd.DataFrame(
        {
            "Insats": grouped["kind"],
            "Antal insatser": [_num(v, 0) for v in grouped["n"]],
            "Områden": [a or "–" for a in grouped["areas"]],
        }
    )
    presence_sub.add(
        Table(
            "Förebyggande närvaro de senaste 12 månaderna",
            table,
            ctx.line(intervention_sources, i18n.date_range(ctx.year_start, ctx.end, LANG)),
        )
    )


def _sources_chapter(ctx: _Ctx, out: Chapter) -> None:
    rows = []
    for sid, s in ctx.sources.iterrows():
        fetched = synced.fetched([sid], LANG)
        updated = s.get("updated")
        rows.append(
            {
                "Källa": str(s["title"]),
                "Utgivare": str(s["publisher"]),
                "Period": str(s["period"]) if pd.notna(s["period"]) and str(s["period"]) else "–",
                "Uppdaterad/hämtad": fetched
                or (str(updated) if pd.notna(updated) and str(updated) else "–"),
                "Verklig eller fiktiv": "fiktiva demodata" if bool(s["fictional"]) else "verklig",
                "Licens": str(s["licence"]),
            }
        )
    out.add(
        Text("Alla källor i datalagret som rapporten bygger på:"),
        Table("Källor", pd.DataFrame(rows), f"Datalagret {i18n.date(ctx.end, LANG)}"),
    )
    missing = [ctx.name(i) for i in ctx.catalog.index if not ctx.has(i)]
    if missing:
        out.add(
            Text(
                "Källor som saknas i datalagret (inte levererade): " + ", ".join(missing) + ".",
                "missing",
            )
        )
    p = ctx.policy
    rules = i18n.disclosure_rules(
        p.k, p.noise, _num(p.min_population_for_rate, 0), p.min_survey_sample, LANG
    )
    out.add(
        Chapter("Röjandeskydd", 2).add(
            Text(PUBLIC_RULE.format(k=p.k, km1=p.k - 1, noise=p.noise), "rule"),
            *(
                Text(_plain(line.lstrip("- ")), "bullet")
                for line in rules.split("\n")
                if line.strip()
            ),
        ),
        Chapter("Begränsningar", 2).add(
            Text(
                "Polisens händelsenotiser är en liten del av all brottslighet; ingen andel per "
                "invånare räknas på dem.",
                "bullet",
            ),
            Text(
                "Händelser i Pax egna register är registrerade händelser, inte all brottslighet "
                "(mörkertal); en förändring kan bero på ändrad registrering.",
                "bullet",
            ),
            Text(
                "Störda antal behöver inte summera till totalen bredvid; summor och andelar "
                "är räknade på de publicerade siffrorna.",
                "bullet",
            ),
            Text(
                "Iakttagelserna i Analys är statistiska signaler; orsaker och slutsatser "
                "kräver analytikernas bedömning.",
                "bullet",
            ),
        ),
    )


# --- building -----------------------------------------------------------------------------


def period(con, start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    """The report's period: to the data's last day (or `end`), from the first day of the
    year `start` falls in (default five whole years before the last year). Calendar years
    are fixed windows, the same for every report."""
    end = end or published.as_of(published.store_info(con))
    first = start or dt.date(end.year - YEARS, 1, 1)
    if first > end:
        raise ValueError(f"--from ({first}) ligger efter --to ({end}).")
    return dt.date(first.year, 1, 1), end


def build(con, start: dt.date | None = None, end: dt.date | None = None) -> Report:
    """The report's chapters from the store's published views (public role)."""
    start, end = period(con, start, end)
    ctx = _Ctx(con, start, end)
    kommun = i18n.kommun_name(LANG)
    summary, found = [], []
    chapters = [Chapter(title) for title in CHAPTERS]
    s, kartlaggning, other, analysis, actions, sources = chapters
    kartlaggning.add(
        Text(
            "Kartläggning av brottsligheten i kommunen, dess omfattning och konsekvenser "
            "(lag 2023:196, 4 § 1)."
        )
    )
    _extent(ctx, kartlaggning, summary)
    _comparison(ctx, kartlaggning)
    areas = _places(ctx, kartlaggning, found)
    _police_areas(ctx, kartlaggning, areas)
    _consequences(ctx, kartlaggning, summary)
    kartlaggning.add(
        Questions(
            "Kartläggning: kompletterande uppgifter",
            QUESTIONS["Kartläggning: kompletterande uppgifter"],
        )
    )
    other.add(Text("Annan information av betydelse för lägesbilden (4 § 2)."))
    _risk(ctx, other)
    _forward(ctx, other)
    analysis.add(Text("Analys av kartläggningen (4 § 3)."))
    _observations(ctx, analysis, found)
    for title in (
        "Orsaker och drivkrafter",
        "Utsatta grupper och områden",
        "Slutsatser och prioriteringar",
    ):
        analysis.add(Chapter(title, 2).add(Questions(title, QUESTIONS[title])))
    _actions(ctx, actions)
    _sources_chapter(ctx, sources)
    listed = queries.police_status(con)["police_area"].nunique()
    s.add(
        Text(
            f"Lägesbild för {kommun}, {i18n.date_range(start, end, LANG)}. Nyckeltal och "
            "förändringar, framräknade ur Pax lägesbild:"
        ),
        *(Text(x, "bullet") for x in summary),
        Text(
            f"Polisens lista över utsatta områden omfattar {listed} områden i kommunen. "
            f"({ctx.line(['polisen_uso'], queries.police_status(con)['year'].max() if listed else '–')})",
            "bullet",
        ),
        Text(
            f"Analysen lyfter {len(analysis.blocks[1].blocks) - 1} iakttagelser ur siffrorna "
            "(kapitlet Analys)."
        ),
        Questions(
            "Sammanfattande bedömning", ["Vilka är de viktigaste slutsatserna för åtgärdsplanen?"]
        ),
    )
    if ctx.fictional:
        label = Text(_plain(i18n.t("fictional_banner", LANG)), "demo")
        for chapter in chapters:
            chapter.blocks.insert(0, label)
    return Report(kommun, start, end, dt.date.today(), ctx.fictional, chapters)


def pictures(report: Report, chromium: str | None = None) -> None:
    """Draw every chart and map of the report once (headless Chromium), into `png`."""
    shown = report.blocks(Picture)
    charts = [p for p in shown if p.figure is not None]
    drawn = briefing.chart_pictures([p.figure for p in charts], [p.size for p in charts], chromium)
    for p, png in zip(charts, drawn, strict=True):
        p.png = png
    on_maps = [p for p in shown if p.map is not None]
    drawn = briefing.map_pictures([p.map for p in on_maps], STATIC_DIR, chromium, size=MAP_SIZE)
    for p, png in zip(on_maps, drawn, strict=True):
        p.png = png


# --- writing --------------------------------------------------------------------------------


def _cover(report: Report) -> list[tuple[str, str]]:
    """(kind, text) lines of the cover page."""
    p = privacy.Policy.from_config()
    lines = [
        (
            "subtitle",
            "Kartläggning och lägesbild enligt lag (2023:196) om kommuners ansvar för brottsförebyggande arbete, 4 §",
        ),
        ("", f"Period: {i18n.date_range(report.start, report.end, LANG)}"),
        ("", f"Utkast daterat {i18n.date(report.made, LANG)}"),
        ("", DRAFT),
        ("rule", PUBLIC_RULE.format(k=p.k, km1=p.k - 1, noise=p.noise)),
    ]
    if report.fictional:
        lines.insert(0, ("demo", "FIKTIVA DEMODATA – " + _plain(i18n.t("fictional_banner", LANG))))
    return lines


def docx(report: Report) -> bytes:
    """The report as an editable Word document."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    doc.core_properties.title = report.title
    doc.core_properties.language = "sv-SE"
    doc.core_properties.author = "Pax lägesbild"
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Calibri", Pt(11)
    width = Cm(17)

    def shade(cell, color: str) -> None:
        props = cell._tc.get_or_add_tcPr()
        fill = OxmlElement("w:shd")
        fill.set(qn("w:val"), "clear")
        fill.set(qn("w:color"), "auto")
        fill.set(qn("w:fill"), color)
        props.append(fill)

    def small(text: str, container=doc) -> None:
        para = container.add_paragraph()
        run = para.add_run(text)
        run.font.size, run.font.color.rgb = Pt(8.5), RGBColor(0x55, 0x55, 0x55)

    def text(block: Text, container=doc) -> None:
        if block.kind == "bullet":
            container.add_paragraph(block.text, style="List Bullet")
            return
        para = container.add_paragraph()
        run = para.add_run(block.text)
        if block.kind == "demo":
            run.bold, run.font.color.rgb = True, RGBColor(0x8A, 0x3C, 0x00)
        elif block.kind == "missing":
            run.italic, run.font.color.rgb = True, RGBColor(0x8A, 0x3C, 0x00)
        elif block.kind == "rule":
            run.italic = True

    def table(block: Table) -> None:
        doc.add_paragraph().add_run(block.title).bold = True
        frame = block.frame
        grid = doc.add_table(rows=1, cols=len(frame.columns), style="Table Grid")
        grid.alignment = WD_TABLE_ALIGNMENT.LEFT
        for cell, name in zip(grid.rows[0].cells, frame.columns):
            cell.text = ""
            cell.paragraphs[0].add_run(str(name)).bold = True
            shade(cell, "EEF2F7")
        for values in frame.itertuples(index=False):
            cells = grid.add_row().cells
            for i, (cell, value) in enumerate(zip(cells, values)):
                cell.text = str(value)
                if i > 0 and briefing.numeric_text(str(value)):
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        size = Pt(9) if len(frame.columns) > 5 else Pt(10)
        for row in grid.rows:
            for cell in row.cells:
                for para in cell.paragraphs:
                    for run in para.runs:
                        run.font.size = size
        small(block.caption)

    def picture(block: Picture) -> None:
        doc.add_paragraph().add_run(block.title).bold = True
        if block.png:
            ratio = block.size[0] / block.size[1]
            doc.add_picture(io.BytesIO(block.png), width=width if ratio > 1.3 else Cm(14))
        else:
            text(Text("(Bilden kunde inte ritas: Chromium saknas på servern.)", "missing"))
        small(block.caption)

    def questions(block: Questions) -> None:
        box = doc.add_table(rows=1, cols=1, style="Table Grid")
        cell = box.rows[0].cells[0]
        shade(cell, "FFF8E1")
        head = cell.paragraphs[0]
        head.add_run(f"{ANALYST_MARK}: {block.title}").bold = True
        cell.add_paragraph("Brå:s vägledande frågor:").runs[0].italic = True
        for q in block.questions:
            cell.add_paragraph(q, style="List Bullet")
        cell.add_paragraph(ANALYST_PLACEHOLDER)
        doc.add_paragraph()

    def chapter(c: Chapter) -> None:
        doc.add_heading(c.title, level=c.level)
        for b in c.blocks:
            if isinstance(b, Chapter):
                chapter(b)
            elif isinstance(b, Text):
                text(b)
            elif isinstance(b, Table):
                table(b)
            elif isinstance(b, Picture):
                picture(b)
            elif isinstance(b, Questions):
                questions(b)

    doc.add_paragraph(report.title, style="Title")
    for kind, line in _cover(report):
        text(Text(line, kind))
    doc.add_page_break()
    for i, c in enumerate(report.chapters):
        if i:
            doc.add_page_break()
        chapter(c)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


KEEP_ROWS = 16  # a table this short is kept on one page with its title and source
CSS = """
@page { size: A4 portrait; margin: 18mm 16mm; }
* { box-sizing: border-box; }
body { font-family: "Source Sans 3", "Source Sans Pro", Arial, Helvetica, sans-serif;
  color: #1b1b1b; font-size: 10.5pt; line-height: 1.4; margin: 0; }
h1 { font-size: 20pt; color: #1f4e79; margin: 0 0 8pt; break-after: avoid; }
h2 { font-size: 14pt; color: #1f4e79; margin: 14pt 0 6pt; break-after: avoid; }
h3 { font-size: 11.5pt; margin: 10pt 0 4pt; break-after: avoid; }
.cover { break-after: page; padding-top: 60mm; }
.cover h1 { font-size: 26pt; }
.cover .subtitle { font-size: 13pt; color: #333; }
.chapter { break-before: page; }
.demo { background: #fff3e0; color: #8a3c00; border: 1px solid #ef6c00; border-radius: 4px;
  padding: 4pt 8pt; font-weight: 600; }
.missing { color: #8a3c00; font-style: italic; border-left: 4px solid #ef6c00;
  padding-left: 8pt; }
.rule { font-style: italic; }
table { border-collapse: collapse; width: 100%; margin: 2pt 0 2pt; font-size: 9pt;
  table-layout: fixed; }
th, td { border: 1px solid #c9d3de; padding: 2pt 5pt; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; hyphens: auto; }
th { background: #eef2f7; }
td.num { text-align: right; white-space: nowrap; }
tr { break-inside: avoid; }
.caption { font-size: 8pt; color: #555; margin: 2pt 0 10pt; }
figure { margin: 0 0 4pt; break-inside: avoid; }
figure img { max-width: 100%; display: block; }
figure img.map { max-width: 62%; }
.keep { break-inside: avoid; }
.write { background: #fff8e1; border: 1px solid #d9b44a; padding: 6pt 10pt; margin: 8pt 0;
  break-inside: avoid; }
.write p.ask { font-style: italic; margin: 2pt 0; }
.block-title { font-weight: 700; margin: 8pt 0 2pt; break-after: avoid; }
ul { margin: 2pt 0 6pt; padding-left: 16pt; }
"""


def html_document(report: Report) -> str:
    """The report as one HTML document (pictures inlined), for printing to PDF."""
    e = briefing._e
    out = [
        "<!DOCTYPE html>",
        '<html lang="sv"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{briefing.CSP}">',
        f"<title>{e(report.title)}</title><style>{CSS}</style></head><body>",
        f'<section class="cover"><h1>{e(report.title)}</h1>',
    ]
    for kind, line in _cover(report):
        out.append(f'<p class="{kind}">{e(line)}</p>')
    out.append("</section>")

    def blocks(items: list) -> None:
        bullets: list[str] = []
        for b in [*items, None]:
            if isinstance(b, Text) and b.kind == "bullet":
                bullets.append(f"<li>{e(b.text)}</li>")
                continue
            if bullets:
                out.append("<ul>" + "".join(bullets) + "</ul>")
                bullets = []
            if b is None:
                break
            if isinstance(b, Chapter):
                out.append(f"<h{b.level + 1}>{e(b.title)}</h{b.level + 1}>")
                blocks(b.blocks)
            elif isinstance(b, Text):
                out.append(f'<p class="{b.kind}">{e(b.text)}</p>')
            elif isinstance(b, Table):
                keep = " keep" if len(b.frame) <= KEEP_ROWS else ""
                out.append(f'<div class="table{keep}"><p class="block-title">{e(b.title)}</p>')
                out.append(briefing._table("", b.frame, LANG))
                out.append(f'<p class="caption">{e(b.caption)}</p></div>')
            elif isinstance(b, Picture):
                kind = "map" if b.map is not None else "chart"
                img = (
                    f'<img class="{kind}" alt="{e(b.title)}" src="data:image/png;base64,'
                    f'{base64.b64encode(b.png).decode("ascii")}">'
                    if b.png
                    else '<p class="missing">(Bilden kunde inte ritas.)</p>'
                )
                out.append(
                    f'<figure><p class="block-title">{e(b.title)}</p>{img}'
                    f'<figcaption class="caption">{e(b.caption)}</figcaption></figure>'
                )
            elif isinstance(b, Questions):
                asks = "".join(f"<li>{e(q)}</li>" for q in b.questions)
                out.append(
                    f'<div class="write"><p><b>{e(ANALYST_MARK)}: {e(b.title)}</b></p>'
                    f'<p class="ask">Brå:s vägledande frågor:</p><ul>{asks}</ul>'
                    f"<p>{e(ANALYST_PLACEHOLDER)}</p></div>"
                )

    for c in report.chapters:
        out.append(f'<section class="chapter"><h1>{e(c.title)}</h1>')
        blocks(c.blocks)
        out.append("</section>")
    out.append("</body></html>")
    doc = "\n".join(out)
    outside = briefing.outside_references(doc)
    if outside:
        raise ValueError(f"Rapporten skulle hämta något utifrån: {outside[:3]}")
    return doc


def pdf(report: Report, chromium: str | None = None) -> bytes:
    """The report printed to PDF (A4 portrait) by headless Chromium."""
    return briefing.to_pdf(html_document(report), chromium)


def make(
    con,
    start: dt.date | None = None,
    end: dt.date | None = None,
    chromium: str | None = None,
    progress=lambda step, of, text: None,
) -> tuple[Report, bytes, bytes | None, str | None]:
    """Build the report, draw its pictures, write the DOCX and the PDF: (report, docx,
    pdf or None, a Swedish sentence why not). Without Chromium the DOCX has no pictures
    (each says so) and there is no PDF."""
    progress(1, 4, "Hämtar siffrorna ur datalagret …")
    report = build(con, start, end)
    warning = None
    progress(2, 4, "Ritar diagram och kartor …")
    try:
        pictures(report, chromium)
    except RuntimeError as exc:
        warning = str(exc)
    progress(3, 4, "Skriver Word-dokumentet …")
    word = docx(report)
    document = None
    if warning is None:
        progress(4, 4, "Skriver PDF …")
        try:
            document = pdf(report, chromium)
        except RuntimeError as exc:
            warning = str(exc)
    return report, word, document, warning
