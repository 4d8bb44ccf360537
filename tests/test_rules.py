"""Boundary tests for each rule in domain/rules.py: moving any boundary by a day fails here."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from afi_tracker.domain.model import (
    ACTION_OPEN,
    Action,
    ActionStatus,
    Item,
    ItemStatus,
    Rag,
    new_item,
)
from afi_tracker.domain.rules import (
    action_due_soon,
    action_overdue,
    handle_number,
    is_due_within,
    is_live,
    is_open,
    is_overdue,
    is_stale,
    long_past,
    needs_action,
    rag,
    reading_key,
)

TODAY = date(2025, 4, 2)
WEEK = timedelta(days=7)


def action(status: str = "planned", due: str | None = None) -> Action:
    return {
        "uid": "1",
        "id": "A1",
        "item": "I1",
        "title": "t",
        "owner": "o",
        "status": status,
        "due": due,
    }


def item(status: str) -> Item:
    return new_item(id="I1", status=status)


def test_due_today_is_not_overdue_today():
    assert not is_overdue("2025-04-02", TODAY)
    assert is_overdue("2025-04-01", TODAY)
    assert not is_overdue(None, TODAY)


def test_due_within_includes_today_and_the_last_day_of_the_window_only():
    assert is_due_within("2025-04-02", TODAY, WEEK)
    assert is_due_within("2025-04-09", TODAY, WEEK)
    assert not is_due_within("2025-04-10", TODAY, WEEK)
    assert not is_due_within("2025-04-01", TODAY, WEEK)  # overdue, not due soon
    assert not is_due_within(None, TODAY, WEEK)


def test_stale_only_after_the_whole_period():
    assert not is_stale(TODAY - WEEK, TODAY, WEEK)
    assert is_stale(TODAY - WEEK - timedelta(days=1), TODAY, WEEK)


@pytest.mark.parametrize(
    ("status", "open_", "live"),
    [
        ("planned", True, True),
        ("in-progress", True, True),
        ("blocked", True, True),
        ("done", False, True),
        ("cancelled", False, False),
    ],
)
def test_open_and_live_by_status(status, open_, live):
    assert is_open(action(status)) is open_
    assert is_live(action(status)) is live


def test_only_open_actions_are_overdue_or_due_soon():
    assert action_overdue(action("blocked", "2025-04-01"), TODAY)
    assert not action_overdue(action("done", "2025-04-01"), TODAY)
    assert not action_overdue(action("cancelled", "2025-04-01"), TODAY)
    assert action_due_soon(action("planned", "2025-04-05"), TODAY, WEEK)
    assert not action_due_soon(action("done", "2025-04-05"), TODAY, WEEK)


def test_needs_action_when_open_or_in_progress_with_no_live_action():
    assert needs_action(item("open"), [])
    assert needs_action(item("in-progress"), [action("cancelled")])
    assert not needs_action(item("open"), [action("done")])
    assert not needs_action(item("awaiting-sign-off"), [])
    assert not needs_action(item("complete"), [])


def test_handle_number():
    assert handle_number("A12") == 12
    assert handle_number("I3") == 3
    assert handle_number("junk") == 0


def rate(
    status="open",
    live=1,
    open_=1,
    overdue=0,
    blocked=0,
    next_due=None,
    deadline=None,
    proposed=None,
):
    return rag(status, live, open_, overdue, blocked, next_due, deadline, TODAY, proposed=proposed)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"status": "complete"}, (Rag.COMPLETE, "signed off")),
        ({"status": "superseded"}, (Rag.CLOSED, "superseded")),
        ({"overdue": 2}, (Rag.RED, "2 overdue actions")),
        ({"overdue": 1}, (Rag.RED, "1 overdue action")),
        ({"deadline": "2025-04-01"}, (Rag.RED, "report deadline 1 Apr 2025 passed")),
        ({"deadline": "2025-04-02"}, (Rag.AMBER, "report deadline 2 Apr 2025")),
        ({"live": 0, "open_": 0}, (Rag.RED, "no action")),
        ({"live": 1, "open_": 0}, (Rag.RED, "no open action")),
        ({"status": "in-progress", "open_": 0}, (Rag.GREEN, "actions done: propose for closure")),
        ({"blocked": 1}, (Rag.AMBER, "1 blocked")),
        ({"next_due": "2025-04-16"}, (Rag.AMBER, "action due 16 Apr 2025")),
        ({"next_due": "2025-04-17"}, (Rag.GREEN, "on track")),
        ({"deadline": "2025-04-16"}, (Rag.AMBER, "report deadline 16 Apr 2025")),
        ({"deadline": "2025-04-17"}, (Rag.GREEN, "on track")),
        ({"status": "awaiting-sign-off", "open_": 0}, (Rag.GREEN, "awaiting sign-off")),
        (
            {"status": "awaiting-sign-off", "open_": 0, "deadline": "2025-04-10"},
            (Rag.GREEN, "awaiting sign-off"),
        ),
        (
            {"status": "awaiting-sign-off", "open_": 0, "proposed": date(2025, 2, 16)},
            (Rag.GREEN, "awaiting sign-off 45 days"),
        ),
    ],
)
def test_rag_and_its_reason_at_each_boundary(kwargs, expected):
    assert rate(**kwargs) == expected


def test_a_deadline_is_long_past_only_beyond_a_year():
    today = date(2026, 11, 27)
    assert not long_past(today - timedelta(days=365), today)  # exactly a year: no warning
    assert long_past(today - timedelta(days=366), today)


@pytest.mark.parametrize("status", [*ActionStatus, *(s.value for s in ActionStatus), "other"])
def test_open_and_live_judge_a_stored_string_as_its_status(status):
    """is_open and is_live compare with plain strings (quicker than StrEnum
    members): a status read from the store (a str) and the member agree."""
    assert is_open(action(status)) == (status in ACTION_OPEN)
    assert is_live(action(status)) == (status != ActionStatus.CANCELLED)


@pytest.mark.parametrize("status", [*ItemStatus, *(s.value for s in ItemStatus)])
def test_needs_action_for_each_item_status(status):
    record = item(status)
    wants = status in (ItemStatus.OPEN, ItemStatus.IN_PROGRESS)
    assert needs_action(record, []) == wants
    assert needs_action(record, [action("cancelled")]) == wants
    assert not needs_action(record, [action("cancelled"), action("done")])


def test_reading_order_is_place_in_the_report_then_handle_number():
    # One home for reading order (status's questions and Snapshot.ordered_items
    # both sort by it): position first, then I2 before I10 (numbers, not text).
    items = [
        new_item(id="I10", position=2),
        new_item(id="I2", position=2),
        new_item(id="I3", position=1),
        new_item(id="I1"),  # no position yet: first
    ]
    assert [i["id"] for i in sorted(items, key=reading_key)] == ["I1", "I3", "I2", "I10"]
