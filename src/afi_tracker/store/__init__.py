"""The store: the file format, reads and atomic locked writes, migrations and history."""

from afi_tracker.store.store import Snapshot, Store, Transaction

__all__ = ["Snapshot", "Store", "Transaction"]
