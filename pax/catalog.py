"""The indicator catalogue and the source register, read from `data/`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pax import config, model

CATALOG_COLUMNS = (
    "id horizon theme name_sv name_en unit better kind aggregation source_id "
    "definition_sv definition_en"
).split()
SOURCE_COLUMNS = "id title publisher licence updated period coverage fictional".split()
BETTER = ("higher", "lower", "neutral")
KINDS = ("count", "share", "value")
AGGREGATIONS = ("sum", "ratio", "weighted", "none")


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = set(columns) - set(frame.columns)
    if missing:
        raise ValueError(f"{path.name} saknar kolumnerna {sorted(missing)}")
    return frame[columns]


def load_catalog(data_dir: Path | None = None) -> pd.DataFrame:
    """Read and validate `data/catalog.csv`; raises ValueError naming the bad row."""
    data_dir = data_dir or config.data_dir()
    raw = pd.read_csv(data_dir / "catalog.csv", dtype=str, keep_default_na=False)
    frame = _read(data_dir / "catalog.csv", CATALOG_COLUMNS)
    sources = set(load_sources(data_dir)["id"])
    for i, row in frame.iterrows():
        where = f"catalog.csv rad {i + 2} ({row['id']})"
        if row["horizon"] not in model.HORIZONS:
            raise ValueError(f"{where}: okänd horisont {row['horizon']!r}")
        if row["better"] not in BETTER:
            raise ValueError(f"{where}: 'better' måste vara en av {BETTER}")
        if row["kind"] not in KINDS or row["aggregation"] not in AGGREGATIONS:
            raise ValueError(f"{where}: okänd typ eller aggregering")
        if row["source_id"] not in sources:
            raise ValueError(f"{where}: källan {row['source_id']!r} finns inte i sources.csv")
        if not all(row[c].strip() for c in CATALOG_COLUMNS):
            raise ValueError(f"{where}: tomt fält")
    if frame["id"].duplicated().any():
        raise ValueError("catalog.csv har dubbletter av id")
    # Optional yearly target (for counts) or level (for values); empty means none.
    target = raw["target"] if "target" in raw else pd.Series("", index=raw.index)
    frame = frame.assign(target=pd.to_numeric(target.str.replace(",", "."), errors="coerce"))
    bad = target.str.strip().ne("") & frame["target"].isna()
    if bad.any():
        raise ValueError(f"catalog.csv: målet för {frame.loc[bad, 'id'].iloc[0]} är inte ett tal")
    return frame.reset_index(drop=True)


CATEGORY_COLUMNS = "id label_sv label_en is_cache aliases polisen_types".split()


def load_categories(data_dir: Path | None = None) -> pd.DataFrame:
    """Event categories (`data/event_categories.csv`): the Pax five and any a municipality
    adds, with the Swedish aliases and Polisen types that map to them."""
    data_dir = data_dir or config.data_dir()
    frame = _read(data_dir / "event_categories.csv", CATEGORY_COLUMNS).copy()
    frame["is_cache"] = frame["is_cache"].str.lower().eq("true")
    missing = {c.id for c in model.CATEGORIES} - set(frame["id"])
    if missing:
        raise ValueError(f"event_categories.csv saknar Pax-kategorierna {sorted(missing)}")
    return frame


def load_sources(data_dir: Path | None = None) -> pd.DataFrame:
    """Read `data/sources.csv` (publisher, licence, period, fictional flag)."""
    data_dir = data_dir or config.data_dir()
    frame = _read(data_dir / "sources.csv", SOURCE_COLUMNS).copy()
    frame["fictional"] = frame["fictional"].str.lower().map({"true": True, "false": False})
    if frame["fictional"].isna().any():
        raise ValueError("sources.csv: 'fictional' måste vara true eller false")
    frame["updated"] = pd.to_datetime(frame["updated"].replace("", None)).dt.date
    return frame
