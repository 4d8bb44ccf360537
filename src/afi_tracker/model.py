"""The records afi keeps: reports, their graded questions, items and actions.

Records are plain dicts (what TinyDB stores); this module names their fields,
their allowed values, and builds new ones with a stable key.
"""

from __future__ import annotations

import uuid
from typing import Any, Final

Record = dict[str, Any]

SCHEMA_VERSION: Final = 2

JUDGEMENTS: Final = (
    "Outstanding",
    "Good",
    "Adequate",
    "Requires improvement",
    "Inadequate",
)

ITEM_KINDS: Final = ("area-for-improvement", "cause-of-concern", "recommendation")

ITEM_STATUSES: Final = (
    "open",
    "in-progress",
    "awaiting-sign-off",
    "complete",
    "superseded",
    "no-further-action",
)
# Items in these states need no more work.
ITEM_CLOSED: Final = frozenset({"complete", "superseded", "no-further-action"})

ACTION_STATUSES: Final = ("planned", "in-progress", "blocked", "done", "cancelled")
ACTION_OPEN: Final = frozenset({"planned", "in-progress", "blocked"})

# Handle prefixes: what people type. The number is the TinyDB document id,
# which the store never reuses (its counters only go up).
HANDLE_PREFIX: Final = {"items": "I", "actions": "A"}


def new_key() -> str:
    """A key that never changes and is never reused, unlike TinyDB's doc ids."""
    return uuid.uuid4().hex


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
