"""Office hours, Asia/Tokyo: "mon-fri 09:00-18:00", several ranges separated by commas."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from babel.dates import get_day_names

TOKYO = ZoneInfo("Asia/Tokyo")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^\s*([a-z]{3})(?:-([a-z]{3}))?\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class Span:
    first_day: int
    last_day: int
    start: time
    end: time


class OfficeHours:
    def __init__(self, spec: str) -> None:
        self.spans: list[Span] = []
        for part in spec.lower().split(","):
            match = _RANGE.match(part)
            if not match or match.group(1) not in DAYS or (match.group(2) or match.group(1)) not in DAYS:
                raise ValueError(f"OFFICE_HOURS: cannot read {part.strip()!r} (expected like 'mon-fri 09:00-18:00')")
            h1, m1, h2, m2 = (int(match.group(i)) for i in range(3, 7))
            start, end = time(h1, m1), time(23, 59, 59) if (h2, m2) == (24, 0) else time(h2, m2)
            self.spans.append(
                Span(DAYS.index(match.group(1)), DAYS.index(match.group(2) or match.group(1)), start, end)
            )

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(TOKYO)
        return any(s.first_day <= local.weekday() <= s.last_day and s.start <= local.time() < s.end for s in self.spans)

    def describe(self, language: str) -> str:
        """For people: localized day names, 24-hour times, e.g. "Mon–Fri 09:00–18:00"."""
        names = get_day_names("abbreviated", locale=language)
        parts = []
        for span in self.spans:
            days = names[span.first_day]
            if span.last_day != span.first_day:
                days += "–" + names[span.last_day]
            parts.append(f"{days} {span.start:%H:%M}–{span.end:%H:%M}")
        return ", ".join(parts)
