"""What `afi check` reads: the hot actions, and details only where a rule needs them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from afi_tracker.api.tracker import Tracker
from afi_tracker.store.store import Store


def tracker(db: Path) -> Tracker:
    return Tracker(Store.at(db), by="tester", command="test", today=date(2025, 1, 6))


def test_check_reads_details_only_for_the_actions_of_items_being_closed(db: Path, monkeypatch):
    from afi_tracker.reports.check import Options, evaluate
    from afi_tracker.store.storage import Sections

    tracker(db).add("I1", "still open", "Insp A", "31/03/2025", note="kept in the details table")
    tracker(db).add("I2", "finished", "Insp B", None)
    tracker(db).move("A2", "done", evidence=["minutes.pdf"])
    tracker(db).close_item("I2", ["audit.pdf"])
    key = {a["id"]: k for k, a in json.loads(db.read_text())["actions"].items()}
    parsed: list[str] = []
    asked: list[tuple[str, list[str]]] = []
    whole_table, some_records = Sections.table, Sections.records

    def table(self: Sections, name: str):
        parsed.append(name)
        return whole_table(self, name)

    def records(self: Sections, name: str, keys: list[str]):
        asked.append((name, list(keys)))
        return some_records(self, name, keys)

    monkeypatch.setattr(Sections, "table", table)
    monkeypatch.setattr(Sections, "records", records)
    options = Options(as_of=date(2025, 4, 2))
    found = evaluate(Store.at(db).load(), options).findings
    assert "action_details" not in parsed
    assert asked == [("action_details", [key["A2"]])]  # not A1: its item is open
    whole = Store.at(db).load()
    whole.actions  # noqa: B018  (joined: every action whole)
    assert found == evaluate(whole, options).findings


def test_damaged_action_details_are_exit_2_though_no_item_needs_them(runner, db: Path):
    """check reads no open item's action details, yet a details table that is not
    JSON is still an unreadable store (exit 2), not a check that passed or failed."""
    from tests.conftest import invoke

    tracker(db).add("I1", "still open", "Insp A", "31/03/2025", note="kept in the details table")
    text = db.read_text()
    start = text.index('"action_details":{\n') + len('"action_details":{\n')
    end = text.index("\n", start)
    db.write_text(text[:end] + "," + text[end:])
    statuses = {i.get("status") for i in json.loads(text)["items"].values()}
    assert not statuses & {"complete", "awaiting-sign-off"}  # no evidence rule reads details
    result = invoke(runner, "--db", str(db), "check")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: store {db} is not valid JSON: ")


def test_check_looks_for_no_action_details_when_no_item_is_being_closed(db: Path, monkeypatch):
    """With no item awaiting sign-off or complete, no action is picked for its
    details (a pass over every action): the details table's CRC alone is checked."""
    from afi_tracker.reports.check import Options, evaluate
    from afi_tracker.store.store import Snapshot

    tracker(db).add("I1", "still open", "Insp A", "31/03/2025", note="kept in the details table")
    options = Options(as_of=date(2025, 4, 2))
    expected = evaluate(Store.at(db).load(), options).findings
    checked: list[str] = []
    whole_check = Snapshot.check_table

    def picked(self: Snapshot, *args: object, **kwargs: object) -> None:
        raise AssertionError("actions_where called")

    def check_table(self: Snapshot, name: str) -> None:
        checked.append(name)
        whole_check(self, name)

    monkeypatch.setattr(Snapshot, "actions_where", picked)
    monkeypatch.setattr(Snapshot, "check_table", check_table)
    assert evaluate(Store.at(db).load(), options).findings == expected
    assert checked == ["action_details"]


def test_items_in_reading_order_are_parsed_once_not_kept_as_bytes_too(db: Path, monkeypatch):
    """check sorts every item: the items table is parsed whole, its bytes not
    also read and kept for record-by-record lookups (15 MB at 100k actions)."""
    from afi_tracker.store.storage import Sections

    kept: list[str] = []
    parsed: list[str] = []
    checked_content, table = Sections.checked_content, Sections.table

    def keep(self: Sections, name: str):
        kept.append(name)
        return checked_content(self, name)

    def parse(self: Sections, name: str):
        parsed.append(name)
        return table(self, name)

    monkeypatch.setattr(Sections, "checked_content", keep)
    monkeypatch.setattr(Sections, "table", parse)
    snap = Store.at(db).load()
    ordered = snap.ordered_items()
    assert "items" not in kept
    assert parsed.count("items") == 1
    assert sorted(i["id"] for i in ordered) == sorted(i["id"] for i in snap.items)
