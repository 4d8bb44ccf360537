"""The records afi keeps: reports, their graded questions, items and actions.

Records are plain dicts (what TinyDB stores); this module names their fields,
their allowed values, and builds new ones with a stable key.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Final

from afi_tracker.errors import InvalidValue

Record = dict[str, Any]

SCHEMA_VERSION: Final = 3

JUDGEMENTS: Final = (
    "Outstanding",
    "Good",
    "Adequate",
    "Requires improvement",
    "Inadequate",
)


class ItemKind(StrEnum):
    AREA_FOR_IMPROVEMENT = "area-for-improvement"
    CAUSE_OF_CONCERN = "cause-of-concern"
    RECOMMENDATION = "recommendation"


class ItemStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in-progress"
    AWAITING_SIGN_OFF = "awaiting-sign-off"
    COMPLETE = "complete"
    SUPERSEDED = "superseded"
    NO_FURTHER_ACTION = "no-further-action"


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in-progress"
    BLOCKED = "blocked"
    DONE = "done"
    CANCELLED = "cancelled"


class Rag(StrEnum):
    """An item's rating; the order is the order of concern."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    COMPLETE = "complete"
    CLOSED = "closed"


# Records hold the plain string values (a StrEnum member equals its value), so
# these tuples are what validation and completion offer.
ITEM_KINDS: Final = tuple(k.value for k in ItemKind)
ITEM_STATUSES: Final = tuple(s.value for s in ItemStatus)
# Items in these states need no more work.
ITEM_CLOSED: Final = frozenset(
    {ItemStatus.COMPLETE, ItemStatus.SUPERSEDED, ItemStatus.NO_FURTHER_ACTION}
)
ACTION_STATUSES: Final = tuple(s.value for s in ActionStatus)
ACTION_OPEN: Final = frozenset(
    {ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.BLOCKED}
)
RAG_ORDER: Final = tuple(r.value for r in Rag)
# The published response to an item (a PCC's under s55 for a recommendation).
VERDICT_LABEL: Final = {
    "accepted": "Accepted",
    "partly-accepted": "Partly accepted",
    "not-accepted": "Not accepted",
}
VERDICTS: Final = tuple(VERDICT_LABEL)


def response_line(item: Record) -> str | None:
    """`Accepted: text` for an item's response, or None when it has none."""
    response = item.get("response")
    if not response:
        return None
    label = VERDICT_LABEL.get(response.get("verdict", ""), response.get("verdict", ""))
    return f"{label}: {response.get('text', '')}"


# Handle prefixes: what people type. The number is the TinyDB document id,
# which the store never reuses (its counters only go up).
HANDLE_PREFIX: Final = {"items": "I", "actions": "A", "measures": "M"}

# A measure's unit: a percentage, a count, or a number of days.
UNITS: Final = ("%", "count", "days")
# Which way is better for a measure: higher (training completed) or lower (days to answer).
DIRECTIONS: Final = ("higher", "lower")


def new_key() -> str:
    """A key that never changes and is never reused, unlike TinyDB's doc ids."""
    return uuid.uuid4().hex


def owners_of(action: Record) -> list[str]:
    """An action's owners, in the order given: `owners` (schema 4 on), or the one
    `owner` a record of an older schema held."""
    owners = action.get("owners")
    if isinstance(owners, list):
        return [o for o in owners if isinstance(o, str) and o]
    owner = action.get("owner")
    return [owner] if isinstance(owner, str) and owner else []


def owners_text(action: Record) -> str:
    """An action's owners for people: `Insp Patel, DS Jones` ("" when it has none)."""
    return ", ".join(owners_of(action))


def owned_by(action: Record, name: str) -> bool:
    """Whether `name` (any case, outer spaces ignored) is one of the action's owners."""
    wanted = name.strip().casefold()
    return any(o.strip().casefold() == wanted for o in owners_of(action))


def owner_names(names: Iterable[str]) -> list[str]:
    """Owner names as given, each stripped; one given twice (in any case) is kept once.

    An empty name is refused (InvalidValue): it is always a slip (`--owner ""`,
    `A,,B`), and an action silently without one of its owners misstates the record.
    """
    kept: list[str] = []
    seen: set[str] = set()
    for name in names:
        clean = name.strip()
        if not clean:
            raise InvalidValue("an owner's name must not be empty", code="owner-empty")
        if clean.casefold() not in seen:
            seen.add(clean.casefold())
            kept.append(clean)
    return kept


def split_owners(text: str, separators: str = ",") -> list[str]:
    """`A, B` as two names: only where the person asked for a list to be split.

    Every part must be a name, so `A,,B` and `A,` are refused (owner_names).
    """
    parts = [text]
    for sep in separators:
        parts = [piece for part in parts for piece in part.split(sep)]
    return owner_names(parts)


def handle_for(table: str, number: int) -> str:
    return f"{HANDLE_PREFIX[table]}{number}"


def new_report(**fields: Any) -> Record:
    base: Record = {
        "key": "",
        "uid": new_key(),
        "title": "",
        "force": "",
        "programme": "",
        "year": "",
        "subject": "",
        "published": None,
        "judgement": None,
        "source": "",
        "questions": [],
    }
    base.update(fields)
    return base


def new_item(**fields: Any) -> Record:
    base: Record = {
        "uid": new_key(),
        "id": "",
        "report": "",
        "kind": "area-for-improvement",
        "text": "",
        "question": None,
        "deadline": None,
        "deadline_text": None,
        "origin": None,
        "addressee": None,
        "cause": None,
        "parts": [],
        "status": "open",
        "status_reason": None,
        "evidence": [],
        "signed_off_by": None,
        "truncated": False,
        "position": 0,
    }
    base.update(fields)
    return base


def question_judgement(report: Record, number: str | None) -> str | None:
    if number is None:
        return None
    for q in report.get("questions", []):
        if q["number"] == number:
            judgement: str | None = q.get("judgement")
            return judgement
    return None
