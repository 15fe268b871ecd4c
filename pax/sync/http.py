"""A polite HTTP client for public APIs: someone else's service, used by its published rules.

- A real `User-Agent` naming the application and the organisation (`PAX_SYNC_USER_AGENT`).
- At least `min_interval_s` between calls, at most `max_per_hour` and `max_per_day` calls
  (the call times are kept by the caller between runs: `calls`).
- 429: wait what `Retry-After` says (seconds or an HTTP date), else back off; 500/502/503/
  504, timeouts and a dropped connection: back off exponentially; give up after `attempts`
  or when the next wait would pass `max_wait_s` — the next scheduled sync tries again.
- 403 and 404 are not retried; an HTML page where JSON was expected, or truncated JSON, is
  an error. Every error is one Swedish sentence (`SyncError`), and nothing is written by the
  client: the caller decides what a failure leaves (nothing).
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

RETRY_STATUS = {500, 502, 503, 504}


class SyncError(Exception):
    """A sync that cannot go on: the message is one Swedish sentence for the status table."""


@dataclass(frozen=True)
class Rules:
    min_interval_s: float = 10.0
    max_per_hour: int = 60
    max_per_day: int = 1440
    timeout_s: float = 30.0
    attempts: int = 5
    backoff_s: float = 10.0
    max_wait_s: float = 600.0


@dataclass
class Client:
    """One source's client. `sleep` and `clock` are injectable (tests)."""

    name: str
    user_agent: str
    rules: Rules = field(default_factory=Rules)
    calls: list[float] = field(default_factory=list)  # epoch seconds of recent calls
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    waited: float = 0.0  # seconds slept (politeness and back-off), for the report

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.waited += seconds
            self.sleep(seconds)

    def _polite(self) -> None:
        """Keep the interval and the hourly and daily limits before a call."""
        now = self.clock()
        self.calls = [t for t in self.calls if now - t < 86_400]
        if len(self.calls) >= self.rules.max_per_day:
            raise SyncError(
                f"{self.name}: dygnsgränsen på {self.rules.max_per_day} anrop är nådd; "
                "nästa schemalagda synk försöker igen."
            )
        if sum(now - t < 3600 for t in self.calls) >= self.rules.max_per_hour:
            raise SyncError(
                f"{self.name}: timgränsen på {self.rules.max_per_hour} anrop är nådd; "
                "nästa schemalagda synk försöker igen."
            )
        if self.calls:
            self._wait(self.rules.min_interval_s - (now - self.calls[-1]))
        self.calls.append(self.clock())

    def get(self, url: str, params: dict | None = None) -> requests.Response:
        """GET with the rules above; returns a 200 response or raises SyncError."""
        headers = {"User-Agent": self.user_agent, "Accept": "application/json"}
        last = ""
        for attempt in range(self.rules.attempts):
            self._polite()
            try:
                response = requests.get(
                    url,
                    params=params,
                    headers=headers,
                    timeout=self.rules.timeout_s,
                    allow_redirects=False,  # a redirect elsewhere is refused, not followed
                )
                response.content  # noqa: B018 - read the whole body here (a cut one raises)
            except requests.Timeout:
                last = f"svarade inte inom {self.rules.timeout_s:g} s"
                wait = self.rules.backoff_s * 2**attempt
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                last = "gick inte att nå eller bröt svaret (nätverket eller servern är nere)"
                wait = self.rules.backoff_s * 2**attempt
            except requests.RequestException as exc:
                raise SyncError(
                    f"{self.name}: anropet till {url} gick inte att göra ({exc})."
                ) from exc
            else:
                status = response.status_code
                if status == 200:
                    return response
                if status == 403:
                    raise SyncError(
                        f"{self.name}: källan nekade åtkomst (403); kontrollera "
                        "PAX_SYNC_USER_AGENT (namnge appen och organisationen), frågans storlek "
                        "och källans regler."
                    )
                if status == 404:
                    raise SyncError(f"{self.name}: adressen finns inte (404): {url}")
                if status == 429:
                    last = "bad oss vänta (429, för många anrop)"
                    after = _retry_after(response, self.clock())
                    wait = self.rules.backoff_s * 2 ** (attempt + 1) if after is None else after
                elif status in RETRY_STATUS:
                    last = f"svarade med fel {status}"
                    after = _retry_after(response, self.clock())
                    wait = self.rules.backoff_s * 2**attempt if after is None else after
                elif 300 <= status < 400:
                    raise SyncError(
                        f"{self.name}: {url} skickar vidare till {response.headers.get('Location')}"
                        "; ange den adressen i inställningen om den är rätt."
                    )
                else:
                    said = " ".join(response.text.split())[:200]
                    raise SyncError(
                        f"{self.name}: oväntat svar {status} från {url}"
                        + (f" ({said})." if said else ".")
                    )
            if attempt == self.rules.attempts - 1 or wait > self.rules.max_wait_s:
                break
            self._wait(wait)
        raise SyncError(
            f"{self.name}: källan {last} efter {attempt + 1} försök; nästa schemalagda "
            "synk försöker igen."
        )

    def get_json(self, url: str, params: dict | None = None) -> object:
        response = self.get(url, params)
        text = response.text
        kind = response.headers.get("Content-Type", "")
        if "html" in kind.lower() or text.lstrip()[:1] == "<":
            raise SyncError(f"{self.name}: källan svarade med en webbsida i stället för JSON.")
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise SyncError(
                f"{self.name}: svaret är ofullständig eller felaktig JSON ({exc.msg}, "
                f"tecken {exc.pos})."
            ) from exc


def _retry_after(response: requests.Response, now: float) -> float | None:
    """Seconds to wait from a `Retry-After` header (seconds or an HTTP date)."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)
