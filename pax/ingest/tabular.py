"""Municipal CSV and Excel exports: incident logs, EST reports, monthly counts, action
ledgers. Swedish Excel writes `;` with decimal comma in Windows-1252 or UTF-8 with BOM;
column names may be English (canonical) or Swedish (the list below, documented in
`data/README.md`).

Recognised beyond the headers:
- A column whose non-empty values are all DeSO codes (`0181C1050`) or RegSO codes
  (`0181R001`, optionally followed by the name) is the area code whatever its header (the
  police's offence extracts call it `DeSO.område`), unless `--map area_code=…` names another.
- The police's offence extracts: `Brottsdatum` is the event date, `Inskrivningsdatum` (the
  registration date) is not read, `Antal` is the count, `Brottskod`/`Brottskod.klartext` choose
  the category through the category aliases (the text is not stored: events have no
  description column), and `Kommun`/`Län` skip the rows of other municipalities.
- A row whose `kommun` or `län` names another municipality or county, or whose DeSO/RegSO code
  belongs to another municipality, is skipped (counted, not rejected), as in the other
  readers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from pax import config, model
from pax.i18n import MONTHS_SV
from pax.ingest import places
from pax.ingest.core import (
    AreaIndex,
    Collected,
    Context,
    ImportRefused,
    Options,
    Parsed,
    Reject,
    content_ids,
    municipality_names,
    norm_header,
)
from pax.periods import parse_period

# Canonical column → the headers that mean it (compared after norm_header).
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "händelse-id", "handelse-id", "händelseid", "ärendenummer", "ärende", "löpnummer"),
    "occurred_at": ("occurred_at", "datum och tid", "tidpunkt", "datetime", "händelsetid"),
    "date": ("date", "datum", "dag", "brottsdatum", "händelsedatum"),
    "time": ("time", "tid", "klockslag", "kl", "brottstid"),
    "category": (
        "category",
        "kategori",
        "händelsetyp",
        "handelsetyp",
        "typ av händelse",
        "brottstyp",
        "brottskategori",
    ),
    "lat": ("lat", "latitude", "latitud"),
    "lon": ("lon", "lng", "long", "longitude", "longitud"),
    "x": ("x", "x-koordinat", "x_koordinat"),
    "y": ("y", "y-koordinat", "y_koordinat"),
    "n_coord": ("n", "northing", "nord", "n-koordinat"),
    "e_coord": ("e", "easting", "öst", "ost", "e-koordinat"),
    "area_code": (
        "area_code",
        "område",
        "omrade",
        "deso",
        "deso-kod",
        "desokod",
        "regso",
        "stadsdel",
        "områdeskod",
    ),
    "municipality": ("municipality", "kommun", "kommunkod", "kommunnamn"),
    "county": ("county", "län", "lan", "länskod", "länsnamn"),
    "offence_code": ("offence_code", "brottskod"),
    "offence_text": (
        "offence_text",
        "brottskod.klartext",
        "brottskod klartext",
        "brottskod_klartext",
        "brottsbenämning",
    ),
    "registered_at": ("registered_at", "inskrivningsdatum", "registreringsdatum"),
    "count": ("count", "antal", "antal händelser", "antal brott", "n_events"),
    "source_ref": ("source_ref", "referens", "källreferens", "diarienummer", "dnr"),
    "indicator": ("indicator", "indikator", "nyckeltal", "kpi"),
    "period": ("period", "år", "ar", "månad", "manad", "year", "month", "kvartal", "vecka"),
    "value": ("value", "värde", "varde", "utfall"),
    "numerator": ("numerator", "täljare", "taljare"),
    "denominator": ("denominator", "nämnare", "namnare", "urval", "antal svarande"),
    "breakdown": (
        "breakdown",
        "uppdelning",
        "förvaltning",
        "forvaltning",
        "verksamhet",
        "aktör",
        "aktor",
    ),
    "type": ("type", "insatstyp", "typ av insats", "insats"),
    "start": ("start", "startdatum", "från", "fran", "from"),
    "end": ("end", "slutdatum", "till", "to", "tom", "t.o.m."),
    "intensity": ("intensity", "intensitet", "omfattning", "timmar"),
    "owner": ("owner", "ansvarig", "ägare", "agare", "huvudman"),
}
KIND_COLUMNS = {
    "measures": {"indicator", "value"},
    "interventions": {"type", "start"},
    "events": {"category"},
}
MONTH_NUMBERS = {name[:3]: i + 1 for i, name in enumerate(MONTHS_SV)}
MONTH_NUMBERS.update({name: i + 1 for i, name in enumerate(MONTHS_SV)})
MONTH_NUMBERS.update({"maj": 5, "juni": 6, "juli": 7, "sept": 9})
SWEDISH_DATE = re.compile(
    r"^(\d{1,2})\s+([a-zåäö]+)\.?\s+(\d{4})(?:,?\s+(?:kl\.?\s*)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?$"
)
ISO_DATE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt\s]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\.\d+)?)?"
    r"\s*(z|[+-]\d{2}:?\d{2})?$"
)
EARLIEST = dt.datetime(2000, 1, 1)
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# Area codes recognised by their values: DeSO (`0181C1050`) and RegSO (`0181R001`), either
# optionally followed by the area's name (`0181C1050 Hovsjö`).
AREA_CODE = re.compile(r"^(\d{4}[A-C]\d{4}|\d{4}R\d{3,4})(?:\s+(\S.*))?$", re.IGNORECASE)
DESO_CODE = re.compile(r"^\d{4}[A-C]\d{4}$", re.IGNORECASE)
REGSO_CODE = re.compile(r"^\d{4}R\d{3,4}$", re.IGNORECASE)
# Values of a `kommun` or `län` column that are not another municipality or county.
SWEDEN_NAMES = {"riket", "sverige", "hela landet", "se", "00", "0000"}
# A category alias shorter than this is not looked for inside a longer offence text.
MIN_CONTAINED_ALIAS = 5


def decode(raw: bytes) -> tuple[str, str]:
    """Text and the encoding found: UTF-8 (with or without BOM), UTF-16, or Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "UTF-8 med BOM"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "UTF-16"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "Windows-1252"


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ";,\t|"}
        return max(counts, key=counts.get)


def read_table(path: Path, fmt: str, notes: list[str]) -> pd.DataFrame:
    """All cells as text; row numbers as in a spreadsheet (header = row 1)."""
    if fmt == "xlsx":
        try:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a broken workbook
            raise ImportRefused(f"Excel-filen {path.name} gick inte att läsa ({exc}).") from exc
    else:
        text, encoding = decode(path.read_bytes())
        delimiter = sniff_delimiter(text)
        names = {";": "semikolon", ",": "komma", "\t": "tabb", "|": "lodstreck"}
        notes.append(f"Teckenkodning {encoding}, avgränsare {names[delimiter]}.")
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                dtype=str,
                keep_default_na=False,
                skipinitialspace=True,
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ImportRefused(f"Filen {path.name} gick inte att läsa som CSV ({exc}).") from exc
    if frame.empty and len(frame.columns) == 0:
        raise ImportRefused(f"Filen {path.name} är tom.")
    frame = frame.dropna(how="all")
    frame = frame[~(frame.astype(str).apply(lambda c: c.str.strip()) == "").all(axis=1)]
    frame.insert(0, "row", frame.index + 2)
    return frame.reset_index(drop=True)


def map_columns(frame: pd.DataFrame, mapping: dict[str, str], notes: list[str]) -> pd.DataFrame:
    """Rename recognised headers to canonical names; report the ones left unknown.

    A column of DeSO or RegSO codes is the area code whatever its header (unless the user
    mapped `area_code` or that column); a registration date is recognised and left out."""
    lookup = {alias: canon for canon, aliases in ALIASES.items() for alias in aliases}
    renamed, unknown, ignored = {}, [], []
    explicit = {norm_header(col): canon for canon, col in mapping.items()}
    missing_maps = set(explicit) - {norm_header(c) for c in frame.columns}
    if missing_maps:
        raise ImportRefused(f"--map anger kolumner som inte finns i filen: {sorted(missing_maps)}.")
    by_codes = None if "area_code" in mapping else _area_code_column(frame, explicit, lookup)
    if by_codes:
        renamed[by_codes[0]] = "area_code"
    displaced = []
    for col in frame.columns:
        if col == "row" or col in renamed:
            continue
        key = norm_header(col)
        canon = explicit.get(key) or lookup.get(key)
        if canon == "registered_at" and key not in explicit:
            ignored.append(str(col))
        elif canon and canon not in renamed.values():
            renamed[col] = canon
        elif canon == "area_code" and by_codes:
            displaced.append(str(col))
        else:
            unknown.append(str(col))
    if by_codes:
        col, level = by_codes
        if lookup.get(norm_header(col)) != "area_code":
            notes.append(
                f"Kolumnen {col!r} innehåller {level}-koder och används som område (oavsett "
                f"rubrik); raderna placeras på {level.replace('- och', ' respektive')}."
            )
        if displaced:
            notes.append(
                f"Kolumnen {', '.join(repr(c) for c in displaced)} lästes inte: området tas "
                f"från koderna i {col!r}."
            )
    for col in ignored:
        notes.append(
            f"Kolumnen {col!r} är registreringsdatum och lästes inte; händelsens tid tas från "
            "brottsdatum/datum."
        )
    if unknown:
        notes.append(f"Okända kolumner (lästes inte): {', '.join(unknown)}.")
    out = frame.rename(columns=renamed)[["row", *renamed.values()]]
    out.attrs["original"] = {canon: str(col) for col, canon in renamed.items()}
    return out


def _area_code_column(
    frame: pd.DataFrame, explicit: dict[str, str], lookup: dict[str, str]
) -> tuple[str, str] | None:
    """(column, 'DeSO' | 'RegSO' | 'DeSO- och RegSO') of the column whose non-empty values are
    all area codes; a column the user mapped is left alone. Prefers a column whose header
    already says area, then DeSO over RegSO, then the first."""
    found = []
    for col in frame.columns:
        if col == "row" or norm_header(col) in explicit:
            continue
        values = frame[col].astype(str).str.strip()
        values = values[values.ne("") & ~values.isin(["nan", "None"])]
        if values.empty:
            continue
        parts = values.str.extract(AREA_CODE)[0]
        if parts.isna().any():
            continue
        deso = parts.str.match(DESO_CODE)
        level = "DeSO" if deso.all() else "RegSO" if not deso.any() else "DeSO- och RegSO"
        rank = (lookup.get(norm_header(col)) != "area_code", level != "DeSO")
        found.append((rank, len(found), str(col), level))
    if not found:
        return None
    _, _, col, level = min(found)
    return col, level


def area_key(index: AreaIndex, value) -> str | None:
    """Our key for what a file writes as area: a DeSO code, RegSO name, the municipality,
    or a code followed by the area's name (`0181C1050 Hovsjö`)."""
    key = index.area_key(value)
    if key is None and value is not None and not pd.isna(value):
        m = AREA_CODE.match(str(value).strip())
        if m and m.group(2):
            key = index.area_key(m.group(1)) or index.area_key(m.group(2))
    return key


def _unknown_area(value) -> str:
    text = str(value).strip()
    if REGSO_CODE.match(text):
        return (
            f"RegSO-koden {text!r} finns inte i geografin för {model.KOMMUN_NAME}; "
            "ange en av kommunens RegSO-koder, RegSO-namnet eller DeSO-koden"
        )
    return f"okänt område {value!r} (ange DeSO-kod eller RegSO-namn)"


def detect_kind(columns: set[str]) -> str | None:
    for kind, needed in KIND_COLUMNS.items():
        if needed <= columns:
            return kind
    if columns & {"date", "occurred_at"} and columns & {
        "lat",
        "x",
        "area_code",
        "n_coord",
        "offence_code",
        "offence_text",
    }:
        return "events"
    return None


def _is_our_municipality(value: str) -> bool:
    """The kommun of PAX_KOMMUN by name or code, however written (`0181`, `Södertälje
    kommun`, `0181 Södertälje`, `Södertälje (0181)`)."""
    key = config.fold(norm_header(value))
    kommun = config.kommun()
    code = re.escape(kommun.code.lstrip("0"))
    return (
        key in municipality_names()
        or config.fold(kommun.name) in key
        or re.search(rf"(?<!\d)0?{code}(?!\d)", key) is not None
    )


def _is_other_municipality(value: str) -> bool:
    """A `kommun` value naming a municipality other than ours (not Riket)."""
    key = norm_header(value)
    return bool(key) and key not in SWEDEN_NAMES and not _is_our_municipality(key)


def _is_other_county(value: str) -> bool:
    """A `län` value naming a county other than our kommun's."""
    key = norm_header(value)
    kommun = config.kommun()
    ours = kommun.county_keys()
    folded = config.fold(key)
    stem = config.fold(kommun.county_name).removesuffix(" lan").removesuffix("s")
    if not key or folded in ours or key in SWEDEN_NAMES or (stem and stem in folded):
        return False
    m = re.match(r"^(\d{1,2})\b", key)
    return int(m.group(1)) != int(kommun.county) if m else True


def _skip_other_places(frame: pd.DataFrame) -> tuple[pd.DataFrame, int, str]:
    """Drop the rows about another municipality (by `kommun`, `län` or the municipality
    prefix of a DeSO/RegSO code): skipped, like the other readers do, not rejected."""
    other = pd.Series(False, index=frame.index)
    seen: set[str] = set()
    checks = [("municipality", _is_other_municipality), ("county", _is_other_county)]
    for column, test in checks:
        if column in frame:
            values = frame[column].astype(str).str.strip()
            hit = ~other & values.map(test)
            seen.update(values[hit])
            other |= hit
    if "area_code" in frame:
        codes = frame["area_code"].astype(str).str.strip().str.upper()
        prefix = codes.str.extract(AREA_CODE)[0].str[:4]
        hit = ~other & prefix.notna() & prefix.ne(model.KOMMUN_CODE)
        seen.update(codes[hit])
        other |= hit
    skipped = int(other.sum())
    if not skipped:
        return frame, 0, ""
    examples = ", ".join(sorted(seen)[:5])
    reason = (
        f"{skipped} rader gällde andra kommuner eller län än {model.KOMMUN_NAME} "
        f"(t.ex. {examples}) "
        "och hoppades över."
    )
    return frame[~other], skipped, reason


def parse_datetime(text: str) -> dt.datetime | None:
    """ISO (`2024-03-05`, `2024-03-05 21.30`) or Swedish (`5 mars 2024`, `5 mars 2024 21.30`)."""
    value = str(text).strip().lower()
    if not value:
        return None
    m = ISO_DATE.match(value)
    zone = None
    if m:
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups()[:6])
        zone = m.group(7)
    else:
        m = SWEDISH_DATE.match(value)
        if not m or m.group(2) not in MONTH_NUMBERS:
            return None
        d, y = int(m.group(1)), int(m.group(3))
        mo = MONTH_NUMBERS[m.group(2)]
        h, mi, s = (int(g) if g else 0 for g in m.groups()[3:])
    try:
        when = dt.datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None
    if zone:  # an explicit offset: store Swedish wall-clock time, like every other row
        offset = dt.UTC if zone == "z" else dt.datetime.strptime(zone.replace(":", ""), "%z").tzinfo
        local = when.replace(tzinfo=offset).astimezone(STOCKHOLM)
        when = local.replace(tzinfo=None)
    return when


def parse_time(text: str) -> tuple[int, int] | None:
    m = re.match(r"^(\d{1,2})[:.](\d{2})(?:[:.]\d{2})?$", str(text).strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        return None
    return int(m.group(1)), int(m.group(2))


def parse_number(series: pd.Series) -> pd.Series:
    """Swedish or English numbers: `1 234,5`, `1234.5`, `12 %`; blanks are missing."""
    text = series.astype(str).str.strip().str.replace("\u00a0", "").str.replace(" ", "")
    text = text.str.rstrip("%").str.replace("−", "-")
    both = text.str.contains(",") & text.str.contains(r"\.")
    text = text.where(~both, text.str.replace(".", "", regex=False))
    text = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(text.replace("", np.nan), errors="coerce")


def _reject_rows(
    frame: pd.DataFrame,
    mask: pd.Series,
    column: str,
    values: pd.Series,
    reason,
    rejects: list[Reject],
) -> pd.DataFrame:
    for i in frame.index[mask]:
        why = reason(values.at[i]) if callable(reason) else reason
        rejects.append(Reject(int(frame.at[i, "row"]), column, str(values.at[i]), why))
    return frame[~mask]


def _place(
    frame: pd.DataFrame,
    index: AreaIndex,
    opts: Options,
    rejects: list[Reject],
    notes: list[str],
) -> pd.DataFrame:
    """Point, area or municipality for each row; rows with no place are rejected."""
    frame["precision"] = None
    frame["lat_wgs"], frame["lon_wgs"] = np.nan, np.nan
    pairs = [("lon", "lat"), ("e_coord", "n_coord"), ("y", "x")]
    for first, second in pairs:
        if first in frame and second in frame:
            try:
                lon, lat = places.to_wgs84(
                    frame[first],
                    frame[second],
                    opts.crs,
                    frame["row"],
                    rejects,
                    notes,
                    default="EPSG:4326" if first == "lon" else None,
                )
            except ValueError as exc:
                raise ImportRefused(f"Koordinaterna i kolumnerna {first}/{second}: {exc}.") from exc
            frame["lon_wgs"], frame["lat_wgs"] = lon, lat
            break
    bad_coord_rows = {r.row for r in rejects if r.column == "koordinater"}
    frame = frame[~frame["row"].isin(bad_coord_rows)].copy()
    given = (
        frame["area_code"].astype(str).str.strip()
        if "area_code" in frame
        else pd.Series("", index=frame.index)
    )
    given = given.where(~given.isin(["nan", "None"]), "")
    frame["area_code"] = None
    frame = places.place_points(frame, index, rejects, "lon_wgs", "lat_wgs")
    given = given.reindex(frame.index)
    keys = given.map(lambda v: area_key(index, v))
    unknown = frame["precision"].isna() & given.ne("") & keys.isna()
    frame = _reject_rows(frame, unknown, "area_code", given, _unknown_area, rejects)
    keys = keys.reindex(frame.index)
    use = frame["precision"].isna() & keys.notna()
    frame.loc[use, "area_code"] = keys[use]
    frame.loc[use, "precision"] = np.where(keys[use] == model.KOMMUN_CODE, "municipality", "area")
    if "municipality" in frame:
        muni = frame["municipality"].astype(str).str.strip()
        no_place = frame["precision"].isna()
        ours = muni.map(_is_our_municipality)
        other = no_place & muni.ne("") & ~ours
        frame = _reject_rows(
            frame,
            other,
            "municipality",
            muni,
            lambda v: f"raden gäller en annan kommun ({v})",
            rejects,
        )
        use = frame["precision"].isna() & ours.reindex(frame.index).fillna(False).astype(bool)
        frame.loc[use, "area_code"] = model.KOMMUN_CODE
        frame.loc[use, "precision"] = "municipality"
    missing = frame["precision"].isna()
    return _reject_rows(
        frame,
        missing,
        "plats",
        pd.Series("", index=frame.index),
        "raden saknar plats: ange punkt, område eller kommun",
        rejects,
    )


def _events(
    frame: pd.DataFrame,
    opts: Options,
    categories: dict[str, str],
    index: AreaIndex,
    rejects: list[Reject],
    notes: list[str],
) -> pd.DataFrame:
    # When: occurred_at, or date plus an optional time column.
    if "occurred_at" in frame:
        raw = frame["occurred_at"].astype(str)
    elif "date" in frame:
        raw = frame["date"].astype(str)
    else:
        raise ImportRefused("Filen saknar datum (kolumnen datum eller occurred_at).")
    when = raw.map(parse_datetime)
    frame = _reject_rows(
        frame,
        when.isna(),
        "datum",
        raw,
        lambda v: f"datumet {v!r} går inte att tolka (använd 2024-03-05 eller 5 mars 2024)",
        rejects,
    )
    when = when[frame.index]
    if "time" in frame and "occurred_at" not in frame:
        times = frame["time"].astype(str)
        parsed = times.map(lambda v: parse_time(v) if v.strip() else (None, None))
        bad = parsed.isna()
        frame = _reject_rows(
            frame, bad, "tid", times, lambda v: f"klockslaget {v!r} går inte att tolka", rejects
        )
        parsed = parsed[frame.index]
        when = pd.Series(
            [
                w.replace(hour=p[0], minute=p[1]) if p[0] is not None else w
                for w, p in zip(when[frame.index], parsed)
            ],
            index=frame.index,
        )
    frame = frame.assign(occurred_at=pd.to_datetime(when[frame.index]))
    # What: a category from the catalogue (by id, Swedish or English label or alias), else
    # from the offence code or text of a police extract.
    offence = [c for c in ("offence_text", "offence_code") if c in frame]
    if opts.category:
        if opts.category not in categories.values():
            raise ImportRefused(f"--category {opts.category!r} finns inte i katalogen.")
        frame["category"] = opts.category
    elif "category" in frame:
        raw_cat = frame["category"].astype(str)
        mapped = raw_cat.map(lambda v: categories.get(norm_header(v)))
        frame = _reject_rows(
            frame, mapped.isna(), "kategori", raw_cat, lambda v: f"okänd kategori {v!r}", rejects
        )
        frame["category"] = mapped[frame.index]
    elif offence:
        frame = _offence_categories(frame, categories, rejects, notes)
        offence = []
    else:
        raise ImportRefused(
            "Filen saknar kategori (kolumnen kategori eller händelsetyp); "
            "ange --category för hela filen."
        )
    if offence:
        notes.append(
            f"Kolumnen {', '.join(frame.attrs.get('original', {}).get(c, c) for c in offence)} "
            "lästes inte: kategorin kommer från "
            + ("--category." if opts.category else "kategorikolumnen.")
        )
    # How many: a count column means the row stands for that many events.
    if "count" in frame:
        counts = parse_number(frame["count"]).fillna(1)  # a blank count is one event
        bad = counts.isna() | (counts < 1) | (counts != counts.round())
        frame = _reject_rows(
            frame,
            bad,
            "antal",
            frame["count"],
            lambda v: f"antalet {v!r} måste vara ett heltal, minst 1",
            rejects,
        )
        frame["n"] = counts[frame.index].astype(int)
    else:
        frame["n"] = 1
    frame = _place(frame, index, opts, rejects, notes)
    out = pd.DataFrame(
        {
            "row": frame["row"],
            "occurred_at": frame["occurred_at"],
            "category": frame["category"],
            "lat": frame["lat_wgs"].where(frame["precision"].isin(["exact", "snapped"])),
            "lon": frame["lon_wgs"].where(frame["precision"].isin(["exact", "snapped"])),
            "area_code": frame["area_code"],
            "precision": frame["precision"],
            "n": frame["n"],
            "source_ref": frame["source_ref"].astype(str) if "source_ref" in frame else None,
        }
    )
    if "id" in frame and frame["id"].astype(str).str.strip().ne("").all():
        out.insert(0, "id", frame["id"].astype(str).str.strip())
    else:
        out.insert(
            0,
            "id",
            content_ids(out, ["occurred_at", "category", "lat", "lon", "area_code", "n"], "imp-"),
        )
    return out.reset_index(drop=True)


class _OffenceMatcher:
    """An offence (code and text of a police extract) → a category, through the category
    aliases only: the text itself, the code, or the one category whose alias (at least
    MIN_CONTAINED_ALIAS letters) stands as a whole word or phrase in the text. No keyword
    list of our own: "skjutvapen" also names a stolen gun, so a municipality that wants an
    offence counted adds its code or text as an alias in `data/event_categories.csv`. An
    alias of words joined by `+` (`brand+motorfordon`) matches a text holding every one of
    them as a word, in any order ("Skadegörelse genom brand, motorfordon")."""

    def __init__(self, categories: dict[str, str]):
        self.categories = categories

        def words(alias: str) -> list[re.Pattern]:
            return [
                re.compile(rf"(?<!\w){re.escape(part.strip())}(?!\w)")
                for part in alias.split("+")
                if part.strip()
            ]

        self.contained = [
            (words(alias), cat)
            for alias, cat in categories.items()
            if len(alias) >= MIN_CONTAINED_ALIAS and re.search(r"[^\W\d_]", alias)
        ]

    def match(self, code: str, text: str) -> tuple[str | None, str]:
        """(category or None, how: 'text', 'code', 'alias' or the reason it failed)."""
        key = norm_header(text)
        if key and key in self.categories:
            return self.categories[key], "text"
        if code and norm_header(code) in self.categories:
            return self.categories[norm_header(code)], "code"
        found = sorted(
            {cat for parts, cat in self.contained if key and all(p.search(key) for p in parts)}
        )
        if len(found) == 1:
            return found[0], "alias"
        label = " ".join(p for p in (code, text) if p)
        if found:
            return None, (
                f"brottet {label!r} passar flera kategorier ({', '.join(found)}); ange "
                "--category eller lägg brottskoden som alias i data/event_categories.csv"
            )
        return None, (
            f"brottet {label!r} hör inte till någon kategori; lägg brottskoden eller texten som "
            "alias i data/event_categories.csv eller ange --category"
        )


def _offence_categories(
    frame: pd.DataFrame, categories: dict[str, str], rejects: list[Reject], notes: list[str]
) -> pd.DataFrame:
    """The category of each row from its offence code and text; the text is not kept."""
    blank = pd.Series("", index=frame.index)
    codes = frame["offence_code"].astype(str).str.strip() if "offence_code" in frame else blank
    texts = frame["offence_text"].astype(str).str.strip() if "offence_text" in frame else blank
    matcher = _OffenceMatcher(categories)
    cache: dict[tuple[str, str], tuple[str | None, str]] = {}
    results = pd.Series(
        [cache.setdefault((c, t), matcher.match(c, t)) for c, t in zip(codes, texts)],
        index=frame.index,
        dtype=object,
    )
    cats = results.map(lambda r: r[0])
    column = "offence_text" if "offence_text" in frame else "offence_code"
    shown = (codes + " " + texts).str.strip()
    reasons = results.map(lambda r: r[1])
    bad = cats.isna()
    for i in frame.index[bad]:
        rejects.append(Reject(int(frame.at[i, "row"]), column, shown.at[i], reasons.at[i]))
    frame = frame[~bad].copy()
    frame["category"] = cats[frame.index]
    original = frame.attrs.get("original", {})
    used = [original.get(c, c) for c in ("offence_code", "offence_text") if c in frame]
    pairs = sorted({(shown.at[i], cats.at[i]) for i in frame.index})
    listed = "; ".join(f"{text!r} → {cat}" for text, cat in pairs[:8])
    more = f" och {len(pairs) - 8} till" if len(pairs) > 8 else ""
    notes.append(
        f"Kategorin valdes ur {' och '.join(used)} via kategoriernas alias"
        + (f" ({listed}{more})" if pairs else "")
        + ". Brottstexten lagras inte: händelser har ingen beskrivningskolumn."
    )
    return frame


def _measures(frame: pd.DataFrame, index: AreaIndex, rejects: list[Reject]) -> pd.DataFrame:
    for col in ("indicator", "value", "period"):
        if col not in frame:
            raise ImportRefused(
                f"Filen saknar kolumnen {col} (mått kräver indikator, område, period och värde)."
            )
    if "area_code" not in frame:
        frame["area_code"] = model.KOMMUN_CODE
    area = frame["area_code"].astype(str)
    keys = area.map(lambda v: area_key(index, v))
    frame = _reject_rows(
        frame, keys.isna(), "area_code", area, lambda v: f"okänt område {v!r}", rejects
    )
    frame["area_code"] = keys[frame.index]
    periods = frame["period"].astype(str).map(_safe_period)
    frame = _reject_rows(
        frame,
        periods.isna(),
        "period",
        frame["period"],
        lambda v: f"okänd period {v!r} (använd 2024, 2024-Q1, 2024-03 eller 2024-W09)",
        rejects,
    )
    values = parse_number(frame["value"])
    frame = _reject_rows(
        frame,
        values.isna(),
        "value",
        frame["value"],
        lambda v: f"värdet {v!r} är inte ett tal",
        rejects,
    )
    out = pd.DataFrame(
        {
            "row": frame["row"],
            "indicator": frame["indicator"].astype(str).str.strip(),
            "area_code": frame["area_code"],
            "period": frame["period"].astype(str).str.strip(),
            "value": values[frame.index],
            "numerator": parse_number(frame["numerator"]) if "numerator" in frame else np.nan,
            "denominator": parse_number(frame["denominator"]) if "denominator" in frame else np.nan,
            "breakdown": frame["breakdown"].astype(str).str.strip() if "breakdown" in frame else "",
        }
    )
    return out.reset_index(drop=True)


def _safe_period(text: str):
    try:
        return parse_period(text)
    except ValueError:
        return None


def _interventions(
    frame: pd.DataFrame,
    opts: Options,
    index: AreaIndex,
    rejects: list[Reject],
    notes: list[str],
) -> pd.DataFrame:
    labels = {}
    for key, (sv, en) in model.INTERVENTION_TYPES.items():
        labels.update({key: key, norm_header(sv): key, norm_header(en): key})
    raw = frame["type"].astype(str)
    types = raw.map(lambda v: labels.get(norm_header(v)))
    frame = _reject_rows(
        frame, types.isna(), "type", raw, lambda v: f"okänd insatstyp {v!r}", rejects
    )
    frame["type"] = types[frame.index]
    starts = frame["start"].astype(str).map(parse_datetime)
    frame = _reject_rows(
        frame,
        starts.isna(),
        "start",
        frame["start"],
        lambda v: f"startdatumet {v!r} går inte att tolka",
        rejects,
    )
    ends = (
        frame["end"].astype(str).map(lambda v: parse_datetime(v) if v.strip() else None)
        if "end" in frame
        else pd.Series(None, index=frame.index)
    )
    bad_end = (
        frame["end"].astype(str).str.strip().ne("") & ends.isna()
        if "end" in frame
        else pd.Series(False, index=frame.index)
    )
    frame = _reject_rows(
        frame,
        bad_end,
        "end",
        frame.get("end", pd.Series("", index=frame.index)),
        lambda v: f"slutdatumet {v!r} går inte att tolka",
        rejects,
    )
    frame = _place(frame, index, opts, rejects, notes)
    out = pd.DataFrame(
        {
            "row": frame["row"],
            "type": frame["type"],
            "area_code": frame["area_code"],
            "lat": frame["lat_wgs"].where(frame["precision"].isin(["exact", "snapped"])),
            "lon": frame["lon_wgs"].where(frame["precision"].isin(["exact", "snapped"])),
            "start_date": pd.to_datetime(starts[frame.index]).dt.date,
            "end_date": pd.to_datetime(ends.reindex(frame.index)).dt.date,
            "intensity": parse_number(frame["intensity"]) if "intensity" in frame else np.nan,
            "owner": frame["owner"].astype(str) if "owner" in frame else None,
        }
    )
    out.insert(
        0,
        "id",
        content_ids(
            out, ["type", "area_code", "lat", "lon", "start_date", "end_date", "owner"], "imp-int-"
        ),
    )
    return out.reset_index(drop=True)


def read(path: Path, fmt: str, opts: Options, ctx: Context) -> Parsed:
    """Read a municipal CSV/XLSX file into canonical rows of the detected kind."""
    out = Collected()
    table = read_table(path, fmt, out.notes)
    rows_read = len(table)
    if rows_read == 0:
        raise ImportRefused(f"Filen {path.name} har rubriker men inga rader.")
    table = map_columns(table, opts.mapping, out.notes)
    kind = opts.kind or detect_kind(set(table.columns))
    if kind is None:
        raise ImportRefused(
            f"Filen {path.name}: kunde inte avgöra vad den innehåller – kolumnerna "
            f"{', '.join(c for c in table.columns if c != 'row') or '(inga kända)'} räcker inte. "
            "Ange --kind och vid behov --map KANONISK=KOLUMN."
        )
    if not opts.kind:
        out.note(f"Innehåll upptäckt: {kind}.")
    original = table.attrs.get("original", {})
    table, skipped, skipped_reason = _skip_other_places(table)
    out.skip(count=skipped)
    table.attrs["original"] = original
    if table.empty:
        raise ImportRefused(
            f"Filen {path.name} gäller bara andra kommuner än {model.KOMMUN_NAME} "
            f"({skipped} rader); "
            "inget att importera."
        )
    if kind == "events":
        frame = _events(table, opts, ctx.categories, ctx.index, out.rejects, out.notes)
    elif kind == "measures":
        frame = _measures(table, ctx.index, out.rejects)
    elif kind == "interventions":
        if "type" not in table or "start" not in table:
            raise ImportRefused(
                "Insatser kräver kolumnerna type (insatstyp) och start (startdatum)."
            )
        frame = _interventions(table, opts, ctx.index, out.rejects, out.notes)
    else:
        raise ImportRefused(f"Typen {kind} kan inte läsas från {fmt}; använd geojson eller gpkg.")
    return out.parsed(kind, fmt, frame, rows_read, skipped_reason=skipped_reason, columns=original)
