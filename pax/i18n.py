"""User-facing text in Swedish (default) and English, and sv-SE number and date formats."""

from __future__ import annotations

import datetime as dt
import math

LANGUAGES = ("sv", "en")
MONTHS_SV = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("Pax lägesbild", "Pax situation picture"),
    "app_subtitle": (
        "Södertälje kommun och Polisen mot organiserad brottslighet",
        "Södertälje municipality and the police against organised crime",
    ),
    "page_overview": ("Översikt", "Overview"),
    "page_here_and_now": ("Här och nu", "Here and now"),
    "page_trust": ("Förtroende och informationsdelning", "Trust and information sharing"),
    "page_social": ("Social hållbarhet", "Social sustainability"),
    "page_areas": ("Områden", "Neighbourhoods"),
    "page_about": ("Om data", "About the data"),
    "horizon_here_and_now": ("Här och nu", "Here and now"),
    "horizon_trust": ("Medellång sikt", "Medium term"),
    "horizon_social": ("Lång sikt", "Long term"),
    "horizon_here_and_now_sub": ("Situationell prevention", "Situational prevention"),
    "horizon_trust_sub": ("Förtroende och informationsdelning", "Trust and information sharing"),
    "horizon_social_sub": ("Social hållbarhet", "Social sustainability"),
    "language": ("Språk", "Language"),
    "role": ("Roll", "Role"),
    "role_public": ("Allmänhet", "Public"),
    "role_council": ("Förtroendevald", "Council"),
    "role_analyst": ("Analytiker", "Analyst"),
    "role_note_public": (
        "Utan inloggning visas platser endast per område.",
        "Without sign-in, locations are shown by area only.",
    ),
    "role_note_council": (
        "Platser visas som värmekarta på 250 m-rutnät, aldrig som punkter.",
        "Locations are shown as heat on a 250 m grid, never as points.",
    ),
    "role_note_analyst": (
        "Platser visas med källans precision.",
        "Locations are shown at the source's precision.",
    ),
    "auth_off": (
        "Inloggning är inte konfigurerad: alla besökare har samma roll.",
        "Sign-in is not configured: every viewer has the same role.",
    ),
    "auth_login": ("Logga in", "Sign in"),
    "auth_logout": ("Logga ut", "Sign out"),
    "auth_signed_in_as": ("Inloggad som {who}", "Signed in as {who}"),
    "auth_not_listed": (
        "Du finns inte i appens behörighetslista och ser därför samma som utan inloggning.",
        "You are not on the app's allow-list, so you see what viewers who are not signed in see.",
    ),
    "auth_list_broken": (
        "Behörighetslistan kunde inte läsas; ingen får mer än grundrollen.",
        "The allow-list could not be read; nobody gets more than the default role.",
    ),
    "access_denied": ("Åtkomst nekad", "Access denied"),
    "access_denied_text": (
        "Sidan {page} är bara för rollen {needed}. Din roll är {role}.",
        "The page {page} is only for the role {needed}. Your role is {role}.",
    ),
    "access_denied_login": (
        "Logga in i sidopanelen med ett konto som finns i behörighetslistan.",
        "Sign in in the sidebar with an account on the allow-list.",
    ),
    "access_denied_no_login": (
        "Inloggning är inte konfigurerad på den här servern.",
        "Sign-in is not configured on this server.",
    ),
    "page_review": ("Granskning", "Review"),
    "audit_heading": ("Granskningslogg", "Audit log"),
    "audit_help": (
        "Varje nedladdning, lägesbild och import: vem, roll, när (UTC) och vilken fil.",
        "Every download, briefing and import: who, role, when (UTC) and which file.",
    ),
    "audit_empty": ("Inga händelser under perioden.", "No entries in this period."),
    "audit_failed": (
        "Granskningsloggen kunde inte skrivas; meddela den som driver servern.",
        "The audit log could not be written; tell whoever runs the server.",
    ),
    "audit_at": ("Tid (UTC)", "Time (UTC)"),
    "audit_who": ("Vem", "Who"),
    "audit_action": ("Händelse", "Action"),
    "audit_what": ("Fil", "File"),
    "audit_rows": ("Rader", "Rows"),
    "audit_channel": ("Kanal", "Channel"),
    "audit_detail": ("Detaljer", "Details"),
    "import_off": (
        "Import i appen är avstängd på den här servern (PAX_IMPORT_IN_APP=0).",
        "Import in the app is switched off on this server (PAX_IMPORT_IN_APP=0).",
    ),
    "fictional": ("fiktiva demodata", "fictional demo data"),
    "fictional_short": (
        "Händelser, insatser, förtroende och åtgärder är fiktiva demodata; geografi och "
        "SCB-statistik är verkliga",
        "Events, interventions, trust and actions are fictional demo data; geography and "
        "SCB statistics are real",
    ),
    "data_up_to": ("Data t.o.m.", "Data up to"),
    "fictional_banner": (
        "Händelser, insatser, förtroende- och åtgärdsdata i denna version är **fiktiva "
        "demodata**, genererade för att visa verktyget. Geografin och SCB-statistiken är verklig.",
        "Events, interventions, trust and action data in this version are **fictional demo "
        "data**, generated to show the tool. The geography and SCB statistics are real.",
    ),
    "source": ("Källa", "Source"),
    "period": ("Period", "Period"),
    "last_days": ("senaste {n} dagarna", "last {n} days"),
    "vs_last_year": ("mot samma period i fjol", "vs the same period last year"),
    "change": ("förändring", "change"),
    "ytd": ("hittills i år", "year to date"),
    "custom_range": ("Egen period", "Custom range"),
    "information_flow": ("Informationsflöde till polisen", "Information flow to the police"),
    "departments": ("Förvaltningar och bolag", "Departments and companies"),
    "all_departments": ("Alla förvaltningar", "All departments"),
    "view": ("Vy", "View"),
    "view_stacked": ("Staplat", "Stacked"),
    "view_multiples": ("Per förvaltning", "Per department"),
    "trust_silence": ("Förtroende och tystnadskultur", "Trust and the culture of silence"),
    "survey_year": ("Enkätår", "Survey year"),
    "interval": ("95 % intervall", "95 % interval"),
    "respondents": ("Svarande", "Respondents"),
    "why_hidden": ("Varför dold", "Why hidden"),
    "target": ("Mål", "Target"),
    "fictional_target": ("fiktivt demomål", "fictional demo target"),
    "pax_actions": ("Pax-åtgärder", "Pax actions"),
    "police": ("Polisen", "The police"),
    "municipal_group": ("Kommunkoncernen", "The municipal group"),
    "latest": ("senaste", "latest"),
    "from": ("Från", "From"),
    "to": ("Till", "To"),
    "bad_range": (
        "Från-datumet låg efter till-datumet; de har bytt plats.",
        "The start was after the end; they have been swapped.",
    ),
    "police_listed": ("Bara Polisens utsatta områden", "Police-listed areas only"),
    "selected_area": ("Valt område", "Selected area"),
    "no_area": ("Hela kommunen", "The whole municipality"),
    "measure": ("Visa", "Show"),
    "measure_count": ("Antal", "Count"),
    "measure_rate": ("Per 1 000 invånare", "Per 1,000 inhabitants"),
    "layer_hot_areas": ("Testade hotspots (områden)", "Tested hotspots (areas)"),
    "layer_hot_grid": ("Testade hotspots (250 m-rutor)", "Tested hotspots (250 m grid)"),
    "layer_presence": ("Förebyggande närvaro", "Preventive presence"),
    "compstat": ("Jämförelse mot samma period i fjol", "Comparison with the same period last year"),
    "window_week": ("Senaste 7 dagarna", "Last 7 days"),
    "window_28d": ("Senaste 28 dagarna", "Last 28 days"),
    "window_ytd": ("Hittills i år", "Year to date"),
    "now": ("Nu", "Now"),
    "last_year": ("I fjol", "Last year"),
    "difference": ("Skillnad", "Difference"),
    "change_pct": ("Förändring %", "Change %"),
    "assessment": ("Bedömning", "Assessment"),
    "rate_now": ("Nu per 1 000 inv.", "Now per 1,000 inh."),
    "trend": ("Utveckling per månad", "Monthly trend"),
    "rolling": ("Rullande 12-månadersmedel", "12-month rolling mean"),
    "patterns": ("Veckodag och tid på dygnet", "Weekday and time of day"),
    "early_warning": (
        "Tidig varning: upprepade händelser nära varandra",
        "Early warning: near-repeat clusters",
    ),
    "no_warnings": (
        "Inga kluster utöver det normala under de senaste 28 dagarna.",
        "No clusters beyond the usual in the last 28 days.",
    ),
    "show_table": ("Visa som tabell", "Show as a table"),
    "no_data": ("Inga uppgifter för det urvalet.", "No data for this selection."),
    "store_missing": (
        "Datalagret är inte byggt ännu. Kör `python -m pax build` (eller `make run`) och ladda om sidan.",
        "The data store has not been built yet. Run `python -m pax build` (or `make run`) and reload.",
    ),
    "open_page": ("Öppna sidan", "Open the page"),
    "events": ("Händelser", "Events"),
    "map_title": ("Karta", "Map"),
    "layer_areas": ("Områden (RegSO)", "Areas (RegSO)"),
    "layer_heat": ("Värmekarta, händelser", "Heat map, events"),
    "layer_police": ("Polisens utsatta områden", "Police-listed areas"),
    "layer_schools": ("Skolor och förskolor", "Schools and preschools"),
    "heat_hidden": (
        "Värmekartan visas inte för din roll; antal per område visas i stället.",
        "The heat map is not shown for your role; counts by area are shown instead.",
    ),
    "categories": ("Kategorier", "Categories"),
    "area": ("Område", "Area"),
    "areas": ("Områden", "Areas"),
    "level": ("Områdesnivå", "Area level"),
    "level_regso": ("RegSO (31 områden)", "RegSO (31 areas)"),
    "level_deso": ("DeSO (51 områden)", "DeSO (51 areas)"),
    "municipality": ("Södertälje kommun", "Södertälje municipality"),
    "indicator": ("Indikator", "Indicator"),
    "theme": ("Tema", "Theme"),
    "value": ("Värde", "Value"),
    "year": ("År", "Year"),
    "total": ("Totalt", "Total"),
    "disclosure_note": (
        "Antal mellan 1 och {km1} visas som <{k} för att ingen enskild ska kunna pekas ut.",
        "Counts between 1 and {km1} are shown as <{k} so that no individual can be singled out.",
    ),
    "better_higher": ("Högre är bättre", "Higher is better"),
    "better_lower": ("Lägre är bättre", "Lower is better"),
    "better_neutral": ("Varken högre eller lägre är bättre", "Neither direction is better"),
    "download_csv": ("Ladda ned CSV", "Download CSV"),
    "download_xlsx": ("Ladda ned Excel", "Download Excel"),
    "theme_population": ("Befolkning", "Population"),
    "theme_work": ("Arbete och försörjning", "Work and income"),
    "theme_housing": ("Boende", "Housing"),
    "theme_school": ("Skola och förskola", "School and preschool"),
    "theme_parents": ("Föräldrar", "Parents"),
    "theme_information": ("Informationsflöde", "Information flow"),
    "theme_survey": ("Trygghet och tystnadskultur", "Safety and the culture of silence"),
    "theme_police_actions": ("Polisens åtgärder", "Police actions"),
    "theme_crime_statistics": ("Anmälda brott (BRÅ)", "Reported crime (BRÅ)"),
    "theme_municipal_actions": ("Kommunkoncernens åtgärder", "Municipal actions"),
    "compared_with": ("jämfört med", "compared with"),
    "unchanged": ("oförändrat", "unchanged"),
    "since_title": ("Sedan förra mötet", "Since the last meeting"),
    "since_title_date": ("Sedan förra mötet ({date})", "Since the last meeting ({date})"),
    "last_meeting": ("Förra mötet", "Last meeting"),
    "since_none": (
        "Inga förändringar utöver normal variation sedan förra mötet.",
        "No changes beyond normal variation since the last meeting.",
    ),
    "since_no_more": (
        "Inga fler förändringar är större än normal variation.",
        "No other change is larger than normal variation.",
    ),
    "since_method": (
        "Varje rad jämför perioden sedan mötet med samma period i fjol med ett exakt test för "
        "två Poisson-fördelade antal (5 % nivå). Små antal (under {k}) nämns aldrig.",
        "Each line compares the period since the meeting with the same period last year using "
        "an exact test for two Poisson counts (5 % level). Small counts (below {k}) are never "
        "named.",
    ),
    "caches": ("Narkotika- och vapengömmor", "Drug and weapon caches"),
    "and": ("och", "and"),
}


def t(key: str, lang: str = "sv", **kwargs) -> str:
    """The text for `key` in `lang`; a missing key is a bug and raises KeyError."""
    sv, en = TEXT[key]
    text = en if lang == "en" else sv
    return text.format(**kwargs) if kwargs else text


def number(value, decimals: int = 0, lang: str = "sv") -> str:
    """12 345,6 in Swedish (non-breaking space, decimal comma), 12,345.6 in English."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    try:
        text = f"{float(value):,.{decimals}f}"
    except (TypeError, ValueError):
        return str(value)
    if lang == "en":
        return text
    return text.replace(",", "\u00a0").replace(".", ",").replace("-", "−")


def date(day: dt.date, lang: str = "sv") -> str:
    months = MONTHS_EN if lang == "en" else MONTHS_SV
    return f"{day.day} {months[day.month - 1]} {day.year}"


def date_range(start: dt.date, end: dt.date, lang: str = "sv") -> str:
    """`1 juni – 27 november 2026`; both years when they differ."""
    if start.year == end.year:
        months = MONTHS_EN if lang == "en" else MONTHS_SV
        return f"{start.day} {months[start.month - 1]} – {date(end, lang)}"
    return f"{date(start, lang)} – {date(end, lang)}"


UNIT_SUFFIX = {
    "procent": ("%", "%"),
    "percent": ("%", "%"),
    "antal": ("", ""),
    "personer": ("personer", "persons"),
    "dagar": ("dagar", "days"),
    "besök": ("besök", "visits"),
    "poäng": ("poäng", "points"),
    "personer per hushåll": ("personer per hushåll", "persons per household"),
    "per 100 000 invånare": ("per 100 000 inv.", "per 100,000 inhabitants"),
}


def unit(text: str, lang: str = "sv") -> str:
    """The unit as written after a number (`procent` → `%`, `antal` → nothing)."""
    sv, en = UNIT_SUFFIX.get(text, (text, text))
    return en if lang == "en" else sv


def month_label(period: str, lang: str = "sv") -> str:
    """`2024-03` → `mar 2024` (Swedish) or `Mar 2024`."""
    year, month = period.split("-")[:2]
    months = MONTHS_EN if lang == "en" else MONTHS_SV
    return f"{months[int(month) - 1][:3]} {year}"


def name(row, lang: str = "sv") -> str:
    """Pick `name_sv` or `name_en` from a catalogue row."""
    return row["name_en"] if lang == "en" else row["name_sv"]
