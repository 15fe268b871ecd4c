"""SCB PxWeb tables as JSON-stat 2.0 (`{class: "dataset", id, size, dimension, value, …}`)
or as PxWeb API v1's plain JSON (`{columns: [{code, text, type}], data: [{key, values}],
metadata}`).

How a table becomes measures:
- `value` is flat and row-major over the order of `id` (the last dimension varies fastest);
  any dimension order works. A sparse `value` object (`{"pos": v}`) is read too.
- The region dimension is `role.geo`, else `Region`, else a dimension whose codes look like
  region codes (`0181`, `0181C1010`, `00`). Codes of other municipalities are skipped;
  `00`/`SE` (Riket) is stored as `SE`; a DeSO or RegSO of our kommun (PAX_KOMMUN) that our geography does
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
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pax import model
from pax.ingest.core import Collected, Context, ImportRefused, Options, Parsed, norm_header
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
        raise ImportRefused(f"Filen {name}: JSON-stat saknar id/size eller så skiljer de sig åt.")
    dims = []
    for dim_id, size in zip(ids, sizes):
        spec = data["dimension"].get(dim_id)
        if not isinstance(spec, dict):
            raise ImportRefused(f"Filen {name}: dimensionen {dim_id!r} saknas under dimension.")
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
            raise ImportRefused(
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
        raise ImportRefused(f"Filen {name}: value har {have} värden men dimensionerna ger {n}.")
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


@dataclass
class _Table:
    """A table as cells, whichever JSON it came in."""

    dims: list[Dim]
    time: Dim
    metric: Dim
    region: Dim
    label: str
    updated: str
    legend: dict
    n: int
    cells: Iterator[tuple[int, tuple[str, ...], object, object]]  # (cell, codes, value, status)
    row_note: str


def looks_like_v1(data: object) -> bool:
    """PxWeb API v1 plain JSON: `columns` of `{code, text, type}` and `data` of `{key, values}`."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("columns"), list)
        and isinstance(data.get("data"), list)
        and bool(data["columns"])
        and all(isinstance(c, dict) and "code" in c and "type" in c for c in data["columns"])
    )


def _find_region(dims: list[Dim], taken: tuple[Dim, ...], found: Dim | None, name: str) -> Dim:
    if found is None:
        for d in dims:
            if d not in taken and d.codes and all(_REGION_CODE.match(c) for c in d.codes):
                found = d
                break
    if found is None:
        raise ImportRefused(f"Filen {name}: hittar ingen regiondimension (role.geo eller Region).")
    return found


def _jsonstat(data: dict, name: str) -> _Table:
    dims = _dimensions(data, name)
    time = _role(data, dims, "time", ("tid", "year", "år"))
    metric = _role(data, dims, "metric", ("contentscode", "tabellinnehåll"))
    if time is None:
        raise ImportRefused(f"Filen {name}: hittar ingen tidsdimension (role.time eller Tid).")
    if metric is None:
        raise ImportRefused(
            f"Filen {name}: hittar inget tabellinnehåll (role.metric eller ContentsCode)."
        )
    region = _find_region(dims, (time, metric), _role(data, dims, "geo", ("region",)), name)
    n = math.prod(len(d.codes) for d in dims)
    values = _values(data, n, name)
    statuses = _statuses(data, n)
    combos = itertools.product(*(d.codes for d in dims))
    return _Table(
        dims=dims,
        time=time,
        metric=metric,
        region=region,
        label=str(data.get("label") or ""),
        updated=str(data.get("updated") or ""),
        legend=(data.get("extension") or {}).get("status") or {},
        n=n,
        cells=((pos + 1, combo, values[pos], statuses[pos]) for pos, combo in enumerate(combos)),
        row_note="Radnummer i rapporten = värdets position i filens value-lista (från 1).",
    )


def _v1_value(raw) -> tuple[object, object]:
    """(value or None, status): a PX symbol ("..", "-") is a missing value with that status."""
    if raw is None:
        return None, None
    text = str(raw).strip()
    if not text:
        return None, None
    if MISSING_SYMBOLS.match(text):
        return None, text
    return raw, None


def _v1(data: dict, name: str) -> _Table:
    columns = data["columns"]
    keyed = [c for c in columns if str(c.get("type")).lower() != "c"]
    contents = [c for c in columns if str(c.get("type")).lower() == "c"]
    if not contents:
        raise ImportRefused(
            f'Filen {name}: PxWeb-tabellen saknar tabellinnehåll (en kolumn av typ "c").'
        )
    rows = data["data"]
    for i, row in enumerate(rows, start=1):
        key = row.get("key") if isinstance(row, dict) else None
        values = row.get("values") if isinstance(row, dict) else None
        if not isinstance(key, list) or not isinstance(values, list):
            raise ImportRefused(f"Filen {name}: data-rad {i} saknar key eller values.")
        if len(key) != len(keyed) or len(values) != len(contents):
            raise ImportRefused(
                f"Filen {name}: data-rad {i} har {len(key)} nycklar och {len(values)} värden "
                f"men kolumnerna anger {len(keyed)} respektive {len(contents)}."
            )
    dims = []
    for j, col in enumerate(keyed):
        code = str(col["code"])
        codes = list(dict.fromkeys(str(row["key"][j]) for row in rows))
        known = KNOWN_LABELS.get(code.lower(), {})
        labels = {c: known[c] for c in codes if c in known}
        dims.append(Dim(code, str(col.get("text") or code), codes, labels))
    metric = Dim(
        "ContentsCode",
        "tabellinnehåll",
        [str(c["code"]) for c in contents],
        {str(c["code"]): str(c.get("text") or c["code"]) for c in contents},
    )
    if len(set(metric.codes)) != len(metric.codes):
        raise ImportRefused(f"Filen {name}: samma tabellinnehåll förekommer i flera kolumner.")
    time = next((d for d, c in zip(dims, keyed) if str(c.get("type")).lower() == "t"), None)
    time = time or next((d for d in dims if d.id.lower() in ("tid", "year", "år")), None)
    if time is None:
        raise ImportRefused(f'Filen {name}: hittar ingen tidskolumn (typ "t" eller Tid).')
    region = next((d for d in dims if d.id.lower() == "region"), None)
    region = _find_region(dims, (time,), region, name)
    meta = data.get("metadata")
    meta = meta[0] if isinstance(meta, list) and meta and isinstance(meta[0], dict) else {}
    order = {d.id: j for j, d in enumerate(dims)}

    def cells():
        cell = 0
        for row in rows:
            key = [str(k) for k in row["key"]]
            for content, raw in zip(metric.codes, row["values"]):
                cell += 1
                value, status = _v1_value(raw)
                yield cell, (*(key[order[d.id]] for d in dims), content), value, status

    return _Table(
        dims=[*dims, metric],
        time=time,
        metric=metric,
        region=region,
        label=str(meta.get("label") or ""),
        updated=str(meta.get("updated") or ""),
        legend={},
        n=len(rows) * len(contents),
        cells=cells(),
        row_note=(
            "Radnummer i rapporten = värdets ordningsnummer i filens data-lista (rad för rad, "
            "tabellinnehållen i kolumnordning, från 1)."
        ),
    )


def read(path: Path, opts: Options, ctx: Context) -> Parsed:
    data = load_json(path)
    name = path.name
    if isinstance(data, dict) and data.get("class") == "dataset" and "dimension" in data:
        table = _jsonstat(data, name)
        fmt_note = ""
    elif looks_like_v1(data):
        table = _v1(data, name)
        fmt_note = "PxWeb-tabell i v1-format (JSON med columns/data); regionerna anges med kod."
    else:
        raise ImportRefused(
            f"Filen {name} är inte en PxWeb-tabell (JSON-stat 2.0 eller PxWeb v1-JSON)."
        )
    dims, time, metric, region = table.dims, table.time, table.metric, table.region
    others = [d for d in dims if d not in (time, metric, region)]
    for d in others:
        d.totals = {c for c in d.codes if _is_total(c, d.text(c))}

    catalog_ids = set(ctx.catalog["id"])
    user = user_mapping(opts.mapping, catalog_ids, "CONTENTSCODE")
    table_label = table.label
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

    n = table.n
    if n == 0:
        raise ImportRefused(f"Filen {name} innehåller inga värden.")
    legend = table.legend
    regions = _Regions(ctx.index)
    region_keys = {c: regions.key(c, region.text(c)) for c in region.codes}
    period_of: dict[str, str | Exception] = {}
    for c in time.codes:
        try:
            period_of[c] = parse_period(c)[0]
        except ValueError as exc:
            period_of[c] = exc

    out = Collected()
    flagged: dict[str, int] = {}
    positions = {d.id: i for i, d in enumerate(dims)}
    for cell, combo, value, status in table.cells:
        reg, tid, content = (combo[positions[d.id]] for d in (region, time, metric))
        area = region_keys[reg]
        if area == _Regions.SKIP:
            out.skip(reg if region.text(reg) == reg else f"{reg} {region.text(reg)}")
            continue
        if area is None:
            out.reject(
                cell,
                region.id,
                reg,
                f"okänt område {reg!r}"
                + (f" ({region.text(reg)})" if region.text(reg) != reg else "")
                + f" i {model.KOMMUN_NAME}; DeSO/RegSO 2018 förväntas",
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
            out.reject(cell, metric.id, content, reason)
            continue
        if value is None:
            reason = missing_reason(status)
            if status and legend.get(status):
                reason = reason[:-1] + f": {legend[status]})"
            out.reject(cell, "value", "", reason)
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            out.reject(cell, "value", str(value), f"värdet {value!r} är inte ett tal")
            continue
        if not np.isfinite(number):
            out.reject(cell, "value", str(value), "värdet är inte ett ändligt tal")
            continue
        period = period_of[tid]
        if isinstance(period, Exception):
            out.reject(cell, time.id, tid, str(period))
            continue
        if status:
            flagged[str(status)] = flagged.get(str(status), 0) + 1
        parts = [
            f"{d.label}: {d.text(combo[positions[d.id]])}"
            for d in others
            if combo[positions[d.id]] not in d.totals
        ]
        out.measure(cell, indicator, area, period, number, "; ".join(parts))

    if fmt_note:
        out.note(fmt_note)
    out.note(table.row_note)
    used = [c for c in metric.codes if c in mapping]
    if used:
        out.note(
            "Tabellinnehåll: "
            + "; ".join(
                f"{c} {metric.text(c)!r} → {mapping[c]}" + (" (--map)" if c in user else "")
                for c in used
            )
            + "."
        )
    for d in others:
        if not d.totals and len(d.codes) > 1:
            out.note(
                f"Dimensionen {d.label!r} saknar totalkategori; värdena lagras bara uppdelade "
                f"('{d.label}: …'), utan rad för totalen."
            )
        elif d.totals:
            out.note(
                f"Dimensionen {d.label!r}: {', '.join(sorted(d.text(c) for c in d.totals))} "
                "är totalen (ingen uppdelning); övriga kategorier lagras som uppdelning."
            )
    if flagged:
        text = ", ".join(f"{k!r}: {v}" for k, v in sorted(flagged.items()))
        out.note(f"Värden med statusflagga importerades med sitt värde ({text}).")
    updated = table.updated
    if updated:
        out.note(f"SCB uppdaterade tabellen {updated}.")
    skipped_reason = ""
    if out.skipped:
        examples = ", ".join(sorted(out.elsewhere)[:5])
        skipped_reason = (
            f"{out.skipped} värden gällde regioner utanför {model.KOMMUN_NAME} "
            f"(t.ex. {examples}) och "
            "hoppades över."
        )
    periods = sorted({r["period"] for r in out.rows})
    return out.parsed(
        "measures",
        "pxweb",
        measures_frame(out.rows),
        n,
        skipped_reason=skipped_reason,
        source={
            **SOURCE,
            "title": table_label or name,
            "updated": updated[:10] or None,
            "coverage": (
                f"{table_label or name}: tabellinnehåll {', '.join(used) or '–'}, "
                f"{model.KOMMUN_NAME}" + (f" (SCB uppdaterad {updated[:10]})" if updated else "")
            ),
            "period": ", ".join(periods),
        },
    )
