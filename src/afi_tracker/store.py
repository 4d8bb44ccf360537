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
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb.storages import MemoryStorage, Storage

from .errors import NotFound, StoreCorrupt, StoreLocked, StoreMissing, StoreWriteFailed
from .model import HANDLE_PREFIX, SCHEMA_VERSION, Record, handle_for
from .storages import AtomicJSONStorage
from .validate import TABLES, problems

DEFAULT_PATH = "tracker.json"
LOCK_TIMEOUT = 10.0  # seconds; AFI_LOCK_TIMEOUT overrides


def default_path() -> Path:
    return Path(os.environ.get("AFI_DB") or DEFAULT_PATH)


def lock_timeout() -> float:
    try:
        return float(os.environ.get("AFI_LOCK_TIMEOUT") or LOCK_TIMEOUT)
    except ValueError:
        return LOCK_TIMEOUT


def empty_data() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = {name: {} for name in TABLES}
    data["meta"]["1"] = {"schema": SCHEMA_VERSION, "next": {}, "next_txn": 1}
    return data


def field_change(field: str, old: Any, new: Any) -> Record:
    """One field's change for the history.

    A list that only grew (notes, evidence, deadline revisions) records just the
    entries added: storing the whole list before and after on every note made
    the history grow with the square of the notes.
    """
    if isinstance(old, list) and isinstance(new, list) and len(new) > len(old) \
            and new[: len(old)] == old:
        return {"field": field, "added": new[len(old):]}
    return {"field": field, "old": old, "new": new}


class Snapshot:
    """The whole store as read at one moment; lookups by handle and key."""

    def __init__(self, data: dict[str, dict[str, Any]]) -> None:
        self.meta: Record = data["meta"]["1"]
        self.tables: dict[str, dict[int, Record]] = {
            name: {int(doc_id): doc for doc_id, doc in data.get(name, {}).items()}
            for name in TABLES[1:]
        }

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
    def history(self) -> list[Record]:
        return list(self.tables["history"].values())

    def report(self, key: str) -> Record:
        for report in self.tables["reports"].values():
            if report["key"] == key:
                return report
        raise NotFound(f'no report "{key}"', hint="run `afi reports` to see the report keys")

    def _by_handle(self, table: str, handle: str, noun: str, hint: str) -> tuple[int, Record]:
        prefix = HANDLE_PREFIX[table]
        text = handle.strip()
        number = text[1:] if text[:1].upper() == prefix else text
        if number.isdigit():
            doc = self.tables[table].get(int(number))
            if doc is not None:
                return int(number), doc
        raise NotFound(f'no {noun} "{handle}"', hint=hint)

    def item(self, handle: str) -> Record:
        return self._by_handle("items", handle, "item", "run `afi items` to see item handles")[1]

    def action(self, handle: str) -> Record:
        return self._by_handle("actions", handle, "action", "run `afi list` to see actions")[1]

    def items_of(self, report_key: str) -> list[Record]:
        return [i for i in self.tables["items"].values() if i["report"] == report_key]

    def actions_by_item(self) -> dict[str, list[Record]]:
        grouped: dict[str, list[Record]] = {}
        for action in self.tables["actions"].values():
            grouped.setdefault(action["item"], []).append(action)
        return grouped


class Transaction(Snapshot):
    """A snapshot that records each change, so a command commits or undoes as one unit."""

    def __init__(self, data: dict[str, dict[str, Any]], command: str, by: str) -> None:
        super().__init__(data)
        self.meta = dict(self.meta, next=dict(self.meta.get("next", {})))
        self.command = command
        self.by = by
        self.at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._entries: list[Record] = []

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
        self._log(table, doc_id, new, "update", changes=diff)
        return new

    def delete(self, table: str, record: Record) -> None:
        doc_id = self._doc_id(table, record)
        old = self.tables[table].pop(doc_id)
        self._log(table, doc_id, old, "delete", before=old)

    def restore(self, table: str, doc_id: int, record: Record) -> None:
        """Put back a deleted record under its old id (used by undo)."""
        self.tables[table][doc_id] = record
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

    def to_data(self) -> dict[str, dict[str, Any]]:
        history = self.tables["history"]
        for entry in self._entries:
            history[max(history, default=0) + 1] = entry
        self.meta["next_txn"] = int(self.meta.get("next_txn", 1)) + 1
        data: dict[str, dict[str, Any]] = {"meta": {"1": self.meta}}
        for name in TABLES[1:]:
            data[name] = {str(doc_id): doc for doc_id, doc in sorted(self.tables[name].items())}
        return data


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
        path = Path(path)
        if timeout is None:
            timeout = lock_timeout()
        return cls(AtomicJSONStorage(path), lock=_FileLock(path, timeout), label=str(path))

    @classmethod
    def in_memory(cls, data: dict[str, dict[str, Any]] | None = None) -> Store:
        storage = MemoryStorage()
        if data is not None:
            storage.write(data)
        return cls(storage, label="memory")

    def read_raw(self) -> Any:
        """The parsed file, not validated (for `afi check` and `afi doctor`)."""
        data = self.storage.read()
        if data is None:
            raise StoreMissing(
                f"no store at {self.label}",
                hint="run `afi import REPORT.txt` to create one, or pass --db PATH",
            )
        return data

    def _read(self) -> dict[str, dict[str, Any]] | None:
        data = self.storage.read()
        if data is None:
            return None
        # A file whose digest shows afi wrote it as it is needs no re-validation.
        found = [] if getattr(self.storage, "trusted", False) else problems(data)
        if found:
            more = f" (and {len(found) - 1} more problems)" if len(found) > 1 else ""
            raise StoreCorrupt(
                f"store {self.label} is not valid: {found[0]}{more}",
                hint="run `afi doctor` to list every problem; afi will not overwrite it",
            )
        from .migrations import migrate

        self._migrated_from = migrate(data)
        return data

    def load(self) -> Snapshot:
        """Read without the lock: writes replace the file whole, so a read is never torn."""
        data = self._read()
        if data is None:
            raise StoreMissing(
                f"no store at {self.label}",
                hint="run `afi import REPORT.txt` to create one, or pass --db PATH",
            )
        return Snapshot(data)

    @contextmanager
    def transaction(
        self, command: str, by: str, *, create: bool = False, dry_run: bool = False
    ) -> Iterator[Transaction]:
        """Read, let the caller change, and write once, all under the lock.

        If the caller raises, nothing is written; with dry_run, nothing ever is.
        """
        with (nullcontext() if dry_run else self._lock or nullcontext()):
            data = self._read()
            if data is None:
                if not create:
                    raise StoreMissing(
                        f"no store at {self.label}",
                        hint="run `afi import REPORT.txt` to create one, or pass --db PATH",
                    )
                data = empty_data()
            if not dry_run and hasattr(self.storage, "remove_stale_temps"):
                self.storage.remove_stale_temps()
            tx = Transaction(data, command, by)
            yield tx
            if tx.changed and not dry_run:
                self._keep_old_schema_copy()
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
    """filelock's FileLock, with its errors turned into afi's."""

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = Path(f"{path}.lock")
        self.timeout = timeout
        self._lock: Any = None

    def __enter__(self) -> None:
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
        if self._lock is not None:
            self._lock.release()
