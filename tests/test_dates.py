"""Deadlines are read strictly, day first, and never guessed."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from afi_tracker.domain.dates import describe, parse_date, parse_period
from afi_tracker.errors import InvalidValue

TODAY = date(2025, 4, 2)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-04-03", date(2025, 4, 3)),
        ("03/04/2025", date(2025, 4, 3)),  # 3 April, not 4 March
        ("3/4/2025", date(2025, 4, 3)),
        ("3 April 2025", date(2025, 4, 3)),
        ("3rd Apr 2025", date(2025, 4, 3)),
        ("  3   APRIL   2025 ", date(2025, 4, 3)),
        ("today", TODAY),
        ("tomorrow", date(2025, 4, 3)),
        ("friday", date(2025, 4, 4)),
        ("wednesday", date(2025, 4, 9)),  # the next one, not today
        ("mon", date(2025, 4, 7)),
        ("eow", date(2025, 4, 6)),  # Sunday
        ("eom", date(2025, 4, 30)),
        ("eoq", date(2025, 6, 30)),
        ("eoy", date(2025, 12, 31)),
        ("end of March", date(2026, 3, 31)),  # this year's has passed
        ("end of May", date(2025, 5, 31)),
        ("end of april", date(2025, 4, 30)),
        ("+3d", date(2025, 4, 5)),
        ("2w", date(2025, 4, 16)),
        ("in 3 months", date(2025, 7, 2)),
        ("+1y", date(2026, 4, 2)),
        ("29/02/2024", date(2024, 2, 29)),
    ],
)
def test_accepted_forms(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("13/13/2025", "13 is not a month"),
        ("04/13/2025", "13 is not a month (dates are day first: DD/MM/YYYY)"),
        ("31/04/2025", "no such day"),
        ("29/02/2025", "no such day"),
        ("soon", ""),
        ("next tuesday-ish", ""),
        ("the day after the board meeting", ""),
        ("12345678901234567890", ""),
        ("03/04/25", ""),  # a two-digit year could be any century
        ("04/03", ""),  # no year
        ("2025-13-01", "13 is not a month"),
        ("3 Smarch 2025", '"smarch" is not a month'),
        ("+9999y", "too far ahead"),
        ("", ""),
    ],
)
def test_refused_forms_list_what_is_accepted(text, why):
    with pytest.raises(InvalidValue) as err:
        parse_date(text, TODAY)
    assert err.value.message.startswith("cannot read")
    assert why in err.value.message
    assert "03/04/2025 (day first)" in (err.value.hint or "")
    assert err.value.exit_code == 2


@given(st.text(max_size=60))
def test_no_input_raises_anything_but_invalid_value(text):
    try:
        result = parse_date(text, TODAY)
    except InvalidValue:
        return
    assert isinstance(result, date)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_iso_and_uk_forms_round_trip(day):
    assert parse_date(day.isoformat(), TODAY) == day
    assert parse_date(day.strftime("%d/%m/%Y"), TODAY) == day


def test_echo_names_the_weekday_and_month():
    assert describe(date(2025, 4, 3)) == "2025-04-03 (Thursday 3 April 2025)"


def test_periods():
    assert parse_period("14d").days == 14
    assert parse_period("2 weeks").days == 14
    with pytest.raises(InvalidValue, match='cannot read "fortnight" as a period'):
        parse_period("fortnight")
