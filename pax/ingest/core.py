"""The shape every importer shares: options in, a parsed frame plus rejects out, and a
report that accounts for every row (rows_read = imported + rejected + duplicates + skipped).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

KINDS = ("events", "measures", "interventions", "areas")
FORMATS = ("csv", "xlsx", "geojson", "gpkg", "polisen", "kolada", "pxweb", "bra")
MAX_ERRORS_LISTED = 50


class ImportError_(Exception):
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
        raise ImportError_(f"Filen {name} är tom.")
    if head.startswith(b"PK\x03\x04") and expected != "xlsx":
        raise ImportError_(f"Filen {name} är ett zip-arkiv, inte {expected}; packa upp den först.")
    lowered = head.lstrip()[:200].lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        raise ImportError_(f"Filen {name} är en webbsida (HTML), inte {expected}.")
    if (
        expected in ("csv", "json")
        and b"\x00" in head
        and not head.startswith((b"\xff\xfe", b"\xfe\xff"))
    ):
        raise ImportError_(f"Filen {name} är en binärfil, inte {expected}.")
    if expected == "xlsx" and not head.startswith(b"PK\x03\x04"):
        raise ImportError_(f"Filen {name} är inte en Excel-fil (xlsx).")
