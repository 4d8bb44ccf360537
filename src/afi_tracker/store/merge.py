"""A three-way merge of two stores, record by record and field by field.

Pure: bytes or parsed stores in, a merged store out; git plumbing lives in the
CLI. The rules (docs/collaboration.md):

- A record added, changed or deleted on one side only takes that side.
- Fields changed on one side only take that side; `updated` takes the later;
  lists that only grew (notes, evidence, deadline revisions) keep every
  entry either side added.
- A field both sides changed differently keeps both values as an open
  conflict in the record's `conflicts`; the field holds the later change
  until someone sets it again. A record deleted on one side and changed on
  the other is kept, with a `deleted` conflict.
- History is the union of both sides.
- Two records with one handle: the older keeps it, the other gets the next
  free number and remembers the old one in `former_ids`.

The result is the same whichever side is "ours", so two clones that merge
each other end with the same store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from afi_tracker.domain.model import HANDLE_PREFIX, SCHEMA_VERSION, Record, handle_for
from afi_tracker.domain.rules import handle_number
from afi_tracker.errors import StoreCorrupt
from afi_tracker.store.derived import DERIVED
from afi_tracker.store.layout import DETAILS, join, split
from afi_tracker.store.storage import Sections, dump_store, parse_store_bytes
from afi_tracker.store.validate import problems

Data = dict[str, dict[str, Any]]

_MISSING: Any = object()
_REF = "\x00"  # marks a reference turned into a uid while merging
# Fields that name an item by handle: merged by the item's uid.
_REFS = (("actions", "item"), ("measures", "item"), ("items", "cause"))
_LISTS = frozenset({"notes", "evidence", "due_history", "former_ids", "readings"})


class MergeRefused(StoreCorrupt):
    """The inputs cannot be merged as stores; nothing is written."""


@dataclass
class Conflict:
    handle: str
    field: str
    values: list[Any]


@dataclass
class Merged:
    data: Data
    conflicts: list[Conflict] = field(default_factory=list)
    renumbered: list[str] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    deleted: int = 0

    def to_bytes(self) -> bytes:
        return dump_store(self.data)


def read_store(raw: bytes, label: str) -> Data:
    """Parse and check one input; older schemas are migrated in memory."""
    trusted = _trusted(raw)
    if trusted is not None:
        return trusted
    data: Data = parse_store_bytes(raw, label)  # conflict markers are reported here
    found = problems(data, limit=1)
    if found:
        raise MergeRefused(
            f"{label} is not an afi store: {found[0]}", code="merge-not-a-store", path=label
        )
    version = data["meta"]["1"]["schema"]
    if version < SCHEMA_VERSION:
        from afi_tracker.store.migrations import migrate

        migrate(data)
        data["meta"]["1"]["migrated_from"] = version
    return data


def _trusted(raw: bytes) -> Data | None:
    """A store exactly as afi wrote it (every CRC matches): read fast, no re-validation.

    What git hands the driver is usually a committed file afi wrote.
    """
    sections = Sections.locate(raw)
    if sections is None or sections.meta.get("schema") != SCHEMA_VERSION or not sections.intact():
        return None
    data: Data = {"meta": {"1": dict(sections.meta)}}
    for name in sections.spans:
        table = sections.table(name)
        if table is None:
            return None
        data[name] = table
    return data


def merge_bytes(base: bytes | None, ours: bytes, theirs: bytes, labels: tuple[str, ...]) -> Merged:
    """Merge three files (or two, when `base` is None: every difference a conflict)."""
    import gc

    # Millions of small dicts and no cycles: the cyclic collector would only
    # rescan them (it took most of the time of a 10k-action merge).
    was_on = gc.isenabled()
    gc.disable()
    try:
        return _merge_bytes(base, ours, theirs, labels)
    finally:
        if was_on:
            gc.enable()


def _merge_bytes(base: bytes | None, ours: bytes, theirs: bytes, labels: tuple[str, ...]) -> Merged:
    base_label, ours_label, theirs_label = labels
    ours_data = read_store(ours, ours_label)
    theirs_data = read_store(theirs, theirs_label)
    v_ours = ours_data["meta"]["1"].pop("migrated_from", SCHEMA_VERSION)
    v_theirs = theirs_data["meta"]["1"].pop("migrated_from", SCHEMA_VERSION)
    # Schema 3 -> 4 only renames a field, the same way on every clone: a clone
    # that has migrated merges with one that has not. Before 3, records had no uid.
    if v_ours != v_theirs and min(v_ours, v_theirs) < 3:
        raise MergeRefused(
            f"cannot merge stores of different schema versions: {ours_label} is schema "
            f"{v_ours} and {theirs_label} is schema {v_theirs}",
            code="merge-schema-differs",
            hint="migrate both first: run any afi command that changes each, then merge",
        )
    base_data = None
    if base is not None:
        base_data = read_store(base, base_label)
        base_data["meta"]["1"].pop("migrated_from", None)
    return merge(base_data, ours_data, theirs_data)


def merge(base: Data | None, ours: Data, theirs: Data) -> Merged:
    sides = [_logical(d) for d in (base or _empty(), ours, theirs)]
    handles: dict[str, str] = {}
    for side in sides:
        handles.update(_refs_to_uids(side))
    two_way = base is None
    authors = [_authors(sides[0]["history"], s["history"]) for s in sides[1:]]
    out = Merged({})
    tables = [n for n in sides[1] if n not in ("meta", "history")] + [
        n for n in sides[2] if n not in sides[1] and n not in ("meta", "history")
    ]
    merged: Data = {}
    for name in tables:
        base_t, ours_t, theirs_t = (s.get(name, {}) for s in sides)
        merged[name] = _merge_table(base_t, ours_t, theirs_t, authors, two_way, out)
    history = {**sides[2]["history"], **sides[1]["history"]}
    merged["history"] = dict(sorted(history.items()))
    meta = dict(sides[1]["meta"]["1"])
    meta.pop("crc", None)
    meta.pop("len", None)
    counters: dict[str, int] = {}
    for side in sides:
        for table, number in side["meta"]["1"].get("next", {}).items():
            counters[table] = max(counters.get(table, 1), int(number))
    meta["schema"] = SCHEMA_VERSION
    meta["next"] = counters
    _renumber(merged, sides[0], counters, out)
    _uids_to_refs(merged, handles)
    data: Data = {"meta": {"1": meta}}
    for name, docs in merged.items():
        data.update(split(name, dict(sorted(docs.items()))))
    out.data = data
    return out


def _empty() -> Data:
    return {"meta": {"1": {"schema": SCHEMA_VERSION, "next": {}}}, "history": {}}


def _logical(data: Data) -> Data:
    """Tables with details joined back into their records; derived tables left
    out (the merged store's are rebuilt from its records when it is written)."""
    out: Data = {}
    for name, docs in data.items():
        if name in DETAILS.values() or name in DERIVED:
            continue
        out[name] = join(docs, data.get(DETAILS[name], {})) if name in DETAILS else dict(docs)
    out.setdefault("history", {})
    return out


def _refs_to_uids(data: Data) -> dict[str, str]:
    """Handles that point at items become uids, so a renumbering cannot misdirect them."""
    by_handle = {doc.get("id"): doc.get("uid") for doc in data.get("items", {}).values()}
    for table, ref in _REFS:
        for key, doc in list(data.get(table, {}).items()):
            handle = doc.get(ref)
            if isinstance(handle, str) and handle in by_handle:
                data[table][key] = dict(doc, **{ref: f"{_REF}{by_handle[handle]}"})
    return {uid: handle for handle, uid in by_handle.items() if uid and handle}


def _uids_to_refs(data: Data, fallback: dict[str, str]) -> None:
    by_uid = {doc.get("uid"): doc.get("id") for doc in data.get("items", {}).values()}

    def back(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(_REF):
            uid = value[len(_REF) :]
            return by_uid.get(uid) or fallback.get(uid, "")
        return value

    for table, ref in _REFS:
        for doc in data.get(table, {}).values():
            if ref in doc:
                doc[ref] = back(doc[ref])
            clash = doc.get("conflicts", {}).get(ref)
            if clash:
                for value in clash.get("values", []):
                    value["value"] = back(value.get("value"))
                if "base" in clash:
                    clash["base"] = back(clash["base"])


def _authors(base: dict[str, Record], side: dict[str, Record]) -> dict[tuple[str, str], Record]:
    """Who last changed each (uid, field) on a side since the base, and when."""
    found: dict[tuple[str, str], Record] = {}
    for key in sorted(side):
        if key in base:
            continue
        entry = side[key]
        who = {"by": entry.get("by", ""), "at": entry.get("at", "")}
        uid = entry.get("uid", "")
        if entry.get("op") == "update":
            for change in entry.get("changes", []):
                found[(uid, change.get("field", ""))] = who
        else:
            found[(uid, "@" + str(entry.get("op")))] = who
    return found


def _canon(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _merge_table(
    base: dict[str, Record],
    ours: dict[str, Record],
    theirs: dict[str, Record],
    authors: list[dict[tuple[str, str], Record]],
    two_way: bool,
    out: Merged,
) -> dict[str, Record]:
    result: dict[str, Record] = {}
    for key in sorted(set(base) | set(ours) | set(theirs)):
        b, o, t = base.get(key), ours.get(key), theirs.get(key)
        if o is None and t is None:
            continue
        if o is not None and t is not None:
            if o == t:
                result[key] = o
                continue
            out.changed += 1
            result[key] = _merge_fields(b or {}, o, t, authors, two_way, out)
            continue
        present, author, gone_author = (
            (o, authors[0], authors[1]) if o else (t, authors[1], authors[0])
        )
        assert present is not None
        if b is None:
            out.added += 1
            result[key] = present
        elif present == b:
            out.deleted += 1  # deleted on one side, untouched on the other
        else:
            # Deleted on one side, changed on the other: keep it, and say so.
            uid = present.get("uid", "")
            kept = dict(present)
            kept["conflicts"] = dict(present.get("conflicts") or {})
            kept["conflicts"]["deleted"] = {
                "values": [
                    {"value": "deleted", **gone_author.get((uid, "@delete"), {})},
                    {"value": "changed", **_last_change(author, uid)},
                ]
            }
            out.conflicts.append(Conflict(_handle(kept), "deleted", ["deleted", "changed"]))
            result[key] = kept
    return result


def _last_change(authors: dict[tuple[str, str], Record], uid: str) -> Record:
    found = [who for (u, _f), who in authors.items() if u == uid]
    return max(found, key=lambda w: w.get("at", ""), default={})


def _handle(doc: Record) -> str:
    return str(doc.get("id") or doc.get("key") or doc.get("uid", ""))


def _merge_fields(
    base: Record,
    ours: Record,
    theirs: Record,
    authors: list[dict[tuple[str, str], Record]],
    two_way: bool,
    out: Merged,
) -> Record:
    merged: Record = {}
    uid = ours.get("uid", "")
    conflicts: dict[str, Any] = {}
    names = list(ours) + [f for f in theirs if f not in ours]
    for name in names:
        if name == "conflicts":
            continue
        b = base.get(name, _MISSING)
        o = ours.get(name, _MISSING)
        t = theirs.get(name, _MISSING)
        if o == t:
            value = o
        elif o == b and not two_way:
            value = t
        elif t == b and not two_way:
            value = o
        elif name == "updated" and isinstance(o, str) and isinstance(t, str):
            value = max(o, t)
        elif name in _LISTS and _grew(b, o) and _grew(b, t):
            start = [] if b is _MISSING or b is None else list(b)
            added = o[len(start) :] + [x for x in t[len(start) :] if x not in o[len(start) :]]
            value = start + sorted(added, key=lambda x: (str(_at(x)), _canon(x)))
        else:
            values = [
                {"value": None if o is _MISSING else o, **authors[0].get((uid, name), {})},
                {"value": None if t is _MISSING else t, **authors[1].get((uid, name), {})},
            ]
            values.sort(key=lambda v: (str(v.get("at", "")), _canon(v)))
            conflicts[name] = {"values": values}
            if b is not _MISSING:
                conflicts[name]["base"] = b
            out.conflicts.append(Conflict(_handle(ours), name, [v["value"] for v in values]))
            value = values[-1]["value"]  # the later change, until someone decides
        if value is not _MISSING:
            merged[name] = value
    old = _merge_conflicts(base.get("conflicts"), ours.get("conflicts"), theirs.get("conflicts"))
    old.update(conflicts)
    if old:
        merged["conflicts"] = dict(sorted(old.items()))
    return merged


def _merge_conflicts(base: Any, ours: Any, theirs: Any) -> dict[str, Any]:
    """Open conflicts: one settled on either side (gone from it) stays settled."""
    base, ours, theirs = base or {}, ours or {}, theirs or {}
    merged: dict[str, Any] = {}
    for name in sorted(set(ours) | set(theirs)):
        in_o, in_t = name in ours, name in theirs
        if in_o and in_t:
            merged[name] = (
                ours[name] if _canon(ours[name]) <= _canon(theirs[name]) else theirs[name]
            )
        elif (in_o and name not in base) or (in_t and name not in base):
            merged[name] = ours.get(name) or theirs[name]
    return merged


def _grew(base: Any, value: Any) -> bool:
    start = [] if base is _MISSING or base is None else base
    return isinstance(start, list) and isinstance(value, list) and value[: len(start)] == start


def _at(entry: Any) -> Any:
    return entry.get("at", "") if isinstance(entry, dict) else ""


def _renumber(merged: Data, base: Data, counters: dict[str, int], out: Merged) -> None:
    """Give every record its own handle: the older keeps it, the other gets the next."""
    for table in HANDLE_PREFIX:
        docs = merged.get(table, {})
        holders: dict[str, list[str]] = {}
        for key, doc in docs.items():
            holders.setdefault(str(doc.get("id", "")).upper(), []).append(key)
        top = max((handle_number(str(d.get("id", ""))) for d in docs.values()), default=0)
        number = max(counters.get(table, 1), top + 1)
        for _held, keys in sorted(holders.items(), key=lambda kv: handle_number(kv[0])):
            if len(keys) < 2:
                continue
            in_base = base.get(table, {})
            keys.sort(key=lambda k: (k not in in_base, str(docs[k].get("created", "")), k))
            for key in keys[1:]:
                doc = docs[key]
                new = handle_for(table, number)
                number += 1
                docs[key] = dict(
                    doc, id=new, former_ids=[*doc.get("former_ids", []), doc.get("id")]
                )
                out.renumbered.append(f"{doc.get('id')} was renumbered {new} in a merge")
        counters[table] = number
