"""Checks that a parsed store has the shape afi writes, naming where it does not.

A hand-edited store with a wrong type would otherwise fail later with a
traceback, or be "repaired" by a write that drops what afi did not understand.
"""

from __future__ import annotations

from collections.abc import Callable
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
from afi_tracker.store.keys import UID_DIGITS, doc_key

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
        quick = _quick_check(table, fields, keyed_by_uid)
        for doc_id, doc in docs.items():
            if quick(doc_id, doc, handles):
                continue  # nothing to report: the detailed checks below would find nothing
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


def _quick_check(
    table: str, fields: dict[str, tuple[type, ...]], keyed_by_uid: bool
) -> Callable[[str, Any, dict[str, str]], bool]:
    """A check that a record has no problem at all, without wording any: the
    detailed checks build a message and a key per record, and validating a
    hand-edited 100k-action table spent most of its time there. True only when
    the detailed checks would find nothing (then the record's handle is
    registered); False sends the record to them."""
    by_uid = keyed_by_uid and table in _KEYED
    with_handle = keyed_by_uid and table in ("items", "actions", "measures")
    checks = [
        (field, types, _ENUMS.get((table, field)), field == "owners")
        for field, types in fields.items()
    ]

    def quick(doc_id: str, doc: Any, handles: dict[str, str]) -> bool:
        if type(doc) is not dict or not (doc_id.isascii() and doc_id.isdigit()):
            return False
        if not doc_id.strip("0"):
            return False  # zero is not a positive whole number
        if by_uid:
            uid = doc.get("uid")
            if isinstance(uid, str) and not _uid_matches(uid, doc_id):
                return False
        if doc.get("conflicts") is not None:
            return False
        for field, types, allowed, owners in checks:
            if field not in doc:
                return False
            value: Any = doc[field]
            names: Any = value  # a list when `owners` (checked just below)
            if not isinstance(value, types) or isinstance(value, bool):
                return False
            if allowed is not None and value not in allowed:
                return False
            if owners and not all(isinstance(o, str) and o.strip() for o in names):
                return False
        if with_handle:
            handle = doc.get("id")
            if isinstance(handle, str):
                upper = handle.upper()
                if upper in handles:
                    return False
                handles[upper] = doc_id
        return True

    return quick


def _uid_matches(uid: str, doc_id: str) -> bool:
    """doc_key(uid) == doc_id, without formatting the key (the usual case: a
    32-digit hex uid afi minted)."""
    if len(uid) == 32 and len(doc_id) == UID_DIGITS:
        try:
            return int(uid, 16) == int(doc_id)
        except ValueError:
            pass
    return doc_key(uid) == doc_id


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
