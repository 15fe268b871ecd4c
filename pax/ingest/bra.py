"""BRÅ's municipal CSV of reported crimes: `Kommun;Antal;Per 100 000 inv.`.

Swedish Excel style: UTF-8 with BOM (Windows-1252 is accepted too), `;`, CRLF, thousands
separated by spaces and a decimal comma. Municipalities are named, not coded: the row is
joined on the name of the kommun of PAX_KOMMUN (for 0181 `Södertälje`, `Södertälje kommun` or
`0181 Södertälje`); the national
row (`Riket`, `Hela landet`) is kept as `SE` for comparison; every other row is skipped.

The file does not say which year it covers. The period comes from `--map period=2024`
(any period `pax.periods` accepts), else from a single four-digit year in the file name
(`bra_2024.csv`); without either the file is refused with one sentence.

Each municipality row holds two values, stored as two measures: `reported_crimes_total`
(Antal) and `reported_crimes_per_100k` (Per 100 000 inv.). So that the import report
balances (one measure per counted row), `rows_read` counts *values*, two per municipality
row, and `row` is the value's ordinal; rejects name the file's line in their reason.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np

from pax import config, model
from pax.ingest.core import Collected, Context, ImportRefused, Options, Parsed, norm_header
from pax.ingest.kolada import measures_frame
from pax.periods import parse_period

COUNT = "reported_crimes_total"
RATE = "reported_crimes_per_100k"
SOURCE = {
    "id": "bra_kommun",
    "title": "Anmälda brott per kommun (BRÅ kriminalstatistik)",
    "publisher": "Brottsförebyggande rådet (BRÅ)",
    "licence": "Öppna data, ange källa",
}
NAME_HEADERS = ("kommun", "region", "län/kommun", "kommunnamn")
SWEDEN_NAMES = {"riket", "hela landet", "sverige"}
MISSING = {"", "..", "-", "–", "—", "."}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
HEADER_SEARCH = 10
_CODE_NAME = re.compile(r"^(\d{4})\s+(.+)$")


def looks_like(head: bytes) -> bool:
    text = head.decode("utf-8-sig", errors="ignore").splitlines()[0:1]
    return bool(text) and text[0].replace(" ", "").lower().startswith("kommun;antal;per100000")


def period_for(path: Path, opts: Options) -> tuple[str, str]:
    """The period and where it came from; ImportRefused when the file cannot say."""
    given = (opts.mapping or {}).get("period")
    if given:
        try:
            return parse_period(given)[0], "--map period"
        except ValueError as exc:
            raise ImportRefused(f"--map period={given}: {exc}.") from None
    years = sorted(set(_YEAR.findall(path.stem)))
    if len(years) == 1:
        return years[0], "filnamnet"
    if years:
        raise ImportRefused(
            f"Filnamnet {path.name} innehåller flera årtal ({', '.join(years)}); ange "
            "perioden med --map period=ÅÅÅÅ."
        )
    raise ImportRefused(
        f"Filen {path.name} anger inte vilket år siffrorna gäller (BRÅ:s kommunfil saknar "
        "period): lägg årtalet i filnamnet, t.ex. bra_2024.csv, eller ange --map period=2024."
    )


def parse_number(text: str) -> float | None:
    """`12 345`, `1 234,5` (space, no-break or narrow no-break space as thousands)."""
    value = re.sub(r"[\s\u00a0\u202f]", "", str(text)).replace("−", "-")
    if "," in value and "." in value:
        value = value.replace(".", "")
    value = value.replace(",", ".")
    try:
        number = float(value)
    except ValueError:
        return None
    return number if np.isfinite(number) else None


def _decode(raw: bytes, notes: list[str]) -> str:
    try:
        text = raw.decode("utf-8-sig")
        notes.append("Teckenkodning: UTF-8" + (" med BOM." if raw[:3] == b"\xef\xbb\xbf" else "."))
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
        notes.append("Teckenkodning: Windows-1252.")
    return text


def _area(name: str) -> str | None:
    """Our key for a municipality name: 0181, SE or None (another municipality)."""
    text = norm_header(name)
    m = _CODE_NAME.match(text)
    if m:
        if m.group(1) == model.KOMMUN_CODE:
            return model.KOMMUN_CODE
        text = m.group(2)
    text = re.sub(r"\s+kommun$", "", text)
    if config.fold(text) in config.kommun().name_keys():
        return model.KOMMUN_CODE
    if text in SWEDEN_NAMES:
        return model.SWEDEN_CODE
    return None


def _column(header: list[str], test) -> int | None:
    for i, h in enumerate(header):
        if test(norm_header(h)):
            return i
    return None


def _columns(header: list[str]) -> tuple[int | None, int | None, int | None]:
    """Positions of the name, count and rate columns (None where missing)."""
    return (
        _column(header, lambda h: h in NAME_HEADERS),
        _column(header, lambda h: h == "antal" or h.startswith("antal ")),
        _column(header, lambda h: "100 000" in h or "100000" in h),
    )


def read(path: Path, opts: Options, ctx: Context) -> Parsed:
    out = Collected()
    period, origin = period_for(path, opts)
    text = _decode(path.read_bytes(), out.notes)
    table = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    if not table or not any(cell.strip() for cell in table[0]):
        raise ImportRefused(f"Filen {path.name} är tom.")
    # The header is the first line, or the first of the next few after a title line.
    start = next((i for i, row in enumerate(table[:HEADER_SEARCH]) if None not in _columns(row)), 0)
    header = table[start]
    cols = _columns(header)
    name_col, count_col, rate_col = cols
    missing = [
        label for label, col in zip(("Kommun", "Antal", "Per 100 000 inv."), cols) if col is None
    ]
    if missing:
        raise ImportRefused(
            f"Filen {path.name} saknar kolumnen {', '.join(missing)} (BRÅ:s kommunfil har "
            "Kommun;Antal;Per 100 000 inv.)."
        )
    catalog_ids = set(ctx.catalog["id"])
    absent = [i for i in (COUNT, RATE) if i not in catalog_ids]
    if absent:
        raise ImportRefused(
            f"Indikatorerna {', '.join(absent)} saknas i katalogen (data/catalog.csv)."
        )
    extra = [h for i, h in enumerate(header) if i not in (name_col, count_col, rate_col)]
    if any(h.strip() for h in extra):
        out.note(f"Okända kolumner lästes inte: {', '.join(h for h in extra if h.strip())}.")
    out.note(f"Perioden {period} togs från {origin}.")

    cell, ignored = 0, 0
    skipped_names: list[str] = []
    found_kommun = False
    width = max(name_col, count_col, rate_col) + 1
    if start:
        out.note(f"{start} inledande rader före rubrikraden lästes inte.")
    for line_no, fields in enumerate(table[start + 1 :], start=start + 2):
        fields = fields + [""] * (width - len(fields))
        name = fields[name_col].strip()
        area = _area(name) if name else None
        if not name or (area is None and not (fields[count_col] + fields[rate_col]).strip()):
            ignored += 1 if any(f.strip() for f in fields) else 0  # blank line, footnote
            continue
        found_kommun = found_kommun or area == model.KOMMUN_CODE
        for indicator, col in ((COUNT, count_col), (RATE, rate_col)):
            cell += 1
            if area is None:
                out.skip()
                continue
            raw = fields[col].strip()
            value = parse_number(raw)
            if value is None:
                why = "värde saknas" if raw in MISSING else f"värdet {raw!r} är inte ett tal"
                out.reject(cell, header[col].strip(), raw, f"{why} (filens rad {line_no})")
                continue
            out.measure(cell, indicator, area, period, value)
        if area is None:
            skipped_names.append(name)
    if cell == 0:
        raise ImportRefused(f"Filen {path.name} innehåller inga kommunrader.")
    out.note(
        "Varje kommunrad ger två värden (antal och per 100 000 inv.); lästa rader räknar värden."
    )
    if ignored:
        out.note(f"{ignored} rader utan kommun eller värden (t.ex. fotnoter) lästes inte.")
    if not found_kommun:
        out.note(f"Filen har ingen rad för {model.KOMMUN_NAME}.")
    skipped_reason = ""
    if out.skipped:
        skipped_reason = (
            f"{out.skipped} värden ({len(skipped_names)} rader) gällde andra kommuner eller län "
            f"än {model.KOMMUN_NAME} (t.ex. {', '.join(skipped_names[:3])}) och hoppades över."
        )
    return out.parsed(
        "measures",
        "bra",
        measures_frame(out.rows),
        cell,
        skipped_reason=skipped_reason,
        columns={},
        source={
            **SOURCE,
            "coverage": (
                f"Anmälda brott {period}, antal och per 100 000 invånare, {model.KOMMUN_NAME}"
            ),
            "period": period,
        },
    )
