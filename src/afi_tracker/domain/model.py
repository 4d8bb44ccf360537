"""The records afi keeps: reports, their graded questions, items and actions.

Records are plain dicts, exactly what TinyDB stores and the file holds, typed
here as `TypedDict`s: mypy checks every field name and value type, and no
record is copied into another object on the way in or out. (Slotted
dataclasses were measured against this: building one per action at 100k
actions costs more than the whole grouping pass of `afi status`; see
docs/architecture.md.) This module names the fields, their allowed values
(the `StrEnum`s), and builds new records with a stable key.
"""

# No `from __future__ import annotations`: a TypedDict turns each string
# annotation into a ForwardRef, compiling it (126 of them, 3-4 ms of every
# command's start-up). Evaluated annotations cost almost nothing, so records
# are defined before the records that hold them.
import re
import uuid
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Final, NotRequired, TypedDict

from afi_tracker.errors import InvalidValue

# A record of any table, as the store handles it generically (copying,
# checksums, history, merges). Code that knows which table it reads uses the
# typed records below.
Record = dict[str, Any]

SCHEMA_VERSION: Final = 4

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
# The ratings of items still being worked on, counted in every headline.
RAG_COUNTED: Final = (Rag.RED, Rag.AMBER, Rag.GREEN)
# The published response to an item (a PCC's under s55 for a recommendation).
VERDICT_LABEL: Final = {
    "accepted": "Accepted",
    "partly-accepted": "Partly accepted",
    "not-accepted": "Not accepted",
}
VERDICTS: Final = tuple(VERDICT_LABEL)


# -- the records ----------------------------------------------------------------------
# Fields marked NotRequired are absent from records written before they existed
# (or until first set); readers use .get() for them.


class Question(TypedDict):
    """A graded question of a report: `1`, its words, and its judgement."""

    number: str
    text: str
    judgement: str | None


class ConflictValue(TypedDict):
    """One side's value of a field two clones changed differently."""

    value: Any
    by: NotRequired[str]
    at: NotRequired[str]


class FieldConflict(TypedDict):
    """A field left for a person to settle after a merge: each side's value, and
    the common ancestor's when there was one."""

    values: list[ConflictValue]
    base: NotRequired[Any]


class Report(TypedDict):
    key: str
    uid: str
    title: str
    force: str
    programme: str
    year: str
    subject: str
    published: str | None
    judgement: str | None
    source: str
    questions: list[Question]
    format: NotRequired[str]
    former_ids: NotRequired[list[str]]
    conflicts: NotRequired[dict[str, FieldConflict]]


class Evidence(TypedDict):
    ref: str
    description: NotRequired[str | None]
    by: NotRequired[str]
    at: NotRequired[str]


class Note(TypedDict):
    text: str
    by: str
    at: str


class DueRevision(TypedDict):
    """One deadline of an action: the first, and each revision with its reason."""

    due: str | None
    reason: str | None
    by: str
    at: str


class Response(TypedDict):
    """The published response to an item (a PCC's under s55 for a recommendation)."""

    verdict: str
    text: str
    by: NotRequired[str]
    at: NotRequired[str]


class CommitmentSource(TypedDict):
    """Where an adopted action came from: a dated commitment in the report's text."""

    report: str
    commitment: str  # its handle in `afi findings` (C2)
    sentence: str
    deadline_text: str | None


class FindingSource(TypedDict):
    """Where a measure's baseline came from: a figure in the report's text."""

    report: str
    finding: str  # its handle in `afi findings` (F3)
    sentence: str
    question: str | None


class Item(TypedDict):
    """An area for improvement, cause of concern or recommendation of a report."""

    uid: str
    id: str
    report: str
    kind: str  # an ItemKind value
    text: str
    question: str | None
    deadline: str | None
    deadline_text: str | None
    origin: str | None
    addressee: str | None
    cause: str | None
    parts: list[str]
    status: str  # an ItemStatus value
    status_reason: str | None
    evidence: list[Evidence]
    signed_off_by: str | None
    truncated: bool
    position: int
    signed_off_at: NotRequired[str | None]
    proposed_at: NotRequired[str | None]
    response: NotRequired[Response | None]
    closure_forced_with_open_actions: NotRequired[list[str] | None]
    # From a report that gives the force's own response to each item.
    force_response: NotRequired[str | None]
    status_log: NotRequired[list[dict[str, Any]]]
    former_ids: NotRequired[list[str]]
    conflicts: NotRequired[dict[str, FieldConflict]]


class Action(TypedDict):
    """What someone will do about an item. The cold fields (notes, evidence,
    due_history) are present only when the store read `action_details`."""

    uid: str
    id: str
    item: str  # the item's handle
    title: str
    due: str | None
    status: str  # an ActionStatus value
    # Read them through owners_of(): `owners` from schema 4, one `owner` before.
    owners: NotRequired[list[str]]
    owner: NotRequired[str | None]
    status_reason: NotRequired[str | None]
    created: NotRequired[str]
    updated: NotRequired[str]
    notes: NotRequired[list[Note]]
    evidence: NotRequired[list[Evidence]]
    due_history: NotRequired[list[DueRevision]]
    source: NotRequired[CommitmentSource | None]
    former_ids: NotRequired[list[str]]
    conflicts: NotRequired[dict[str, FieldConflict]]


class Reading(TypedDict):
    value: float
    on: str
    source: NotRequired[str | None]
    by: NotRequired[str]
    at: NotRequired[str]


class Measure(TypedDict):
    """An outcome measure of an item: from a baseline to a target by a date."""

    uid: str
    id: str
    item: str
    name: str
    unit: str
    direction: str
    baseline: float
    baseline_date: str
    target: float
    by: str
    source: FindingSource | None
    readings: list[Reading]
    created: NotRequired[str]
    updated: NotRequired[str]
    former_ids: NotRequired[list[str]]
    conflicts: NotRequired[dict[str, FieldConflict]]


class FieldChange(TypedDict):
    """One field an update changed: its old and new value, or for a list the
    entries `added` to its end."""

    field: str
    old: NotRequired[Any]
    new: NotRequired[Any]
    added: NotRequired[list[Any]]


class HistoryEntry(TypedDict):
    """One record changed by one command; a command's entries share `txn`."""

    txn: int
    at: str
    by: str
    command: str
    table: str
    doc: str
    op: str  # create, update or delete
    record: str
    uid: str
    after: NotRequired[Record]
    before: NotRequired[Record]
    changes: NotRequired[list[FieldChange]]
    undoes: NotRequired[int]


def response_line(item: Item) -> str | None:
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


def owners_of(action: Action) -> list[str]:
    """An action's owners, in the order given: `owners` (schema 4 on), or the one
    `owner` a record of an older schema held."""
    owners = action.get("owners")
    if isinstance(owners, list):
        return [o for o in owners if isinstance(o, str) and o]
    owner = action.get("owner")
    return [owner] if isinstance(owner, str) and owner else []


def owners_text(action: Action) -> str:
    """An action's owners for people: `Insp Patel, DS Jones` ("" when it has none)."""
    return ", ".join(owners_of(action))


def owned_by(action: Action, name: str) -> bool:
    """Whether `name` (any case, outer spaces ignored, any run of spaces as one)
    is one of the action's owners. Stored names are read the same way, so a name
    a store recorded with a tab or line break in it (before they were refused)
    is found by the name people see."""
    wanted = owner_key(name)
    return any(owner_key(o) == wanted for o in owners_of(action))


def owner_key(name: str) -> str:
    """What two spellings of one owner share: `DS  Jones` and `ds jones` match."""
    return " ".join(name.split()).casefold()


def owner_needles(name: str) -> list[bytes] | None:
    """The words (UTF-8) that the JSON line of every action `owned_by(action,
    name)` holds, in order, apart by whitespace, in some ASCII case; so a listing
    can leave the other lines unparsed (Sections.matching). None when no such
    words can be named: then every line is read.

    The words of `owner_key(name)`. An owner matches when its words casefold to
    these, whatever whitespace lies around and between them. In a line that is
    all ASCII the owner is ASCII and its casefold is its lower case, and JSON
    writes its letters as they are. A line with a non-ASCII byte (whose casefold
    may be ASCII: the Kelvin sign folds to "k") is read whatever it holds. A word
    with a quote, backslash or control character is escaped in JSON: no words then.
    """
    key = owner_key(name)
    if not key or any(c in '"\\' or c < " " or c == "\x7f" for c in key):
        return None
    return [word.encode() for word in key.split(" ")]


_ESCAPES: Final = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


# Control characters (C0, DEL, C1) and the bidi controls that reorder what a
# reader sees: what domain/safetext.py removes before showing text.
# Compiled on first use (by re's cache): only a command naming owners needs it.
_UNSEEN: Final = "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"


def _has_control(name: str) -> bool:
    return re.search(_UNSEEN, name) is not None


def _escaped(name: str) -> str:
    """`name` with each control character written out (`\\n`, `\\x1b`), for a message."""
    return "".join(
        _ESCAPES.get(c, f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        if re.match(_UNSEEN, c)
        else c
        for c in name
    )


def owner_names(names: Iterable[str]) -> list[str]:
    """Owner names as given, each stripped and with any run of spaces inside made
    one space; one given twice (in any case) is kept once.

    An empty name is refused (InvalidValue): it is always a slip (`--owner ""`,
    `A,,B`), and an action silently without one of its owners misstates the record.
    So is a name with a control character in it (a tab, a line break, a terminal
    escape): it would be stored as typed but shown cleaned, and then not found by
    the name people see.
    """
    kept: list[str] = []
    seen: set[str] = set()
    for name in names:
        if _has_control(name):
            raise InvalidValue(
                "an owner's name must not contain a tab, line break or other control "
                f'character: "{_escaped(name)}"',
                code="owner-control",
            )
        clean = " ".join(name.split())
        if not clean:
            raise InvalidValue("an owner's name must not be empty", code="owner-empty")
        if owner_key(clean) not in seen:
            seen.add(owner_key(clean))
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


def new_report(**fields: Any) -> Report:
    base: Report = {
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
    base.update(fields)  # type: ignore[typeddict-item]
    return base


def new_item(**fields: Any) -> Item:
    base: Item = {
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
    base.update(fields)  # type: ignore[typeddict-item]
    return base


def question_judgement(report: Report, number: str | None) -> str | None:
    if number is None:
        return None
    for q in report.get("questions", []):
        if q["number"] == number:
            judgement: str | None = q.get("judgement")
            return judgement
    return None
