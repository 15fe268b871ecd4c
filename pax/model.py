"""The data model: table schemas, event categories, horizons and precisions."""

from __future__ import annotations

from dataclasses import dataclass

SWEDEN_CODE = "SE"


def __getattr__(name: str) -> str:
    """`KOMMUN_CODE` and `KOMMUN_NAME` follow the setting PAX_KOMMUN (read on every use,
    so a test or a build may switch the kommun in the same process)."""
    if name in ("KOMMUN_CODE", "KOMMUN_NAME"):
        from pax import config

        kommun = config.kommun()
        return kommun.code if name == "KOMMUN_CODE" else kommun.name
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


HORIZONS = ("here_and_now", "trust", "social")
LEVELS = ("deso", "regso", "kommun")
PRECISIONS = ("exact", "snapped", "area", "municipality")
ROLES = ("public", "council", "analyst")


@dataclass(frozen=True)
class Category:
    id: str
    label_sv: str
    label_en: str
    is_cache: bool = False  # caches are never shown as points below analyst


CATEGORIES: tuple[Category, ...] = (
    Category("shooting", "Skottlossning", "Shooting"),
    Category("explosion", "Sprängning/detonation", "Explosion"),
    Category("car_fire", "Bilbrand", "Car fire"),
    Category("drug_cache", "Narkotikagömma", "Drug cache", is_cache=True),
    Category("weapon_cache", "Vapengömma", "Weapon cache", is_cache=True),
)
CATEGORY_BY_ID = {c.id: c for c in CATEGORIES}

INTERVENTION_TYPES = {
    "police_presence": ("Polisnärvaro", "Police presence"),
    "guards": ("Ordningsvakter", "Security guards"),
    "camera": ("Kamerabevakning", "Camera surveillance"),
    "field_workers": ("Fältassistenter", "Field workers"),
    "night_walks": ("Nattvandring", "Night walks"),
    "safety_walk": ("Trygghetsvandring", "Safety walk"),
}

# DDL of the store. Geometry is GeoJSON text: DuckDB's spatial extension would have to
# be downloaded at run time, which a closed municipal network does not allow.
SCHEMA = """
CREATE TABLE sources (
    id VARCHAR PRIMARY KEY,
    title VARCHAR NOT NULL,
    publisher VARCHAR NOT NULL,
    licence VARCHAR NOT NULL,
    updated DATE,
    period VARCHAR,
    coverage VARCHAR,
    fictional BOOLEAN NOT NULL
);
CREATE TABLE areas (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    parent_code VARCHAR,
    category VARCHAR,
    area_km2 DOUBLE,
    geometry VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL
);
CREATE TABLE area_status (
    area_code VARCHAR NOT NULL,
    police_area VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    since DATE,
    year INTEGER NOT NULL,
    geometry VARCHAR,
    source_id VARCHAR NOT NULL
);
CREATE TABLE places (
    id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    lat DOUBLE NOT NULL,
    lon DOUBLE NOT NULL,
    area_code VARCHAR,
    source_id VARCHAR NOT NULL
);
CREATE TABLE events (
    id VARCHAR NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    category VARCHAR NOT NULL,
    lat DOUBLE,
    lon DOUBLE,
    area_code VARCHAR,
    precision VARCHAR NOT NULL,
    n INTEGER NOT NULL DEFAULT 1,
    source_id VARCHAR NOT NULL,
    source_ref VARCHAR
);
CREATE TABLE measures (
    indicator VARCHAR NOT NULL,
    area_code VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    value DOUBLE,
    numerator DOUBLE,
    denominator DOUBLE,
    breakdown VARCHAR NOT NULL DEFAULT '',
    source_id VARCHAR NOT NULL
);
CREATE TABLE interventions (
    id VARCHAR PRIMARY KEY,
    type VARCHAR NOT NULL,
    area_code VARCHAR,
    lat DOUBLE,
    lon DOUBLE,
    start_date DATE NOT NULL,
    end_date DATE,
    intensity DOUBLE,
    owner VARCHAR,
    source_id VARCHAR NOT NULL
);
CREATE TABLE catalog (
    id VARCHAR PRIMARY KEY,
    horizon VARCHAR NOT NULL,
    theme VARCHAR NOT NULL,
    name_sv VARCHAR NOT NULL,
    name_en VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    better VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    aggregation VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    definition_sv VARCHAR NOT NULL,
    definition_en VARCHAR NOT NULL,
    target DOUBLE
);
CREATE TABLE categories (
    id VARCHAR PRIMARY KEY,
    label_sv VARCHAR NOT NULL,
    label_en VARCHAR NOT NULL,
    is_cache BOOLEAN NOT NULL,
    origin VARCHAR NOT NULL
);
CREATE TABLE units (
    id VARCHAR PRIMARY KEY,
    title VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL
);
-- Derived from events with every write (pax.store.derive_event_days): events per day,
-- area and category with the sum of their record keys (the cell-key secret's, noted in
-- build_info as cell_key_check), so counts over months and years read thousands of rows,
-- not millions.
CREATE TABLE event_days (
    day DATE NOT NULL,
    area_code VARCHAR,
    category VARCHAR NOT NULL,
    n BIGINT NOT NULL,
    count_key BIGINT NOT NULL
);
CREATE TABLE build_info (key VARCHAR PRIMARY KEY, value VARCHAR);
"""
