"""The append-only history: how a change is recorded, and what each command changed, in words."""

from __future__ import annotations

from typing import Any

from afi_tracker.domain.model import FieldChange, HistoryEntry
from afi_tracker.domain.plain import Plain


def field_change(field: str, old: Any, new: Any) -> FieldChange:
    """One field's change for the history.

    A list that only grew (notes, evidence, deadline revisions) records just the
    entries added: storing the whole list before and after on every note made
    the history grow with the square of the notes.
    """
    if (
        isinstance(old, list)
        and isinstance(new, list)
        and len(new) > len(old)
        and new[: len(old)] == old
    ):
        return {"field": field, "added": new[len(old) :]}
    return {"field": field, "old": old, "new": new}


# Bookkeeping fields that change with every edit; their change says nothing new.
_QUIET = frozenset({"updated", "due_history", "position"})


class Command(Plain):  # not a dataclass: every command loads it (domain/plain.py)
    FIELDS = ("txn", "at", "by", "command", "undoes", "changes", "records", "number")

    def __init__(
        self,
        txn: int,
        at: str,
        by: str,
        command: str,
        undoes: int | None,
        changes: list[str],
        records: list[str],
        number: int = 0,  # 1 for the oldest command: what the history listing shows
    ) -> None:
        self.txn = txn
        self.at = at
        self.by = by
        self.command = command
        self.undoes = undoes
        self.changes = changes
        self.records = records
        self.number = number


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    return str(value)


def _names(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    return _value(value)


def _added(old: Any, new: Any) -> list[Any] | None:
    """The entries appended to a list field, or None if it changed otherwise."""
    if isinstance(old, list | type(None)) and isinstance(new, list):
        before = old or []
        if new[: len(before)] == before:
            return new[len(before) :]
    return None


def describe(entry: HistoryEntry) -> list[str]:
    """One line per change in a history entry: `A2 status: planned -> done`."""
    record = entry.get("record", "")
    if entry["op"] == "create":
        return [f"{record} created"]
    if entry["op"] == "delete":
        return [f"{record} deleted"]
    lines = []
    for change in entry.get("changes", []):
        field, old, new = change["field"], change.get("old"), change.get("new")
        if field in _QUIET:
            continue
        added = change["added"] if "added" in change else _added(old, new)
        if added is not None and field == "readings":
            for extra in added:
                value = extra.get("value")
                shown = f"{value:g}" if isinstance(value, int | float) else value
                lines.append(f"{record} reading + {shown} on {extra.get('on')}")
        elif field == "owners":
            # `A2 owners: Insp Patel -> Insp Patel, DS Jones`: who is responsible, in full.
            if "added" in change:
                lines.append(f"{record} owners + {_names(change['added'])}")
            else:
                lines.append(f"{record} owners: {_names(old)} -> {_names(new)}")
        elif added is not None and field in ("notes", "evidence"):
            for extra in added:
                text = extra.get("text") or extra.get("ref") if isinstance(extra, dict) else extra
                lines.append(f"{record} {field} + {text}")
        elif isinstance(old, list) or isinstance(new, list):
            lines.append(f"{record} {field} changed")
        else:
            lines.append(f"{record} {field}: {_value(old)} -> {_value(new)}")
    return lines or [f"{record} updated"]


def commands(history: list[HistoryEntry]) -> list[Command]:
    """The history grouped by command (transaction), oldest first."""
    grouped: dict[int, Command] = {}
    for entry in sorted(history, key=lambda e: e["txn"]):
        cmd = grouped.get(entry["txn"])
        if cmd is None:
            cmd = grouped[entry["txn"]] = Command(
                entry["txn"],
                entry["at"],
                entry.get("by", ""),
                entry.get("command", ""),
                entry.get("undoes"),
                [],
                [],
            )
        cmd.changes.extend(describe(entry))
        if entry.get("record") not in cmd.records:
            cmd.records.append(entry.get("record", ""))
    listed = list(grouped.values())
    numbers = {cmd.txn: n for n, cmd in enumerate(listed, 1)}
    for cmd in listed:
        cmd.number = numbers[cmd.txn]
        if cmd.undoes is not None:
            cmd.undoes = numbers.get(cmd.undoes, cmd.undoes)
    return listed
