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
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tinydb.storages import MemoryStorage, Storage

from afi_tracker.domain.model import HANDLE_PREFIX, SCHEMA_VERSION, Record, handle_for
from afi_tracker.domain.rules import handle_number
from afi_tracker.errors import NotFound, StoreCorrupt, StoreLocked, StoreMissing, StoreWriteFailed
from afi_tracker.store.history import field_change
from afi_tracker.store.storage import AtomicJSONStorage, Sections
from afi_tracker.store.validate import TABLES, problems

LOCK_TIMEOUT = 10.0  # seconds; AFI_LOCK_TIMEOUT overrides


def lock_timeout() -> float:
    try:
        return float(os.environ.get("AFI_LOCK_TIMEOUT") or LOCK_TIMEOUT)
    except ValueError:
        return LOCK_TIMEOUT


def empty_data() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = {name: {} for name in TABLES}
    data["meta"]["1"] = {"schema": SCHEMA_VERSION, "next": {}, "next_txn": 1}
    return data


class _Tables(dict[str, dict[int, Record]]):
    """Tables keyed by whole-number id, each converted (and, from a file afi
    wrote, parsed) only when first used: most commands never touch the history."""

    def __init__(self, data: dict[str, dict[str, Any]]) -> None:
        super().__init__()
        self._data = data

    def __missing__(self, name: str) -> dict[int, Record]:
        table = {int(doc_id): doc for doc_id, doc in self._data.get(name, {}).items()}
        self[name] = table
        return table


class LazyData(dict[str, Any]):
    """A store's tables read from a Sections file on first use, CRC checked."""

    def __init__(self, sections: Sections, fallback: Callable[[], dict[str, Any] | None]) -> None:
        super().__init__(meta={"1": sections.meta})
        self.sections = sections
        self._fallback = fallback

    def __missing__(self, name: str) -> Any:
        table = self.sections.table(name)
        if table is None:
            # Edited since afi wrote it: read the whole file strictly instead.
            full = self._fallback() or {}
            for key, value in full.items():
                if key != "meta":
                    self[key] = value
            return full.get(name, {})
        self[name] = table
        return table

    def get(self, name: str, default: Any = None) -> Any:
        if name in self or name in self.sections.spans:
            return self[name]
        return default


class Snapshot:
    """The whole store as read at one moment; lookups by handle and key."""

    def __init__(self, data: dict[str, dict[str, Any]]) -> None:
        self.meta: Record = data["meta"]["1"]
        self.tables: dict[str, dict[int, Record]] = _Tables(data)
        self._by_report: dict[str, list[Record]] | None = None

    @property
    def reports(self) -> list[Record]:
        return list(self.tables["reports"].values())

    @property
    def items(self) -> list[Record]:
        return list(self.tables["items"].values())

    @property
    def actions(self) -> list[Record]:
        return list(self.tables["actions"].values())

    @property
    def measures(self) -> list[Record]:
        return list(self.tables["measures"].values())

    @property
    def history(self) -> list[Record]:
        return list(self.tables["history"].values())

    def report(self, key: str) -> Record:
        for report in self.tables["reports"].values():
            if report["key"] == key:
                return report
        raise NotFound(f'no report "{key}"', code="unknown-report")

    def _by_handle(self, table: str, handle: str, noun: str) -> tuple[int, Record]:
        prefix = HANDLE_PREFIX[table]
        text = handle.strip()
        number = text[1:] if text[:1].upper() == prefix else text
        if number.isdigit():
            doc = self.tables[table].get(int(number))
            if doc is not None:
                return int(number), doc
        raise NotFound(f'no {noun} "{handle}"', code=f"unknown-{noun}")

    def item(self, handle: str) -> Record:
        return self._by_handle("items", handle, "item")[1]

    def action(self, handle: str) -> Record:
        return self._by_handle("actions", handle, "action")[1]

    def measure(self, handle: str) -> Record:
        return self._by_handle("measures", handle, "measure")[1]

    def text_of(self, report_key: str) -> list[Record]:
        """The report's own words, question by question ([] if imported before they were kept)."""
        for text in self.tables["texts"].values():
            if text["report"] == report_key:
                sections: list[Record] = text["sections"]
                return sections
        return []

    def sorted_reports(self, key: str | None = None) -> list[Record]:
        """Every report by key, or the one named (NotFound when it is not there)."""
        if key is not None:
            return [self.report(key)]
        return sorted(self.reports, key=lambda r: r["key"])

    def ordered_items(self, report_key: str | None = None) -> list[Record]:
        """Items in reading order: report key, then their place in the report."""
        reports = {r["key"]: i for i, r in enumerate(self.sorted_reports())}
        chosen = self.items if report_key is None else self.items_of(report_key)
        return sorted(
            chosen,
            key=lambda i: (
                reports.get(i["report"], 0),
                i.get("position", 0),
                handle_number(i["id"]),
            ),
        )

    def items_of(self, report_key: str) -> list[Record]:
        # One pass indexes every report: a scan per report is quadratic in a
        # store of hundreds of reports. Transactions drop the index on change.
        if self._by_report is None:
            self._by_report = {}
            for item in self.tables["items"].values():
                self._by_report.setdefault(item["report"], []).append(item)
        return list(self._by_report.get(report_key, []))

    def actions_by_item(self) -> dict[str, list[Record]]:
        grouped: dict[str, list[Record]] = {}
        for action in self.tables["actions"].values():
            grouped.setdefault(action["item"], []).append(action)
        return grouped


def rewind(snap: Snapshot, day: date) -> tuple[Snapshot, str | None]:
    """The store as it was recorded by the end of `day` (UTC), from the history.

    Every change made after that day is reverted, newest first: records created
    later are absent, and statuses, owners, deadlines and sign-offs are as they
    were. Returns the past snapshot and, when the history cannot say (it starts
    after `day` and some records have no creation in it, as in a store migrated
    from before history was kept), a note saying so: those records are shown
    as the history first knew them.
    """
    cutoff = day.isoformat()
    tables: dict[str, dict[int, Record]] = {
        name: {doc_id: dict(doc) for doc_id, doc in snap.tables[name].items()}
        for name in TABLES[1:]
        if name != "history"
    }
    history = sorted(snap.tables["history"].items())
    created = {(e["table"], int(e["doc"])) for _, e in history if e.get("op") == "create"}
    kept: dict[int, Record] = {}
    for hid, entry in reversed(history):
        if str(entry.get("at", ""))[:10] <= cutoff:
            kept[hid] = entry
            continue
        table = tables.setdefault(entry["table"], {})
        doc = int(entry["doc"])
        if entry["op"] == "create":
            table.pop(doc, None)
        elif entry["op"] == "delete":
            table[doc] = dict(entry["before"])
        elif entry["op"] == "update" and doc in table:
            record = table[doc]
            for change in entry.get("changes", []):
                if "added" in change:
                    value = record.get(change["field"]) or []
                    record[change["field"]] = value[: len(value) - len(change["added"])]
                else:
                    record[change["field"]] = change["old"]
    note = None
    first = min((str(e.get("at", ""))[:10] for _, e in history), default=None)
    unknown = [
        (name, doc_id)
        for name, table in tables.items()
        for doc_id in table
        if (name, doc_id) not in created
    ]
    if unknown and (first is None or first > cutoff):
        since = f"starts on {first}" if first else "is empty"
        note = (
            f"Note: the history of this store {since}; it cannot say what was recorded by "
            f"{cutoff}: {len(unknown)} records are shown as the history first knew them"
        )
    data: dict[str, dict[str, Any]] = {"meta": {"1": snap.meta}}
    for name, table in tables.items():
        data[name] = {str(doc_id): doc for doc_id, doc in sorted(table.items())}
    data["history"] = {str(hid): entry for hid, entry in sorted(kept.items())}
    return Snapshot(data), note


class Transaction(Snapshot):
    """A snapshot that records each change, so a command commits or undoes as one unit."""

    def __init__(self, data: dict[str, dict[str, Any]], command: str, by: str) -> None:
        super().__init__(data)
        self.meta = dict(self.meta, next=dict(self.meta.get("next", {})))
        self.command = command
        self.by = by
        self.at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._entries: list[Record] = []
        self.dirty: set[str] = set()

    @property
    def changed(self) -> bool:
        return bool(self._entries)

    @property
    def pending(self) -> list[Record]:
        """History entries this transaction will append."""
        return list(self._entries)

    def _next_id(self, table: str) -> int:
        # Counters only go up, so a deleted record's handle is never given again.
        existing = max(self.tables[table], default=0)
        number = max(int(self.meta["next"].get(table, 1)), existing + 1)
        self.meta["next"][table] = number + 1
        return number

    def insert(self, table: str, record: Record) -> Record:
        doc_id = self._next_id(table)
        if table in HANDLE_PREFIX:
            record = dict(record, id=handle_for(table, doc_id))
        self.tables[table][doc_id] = record
        self.dirty.add(table)
        self._by_report = None
        self._log(table, doc_id, record, "create", after=record)
        return record

    def update(self, table: str, record: Record, **changes: Any) -> Record:
        doc_id = self._doc_id(table, record)
        old = self.tables[table][doc_id]
        diff = [
            field_change(field, old.get(field), value)
            for field, value in changes.items()
            if old.get(field) != value
        ]
        if not diff:
            return old
        new = dict(old, **changes)
        self.tables[table][doc_id] = new
        self.dirty.add(table)
        self._by_report = None
        self._log(table, doc_id, new, "update", changes=diff)
        return new

    def delete(self, table: str, record: Record) -> None:
        doc_id = self._doc_id(table, record)
        old = self.tables[table].pop(doc_id)
        self.dirty.add(table)
        self._by_report = None
        self._log(table, doc_id, old, "delete", before=old)

    def restore(self, table: str, doc_id: int, record: Record) -> None:
        """Put back a deleted record under its old id (used by undo)."""
        self.tables[table][doc_id] = record
        self.dirty.add(table)
        self._by_report = None
        self._log(table, doc_id, record, "create", after=record)

    def _doc_id(self, table: str, record: Record) -> int:
        handle = record.get("id")
        if table in HANDLE_PREFIX and isinstance(handle, str) and handle[1:].isdigit():
            doc_id = int(handle[1:])
            if doc_id in self.tables[table]:
                return doc_id
        for doc_id, doc in self.tables[table].items():
            if doc is record or (doc.get("uid") and doc.get("uid") == record.get("uid")):
                return doc_id
        raise NotFound(f"record {record.get('id') or record.get('key')} vanished")

    def _log(self, table: str, doc_id: int, record: Record, op: str, **detail: Any) -> None:
        entry: Record = {
            "txn": int(self.meta.get("next_txn", 1)),
            "at": self.at,
            "by": self.by,
            "command": self.command,
            "table": table,
            "doc": doc_id,
            "op": op,
            "record": record.get("id") or record.get("key") or "",
            "uid": record.get("uid", ""),
        }
        entry.update(detail)
        self._entries.append(entry)

    def note_undo(self, txn: int) -> None:
        for entry in self._entries:
            entry["undoes"] = txn

    def new_history(self) -> dict[int, Record]:
        """This command's history entries under their ids; advances the counters."""
        nxt = self.meta["next"].get("history")
        if nxt is None:  # stores written before the counter was kept
            nxt = max(self.tables["history"], default=0) + 1
        entries = {nxt + n: entry for n, entry in enumerate(self._entries)}
        self.meta["next"]["history"] = nxt + len(entries)
        self.meta["next_txn"] = int(self.meta.get("next_txn", 1)) + 1
        return entries

    def to_data(self) -> dict[str, dict[str, Any]]:
        self.tables["history"].update(self.new_history())
        data: dict[str, dict[str, Any]] = {"meta": {"1": self.meta}}
        for name in TABLES[1:]:
            data[name] = {str(doc_id): doc for doc_id, doc in sorted(self.tables[name].items())}
        return data

    def changed_tables(self) -> dict[str, dict[str, Any]]:
        return {
            name: {str(doc_id): doc for doc_id, doc in sorted(self.tables[name].items())}
            for name in self.dirty
            if name != "history"
        }


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

    def _sections(self, *, whole: bool) -> Sections | None:
        """The file as afi wrote it, or None (an older, edited or damaged file).

        With `whole`, every table's CRC must match (a write copies tables as
        bytes, so it must not copy an edited one); otherwise each table is
        checked as it is parsed.
        """
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
        sections = self._sections(whole=whole)
        if sections is not None:
            # A file exactly as afi wrote it needs no re-validation.
            return LazyData(sections, self._strict)
        return self._strict()

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
        return Snapshot(data)

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
            yield tx
            if tx.changed and not dry_run:
                self._keep_old_schema_copy()
                if isinstance(data, LazyData):
                    self.storage.write_changes(  # type: ignore[attr-defined]
                        tx.meta, tx.changed_tables(), tx.new_history(), data.sections
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


class _FileLock:
    """filelock's FileLock, with its errors turned into afi's.

    The lock file is created with the store's mode and group, so anyone who may
    write the store may take its lock; a lock file this command created is
    removed again if the command leaves no store beside it.
    """

    def __init__(self, path: Path, timeout: float) -> None:
        self.store = path
        self.path = Path(f"{path}.lock")
        self.timeout = timeout
        self._lock: Any = None
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

    def __enter__(self) -> None:
        from filelock import FileLock, Timeout

        if not self.path.parent.is_dir():
            # filelock would create the folder: a mistyped --db must not leave one behind.
            raise StoreMissing(
                f"no store at {str(self.path)[: -len('.lock')]}: folder {self.path.parent} "
                "does not exist",
                code="store-folder-missing",
            )
        self._created = not self.path.exists()
        self._create()
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
        if self._lock is None:
            return
        if self._created and not self.store.exists():
            # No store came of it (a failed first import): leave nothing behind.
            try:
                self.path.unlink()
            except OSError:
                pass
        self._lock.release()
