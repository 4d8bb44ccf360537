"""One home for every rule that judges a record as of a date.

Progress, check, the listings and the digests all ask here, so a rule changed
on purpose changes everywhere at once (docs/status.md and docs/ci.md describe
them). Dates are ISO strings (`2025-06-30`), which compare as dates; a date
names the end of that day, so an action due today is not overdue today.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import lru_cache
from typing import Final

from afi_tracker.domain.model import (
    ACTION_OPEN,
    Action,
    ActionStatus,
    Item,
    ItemKind,
    ItemStatus,
    Measure,
    Rag,
)

# The default amber window: an action or deadline this close is flagged.
AMBER_DAYS: Final = 14
# Item states that still ask for an action to be planned.
_WANTS_ACTION: Final = frozenset({ItemStatus.OPEN.value, ItemStatus.IN_PROGRESS.value})
# The statuses as plain strings: a stored status (a str) equal to a StrEnum
# member compares three times slower than to a str, and these rules judge
# every action (100k in a large store) and item.
_OPEN_ACTION: Final = frozenset(s.value for s in ACTION_OPEN)
_CANCELLED: Final = ActionStatus.CANCELLED.value
_OPEN_ITEM: Final = ItemStatus.OPEN.value
_SET_ASIDE: Final = frozenset({ItemStatus.SUPERSEDED, ItemStatus.NO_FURTHER_ACTION})
# rag() runs for every item (33k at 100k actions): reading an enum member off its
# class costs more than the comparison, so it compares with these, made once.
_COMPLETE: Final = ItemStatus.COMPLETE.value
_AWAITING: Final = ItemStatus.AWAITING_SIGN_OFF.value
_OPEN: Final = ItemStatus.OPEN.value
_RED, _AMBER, _GREEN = Rag.RED, Rag.AMBER, Rag.GREEN


@lru_cache(maxsize=64)
def iso_day(day: date) -> str:
    """`day` as ISO text, cached: the rules compare the dates of every item and
    action with the same few days, and `date.isoformat` costs more than the
    comparison (status at 100k actions made 39k of them for one day)."""
    return day.isoformat()


def is_overdue(due: str | None, as_of: date) -> bool:
    """A date that has passed: due before the day `as_of`."""
    return due is not None and due < iso_day(as_of)


def overdue_among(dues: list[str], as_of: date) -> int:
    """How many of `dues` (sorted) are overdue on `as_of`: is_overdue for each,
    found by bisection, since the overdue ones come first. Status counts every
    item's open actions' due dates this way."""
    return bisect_left(dues, iso_day(as_of))


def is_due_within(due: str | None, as_of: date, window: timedelta) -> bool:
    """Due today or within `window` of `as_of`, and not yet overdue."""
    return due is not None and iso_day(as_of) <= due <= iso_day(as_of + window)


def is_stale(since: date, as_of: date, after: timedelta) -> bool:
    """Nothing has happened since `since` for longer than `after`."""
    return since < as_of - after


def is_open(action: Action) -> bool:
    """Work still to do: planned, in progress or blocked."""
    return action["status"] in _OPEN_ACTION


def is_live(action: Action) -> bool:
    """Counts towards its item: anything but cancelled."""
    return bool(action["status"] != _CANCELLED)


def action_overdue(action: Action, as_of: date) -> bool:
    """An open action past its due date (done and cancelled ones never are)."""
    return is_open(action) and is_overdue(action.get("due"), as_of)


def overdue_as_of(as_of: date) -> Callable[[Action], bool]:
    """`action_overdue` as of one day, for judging many actions: the day's ISO
    form is made once, not once an action."""
    before = as_of.isoformat()
    open_states = ACTION_OPEN

    def overdue(action: Action) -> bool:
        due = action.get("due")
        return due is not None and action["status"] in open_states and due < before

    return overdue


def action_due_soon(action: Action, as_of: date, window: timedelta) -> bool:
    return is_open(action) and is_due_within(action.get("due"), as_of, window)


def needs_action(item: Item, actions: Iterable[Action]) -> bool:
    """An item still being worked on with no live action against it."""
    if item.get("status", _OPEN_ITEM) not in _WANTS_ACTION:
        return False
    for action in actions:
        if is_live(action):
            return False
    return True


def handle_number(handle: str) -> int:
    """`A12` -> 12; anything else sorts first, as 0."""
    return int(handle[1:]) if handle[1:].isdigit() else 0


def reading_key(item: Item) -> tuple[int, int]:
    """An item's place in reading order within its report: its position in the
    report, then its handle number (a stable sort keeps ties in file order)."""
    return item.get("position", 0), handle_number(item["id"])


def handle_numbers(handles: Iterable[str]) -> list[int]:
    """`handle_number` of each handle, in one pass: for sorting many records."""
    return [int(h[1:]) if h[1:].isdigit() else 0 for h in handles]


@lru_cache(maxsize=4096)
def short_date(iso: str) -> str:
    """`2018-07-31` -> `31 Jul 2018`: the form reasons are given in.

    Cached: status words the reason of every item, and a large plan repeats a
    few hundred dates across 33k items."""
    day = date.fromisoformat(iso)
    return f"{day.day} {day.strftime('%b %Y')}"


def rag(
    status: str,
    live: int,
    open_: int,
    overdue: int,
    blocked: int,
    next_due: str | None,
    deadline: str | None,
    as_of: date,
    amber_days: int = AMBER_DAYS,
    proposed: date | None = None,
    measure_missed: str | None = None,
) -> tuple[Rag, str]:
    """An item's RAG rating and the reason for it, in a few words.

    `live`, `open_`, `overdue` and `blocked` count the item's actions;
    `next_due` is the earliest due date of its open actions; `deadline` is the
    item's own (the report's) and `proposed` the day it was proposed for closure;
    `measure_missed` the reason one of its measures missed its target after its
    date (see measure_missed), which makes an item whose actions are done amber.
    """
    if status == _COMPLETE:
        return Rag.COMPLETE, "signed off"
    if status in _SET_ASIDE:
        return Rag.CLOSED, status
    awaiting = status == _AWAITING
    if overdue:
        return _RED, f"{overdue} overdue action{'s' * (overdue > 1)}"
    if deadline is not None and is_overdue(deadline, as_of):
        return _RED, f"report deadline {short_date(deadline)} passed"
    if not awaiting and not open_:
        if not live:
            return _RED, "no action"
        if status == _OPEN:
            return _RED, "no open action"
    window = timedelta(days=amber_days)
    if blocked:
        return _AMBER, f"{blocked} blocked"
    if next_due is not None and is_due_within(next_due, as_of, window):
        return _AMBER, f"action due {short_date(next_due)}"
    if not awaiting and deadline is not None and is_due_within(deadline, as_of, window):
        return _AMBER, f"report deadline {short_date(deadline)}"
    if live and not open_ and measure_missed:
        return _AMBER, measure_missed
    if awaiting:
        if proposed is not None:
            days = (as_of - proposed).days
            return _GREEN, f"awaiting sign-off {days} day{'s' * (days != 1)}"
        return _GREEN, "awaiting sign-off"
    if live and not open_:
        return _GREEN, "actions done: propose for closure"
    return _GREEN, "on track"


# -- measures: outcomes against the report's own baselines --------------------------------


def measure_latest(measure: Measure, as_of: date) -> tuple[float, str]:
    """The measure's value as of a date, and the day it was read: its latest reading
    on or before `as_of`, else its baseline."""
    value, on = float(measure["baseline"]), str(measure["baseline_date"])
    for reading in measure.get("readings", []):
        if reading["on"] <= as_of.isoformat() and reading["on"] >= on:
            value, on = float(reading["value"]), reading["on"]
    return value, on


def meets_target(measure: Measure, value: float) -> bool:
    """At or beyond the target, in the measure's better direction."""
    target = float(measure["target"])
    return value <= target if measure.get("direction") == "lower" else value >= target


def measure_text(value: float, unit: str) -> str:
    """72.0 with "%" -> "72%"; 34 with "days" -> "34 days"; a count is a bare number."""
    shown = f"{value:g}"
    if unit == "%":
        return f"{shown}%"
    if unit == "days":
        return f"{shown} day{'s' * (value != 1)}"
    return shown


def measure_missed(measure: Measure, as_of: date) -> str | None:
    """Why a measure missed its target (`measure 72% < target 95%`), once its
    `by` date has passed; None while there is time, or when it is met."""
    if not is_overdue(measure.get("by"), as_of):
        return None
    value, _ = measure_latest(measure, as_of)
    if meets_target(measure, value):
        return None
    unit = measure.get("unit", "")
    sign = ">" if measure.get("direction") == "lower" else "<"
    return (
        f"measure {measure_text(value, unit)} {sign} target "
        f"{measure_text(float(measure['target']), unit)}"
    )


def last_read(measure: Measure) -> date:
    """The last day anything was known of a measure: its latest reading, its
    baseline, or the day it was added, whichever is latest."""
    days = [measure["baseline_date"], str(measure.get("created", ""))[:10]]
    days += [r["on"] for r in measure.get("readings", [])]
    return date.fromisoformat(max(d for d in days if d))


def long_past(due: date, today: date) -> bool:
    """A deadline more than a year before today: kept, but worth a warning at entry."""
    return due < today - timedelta(days=365)


# Evidence that names nothing: a closure backed by it has no evidence.
PLACEHOLDER_EVIDENCE: Final = frozenset(
    {"", "n/a", "na", "n.a.", "none", "nil", "-", "--", ".", "tbc", "tbd", "todo", "x", "?"}
)


def is_placeholder(ref: str) -> bool:
    """Evidence text that points at nothing ("n/a", "none", "-", "tbc")."""
    return " ".join(ref.lower().split()) in PLACEHOLDER_EVIDENCE


def proposer(item: Item) -> str | None:
    """Who proposed the item for closure: the evidence added with that proposal."""
    at = item.get("proposed_at")
    for entry in reversed(item.get("evidence") or []):
        if isinstance(entry, dict) and (at is None or entry.get("at") == at):
            by = entry.get("by")
            return by if isinstance(by, str) else None
    return None


def real_evidence(item: Item, actions: Iterable[Action] = ()) -> bool:
    """Some evidence on the item or its actions names something."""
    refs = [e.get("ref", "") for e in item.get("evidence") or [] if isinstance(e, dict)]
    for action in actions:
        refs += [
            e.get("ref", "") if isinstance(e, dict) else str(e)
            for e in action.get("evidence") or []
        ]
    return any(isinstance(r, str) and not is_placeholder(r) for r in refs)


def response_outstanding(items: Iterable[Item], as_of: date) -> bool:
    """No published response yet, as of a date: a recommendation without a
    recorded response (s55(5B) asks one for each), or, in a report with no
    recommendation, no item with one. A response recorded after `as_of` does
    not count."""
    day = as_of.isoformat()

    def answered(item: Item) -> bool:
        response = item.get("response")
        return response is not None and str(response.get("at", ""))[:10] <= day

    chosen = list(items)
    recommendations = [i for i in chosen if i.get("kind") == ItemKind.RECOMMENDATION]
    if recommendations:
        return not all(answered(i) for i in recommendations)
    return not any(answered(i) for i in chosen)
