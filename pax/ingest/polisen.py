"""Polisen's events API (`/api/events`): one response, or several saved back to back.

Each object is `{id, datetime, name, summary, url, type, location: {name, gps}}`.

- `datetime` ("2025-06-07 7:32:06 +02:00", hour not zero-padded) is the *publication* time.
- The event time is at the start of `name`: "06 juni 18.50, Brand, Södertälje" – day, Swedish
  month (full or abbreviated, any case), "HH.MM", and no year. The year is inferred from the
  publication time: the latest date that is at most one day after publication (so an event
  on 31 december published on 1 January belongs to the previous year).
- A title with a date but no time gets 00:00 on that date (the time is unknown, not midnight;
  a note says how many). A title without any date prefix ("Brand, Södertälje") takes the
  publication time, also with a note. A title whose date cannot be read (unknown month,
  31 februari, 25.70) is rejected.
- The municipality is after the last comma of `name` (since early 2026 `location.name` is the
  county). Events elsewhere are skipped, not rejected.
- `gps` is the centroid of the named area, never the event's position: rows get precision
  `municipality`, area 0181 and no coordinates, so they are never drawn as points.
- `summary` is free text written about people and is never kept; `url` is stored as
  `source_ref` (its path only) and never rendered.
- Objects are deduplicated on `id` (the first one wins); the rows that vanish are counted as
  duplicates by the orchestrator, since every kept row carries its object number in `row`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from pax import config, model
from pax.i18n import MONTHS_SV
from pax.ingest.core import Collected, Context, ImportRefused, Options, Parsed, slug

LOCAL_TZ = ZoneInfo("Europe/Stockholm")
KEYS = ("id", "datetime", "name", "summary", "url", "type", "location")
REQUIRED = {"id", "datetime", "name", "type"}

MONTHS = {name: i + 1 for i, name in enumerate(MONTHS_SV)}
MONTHS.update({name[:3]: i + 1 for i, name in enumerate(MONTHS_SV)})
MONTHS.update({"sept": 9})

# "06 juni 18.50", "6 Juni", "06 jun. 18:50", optionally with a year ("06 juni 2025 18.50").
NAME_DATE = re.compile(
    r"^\s*(\d{1,2})\s+([^\W\d_]+)\.?(?:\s+(\d{4}))?(?:\s+(?:kl\.?\s*)?(\d{1,2})[.:](\d{2}))?\s*,"
)
STARTS_WITH_DATE = re.compile(r"^\s*(\d{1,2})\s+([^\W\d_]+)")
PUBLISHED = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
    r"\s*(Z|[+-]\d{1,2}(?::?\d{2})?)?\s*$"
)


# ----------------------------------------------------------------------------- reading


def _values(text: str) -> list:
    """Every JSON value in `text`, back to back or separated by whitespace."""
    decoder = json.JSONDecoder()
    values, pos, end = [], 0, len(text)
    while True:
        while pos < end and text[pos].isspace():
            pos += 1
        if pos >= end:
            return values
        value, pos = decoder.raw_decode(text, pos)
        values.append(value)


def _load(path: Path) -> list:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(f"Filen {path.name} är inte UTF-8-kodad JSON.") from None
    try:
        return _values(text)
    except json.JSONDecodeError as exc:
        raise ImportRefused(
            f"Filen {path.name} är inte giltig JSON (fel på rad {exc.lineno}, kolumn {exc.colno})."
        ) from None


def _is_event(obj) -> bool:
    return isinstance(obj, dict) and REQUIRED <= obj.keys()


def _polisen_shaped(values: list) -> bool:
    """Only arrays, and at least one object in them shaped like an event (the others are
    read and rejected one by one)."""
    if not values or not all(isinstance(v, list) for v in values):
        return False
    return any(_is_event(o) for v in values for o in v)


def looks_like(path: Path) -> bool:
    """True for a file holding one or more Polisen API responses (JSON arrays of events)."""
    try:
        return _polisen_shaped(_load(Path(path)))
    except (ImportRefused, OSError):
        return False


# ----------------------------------------------------------------------------- parsing


def _fold(text: str) -> str:
    """Lower case, å/ä/ö (and any accent) folded to a/a/o, inner spaces collapsed."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", plain.strip().lower())


def is_our_kommun(place: str) -> bool:
    """The place of a title names the kommun of PAX_KOMMUN (`Södertälje`, `Södertälje
    kommun`)."""
    return _fold(place) in config.kommun().name_keys()


def place_of(name: str) -> str | None:
    """The place after the last comma of the title, or None without a comma."""
    if "," not in name:
        return None
    place = name.rsplit(",", 1)[1].strip()
    return place or None


def parse_published(text) -> dt.datetime | None:
    """Publication time as a naive Europe/Stockholm wall-clock datetime."""
    if not isinstance(text, str):
        return None
    m = PUBLISHED.match(text)
    if not m:
        return None
    y, mo, d, h, mi, s, zone = m.groups()
    try:
        when = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s or 0))
    except ValueError:
        return None
    if zone:
        if zone == "Z":
            offset = dt.timedelta(0)
        else:
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
            offset = sign * dt.timedelta(hours=int(hours), minutes=int(minutes))
        aware = when.replace(tzinfo=dt.timezone(offset))
        when = aware.astimezone(LOCAL_TZ).replace(tzinfo=None)
    return when


def _infer_year(day: int, month: int, published: dt.datetime) -> dt.date | None:
    """The latest valid date (day, month) at most one day after the publication date."""
    limit = published.date() + dt.timedelta(days=1)
    for year in (published.year + 1, published.year, published.year - 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if candidate <= limit:
            return candidate
    return None


def parse_name_time(name: str, published: dt.datetime) -> tuple[dt.datetime | None, str]:
    """Event time from the title: (datetime, how) where how is "full", "date_only" or
    "published"; (None, reason) when the title has a date that cannot be read."""
    m = NAME_DATE.match(name)
    month = MONTHS.get(m.group(2).lower()) if m else None
    if month is None:
        if m and m.group(4) is not None:  # "06 jumi 18.50, …": a date with a bad month
            return None, f"okänd månad {m.group(2)!r} i rubriken"
        start = STARTS_WITH_DATE.match(name)
        if start and start.group(2).lower() in MONTHS:  # "06 juni18.50, …"
            return None, "datumet i rubriken går inte att tolka"
        return published, "published"  # no date at all ("Brand, Södertälje")
    day, month_text, year, hour, minute = m.groups()
    if year:
        try:
            date = dt.date(int(year), month, int(day))
        except ValueError:
            date = None
    else:
        date = _infer_year(int(day), month, published)
    if date is None:
        return None, f"datumet {day} {month_text} i rubriken finns inte"
    if hour is None:
        return dt.datetime.combine(date, dt.time()), "date_only"
    if int(hour) > 23 or int(minute) > 59:
        return None, f"klockslaget {hour}.{minute} i rubriken går inte att tolka"
    return dt.datetime.combine(date, dt.time(int(hour), int(minute))), "full"


def _valid_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip()) or None
    return None


def _url_path(url) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return None
    return urlsplit(url.strip()).path or None


def _short(value, limit: int = 120) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _type_lookup(polisen_types: dict[str, str]) -> dict[str, str]:
    lookup = {_fold(k): v for k, v in polisen_types.items()}
    lookup.update({k.strip(): v for k, v in polisen_types.items()})
    return lookup


def read(path: Path, opts: Options, ctx: Context) -> Parsed:
    path = Path(path)
    values = _load(path)
    if values and all(isinstance(v, list) and not v for v in values):
        raise ImportRefused(f"Filen {path.name} innehåller inga händelser (tomma API-svar).")
    if not _polisen_shaped(values):
        raise ImportRefused(
            f"Filen {path.name} ser inte ut som svar från Polisens händelse-API "
            "(en eller flera JSON-listor med händelser som har id, datetime, name och type)."
        )
    objects = [o for v in values for o in v]
    types = _type_lookup(ctx.polisen_types)
    known_ids = set(getattr(ctx, "category_ids", set()) or set())

    out = Collected()
    seen: set[int] = set()
    unmapped: dict[str, str] = {}  # type → category id
    new_categories: list[dict] = []
    date_only = from_published = 0

    for number, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict):
            out.reject(number, None, _short(obj), "posten är inte ett JSON-objekt")
            continue
        event_id = _valid_id(obj.get("id"))
        if event_id is None:
            out.reject(number, "id", _short(obj.get("id")), "id saknas eller är inte ett heltal")
            continue
        if event_id in seen:
            continue  # a later copy of the same event: counted as a duplicate
        seen.add(event_id)
        name = obj.get("name")
        if not isinstance(name, str) or not name.strip():
            out.reject(number, "name", _short(name), "rubriken (name) saknas")
            continue
        place = place_of(name)
        if place is None:
            out.reject(number, "name", _short(name), "rubriken saknar ort efter sista kommat")
            continue
        if not is_our_kommun(place):
            out.skip(place)
            continue
        published = parse_published(obj.get("datetime"))
        if published is None:
            out.reject(
                number,
                "datetime",
                _short(obj.get("datetime")),
                "publiceringstiden går inte att tolka (väntat t.ex. 2025-06-07 7:32:06 +02:00)",
            )
            continue
        when, how = parse_name_time(name, published)
        if when is None:
            out.reject(number, "name", _short(name), how)
            continue
        date_only += how == "date_only"
        from_published += how == "published"
        ptype = obj.get("type")
        if not isinstance(ptype, str) or not ptype.strip():
            out.reject(number, "type", _short(ptype), "händelsetyp (type) saknas")
            continue
        ptype = ptype.strip()
        category = types.get(ptype) or types.get(_fold(ptype))
        if category is None:
            category = unmapped.get(ptype)
            if category is None:
                category = "polisen_" + (slug(ptype) or "ovrigt")
                unmapped[ptype] = category
                if category not in known_ids and all(c["id"] != category for c in new_categories):
                    new_categories.append(
                        {
                            "id": category,
                            "label_sv": ptype,
                            "label_en": ptype,
                            "origin": "polisen",
                        }
                    )
        out.row(
            number,
            id=f"polisen-{event_id}",
            occurred_at=when,
            category=category,
            source_ref=_url_path(obj.get("url")),
        )

    frame = pd.DataFrame(out.rows, columns=["row", "id", "occurred_at", "category", "source_ref"])
    frame = pd.DataFrame(
        {
            "row": frame["row"].astype(int),
            "id": frame["id"].astype(str),
            "occurred_at": pd.to_datetime(frame["occurred_at"]).astype("datetime64[ns]"),
            "category": frame["category"].astype(str),
            "lat": np.full(len(frame), np.nan),
            "lon": np.full(len(frame), np.nan),
            "area_code": model.KOMMUN_CODE,
            "precision": "municipality",
            "n": 1,
            "source_ref": frame["source_ref"].astype(object),
        }
    )

    out.note(f"{len(objects)} händelser i {len(values)} API-svar.")
    out.note(
        "Polisens koordinater är mittpunkten för orten eller länet, inte händelsens plats; "
        "händelserna läggs på kommunnivå och ritas aldrig som punkter."
    )
    if unmapped:
        listed = ", ".join(f"{t} ({c})" for t, c in unmapped.items())
        out.note(f"Händelsetyper utan Pax-kategori behölls som egna kategorier: {listed}.")
    if date_only:
        out.note(
            f"{date_only} händelser saknade klockslag i rubriken; de fick tiden 00:00 "
            "(klockslaget är okänt)."
        )
    if from_published:
        out.note(
            f"{from_published} händelser saknade datum i rubriken; publiceringstiden användes."
        )
    skipped_reason = ""
    if out.skipped == 1:
        skipped_reason = (
            f"1 händelse gällde en annan kommun ({next(iter(out.elsewhere))}) och hoppades över."
        )
    elif out.skipped:
        top = sorted(out.elsewhere.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        places = ", ".join(f"{place} {count}" for place, count in top)
        skipped_reason = (
            f"{out.skipped} händelser gällde andra kommuner och hoppades över (flest: {places})."
        )

    period = ""
    if not frame.empty:
        first, last = frame["occurred_at"].min(), frame["occurred_at"].max()
        period = f"{first.date().isoformat()} – {last.date().isoformat()}"
    source = {
        "id": "polisen_handelser",
        "title": "Polisens händelser (API /api/events)",
        "publisher": "Polismyndigheten",
        "licence": "Öppna data från polisen.se; ange källa",
        "coverage": f"Händelsenotiser för {model.KOMMUN_NAME}; en liten del av all brottslighet – "
        "beräkna aldrig nivåer eller andelar från dem",
        "period": period,
    }
    return out.parsed(
        "events",
        "polisen",
        frame,
        len(objects),
        skipped_reason=skipped_reason,
        source=source,
        new_categories=new_categories,
        columns={},
    )
