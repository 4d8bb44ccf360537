"""Checks that a parsed store has the shape afi writes, naming where it does not.

A hand-edited store with a wrong type would otherwise fail later with a
traceback, or be "repaired" by a write that drops what afi did not understand.
"""

from __future__ import annotations

from typing import Any

from afi_tracker.domain.model import (
    ACTION_STATUSES,
    DIRECTIONS,
    ITEM_KINDS,
    ITEM_STATUSES,
    SCHEMA_VERSION,
    UNITS,
)
from afi_tracker.store.derived import DERIVED
from afi_tracker.store.keys import doc_key

TABLES = ("meta", "reports", "items", "actions", "action_details", "measures", "texts", "history")

# field -> allowed types, per table; only fields afi relies on are checked.
_KEYED = frozenset({"reports", "items", "actions", "measures", "texts"})
_STR = (str,)
_OPT_STR = (str, type(None))
_FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    "reports": {
        "key": _STR,
        "title": _STR,
        "judgement": _OPT_STR,
        "published": _OPT_STR,
        "questions": (list,),
    },
    "items": {
        "uid": _STR,
        "report": _STR,
        "kind": _STR,
        "text": _STR,
        "status": _STR,
        "question": _OPT_STR,
        "deadline": _OPT_STR,
    },
    "actions": {
        "uid": _STR,
        "item": _STR,
        "title": _STR,
        "owners": (list,),
        "due": _OPT_STR,
        "status": _STR,
    },
    "action_details": {},
    "measures": {
        "uid": _STR,
        "item": _STR,
        "name": _STR,
        "unit": _STR,
        "baseline": (int, float),
        "baseline_date": _STR,
        "target": (int, float),
        "by": _STR,
        "direction": _STR,
        "readings": (list,),
    },
    "texts": {"uid": _STR, "report": _STR, "sections": (list,)},
    "history": {"txn": (int,), "at": _STR, "op": _STR, "table": _STR},
}
_ENUMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("items", "kind"): ITEM_KINDS,
    ("items", "status"): ITEM_STATUSES,
    ("actions", "status"): ACTION_STATUSES,
    ("measures", "direction"): DIRECTIONS,
    ("measures", "unit"): UNITS,
}


def problems(data: Any, limit: int = 50) -> list[str]:
    """Every problem found (up to `limit`), each saying where it is."""
    found: list[str] = []
    if not isinstance(data, dict):
        return [f"top level is {_kind(data)}, expected an object of tables"]
    for name in data:
        if name not in TABLES and name not in DERIVED and name != "_default":
            found.append(f'unknown table "{name}"')
    meta = data.get("meta")
    if not isinstance(meta, dict) or not isinstance(meta.get("1"), dict):
        found.append('table "meta" is missing or has no document "1"')
    else:
        schema = meta["1"].get("schema")
        if not isinstance(schema, int) or isinstance(schema, bool):
            found.append("meta.schema is missing or not a whole number")
        elif schema < 1:
            found.append(f"meta.schema {schema} is not a schema version")
        elif schema > SCHEMA_VERSION:
            found.append(
                f"schema version {schema} is newer than this afi understands ({SCHEMA_VERSION});"
                " upgrade afi"
            )
    version = (
        meta["1"].get("schema")
        if isinstance(meta, dict) and isinstance(meta.get("1"), dict)
        else None
    )
    version = version if isinstance(version, int) and not isinstance(version, bool) else None
    keyed_by_uid = version is not None and version >= 3  # schema 3 keyed records by uid
    older = version is not None and version < 4
    for table in TABLES[1:]:
        docs = data.get(table, {})
        if not isinstance(docs, dict):
            found.append(f'table "{table}" is {_kind(docs)}, expected an object')
            continue
        fields = _FIELDS[table]
        if table == "actions" and older:
            # Before schema 4 an action had one owner (a name or null); see migrations.py.
            fields = {("owner" if f == "owners" else f): t for f, t in fields.items()}
            fields["owner"] = _OPT_STR
        handles: dict[str, str] = {}
        for doc_id, doc in docs.items():
            where = f"{table}[{doc_id}]"
            if not (doc_id.isascii() and doc_id.isdigit() and int(doc_id) > 0):
                found.append(f"{where}: document id is not a positive whole number")
            if not isinstance(doc, dict):
                found.append(f"{where}: is {_kind(doc)}, expected an object")
                continue
            if (
                keyed_by_uid
                and table in _KEYED
                and isinstance(doc.get("uid"), str)
                and doc_key(doc["uid"]) != doc_id
            ):
                found.append(f"{where}: document id does not match its uid")
            handle = doc.get("id")
            if (
                keyed_by_uid
                and table in ("items", "actions", "measures")
                and isinstance(handle, str)
            ):
                other = handles.get(handle.upper())
                if other is not None:
                    found.append(f"{where}.id: handle {handle} is also used by {table}[{other}]")
                handles[handle.upper()] = doc_id
            conflicts = doc.get("conflicts")
            if conflicts is not None and not (
                isinstance(conflicts, dict)
                and all(
                    isinstance(c, dict) and isinstance(c.get("values"), list)
                    for c in conflicts.values()
                )
            ):
                found.append(f"{where}.conflicts: is not an object of conflicts with values")
            for field, types in fields.items():
                if field not in doc:
                    found.append(f"{where}.{field}: missing")
                elif not isinstance(doc[field], types) or isinstance(doc[field], bool):
                    found.append(f"{where}.{field}: is {_kind(doc[field])}")
                elif (table, field) in _ENUMS and doc[field] not in _ENUMS[(table, field)]:
                    found.append(f'{where}.{field}: "{doc[field]}" is not an allowed value')
                elif field == "owners" and not all(
                    isinstance(o, str) and o.strip() for o in doc[field]
                ):
                    found.append(f"{where}.owners: is not a list of names")
            if len(found) >= limit:
                return found
    return found


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)
