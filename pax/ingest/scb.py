"""Real SCB DeSO figures from `data/scb/` as measures at DeSO, RegSO and kommun level.

Two inputs, the kommun's own first:
- the kommun's own long files (`data/scb/<prefix>_deso_*.csv`, Södertälje's: 2010–2023,
  age, households, house types, the exact bases of every share);
- else SCB's DeSO statistics 2022 for all of Sweden (`data/scb/sweden/`), which hold a
  subset: see NATIONAL_MISSING and data/scb/SOURCES.md.

SCB's long files hold counts. Shares are recomputed at every level from numerator and
denominator (summed over the DeSO of the area), so a RegSO share is the true share of
its people, not an average of DeSO shares. Medians cannot be aggregated: for RegSO and
kommun they are a population-weighted mean of DeSO medians, and the catalogue says so.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pax import config
from pax.aggregate import roll_up

SOURCE_ID = "scb_deso"
FILES = (  # the kommun's own long files, each prefixed with Kommun.file_prefix
    "deso_population_2010_2022_2023.csv",
    "deso_population_by_age_2022.csv",
    "deso_education_25_64_2022.csv",
    "deso_income_2022.csv",
    "deso_economic_standard_2022.csv",
    "deso_labour_market_16_64_2022.csv",
    "deso_dwellings_by_tenure_2022.csv",
    "deso_households_2022.csv",
    "deso_population_by_house_type_2022.csv",
)
NATIONAL_FILE = "sweden/deso2018_statistik_2022.csv"
# Shares the national table publishes in percent → (column, the base they are turned back
# into counts of). Without the true base (persons in the statistics, dwellings) a RegSO or
# kommun value is a population-weighted mean of its DeSO shares.
NATIONAL_SHARES = {
    "share_post_secondary_25_64": ("eftergymnasial_25_64_2022_pct", "befolkning_25_64_2022"),
    "share_pre_upper_secondary_25_64": ("forgymnasial_25_64_2022_pct", "befolkning_25_64_2022"),
    "share_low_economic_standard": ("lag_ekonomisk_standard_2022_pct", "folkmangd_2022"),
    "share_rental_dwellings": ("andel_hyresratt_lgh_2022_pct", "folkmangd_2022"),
}
# Catalogue indicators the national table cannot give (no 2010 population, no age 65+,
# no earned income, no households or house types).
NATIONAL_MISSING = (
    "population_change_since_2010_pct",
    "share_age_65plus",
    "median_earned_income_20plus",
    "share_population_multi_dwelling",
    "persons_per_household",
    "share_single_parent_households",
)

# A count selector: (indicator in SCB file, breakdowns to add up or None for the total,
# year or None for the indicator's own year).
ALL = None
RATIOS: dict[str, tuple[tuple, tuple, int]] = {
    "share_age_0_19": (
        ("population_by_age_group", {"0-4", "5-9", "10-14", "15-19"}),
        ("population_by_age_group", ALL),
        2022,
    ),
    "share_age_65plus": (
        ("population_by_age_group", {"65-69", "70-74", "75-79", "80+"}),
        ("population_by_age_group", ALL),
        2022,
    ),
    "share_post_secondary_25_64": (
        ("population_25_64_by_education_level", {"post_secondary_lt_3y", "post_secondary_3y_plus"}),
        ("population_25_64_by_education_level", ALL),
        2022,
    ),
    "share_pre_upper_secondary_25_64": (
        ("population_25_64_by_education_level", {"pre_upper_secondary"}),
        ("population_25_64_by_education_level", ALL),
        2022,
    ),
    "employment_rate_16_64": (("employed_16_64", ALL), ("population_16_64", ALL), 2022),
    "unemployment_rate_16_64": (("unemployed_16_64", ALL), ("labour_force_16_64", ALL), 2022),
    "share_rental_dwellings": (
        ("dwellings_by_tenure", {"rental"}),
        ("dwellings_by_tenure", ALL),
        2022,
    ),
    "share_population_multi_dwelling": (
        ("population_by_house_type", {"multi_dwelling_building"}),
        ("population_by_house_type", {"total"}),
        2022,
    ),
    "share_single_parent_households": (
        ("households_by_type", {"single_with_children"}),
        ("households", ALL),
        2022,
    ),
}
WEIGHTED = {
    "median_earned_income_20plus": "persons_20plus_in_income_statistics",
    "median_net_income_20plus": "persons_20plus_in_income_statistics",
}
# Shares SCB publishes as whole percents, with the count they are a share of.
PUBLISHED_SHARES = {"share_low_economic_standard": "persons_in_economic_standard_statistics"}
LEVEL_SCALE = {"persons_per_household": 1}


def own_files(scb_dir: Path, prefix: str) -> list[Path]:
    """The kommun's own long files, or [] when it has none (then the national table)."""
    paths = [scb_dir / f"{prefix}_{name}" for name in FILES]
    return paths if all(p.exists() for p in paths) else []


def read_long(scb_dir: Path, prefix: str | None = None) -> pd.DataFrame:
    """All the kommun's own long files in one frame (deso_code, indicator, year,
    breakdown, value)."""
    frames = []
    for path in own_files(scb_dir, prefix or config.kommun().file_prefix):
        frame = pd.read_csv(path, dtype={"deso_code": str, "breakdown": str}, keep_default_na=False)
        frames.append(frame)
    long = pd.concat(frames, ignore_index=True)
    long["value"] = pd.to_numeric(long["value"], errors="raise")
    long["year"] = long["year"].astype(int)
    return long


def _count(long: pd.DataFrame, indicator: str, breakdowns, year: int) -> pd.Series:
    rows = long[(long["indicator"] == indicator) & (long["year"] == year)]
    if breakdowns is not None:
        rows = rows[rows["breakdown"].isin(breakdowns)]
    elif (rows["breakdown"] != "").any() and (rows["breakdown"] == "").any():
        rows = rows[rows["breakdown"] == ""]
    return rows.groupby("deso_code")["value"].sum()


def deso_parts(long: pd.DataFrame) -> pd.DataFrame:
    """Per DeSO and indicator: numerator, denominator and kind of aggregation."""
    parts = []

    def add(indicator, year, num, den, how):
        frame = pd.DataFrame({"numerator": num, "denominator": den}).reset_index(names="deso_code")
        frame["indicator"], frame["year"], frame["how"] = indicator, year, how
        parts.append(frame)

    for year in sorted(long.loc[long["indicator"] == "population", "year"].unique()):
        pop = _count(long, "population", ALL, year)
        add("population", year, pop, None, "sum")
    for indicator, (num, den, year) in RATIOS.items():
        add(indicator, year, _count(long, *num, year), _count(long, *den, year), "ratio")
    pop22 = _count(long, "population", ALL, 2022)
    add("persons_per_household", 2022, pop22, _count(long, "households", ALL, 2022), "ratio")
    pop10, pop23 = _count(long, "population", ALL, 2010), _count(long, "population", ALL, 2023)
    add("population_change_since_2010_pct", 2023, pop23 - pop10, pop10, "ratio")
    for indicator, weight in WEIGHTED.items():
        w = _count(long, weight, ALL, 2022)
        add(indicator, 2022, _count(long, indicator, ALL, 2022) * w, w, "weighted")
    for indicator, base in PUBLISHED_SHARES.items():
        b = _count(long, base, ALL, 2022)
        add(indicator, 2022, _count(long, indicator, ALL, 2022) * b / 100, b, "ratio")
    return pd.concat(parts, ignore_index=True)


def read_national(scb_dir: Path, kommun_code: str) -> pd.DataFrame:
    """SCB's national DeSO table (one row per DeSO) for one kommun."""
    table = pd.read_csv(scb_dir / NATIONAL_FILE, dtype={"deso": str})
    return table[table["deso"].str.startswith(kommun_code)].set_index("deso")


def national_parts(table: pd.DataFrame) -> pd.DataFrame:
    """Per DeSO and indicator from the national table: numerator, denominator, how.

    The table publishes shares without all their bases: education shares are turned back
    into counts of the 25–64 population; the labour force is employed + unemployed; the
    median net income, low economic standard and rental share of a RegSO or the kommun
    are means of the DeSO figures weighted by population (the exact bases are not in the
    table). At DeSO level every figure is SCB's."""
    pop = table["folkmangd_2022"]
    employed, unemployed = table["sysselsatta_16_64_2022"], table["arbetslosa_16_64_2022"]
    rows = [
        ("population", 2022, pop, None, "sum"),
        ("population", 2023, table["folkmangd_2023"], None, "sum"),
        ("share_age_0_19", 2022, table["folkmangd_0_19_2022"], pop, "ratio"),
        ("employment_rate_16_64", 2022, employed, table["befolkning_16_64_2022"], "ratio"),
        ("unemployment_rate_16_64", 2022, unemployed, employed + unemployed, "ratio"),
        (
            "median_net_income_20plus",
            2022,
            table["median_nettoinkomst_tkr_2022"] * pop,
            pop,
            "weighted",
        ),
    ]
    for indicator, (share, base) in NATIONAL_SHARES.items():
        rows.append((indicator, 2022, table[share] * table[base] / 100, table[base], "ratio"))
    parts = []
    for indicator, year, num, den, how in rows:
        frame = pd.DataFrame({"numerator": num, "denominator": den}).reset_index(names="deso_code")
        frame["indicator"], frame["year"], frame["how"] = indicator, year, how
        parts.append(frame)
    return pd.concat(parts, ignore_index=True)


def uses_national(scb_dir: Path | None = None) -> bool:
    """The chosen kommun's figures come from the national table (it has no own files)."""
    scb_dir = scb_dir or config.data_dir() / "scb"
    return not own_files(scb_dir, config.kommun().file_prefix)


def measures(areas: pd.DataFrame, scb_dir: Path | None = None) -> pd.DataFrame:
    """SCB measures for every DeSO, RegSO and the municipality, ready for the store."""
    scb_dir = scb_dir or config.data_dir() / "scb"
    kommun_code = areas.loc[areas["level"] == "kommun", "code"].iloc[0]
    if uses_national(scb_dir):
        parts = national_parts(read_national(scb_dir, kommun_code))
    else:
        parts = deso_parts(read_long(scb_dir))
    parts = parts.rename(columns={"deso_code": "area_code"})
    parts["period"] = parts["year"].astype(str)
    return roll_up(parts, areas, SOURCE_ID, LEVEL_SCALE)
