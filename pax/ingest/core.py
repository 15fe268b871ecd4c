"""The shape every importer shares: options and a context in, a parsed frame plus rejects
out, and a report that accounts for every row (rows_read = imported + rejected + duplicates
+ skipped).

Every reader takes a `Context` (what this installation knows: areas, categories, the
catalogue), gathers its rows, rejects, skipped rows and notes in a `Collected`, and ends
with `Collected.parsed`. This module imports no other module of `pax.ingest`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import shapely

from pax import catalog, config, geo, model

KINDS = ("events", "measures", "interventions", "areas")
FORMATS = ("csv", "xlsx", "geojson", "gpkg", "polisen", "kolada", "pxweb", "bra")
MAX_ERRORS_LISTED = 50


def municipality_names() -> set[str]:
    """How files write the kommun of PAX_KOMMUN, folded (`sodertalje kommun`, `0181`)."""
    return config.kommun().name_keys()


class ImportRefused(Exception):
    """A file that cannot be imported at all: one clear Swedish sentence (exit code 2)."""


@dataclass
class Reject:
    row: int
    column: str | None
    value: str
    reason: str


@dataclass
class Options:
    kind: str | None = None
    format: str = "auto"
    crs: str | None = None
    source: str | None = None
    category: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    dry_run: bool = False

    def to_json(self) -> dict:
        data = asdict(self)
        data.pop("dry_run")
        return data

    @classmethod
    def from_json(cls, data: dict) -> Options:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass
class Parsed:
    """What a reader returns: canonical rows (column `row` = source row number, 1-based
    counting the header as row 1 for tabular files), rejects, and what it noticed."""

    kind: str
    format: str
    frame: pd.DataFrame
    rows_read: int
    rejects: list[Reject] = field(default_factory=list)
    skipped: int = 0
    skipped_reason: str = ""
    notes: list[str] = field(default_factory=list)
    source: dict = field(default_factory=dict)
    new_categories: list[dict] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # canonical → the file's header
    units: dict[str, str] = field(default_factory=dict)  # Kolada unit id → its name


@dataclass
class Collected:
    """What a reader gathers while it reads: canonical rows (each with its source row
    number in `row`), rejects, skipped rows (other municipalities, counted per place in
    `elsewhere`) and notes, in the order they come. `parsed` ends the read.

    `rejects` and `notes` are plain lists, so helpers shared between readers append to
    them directly."""

    rows: list[dict] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: int = 0
    elsewhere: dict[str, int] = field(default_factory=dict)  # skipped place → rows

    def row(self, number: int, **values) -> None:
        self.rows.append({"row": number, **values})

    def measure(
        self, number: int, indicator: str, area: str, period: str, value: float, breakdown=""
    ) -> None:
        """A measure as the statistics readers give it: a value without numerator and
        denominator."""
        self.row(
            number,
            indicator=indicator,
            area_code=area,
            period=period,
            value=value,
            numerator=np.nan,
            denominator=np.nan,
            breakdown=breakdown,
        )

    def reject(self, row: int, column: str | None, value: str, reason: str) -> None:
        self.rejects.append(Reject(row, column, value, reason))

    def skip(self, where: str | None = None, count: int = 1) -> None:
        self.skipped += count
        if where is not None:
            self.elsewhere[where] = self.elsewhere.get(where, 0) + count

    def note(self, text: str) -> None:
        self.notes.append(text)

    def parsed(self, kind: str, fmt: str, frame: pd.DataFrame, rows_read: int, **more) -> Parsed:
        """The reader's result: `more` holds the other fields of `Parsed` (skipped_reason,
        source, columns, new_categories, units)."""
        return Parsed(
            kind=kind,
            format=fmt,
            frame=frame,
            rows_read=rows_read,
            rejects=self.rejects,
            skipped=self.skipped,
            notes=self.notes,
            **more,
        )


@dataclass
class Report:
    file: str
    kind: str
    format: str
    rows_read: int = 0
    imported: int = 0
    rejected: int = 0
    duplicates: int = 0
    skipped: int = 0
    quarantine: str | None = None
    errors: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def exit_code(self) -> int:
        if self.imported + self.duplicates == 0 and self.rejected > 0:
            return 2  # not one usable row
        return 3 if self.rejected else 0

    def balanced(self) -> bool:
        return self.rows_read == self.imported + self.rejected + self.duplicates + self.skipped

    def to_json(self) -> dict:
        data = asdict(self)
        data["errors"] = data["errors"][:MAX_ERRORS_LISTED]
        return data

    def text(self) -> str:
        """The human report, in Swedish."""
        lines = [
            f"Fil: {self.file}",
            f"Typ: {self.kind} · format: {self.format}"
            + (" · provkörning" if self.dry_run else ""),
            f"Lästa rader: {self.rows_read}",
            f"Importerade: {self.imported}",
            f"Avvisade: {self.rejected}",
            f"Dubbletter (fanns redan): {self.duplicates}",
        ]
        if self.skipped:
            lines.append(f"Överhoppade (annan kommun): {self.skipped}")
        lines += [f"Obs: {note}" for note in self.notes]
        if self.quarantine:
            lines.append(f"Avvisade rader sparade i: {self.quarantine}")
        for err in self.errors[:MAX_ERRORS_LISTED]:
            column = f", kolumn {err['column']}" if err["column"] else ""
            lines.append(f"  rad {err['row']}{column}: {err['reason']} (värde: {err['value']!r})")
        if len(self.errors) > MAX_ERRORS_LISTED:
            lines.append(f"  … och {len(self.errors) - MAX_ERRORS_LISTED} fel till i karantänfilen")
        return "\n".join(lines)


@dataclass
class AreaIndex:
    """Lookups from what files write to our area keys."""

    areas: pd.DataFrame

    def __post_init__(self) -> None:
        a = self.areas
        self.deso_codes = set(a.loc[a["level"] == "deso", "code"])
        regso = a[a["level"] == "regso"]
        self.regso_by_name = {norm_header(n): c for n, c in zip(regso["name"], regso["code"])}
        self.regso_by_name.update({c.lower(): c for c in regso["code"]})
        # Old links and files keyed RegSO by an ASCII slug of the name (`hovsjo`).
        self.regso_by_name.update({geo.slug(n): c for n, c in zip(regso["name"], regso["code"])})
        self.names = dict(zip(a["code"], a["name"]))
        outline = a.loc[a["level"] == "kommun", "geometry"].iloc[0]
        self.outline_m = geo.to_metric(outline)
        shapely.prepare(self.outline_m)
        deso = a[a["level"] == "deso"]
        self.deso_m = [geo.to_metric(g) for g in deso["geometry"]]
        self.deso_list = list(deso["code"])

    def area_key(self, text) -> str | None:
        """DeSO code, RegSO (name or key), or the municipality → our key; None if unknown."""
        if text is None or pd.isna(text):
            return None
        value = str(text).strip()
        if value.upper() in self.deso_codes:
            return value.upper()
        key = norm_header(value)
        if key in self.regso_by_name:
            return self.regso_by_name[key]
        if config.fold(key) in municipality_names():
            return model.KOMMUN_CODE
        if key in {"se", "riket", "sverige", "hela landet"}:
            return model.SWEDEN_CODE
        return None

    def nearest_deso(self, x: float, y: float) -> str:
        point = shapely.Point(x, y)
        distances = [g.distance(point) for g in self.deso_m]
        return self.deso_list[int(np.argmin(distances))]


@dataclass
class Context:
    """What every reader needs to know about this installation."""

    index: AreaIndex
    categories: dict[str, str]  # alias or label (normalised) → category id
    category_ids: set[str]
    polisen_types: dict[str, str]  # Polisen type → category id
    catalog: pd.DataFrame

    @classmethod
    def load(cls, data_dir: Path | None = None, con: duckdb.DuckDBPyConnection | None = None):
        data_dir = data_dir or config.data_dir()
        cats = catalog.load_categories(data_dir)
        if con is not None:
            stored = con.execute("SELECT id, label_sv, label_en FROM categories").df()
            cats = pd.concat([cats, stored[~stored["id"].isin(cats["id"])]], ignore_index=True)
        lookup: dict[str, str] = {}
        polisen: dict[str, str] = {}
        for _, row in cats.iterrows():
            for alias in [
                row["id"],
                row["label_sv"],
                row["label_en"],
                *str(row.get("aliases", "") or "").split(";"),
            ]:
                if alias and str(alias) != "nan":
                    lookup[norm_header(alias)] = row["id"]
            for ptype in str(row.get("polisen_types", "") or "").split(";"):
                if ptype and ptype != "nan":
                    polisen[ptype.strip()] = row["id"]
        return cls(
            AreaIndex(geo.load_areas()),
            lookup,
            set(cats["id"]),
            polisen,
            catalog.load_catalog(data_dir),
        )


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def norm_header(text: str) -> str:
    """Header as compared: lower case, trimmed, inner spaces collapsed, å/ä/ö kept."""
    return re.sub(r"\s+", " ", str(text).replace("\ufeff", "").strip().lower())


def content_ids(frame: pd.DataFrame, columns: list[str], prefix: str) -> pd.Series:
    """Stable ids from row content, numbering identical rows, so that importing the same
    file twice yields the same ids (and the second import counts duplicates)."""
    text = pd.Series("", index=frame.index, dtype="string")
    for col in columns:
        text = text + "|" + frame[col].astype("string").fillna("")
    ordinal = text.groupby(text).cumcount().astype(str)
    return prefix + (text + "#" + ordinal).map(
        lambda s: hashlib.sha1(s.encode("utf-8")).hexdigest()[:16]
    )


def sniff_bytes(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(4096)


def refuse_wrong_content(path: Path, head: bytes, expected: str) -> None:
    """A file that is not what its name says gets a clear error before any parsing."""
    name = path.name
    if not head.strip():
        raise ImportRefused(f"Filen {name} är tom.")
    if head.startswith(b"PK\x03\x04") and expected != "xlsx":
        raise ImportRefused(f"Filen {name} är ett zip-arkiv, inte {expected}; packa upp den först.")
    lowered = head.lstrip()[:200].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        raise ImportRefused(f"Filen {name} är en webbsida (HTML), inte {expected}.")
    if (
        expected in ("csv", "json")
        and b"\x00" in head
        and not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    ):
        raise ImportRefused(f"Filen {name} är en binärfil, inte {expected}.")
    if expected == "xlsx" and not head.startswith(b"PK\x03\x04"):
        raise ImportRefused(f"Filen {name} är inte en Excel-fil (xlsx).")
