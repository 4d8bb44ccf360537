"""Store schema versions and how to bring an older store up to date.

A store is migrated in memory when read; it is written in the new schema only
by the next command that changes it, after a copy of the old file is kept
beside it (tracker.json.bak-v1).

- 1 -> 2: history entries for lists that only grew (notes, evidence, deadline
  revisions) record the entries added instead of the whole list before and after.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from afi_tracker.domain.model import SCHEMA_VERSION
from afi_tracker.store.history import field_change

Data = dict[str, dict[str, Any]]


def _v1_to_v2(data: Data) -> None:
    for entry in data.get("history", {}).values():
        if entry.get("op") != "update":
            continue
        entry["changes"] = [
            field_change(c["field"], c.get("old"), c.get("new")) if "added" not in c else c
            for c in entry.get("changes", [])
        ]


MIGRATIONS: dict[int, Callable[[Data], None]] = {1: _v1_to_v2}


def migrate(data: Data) -> int | None:
    """Bring `data` up to SCHEMA_VERSION in place; the version it had, if it was older."""
    meta = data["meta"]["1"]
    version = meta["schema"]
    if version >= SCHEMA_VERSION:
        return None
    for step in range(version, SCHEMA_VERSION):
        MIGRATIONS[step](data)
        meta["schema"] = step + 1
    return int(version)
