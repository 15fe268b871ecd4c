"""Kolada's units (schools) on the map: a unit's name matched to a Skolverket school point.

Kolada does not say where a unit lies; Skolverket's register does, under its own codes.
The join is by name, and only where it is certain: the names are compared after folding
case, punctuation and the words that vary between the registers (`skola`, `skolan`,
`grundskola`, `grund`, `f-9`, `7-9`, `åk` …); a unit matches the one school whose folded
name equals its own, or — failing that — the one school whose folded name contains it or is
contained in it. Two candidates, or none, is no match: the unit is listed as not placed,
never guessed.
"""

from __future__ import annotations

import re

import pandas as pd

_NOISE = re.compile(
    r"\b(grundskola|grundskolan|grund|skolan|skola|friskola|f-?\d|\d-\d|åk|år|enhet|kommunal)\b"
)
_PUNCT = re.compile(r"[^\wåäö ]+")


def fold(name: str) -> str:
    """A school's name for comparison: lower case, no punctuation, no register words."""
    text = _PUNCT.sub(" ", str(name).lower())
    text = re.sub(r"(skolan|skola)\b", " ", text)  # "Hovsjöskolan" → "hovsjö"
    text = _NOISE.sub(" ", text)
    return " ".join(text.split())


def match(units: pd.DataFrame, schools: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """(matched, unplaced): `units` (id, title) against `schools` (id, name, lat, lon).
    `matched` has unit_id, title, place_id, name, lat, lon; `unplaced` the titles of
    the units without a certain match."""
    folded = {row.id: fold(row.name) for row in schools.itertuples(index=False)}
    by_id = schools.set_index("id")
    rows, unplaced = [], []
    for unit in units.itertuples(index=False):
        mine = fold(unit.title)
        same = [pid for pid, name in folded.items() if mine and name == mine]
        if not same:
            same = [
                pid
                for pid, name in folded.items()
                if mine and name and (mine in name or name in mine)
            ]
        if len(same) == 1:
            school = by_id.loc[same[0]]
            rows.append(
                {
                    "unit_id": unit.id,
                    "title": unit.title,
                    "place_id": same[0],
                    "name": school["name"],
                    "lat": school["lat"],
                    "lon": school["lon"],
                }
            )
        else:
            unplaced.append(unit.title)
    columns = ["unit_id", "title", "place_id", "name", "lat", "lon"]
    return pd.DataFrame(rows, columns=columns), sorted(unplaced)
