"""Kolada (RKA) key figures: the v2 and v3 API envelopes, municipal data and unit data (`ou`).

A response is `{values: [...], count, next_page | next_url}`; each value is
`{kpi, municipality | ou, period, values: [{gender: "T"|"K"|"M", count, status, value}]}`.

What becomes a measure, and why:
- One *cell* is one (kpi, municipality or unit, period, gender) value; `rows_read` counts cells
  and the `row` of a measure or reject is the cell's position in the file (1-based).
- A KPI id must map to a catalogue indicator: the pinned table below, or the user's
  `--map INDIKATOR=KPI` (which wins). Any other KPI is rejected with a reason naming it.
- Gender `T` (total) is the plain value; `K` and `M` are kept as the breakdowns `kön: K` and
  `kön: M` (same indicator, area and period), so totals are never mixed with parts.
- The municipality is PAX_KOMMUN's code (`0181` Södertälje); Kolada's `0000` (Riket) is stored as `SE` for comparison.
  Every other municipality or region is skipped (counted, not rejected).
- Unit data (`ou`, e.g. a school) is stored on the municipality (PAX_KOMMUN) with the breakdown
  `enhet: <ou id>`: Kolada does not say where in the municipality a unit lies. Unit ids of the
  form `V15E0180…` carry their municipality code; units of other municipalities are skipped.
- A missing value (`null`) is rejected as `värde saknas (status '…')`.
- A top-level `units` list (`[{id, title}]`, written by `python -m pax sync` from Kolada's
  unit list) names the units; the names go to the store's `units` table, from which the map
  places a unit's figures at its school (`pax.units`).
- A metadata list (the answer of `/municipality`, `/ou`, `/kpi`, `/kpi_groups`, …: records of
  `{id, title, …}` without `kpi` or `values`) holds names, not figures: it is refused with one
  sentence instead of rejecting every record.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from pax import model
from pax.ingest.core import Collected, Context, ImportRefused, Options, Parsed
from pax.periods import parse_period

SOURCE = {
    "id": "kolada",
    "title": "Kolada (RKA)",
    "publisher": "RKA – Rådet för främjande av kommunala analyser",
    "licence": "CC BY 4.0 (Kolada öppna data)",
}
SWEDEN_KOLADA = "0000"  # Kolada's id for "Riket"
GENDERS = {"T": "", "K": "kön: K", "M": "kön: M"}

# KPI id → (catalogue indicator, fragment expected in Kolada's title, Kolada's title).
# KPI ids get mislabelled in the wild (the same id is quoted with different meanings in
# public code), so only ids whose title was found identically in several independent
# sources are pinned, and each must be verified against Kolada's metadata endpoint
# (https://api.kolada.se/v3/kpi/<id>) before the figures are published. Both pinned KPIs
# cover *municipal schools* (kommunala skolor) only, not pupils in independent schools.
# Deliberately NOT pinned: N15419 (pupils who reached the knowledge requirements in all
# subjects – not eligibility), N15503/N15504/N15507 (quoted with conflicting titles). Use
# `--map merit_value=<KPI>` for those after checking the title.
PINNED: dict[str, tuple[str, str, str]] = {
    "N15505": (
        "merit_value",
        "meritvärde",
        "Elever i åk. 9, meritvärde kommunala skolor, genomsnitt (17 ämnen)",
    ),
    "N15436": (
        "eligible_upper_secondary",
        "behöriga till yrkesprogram",
        "Elever i åk 9 som är behöriga till yrkesprogram, kommunala skolor, andel (%)",
    ),
}
MEASURE_COLUMNS = [
    "row",
    "indicator",
    "area_code",
    "period",
    "value",
    "numerator",
    "denominator",
    "breakdown",
]
_OU_MUNICIPALITY = re.compile(r"^V\d{2}E(\d{4})")


def user_mapping(mapping: dict[str, str], catalog_ids: set[str], what: str) -> dict[str, str]:
    """`--map INDIKATOR=KOD` (either order) as code → catalogue indicator.

    `period` is left for readers that take a period option; any other entry must name a
    catalogue indicator on one side."""
    out: dict[str, str] = {}
    for key, value in (mapping or {}).items():
        key, value = str(key).strip(), str(value).strip()
        if key == "period":
            continue
        if key in catalog_ids:
            out[value] = key
        elif value in catalog_ids:
            out[key] = value
        else:
            raise ImportRefused(
                f"--map {key}={value}: {key!r} finns inte i indikatorkatalogen "
                f"(data/catalog.csv); skriv --map INDIKATOR={what}."
            )
    return out


def load_json(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRefused(f"Filen {path.name} är inte giltig JSON ({exc}).") from None


def measures_frame(rows: list[dict]) -> pd.DataFrame:
    """The canonical measures frame (as tabular._measures returns), empty or not."""
    frame = pd.DataFrame(rows, columns=MEASURE_COLUMNS)
    frame["row"] = frame["row"].astype(int)
    frame["value"] = frame["value"].astype(float)
    for col in ("numerator", "denominator"):
        frame[col] = frame[col].astype(float)
    return frame.reset_index(drop=True)


def missing_reason(status) -> str:
    status = "" if status is None else str(status).strip()
    return f"värde saknas (status {status!r})" if status else "värde saknas (status saknas)"


def is_metadata(data: dict) -> bool:
    """A Kolada metadata list: records (`{id, title, …}`), none of them a KPI value."""
    records = [r for r in data.get("values") or [] if isinstance(r, dict)]
    return bool(records) and not any(
        "kpi" in r or isinstance(r.get("values"), (list, dict)) for r in records
    )


def _place(record: dict) -> tuple[str | None, str, str]:
    """(area key or None to skip, breakdown part, place as written)."""
    if "ou" in record or "ou_id" in record:
        ou = str(record.get("ou", record.get("ou_id")) or "").strip()
        m = _OU_MUNICIPALITY.match(ou.upper())
        if m and m.group(1) != model.KOMMUN_CODE:
            return None, "", ou
        return model.KOMMUN_CODE, f"enhet: {ou}", ou
    raw = str(record.get("municipality", record.get("municipality_id")) or "").strip()
    code = raw.zfill(4) if raw.isdigit() else raw
    if code == model.KOMMUN_CODE:
        return model.KOMMUN_CODE, "", raw
    if code == SWEDEN_KOLADA:
        return model.SWEDEN_CODE, "", raw
    return None, "", raw


def read(path: Path, opts: Options, ctx: Context) -> Parsed:
    data = load_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("values"), list):
        raise ImportRefused(
            f"Filen {path.name} är inte ett Kolada-svar (väntade {{values: [...], count, …}})."
        )
    if is_metadata(data):
        raise ImportRefused(
            f"Filen {path.name} är en Kolada-lista med namn (t.ex. kommuner, enheter eller "
            "nyckeltal), inte ett svar med värden, så den innehåller inga siffror att importera; "
            "hämta nyckeltalens data (/data/kpi/…) i stället."
        )
    catalog_ids = set(ctx.catalog["id"])
    user = user_mapping(opts.mapping, catalog_ids, "KPI-ID")
    mapping = {kpi: ind for kpi, (ind, _, _) in PINNED.items() if ind in catalog_ids}
    mapping.update(user)

    out = Collected()
    cell = 0
    kpis_seen: dict[str, None] = {}
    units, by_gender, periods = set(), False, set()
    for record in data["values"]:
        if not isinstance(record, dict):
            continue
        kpi = str(record.get("kpi") or "").strip().upper()
        kpis_seen[kpi] = None
        area, unit_part, place = _place(record)
        period_raw = str(record.get("period") or "").strip()
        title = str(record.get("kpi_title") or record.get("title") or "")
        cells = record.get("values") or []
        if isinstance(cells, dict):
            cells = [cells]
        for value_cell in cells:
            cell += 1
            if area is None:
                out.skip(place)
                continue
            if not isinstance(value_cell, dict):
                out.reject(cell, "values", str(value_cell), "ogiltig värdepost")
                continue
            gender = str(value_cell.get("gender") or "T").strip().upper()
            indicator = mapping.get(kpi)
            if indicator is None:
                out.reject(
                    cell,
                    "kpi",
                    kpi,
                    f"KPI {kpi or '(saknas)'} är inte kopplad till någon indikator i "
                    f"katalogen; ange kopplingen med --map INDIKATOR={kpi or 'KPI-ID'}",
                )
                continue
            if kpi in PINNED and kpi not in user and title:
                fragment = PINNED[kpi][1]
                if fragment not in title.lower():
                    out.reject(
                        cell,
                        "kpi",
                        f"{kpi}: {title}",
                        f"KPI {kpi} har titeln {title!r} men den fasta kopplingen till "
                        f"{indicator} väntar '{fragment}'; kontrollera id:t i Kolada och "
                        "ange --map",
                    )
                    continue
            if gender not in GENDERS:
                out.reject(cell, "gender", gender, f"okänt kön {gender!r} (T, K, M)")
                continue
            value = value_cell.get("value")
            if value is None or (isinstance(value, str) and not value.strip()):
                out.reject(cell, "value", "", missing_reason(value_cell.get("status")))
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                out.reject(cell, "value", str(value), f"värdet {value!r} är inte ett tal")
                continue
            if not np.isfinite(number):
                out.reject(cell, "value", str(value), "värdet är inte ett ändligt tal")
                continue
            try:
                period = parse_period(period_raw)[0]
            except ValueError as exc:
                out.reject(cell, "period", period_raw, str(exc))
                continue
            if unit_part:
                units.add(place)
            by_gender = by_gender or bool(GENDERS[gender])
            periods.add(period)
            breakdown = "; ".join(p for p in (unit_part, GENDERS[gender]) if p)
            out.measure(cell, indicator, area, period, number, breakdown)
    if cell == 0:
        raise ImportRefused(f"Filen {path.name} innehåller inga Kolada-värden.")

    out.note("Radnummer i rapporten = värdets ordningsnummer i filen (1, 2, …).")
    used = [k for k in kpis_seen if k in mapping]
    if used:
        out.note(
            "Kolada-nyckeltal: "
            + "; ".join(
                f"{k} → {mapping[k]}"
                + (f" ({PINNED[k][2]!r})" if k in PINNED and k not in user else " (--map)")
                for k in used
            )
            + "."
        )
    if units:
        out.note(
            f"Enhetsdata ({len(units)} enheter) lagras på kommunen ({model.KOMMUN_CODE}) med "
            "uppdelningen "
            "'enhet: <id>'; Kolada anger inte var i kommunen enheten ligger."
        )
    if by_gender:
        out.note(
            "Värden för kvinnor och män lagras som uppdelningarna 'kön: K' och 'kön: M'; "
            "totalen (T) är huvudvärdet."
        )
    next_page = data.get("next_page") or data.get("next_url") or data.get("next")
    if next_page:
        out.note(
            f"Filen är en sida av flera (nästa sida: {next_page}); hämta och importera även resten."
        )
    count = data.get("count")
    if isinstance(count, int) and count != len(data["values"]):
        out.note(f"Kolada anger count={count} men filen har {len(data['values'])} poster.")
    skipped_reason = ""
    if out.skipped:
        examples = ", ".join(sorted(out.elsewhere)[:5])
        skipped_reason = (
            f"{out.skipped} värden gällde andra kommuner, regioner eller enheter än "
            f"{model.KOMMUN_NAME} "
            f"(t.ex. {examples}) och hoppades över."
        )
    coverage = f"Nyckeltal {', '.join(used) or '–'} för {model.KOMMUN_NAME} ({model.KOMMUN_CODE})"
    if units:
        coverage += f" och {len(units)} enheter"
    names = {
        str(u.get("id")).strip().upper(): str(u.get("title")).strip()
        for u in data.get("units") or []
        if isinstance(u, dict) and u.get("id") and u.get("title")
    }
    return out.parsed(
        "measures",
        "kolada",
        measures_frame(out.rows),
        cell,
        units=names,
        skipped_reason=skipped_reason,
        source={
            **SOURCE,
            "coverage": coverage,
            "period": ", ".join(sorted(periods)),
        },
    )
