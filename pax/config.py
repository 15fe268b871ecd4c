"""Every setting of Pax lägesbild, declared once.

Each setting has a name (the environment variable), a default and a help text.
`tests/unit/test_config.py` proves that each one is documented in the README, so a
setting cannot be added without telling the people who run the app about it.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    parse: Callable[[str], object] = str


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value) if value else dt.date.today()


def _dates(value: str) -> list[dt.date]:
    """ISO dates separated by commas, semicolons or spaces (empty: none)."""
    out = []
    for part in value.replace(";", ",").replace(" ", ",").split(","):
        if part.strip():
            try:
                out.append(dt.date.fromisoformat(part.strip()))
            except ValueError as exc:
                raise ValueError(f"{part.strip()!r} är inget datum (ÅÅÅÅ-MM-DD)") from exc
    return sorted(set(out))


def _path(value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else ROOT / path


def _optional_path(value: str) -> Path | None:
    return _path(value) if value.strip() else None


MODES = ("demo", "live")
KOPPLING_FILE = "sweden/deso2018_regso_koppling.csv"  # under PAX_GEO_DIR


def _kommun_code(value: str) -> str:
    code = value.strip()
    if not re.fullmatch(r"\d{4}", code):
        raise ValueError("ange kommunens fyrsiffriga kod, t.ex. 0181 för Södertälje")
    return code


def _mode(value: str) -> str:
    mode = value.strip().lower() or "demo"
    if mode not in MODES:
        raise ValueError("välj demo eller live")
    return mode


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "PAX_KOMMUN",
        "0181",
        "The municipality (kommun code, e.g. `0181` Södertälje, `0127` Botkyrka, `0180` "
        "Stockholm): the store is built on its geography, SCB figures and police-listed "
        "areas, and every page names it. Any code of SCB's DeSO table; outside Stockholms, "
        "Uppsala and Dalarnas län run `python -m pax geo fetch` first.",
        _kommun_code,
    ),
    Setting(
        "PAX_MODE",
        "demo",
        "`demo`: real geography and SCB figures with fictional registers, labelled as such. "
        "`live`: real data only — no fictional record in the store; imported and synced "
        "sources fill it.",
        _mode,
    ),
    Setting(
        "PAX_STORE",
        "",
        "The DuckDB store file (relative to the project); empty means `data/pax.duckdb` in "
        "demo mode and `data/live.duckdb` in live mode.",
        _optional_path,
    ),
    Setting("PAX_DATA_DIR", "data", "Folder with the catalogue, SCB tables and `sources/`.", _path),
    Setting("PAX_GEO_DIR", "geo", "Folder with the boundary and point files.", _path),
    Setting("PAX_DISCLOSURE_K", "3", "Counts from 1 to k-1 are shown as `<k`.", int),
    Setting(
        "PAX_CELL_KEY_NOISE",
        "2",
        "Shown counts of k or more are perturbed by at most this much (the cell-key method, "
        "against differencing of views); 0 shows them exactly.",
        int,
    ),
    Setting(
        "PAX_CELL_KEY_SECRET",
        "pax-demo-secret",
        "Secret salt of the record keys that choose each count's perturbation. Set your own "
        "in production, and keep it: a new secret gives every count new noise.",
    ),
    Setting(
        "PAX_MIN_POPULATION_FOR_RATE",
        "500",
        "Rates per inhabitant are not shown for areas with fewer inhabitants.",
        int,
    ),
    Setting(
        "PAX_MIN_SURVEY_SAMPLE",
        "30",
        "Survey results are not shown for areas with fewer respondents.",
        int,
    ),
    Setting("PAX_DEMO_SEED", "20240101", "Seed of the fictional demo data.", int),
    Setting(
        "PAX_DEMO_END",
        "",
        "Last day of the demo data (ISO date); empty means the day of the build.",
        _date,
    ),
    Setting("PAX_DEMO_YEARS", "5", "Years of demo events ending at PAX_DEMO_END.", int),
    Setting(
        "PAX_DEMO_EVENTS",
        "0",
        "Total demo events; 0 means realistic magnitudes (~1 000 a year). Up to 10 000 000.",
        int,
    ),
    Setting(
        "PAX_MEETING_DATES",
        "",
        "The board's meeting dates (ISO, comma-separated), offered on Översikt as 'since the "
        "last meeting' beside the fixed spans of 7, 14, 28 and 91 days (a free date is for "
        "analysts only).",
        _dates,
    ),
    Setting(
        "PAX_DEFAULT_ROLE",
        "public",
        "Role of a viewer who has not signed in: public, council or analyst.",
    ),
    Setting(
        "PAX_TILES_URL",
        "",
        "Optional online basemap tile URL; empty keeps the map fully offline.",
    ),
    Setting("PAX_TILES_ATTRIBUTION", "", "Attribution text for PAX_TILES_URL."),
    Setting(
        "PAX_DATABASE_URL",
        "",
        "PostgreSQL/PostGIS store the app reads (postgresql://…; a standby near the app "
        "host); empty: the DuckDB file.",
    ),
    Setting(
        "PAX_DATABASE_WRITE_URL",
        "",
        "Primary that builds, imports and syncs publish to; empty: PAX_DATABASE_URL.",
    ),
    Setting(
        "PAX_DATABASE_POOL",
        "4",
        "Largest number of PostgreSQL connections per app process.",
        int,
    ),
    Setting(
        "PAX_CHROMIUM",
        "",
        "Path of the Chromium that prints the briefing's PDF; empty: /usr/bin/chromium, "
        "then chromium on PATH.",
    ),
    Setting(
        "PAX_STATIC_URL",
        "/app/static",
        "URL under which Streamlit serves `static/` (change with a base URL path).",
    ),
    Setting("PAX_LANGUAGE", "sv", "Default language of the interface: sv or en."),
    Setting("PAX_IMPORT_MAX_MB", "200", "Largest file the importer accepts, in MB.", int),
    Setting(
        "PAX_IMPORT_IN_APP",
        "1",
        "0 hides the import panel from analysts too (it is on the analysts' Granskning page).",
        lambda v: v.strip().lower() in ("1", "true", "yes", "ja"),
    ),
    Setting(
        "PAX_ROLES_FILE",
        "",
        "Allow-list file (TOML or CSV) mapping e-mail addresses and group claims to roles; "
        "used with sign-in (see docs/deployment.md).",
        _optional_path,
    ),
    Setting(
        "PAX_ROLES",
        "",
        "Allow-list entries in the environment, e.g. "
        "`anna@kommun.se=analyst;grp:pax-council=council`; merged with PAX_ROLES_FILE.",
    ),
    Setting(
        "PAX_AUDIT",
        "",
        "SQLite file of the audit log (exports and imports); empty means "
        "`audit.sqlite3` beside the store.",
        _optional_path,
    ),
    Setting(
        "PAX_SYNC_CONFIG",
        "sync.toml",
        "The sources `python -m pax sync` fetches (TOML: kind, schedule, parameters).",
        _path,
    ),
    Setting(
        "PAX_SYNC_USER_AGENT",
        "",
        "User-Agent of every sync request: name the application and the organisation and "
        "give a contact (Polisen refuses requests without one); empty: "
        "`Pax-lagesbild/1.0 (<kommun>)` from PAX_KOMMUN — add your contact.",
    ),
    Setting(
        "PAX_POLISEN_URL",
        "https://polisen.se/api/events",
        "Polisen's events API (a mirror or proxy on a closed network; a local server in tests).",
    ),
    Setting(
        "PAX_SCB_WFS_URL",
        "https://geodata.scb.se/geoserver/stat/wfs",
        "SCB's geodata WFS, from which `python -m pax geo fetch` takes the DeSO 2018 "
        "polygons (layer `stat:DeSO_2018`) of a kommun outside the three shipped counties.",
    ),
    Setting("PAX_KOLADA_URL", "https://api.kolada.se/v3", "Kolada's API v3 base URL."),
    Setting(
        "PAX_PXWEB_URL",
        "https://statistikdatabasen.scb.se/api/v2",
        "SCB's PxWeb API v2 base URL.",
    ),
    Setting(
        "PAX_KIOSK_SECONDS",
        "45",
        "Presentation mode (`?kiosk=1`): seconds each page is shown before the next one.",
        int,
    ),
    Setting(
        "PAX_KIOSK_REFRESH_MINUTES",
        "15",
        "Presentation mode: longest time between full reruns while paused, so a rebuilt "
        "store shows up (caches are keyed on the store file's version).",
        int,
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str, env: dict[str, str] | None = None):
    """Return the parsed value of a setting from the environment (or `env`)."""
    setting = _BY_NAME[name]
    source = os.environ if env is None else env
    raw = source.get(name, setting.default)
    try:
        return setting.parse(raw)
    except ValueError as exc:
        raise ValueError(f"Ogiltigt värde för {name}: {raw!r} ({exc})") from exc


def mode(env: dict[str, str] | None = None) -> str:
    return get("PAX_MODE", env)


def store_path(env: dict[str, str] | None = None) -> Path:
    """The store file: PAX_STORE, else one file per mode (a live store never replaces
    the demo's, and switching back and forth needs no rebuild)."""
    default = "data/live.duckdb" if mode(env) == "live" else "data/pax.duckdb"
    return get("PAX_STORE", env) or _path(default)


def user_agent() -> str:
    """PAX_SYNC_USER_AGENT, else the application and the kommun of PAX_KOMMUN (ASCII)."""
    name = unicodedata.normalize("NFKD", kommun().official_name()).encode("ascii", "ignore")
    return get("PAX_SYNC_USER_AGENT") or f"Pax-lagesbild/1.0 ({name.decode()})"


def data_dir() -> Path:
    return get("PAX_DATA_DIR")


def geo_dir() -> Path:
    return get("PAX_GEO_DIR")


def disclosure_k() -> int:
    k = get("PAX_DISCLOSURE_K")
    if k < 1:
        raise ValueError("PAX_DISCLOSURE_K måste vara minst 1")
    return k


# County (län) code → name and letter code, for the sync defaults and the importers'
# "other county" check.
COUNTIES = {
    "01": ("Stockholms län", "AB"),
    "03": ("Uppsala län", "C"),
    "04": ("Södermanlands län", "D"),
    "05": ("Östergötlands län", "E"),
    "06": ("Jönköpings län", "F"),
    "07": ("Kronobergs län", "G"),
    "08": ("Kalmar län", "H"),
    "09": ("Gotlands län", "I"),
    "10": ("Blekinge län", "K"),
    "12": ("Skåne län", "M"),
    "13": ("Hallands län", "N"),
    "14": ("Västra Götalands län", "O"),
    "17": ("Värmlands län", "S"),
    "18": ("Örebro län", "T"),
    "19": ("Västmanlands län", "U"),
    "20": ("Dalarnas län", "W"),
    "21": ("Gävleborgs län", "X"),
    "22": ("Västernorrlands län", "Y"),
    "23": ("Jämtlands län", "Z"),
    "24": ("Västerbottens län", "AC"),
    "25": ("Norrbottens län", "BD"),
}


def fold(text: str) -> str:
    """Lower case, accents folded (`Södertälje` → `sodertalje`), spaces collapsed."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", plain.strip().lower())


# Official names that are not "<name> kommun": the cities (stad) and genitive forms.
OFFICIAL_NAMES = {
    "0180": ("Stockholms stad", "City of Stockholm"),
    "0183": ("Sundbybergs stad", "City of Sundbyberg"),
    "0184": ("Solna stad", "City of Solna"),
    "0186": ("Lidingö stad", "City of Lidingö"),
    "0187": ("Vaxholms stad", "City of Vaxholm"),
    "0360": ("Tierps kommun", "Tierp municipality"),
    "0382": ("Östhammars kommun", "Östhammar municipality"),
    "0381": ("Enköpings kommun", "Enköping municipality"),
    "1280": ("Malmö stad", "City of Malmö"),
    "1480": ("Göteborgs stad", "City of Gothenburg"),
    "2080": ("Falu kommun", "Falun municipality"),
    "2082": ("Säters kommun", "Säter municipality"),
    "2583": ("Haparanda stad", "City of Haparanda"),
}


@dataclass(frozen=True)
class Kommun:
    """The municipality the store is built for (PAX_KOMMUN)."""

    code: str
    name: str
    county: str
    n_deso: int

    def official_name(self, lang: str = "sv") -> str:
        """`Södertälje kommun` / `Södertälje municipality`, `Stockholms stad` / …"""
        sv, en = OFFICIAL_NAMES.get(self.code, (f"{self.name} kommun", f"{self.name} municipality"))
        return en if lang == "en" else sv

    @property
    def county_name(self) -> str:
        return COUNTIES.get(self.county, (f"län {self.county}", ""))[0]

    def name_keys(self) -> set[str]:
        """Ways a file writes this kommun, folded (`sodertalje`, `sodertalje kommun`,
        `0181`, `181`)."""
        keys = {self.name, f"{self.name} kommun", self.official_name(), self.code}
        return {fold(k) for k in keys} | {self.code.lstrip("0")}

    def county_keys(self) -> set[str]:
        """Ways a file writes this kommun's county, folded (`01`, `1`, `ab`,
        `stockholms lan`, `stockholms`, `stockholm`)."""
        name, letter = COUNTIES.get(self.county, ("", ""))
        stem = fold(name).removesuffix(" lan")
        keys = {self.county, self.county.lstrip("0"), fold(letter), fold(name), stem}
        return {k for k in keys | {stem.removesuffix("s")} if k}

    @property
    def file_prefix(self) -> str:
        """`Södertälje` → `sodertalje`: the prefix of the kommun's own files in geo/."""
        text = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


@lru_cache(maxsize=4)
def _kommuner(table: Path) -> dict[str, Kommun]:
    counts: dict[str, list] = {}
    with table.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            entry = counts.setdefault(row["kommun"], [row["kommunnamn"], row["lan"], 0])
            entry[2] += 1
    return {code: Kommun(code, name, county, n) for code, (name, county, n) in counts.items()}


def kommuner() -> dict[str, Kommun]:
    """Every kommun of SCB's DeSO → RegSO table (all 290), by code."""
    return _kommuner(geo_dir() / KOPPLING_FILE)


def kommun(env: dict[str, str] | None = None) -> Kommun:
    """The kommun of PAX_KOMMUN, checked against SCB's DeSO → RegSO table."""
    code = get("PAX_KOMMUN", env)
    found = kommuner().get(code)
    if found is None:
        raise ValueError(
            f"Kommunkoden {code} i PAX_KOMMUN finns inte i SCB:s DeSO-tabell "
            f"({KOPPLING_FILE} i PAX_GEO_DIR); ange en av landets 290 kommunkoder, "
            "t.ex. PAX_KOMMUN=0181 för Södertälje."
        )
    return found
