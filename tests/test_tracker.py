"""The library's front door (api/tracker.py): reads and writes through one Tracker."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from afi_tracker.api.tracker import Tracker
from afi_tracker.errors import InvalidValue
from afi_tracker.store.store import Store
from tests.conftest import on


def test_snapshot_reads_now_or_as_recorded_by_a_day(db: Path) -> None:
    with on("2025-03-01"):
        Tracker(Store.at(db), by="alice", command="afi add").add(
            "I1", "Review training", "Alice", None
        )
    with on("2025-04-01"):
        Tracker(Store.at(db), by="bob", command="afi done").move("A1", "done")
    reader = Tracker(Store.at(db))
    assert reader.snapshot().action("A1")["status"] == "done"
    assert reader.snapshot(date(2025, 3, 15)).action("A1")["status"] == "planned"
    assert [a["id"] for a in reader.snapshot(date(2025, 2, 1)).actions] == []


def test_a_change_without_a_name_is_refused_and_writes_nothing(db: Path) -> None:
    before = db.read_bytes()
    with pytest.raises(InvalidValue, match="who is making this change is not known"):
        Tracker(Store.at(db)).add("I1", "Review training", "Alice", None)
    assert db.read_bytes() == before
