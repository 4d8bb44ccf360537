"""The store: one read per command, at most one atomic write, under a lock.

Store takes any TinyDB storage (AtomicJSONStorage for a file, MemoryStorage in
tests). Records are kept in TinyDB's file format (tables of documents keyed by
id) but read and written whole, not through TinyDB's Table API: that API reads
and rewrites the whole file for every insert or update, so a command that
changes three records would make three writes that another process could
interleave, and could not be undone as one unit.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

from tinydb.storages import MemoryStorage, Storage

from afi_tracker.domain import clock, counts
from afi_tracker.domain.counts import Counts
from afi_tracker.domain.model import (
    HANDLE_PREFIX,
    SCHEMA_VERSION,
    Action,
    HistoryEntry,
    Item,
    Measure,
    Record,
    Report,
    handle_for,
    new_key,
)
from afi_tracker.domain.rules import handle_number, reading_key
from afi_tracker.errors import NotFound, StoreCorrupt, StoreLocked, StoreMissing, StoreWriteFailed
from afi_tracker.store import derived
from afi_tracker.store.history import field_change
from afi_tracker.store.keys import doc_key, history_key, new_txn
from afi_tracker.store.layout import DETAILS, details_of, join, split
from afi_tracker.store.storage import AtomicJSONStorage, Sections, line_at, line_end
from afi_tracker.store.validate import TABLES, problems

LOCK_TIMEOUT = 10.0  # seconds; AFI_LOCK_TIMEOUT overrides
# Above this many changed records in a table, it is encoded whole rather than patched.
_PATCH_MAX = 1000
# Tables a write keeps in memory as read when it checks every table's CRC.
_KEPT = frozenset({"actions", *DETAILS.values()})
# A listing choosing more actions than this, and most of them, joins them all at once.
_JOIN_ALL_ABOVE = 1000

# Any record a transaction writes: typed by table where the caller knows it.
R = TypeVar("R", Report, Item, Action, Measure, Record)


def _plain(record: Any) -> Record:
    """A typed record as the generic dict it is: the store edits any table alike."""
    return cast(Record, record)


def lock_timeout() -> float:
    try:
        return float(os.environ.get("AFI_LOCK_TIMEOUT") or LOCK_TIMEOUT)
    except ValueError:
        return LOCK_TIMEOUT


def empty_data() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = {name: {} for name in TABLES}
    data["meta"]["1"] = {"schema": SCHEMA_VERSION, "next": {}}
    return data


class _Partial(dict[str, Record]):
    """A table of a file afi wrote (its CRC checked) whose records are parsed one
    at a time, as they are asked for by id: changing one action of 100k parses
    its two lines (hot fields and details), not the table and its details whole.

    Anything that needs every record (iterating, len, copy, ==) first reads the
    whole table, keeping this command's changes in place, so it is then the dict
    the whole table would have been: the same records in the same order (the
    file's, then records added, as a dict keeps them).
    """

    def __init__(
        self,
        lines: bytes,
        one: Callable[[str, int | None], Record | None],
        every: Callable[[], dict[str, Record]],
    ) -> None:
        super().__init__()
        self.lines = lines  # the hot table's bytes, CRC checked
        self._one = one
        self._every = every
        self.complete = False
        self.changed = False
        self._asked: set[str] = set()  # ids looked up in the file (found or not)
        self._gone: set[str] = set()  # deleted by this command
        self._added: set[str] = set()  # put back after a delete: placed last

    def _fetch(self, key: Any, at: int | None = None) -> None:
        if self.complete or not isinstance(key, str) or key in self._asked:
            return
        if dict.__contains__(self, key) or key in self._gone:
            return
        self._asked.add(key)
        record = self._one(key, at)
        if record is not None:
            dict.__setitem__(self, key, record)

    def whole(self) -> None:
        """Read every record, this command's changes kept."""
        if self.complete:
            return
        mine = dict(dict.items(self))
        out: dict[str, Record] = {}
        for key, record in self._every().items():
            if key not in self._gone and key not in self._added:
                out[key] = mine.get(key, record)
        for key, record in mine.items():
            if key not in out:
                out[key] = record
        dict.clear(self)
        dict.update(self, out)
        self.complete = True
        self._asked.clear()
        self._gone.clear()
        self._added.clear()

    def __missing__(self, key: str) -> Record:
        if not self.complete and key not in self._asked:
            self._fetch(key)
            if dict.__contains__(self, key):
                return dict.__getitem__(self, key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        self._fetch(key)
        return dict.__contains__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        self._fetch(key)
        return dict.get(self, key, default)

    def __setitem__(self, key: str, value: Record) -> None:
        self.changed = True
        if not self.complete and key in self._gone:
            self._gone.discard(key)
            self._added.add(key)
        # A record set without being looked up keeps its line if the file has it
        # (a change) or goes after the file's records (an addition): as a dict would.
        dict.__setitem__(self, key, value)

    def pop(self, key: str, *default: Any) -> Any:
        self._fetch(key)
        if dict.__contains__(self, key):
            self.changed = True
            if not self.complete:
                self._gone.add(key)
                self._added.discard(key)
            return dict.pop(self, key)
        if default:
            return default[0]
        raise KeyError(key)

    def __delitem__(self, key: str) -> None:
        self.pop(key)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self._fetch(key)
        if not dict.__contains__(self, key):
            self[key] = default
        return dict.__getitem__(self, key)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __iter__(self) -> Iterator[str]:
        self.whole()
        return dict.__iter__(self)

    def __reversed__(self) -> Iterator[str]:
        self.whole()
        return dict.__reversed__(self)

    def __len__(self) -> int:
        self.whole()
        return dict.__len__(self)

    def keys(self) -> Any:
        self.whole()
        return dict.keys(self)

    def values(self) -> Any:
        self.whole()
        return dict.values(self)

    def items(self) -> Any:
        self.whole()
        return dict.items(self)

    def copy(self) -> dict[str, Record]:
        self.whole()
        return dict(dict.items(self))

    def popitem(self) -> tuple[str, Record]:
        self.whole()
        self.changed = True
        return dict.popitem(self)

    def clear(self) -> None:
        dict.clear(self)
        self.changed = self.complete = True

    def __eq__(self, other: object) -> bool:
        self.whole()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        self.whole()
        return dict.__ne__(self, other)

    __hash__ = None

    def __or__(self, other: Any) -> Any:
        self.whole()
        return dict.__or__(self, other)

    def __ror__(self, other: Any) -> Any:
        self.whole()
        return dict.__ror__(self, other)

    def __ior__(self, other: Any) -> Any:
        self.update(other)
        return self

    def __repr__(self) -> str:
        self.whole()
        return dict.__repr__(self)

    def handle_keys(self, text: str) -> tuple[str | None, str | None] | None:
        """The id of the record whose handle is `text` (upper case), and of the
        one a merge renumbered away from it, found from the file's bytes (a scan,
        no parse) and this command's changes; None when only the whole table can
        say (an unusual handle, no record found, or more than one)."""
        if self.complete or not (
            text[:1].isascii() and text[:1].isalpha() and text[1:].isascii() and text[1:].isdigit()
        ):
            return None
        lines = self.lines
        places: dict[str, int | None] = dict.fromkeys(dict.keys(self))
        # afi writes handles in upper case: one spelled otherwise is found by the
        # whole table's index, as is a handle no record has.
        places.update(_line_keys(lines, b'"id":"%s"' % text.encode()))
        former = _line_keys(lines, b'"former_ids":')
        found = [key for key, at in places.items() if _handle_of(self, key, at) == text]
        moved = [
            key
            for key, at in {**dict.fromkeys(dict.keys(self)), **former}.items()
            if text in _former_of(self, key, at)
        ]
        if len(found) > 1 or len(moved) > 1 or not (found or moved):
            return None
        return (found[0] if found else None), (moved[0] if moved else None)

    def next_is_safe(self, number: int) -> bool:
        """No handle in the file's bytes (at any depth) numbers `number` or more,
        so no record's handle does: `meta.next` alone gives the next one. A scan
        for ids of as many digits or more, not a parse."""
        import re

        digits = len(str(number))
        pattern = re.compile(rb'"id":"(?![A-Za-z][0-9]{0,%d}")([^"]*)"' % (digits - 1))
        for match in pattern.finditer(self.lines):
            value = match.group(1)
            if not (value[:1].isalpha() and value[1:].isdigit()) or int(value[1:]) >= number:
                return False
        return all(
            handle_number(str(doc.get("id", ""))) < number
            for doc in dict.values(self)
            if isinstance(doc.get("id"), str)
        )


def _line_keys(lines: bytes, needle: bytes) -> dict[str, int | None]:
    """The ids of the lines holding `needle`, with where each line starts."""
    found: dict[str, int | None] = {}
    at = lines.find(needle)
    while at >= 0:
        start = lines.rfind(b"\n", 0, at) + 1
        found[lines[start + 1 : lines.index(b'"', start + 1)].decode()] = start
        at = lines.find(needle, at + len(needle))
    return found


def _handle_of(table: _Partial, key: str, at: int | None) -> str | None:
    table._fetch(key, at)
    doc = dict.get(table, key)
    return None if doc is None else str(doc.get("id", "")).upper()


def _former_of(table: _Partial, key: str, at: int | None) -> set[str]:
    table._fetch(key, at)
    doc = dict.get(table, key)
    return set() if doc is None else {str(old).upper() for old in doc.get("former_ids", ())}


class _Tables(dict[str, dict[str, Record]]):
    """Tables keyed by document id, each (from a file afi wrote) parsed only when
    first used: most commands never touch the history. A table with details
    (actions) is joined with them, so every record is whole. The tables with
    handles start as _Partial: a record is parsed when it is asked for by id."""

    def __init__(self, data: dict[str, dict[str, Any]]) -> None:
        super().__init__()
        self._data = data

    def _partial(self, name: str) -> _Partial | None:
        """The table read record by record, if it is in the file unparsed and as afi wrote it."""
        data = self._data
        if not isinstance(data, LazyData) or name not in HANDLE_PREFIX:
            return None
        sections = data.sections
        details = DETAILS.get(name)
        if name in data or name not in sections.spans or (details is not None and details in data):
            return None
        hot = sections.checked_content(name)
        cold = sections.checked_content(details) if details is not None else b""
        if hot is None or cold is None:
            return None  # edited: read and checked whole
        import orjson

        def one(key: str, at: int | None) -> Record | None:
            wanted = key.encode()
            if at is None:
                at, present = line_at(hot, wanted)
                if not present:
                    return None
            parsed: dict[str, Record] = orjson.loads(b"{%s}" % hot[at : line_end(hot, at)])
            record = parsed.get(key)
            if record is not None and cold:
                where, present = line_at(cold, wanted)
                if present:
                    record.update(orjson.loads(b"{%s}" % cold[where : line_end(cold, where)])[key])
            return record

        def every() -> dict[str, Record]:
            return self._whole(name)

        return _Partial(hot, one, every)

    def _whole(self, name: str) -> dict[str, Record]:
        if name in DETAILS:
            table = join(self._data.get(name, {}), self._data.get(DETAILS[name], {}))
            # The details now live in the whole records; keep no second copy.
            self._data.pop(DETAILS[name], None)
            return table
        return dict(self._data.get(name, {}))

    def in_memory(self, name: str) -> bool:
        """The table is parsed whole, or changed: read it from here, not the file."""
        table = dict.get(self, name)
        if isinstance(table, _Partial):
            return table.complete or table.changed
        return table is not None

    def __missing__(self, name: str) -> dict[str, Record]:
        partial = self._partial(name)
        if partial is not None:
            self[name] = partial
            return partial
        if name in DETAILS:
            table = join(self._data.get(name, {}), self._data.get(DETAILS[name], {}))
            # The details now live in the whole records; keep no second copy.
            self._data.pop(DETAILS[name], None)
        else:
            table = dict(self._data.get(name, {}))
        self[name] = table
        return table

    def details_of(self, name: str, keys: list[str]) -> dict[str, Record]:
        """The details of the records `keys` of `name`: their lines alone when the
        details table is still unparsed and as afi wrote it."""
        details = DETAILS[name]
        data = self._data
        if isinstance(data, LazyData) and details not in data and details in data.sections.spans:
            picked = data.sections.records(details, keys)
            if picked is not None:
                return picked
        table: dict[str, Record] = data.get(details, {})
        return {key: table[key] for key in keys if key in table}

    def hot(self, name: str) -> dict[str, Record]:
        """The table without its details (for actions: no notes, evidence or
        deadline revisions), parsing only its own part of the file."""
        if self.in_memory(name):
            return split(name, self[name])[name]
        table: dict[str, Record] = self._data.get(name, {})
        return table


class LazyData(dict[str, Any]):
    """A store's tables read from a Sections file on first use, CRC checked.

    A table whose CRC does not match (edited by hand, or merged line by line) is
    read strictly and validated on its own, in one pass (`edited` names it: a
    write must encode it anew, never copy it); only when that fails is the whole
    file parsed strictly, for the error to name the fault.
    """

    def __init__(self, sections: Sections, fallback: Callable[[], dict[str, Any] | None]) -> None:
        super().__init__(meta={"1": sections.meta})
        self.sections = sections
        self._fallback = fallback
        self.edited: set[str] = set()

    def __missing__(self, name: str) -> Any:
        table = self.sections.table(name)
        if table is None:
            table = self.checked(name)
        if table is None:
            # Not readable table by table: read the whole file strictly instead.
            full = self._fallback() or {}
            for key, value in full.items():
                if key != "meta":
                    self[key] = value
            return full.get(name, {})
        self[name] = table
        return table

    def checked(self, name: str) -> dict[str, Any] | None:
        """The edited table `name`, parsed strictly and valid, or None."""
        table = self.sections.checked_table(name)
        if table is None or problems({"meta": {"1": self.sections.meta}, name: table}):
            return None
        self.edited.add(name)
        self[name] = table
        return table

    def get(self, name: str, default: Any = None) -> Any:
        if name in self or name in self.sections.spans:
            return self[name]
        return default


def _by_number(table: dict[str, Record]) -> list[Record]:
    """Records in handle order (I1, I2, ... I10), as people number them.

    The file keeps them in uid order (a line never moves); listings keep the
    order of handles.
    """
    return sorted(table.values(), key=lambda doc: handle_number(doc.get("id", "")))


class Snapshot:
    """The whole store as read at one moment; lookups by handle and key."""

    def __init__(self, data: dict[str, dict[str, Any]]) -> None:
        self.meta: Record = data["meta"]["1"]
        self.tables: _Tables = _Tables(data)
        self._by_report: dict[str, list[Item]] | None = None
        self._reading: tuple[list[Item], dict[str, list[Item]]] | None = None
        self._handles: dict[str, dict[str, str]] = {}
        self._order: dict[str, list[Record]] = {}
        # Things the person running the command should know (a handle renumbered).
        self.notices: list[str] = []
        # A rewound snapshot (rewind()): its day, and the handles first recorded after it.
        self.recorded_by: date | None = None
        self.recorded_later: set[str] = set()
        self.rewind_note: str | None = None

    @property
    def reports(self) -> list[Report]:
        return cast(list[Report], list(self.tables["reports"].values()))

    def _ordered(self, table: str) -> list[Record]:
        # Sorted once per snapshot (a transaction's changes drop it).
        ordered = self._order.get(table)
        if ordered is None:
            ordered = self._order[table] = _by_number(self.tables[table])
        return list(ordered)

    @property
    def items(self) -> list[Item]:
        return cast(list[Item], self._ordered("items"))

    @property
    def actions(self) -> list[Action]:
        return cast(list[Action], self._ordered("actions"))

    @property
    def hot_actions(self) -> list[Action]:
        """Actions without notes, evidence and deadline revisions: status, check
        and list need only these, and read a fraction of the file for them."""
        return cast(list[Action], _by_number(self.tables.hot("actions")))

    @property
    def measures(self) -> list[Measure]:
        return cast(list[Measure], self._ordered("measures"))

    @property
    def history(self) -> list[HistoryEntry]:
        return cast(list[HistoryEntry], list(self.tables["history"].values()))

    def report(self, key: str) -> Report:
        for report in self.reports:
            if report["key"] == key:
                return report
        raise NotFound(f'no report "{key}"', code="unknown-report")

    def _handle_index(self, table: str) -> dict[str, str]:
        index = self._handles.get(table)
        if index is None:
            index = {}
            former: dict[str, str] = {}
            for key, doc in self.tables[table].items():
                index[str(doc.get("id", "")).upper()] = key
                for old in doc.get("former_ids", ()):
                    former.setdefault(str(old).upper(), key)
            for old, key in former.items():
                index.setdefault("~" + old, key)
            self._handles[table] = index
        return index

    def _by_handle(self, table: str, handle: str, noun: str) -> tuple[str, Record]:
        prefix = HANDLE_PREFIX[table]
        text = handle.strip().upper()
        if text.isdigit():
            text = prefix + text
        docs = self.tables[table]
        found = docs.handle_keys(text) if isinstance(docs, _Partial) else None
        if found is not None:
            key, moved = found
        else:
            index = self._handle_index(table)
            key = index.get(text)
            moved = index.get("~" + text)
        if moved is not None and moved != key:
            # Two clones both made this handle: the one a merge renumbered is
            # found by its new handle, and whoever types the old one is told.
            note = f"{text} was renumbered {self.tables[table][moved]['id']} in a merge"
            if note not in self.notices:
                self.notices.append(note)
            if key is None:
                key = moved
        if key is not None and key in self.tables[table]:
            return key, self.tables[table][key]
        if self.recorded_by is not None and text in self.recorded_later:
            day = self.recorded_by.isoformat()
            if self.rewind_note in self.notices:
                self.notices.remove(self.rewind_note)  # the error says it: one line
            raise NotFound(
                f"{noun} {text} was recorded after {day}", code="recorded-later", day=day
            )
        raise NotFound(f'no {noun} "{handle}"', code=f"unknown-{noun}")

    def item(self, handle: str) -> Item:
        return cast(Item, self._by_handle("items", handle, "item")[1])

    def action(self, handle: str) -> Action:
        return cast(Action, self._by_handle("actions", handle, "action")[1])

    def measure(self, handle: str) -> Measure:
        return cast(Measure, self._by_handle("measures", handle, "measure")[1])

    def text_of(self, report_key: str) -> list[Record]:
        """The report's own words, question by question ([] if imported before they were kept)."""
        for text in self.tables["texts"].values():
            if text["report"] == report_key:
                sections: list[Record] = text["sections"]
                return sections
        return []

    def sorted_reports(self, key: str | None = None) -> list[Report]:
        """Every report by key, or the one named (NotFound when it is not there)."""
        if key is not None:
            return [self.report(key)]
        return sorted(self.reports, key=lambda r: r["key"])

    def ordered_items(self, report_key: str | None = None) -> list[Item]:
        """Items in reading order: report key, then their place in the report.

        Sorted once per snapshot, then split by report: a pack or s55 paper asks
        for each report in turn, and a sort per report is quadratic in a store
        of hundreds of reports. Transactions drop the order on change. The
        table is parsed whole at once (hot): not first kept as checked bytes
        for lookups record by record that a sort of every item never makes.
        """
        if self._reading is None:
            reports = {r["key"]: i for i, r in enumerate(self.sorted_reports())}
            everything = sorted(
                cast(list[Item], self.tables.hot("items").values()),
                key=lambda i: (reports.get(i["report"], 0), *reading_key(i)),
            )
            by_report: dict[str, list[Item]] = {}
            for item in everything:
                by_report.setdefault(item["report"], []).append(item)
            self._reading = (everything, by_report)
        if report_key is None:
            return list(self._reading[0])
        return list(self._reading[1].get(report_key, []))

    def items_of(self, report_key: str) -> list[Item]:
        # One pass indexes every report: a scan per report is quadratic in a
        # store of hundreds of reports. Transactions drop the index on change.
        if self._by_report is None:
            self._by_report = {}
            for item in self.items:
                self._by_report.setdefault(item["report"], []).append(item)
        return list(self._by_report.get(report_key, []))

    def actions_where(
        self,
        wanted: Callable[[Action], bool] | None,
        needles: list[bytes] | None = None,
        detail: str | None = None,
    ) -> list[Action]:
        """The actions `wanted` accepts (judged on their hot fields; None: all of
        them, without a call per action), whole, in no set order. Only the
        chosen ones' details are read: a listing of one owner's actions parses
        neither 100k actions' notes nor joins them.

        `needles`: words (lower-case bytes) that the stored line of every action
        `wanted` accepts holds in some case (`owner_needles`); from a file afi
        wrote, only the lines holding them are parsed (Sections.matching).

        `detail`: the one cold field the caller reads (a listing: "evidence").
        When most of many actions are chosen, they then hold their hot fields and
        that one, and only the detail lines where it is not empty are parsed."""
        if self.tables.in_memory("actions"):  # already whole
            every = cast(list[Action], list(self.tables["actions"].values()))
            return every if wanted is None else [a for a in every if wanted(a)]
        data = self.tables._data
        hot: dict[str, Action] | None = None
        if needles and isinstance(data, LazyData) and "actions" not in data:
            if "actions" in data.sections.spans:
                hot = cast("dict[str, Action] | None", data.sections.matching("actions", needles))
        if hot is None:
            hot = cast(dict[str, Action], self.tables.hot("actions"))
        chosen = dict(hot) if wanted is None else {key: a for key, a in hot.items() if wanted(a)}
        many = len(chosen) > _JOIN_ALL_ABOVE and len(chosen) * 4 > len(hot)
        if many and "actions" in data and hot is data["actions"]:
            cold = DETAILS["actions"]
            having = None
            if detail is not None and isinstance(data, LazyData) and cold not in data:
                if cold in data.sections.spans:
                    having = data.sections.having(cold, detail)
            if having is not None:
                for key, value in having.items():
                    if key in chosen:
                        chosen[key] = cast(Action, {**chosen[key], detail: value})
                return list(chosen.values())
            # Most of many: every action whole (both tables parsed at once and
            # joined in place) costs less than looking a line up for each.
            whole = self.tables["actions"]  # (items(): a _Partial reads itself whole)
            return [cast(Action, a) for key, a in whole.items() if key in chosen]
        for key, extra in self.tables.details_of("actions", list(chosen)).items():
            chosen[key] = cast(Action, {**chosen[key], **extra})
        return list(chosen.values())

    def check_table(self, name: str) -> None:
        """Raise as reading table `name` would when it is damaged, without parsing
        it when its CRC shows afi wrote it: a listing that needs no item still
        refuses a store whose items were damaged."""
        data = self.tables._data
        if name in self.tables or name in data:
            return
        if isinstance(data, LazyData) and name in data.sections.spans:
            if data.sections.crc_ok(name):
                return
        self.tables[name]  # noqa: B018  (read: a damaged table raises StoreCorrupt)

    def hot_action_records(self) -> Iterable[Action]:
        """Actions without their details, in the order they were read (no set
        order): for rules that judge them (check), which then parse neither the
        details nor sort, and visit them in the order they lie in memory."""
        return cast(dict[str, Action], self.tables.hot("actions")).values()

    def item_counts(self, fields: tuple[str, ...]) -> dict[str, Counts]:
        """Each item's action counts (domain.counts) by item handle; items with
        no live action are absent.

        Read from the store's item_counts table when it is known to match the
        actions (store/derived.py): then no action is read at all. Otherwise
        counted from the actions' `fields` alone."""
        stored = self._stored_counts()
        if stored is not None:
            return stored
        return counts.by_item(self._hot_actions(fields))

    def _stored_counts(self) -> dict[str, Counts] | None:
        data = self.tables._data
        if self.tables.in_memory("actions") or not isinstance(data, LazyData):
            return None  # changed in this transaction, or not read from a file afi wrote
        sections = data.sections
        if "actions" not in sections.spans or not _counts_match(data):
            return None
        # Parsed already means checked already; otherwise check the bytes now.
        if "actions" not in data and not sections.crc_ok("actions"):
            return None
        table = sections.table(derived.COUNTS)
        return None if table is None else derived.by_handle(table)

    def _hot_actions(self, fields: tuple[str, ...]) -> Any:
        data = self.tables._data
        if not self.tables.in_memory("actions") and isinstance(data, LazyData):
            if "actions" not in data and "actions" in data.sections.spans:
                projected = data.sections.project("actions", fields)
                if projected is not None:
                    return projected
        return self.tables.hot("actions").values()

    def actions_by_item(self) -> dict[str, list[Action]]:
        grouped: dict[str, list[Action]] = {}
        for action in self.actions:
            grouped.setdefault(action["item"], []).append(action)
        return grouped


def _entry_key(entry: Record) -> str:
    """The document id a history entry is about: by uid (schema 3 keys records by it)."""
    uid = entry.get("uid")
    return doc_key(uid) if isinstance(uid, str) and uid else str(entry.get("doc", ""))


def rewind(snap: Snapshot, day: date) -> Snapshot:
    """The store as it was recorded by the end of `day` (UTC), from the history.

    Every change made after that day is reverted, newest first: records created
    later are absent, and statuses, owners, deadlines and sign-offs are as they
    were. When the history cannot say (it is empty, or starts after `day`, and
    some records have no creation in it, as in a store migrated from before
    history was kept), one notice says so: those records are shown as they were
    when the history began. When the history starts after `day` and holds every
    record's creation, the answer is empty and a notice says that nothing was
    recorded by then.
    """
    if day >= clock.now().date():
        # Nothing recorded so far is later than the end of today (UTC): the store
        # as it is, without parsing the history (most of a large store's bytes).
        return snap
    cutoff = day.isoformat()
    # Records are shared with `snap` and copied only when a later change is reverted.
    tables: dict[str, dict[str, Record]] = {
        name: dict(snap.tables[name])
        for name in TABLES[1:]
        if name != "history" and name not in DETAILS.values()
    }
    copied: set[tuple[str, str]] = set()
    entries = snap.tables["history"]
    order = sorted(entries)  # history ids are in time order
    kept: list[str] = []
    later: set[str] = set()
    for hid in reversed(order):
        entry = entries[hid]
        if str(entry.get("at", ""))[:10] <= cutoff:
            kept.append(hid)
            continue
        table = tables.setdefault(entry["table"], {})
        doc = _entry_key(entry)
        if entry["op"] == "create":
            gone = table.pop(doc, None)
            if gone is not None and gone.get("id"):
                later.add(str(gone["id"]).upper())
        elif entry["op"] == "delete":
            table[doc] = dict(entry["before"])
            copied.add((entry["table"], doc))
        elif entry["op"] == "update" and doc in table:
            if (entry["table"], doc) not in copied:
                table[doc] = dict(table[doc])
                copied.add((entry["table"], doc))
            record = table[doc]
            for change in entry.get("changes", []):
                if "added" in change:
                    value = record.get(change["field"]) or []
                    record[change["field"]] = value[: len(value) - len(change["added"])]
                else:
                    record[change["field"]] = change["old"]
    data: dict[str, dict[str, Any]] = {"meta": {"1": snap.meta}}
    data.update(tables)
    data["history"] = {hid: entries[hid] for hid in reversed(kept)}
    past = Snapshot(data)
    past.notices = snap.notices
    past.recorded_by = day
    past.recorded_later = later
    first = min((str(e.get("at", ""))[:10] for e in entries.values()), default=None)
    if first is None or first > cutoff:
        created = {(e["table"], _entry_key(e)) for e in entries.values() if e.get("op") == "create"}
        unknown = {
            name: sum(1 for doc_id in table if (name, doc_id) not in created)
            for name, table in tables.items()
        }
        note = _unknown_past(unknown, first, cutoff)
        past.rewind_note = note
        if note and note not in past.notices:
            past.notices.append(note)
    return past


# The records a person counts, in the order a note names them (a report's text is the report).
_COUNTED = (
    ("reports", "report"),
    ("items", "item"),
    ("actions", "action"),
    ("measures", "measure"),
)


def _unknown_past(unknown: dict[str, int], first: str | None, cutoff: str) -> str | None:
    """One line saying the history cannot tell what was recorded by `cutoff`, or None."""
    parts = [
        f"{unknown[table]} {noun}{'' if unknown[table] == 1 else 's'}"
        for table, noun in _COUNTED
        if unknown.get(table)
    ]
    if not parts:
        if first is None:
            return None
        # The history can say: nothing. Said, so that an empty answer is not taken
        # for a store that was empty (a plan adopted later has no earlier record).
        return (
            f"Note: nothing was recorded in this store by {cutoff}: its history starts on {first}"
        )
    counted = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    if first is None:
        return (
            f"Note: this store has no history, so it cannot say what was recorded by {cutoff}; "
            f"shown as they are now: {counted}"
        )
    return (
        f"Note: this store's history starts on {first}, so it cannot say what was recorded by "
        f"{cutoff}; shown as they were on {first}: {counted}"
    )


class Transaction(Snapshot):
    """A snapshot that records each change, so a command commits or undoes as one unit."""

    def __init__(self, data: dict[str, dict[str, Any]], command: str, by: str) -> None:
        super().__init__(data)
        self.meta = dict(self.meta, next=dict(self.meta.get("next", {})))
        self.command = command
        self.by = by
        self.at = clock.stamp()
        self.txn = new_txn()
        self._entries: list[HistoryEntry] = []
        self.dirty: set[str] = set()  # tables as stored: actions, action_details...
        self._next_safe: set[str] = set()  # tables whose counter is known to be above every handle

    @property
    def changed(self) -> bool:
        return bool(self._entries)

    @property
    def pending(self) -> list[HistoryEntry]:
        """History entries this transaction will append."""
        return list(self._entries)

    def _touch(self, table: str, fields: Any = None) -> None:
        """Mark what a change rewrites: the table, its details, or both."""
        self._by_report = None
        self._reading = None
        self._handles.pop(table, None)
        self._order.pop(table, None)
        details = details_of(table)
        if details is None or fields is None:
            self.dirty.add(table)
            if details is not None:
                self.dirty.add(details[0])
            return
        cold = details[1]
        if any(f not in cold for f in fields):
            self.dirty.add(table)
        if any(f in cold for f in fields):
            self.dirty.add(details[0])

    def _next_number(self, table: str) -> int:
        # Counters only go up, so a deleted record's handle is never given again;
        # a merge sets each to the larger of the two sides'. A table read record
        # by record is checked by a scan of its bytes that no handle is at or
        # above the counter (then the counter alone answers), once per command.
        number = int(self.meta["next"].get(table, 1))
        docs = self.tables[table]
        if table not in self._next_safe:
            if not (isinstance(docs, _Partial) and docs.next_is_safe(number)):
                existing = max(
                    (handle_number(doc.get("id", "")) for doc in docs.values()), default=0
                )
                number = max(number, existing + 1)
            self._next_safe.add(table)
        self.meta["next"][table] = number + 1
        return number

    def insert(self, table: str, typed: R) -> R:
        record = _plain(typed)
        if not record.get("uid"):
            record = dict(record, uid=new_key())
        key = doc_key(record["uid"])
        if table in HANDLE_PREFIX:
            record = dict(record, id=handle_for(table, self._next_number(table)))
        self.tables[table][key] = record
        self._touch(table)
        self._log(table, key, record, "create", after=record)
        return record  # type: ignore[return-value]

    def update(self, table: str, record: R, **changes: Any) -> R:
        key = self._key(table, _plain(record))
        old = self.tables[table][key]
        diff = [
            field_change(field, old.get(field), value)
            for field, value in changes.items()
            if old.get(field) != value
        ]
        conflicts = old.get("conflicts")
        if conflicts:
            # Setting a field again settles its merge conflict; any change to a
            # record that one side deleted keeps it.
            settled = {f: c for f, c in conflicts.items() if f not in changes and f != "deleted"}
            if settled != conflicts:
                changes = dict(changes, conflicts=settled or None)
                diff.append(field_change("conflicts", conflicts, settled or None))
        if not diff:
            return old  # type: ignore[return-value]
        new = dict(old, **changes)
        if new.get("conflicts") is None and "conflicts" in changes:
            del new["conflicts"]
        self.tables[table][key] = new
        self._touch(table, changes)
        self._log(table, key, new, "update", changes=diff)
        return new  # type: ignore[return-value]

    def delete(self, table: str, record: R) -> None:
        key = self._key(table, _plain(record))
        old = self.tables[table].pop(key)
        self._touch(table)
        self._log(table, key, old, "delete", before=old)

    def restore(self, table: str, key: str, record: Record) -> None:
        """Put back a deleted record under its old id (used by undo)."""
        self.tables[table][key] = record
        self._touch(table)
        self._log(table, key, record, "create", after=record)

    def _key(self, table: str, record: Record) -> str:
        uid = record.get("uid")
        if isinstance(uid, str) and uid:
            key = doc_key(uid)
            if key in self.tables[table]:
                return key
        for key, doc in self.tables[table].items():
            if doc is record:
                return key
        raise NotFound(f"record {record.get('id') or record.get('key')} vanished")

    def _log(self, table: str, key: str, record: Record, op: str, **detail: Any) -> None:
        entry: HistoryEntry = {
            "txn": self.txn,
            "at": self.at,
            "by": self.by,
            "command": self.command,
            "table": table,
            "doc": key,
            "op": op,
            "record": record.get("id") or record.get("key") or "",
            "uid": record.get("uid", ""),
        }
        entry.update(detail)  # type: ignore[typeddict-item]
        self._entries.append(entry)

    def note_undo(self, txn: int) -> None:
        for entry in self._entries:
            entry["undoes"] = txn

    def new_history(self) -> dict[str, HistoryEntry]:
        """This command's history entries under their ids (no counter to advance)."""
        return {history_key(self.txn, n): entry for n, entry in enumerate(self._entries)}

    def to_data(self) -> dict[str, dict[str, Any]]:
        self.tables["history"].update(_plain(self.new_history()))
        data: dict[str, dict[str, Any]] = {"meta": {"1": self.meta}}
        for name in TABLES[1:]:
            if name in DETAILS.values():
                continue
            data.update(split(name, dict(sorted(self.tables[name].items()))))
        for name, table in self.tables.items():
            if name not in data:  # a table this afi does not know: kept as it is
                data[name] = dict(sorted(table.items()))
        return data

    def changed_tables(self, names: set[str] | None = None) -> dict[str, dict[str, Any]]:
        """Each changed table (or each of `names`) whole, as stored: sorted by id,
        a table with details split from them (once for both)."""
        out: dict[str, dict[str, Any]] = {}
        parts: dict[str, dict[str, dict[str, Any]]] = {}
        for name in sorted(self.dirty if names is None else names):
            if name == "history":
                continue
            logical = next((t for t, d in DETAILS.items() if d == name), name)
            if logical not in parts:
                parts[logical] = split(logical, dict(sorted(self.tables[logical].items())))
            out[name] = parts[logical][name]
        return out

    def changed_records(self) -> dict[str, dict[str, Record | None]]:
        """The records this transaction changed, by stored table and id, as
        stored (hot fields apart from details); None where a record is gone."""
        out: dict[str, dict[str, Record | None]] = {}
        for entry in self._entries:
            logical, key = entry["table"], entry["doc"]
            record = self.tables[logical].get(key)
            parts = split(logical, {key: record} if record is not None else {})
            details = details_of(logical)
            for name in [logical] + ([details[0]] if details else []):
                if name in self.dirty and name != "history":
                    out.setdefault(name, {})[key] = parts.get(name, {}).get(key)
        return out


class Store:
    """A store over an injected TinyDB storage, with an optional inter-process lock."""

    def __init__(
        self,
        storage: Storage,
        *,
        lock: AbstractContextManager[Any] | None = None,
        label: str = "store",
    ) -> None:
        self.storage = storage
        self._lock = lock
        self.label = label
        self.notices: list[str] = []  # for the person running the command (migrations)
        self._migrated_from: int | None = None

    @classmethod
    def at(cls, path: str | os.PathLike[str], *, timeout: float | None = None) -> Store:
        """The store at `path`; a symlink is resolved here, once for the command.

        Reads, the lock and the replacement all use the link's target, so the
        link stays a link and users on either path lock against each other.
        Messages name the path as given.
        """
        given = Path(path)
        real = Path(os.path.realpath(given))
        if timeout is None:
            timeout = lock_timeout()
        return cls(AtomicJSONStorage(real), lock=_FileLock(real, timeout), label=str(given))

    @classmethod
    def in_memory(cls, data: dict[str, dict[str, Any]] | None = None) -> Store:
        storage = MemoryStorage()  # type: ignore[no-untyped-call,unused-ignore]  # TinyDB is untyped
        if data is not None:
            storage.write(data)
        return cls(storage, label="memory")

    def read_raw(self) -> Any:
        """The parsed file, not validated (for `afi check` and `afi doctor`)."""
        data = self.storage.read()
        if data is None:
            raise StoreMissing(
                f"no store at {self.label}",
                code="no-store",
            )
        return data

    def _sections(self, *, whole: bool = False) -> Sections | None:
        """The file laid out as afi writes it, in this schema, or None (an older
        or damaged file). Each table's CRC is checked as it is parsed; with
        `whole`, every table's CRC must match now."""
        if not hasattr(self.storage, "sections"):
            return None
        sections: Sections | None = self.storage.sections()
        if (
            sections is None
            or not isinstance(sections.meta.get("schema"), int)
            or sections.meta["schema"] != SCHEMA_VERSION
        ):
            return None
        if whole and not sections.intact():
            return None
        return sections

    def _read(self, *, whole: bool = False) -> dict[str, dict[str, Any]] | None:
        """The store's tables. A table exactly as afi wrote it needs no
        re-validation; an edited one is checked on its own (LazyData).

        With `whole` (a write, which copies untouched tables as bytes) every
        table's CRC is checked now, and each edited one read and checked.
        """
        sections = self._sections()
        if sections is None:
            return self._strict()
        data = LazyData(sections, self._strict)
        if whole:
            for name in sections.spans:
                # Actions and their details, which most writes look up and patch,
                # are kept as checked (read once, not again to look them up).
                kept = name in _KEPT and sections.checked_content(name) is not None
                if not kept and not sections.crc_ok(name) and data.checked(name) is None:
                    return self._strict()
        return data

    def _strict(self) -> dict[str, dict[str, Any]] | None:
        data = self.storage.read()
        if data is None:
            return None
        found = problems(data)
        if found:
            more = f" (and {len(found) - 1} more problems)" if len(found) > 1 else ""
            raise StoreCorrupt(
                f"store {self.label} is not valid: {found[0]}{more}",
                code="store-invalid",
            )
        from afi_tracker.store.migrations import migrate

        self._migrated_from = migrate(data)
        return data

    def load(self) -> Snapshot:
        """Read without the lock: writes replace the file whole, so a read is never torn."""
        data = self._read()
        if data is None:
            raise StoreMissing(
                f"no store at {self.label}",
                code="no-store",
            )
        snap = Snapshot(data)
        snap.notices = self.notices
        return snap

    @contextmanager
    def transaction(
        self, command: str, by: str, *, create: bool = False, dry_run: bool = False
    ) -> Iterator[Transaction]:
        """Read, let the caller change, and write once, all under the lock.

        If the caller raises, nothing is written; with dry_run, nothing ever is.
        """
        if not dry_run:
            path = getattr(self.storage, "path", None)
            if not create and isinstance(path, Path) and not path.exists():
                # Before the lock: a mistyped path must leave no lock file behind.
                raise StoreMissing(f"no store at {self.label}", code="no-store")
            if hasattr(self.storage, "check_writable"):
                self.storage.check_writable(self.label)
        with nullcontext() if dry_run else self._lock or nullcontext():
            data = self._read(whole=True)
            if data is None:
                if not create:
                    raise StoreMissing(
                        f"no store at {self.label}",
                        code="no-store",
                    )
                data = empty_data()
            if not dry_run and hasattr(self.storage, "remove_stale_temps"):
                self.storage.remove_stale_temps()
            tx = Transaction(data, command, by)
            tx.notices = self.notices
            edited = data.edited if isinstance(data, LazyData) else set()
            tx.dirty |= edited - {"history"}  # written anew, with their CRCs
            yield tx
            if tx.changed and not dry_run:
                self._keep_old_schema_copy()
                if isinstance(data, LazyData):
                    # Edited tables and large changes are encoded whole; a few
                    # changed records are patched into their table's old bytes.
                    patches = tx.changed_records()
                    whole = set(edited) | {n for n, c in patches.items() if len(c) > _PATCH_MAX}
                    tables = tx.changed_tables(whole & tx.dirty)
                    if "history" in edited:
                        tables["history"] = dict(sorted(tx.tables["history"].items()))
                    stamps = _recount(tx, data, patches, tables)
                    self.storage.write_changes(  # type: ignore[attr-defined]
                        tx.meta,
                        tables,
                        tx.new_history(),
                        data.sections,
                        patches={n: c for n, c in patches.items() if n not in tables},
                        whole=lambda name: _whole(tx, name),
                        stamps=stamps,
                    )
                else:
                    self.storage.write(tx.to_data())

    def _keep_old_schema_copy(self) -> None:
        old = self._migrated_from
        if old is None or not hasattr(self.storage, "backup"):
            return
        kept = self.storage.backup(f".bak-v{old}")
        self.notices.append(
            f"Migrated {self.label} from schema {old} to {SCHEMA_VERSION}; "
            f"the old file is kept as {kept}"
        )


def _whole(tx: Transaction, name: str) -> dict[str, Any]:
    if name == derived.COUNTS:
        # The whole records hold the counted (hot) fields: no need to split them.
        return derived.table_of(cast(dict[str, Action], tx.tables["actions"]).values())
    return tx.changed_tables({name})[name]


def _counts_match(data: LazyData) -> bool:
    """The file's item_counts were made from its actions as afi wrote them (the
    actions' bytes still have to pass their own CRC to be those)."""
    sections = data.sections
    meta = sections.meta
    return (
        derived.COUNTS in sections.spans
        and not {"actions", derived.COUNTS} & data.edited
        and meta.get(derived.COUNTS_OF) == meta["crc"].get("actions")
    )


def _recount(
    tx: Transaction,
    data: LazyData,
    patches: dict[str, dict[str, Record | None]],
    tables: dict[str, dict[str, Any]],
) -> dict[str, str] | None:
    """Keep item_counts matching the actions this write leaves (store/derived.py):
    adjust the lines of the items whose actions changed, or, when the stored
    counts did not match the actions read, rebuild them. Adds the change to
    `patches` or `tables`; returns the meta field to stamp with the CRC of the
    actions written, or None when no action's counted fields changed."""
    changed = patches.get("actions")
    if changed is None and "actions" not in tables:
        return None  # no hot field of any action changed: the counts still match (or not)
    sections = data.sections
    if changed is not None and _counts_match(data):
        before = sections.records("actions", list(changed))
        touched = {
            derived.key_of(a.get("item"))
            for a in [*(before or {}).values(), *(a for a in changed.values() if a)]
        }
        stored = sections.records(derived.COUNTS, sorted(k for k in touched if k))
        if before is not None and stored is not None:
            after = [cast(Action, a) for a in changed.values() if a is not None]
            patches[derived.COUNTS] = cast(
                dict[str, Record | None],
                derived.adjusted(stored, cast(list[Action], list(before.values())), after),
            )
            return {derived.COUNTS_OF: "actions"}
    tables[derived.COUNTS] = _whole(tx, derived.COUNTS)
    return {derived.COUNTS_OF: "actions"}


class _FileLock:
    """An exclusive flock(2) on `<store>.lock` (filelock's FileLock where flock
    is missing), with its errors turned into afi's.

    The lock file is created with the store's mode and group, so anyone who may
    write the store may take its lock; a lock file this command created is
    removed again if the command leaves no store beside it.
    """

    def __init__(self, path: Path, timeout: float) -> None:
        self.store = path
        self.path = Path(f"{path}.lock")
        self.timeout = timeout
        self._lock: Any = None
        self._fd: int | None = None  # the lock file, flock(2)ed by _flock
        self._created = False

    def _create(self) -> None:
        try:
            st = self.store.stat()
            mode, gid = st.st_mode & 0o666, st.st_gid
        except OSError:
            return  # a new store: filelock creates the lock under the umask
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, mode)
        except OSError:
            return  # it exists (or cannot be made: filelock reports that)
        self._created = True
        try:
            try:
                os.fchown(fd, -1, gid)
            except OSError:
                pass
            os.fchmod(fd, mode)  # the umask must not narrow it
        finally:
            os.close(fd)

    def _flock(self) -> bool:
        """Take the lock with flock(2) itself, as filelock does on Unix (so the
        two exclude each other), without importing filelock: 30 ms of every
        write. False where flock is missing (Windows, some network file
        systems): filelock then takes it, with its fallbacks."""
        try:
            import fcntl
        except ImportError:
            return False
        import errno
        import time

        deadline = None if self.timeout < 0 else time.monotonic() + self.timeout
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as exc:
                raise StoreWriteFailed(
                    f"cannot create lock file {self.path}: {exc.strerror or exc}",
                    hint="check that the store's folder exists and is writable",
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                os.close(fd)
                if exc.errno == errno.ENOSYS:
                    return False
                if exc.errno not in (errno.EACCES, errno.EAGAIN, errno.EWOULDBLOCK):
                    raise StoreWriteFailed(
                        f"cannot lock {self.path}: {exc.strerror or exc}",
                        hint="check that the store's folder exists and is writable",
                    ) from None
                if deadline is not None and time.monotonic() >= deadline:
                    raise StoreLocked(
                        f"store is locked by another afi process (lock file {self.path})",
                        hint=f"waited {self.timeout:g}s; retry when the other command has finished",
                    ) from None
                time.sleep(0.005)  # as filelock polled for us (its default 50 ms idled the store)
                continue
            try:
                # A lock on a file removed meanwhile (a failed first import
                # cleaning up) locks nothing: take the one now at the path.
                held = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except OSError:
                held = False
            if held:
                self._fd = fd
                return True
            os.close(fd)

    def __enter__(self) -> None:
        if not self.path.parent.is_dir():
            # filelock would create the folder: a mistyped --db must not leave one behind.
            raise StoreMissing(
                f"no store at {str(self.path)[: -len('.lock')]}: folder {self.path.parent} "
                "does not exist",
                code="store-folder-missing",
            )
        self._created = not self.path.exists()
        self._create()
        if self._flock():
            return
        from filelock import FileLock, Timeout

        self._lock = FileLock(str(self.path), timeout=self.timeout)
        try:
            # filelock polls; its default 50 ms between tries left the store idle
            # between writers for most of each hand-over.
            self._lock.acquire(poll_interval=0.005)
        except Timeout:
            raise StoreLocked(
                f"store is locked by another afi process (lock file {self.path})",
                hint=f"waited {self.timeout:g}s; retry when the other command has finished",
            ) from None
        except OSError as exc:
            raise StoreWriteFailed(
                f"cannot create lock file {self.path}: {exc.strerror or exc}",
                hint="check that the store's folder exists and is writable",
            ) from None

    def __exit__(self, *exc: object) -> None:
        if self._lock is None and self._fd is None:
            return
        if self._created and not self.store.exists():
            # No store came of it (a failed first import): leave nothing behind.
            try:
                self.path.unlink()
            except OSError:
                pass
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the only descriptor releases the flock
            return
        self._lock.release()
