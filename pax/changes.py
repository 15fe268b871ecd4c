"""'Sedan förra mötet': the few changes since a date that are beyond normal variation.

Each candidate is a count in the period since the meeting against the same period a year
earlier (seasons repeat, so last year is the fair comparison), tested with the exact test
for two Poisson counts. Only significant changes are kept, the strongest first, and only
when neither count is a small number that disclosure control would hide.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from pax import i18n, safe, stats


@dataclass(frozen=True)
class Change:
    horizon: str
    subject: str  # e.g. "Bilbränder i Hovsjö"
    now: int
    before: int
    p: float
    verdict: str
    source: str
    sentence: str  # plain text (the briefing escapes it as HTML)
    short: str = ""  # the wall screen's version: period and comparison said once above
    markdown: str = ""  # `sentence` for Streamlit: subject and source escaped
    short_markdown: str = ""


def candidates(
    counts: pd.DataFrame,
    start: dt.date,
    end: dt.date,
    prev_start: dt.date,
    prev_end: dt.date,
    k: int,
    lang: str = "sv",
) -> list[Change]:
    """Tested changes from rows of (horizon, subject, now, before, source).

    Rows where either count lies between 1 and k−1 are skipped: naming a significant
    change would point at a count that is hidden elsewhere."""
    ratio = ((end - start).days + 1) / ((prev_end - prev_start).days + 1)
    out = []
    for row in counts.itertuples(index=False):
        now, before = int(row.now), int(row.before)
        if 1 <= now < k or 1 <= before < k or now + before == 0:
            continue
        p = stats.poisson_test(now, before, ratio)
        verdict = stats.change_verdict(now, before, ratio)
        # Subjects (category and area names) and sources come from the data.
        md_subject, md_source = safe.markdown(row.subject), safe.markdown(row.source)
        out.append(
            Change(
                row.horizon,
                row.subject,
                now,
                before,
                p,
                verdict,
                row.source,
                sentence(row.subject, now, before, p, verdict, start, end, row.source, lang),
                short_sentence(row.subject, now, before, p, verdict, lang),
                sentence(md_subject, now, before, p, verdict, start, end, md_source, lang),
                short_sentence(md_subject, now, before, p, verdict, lang),
            )
        )
    return out


def _p_text(p: float, lang: str) -> str:
    if p >= 0.001:
        return "= " + i18n.number(p, 3, lang)
    return "< 0,001" if lang != "en" else "< 0.001"


def short_sentence(subject: str, now: int, before: int, p: float, verdict: str, lang: str) -> str:
    """`Bilbränder i Hovsjö ökade: 12 mot 4 (p = 0,012)` — for a screen that states the
    period, the comparison with last year and the sources once."""
    now_t, before_t = i18n.number(now, 0, lang), i18n.number(before, 0, lang)
    if lang == "en":
        word = "rose" if verdict == "increase" else "fell"
        return f"{subject} {word}: {now_t} against {before_t} (p {_p_text(p, lang)})"
    word = "ökade" if verdict == "increase" else "minskade"
    return f"{subject} {word}: {now_t} mot {before_t} (p {_p_text(p, lang)})"


def sentence(
    subject: str,
    now: int,
    before: int,
    p: float,
    verdict: str,
    start: dt.date,
    end: dt.date,
    source: str,
    lang: str = "sv",
) -> str:
    period = i18n.date_range(start, end, lang)
    p_text = _p_text(p, lang)
    now_t, before_t = i18n.number(now, 0, lang), i18n.number(before, 0, lang)
    if lang == "en":
        word = "rose" if verdict == "increase" else "fell"
        return (
            f"{subject} {word}: {now_t} in {period} against {before_t} in the same period "
            f"last year (beyond normal variation, p {p_text}). Source: {source}."
        )
    word = "ökade" if verdict == "increase" else "minskade"
    return (
        f"{subject} {word}: {now_t} under {period} mot {before_t} samma period i fjol "
        f"(utöver normal variation, p {p_text}). Källa: {source}."
    )


def select(changes: list[Change], most: int = 5, alpha: float = 0.05) -> list[Change]:
    """The significant changes, strongest (smallest p) first, at most `most`, with at most
    two from one horizon so that the list speaks of all three when it can."""
    significant = sorted(
        (c for c in changes if c.verdict != "normal" and c.p < alpha),
        key=lambda c: (c.p, -abs(c.now - c.before)),
    )
    chosen: list[Change] = []
    per_horizon: dict[str, int] = {}
    for change in significant:
        if per_horizon.get(change.horizon, 0) >= 2:
            continue
        chosen.append(change)
        per_horizon[change.horizon] = per_horizon.get(change.horizon, 0) + 1
        if len(chosen) == most:
            return chosen
    for change in significant:  # fill up when one horizon has all the news
        if change not in chosen and len(chosen) < most:
            chosen.append(change)
    return chosen
