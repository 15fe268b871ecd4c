"""Fictional demo data, generated deterministically and flagged fictional in `sources`.

Magnitudes follow a town of ~100 000 (DATA.md; Södertälje, 102 426 inhabitants in 2022, is
the base): shootings 10–25 a year, explosions 5–15, car fires 100–200 with peaks on summer
evenings and New Year's Eve, drug caches 20–40, weapon caches 5–15; another kommun gets
them scaled to its population (`population_scale`). Events fall in the kommun's real DeSO
polygons, weighted by real population and concentrated in its police-listed areas and the
centre; owners are named after the kommun. Nothing here is a real event.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import shapely

from pax import i18n, model
from pax.aggregate import roll_up, with_periods

# The population the magnitudes below are for (Södertälje 2022).
BASE_POPULATION = 102_426
# Events per year at realistic scale, and how strongly each category concentrates in
# police-listed areas (multiplier on the population weight).
ANNUAL_RATE = {
    "shooting": 17,
    "explosion": 10,
    "car_fire": 150,
    "drug_cache": 30,
    "weapon_cache": 10,
}
LISTED_FACTOR = {
    "shooting": 8.0,
    "explosion": 6.0,
    "car_fire": 3.0,
    "drug_cache": 5.0,
    "weapon_cache": 6.0,
}
# Share of events by hour of day (evening-heavy), one profile for all categories.
HOUR_WEIGHTS = np.array(
    [5, 4, 3, 2, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 5, 6, 7, 8, 9, 9, 7], dtype=float
)
DEPARTMENTS = (
    "Socialtjänsten",
    "Utbildningsförvaltningen",
    "Samhällsbyggnad och bygglov",
    "Miljö och hälsa",
    "Bostadsbolaget",
    "Upphandling",
    "Kultur och fritid",
)
EVENT_SOURCE = "demo_events"
INTERVENTION_SOURCE = "demo_interventions"
TRUST_SOURCE = "demo_trust"
SOCIAL_SOURCE = "demo_social"


def population_scale(population: pd.Series, areas: pd.DataFrame) -> float:
    """The kommun's population over the base's: 1 for Södertälje, ~0.95 for Botkyrka,
    ~9.6 for Stockholm (0 or missing: 1)."""
    deso = areas.loc[areas["level"] == "deso", "code"]
    total = float(population.reindex(deso).fillna(0).sum())
    return total / BASE_POPULATION if total > 0 else 1.0


def _owner() -> str:
    return i18n.kommun_name("sv")


def _weights(areas: pd.DataFrame, population: pd.Series, listed: set[str]) -> pd.DataFrame:
    deso = areas[areas["level"] == "deso"][["code", "category", "geometry"]].copy()
    deso["population"] = deso["code"].map(population).fillna(100.0).to_numpy()
    deso["listed"] = deso["code"].isin(listed)
    return deso.reset_index(drop=True)


def _day_weights(days: pd.DatetimeIndex, category: str, years: int) -> np.ndarray:
    """Relative likelihood of each day: a mild trend, summer and New Year's peaks."""
    t = np.linspace(0, 1, len(days))
    w = 1.0 + 0.25 * np.sin(t * np.pi * years / 2.5)  # waves over the years
    if category == "car_fire":
        w *= np.where(days.month.isin([6, 7, 8]), 1.7, 1.0)
        nye = ((days.month == 12) & (days.day == 31)) | ((days.month == 1) & (days.day == 1))
        w *= np.where(nye, 25.0, 1.0)
    return w / w.sum()


def _points_in(geom, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """`n` uniform points inside a polygon by rejection from its bounding box."""
    minx, miny, maxx, maxy = geom.bounds
    lon_out, lat_out, have = [], [], 0
    shapely.prepare(geom)
    while have < n:
        batch = max(64, int((n - have) * 2.5))
        lon = rng.uniform(minx, maxx, batch)
        lat = rng.uniform(miny, maxy, batch)
        keep = shapely.contains_xy(geom, lon, lat)
        lon_out.append(lon[keep])
        lat_out.append(lat[keep])
        have += int(keep.sum())
    return np.concatenate(lon_out)[:n], np.concatenate(lat_out)[:n]


def events(
    areas: pd.DataFrame,
    population: pd.Series,
    listed: set[str],
    end: dt.date,
    years: int = 5,
    seed: int = 1,
    total: int = 0,
) -> pd.DataFrame:
    """Fictional events (one row per event, precision `exact`)."""
    rng = np.random.default_rng(seed)
    deso = _weights(areas, population, listed)
    start = end - dt.timedelta(days=365 * years - 1)
    days = pd.date_range(start, end, freq="D")
    scale = population_scale(population, areas)
    if total:
        scale = total / (sum(ANNUAL_RATE.values()) * years)
    frames = []
    for category, rate in ANNUAL_RATE.items():
        n = (
            int(rng.poisson(rate * years * scale))
            if not total
            else int(round(rate * years * scale))
        )
        w = deso["population"] * np.where(deso["listed"], LISTED_FACTOR[category], 1.0)
        w = w * deso["category"].map({"A": 0.3, "B": 0.7, "C": 1.2}).to_numpy()
        area_idx = rng.choice(len(deso), size=n, p=(w / w.sum()).to_numpy())
        day_idx = rng.choice(len(days), size=n, p=_day_weights(days, category, years))
        hours = rng.choice(24, size=n, p=HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
        minutes = rng.integers(0, 60, size=n)
        lon = np.empty(n)
        lat = np.empty(n)
        for i in np.unique(area_idx):
            sel = np.flatnonzero(area_idx == i)
            geom = deso.at[i, "geometry"]
            x, y = _points_in(geom, sel.size, rng)
            if deso.at[i, "listed"]:
                # Pull most events in listed areas towards two fixed hot places so the
                # hotspot tests have real clusters to find.
                hot_x, hot_y = _points_in(geom, 2, np.random.default_rng(seed + i))
                pick = rng.integers(0, 2, sel.size)
                pull = rng.random(sel.size) < 0.6
                nx = hot_x[pick] + (x - hot_x[pick]) * 0.25
                ny = hot_y[pick] + (y - hot_y[pick]) * 0.25
                inside = shapely.contains_xy(geom, nx, ny) & pull
                x = np.where(inside, nx, x)
                y = np.where(inside, ny, y)
            lon[sel], lat[sel] = x, y
        occurred = (
            days[day_idx] + pd.to_timedelta(hours, unit="h") + pd.to_timedelta(minutes, unit="m")
        )
        frames.append(
            pd.DataFrame(
                {
                    "occurred_at": occurred,
                    "category": category,
                    "lat": lat,
                    "lon": lon,
                    "area_code": deso["code"].to_numpy()[area_idx],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True).sort_values("occurred_at", kind="stable")
    out = out.reset_index(drop=True)
    width = max(7, len(str(len(out) - 1)))
    out.insert(0, "id", [f"demo-{i:0{width}d}" for i in range(len(out))])
    out["precision"] = "exact"
    out["n"] = 1
    out["source_id"] = EVENT_SOURCE
    out["source_ref"] = out["id"]
    return out


def interventions(
    areas: pd.DataFrame, listed: set[str], end: dt.date, years: int = 5, seed: int = 1
) -> pd.DataFrame:
    """Fictional preventive presence: cameras, guards, field workers, night walks, police."""
    rng = np.random.default_rng(seed + 7)
    deso = areas[areas["level"] == "deso"].reset_index(drop=True)
    central = deso[deso["category"] == "C"]
    hot = deso[deso["code"].isin(listed)]
    start = end - dt.timedelta(days=365 * years - 1)
    rows = []

    def add(kind, area, lonlat, first, last, intensity, owner):
        lon, lat = lonlat if lonlat is not None else (None, None)
        rows.append(
            (f"demo-int-{len(rows):05d}", kind, area, lat, lon, first, last, intensity, owner)
        )

    for _, area in hot.iterrows():
        for _ in range(rng.integers(1, 4)):
            x, y = _points_in(area["geometry"], 1, rng)
            first = start + dt.timedelta(days=int(rng.integers(0, 365 * years - 60)))
            add("camera", area["code"], (x[0], y[0]), first, None, 1.0, "Polisen")
        add(
            "field_workers",
            area["code"],
            None,
            start,
            None,
            float(rng.integers(2, 6)),
            _owner(),
        )
    extra = central.sample(min(6, len(central)), random_state=seed)
    for _, area in pd.concat([hot, extra]).iterrows():
        for _ in range(rng.integers(2, 6)):
            first = start + dt.timedelta(days=int(rng.integers(0, 365 * years - 30)))
            length = int(rng.integers(14, 120))
            kind = ("police_presence", "guards", "night_walks")[int(rng.integers(0, 3))]
            owner = {
                "police_presence": "Polisen",
                "guards": _owner(),
                "night_walks": "Nattvandrarna (förening)",
            }[kind]
            add(
                kind,
                area["code"],
                None,
                first,
                first + dt.timedelta(days=length),
                float(rng.integers(1, 10)),
                owner,
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "id",
            "type",
            "area_code",
            "lat",
            "lon",
            "start_date",
            "end_date",
            "intensity",
            "owner",
        ],
    )
    out["source_id"] = INTERVENTION_SOURCE
    return out


def _months(end: dt.date, years: int) -> pd.PeriodIndex:
    last = pd.Period(end, freq="M")
    return pd.period_range(last - 12 * years + 1, last, freq="M")


def trust_measures(
    areas: pd.DataFrame,
    listed: set[str],
    end: dt.date,
    years: int = 5,
    seed: int = 1,
    scale: float = 1.0,
) -> pd.DataFrame:
    """Horizon 2: information flow (monthly, per department), survey (yearly, per area)
    and Pax actions (monthly), all fictional; counts and sums × `scale` (the kommun's
    population over the base's)."""
    rng = np.random.default_rng(seed + 11)
    months = _months(end, years)
    t = np.arange(len(months)) / 12.0  # years since the start
    rows = []

    def monthly(indicator, values, breakdown=""):
        for period, value in zip(months, values):
            rows.append((indicator, model.KOMMUN_CODE, str(period), float(value), breakdown))

    for i, dept in enumerate(DEPARTMENTS):
        base = (9, 6, 3, 3, 5, 2, 2)[i]
        monthly("intel_reports", rng.poisson(base * scale * (1 + 0.18 * t)), dept)
        monthly("deviations_reported", rng.poisson(base * scale * 2.2 * (1 + 0.25 * t)), dept)
    monthly(
        "feedback_median_days", np.clip(np.round(38 - 4 * t + rng.normal(0, 3, len(t))), 5, None)
    )
    monthly(
        "staff_trained_share", np.clip(np.round(15 + 12 * t + rng.normal(0, 1.5, len(t)), 1), 0, 95)
    )
    monthly("collab_meetings", rng.poisson(4 + t))
    monthly("improper_influence", rng.poisson((1.5 + 0.2 * t) * scale))
    monthly("money_seized_sek", np.round(rng.gamma(2.0, 180_000 * scale * (1 + 0.2 * t)), -3))
    monthly(
        "prosecution_median_days",
        np.clip(np.round(95 - 6 * t + rng.normal(0, 8, len(t))), 20, None),
    )
    monthly("drug_seizures", rng.poisson(14 * scale * (1 + 0.15 * t)))
    monthly("targeted_places", rng.poisson((3 + 0.5 * t) * scale))
    monthly("illicit_rentals_stopped", rng.poisson((2 + 0.8 * t) * scale))
    monthly(
        "welfare_fraud_stopped_sek", np.round(rng.gamma(2.0, 90_000 * scale * (1 + 0.3 * t)), -3)
    )
    monthly("business_inspections", rng.poisson((10 + 2 * t) * scale))
    monthly("permits_revoked", rng.poisson((0.6 + 0.1 * t) * scale))
    flat = with_periods(
        pd.DataFrame(rows, columns=["indicator", "area_code", "period", "value", "breakdown"]),
        TRUST_SOURCE,
    )

    # Survey by DeSO and year as numerator/denominator (respondents), rolled up.
    deso = areas[areas["level"] == "deso"].reset_index(drop=True)
    survey_base = {
        "trust_police": (62, -14, 2.0),
        "willing_to_testify": (58, -18, 2.5),
        "unsafe_at_night": (24, 16, -1.2),
        "refrain_activities": (14, 12, -0.8),
    }
    parts = []
    first_year = end.year - years + 1
    for year in range(first_year, end.year + 1):
        for _, area in deso.iterrows():
            is_listed = area["code"] in listed
            sample = int(rng.integers(8, 25) if area["category"] == "A" else rng.integers(20, 90))
            for indicator, (base, listed_shift, trend) in survey_base.items():
                p = base + listed_shift * is_listed + trend * (year - first_year)
                p = np.clip(p + rng.normal(0, 3), 2, 98) / 100
                parts.append(
                    (
                        area["code"],
                        indicator,
                        str(year),
                        "ratio",
                        float(rng.binomial(sample, p)),
                        float(sample),
                    )
                )
    survey = roll_up(
        pd.DataFrame(
            parts, columns=["area_code", "indicator", "period", "how", "numerator", "denominator"]
        ),
        areas,
        TRUST_SOURCE,
    )
    return pd.concat([flat, survey], ignore_index=True)


def social_measures(
    areas: pd.DataFrame, real: pd.DataFrame, end: dt.date, years: int = 5, seed: int = 1
) -> pd.DataFrame:
    """Horizon 3 indicators without a real source, by DeSO and year, rolled up.

    Levels follow the real SCB employment rate and low-economic-standard share of each DeSO
    so that the fictional picture is plausible; the values themselves are invented."""
    rng = np.random.default_rng(seed + 23)
    deso = areas[areas["level"] == "deso"][["code"]].reset_index(drop=True)
    real_deso = real[real["area_code"].isin(deso["code"])]
    lookup = real_deso.pivot_table(
        index="area_code", columns="indicator", values="value", aggfunc="last"
    )
    emp = deso["code"].map(lookup.get("employment_rate_16_64", pd.Series(dtype=float))).fillna(74)
    low = (
        deso["code"]
        .map(lookup.get("share_low_economic_standard", pd.Series(dtype=float)))
        .fillna(15)
    )
    pop = deso["code"].map(lookup.get("population", pd.Series(dtype=float))).fillna(2000)
    deprivation = ((low - 15) / 15 - (emp - 74) / 10).to_numpy() / 2  # ~ -1 … +2
    parts = []
    last_year = end.year - 1  # yearly statistics arrive after the year has ended
    for k, year in enumerate(range(last_year - years + 1, last_year + 1)):
        noise = rng.normal(0, 1, (8, len(deso)))
        youth = np.maximum(pop * 0.11, 10)
        pupils = np.maximum(pop * 0.012, 5).round()
        spec = {
            "youth_neet_16_24": ("ratio", 6 + 4 * deprivation - 0.3 * k + noise[0], youth),
            "overcrowding": ("ratio", 12 + 14 * deprivation + noise[1] * 2, pop),
            "residential_turnover": ("ratio", 11 + 3 * deprivation + noise[2], pop),
            "eligible_upper_secondary": (
                "ratio",
                86 - 12 * deprivation + 0.6 * k + noise[3] * 3,
                pupils,
            ),
            "school_safety": ("ratio", 84 - 8 * deprivation + 0.5 * k + noise[4] * 3, pupils),
            "preschool_enrolment": (
                "ratio",
                88 - 9 * deprivation + 0.4 * k + noise[5] * 2,
                pop * 0.06,
            ),
            "merit_value": ("weighted", 228 - 30 * deprivation + 1.5 * k + noise[6] * 6, pupils),
        }
        for indicator, (how, value, base) in spec.items():
            value = np.asarray(value, dtype=float)
            base = np.asarray(base, dtype=float).round()
            if how == "ratio":
                share = np.clip(value, 1, 99) / 100
                num = rng.binomial(base.astype(int), share).astype(float)
            else:
                num = np.clip(value, 100, 340) * base
            parts.append(
                pd.DataFrame(
                    {
                        "area_code": deso["code"],
                        "indicator": indicator,
                        "period": str(year),
                        "how": how,
                        "numerator": num,
                        "denominator": base,
                    }
                )
            )
        visits = rng.poisson(
            np.maximum(pop, 50) * (0.8 + 0.5 * np.clip(deprivation, 0, None)) * (1 + 0.05 * k)
        )
        parents = rng.poisson(np.maximum(pop, 50) * 0.004 * (1 + 0.1 * k))
        for indicator, counts in (("youth_centre_visits", visits), ("parental_support", parents)):
            parts.append(
                pd.DataFrame(
                    {
                        "area_code": deso["code"],
                        "indicator": indicator,
                        "period": str(year),
                        "how": "sum",
                        "numerator": counts.astype(float),
                        "denominator": np.nan,
                    }
                )
            )
    return roll_up(pd.concat(parts, ignore_index=True), areas, SOCIAL_SOURCE)
