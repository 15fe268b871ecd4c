"""SCB PxWeb tables as JSON-stat 2.0 (`{class: "dataset", id, size, dimension, value, …}`)
or as PxWeb API v1's plain JSON (`{columns: [{code, text, type}], data: [{key, values}],
metadata}`).

How a table becomes measures:
- `value` is flat and row-major over the order of `id` (the last dimension varies fastest);
  any dimension order works. A sparse `value` object (`{"pos": v}`) is read too.
- The region dimension is `role.geo`, else `Region`, else a dimension whose codes look like
  region codes (`0181`, `0181C1010`, `00`). Codes of other municipalities are skipped;
  `00`/`SE` (Riket) is stored as `SE`; a DeSO or RegSO of Södertälje that our geography does
  not know is rejected.
- The time dimension is `role.time`, else `Tid`; `2024`, `2024K1`, `2024M03` become periods.
- The contents dimension is `role.metric`, else `ContentsCode`. A ContentsCode maps to a
  catalogue indicator by `--map INDIKATOR=CONTENTSCODE` or by the pinned table below.
- Every other dimension (sex, age, …) becomes part of the breakdown `etikett: kategori`
  (parts joined by `; `), except its *total* category (`1+2`, `tot`, `totalt`, `samtliga`,
  …), which is the plain row (breakdown ''). A dimension without a total category never
  yields a plain row; the report says so.
- A missing value (`null`, usually with status `..`) is rejected as `värde saknas (status
  '..')`, with SCB's explanation of the status when the file has one.
- One *cell* is one position in `value`; `rows_read` counts cells and `row` is the position
  (1-based).

PxWeb v1 plain JSON is read the same way, cell by cell:
- `columns` of `type` "t" are the time, "c" the contents (each one a column whose `code` is
  the ContentsCode and `text` its label; the cells of a data row's `values` follow them in
  order), "d" every other dimension (region found by the code `Region` or by its codes).
- Each `data` row holds one key per non-contents column and one string per contents column;
  `".."` (and SCB's other dot and dash symbols) is a missing value, rejected like a `null`
  with its status. A cell is one value string: `rows_read` counts them and `row` is the
  cell's position in `data` (row by row, contents in column order, 1-based).
- The file carries codes, not labels (except for the contents): a breakdown reads
  `kön: 1` unless the code is known (SCB's `Kon` codes 1, 2 become `män`, `kvinnor`).
- `metadata[0]` gives the table label and `updated`.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pax import model
from pax.ingest.core import ImportError_, Options, Parsed, Reject, norm_header
from pax.ingest.kolada import load_json, measures_frame, missing_reason, user_mapping
from pax.periods import parse_period

# ContentsCode → (catalogue indicator, fragment expected in the content or table label, what
# the table is). Pinned only where the content *is* the catalogue indicator's meaning: the
# registered population. With an age or sex dimension the plain row is the total over it.
# Not pinned, because the catalogue holds derived shares/rates, not these counts (map them
# to a catalogue indicator of the same meaning if you add one): 000005MO (25–64 by
# education level), 000006OC (dwellings by tenure), 000007A8 (BAS labour-market status
# counts), 000005F8 (households by type), 000005LO (persons by house type). 000005FM and
# 000006TA hold several contents whose exact labels were not verified.
PINNED: dict[str, tuple[str, str, str]] = {
    # Kommun table BE0101A "Folkmängden efter region, civilstånd, ålder och kön": "Folkmängd".
    "BE0101N1": ("population", "folkmängd", "Folkmängd (BE0101A)"),
    # DeSO table BE0101Y (FolkmDesoKon), per data/scb/SOURCES.md: population total.
    "000005FC": ("population", "folkmängd", "Folkmängden per region (DeSO, BE0101Y)"),
    # DeSO table BE0101Y FolkmDesoAldKon(N): population by age and sex.
    "000005FF": ("population", "folkmängd", "Folkmängden per region, ålder och kön (DeSO)"),
}
SOURCE = {
    "id": "scb_pxweb",
    "publisher": "SCB (Statistiska centralbyrån)",
    "licence": "CC0 (SCB öppna data)",
}
TOTAL_CODES = {"tot", "totalt", "total", "1+2", "samtliga", "tot1", "totsa"}
TOTAL_LABELS = {"totalt", "total", "samtliga", "båda könen", "alla", "totalt ålder", "summa"}
SWEDEN_CODES = {"00", "0", "SE", "RIKET"}
_REGION_CODE = re.compile(r"^(\d{2}|\d{4}|\d{4}[A-C]\d{4}|\d{4}R\d{3,4}|SE)$", re.IGNORECASE)
_LEADING_CODE = re.compile(r"^\d{4}\S*\s+")
# PX symbols for a missing value in v1 plain JSON (".." not available, "." cannot occur,
# "-" nothing to report, "..." and more: other kinds of missing).
MISSING_SYMBOLS = re.compile(r"^(\.{1,6}|-)$")
# Category labels v1 does not carry but the breakdown should name as JSON-stat does.
KNOWN_LABELS = {"kon": {"1": "män", "2": "kvinnor", "1+2": "totalt"}}


@dataclass
class Dim:
    id: str
    label: str
    codes: list[str]
    labels: dict[str, str]
    totals: set[str] = field(default_factory=set)

    def text(self, code: str) -> str:
        return str(self.labels.get(code, code))


def _dimensions(data: dict, name: str) -> list[Dim]:
    ids, sizes = data.get("id"), data.get("size")
    if not isinstance(ids, list) or not isinstance(sizes, list) or len(ids) != len(sizes):
        raise ImportError_(f"Filen {name}: JSON-stat saknar id/size eller så skiljer de sig åt.")
    dims = []
    for dim_id, size in zip(ids, sizes):
        spec = data["dimension"].get(dim_id)
        if not isinstance(spec, dict):
            raise ImportError_(f"Filen {name}: dimensionen {dim_id!r} saknas under dimension.")
        category = spec.get("category") or {}
        labels = {str(k): v for k, v in (category.get("label") or {}).items()}
        index = category.get("index")
        if isinstance(index, dict):
            codes = [str(c) for c, _ in sorted(index.items(), key=lambda kv: kv[1])]
        elif isinstance(index, list):
            codes = [str(c) for c in index]
        else:
            codes = list(labels)
        if len(codes) != int(size):
            raise ImportError_(
                f"Filen {name}: dimensionen {dim_id!r} har {len(codes)} kategorier men "
                f"size anger {size}."
            )
        dims.append(Dim(str(dim_id), str(spec.get("label") or dim_id), codes, labels))
    return dims


def _role(data: dict, dims: list[Dim], role: str, names: tuple[str, ...]) -> Dim | None:
    by_id = {d.id: d for d in dims}
    for dim_id in (data.get("role") or {}).get(role) or []:
        if dim_id in by_id:
            return by_id[dim_id]
    for d in dims:
        if d.id.lower() in names:
            return d
    return None


def _is_total(code: str, label: str) -> bool:
    text = norm_header(label)
    return code.strip().lower() in TOTAL_CODES or text in TOTAL_LABELS or text.startswith("totalt")


def _values(data: dict, n: int, name: str) -> list:
    value = data.get("value")
    if isinstance(value, dict):
        return [value.get(str(i)) for i in range(n)]
    if not isinstance(value, list) or len(value) != n:
        have = len(value) if isinstance(value, list) else "inga"
        raise ImportError_(f"Filen {name}: value har {have} värden men dimensionerna ger {n}.")
    return value


def _statuses(data: dict, n: int) -> list:
    status = data.get("status")
    if isinstance(status, dict):
        return [status.get(str(i)) for i in range(n)]
    if isinstance(status, list):
        return (status + [None] * n)[:n]
    if isinstance(status, str):
        return [status] * n
    return [None] * n


class _Regions:
    """Region code (and label) → our area key, SKIP for another municipality, or None."""

    SKIP = "__skip__"

    def __init__(self, index):
        self.index = index

    def key(self, code: str, label: str) -> str | None:
        upper = code.strip().upper()
        if upper in SWEDEN_CODES:
            return model.SWEDEN_CODE
        if re.match(r"^\d{4}", upper) and not upper.startswith(model.KOMMUN_CODE):
            return self.SKIP
        found = self.index.area_key(upper)
        if found:
            return found
        for text in (label, _LEADING_CODE.sub("", str(label))):
            found = self.index.area_key(text)
            if found and found != model.SWEDEN_CODE:
                return found
        return None if upper.startswith(model.KOMMUN_CODE) else self.SKIP


def read(path: Path, opts: Options, ctx) -> Parsed:
    data = load_json(path)
    name = path.name
    if not isinstance(data, dict) or data.get("class") != "dataset" or "dimension" not in data:
        raise ImportError_(f"Filen {name} är inte en JSON-stat 2.0-tabell från PxWeb.")
    dims = _dimensions(data, name)
    time = _role(data, dims, "time", ("tid", "year", "år"))
    metric = _role(data, dims, "metric", ("contentscode", "tabellinnehåll"))
    if time is None:
        raise ImportError_(f"Filen {name}: hittar ingen tidsdimension (role.time eller Tid).")
    if metric is None:
        raise ImportError_(
            f"Filen {name}: hittar inget tabellinnehåll (role.metric eller ContentsCode)."
        )
    region = _role(data, dims, "geo", ("region",))
    if region is None:
        for d in dims:
            if d not in (time, metric) and all(_REGION_CODE.match(c) for c in d.codes):
                region = d
                break
    if region is None:
        raise ImportError_(f"Filen {name}: hittar ingen regiondimension (role.geo eller Region).")
    others = [d for d in dims if d not in (time, metric, region)]
    for d in others:
        d.totals = {c for c in d.codes if _is_total(c, d.text(c))}

    catalog_ids = set(ctx.catalog["id"])
    user = user_mapping(opts.mapping, catalog_ids, "CONTENTSCODE")
    table_label = str(data.get("label") or "")
    mapping: dict[str, str] = {}
    unverified: dict[str, str] = {}
    for code in metric.codes:
        if code in user:
            mapping[code] = user[code]
        elif code in PINNED and PINNED[code][0] in catalog_ids:
            indicator, fragment, _ = PINNED[code]
            if fragment in f"{metric.text(code)} {table_label}".lower():
                mapping[code] = indicator
            else:
                unverified[code] = fragment

    n = math.prod(len(d.codes) for d in dims)
    values = _values(data, n, name)
    statuses = _statuses(data, n)
    legend = (data.get("extension") or {}).get("status") or {}
    regions = _Regions(ctx.index)
    region_keys = {c: regions.key(c, region.text(c)) for c in region.codes}
    period_of: dict[str, str | Exception] = {}
    for c in time.codes:
        try:
            period_of[c] = parse_period(c)[0]
        except ValueError as exc:
            period_of[c] = exc

    rows, rejects, notes = [], [], []
    skipped, flagged = 0, {}
    skipped_places: set[str] = set()
    positions = {d.id: i for i, d in enumerate(dims)}
    for pos, combo in enumerate(itertools.product(*(d.codes for d in dims))):
        cell = pos + 1
        reg, tid, content = (combo[positions[d.id]] for d in (region, time, metric))
        area = region_keys[reg]
        if area == _Regions.SKIP:
            skipped += 1
            skipped_places.add(f"{reg} {region.text(reg)}".strip())
            continue
        if area is None:
            rejects.append(
                Reject(
                    cell,
                    region.id,
                    reg,
                    f"okänt område {reg!r} ({region.text(reg)}) i Södertälje; "
                    "DeSO/RegSO 2018 förväntas",
                )
            )
            continue
        indicator = mapping.get(content)
        if indicator is None:
            label = metric.text(content)
            if content in unverified:
                reason = (
                    f"ContentsCode {content} ({label!r}) matchar inte den fasta kopplingen "
                    f"('{unverified[content]}' saknas i etiketten); kontrollera och ange "
                    f"--map INDIKATOR={content}"
                )
            else:
                reason = (
                    f"ContentsCode {content} ({label!r}) är inte kopplad till någon indikator "
                    f"i katalogen; ange kopplingen med --map INDIKATOR={content}"
                )
            rejects.append(Reject(cell, metric.id, content, reason))
            continue
        value, status = values[pos], statuses[pos]
        if value is None:
            reason = missing_reason(status)
            if status and legend.get(status):
                reason = reason[:-1] + f": {legend[status]})"
            rejects.append(Reject(cell, "value", "", reason))
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            rejects.append(Reject(cell, "value", str(value), f"värdet {value!r} är inte ett tal"))
            continue
        if not np.isfinite(number):
            rejects.append(Reject(cell, "value", str(value), "värdet är inte ett ändligt tal"))
            continue
        period = period_of[tid]
        if isinstance(period, Exception):
            rejects.append(Reject(cell, time.id, tid, str(period)))
            continue
        if status:
            flagged[str(status)] = flagged.get(str(status), 0) + 1
        parts = [
            f"{d.label}: {d.text(combo[positions[d.id]])}"
            for d in others
            if combo[positions[d.id]] not in d.totals
        ]
        rows.append(
            {
                "row": cell,
                "indicator": indicator,
                "area_code": area,
                "period": period,
                "value": number,
                "numerator": np.nan,
                "denominator": np.nan,
                "breakdown": "; ".join(parts),
            }
        )
    if n == 0:
        raise ImportError_(f"Filen {name} innehåller inga värden.")

    notes.append("Radnummer i rapporten = värdets position i filens value-lista (från 1).")
    used = [c for c in metric.codes if c in mapping]
    if used:
        notes.append(
            "Tabellinnehåll: "
            + "; ".join(
                f"{c} {metric.text(c)!r} → {mapping[c]}" + (" (--map)" if c in user else "")
                for c in used
            )
            + "."
        )
    for d in others:
        if not d.totals and len(d.codes) > 1:
            notes.append(
                f"Dimensionen {d.label!r} saknar totalkategori; värdena lagras bara uppdelade "
                f"('{d.label}: …'), utan rad för totalen."
            )
        elif d.totals:
            notes.append(
                f"Dimensionen {d.label!r}: {', '.join(sorted(d.text(c) for c in d.totals))} "
                "är totalen (ingen uppdelning); övriga kategorier lagras som uppdelning."
            )
    if flagged:
        text = ", ".join(f"{k!r}: {v}" for k, v in sorted(flagged.items()))
        notes.append(f"Värden med statusflagga importerades med sitt värde ({text}).")
    updated = str(data.get("updated") or "")
    if updated:
        notes.append(f"SCB uppdaterade tabellen {updated}.")
    skipped_reason = ""
    if skipped:
        examples = ", ".join(sorted(skipped_places)[:5])
        skipped_reason = (
            f"{skipped} värden gällde regioner utanför Södertälje (t.ex. {examples}) och "
            "hoppades över."
        )
    periods = sorted({r["period"] for r in rows})
    return Parsed(
        kind="measures",
        format="pxweb",
        frame=measures_frame(rows),
        rows_read=n,
        rejects=rejects,
        skipped=skipped,
        skipped_reason=skipped_reason,
        notes=notes,
        source={
            **SOURCE,
            "title": table_label or name,
            "updated": updated[:10] or None,
            "coverage": (
                f"{table_label or name}: tabellinnehåll {', '.join(used) or '–'}, "
                f"Södertälje" + (f" (SCB uppdaterad {updated[:10]})" if updated else "")
            ),
            "period": ", ".join(periods),
        },
    )
