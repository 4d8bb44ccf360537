"""Deadlines as people here write them, read strictly.

UK day-first: `03/04/2025` is 3 April. Anything that could be read two ways,
or only by guessing, is refused with the list of accepted forms; there is no
fuzzy fallback. Dates are stored as ISO `YYYY-MM-DD`. A date-only deadline
means the end of that day, so an action due today is not overdue today.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from afi_tracker.errors import InvalidValue

ACCEPTED = (
    "2025-04-03, 03/04/2025 (day first), 3 April 2025, today, tomorrow, a weekday (friday), "
    "eow, eom, eoq, eoy, end of March, +3d, 2w, in 3 months"
)

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
_UNITS = {
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "m": "months",
    "month": "months",
    "months": "months",
    "y": "years",
    "year": "years",
    "years": "years",
}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_WORDY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$")
_END_OF = re.compile(r"^end\s+of\s+([a-z]+)$")
_RELATIVE = re.compile(r"^(?:\+|in\s+)?(\d{1,4})\s*([a-z]+)$")


def _refuse(text: str, why: str = "") -> InvalidValue:
    shown = text if len(text) <= 40 else text[:37] + "..."
    reason = f": {why}" if why else ""
    return InvalidValue(f'cannot read "{shown}" as a date{reason}', hint=f"use {ACCEPTED}")


def _make(text: str, year: int, month: int, day: int) -> date:
    if not 1 <= month <= 12:
        raise _refuse(text, f"{month} is not a month (dates are day first: DD/MM/YYYY)")
    try:
        return date(year, month, day)
    except ValueError:
        raise _refuse(text, "no such day") from None


def _end_of_month(day: date) -> date:
    first_next = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first_next - timedelta(days=1)


EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)


def parse_date(text: str, today: date, *, day_first: bool = True) -> date:
    """The date `text` names, relative to `today`; InvalidValue if it is not certain.

    `day_first=False` (config `date_order = "month-first"`) reads 04/03/2025 as 3 April.
    Dates outside 1900-2200 are refused: they are typing slips, and arithmetic
    on them (a week later, the end of the quarter) would overflow.
    """
    day = _parse(text, today, day_first=day_first)
    if not EARLIEST <= day <= LATEST:
        raise _refuse(text, "outside 1900-2200")
    return day


def _parse(text: str, today: date, *, day_first: bool) -> date:
    raw = " ".join(text.strip().lower().split())
    if not raw or len(raw) > 40:
        raise _refuse(text)
    if match := _ISO.match(raw):
        year, month, day = (int(g) for g in match.groups())
        return _make(text, year, month, day)
    if match := _UK.match(raw):
        day, month, year = (int(g) for g in match.groups())
        if not day_first:
            day, month = month, day
        return _make(text, year, month, day)
    if match := _WORDY.match(raw):
        month_number = _MONTHS.get(match.group(2))
        if month_number is None:
            raise _refuse(text, f'"{match.group(2)}" is not a month')
        return _make(text, int(match.group(3)), month_number, int(match.group(1)))
    if raw == "today":
        return today
    if raw == "tomorrow":
        return today + timedelta(days=1)
    if raw in _WEEKDAYS:
        ahead = (_WEEKDAYS[raw] - today.weekday() - 1) % 7 + 1  # the next one, never today
        return today + timedelta(days=ahead)
    if raw == "eow":
        return today + timedelta(days=6 - today.weekday())  # Sunday ends the week
    if raw == "eom":
        return _end_of_month(today)
    if raw == "eoq":
        quarter_end_month = ((today.month - 1) // 3 + 1) * 3
        return _end_of_month(date(today.year, quarter_end_month, 1))
    if raw == "eoy":
        return date(today.year, 12, 31)
    if match := _END_OF.match(raw):
        month_number = _MONTHS.get(match.group(1))
        if month_number is None:
            raise _refuse(text, f'"{match.group(1)}" is not a month')
        end = _end_of_month(date(today.year, month_number, 1))
        return end if end >= today else _end_of_month(date(today.year + 1, month_number, 1))
    if match := _RELATIVE.match(raw):
        unit = _UNITS.get(match.group(2))
        if unit is None:
            raise _refuse(text)
        # dateutil only here: `--due 30/06/2025` needs none of it (a few ms a command).
        from dateutil.relativedelta import relativedelta

        try:
            return today + relativedelta(**{unit: int(match.group(1))})  # type: ignore[arg-type]
        except (OverflowError, ValueError):
            raise _refuse(text, "too far ahead") from None
    raise _refuse(text)


def parse_period(text: str) -> timedelta:
    """`14d`, `2w`, `14 days`: a span for --due-within and --warn-within."""
    raw = " ".join(text.strip().lower().split())
    match = re.match(r"^(\d{1,4})\s*([a-z]+)$", raw)
    unit = _UNITS.get(match.group(2)) if match else None
    if match is None or unit is None or unit in ("months", "years"):
        raise InvalidValue(
            f'cannot read "{text[:40]}" as a period', hint="use a number of days or weeks: 14d, 2w"
        )
    return timedelta(**{unit: int(match.group(1))})


def describe(day: date) -> str:
    """`2025-04-03 (Thursday 3 April 2025)`: what afi understood, to echo back."""
    return f"{day.isoformat()} ({day.strftime('%A')} {day.day} {day.strftime('%B %Y')})"
