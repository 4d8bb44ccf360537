"""What an item's progress counts of its actions, as one small record.

`afi status` rates every item from these figures alone: how many of its actions
are live (not cancelled), done, open and blocked, the due dates of the open
ones and the owners of the live ones. They are additive, so the store keeps
them per item and a write adjusts them by the actions it changed
(store/counts.py): status then reads one short line per item instead of every
action. Progress computes them with the same functions from the actions
themselves, so the two ways agree by construction.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from datetime import date
from typing import TypedDict

from afi_tracker.domain.model import Action, ActionStatus, owners_of
from afi_tracker.domain.rules import is_live, is_open, overdue_among


class Counts(TypedDict):
    live: int
    done: int
    open: int
    blocked: int
    dues: list[str]  # the open actions' due dates, sorted, repeated as often as they occur
    owners: dict[str, int]  # each live action's owners: name -> how many actions


def empty() -> Counts:
    return {"live": 0, "done": 0, "open": 0, "blocked": 0, "dues": [], "owners": {}}


def add(counts: Counts, action: Action, sign: int = 1) -> None:
    """Count `action` in (sign 1) or out (sign -1) of `counts`."""
    if not is_live(action):
        return
    counts["live"] += sign
    owners = counts["owners"]
    for name in owners_of(action):
        left = owners.get(name, 0) + sign
        if left:
            owners[name] = left
        else:
            del owners[name]
    if action["status"] == ActionStatus.DONE:
        counts["done"] += sign
    elif is_open(action):
        counts["open"] += sign
        counts["blocked"] += sign * (action["status"] == ActionStatus.BLOCKED)
        due = action.get("due")
        if due:
            if sign > 0:
                insort(counts["dues"], due)
            else:
                dues = counts["dues"]
                at = bisect_left(dues, due)
                if at < len(dues) and dues[at] == due:
                    del dues[at]


def tally(actions: Iterable[Action]) -> Counts:
    """The counts of `actions` (one item's), canonical.

    The same rules as add(), in one pass with local counters: a store whose
    counts must be rebuilt tallies 100k actions this way."""
    live = done = open_ = blocked = 0
    dues: list[str] = []
    owners: dict[str, int] = {}
    for action in actions:
        if not is_live(action):
            continue
        live += 1
        for name in owners_of(action):
            owners[name] = owners.get(name, 0) + 1
        status = action["status"]
        if status == ActionStatus.DONE:
            done += 1
        elif is_open(action):
            open_ += 1
            blocked += status == ActionStatus.BLOCKED
            due = action.get("due")
            if due:
                dues.append(due)
    dues.sort()
    if len(owners) > 1:
        owners = dict(sorted(owners.items(), key=_owner_order))
    return {
        "live": live,
        "done": done,
        "open": open_,
        "blocked": blocked,
        "dues": dues,
        "owners": owners,
    }


def canonical(counts: Counts) -> Counts:
    """The counts as stored: owners in the order progress shows them (by name,
    ignoring case; names that differ only in case by their code points), so
    equal counts encode alike and a reader need not sort them."""
    return {
        "live": counts["live"],
        "done": counts["done"],
        "open": counts["open"],
        "blocked": counts["blocked"],
        "dues": list(counts["dues"]),
        "owners": dict(sorted(counts["owners"].items(), key=_owner_order)),
    }


def _owner_order(entry: tuple[str, int]) -> tuple[str, str]:
    return entry[0].casefold(), entry[0]


def by_item(actions: Iterable[Action]) -> dict[str, Counts]:
    """Every item's counts, by item handle; items with no live action left out
    (their counts would be all zero)."""
    grouped: dict[str, list[Action]] = {}
    for action in actions:
        if is_live(action):
            grouped.setdefault(action["item"], []).append(action)
    return {handle: tally(group) for handle, group in grouped.items()}


def overdue(counts: Counts, as_of: date) -> int:
    """How many open actions are past their due date on `as_of`."""
    return overdue_among(counts["dues"], as_of)  # sorted: the overdue ones come first


def next_due(counts: Counts) -> str | None:
    """The earliest due date of the open actions."""
    dues = counts["dues"]
    return dues[0] if dues else None


def owner_names(counts: Counts) -> list[str]:
    """The live actions' owners, in the order progress shows them (canonical
    counts keep them so)."""
    return list(counts["owners"])
