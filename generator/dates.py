"""Dates with precision, in one place: parse, compare, print.

A date is written `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; it stands for the whole interval of days it
covers (a month is the whole month, never the 1st). Month names come from `MONTHS` and nowhere
else (not from the locale, which would print another language on another machine).

Written here rather than taken from a library: dateutil and pendulum parse a month to its 1st
day (the precision is lost) and arrow/babel print through the locale; what we need is the
interval and twenty lines of English.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass

DATE_PATTERN = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
SHORT_MONTHS = tuple(name[:3] for name in MONTHS)


@dataclass(frozen=True, order=True)
class DateInterval:
    """A date as written (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) and the interval of days it covers."""

    first: dt.date
    last: dt.date
    text: str

    @property
    def precision(self) -> str:
        return {4: "year", 7: "month", 10: "day"}[len(self.text)]


def parse_date(text: str) -> DateInterval:
    """Return the interval a date string covers; raise ValueError when it is no valid date."""
    if not isinstance(text, str):
        raise ValueError(f"{text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    return _parse_date(text)


@functools.lru_cache(maxsize=1 << 14)  # the same dates recur across records (intervals are frozen)
def _parse_date(text: str) -> DateInterval:
    if not re.match(DATE_PATTERN, text):
        raise ValueError(f"{text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    parts = [int(p) for p in text.split("-")]
    year = parts[0]
    if year < 1:
        raise ValueError(f"{text!r}: year 0000 does not exist")
    if len(parts) == 1:
        return DateInterval(dt.date(year, 1, 1), dt.date(year, 12, 31), text)
    month = parts[1]
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r}: month {month:02d} does not exist")
    if len(parts) == 2:
        days = calendar.monthrange(year, month)[1]
        return DateInterval(dt.date(year, month, 1), dt.date(year, month, days), text)
    try:
        day = dt.date(year, month, parts[2])
    except ValueError:
        raise ValueError(
            f"{text!r}: day {parts[2]:02d} does not exist in {year}-{month:02d}"
        ) from None
    return DateInterval(day, day, text)


def _without_year(interval: DateInterval) -> str:
    """'26 June' or 'June': a date whose year is written once, after the range."""
    month = MONTHS[interval.first.month - 1]
    return month if interval.precision == "month" else f"{interval.first.day} {month}"


def human_date(text: str | None) -> str:
    """'2025-06-26' -> '26 June 2025'; '2025-06' -> 'June 2025'; '2025' -> '2025'."""
    if not text:
        return ""
    interval = parse_date(text)
    if interval.precision == "year":
        return text
    return f"{_without_year(interval)} {interval.first.year}"


def short_day(day: dt.date) -> str:
    """A day for a picture's tooltip: '26 Jun 2025'."""
    return f"{day.day} {SHORT_MONTHS[day.month - 1]} {day.year}"


def date_range(start: str | None, end: str | None) -> str:
    """A start and an end, each at its own precision, the shared month or year written once.

    '26–28 June 2025'; 'June – 15 June 2025' (not 'June 2025 – 15 June 2025'); across years or
    from a year-only start, both in full: '2024 – 15 June 2025'.
    """
    if not start:
        return "date unknown"
    if not end or end == start:
        return human_date(start)
    a, b = parse_date(start), parse_date(end)
    same_month = (a.first.year, a.first.month) == (b.first.year, b.first.month)
    if a.precision == b.precision == "day" and same_month:
        return f"{a.first.day}–{b.first.day} {MONTHS[b.first.month - 1]} {b.first.year}"
    if a.precision != b.precision and "year" not in (a.precision, b.precision):
        if a.first.year == b.first.year:  # a month and a day of the same year
            return f"{_without_year(a)} – {human_date(end)}"
    return f"{human_date(start)} – {human_date(end)}"


def sort_key(date: str | None) -> tuple:
    """Order by interval: earlier start first, then the shorter (more precise) interval."""
    if not date:
        return (1,)
    interval = parse_date(date)
    return (0, interval.first, interval.last)
