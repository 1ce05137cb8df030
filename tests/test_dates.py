"""Dates as written, at their precision: printed, ranged and ordered by generator/dates.py."""

from __future__ import annotations

import pytest

from generator.dates import date_range, human_date, parse_date, sort_key


@pytest.mark.parametrize(
    ("text", "shown"),
    [("2025", "2025"), ("2025-06", "June 2025"), ("2025-06-05", "5 June 2025"), (None, "")],
)
def test_a_date_reads_at_its_precision(text, shown):
    assert human_date(text) == shown


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ("2025-06-26", None, "26 June 2025"),
        ("2025-06-26", "2025-06-26", "26 June 2025"),
        ("2025-06-25", "2025-06-27", "25–27 June 2025"),
        ("2025-06-30", "2025-07-02", "30 June 2025 – 2 July 2025"),
        # mixed precision: the shared year is written once
        ("2025-06", "2025-06-15", "June – 15 June 2025"),
        ("2025-06-15", "2025-07", "15 June – July 2025"),
        # a year-only end or start keeps both in full; so do ranges across years
        ("2025", "2025-06-15", "2025 – 15 June 2025"),
        ("2025-06", "2025", "June 2025 – 2025"),
        ("2024-12", "2025-01-03", "December 2024 – 3 January 2025"),
        ("2025-05", "2025-06", "May 2025 – June 2025"),
        (None, "2025", "date unknown"),
    ],
)
def test_a_range_reads_once_each_part(start, end, shown):
    assert date_range(start, end) == shown


def test_dates_order_by_start_then_the_shorter_interval():
    dates = ["2025-06-15", "2025", "2025-06", "2024-12-31", "2025-06-01", None]
    assert sorted(dates, key=sort_key) == [
        "2024-12-31",
        "2025",
        "2025-06-01",  # same start as June: the shorter interval first
        "2025-06",
        "2025-06-15",
        None,
    ]


def test_a_month_is_the_whole_month():
    june = parse_date("2025-06")
    assert (june.first.day, june.last.day, june.precision) == (1, 30, "month")
    assert parse_date("2024-02").last.day == 29
