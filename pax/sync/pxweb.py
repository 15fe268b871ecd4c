"""Fetch one SCB table from PxWeb API v2 as one JSON-stat 2.0 dataset `pax.ingest.pxweb` reads.

The API: `GET {base}/config` says how many cells one answer may hold (`maxDataCells`);
`GET {base}/tables/{id}/metadata?lang=sv` is the table's JSON-stat 2.0 metadata (every
dimension with its `category.index`/`label`, no values); `GET {base}/tables/{id}/data?lang=sv
&outputFormat=json-stat2&valueCodes[Region]=0181*&valueCodes[Tid]=*` (every other dimension
`*`) the data, row-major over the order of `id`.

What the code guarantees:
- The region dimension (`role.geo`, else `Region`) is asked for by `region_prefix*` and every
  other dimension whole; the expected cell count (regions with the prefix × all periods × the
  other dimensions) is computed from the metadata before any data is asked for.
- Over `maxDataCells` (150 000 when the config does not say), the request is split by the time
  dimension (`role.time`, else `Tid`) into runs of periods that fit; a single period over the
  limit is a `SyncError`, not a request SCB would refuse.
- Split answers are merged into one dataset, as the unsplit answer would be: the periods
  concatenated in request order, `value` and `status` interleaved row-major by `id`. Every
  part must have the same other dimensions and exactly the periods asked for, and the merged
  `value` must hold the product of the sizes; otherwise a `SyncError` — never a partial table.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable

from pax.sync.http import Client, SyncError

DEFAULT_MAX_CELLS = 150_000
_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def fetch(
    client: Client,
    base_url: str,
    table_id: str,
    region_prefix: str,
    lang: str = "sv",
    progress: Callable[[str], None] = lambda msg: None,
) -> dict:
    """The table `table_id` for the regions starting with `region_prefix`, every period."""
    name = client.name
    for value, what in ((table_id, "tabell-id"), (lang, "språk")):
        if not _ID.match(str(value)):
            raise SyncError(f"{name}: {value!r} är inte ett giltigt {what}.")
    if region_prefix and not _ID.match(region_prefix):
        raise SyncError(f"{name}: {region_prefix!r} är inte en giltig regionkod.")
    base = base_url.rstrip("/")
    progress(f"{name}: läser SCB:s gränser och metadata för {table_id} …")
    config = client.get_json(f"{base}/config")
    limit = config.get("maxDataCells") if isinstance(config, dict) else None
    if isinstance(limit, bool) or not isinstance(limit, int) or limit <= 0:
        limit = DEFAULT_MAX_CELLS
    meta = client.get_json(
        f"{base}/tables/{table_id}/metadata", {"lang": lang, "outputFormat": "json-stat2"}
    )
    dims = _dimensions(name, table_id, meta)
    time = _role(name, table_id, meta, dims, "time", "Tid")
    region = _role(name, table_id, meta, dims, "geo", "Region")
    regions = [c for c in dims[region] if c.startswith(region_prefix)]
    if not regions:
        raise SyncError(
            f"{name}: tabellen {table_id} har inga regioner som börjar på {region_prefix}."
        )
    periods = dims[time]
    per_period = len(regions) * math.prod(
        len(c) for d, c in dims.items() if d not in (time, region)
    )
    if per_period > limit:
        raise SyncError(
            f"{name}: en enda period av {table_id} är {per_period} celler, över SCB:s gräns på "
            f"{limit}; tabellen kan inte hämtas i delar per period."
        )
    params = {
        "lang": lang,
        "outputFormat": "json-stat2",
        f"valueCodes[{region}]": f"{region_prefix}*",
    }
    params.update({f"valueCodes[{d}]": "*" for d in dims if d not in (time, region)})
    url = f"{base}/tables/{table_id}/data"
    if per_period * len(periods) <= limit:
        progress(f"{name}: hämtar {table_id} ({per_period * len(periods)} celler) …")
        data = client.get_json(url, {**params, f"valueCodes[{time}]": "*"})
        _dimensions(name, table_id, data, with_values=True)
        return data
    step = limit // per_period
    runs = [periods[i : i + step] for i in range(0, len(periods), step)]
    parts = []
    for i, run in enumerate(runs, 1):
        progress(f"{name}: hämtar {table_id} del {i} av {len(runs)} ({run[0]}–{run[-1]}) …")
        part = client.get_json(url, {**params, f"valueCodes[{time}]": ",".join(run)})
        got = _dimensions(name, table_id, part, with_values=True).get(time)
        if got is None or sorted(got) != sorted(run):
            raise SyncError(
                f"{name}: SCB svarade med andra perioder än de begärda ({', '.join(run)}) för "
                f"{table_id}; inget sparades."
            )
        parts.append(part)
    return _merge(name, table_id, parts, time)


def _codes(spec: dict) -> list[str]:
    category = spec.get("category") or {}
    index = category.get("index")
    if isinstance(index, dict):
        return [str(c) for c, _ in sorted(index.items(), key=lambda kv: kv[1])]
    if isinstance(index, list):
        return [str(c) for c in index]
    return [str(c) for c in category.get("label") or {}]


def _dimensions(name: str, table: str, data, with_values: bool = False) -> dict[str, list[str]]:
    """Dimension id → codes, in `id` order; a SyncError unless it is consistent JSON-stat 2.0."""

    def bad(why: str) -> SyncError:
        return SyncError(f"{name}: SCB:s svar för {table} är ingen komplett JSON-stat 2.0 ({why}).")

    if not isinstance(data, dict) or not isinstance(data.get("dimension"), dict):
        raise bad("dimension saknas")
    ids, sizes = data.get("id"), data.get("size")
    if not isinstance(ids, list) or not isinstance(sizes, list) or len(ids) != len(sizes):
        raise bad("id och size saknas eller skiljer sig åt")
    dims = {}
    for dim, size in zip(ids, sizes):
        spec = data["dimension"].get(dim)
        codes = _codes(spec) if isinstance(spec, dict) else []
        if len(codes) != size:
            raise bad(f"dimensionen {dim} har {len(codes)} kategorier men size anger {size}")
        dims[str(dim)] = codes
    if with_values:
        n, value = math.prod(sizes), data.get("value")
        if not isinstance(value, list | dict):
            raise bad("value saknas")
        if isinstance(value, list) and len(value) != n:
            raise bad(f"value har {len(value)} värden men dimensionerna ger {n}")
        if isinstance(value, dict) and any(not k.isdigit() or int(k) >= n for k in value):
            raise bad("value har positioner utanför tabellen")
    return dims


def _role(name: str, table: str, meta: dict, dims: dict, role: str, default: str) -> str:
    for dim in (meta.get("role") or {}).get(role) or []:
        if dim in dims:
            return dim
    if default in dims:
        return default
    raise SyncError(f"{name}: tabellen {table} har ingen dimension för {role} ({default}).")


def _cells(data: dict, key: str, n: int) -> list:
    """`value` or `status` as a dense list of n (JSON-stat allows a list, an object or one)."""
    found = data.get(key)
    if isinstance(found, list):
        return (found + [None] * n)[:n]
    if isinstance(found, dict):
        return [found.get(str(i)) for i in range(n)]
    return [found] * n


def _merge(name: str, table: str, parts: list[dict], time: str) -> dict:
    """One dataset from answers that differ only in their periods (see the module doc)."""
    first = parts[0]
    ids, sizes = list(first["id"]), list(first["size"])
    axis = ids.index(time)
    shape = {d: _codes(first["dimension"][d]) for d in ids if d != time}
    for part in parts[1:]:
        if list(part["id"]) != ids or any(
            _codes(part["dimension"][d]) != c for d, c in shape.items()
        ):
            raise SyncError(
                f"{name}: delarna av {table} har olika dimensioner och kan inte slås ihop; "
                "inget sparades."
            )
    outer, inner = math.prod(sizes[:axis]), math.prod(sizes[axis + 1 :])
    blocks = []
    for part in parts:
        width = part["size"][axis] * inner
        n = width * outer
        blocks.append((width, _cells(part, "value", n), _cells(part, "status", n)))
    values, statuses = [], []
    for o in range(outer):
        for width, vals, stats in blocks:
            values.extend(vals[o * width : (o + 1) * width])
            statuses.extend(stats[o * width : (o + 1) * width])
    periods = [c for part in parts for c in _codes(part["dimension"][time])]
    if len(set(periods)) != len(periods):
        raise SyncError(f"{name}: delarna av {table} har samma period två gånger; inget sparades.")
    merged = copy.deepcopy(first)
    category: dict = {"index": {c: i for i, c in enumerate(periods)}}
    for part in parts:
        for key, found in (part["dimension"][time].get("category") or {}).items():
            if key != "index" and isinstance(found, dict):
                category.setdefault(key, {}).update(found)
    merged["dimension"][time]["category"] = category
    merged["size"][axis] = len(periods)
    merged["value"] = values
    status = {str(i): s for i, s in enumerate(statuses) if s is not None}
    merged.pop("status", None)
    if status:
        merged["status"] = status
    if len(values) != math.prod(merged["size"]):
        raise SyncError(
            f"{name}: den sammanslagna tabellen {table} har {len(values)} värden men "
            f"dimensionerna ger {math.prod(merged['size'])}; inget sparades."
        )
    return merged
