"""The source configuration (`sync.toml`, PAX_SYNC_CONFIG) and the per-source status.

A source is `[sources.NAME]` with `kind` (polisen, kolada, pxweb, drop), `every` (15m, 1h,
1d, 7d …) and the kind's parameters; `url` overrides the kind's base-URL setting. The status
of every source — last attempt, last success, rows new/updated/unchanged, the error in one
Swedish sentence, the recent call times (for the hourly and daily limits), the files a drop
folder has imported — is one JSON file beside the imported files (`data/sync/status.json`),
written whole to a new file and swapped in, so a crash never leaves half of it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from pax import config

KINDS = ("polisen", "kolada", "pxweb", "drop")
URL_SETTING = {"polisen": "PAX_POLISEN_URL", "kolada": "PAX_KOLADA_URL", "pxweb": "PAX_PXWEB_URL"}
_EVERY = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_UNIT = {"m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    every_s: int
    params: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The base URL: `url` in the file, else the kind's setting."""
        if self.params.get("url"):
            return str(self.params["url"]).rstrip("/")
        setting = URL_SETTING.get(self.kind)
        return str(config.get(setting)).rstrip("/") if setting else ""

    @property
    def every(self) -> str:
        for unit, seconds in (("d", 86400), ("h", 3600), ("m", 60)):
            if self.every_s % seconds == 0:
                return f"{self.every_s // seconds}{unit}"
        return f"{self.every_s}s"


def parse_every(value: str, name: str) -> int:
    found = _EVERY.match(str(value))
    if not found:
        raise ValueError(f"källan {name}: every = {value!r} ska skrivas t.ex. 15m, 1h eller 7d")
    return int(found.group(1)) * _UNIT[found.group(2)]


def load(path: Path | None = None) -> dict[str, Source]:
    """The configured sources by name; a clear Swedish ValueError for a bad file."""
    path = Path(path or config.get("PAX_SYNC_CONFIG"))
    if not path.is_file():
        raise ValueError(f"Källkonfigurationen {path} finns inte (PAX_SYNC_CONFIG).")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path.name} går inte att läsa som TOML: {exc}") from exc
    out = {}
    for name, table in (data.get("sources") or {}).items():
        if not isinstance(table, dict):
            raise ValueError(f"{path.name}: [sources.{name}] ska vara en tabell")
        kind = str(table.get("kind", name))
        if kind not in KINDS:
            raise ValueError(
                f"{path.name}: källan {name} har kind = {kind!r}; välj {', '.join(KINDS)}"
            )
        every = parse_every(table.get("every", "1d"), name)
        params = {k: v for k, v in table.items() if k not in ("kind", "every")}
        out[name] = Source(name, kind, every, params)
    if not out:
        raise ValueError(f"{path.name} anger inga källor ([sources.NAMN]).")
    return out


def status_path(data_dir: Path | None = None) -> Path:
    return (data_dir or config.data_dir()) / "sync" / "status.json"


def read_status(data_dir: Path | None = None) -> dict[str, dict]:
    path = status_path(data_dir)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, json.JSONDecodeError):
        return {}  # unreadable: every source is due; the next write replaces it


def write_status(status: dict[str, dict], data_dir: Path | None = None) -> None:
    replace_text(status_path(data_dir), json.dumps(status, ensure_ascii=False, indent=2))


def replace_text(path: Path, text: str) -> None:
    """Write `text` to a new file beside `path`, then swap it in: a reader sees the old
    file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _time(value) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def due(source: Source, state: dict, now: dt.datetime) -> bool:
    """Due when never tried, when `every` has passed since the last attempt, or — after a
    failure — when a quarter of `every` (at most 15 minutes) has passed: a source that was
    down is tried again soon, never hammered."""
    last = _time(state.get("last_attempt"))
    if last is None:
        return True
    elapsed = (now - last).total_seconds()
    if state.get("error"):
        return elapsed >= min(source.every_s / 4, 900)
    return elapsed >= source.every_s


def next_due(source: Source, state: dict) -> dt.datetime | None:
    last = _time(state.get("last_attempt"))
    if last is None:
        return None
    wait = min(source.every_s / 4, 900) if state.get("error") else source.every_s
    return last + dt.timedelta(seconds=wait)


def stale(source: Source, state: dict, now: dt.datetime) -> bool:
    """Older than twice its schedule (or never fetched): marked on screen."""
    last = _time(state.get("last_success"))
    return last is None or (now - last).total_seconds() > 2 * source.every_s


# The store's source ids each kind of synced source writes (the source lines' `hämtad`).
SOURCE_IDS = {"polisen": ["polisen_handelser"], "kolada": ["kolada"], "pxweb": ["scb_pxweb"]}


def _mtime(path) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return 0.0


@functools.lru_cache(maxsize=4)
def _snapshot(cfg: str, cfg_time: float, data: str, status_time: float):
    """The configuration and status as of their files' times (read once per change, not
    once per source line)."""
    try:
        configured = load(Path(cfg))
    except ValueError:
        configured = {}
    return configured, read_status(Path(data))


def fetched(source_ids, lang: str = "sv") -> str:
    """`hämtad 4 december 2026 10:15` for the synced sources among `source_ids` (and
    `inaktuell` when older than twice the schedule); empty for sources not synced. The
    pages' source lines and the lägesbild report both say it."""
    from pax import i18n

    cfg = config.get("PAX_SYNC_CONFIG")
    data = config.data_dir()
    configured, status = _snapshot(str(cfg), _mtime(cfg), str(data), _mtime(status_path(data)))
    now = dt.datetime.now().astimezone()
    parts = []
    for name, source in configured.items():
        if not set(SOURCE_IDS.get(source.kind, [])) & set(source_ids):
            continue
        state = status.get(name, {})
        if not state.get("last_success"):
            continue
        when = dt.datetime.fromisoformat(state["last_success"])
        text = f"{i18n.t('fetched', lang)} {i18n.date(when.date(), lang)} {when:%H:%M}"
        if stale(source, state, now):
            text += f" ({i18n.t('sync_stale', lang)})"
        parts.append(text)
    return " · ".join(dict.fromkeys(parts))
