"""Undo: revert the last command's changes as one unit, from the history.

The history is append-only, so an undo is itself a new entry (marked with the
transaction it undoes); repeated undos walk back one command at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

from afi_tracker.domain.model import FieldChange, HistoryEntry, Record
from afi_tracker.errors import NothingToUndo, UndoRefused
from afi_tracker.store.history import describe
from afi_tracker.store.keys import doc_key
from afi_tracker.store.store import Transaction


@dataclass
class Undone:
    txn: int  # the command's number in the history listing
    command: str
    by: str
    at: str
    records: list[str]
    reverted: list[str]


def last_undoable(history: list[HistoryEntry]) -> int | None:
    undone = {e["undoes"] for e in history if "undoes" in e}
    candidates = [e["txn"] for e in history if "undoes" not in e and e["txn"] not in undone]
    return max(candidates, default=None)


def undo_last(tx: Transaction, *, force: bool = False) -> Undone:
    """Revert the last command not yet undone; another person's only with `force`.

    On a shared store the last command may be a colleague's: reverting it
    silently would lose their work, so it is refused, naming who and what.
    """
    history = tx.history
    txn = last_undoable(history)
    if txn is None:
        raise NothingToUndo("nothing to undo", code="nothing-to-undo")
    entries = [e for e in history if e["txn"] == txn]
    made_by = entries[0]["by"]
    if made_by != tx.by and not force:
        raise UndoRefused(
            f"the last command was made by {made_by}, not {tx.by}: "
            f"{entries[0]['command']} (command {txn} at {entries[0]['at']})",
            code="undo-someone-else",
        )
    for entry in reversed(entries):
        # Records are found by uid (their document id), never by handle: a
        # merge may have renumbered the handle since.
        table = entry["table"]
        doc = doc_key(entry["uid"]) if entry.get("uid") else str(entry["doc"])
        current = tx.tables[table].get(doc)
        if entry["op"] == "create" and current is not None:
            tx.delete(table, current)
        elif entry["op"] == "delete":
            tx.restore(table, doc, entry["before"])
        elif entry["op"] == "update" and current is not None:
            tx.update(table, current, **{c["field"]: _before(current, c) for c in entry["changes"]})
    tx.note_undo(txn)
    first = entries[0]
    records = list(dict.fromkeys(e["record"] for e in entries))
    reverted = [line for e in tx.pending for line in describe(e)]
    number = sorted({e["txn"] for e in history}).index(txn) + 1
    return Undone(number, first["command"], first["by"], first["at"], records, reverted)


def _before(current: Record, change: FieldChange) -> object:
    if "added" in change:
        value = current.get(change["field"]) or []
        return value[: len(value) - len(change["added"])]
    return change["old"]
