"""Open merge conflicts: fields two clones changed differently, kept for a person to settle."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from afi_tracker.domain.model import ConflictValue
from afi_tracker.domain.rules import handle_number
from afi_tracker.store.store import Snapshot


@dataclass
class OpenConflict:
    record: str  # handle (A3, I2) or report key
    table: str
    field: str
    values: list[ConflictValue]  # oldest change first
    base: Any = None

    def describe(self) -> str:
        """`A3 due: 2025-04-30 (alice) | 2025-05-31 (bob)`."""
        shown = " | ".join(_value(v) for v in self.values)
        return f"{self.record} {self.field}: {shown}"


def _value(entry: ConflictValue) -> str:
    value = entry.get("value")
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = ", ".join(value)  # owners: `Insp Patel, DS Jones`, not a Python list
    text = "—" if value in (None, "", []) else str(value)
    return f"{text} ({entry['by']})" if entry.get("by") else text


def open_conflicts(snap: Snapshot) -> list[OpenConflict]:
    found: list[OpenConflict] = []
    for table in ("reports", "items", "actions"):
        # Conflicts are kept on the hot records: no action's details are read,
        # and only the few records with a conflict are sorted.
        docs = [d for d in snap.tables.hot(table).values() if d.get("conflicts")]
        for doc in sorted(docs, key=lambda d: (handle_number(d.get("id", "")), d.get("key", ""))):
            for field, clash in sorted((doc.get("conflicts") or {}).items()):
                found.append(
                    OpenConflict(
                        doc.get("id") or doc.get("key", ""),
                        table,
                        field,
                        list(clash.get("values", [])),
                        clash.get("base"),
                    )
                )
    return found


def settle_hint(conflict: OpenConflict) -> str:
    """What settles it, in words a library may use (no flags)."""
    if conflict.field == "deleted":
        return "delete the record again, or change it to keep it"
    return f"set {conflict.field} again"
