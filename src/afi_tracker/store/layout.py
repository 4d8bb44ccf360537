"""Which fields of a record live in the hot table and which in its details table.

status, check and list read only an action's hot fields (item, title, owner,
due, status...). Its notes, evidence and deadline revisions, which grow with
every update and which no listing reads, live in `action_details` under the
same document id: those commands parse a fraction of the file, and a status
change rewrites only the hot table.
"""

from __future__ import annotations

from typing import Any, Final

Record = dict[str, Any]

DETAILS: Final = {"actions": "action_details"}
COLD_FIELDS: Final = {"actions": frozenset({"notes", "evidence", "due_history"})}


def details_of(table: str) -> tuple[str, frozenset[str]] | None:
    """The details table of `table` and the fields it holds, if it has one."""
    if table not in DETAILS:
        return None
    return DETAILS[table], COLD_FIELDS[table]


def split(table: str, docs: dict[str, Record]) -> dict[str, dict[str, Record]]:
    """A logical table as stored: {table: hot records, details: cold fields}."""
    if table not in DETAILS:
        return {table: docs}
    cold_fields = COLD_FIELDS[table]
    hot: dict[str, Record] = {}
    cold: dict[str, Record] = {}
    for key, doc in docs.items():
        hot[key] = {f: v for f, v in doc.items() if f not in cold_fields}
        extra = {f: v for f, v in doc.items() if f in cold_fields}
        if extra:
            cold[key] = extra
    return {table: hot, DETAILS[table]: cold}


def join(hot: dict[str, Record], cold: dict[str, Record]) -> dict[str, Record]:
    """Whole records from the hot table and its details.

    The hot records are completed in place (no second dict per record): the
    caller owns both tables, freshly parsed.
    """
    for key, extra in cold.items():
        doc = hot.get(key)
        if doc is not None:
            doc.update(extra)
    return dict(hot)
