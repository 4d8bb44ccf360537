"""`afi doctor`: every problem in a store, each with where it is.

Unlike ordinary commands, which stop at the first problem and refuse to
write, this reads as far as it can and lists everything, so a hand-edited
store can be repaired in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from afi_tracker.domain.model import SCHEMA_VERSION
from afi_tracker.errors import StoreCorrupt, StoreMissing
from afi_tracker.store.store import Store
from afi_tracker.store.validate import TABLES, problems


@dataclass
class Examination:
    store: str
    problems: list[str]
    schema: int | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def examine(store: Store) -> Examination:
    try:
        data = store.read_raw()
    except StoreMissing:
        raise
    except StoreCorrupt as exc:
        return Examination(store.label, [exc.message])
    found = problems(data, limit=100_000)
    result = Examination(store.label, found)
    if not isinstance(data, dict):
        return result
    meta = data.get("meta", {}).get("1", {}) if isinstance(data.get("meta"), dict) else {}
    result.schema = meta.get("schema") if isinstance(meta, dict) else None
    result.counts = {t: len(data[t]) for t in TABLES[1:] if isinstance(data.get(t), dict)}
    if not found:
        result.problems.extend(_references(data))
    path = getattr(store.storage, "path", None)
    if path is not None:
        from afi_tracker.store.synced import conflict_copies

        for copy in conflict_copies(path):
            result.problems.append(
                f"conflict copy {copy.name} beside the store: a synced folder kept two versions; "
                "merge it in and delete it"
            )
    return result


def _references(data: dict[str, Any]) -> list[str]:
    """What the shape check cannot see: links between records, and identity."""
    found = []
    reports = {r["key"] for r in data.get("reports", {}).values()}
    items = {}
    for table, prefix in (("items", "I"), ("actions", "A")):
        seen: dict[str, str] = {}
        for doc_id, doc in data.get(table, {}).items():
            where = f"{table}[{doc_id}]"
            handle = doc.get("id")
            if not (
                isinstance(handle, str)
                and handle[:1] == prefix
                and handle[1:].isascii()
                and handle[1:].isdigit()
            ):
                found.append(f'{where}.id: "{handle}" is not a handle like {prefix}12')
            if doc["uid"] in seen:
                found.append(f"{where}.uid: the same key as {seen[doc['uid']]}")
            seen[doc["uid"]] = where
            if table == "items":
                items[doc.get("id")] = doc
                if doc["report"] not in reports:
                    found.append(f'{where}.report: no report "{doc["report"]}"')
            elif doc["item"] not in items and not any(
                i.get("id") == doc["item"] for i in data.get("items", {}).values()
            ):
                found.append(f'{where}.item: no item "{doc["item"]}"')
    return found


def describe(result: Examination) -> list[str]:
    """Lines for people: the verdict, then each problem."""
    if result.ok:
        counts = ", ".join(f"{n} {t}" for t, n in result.counts.items())
        version = f"schema {result.schema}" + (
            f" (will be migrated to {SCHEMA_VERSION} on the next change)"
            if result.schema and result.schema < SCHEMA_VERSION
            else ""
        )
        return [f"{result.store}: OK ({version}; {counts})"]
    return [
        f"{result.store}: {len(result.problems)} problem{'s' * (len(result.problems) != 1)}"
    ] + [f"  {p}" for p in result.problems]
