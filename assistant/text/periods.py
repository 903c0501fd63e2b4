"""Relative dates, read against a reference day: the article's publication date for what an article
says ("this weekend", "last week"), the asking day (``as_of``) for what a question says ("this
week"), and the time range a question is scoped to ("in February 2026", "which crew launched in 2025").

``entities.find_dates`` finds the mentions; this module turns them into calendar ranges and
says how it got there, so an answer can show "Saturday (August 2, 2025, by the article's date)".
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from assistant.text.dates import FUTURE_CUES, resolve_weekday


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of days with the words it was read from."""

    start: date
    end: date
    label: str  # how to show it: "February 2026", "this week (February 9-15, 2026)"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def single_day(self) -> bool:
        return self.start == self.end


def format_day(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def format_range(start: date, end: date) -> str:
    if start == end:
        return format_day(start)
    if start.year == end.year and start.month == end.month:
        return f"{start:%B} {start.day}-{end.day}, {start.year}"
    if start.year == end.year:
        return f"{start:%B} {start.day} - {end:%B} {end.day}, {start.year}"
    return f"{format_day(start)} - {format_day(end)}"


def _week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def relative_range(expression: str, reference: date, context_before: str = "") -> tuple[date, date] | None:
    """Days meant by "this weekend", "last week", "yesterday"... said on ``reference``.

    "This weekend" in a past-tense sentence is the most recent weekend (on or before the reference
    day); in a future-tense one ("is expected to dock this weekend") the coming one.
    """
    words = " ".join(expression.lower().split())
    future = bool(FUTURE_CUES.search(context_before))
    if words == "today":
        return reference, reference
    if words == "yesterday":
        day = reference - timedelta(days=1)
        return day, day
    if words == "tomorrow":
        day = reference + timedelta(days=1)
        return day, day
    match = re.fullmatch(r"(this|last|next) (weekend|week|month|year)", words)
    if not match:
        return None
    which, unit = match.groups()
    if unit == "weekend":
        if which == "this" and reference.weekday() >= 5:
            saturday = reference - timedelta(days=reference.weekday() - 5)
        elif (which == "this" and future) or which == "next":
            saturday = reference + timedelta(days=(5 - reference.weekday()) % 7 or 7)
        else:  # "this weekend" in past tense, or "last weekend": the weekend just gone
            saturday = reference - timedelta(days=(reference.weekday() - 5) % 7 or 7)
        return saturday, saturday + timedelta(days=1)
    if unit == "week":
        shift = {"this": 0, "last": -7, "next": 7}[which]
        return _week_of(reference + timedelta(days=shift))
    if unit == "month":
        month_index = reference.year * 12 + reference.month - 1 + {"this": 0, "last": -1, "next": 1}[which]
        return month_range(month_index // 12, month_index % 12 + 1)
    year = reference.year + {"this": 0, "last": -1, "next": 1}[which]
    return date(year, 1, 1), date(year, 12, 31)


def describe_relative(wording: str, published: date | None, context_before: str = "") -> str:
    """The article's own words with the calendar date they stand for, or a plain "undated" note.

    "Saturday" -> "Saturday (August 2, 2025, by the article's date)";
    "this weekend" in an undated article -> "this weekend (the article is undated)".
    """
    if published is None:
        return f"{wording} (the article is undated)"
    weekday = wording.strip().lower()
    if weekday in {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}:
        day = resolve_weekday(weekday, published, context_before)
        return f"{wording} ({format_day(day)}, by the article's date)" if day else wording
    span = relative_range(wording, published, context_before)
    if span is None:
        return wording
    return f"{wording} ({format_range(*span)}, by the article's date)"


def article_date_label(published: date | None) -> str:
    """How an answer names an article by its date: "article of February 14, 2026"."""
    return f"article of {format_day(published)}" if published else "undated article"
