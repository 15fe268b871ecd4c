"""Fetch Kolada (RKA) key figures from the API v3 as one envelope `pax.ingest.kolada` reads.

The API: municipal data is `GET {base}/data/kpi/{k1,k2,…}/municipality/{m}/year/{y1,y2,…}`,
unit data `GET {base}/oudata/kpi/{k…}/ou/{ou1,…}/year/{y…}`; an answer is
`{values: [...], count, next_url, previous_url, …}` and a long answer continues on the page
named by `next_url` (an absolute URL, null on the last page).

What the code guarantees:
- At most 25 ids in one comma-separated path segment: longer lists of KPIs, municipalities,
  units or years become several requests (every combination of the chunks), each asked for
  with `per_page=5000`.
- Every page chain is followed to its end. A chain that ends early — a `next_url` page that
  cannot be fetched or is not a Kolada answer, or fewer values than the first page's
  `count` announced — is a `SyncError`; a partial result is never returned.
- `next_url` is followed only on the host of `base_url` (with its scheme and port: a mirror
  stays a mirror, https is never downgraded), and a page asked for twice is a loop.
- The result is `{"values": [...every value, in request and page order...], "count": N}`.
  Fields the importer does not know are kept as they came; an answer without a `values`
  list is a `SyncError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import product
from urllib.parse import urljoin, urlsplit, urlunsplit

from pax.sync.http import Client, SyncError

MAX_IDS = 25  # ids in one comma-separated path segment
PER_PAGE = 5000  # Kolada's largest page
_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def fetch(
    client: Client,
    base_url: str,
    kpis: list[str],
    municipality: str,
    years: list[int],
    ous: list[str] | None = None,
    progress: Callable[[str], None] = lambda msg: None,
) -> dict:
    """Every value of `kpis` × `municipality` (and `ous`) × `years`, merged into one envelope."""
    base = base_url.rstrip("/")
    kpi_ids = _ids(client, kpis, "nyckeltal (kpis)")
    places = _ids(client, str(municipality).split(","), "kommuner (municipality)")
    year_ids = _ids(client, [str(y) for y in years], "år")
    unit_ids = _ids(client, ous, "enheter (ous)") if ous else []

    urls = []
    for k, y in product(_chunks(kpi_ids), _chunks(year_ids)):
        for m in _chunks(places):
            urls.append(f"{base}/data/kpi/{k}/municipality/{m}/year/{y}")
        for o in _chunks(unit_ids):
            urls.append(f"{base}/oudata/kpi/{k}/ou/{o}/year/{y}")

    values: list = []
    for i, url in enumerate(urls, 1):
        progress(f"{client.name}: hämtar Kolada-svar {i} av {len(urls)} …")
        values.extend(_chain(client, base, url))
    progress(f"{client.name}: {len(values)} Kolada-värden hämtade.")
    return {"values": values, "count": len(values)}


def units(client: Client, base_url: str, municipality: str, prefix: str = "V15") -> list[dict]:
    """The municipality's units from Kolada's unit list (`{base}/ou?municipality=…`, every
    page), those whose id starts with `prefix` (`V15`: compulsory schools), as
    `[{id, title}]`: their names let the map place a unit's figures at its school."""
    base = base_url.rstrip("/")
    (place,) = _ids(client, [municipality], "kommun (municipality)")
    found = _chain(client, base, f"{base}/ou?municipality={place}")
    out = [
        {"id": str(u["id"]).strip(), "title": str(u.get("title") or "").strip()}
        for u in found
        if isinstance(u, dict) and str(u.get("id") or "").upper().startswith(prefix)
    ]
    if not out:
        raise SyncError(f"{client.name}: Kolada listar inga enheter ({prefix}…) för {place}.")
    return out


def _ids(client: Client, items, what: str) -> list[str]:
    """The ids stripped, in order, without repeats; each must be a plain id (no path)."""
    out: dict[str, None] = {}
    for item in items or []:
        text = str(item).strip()
        if not text:
            continue
        if not _ID.match(text):
            raise SyncError(f"{client.name}: {text!r} är inte ett giltigt id för {what}.")
        out[text] = None
    if not out:
        raise SyncError(f"{client.name}: inga {what} angivna i sync.toml.")
    return list(out)


def _chunks(ids: list[str]) -> Iterator[str]:
    for start in range(0, len(ids), MAX_IDS):
        yield ",".join(ids[start : start + MAX_IDS])


def _page(client: Client, url: str, params: dict | None) -> dict:
    answer = client.get_json(url, params)
    if not isinstance(answer, dict) or not isinstance(answer.get("values"), list):
        raise SyncError(
            f"{client.name}: svaret från {url} är inte ett Kolada-svar (values-listan saknas)."
        )
    return answer


def _chain(client: Client, base: str, url: str) -> list:
    """The values of `url` and of every page after it; all of them, or a SyncError."""
    first = _page(client, url, {"per_page": PER_PAGE})
    announced = first.get("count")
    if isinstance(announced, bool) or not isinstance(announced, int):
        announced = None
    values = list(first["values"])
    seen, current, page = {url}, url, 1
    following = _next(first)
    while following:
        page += 1
        current = _on_base(client, base, urljoin(current, following))
        if current in seen:
            raise SyncError(
                f"{client.name}: sidkedjan går i cirkel (sida {page} pekar på en tidigare "
                "sida); inget sparades."
            )
        seen.add(current)
        try:
            answer = _page(client, current, None)
        except SyncError as exc:
            raise SyncError(
                _ended(
                    client,
                    len(values),
                    announced,
                    f"sida {page} gick inte att hämta: {_why(client, exc)}",
                )
            ) from exc
        values.extend(answer["values"])
        following = _next(answer)
    if announced is not None and len(values) < announced:
        raise SyncError(_ended(client, len(values), announced, "det fanns ingen nästa sida"))
    return values


def _next(answer: dict) -> str | None:
    """The next page's URL (`next_url` in v3, `next_page` in v2), or None on the last page."""
    link = answer.get("next_url") or answer.get("next_page")
    return (str(link).strip() or None) if link else None


def _on_base(client: Client, base: str, url: str) -> str:
    """`url` with the scheme and port of `base`; another host is refused."""
    want, got = urlsplit(base), urlsplit(url)
    if (got.hostname or "").lower() != (want.hostname or "").lower():
        raise SyncError(
            f"{client.name}: nästa sida ligger på en annan värd ({got.hostname}) än "
            f"{want.hostname}; inget sparades."
        )
    return urlunsplit((want.scheme, want.netloc, got.path, got.query, ""))


def _ended(client: Client, got: int, announced: int | None, why: str) -> str:
    """One Swedish sentence: the chain ended early, and nothing was kept."""
    of = f" av {announced}" if announced is not None else ""
    return f"{client.name}: sidkedjan tog slut efter {got}{of} värden; {why}; inget sparades."


def _why(client: Client, exc: SyncError) -> str:
    """The client's sentence without its source name and full stop, to quote inside another."""
    return str(exc).removeprefix(f"{client.name}: ").rstrip(".")
