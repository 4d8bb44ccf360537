"""Store schema versions and how to bring an older store up to date.

A store is migrated in memory when read; it is written in the new schema only
by the next command that changes it, after a copy of the old file is kept
beside it (tracker.json.bak-v1).

- 1 -> 2: history entries for lists that only grew (notes, evidence, deadline
  revisions) record the entries added instead of the whole list before and after.
- 2 -> 3: records keyed by their uid, history by transaction id (time order),
  actions' notes, evidence and deadline revisions in `action_details`, no
  transaction counter: two clones never mint the same id, and a git merge
  (see store/merge.py) can put any two stores back together. Deterministic:
  two clones that migrate the same store get the same file.
- 3 -> 4: an action's `owner` (one name or null) becomes `owners`, a list of
  names ([] for none), in the same place in the record; the history and open
  merge conflicts say `owners` too (a change of `owner` from A to B becomes a
  change of `owners` from [A] to [B]), so undo and --as-recorded keep working
  across the migration. A name is never split: "Patel, A" stays one owner.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from afi_tracker.domain.model import HANDLE_PREFIX, SCHEMA_VERSION
from afi_tracker.store.history import field_change
from afi_tracker.store.keys import doc_key, history_key, stable_uid
from afi_tracker.store.layout import split

Data = dict[str, dict[str, Any]]


def _v1_to_v2(data: Data) -> None:
    for entry in data.get("history", {}).values():
        if entry.get("op") != "update":
            continue
        entry["changes"] = [
            field_change(c["field"], c.get("old"), c.get("new")) if "added" not in c else c
            for c in entry.get("changes", [])
        ]


def _old_txn_id(at: Any, txn: int) -> int:
    """A schema-3 transaction id for an old one: its time, then its old number."""
    try:
        when = datetime.strptime(str(at), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        seconds = int(when.timestamp())
    except ValueError:
        seconds = 0
    return seconds * 1_000_000_000 + int(txn) % 1_000_000_000


def _v2_to_v3(data: Data) -> None:
    keys: dict[tuple[str, str], str] = {}  # (table, old doc id) -> new id
    for table in [t for t in data if t not in ("meta", "history")]:
        rekeyed: dict[str, Any] = {}
        for old_id, doc in sorted(data.get(table, {}).items(), key=lambda kv: int(kv[0])):
            if not doc.get("uid"):
                doc["uid"] = stable_uid(table, str(doc.get("key") or doc.get("id") or old_id))
            keys[(table, old_id)] = doc_key(doc["uid"])
            rekeyed[doc_key(doc["uid"])] = doc
        data[table] = dict(sorted(rekeyed.items()))
    txns: dict[int, int] = {}
    entries = sorted(data.get("history", {}).items(), key=lambda kv: int(kv[0]))
    for _old, entry in entries:
        txns.setdefault(entry["txn"], _old_txn_id(entry.get("at"), entry["txn"]))
    history: dict[str, Any] = {}
    seq: dict[int, int] = {}
    for _old, entry in entries:
        txn = txns[entry["txn"]]
        entry["txn"] = txn
        if "undoes" in entry and entry["undoes"] in txns:
            entry["undoes"] = txns[entry["undoes"]]
        table = entry.get("table", "")
        uid = entry.get("uid") or (entry.get("after") or entry.get("before") or {}).get("uid")
        old_doc = str(entry.get("doc", ""))
        if uid:
            entry["uid"] = uid
            entry["doc"] = doc_key(uid)
        elif (table, old_doc) in keys:
            entry["doc"] = keys[(table, old_doc)]
        n = seq.get(txn, 0)
        seq[txn] = n + 1
        history[history_key(txn, n)] = entry
    data["history"] = dict(sorted(history.items()))
    data.update(split("actions", data.get("actions", {})))
    meta = data["meta"]["1"]
    meta.pop("next_txn", None)
    meta["next"] = {t: n for t, n in meta.get("next", {}).items() if t in HANDLE_PREFIX}


def _owners(value: Any) -> Any:
    """`owner` as `owners`: a name as a list of one, none as an empty list."""
    if value is None or value == "":
        return []
    return [value] if isinstance(value, str) else value


def _renamed(doc: Any) -> Any:
    """An action record with `owner` replaced by `owners`, the fields in their order."""
    if not isinstance(doc, dict) or "owner" not in doc:
        return doc
    out = {
        ("owners" if k == "owner" else k): (_owners(v) if k == "owner" else v)
        for k, v in doc.items()
    }
    conflicts = out.get("conflicts")
    if isinstance(conflicts, dict) and "owner" in conflicts:
        clash = dict(conflicts["owner"])
        clash["values"] = [dict(v, value=_owners(v.get("value"))) for v in clash.get("values", [])]
        if "base" in clash:
            clash["base"] = _owners(clash["base"])
        out["conflicts"] = {("owners" if k == "owner" else k): v for k, v in conflicts.items()}
        out["conflicts"]["owners"] = clash
    return out


def _v3_to_v4(data: Data) -> None:
    actions = data.get("actions", {})
    for key in list(actions):
        actions[key] = _renamed(actions[key])
    for entry in data.get("history", {}).values():
        if entry.get("table") != "actions":
            continue
        for side in ("after", "before"):
            if side in entry:
                entry[side] = _renamed(entry[side])
        changes = entry.get("changes")
        if isinstance(changes, list):
            entry["changes"] = [
                {"field": "owners", "old": _owners(c.get("old")), "new": _owners(c.get("new"))}
                if isinstance(c, dict) and c.get("field") == "owner"
                else c
                for c in changes
            ]


MIGRATIONS: dict[int, Callable[[Data], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}


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
