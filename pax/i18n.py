"""User-facing text in Swedish (default) and English, and sv-SE number and date formats."""

from __future__ import annotations

import datetime as dt
import math
import re

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
WEEKDAYS = {
    "sv": ["mån", "tis", "ons", "tor", "fre", "lör", "sön"],
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
}

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("Pax lägesbild", "Pax situation picture"),
    "app_subtitle": (
        "{kommun} och Polisen mot organiserad brottslighet",
        "{kommun} and the police against organised crime",
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
    "import_title": ("Importera en fil", "Import a file"),
    "fetched": ("hämtad", "fetched"),
    "units_only": (
        "{name} publiceras per kommun och per skolenhet, inte per område: kartan visar "
        "skolornas värden.",
        "{name} is published per municipality and per school unit, not per area: the map "
        "shows the schools' values.",
    ),
    "units_layer": ("{name} per skola (Kolada)", "{name} by school (Kolada)"),
    "units_note": (
        "Lila punkter: värdet per skolenhet enligt Kolada, vid den skola vars namn säkert "
        "motsvarar enheten ({placed} placerade). Utan säker motsvarighet, inte på kartan: "
        "{names}.",
        "Purple points: the value per school unit from Kolada, at the school whose name "
        "surely matches the unit ({placed} placed). Without a sure match, not on the map: "
        "{names}.",
    ),
    "sync_heading": ("Källor som hämtas automatiskt", "Sources fetched automatically"),
    "sync_help": (
        "Källorna i sync.toml (PAX_SYNC_CONFIG). `python -m pax sync --loop` följer schemat; "
        "knappen hämtar en källa nu (loggas). En källa som är äldre än två schemaperioder "
        "markeras som inaktuell här och vid varje siffra.",
        "The sources in sync.toml (PAX_SYNC_CONFIG). `python -m pax sync --loop` follows the "
        "schedule; the button fetches one source now (logged). A source older than twice its "
        "schedule is marked stale here and beside every figure.",
    ),
    "sync_demo": (
        "Synk skriver verkliga data och körs bara i skarpt läge (PAX_MODE=live).",
        "Sync writes real data and runs in live mode only (PAX_MODE=live).",
    ),
    "sync_source": ("Källa", "Source"),
    "sync_kind": ("Typ", "Kind"),
    "sync_every": ("Schema", "Schedule"),
    "sync_last_success": ("Senast lyckad", "Last success"),
    "sync_last_attempt": ("Senaste försök", "Last attempt"),
    "sync_rows": ("Rader", "Rows"),
    "sync_next": ("Nästa", "Next"),
    "sync_now_due": ("står på tur", "due"),
    "sync_state": ("Status", "Status"),
    "sync_ok": ("aktuell", "current"),
    "sync_never": ("inte hämtad ännu", "not fetched yet"),
    "sync_stale": ("inaktuell", "stale"),
    "sync_run": ("Hämta nu", "Fetch now"),
    "sync_running": ("Hämtar {name} …", "Fetching {name} …"),
    "sync_done": ("{name}: klart, {rows} rader skrivna.", "{name}: done, {rows} rows written."),
    "import_demo": (
        "Det här är demoläget med fiktiva data: verkliga filer importeras inte hit, så att de "
        "aldrig räknas ihop med påhittade. Gå live först — `PAX_MODE=live make run` på "
        "servern (README, *Going live*) — och importera sedan här eller med `python -m pax "
        "import`.",
        "This is the demo with fictional data: real files are not imported here, so that "
        "they are never counted with invented ones. Go live first — `PAX_MODE=live make run` "
        "on the server (README, *Going live*) — then import here or with `python -m pax "
        "import`.",
    ),
    "import_off": (
        "Import i appen är avstängd på den här servern (PAX_IMPORT_IN_APP=0).",
        "Import in the app is switched off on this server (PAX_IMPORT_IN_APP=0).",
    ),
    # The import panel (ui/upload.py); the importer's own notes and errors stay Swedish.
    "import_help": (
        "Samma kontroller som `python -m pax import`: rader som inte går att importera "
        "sparas med skäl i en karantänfil, de övriga läses in, och inget i datalagret "
        "ändras om filen inte kan läsas. Största fil: {mb} MB.",
        "The same checks as `python -m pax import`: rows that cannot be imported are kept "
        "with their reason in a quarantine file, the rest go in, and nothing in the store "
        "changes when the file cannot be read. Largest file: {mb} MB.",
    ),
    "import_file": ("Fil", "File"),
    "import_kind": ("Innehåll", "Content"),
    "import_auto": ("Upptäck automatiskt", "Detect automatically"),
    "import_kind_events": ("Händelser", "Events"),
    "import_kind_measures": ("Mått (indikatorer)", "Measures (indicators)"),
    "import_kind_interventions": ("Insatser", "Interventions"),
    "import_kind_areas": ("Områden", "Areas"),
    "import_crs": ("Koordinatsystem", "Coordinate system"),
    "import_source": ("Källa (utgivare)", "Source (publisher)"),
    "import_dry_run": ("Provkör utan att spara", "Dry run (save nothing)"),
    "import_go": ("Importera", "Import"),
    "import_running": ("Importerar …", "Importing …"),
    "import_starting": ("Startar …", "Starting …"),
    "import_failed": ("Filen kunde inte importeras", "The file could not be imported"),
    "import_done": ("Klart", "Done"),
    "import_nothing": ("Ingen rad importerades", "No row was imported"),
    "import_refreshed": (
        "Importen är klar; sidorna visar nu de nya uppgifterna.",
        "The import is done; the pages now show the new data.",
    ),
    "import_rows_read": ("Lästa rader", "Rows read"),
    "import_imported": ("Importerade", "Imported"),
    "import_rejected": ("Avvisade", "Rejected"),
    "import_duplicates": ("Dubbletter", "Duplicates"),
    "import_skipped": ("Överhoppade", "Skipped"),
    "import_rejected_rows": ("Avvisade rader", "Rejected rows"),
    "import_row": ("Rad", "Row"),
    "import_column": ("Kolumn", "Column"),
    "import_value": ("Värde", "Value"),
    "import_reason": ("Skäl", "Reason"),
    "import_quarantine": (
        "Alla avvisade rader finns i {file} (mappen quarantine bredvid datalagret).",
        "All rejected rows are in {file} (the quarantine folder beside the store).",
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
    "mode_demo": ("Läge: demo (fiktiva register)", "Mode: demo (fictional registers)"),
    "mode_live": ("Läge: skarpt (bara verkliga data)", "Mode: live (real data only)"),
    "no_source_yet": ("ingen källa levererad ännu", "no source delivered yet"),
    "not_delivered": ("ej levererat", "not delivered"),
    "missing_events": (
        "**Inga händelser i datalagret ännu.** Skjutningar, sprängningar, bilbränder och "
        "gömmor kommer från Polisens händelsenotiser eller från egna register: importera en "
        "fil med `python -m pax import FIL` eller på sidan Granskning (filformaten i README, "
        "*Commands*).",
        "**No events in the store yet.** Shootings, explosions, car fires and caches come "
        "from the police's event feed or from your own registers: import a file with "
        "`python -m pax import FILE` or on the Granskning page (the file formats in the "
        "README, *Commands*).",
    ),
    "events_only_municipal": (
        "**Inga händelser med plats i ett område ännu.** Händelserna i datalagret ({sources}) "
        "anger bara kommunen, så kartan och tabellerna per område skulle bara visa nollor. "
        "Områdena fylls av register med plats (koordinater, DeSO eller RegSO): importera dem "
        "med `python -m pax import FIL`.",
        "**No events placed in an area yet.** The events in the store ({sources}) name only "
        "the municipality, so the map and the tables per area would show only zeros. Areas "
        "fill from registers with a place (coordinates, DeSO or RegSO): import them with "
        "`python -m pax import FILE`.",
    ),
    "missing_interventions": (
        "**Ingen förebyggande närvaro i datalagret ännu** (polis, ordningsvakter, kameror, "
        "fältassistenter, nattvandring): importera insatsregistret med `python -m pax import "
        "FIL --kind interventions`.",
        "**No preventive presence in the store yet** (police, guards, cameras, field "
        "workers, night walks): import the intervention register with `python -m pax "
        "import FILE --kind interventions`.",
    ),
    "missing_official": (
        "**Inga uppgifter för:** {names}. SCB:s rikstabell för DeSO har dem inte för "
        "kommunen; hämta dem ur SCB:s statistikdatabas (källan `pxweb` i sync.toml) eller "
        "importera SCB:s tabell med `python -m pax import FIL`.",
        "**No data for:** {names}. SCB's national DeSO table does not have them for the "
        "municipality; fetch them from SCB's database (the `pxweb` source in sync.toml) or "
        "import SCB's table with `python -m pax import FILE`.",
    ),
    "missing_measures": (
        "**Inga uppgifter levererade ännu för:** {names}. De kommer från kommunens och "
        "Polisens egna register: importera dem med `python -m pax import FIL` (exempelfiler "
        "i `data/examples/`: {examples}).",
        "**No data delivered yet for:** {names}. They come from the municipality's and the "
        "police's own registers: import them with `python -m pax import FILE` (example "
        "files in `data/examples/`: {examples}).",
    ),
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
    "store_unreachable": (
        "Datalagret i PostgreSQL svarar inte (PAX_DATABASE_URL). Sidan visar data igen när "
        "databasen svarar; kontakta driften om det dröjer.",
        "The PostgreSQL store does not answer (PAX_DATABASE_URL). The page shows data again "
        "when the database answers; contact operations if it takes long.",
    ),
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
    "level_regso": ("RegSO ({n} områden)", "RegSO ({n} areas)"),
    "level_deso": ("DeSO ({n} områden)", "DeSO ({n} areas)"),
    "municipality": ("{kommun}", "{kommun}"),
    "indicator": ("Indikator", "Indicator"),
    "theme": ("Tema", "Theme"),
    "value": ("Värde", "Value"),
    "year": ("År", "Year"),
    "total": ("Totalt", "Total"),
    "disclosure_note": (
        "Antal mellan 1 och {km1} visas som <{k} för att ingen enskild ska kunna pekas ut; "
        '".." är ett antal som döljs för att ett dolt antal inte ska kunna räknas fram.',
        "Counts between 1 and {km1} are shown as <{k} so that no individual can be singled out; "
        '".." is a count hidden so that a hidden count cannot be worked out.',
    ),
    "noise_note": (
        "Övriga antal ur Pax egna register kan avvika med högst ±{noise} (röjandeskydd).",
        "Other counts from Pax's own registers may differ by at most ±{noise} (disclosure "
        "control).",
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
    "since_meeting": ("Mötet {date}", "The meeting of {date}"),
    "since_span": ("Senaste {n} dagarna (från {date})", "Last {n} days (from {date})"),
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
    "fewer_than": ("färre än {k}", "fewer than {k}"),
    "tile_hidden": ("dolt", "hidden"),
    "tile_last12": ("{n} de senaste 12 månaderna", "{n} in the last 12 months"),
    "tile_small_help": (
        "Antal mellan 1 och {k} − 1 visas inte exakt, så att ingen enskild händelse eller "
        "person ska kunna pekas ut.",
        "Counts from 1 to {k} − 1 are not shown exactly, so that no single event or person "
        "can be singled out.",
    ),
    "tile_hidden_help": (
        "Antalet döljs (..) eftersom det annars skulle gå att räkna fram ett annat dolt "
        "litet antal ur de siffror som visas.",
        "The count is hidden (..) because otherwise another hidden small count could be "
        "worked out from the figures that are shown.",
    ),
    "and": ("och", "and"),
    # The briefing (ui/briefing.py)
    "briefing_heading": ("Lägesbild att ladda ned", "Briefing to download"),
    "briefing_help": (
        "En daterad HTML-fil som öppnas utan nätverk (interaktiva diagram och kartor) och en "
        "PDF för utskrift, med samma siffror som sidan, källor och röjandeskydd.",
        "A dated HTML file that opens without a network (interactive charts and maps) and a "
        "PDF for printing, with the page's figures, sources and disclosure control.",
    ),
    "briefing_make": ("Skapa lägesbild", "Make a briefing"),
    "briefing_making": ("Skapar lägesbild …", "Making the briefing …"),
    "briefing_making_pdf": ("Skapar PDF …", "Making the PDF …"),
    "briefing_html": ("Ladda ned lägesbild (HTML)", "Download briefing (HTML)"),
    "briefing_pdf": ("Ladda ned lägesbild (PDF)", "Download briefing (PDF)"),
    "briefing_data_until": ("Uppgifter till och med {d}", "Data up to {d}"),
    "briefing_per_1000": ("Händelser per 1 000 invånare", "Events per 1,000 inhabitants"),
    "briefing_presence": ("Förebyggande närvaro i området", "Preventive presence in the area"),
    "briefing_by_category": (
        "Händelser per kategori, senaste 12 månaderna",
        "Events by category, last 12 months",
    ),
    "briefing_hidden": ("dold", "hidden"),
    "deso_one_category": (
        "En enskild kategori per DeSO visas inte: antalen är för små för att visas utan att "
        "någon kan pekas ut. Välj alla kategorier eller RegSO-nivå.",
        "A single category per DeSO is not shown: the counts are too small to show without "
        "singling anyone out. Choose all categories or the RegSO level.",
    ),
    "all_categories": ("Alla kategorier", "All categories"),
    "category_groups_help": (
        "En kategori i taget eller alla tillsammans: fria urval av kategorier visas bara för "
        "analytiker, eftersom skillnaden mellan två urval annars kan avslöja ett litet antal.",
        "One category at a time or all together: free sets of categories are for analysts "
        "only, since the difference of two sets could otherwise reveal a small count.",
    ),
    "not_significant": ("ej signifikant", "not significant"),
    "store_built_live": (
        "Datalagret byggdes **{built}** i skarpt läge: bara verkliga data — geografi, SCB och "
        "{files} importerade filer. Inga fiktiva uppgifter finns i det.",
        "The store was built **{built}** in live mode: real data only — geography, SCB and "
        "{files} imported files. It holds no fictional record.",
    ),
    "store_built": (
        "Datalagret byggdes **{built}**. Fiktiva demodata slutar **{end}** (frö {seed}).",
        "The store was built **{built}**. Fictional demo data end **{end}** (seed {seed}).",
    ),
    "sources": ("Källor", "Sources"),
    "real": ("verklig", "real"),
    "col_title": ("Titel", "Title"),
    "col_publisher": ("Utgivare", "Publisher"),
    "col_licence": ("Licens", "Licence"),
    "col_updated": ("Uppdaterad", "Updated"),
    "col_coverage": ("Täckning", "Coverage"),
    "col_real_fictional": ("Verklig/fiktiv", "Real/fictional"),
    "indicators": ("Indikatorer", "Indicators"),
    "geography": ("Geografi", "Geography"),
    "provenance_in_swedish": (
        "Geografins ursprung (geo/README.md).",
        "The provenance of the geography (geo/README.md) is written in Swedish.",
    ),
    # Presentation mode (ui/kiosk.py)
    "kiosk_start": ("Presentationsläge", "Presentation mode"),
    "kiosk_start_help": (
        "Helskärm för en väggskärm: sidorna växlar automatiskt. ← → byter sida, mellanslag pausar.",
        "For a wall screen: the pages take turns. ← → step, Space pauses.",
    ),
    "kiosk_exit": ("Avsluta", "Exit"),
    "kiosk_paused": ("Pausad", "Paused"),
    "kiosk_prev": ("Föregående sida (←)", "Previous page (←)"),
    "kiosk_next": ("Nästa sida (→)", "Next page (→)"),
    "kiosk_pause": ("Pausa / fortsätt (mellanslag)", "Pause / resume (Space)"),
    "disclosure_control": ("Röjandeskydd", "Disclosure control"),
    "bad_setting": (
        "Appen kan inte visa några siffror: en inställning för röjandeskyddet är ogiltig.",
        "The app cannot show any figures: a disclosure-control setting is invalid.",
    ),
    "noise_rule": (
        "- Antal från {k} och uppåt som Pax räknar fram ur egna register (händelser, "
        "underrättelser, åtgärder) visas med ett litet brus, högst ±{noise} "
        "(cellnyckelmetoden): samma händelser ger alltid samma siffra, men två siffror som "
        "visas bredvid varandra (veckan och 28 dagar, ett område och kommunen) kan inte "
        "dras ifrån varandra för att få fram ett litet antal. Skillnader, procent och tester "
        "räknas på de visade siffrorna. Officiell statistik (SCB, BRÅ) visas som publicerad.",
        "- Counts of {k} or more that Pax computes from its own registers (events, "
        "intelligence reports, actions) carry a little random noise, at most ±{noise} (the "
        "cell-key method): the same events always give the same figure, but two figures shown "
        "side by side (the week and 28 days, an area and the municipality) cannot be "
        "subtracted to reveal a small count. Differences, percentages and tests use the shown "
        "figures. Official statistics (SCB, BRÅ) are shown as published.",
    ),
    "disclosure_rules": (
        "- Antal mellan 1 och {km1} visas som **<{k}** i tabeller, brickor, diagram, kartor och "
        "nedladdningar. Där en dold siffra annars skulle kunna räknas fram ur summor som visas "
        "(på samma sida eller en annan) döljs också den minsta andra cellen och visas som **..** "
        "(SCB:s tecken).\n"
        "- Andelar per invånare visas inte för områden med färre än {min_pop} invånare.\n"
        "- Enkätresultat visas inte när färre än {min_sample} har svarat.\n"
        "- Platsprecision efter roll: **allmänhet** – bara områden; **förtroendevalda** – "
        "värmekarta på 250 m-rutnät, aldrig punkter; **analytiker** – källans precision. Vapen- "
        "och narkotikagömmor visas aldrig som punkter för allmänhet eller förtroendevalda.\n"
        "- Ingen fritext från källornas poster visas.",
        "- Counts between 1 and {km1} are shown as **<{k}** in tables, tiles, charts, maps and "
        "downloads. Where a hidden figure could otherwise be worked out from totals that are "
        "shown (on the same page or another), the smallest other cell is hidden too and shown "
        "as **..** (Statistics Sweden's sign).\n"
        "- Rates per inhabitant are not shown for areas with fewer than {min_pop} inhabitants.\n"
        "- Survey results are not shown when fewer than {min_sample} answered.\n"
        "- Location precision by role: **public** – areas only; **council** – heat map on a "
        "250 m grid, never points; **analyst** – the source's precision. Weapon and drug caches "
        "are never shown as points to the public or the council.\n"
        "- No free text from the sources' records is shown.",
    ),
    "basemap": ("Bakgrundskarta", "Base map"),
    "missing_or_hidden": ("Uppgift saknas/dold", "No data/hidden"),
    "police_list_status": (
        "Polisens lista {year}: **{status}** ({area}), sedan {since}.",
        "Police list {year}: **{status}** ({area}), since {since}.",
    ),
    "profile_compared": (
        "Jämförs med hela kommunen och de liknande områdena {similar} (närmast på "
        "förvärvsfrekvens, låg ekonomisk standard, hyresrätter och utbildning, SCB 2022). "
        "Länken i adressfältet visar just det här området.",
        "Compared with the whole municipality and the similar areas {similar} (closest in "
        "employment rate, low economic standard, rental dwellings and education, SCB 2022). "
        "The link in the address bar shows this very area.",
    ),
    "per_1000_short": ("Per 1 000 inv.", "Per 1,000 inh."),
    "unit": ("Enhet", "Unit"),
    "shaded_presence": (
        "Skuggade perioder: förebyggande närvaro i området (fiktiva demodata).",
        "Shaded periods: preventive presence in the area (fictional demo data).",
    ),
    "profile_trust_change": (
        "{name} i {area} har ändrats {diff} procentenheter {first}–{last}.",
        "{name} in {area} changed by {diff} percentage points {first}–{last}.",
    ),
    "profile_long_move": (
        "Störst rörelse på lång sikt: {name} {diff} ({first}–{last}, {source}).",
        "Largest long-term move: {name} {diff} ({first}–{last}, {source}).",
    ),
    "summary": ("Sammanfattning.", "Summary."),
    "schools_layer": ("Grundskolor", "Schools"),
    "preschools_layer": ("Förskolor", "Preschools"),
    "schools_note": (
        "Skolor och förskolor: Skolverket (punkter, lager i kartan). Resultat per skolenhet "
        "visas när de importerats från Kolada.",
        "Schools and preschools: Skolverket (points, a layer of the map). Results per school "
        "unit are shown once they are imported from Kolada.",
    ),
    "sweden": ("Riket", "Sweden"),
    "change_since": ("Förändring sedan {year}", "Change since {year}"),
    "one_year_only": (
        "Bara ett år ({year}) finns för den här indikatorn; fler år kommer med importen från "
        "Kolada eller SCB.",
        "Only one year ({year}) exists for this indicator; more years come with an import from "
        "Kolada or SCB.",
    ),
    "over_time": ("Över tid", "Over time"),
    "one_year_no_trend": (
        "Indikatorn har bara ett år; utveckling över tid visas när fler år finns.",
        "The indicator has a single year; the trend is shown when there are more years.",
    ),
    "series": ("Serie", "Series"),
    "similar_areas": ("Liknande områden", "Similar areas"),
    "similarity": ("Likhet", "Similarity"),
    "similarity_structure": ("Närmast på struktur (SCB)", "Closest in structure (SCB)"),
    "similarity_status": ("Samma status i Polisens lista", "Same status in the police list"),
    "similarity_structure_note": (
        "Likhet: de fem områden som ligger närmast på förvärvsfrekvens, låg ekonomisk standard, "
        "andel hyresrätter och andel med eftergymnasial utbildning (SCB 2022), standardiserade "
        "så att varje mått väger lika.",
        "Similarity: the five areas closest in employment rate, low economic standard, share "
        "of rental dwellings and share with post-secondary education (SCB 2022), standardised "
        "so that each measure weighs the same.",
    ),
    "similarity_status_note": (
        "Likhet: områden med samma status i Polisens lista över utsatta områden (2023), eller "
        "alla områden utan status.",
        "Similarity: areas with the same status in the police list of vulnerable areas (2023), "
        "or all areas without a status.",
    ),
    "role_in_table": ("Roll", "Role"),
    "chosen": ("valt", "chosen"),
    "similar": ("liknande", "similar"),
    "similar_sentence": (
        "{name}: {here} mot {mean} i genomsnitt för de liknande områdena ({year}).",
        "{name}: {here} against an average of {mean} in the similar areas ({year}).",
    ),
    "in": ("i", "in"),
    "department": ("Förvaltning", "Department"),
    "flow_sentence": (
        "Senaste 12 månaderna lämnade {top} flest underrättelser av de {n} visade "
        "förvaltningarna (cirka {share} %).",
        "Over the last 12 months {top} sent the most reports among the {n} departments shown "
        "(about {share} %).",
    ),
    "interval_low": ("Från", "From"),
    "interval_high": ("Till", "To"),
    "survey_hidden": ("{name}: dold – {why}", "{name}: hidden – {why}"),
    "survey_missing": ("{name}: uppgift saknas", "{name}: no data"),
    "area_and_municipality": ("{a} och hela kommunen", "{a} and the whole municipality"),
    "survey_change": (
        "{name}: {v1} % år {y1} och {v2} % år {y2} ({diff} procentenheter). Överlappande "
        "intervall betyder att skillnaden kan bero på slumpen i urvalet.",
        "{name}: {v1} % in {y1} and {v2} % in {y2} ({diff} percentage points). Overlapping "
        "intervals mean the difference may be due to chance in the sample.",
    ),
    "hidden_years": ("Dolda år: ", "Hidden years: "),
    "target_for_year": (
        "{target_word} {target} {unit} för året{pace}{flag}.",
        "{target_word} {target} {unit} for the year{pace}{flag}.",
    ),
    "target_pace": (" – {n} vid den här tiden på året", " – {n} by this time of year"),
    "per_month": ("{what} per månad", "{what} per month"),
    "pp": (" pe", " pp"),
    "presence": ("Närvaro", "Presence"),
    "hotspot_method": (
        "Hotspots: Getis-Ord Gi* på antal händelser per område{grid}; grannar som delar gräns "
        "eller hörn (queen). Färgade områden avviker från kommunens genomsnitt med 90, 95 eller "
        "99 % säkerhet.",
        "Hotspots: Getis-Ord Gi* on event counts per area{grid}; neighbours share a border or a "
        "corner (queen). Coloured areas differ from the municipal mean with 90, 95 or 99 % "
        "confidence.",
    ),
    "hotspot_grid": (" och per 250 m-ruta (SWEREF 99 TM)", " and per 250 m cell (SWEREF 99 TM)"),
    "hotspot_method_short": (
        "Getis-Ord Gi* (queen-grannskap, analytiskt z)",
        "Getis-Ord Gi* (queen contiguity, analytical z)",
    ),
    "open_profile": ("{name}: öppna områdesprofilen", "{name}: open the profile"),
    "up_to": ("t.o.m. {date}", "up to {date}"),
    "category": ("Kategori", "Category"),
    "month": ("Månad", "Month"),
    "count": ("Antal", "Count"),
    "weekday": ("Veckodag", "Weekday"),
    "from_hour": ("Från timme", "From hour"),
    "when": ("När", "When"),
    "expected_count": ("Väntat antal", "Expected count"),
    "assessment_method": (
        "Bedömning: exakt test för två Poisson-fördelade antal (villkorligt binomialtest, "
        "tvåsidigt, 5 % nivå). Procent visas inte när fjolårets antal är 0.",
        "Assessment: exact test for two Poisson counts (conditional binomial test, two-sided, "
        "5 % level). No percentage is shown when last year's count is 0.",
    ),
    "near_repeat_method": (
        "Minst två händelser av samma slag inom 14 dagar och 500 meter från varandra, där ett "
        "Poisson-test mot områdets normala nivå det senaste året ger p < 0,05.",
        "At least two events of the same kind within 14 days and 500 metres of each other, where "
        "a Poisson test against the area's normal level over the last year gives p < 0.05.",
    ),
    "near_repeat_detail": (
        "Väntat antal och p visas bara för analytiker: de skulle avslöja områdets antal "
        "det senaste året.",
        "The expected count and p are shown to analysts only: they would give away the "
        "area's count over the last year.",
    ),
    "iso_week": ("v. {w}", "wk {w}"),
    # The briefing document's own words (pax/briefing.py).
    "doc_changes": ("Sedan förra mötet", "Since the last meeting"),
    "doc_no_changes": ("Inga noterade förändringar.", "No changes noted."),
    "doc_sources": ("Källor", "Sources"),
    "doc_title": ("Källa", "Source"),
    "doc_publisher": ("Utgivare", "Publisher"),
    "doc_licence": ("Licens", "Licence"),
    "doc_period": ("Period", "Period"),
    "doc_fictional_col": ("Fiktiva data", "Fictional data"),
    "doc_yes": ("ja", "yes"),
    "doc_no": ("nej", "no"),
    "doc_fictional": ("fiktiva demodata", "fictional demo data"),
    "doc_dated": ("Lägesbild", "Situation picture"),
    "doc_made": (
        "Skapad med Pax lägesbild. Filen hämtar ingenting utifrån och kan öppnas utan nätverk.",
        "Made with Pax lägesbild. The file fetches nothing and opens without a network.",
    ),
    "doc_map": ("Karta", "Map"),
    "report_heading": ("Lagstadgad lägesbild (utkast)", "Statutory situation report (draft)"),
    "report_help": (
        "Ett daterat utkast till kommunens lägesbild enligt lag (2023:196), 4 §, och Brå:s "
        "checklista: Word-fil att redigera och PDF, med samma siffror som allmänheten ser.",
        "A dated draft of the municipality's situation report under the Act (2023:196), "
        "section 4, and Brå's checklist: a Word file to edit and a PDF, with the figures the "
        "public sees.",
    ),
    "report_make": ("Skapa lägesbild (Word och PDF)", "Make the report (Word and PDF)"),
    "report_docx": ("Ladda ned lägesbild (Word)", "Download the report (Word)"),
    "report_pdf": ("Ladda ned lägesbild (PDF)", "Download the report (PDF)"),
}


def t(key: str, lang: str = "sv", **kwargs) -> str:
    """The text for `key` in `lang`; a missing key is a bug and raises KeyError."""
    sv, en = TEXT[key]
    text = en if lang == "en" else sv
    if "{kommun}" in text and "kommun" not in kwargs:
        kwargs["kommun"] = kommun_name(lang)
    return text.format(**kwargs) if kwargs else text


def kommun_name(lang: str = "sv") -> str:
    """The official name of the kommun of PAX_KOMMUN (`Botkyrka kommun`, `Stockholms
    stad`): every page names the kommun through this, never from the code."""
    from pax import config

    return config.kommun().official_name(lang)


def trend_sentence(last, prior, lang: str = "sv") -> str:
    """The sentence under the monthly trend: the last 12 months against the 12 before,
    each a `pax.published.MonthSum` of published months. A sum is named only when every
    month is shown (else the sum of the shown months and how many are hidden), and a change
    only between two whole sums."""
    en = lang == "en"

    def part(s) -> str:
        if s.value is not None:
            return number(s.value, 0, lang)
        shown, seen = number(s.shown, 0, lang), s.months - s.hidden
        if en:
            return f"{shown} events in the {seen} months shown ({s.hidden} months hidden)"
        return f"{shown} händelser under de {seen} månader som visas ({s.hidden} månader dolda)"

    head = "Last 12 months" if en else "Senaste 12 månaderna"
    events = "events" if en else "händelser"
    text = f"{head}: {part(last)} {events}" if last.value is not None else f"{head}: {part(last)}"
    if prior is None or prior.months < 12:
        return text + "."
    if last.value is not None and prior.value:
        pct = (last.value - prior.value) / prior.value * 100
        if en:
            word = "more" if pct > 0 else "fewer"
            text += f", about {number(abs(pct), 0, lang)} % {word} than the 12 months before"
        else:
            word = "fler" if pct > 0 else "färre"
            text += f", cirka {number(abs(pct), 0, lang)} % {word} än de 12 månaderna innan"
        return text + f" ({part(prior)})."
    before = "the 12 months before" if en else "de 12 månaderna innan"
    return f"{text}; {before}: {part(prior)}."


def pattern_sentence(grid, days: list[str], lang: str = "sv") -> str:
    """Which weekday and time block had the most events (shown cells only)."""
    shown = grid.dropna(subset=["count"])
    if shown.empty:
        return (
            "Alla celler är dolda (för få händelser); välj en längre period."
            if lang != "en"
            else "Every cell is hidden (too few events); choose a longer period."
        )
    top = shown.sort_values("count", ascending=False).iloc[0]
    by_day = shown.groupby("weekday")["count"].sum().sort_values(ascending=False)
    day = days[int(by_day.index[0]) - 1]
    hour = int(top["hour"])
    if lang == "en":
        return (
            f"Most events on {day}; the busiest block was {days[int(top['weekday']) - 1]} "
            f"{hour:02d}–{hour + 3:02d}."
        )
    plural = ("måndagar", "tisdagar", "onsdagar", "torsdagar", "fredagar", "lördagar", "söndagar")[
        int(by_day.index[0]) - 1
    ]
    return (
        f"Flest händelser på {plural}; flest i ett enskilt block "
        f"{days[int(top['weekday']) - 1]} kl. {hour:02d}–{hour + 3:02d}."
    )


def disclosure_note(k: int, noise: int, lang: str = "sv") -> str:
    """The one-line disclosure note under figures: <k, `..` and, with noise, its size."""
    text = t("disclosure_note", lang, k=k, km1=k - 1)
    return f"{text} {t('noise_note', lang, noise=noise)}" if noise > 0 else text


def disclosure_rules(k: int, noise: int, min_pop: str, min_sample: int, lang: str = "sv") -> str:
    """The disclosure rules as a Markdown list (Om data)."""
    lines = t("disclosure_rules", lang, k=k, km1=k - 1, min_pop=min_pop, min_sample=min_sample)
    lines = lines.split("\n")
    if noise > 0:
        lines.insert(1, t("noise_rule", lang, k=k, noise=noise))
    return "\n".join(lines)


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
    "kr": ("kr", "SEK"),
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


def unit_name(text: str, lang: str = "sv") -> str:
    """The unit as a word in a definition (`antal` → `count`), unlike `unit`, which gives
    what follows a number."""
    if lang != "en":
        return text
    return UNIT_NAMES_EN.get(text, unit(text, lang) or text)


UNIT_NAMES_EN = {"antal": "count", "procent": "percent", "kr": "SEK", "tkr": "SEK thousands"}


def month_label(period: str, lang: str = "sv") -> str:
    """`2024-03` → `mar 2024` (Swedish) or `Mar 2024`."""
    year, month = period.split("-")[:2]
    months = MONTHS_EN if lang == "en" else MONTHS_SV
    return f"{months[int(month) - 1][:3]} {year}"


def name(row, lang: str = "sv") -> str:
    """Pick `name_sv` or `name_en` from a catalogue row."""
    return row["name_en"] if lang == "en" else row["name_sv"]


# Proper names in the data (publishers, departments, police status) as shown in English.
# Anything not listed is shown as it is in the source.
TERMS_EN = {
    "Pax lägesbild (genererat)": "Pax lägesbild (generated)",
    "SCB (Statistiska centralbyrån)": "SCB (Statistics Sweden)",
    "Polismyndigheten": "Swedish Police Authority",
    "Skolverket": "Swedish National Agency for Education",
    "Skolverket (troligen)": "Swedish National Agency for Education (probably)",
    "Brottsförebyggande rådet (BRÅ)": "Swedish National Council for Crime Prevention (BRÅ)",
    "Kultur och fritid": "Culture and leisure",
    "Miljö och hälsa": "Environment and health",
    "Samhällsbyggnad och bygglov": "Urban planning and building permits",
    "Socialtjänsten": "Social services",
    "Telge Bostäder": "Telge Bostäder (housing)",
    "Upphandling": "Procurement",
    "Utbildningsförvaltningen": "Education",
    "Särskilt utsatt område": "Particularly vulnerable area",
    "Utsatt område": "Vulnerable area",
    "Riskområde": "Risk area",
    # Titles of the shipped sources (data/sources.csv and the demo's), for the briefing's
    # source table in English.
    "DeSO 2018 och RegSO 2018 (gränser)": "DeSO 2018 and RegSO 2018 (boundaries)",
    "Utsatta områden 2023": "Vulnerable areas 2023",
    "Händelser (fiktiva demodata)": "Events (fictional demo data)",
    "Förebyggande närvaro (fiktiva demodata)": "Preventive presence (fictional demo data)",
    "Informationsdelning, förtroende och Pax-åtgärder (fiktiva demodata)": (
        "Information sharing, trust and Pax actions (fictional demo data)"
    ),
    "Social hållbarhet (fiktiva demodata)": "Social sustainability (fictional demo data)",
}


def source_text(
    sources,
    ids,
    period,
    lang: str = "sv",
    short: bool = False,
    fetched: str = "",
    escape=str,
) -> tuple[str, bool]:
    """`Källa: SCB (Statistiska centralbyrån) · 2022 · hämtad …` for the sources `ids` (rows
    of the store's sources table, indexed by id), and whether any of them is fictional — the
    caller marks that (a badge on the page, words in the briefing). `short`: publishers
    without their explanation in brackets (the wall screen); `escape` makes each publisher
    safe for where the line is shown."""
    parts, fictional = [], False
    for sid in dict.fromkeys(ids):
        if sid in sources.index:
            publisher = str(term(sources.at[sid, "publisher"], lang))
            parts.append(escape(publisher.split(" (")[0] if short else publisher))
            fictional |= bool(sources.at[sid, "fictional"])
    if not parts:
        return f"{t('source', lang)}: {t('no_source_yet', lang)}", False
    text = f"{t('source', lang)}: {', '.join(dict.fromkeys(parts))} · {period}"
    return (f"{text} · {fetched}" if fetched else text), fictional


def term(text, lang: str = "sv"):
    """A proper name from the data in the viewer's language (unchanged in Swedish)."""
    if lang == "en" and isinstance(text, str):
        return TERMS_EN.get(text, text)
    return text


_SV_NUMBER = re.compile(r"^([^\d]*)(\d{1,3}(?:\u00a0\d{3})*)(,\d+)?([^\d]*)$")


def localize_label(text, lang: str = "sv"):
    """A number label written in Swedish format (`1 234`, `≈1 234,5`, `<3`) in the
    viewer's format; anything else unchanged."""
    if lang != "en" or not isinstance(text, str):
        return text
    match = _SV_NUMBER.match(text)
    if not match:
        return text
    head, digits, decimals, tail = match.groups()
    return head + digits.replace("\u00a0", ",") + (decimals or "").replace(",", ".") + tail


def localize_labels(value, lang: str = "sv"):
    """`localize_label` over a result: a string, the `*_label` columns of a frame, or the
    items of a tuple or list."""
    if lang != "en":
        return value
    if isinstance(value, str):
        return localize_label(value, lang)
    if isinstance(value, tuple | list):
        return type(value)(localize_labels(v, lang) for v in value)
    if hasattr(value, "columns"):
        columns = [c for c in value.columns if str(c).endswith("_label")]
        if columns:
            value = value.copy()
            for column in columns:
                value[column] = [localize_label(v, lang) for v in value[column]]
    return value
