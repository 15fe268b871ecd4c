"""Events of every precision count where they belong and nowhere finer."""

import datetime as dt

import duckdb
import pandas as pd

from pax import model, queries


def _store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(model.SCHEMA)
    areas = pd.DataFrame(
        {
            "code": ["0181", "hovsjo", "0181C1050", "0181C1060"],
            "name": ["Södertälje", "Hovsjö", "Hovsjö (1050)", "Hovsjö (1060)"],
            "level": ["kommun", "regso", "deso", "deso"],
            "parent_code": [None, "0181", "hovsjo", "hovsjo"],
            "geometry": ["{}"] * 4,
            "source_id": ["t"] * 4,
        }
    )
    con.register("a", areas)
    con.execute(
        "INSERT INTO areas (code, name, level, parent_code, geometry, source_id) SELECT * FROM a"
    )
    events = pd.DataFrame(
        {
            "id": ["p", "d", "r", "m"],
            "occurred_at": pd.to_datetime(["2025-01-02"] * 4),
            "category": ["shooting"] * 4,
            "area_code": ["0181C1050", "0181C1060", "hovsjo", "0181"],
            "precision": ["exact", "area", "area", "municipality"],
            "n": [1, 2, 4, 8],
            "source_id": ["t"] * 4,
        }
    )
    con.register("e", events)
    con.execute(
        "INSERT INTO events (id, occurred_at, category, area_code, precision, n, "
        "source_id) SELECT * FROM e"
    )
    return con


def test_each_precision_counts_at_its_own_level_and_above():
    con = _store()
    day = dt.date(2025, 1, 2)
    deso = queries.event_counts(con, day, day, "deso").set_index("area_code")["count"]
    regso = queries.event_counts(con, day, day, "regso").set_index("area_code")["count"]
    kommun = queries.event_counts(con, day, day, "kommun")["count"].sum()
    assert deso.to_dict() == {"0181C1050": 1, "0181C1060": 2}
    assert regso.to_dict() == {"hovsjo": 7}
    assert kommun == 15
